"""The design file: one accelerator and how each workload runs on it.

It is the same shape as the `design` that `synth solve` writes. Defaults (documented in
docs/requirements.md): chips 1, voltage from the node's DVFS curve for the clock, and per
workload batch 1, replicas 1, cores_per_replica = cores // number of workloads, the PE's
first precision, batch_timeout_ms 0 (run whatever is waiting as soon as a replica is free).
`replicas` counts replicas on each chip: the chips are identical and each runs the same
partition, so a workload has replicas x chips replicas in all.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from synth.spec.fields import MAX_BATCH, NonNegativeFloat, PositiveFloat, Strict
from synth.spec.requirements import MemorySpec
from synth.vocabulary import DataflowName, PrecisionName

PePrecision = PrecisionName


class WorkloadPlan(Strict):
    """How one workload runs: batching, replication and precision."""

    batch: Annotated[int, Field(ge=1, le=MAX_BATCH)] = Field(1, description=(
        "Batch size (the most queries a replica runs at once)."))
    replicas: Annotated[int, Field(ge=1, le=4096)] = Field(1, description=(
        "Replicas per chip (a workload has replicas × chips in all)."))
    cores_per_replica: Annotated[int, Field(ge=1, le=4096)] | None = Field(None, description=(
        "Cores each replica runs on. Default: max(1, max(1, cores // workloads) // replicas)."))
    precision: PePrecision | None = Field(None, description=(
        "Precision the workload runs at; the PE must run it. Default: the PE's first precision."))
    batch_timeout_ms: Annotated[NonNegativeFloat, Field(le=1e6)] = Field(0.0, description=(
        "Dynamic batching (server): the longest a query waits for the batch to fill; 0 runs "
        "whatever is waiting as soon as a replica is free."))


class Design(Strict):
    """One accelerator design (per chip) and the plan of every workload on it."""

    array_rows: Annotated[int, Field(ge=1, le=4096)] = Field(description='Systolic array rows.')
    array_cols: Annotated[int, Field(ge=1, le=4096)] = Field(description='Systolic array columns.')
    cores: Annotated[int, Field(ge=1, le=4096)] = Field(1, description='Cores (arrays) per chip.')
    dataflow: DataflowName = Field("ws", description='Dataflow: `ws`, `os` or `is`.')
    precision: PePrecision = Field("int8", description='PE type (see *PE types and workload precisions*).')
    clock_ghz: Annotated[PositiveFloat, Field(le=100)] = Field(description=(
        "Clock, GHz; at most the node's highest clock."))
    voltage_v: Annotated[PositiveFloat, Field(le=5)] | None = Field(None, description=(
        "Supply voltage, V: within the node's range and high enough for the clock. Default: the "
        "lowest voltage that reaches the clock."))
    sram_mib: Annotated[PositiveFloat, Field(le=1e6)] = Field(description='On-chip SRAM per chip, MiB.')
    memory: MemorySpec = Field("lpddr5", description='Off-chip memory: a catalog name or an inline memory.')
    chips: Annotated[int, Field(ge=1, le=4096)] = Field(1, description=(
        "Identical chips; each runs the same partition of every workload."))
    workloads: dict[str, WorkloadPlan] = Field(default_factory=dict, max_length=16, description=(
        "The plan of each workload, keyed by workload name; a workload left out takes every "
        "default."))
