"""The design file: one accelerator and how each workload runs on it.

It is the same shape as the `design` that `synth solve` writes. Defaults (documented in
docs/requirements.md): chips 1, voltage from the node's DVFS curve for the clock, and per
workload batch 1, replicas 1, cores_per_replica = cores // number of workloads, the PE's
first precision, batch_timeout_ms 0 (run whatever is waiting as soon as a replica is free).
`replicas` counts replicas on each chip: the chips are identical and each runs the same
partition, so a workload has replicas x chips replicas in all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from synth.spec.fields import MAX_BATCH, NonNegativeFloat, PositiveFloat, Strict
from synth.spec.requirements import MemorySpec

PePrecision = Literal["int8", "fp16", "bf16", "fp32", "int8+fp16"]


class WorkloadPlan(Strict):
    """How one workload runs: batching, replication and precision."""

    batch: Annotated[int, Field(ge=1, le=MAX_BATCH)] = 1
    replicas: Annotated[int, Field(ge=1, le=4096)] = 1
    cores_per_replica: Annotated[int, Field(ge=1, le=4096)] | None = None
    precision: PePrecision | None = None
    batch_timeout_ms: Annotated[NonNegativeFloat, Field(le=1e6)] = 0.0


class Design(Strict):
    """One accelerator design (per chip) and the plan of every workload on it."""

    array_rows: Annotated[int, Field(ge=1, le=4096)]
    array_cols: Annotated[int, Field(ge=1, le=4096)]
    cores: Annotated[int, Field(ge=1, le=4096)] = 1
    dataflow: Literal["ws", "os", "is"] = "ws"
    precision: PePrecision = "int8"
    clock_ghz: Annotated[PositiveFloat, Field(le=100)]
    voltage_v: Annotated[PositiveFloat, Field(le=5)] | None = None
    sram_mib: Annotated[PositiveFloat, Field(le=1e6)]
    memory: MemorySpec = "lpddr5"
    chips: Annotated[int, Field(ge=1, le=4096)] = 1
    workloads: dict[str, WorkloadPlan] = Field(default_factory=dict, max_length=16)
