"""What every export needs from a design: one core's hardware and each workload's GEMMs.

The peer tools each model one accelerator core (an array, its buffers, a DRAM port), so an
export describes one core of the design: the array, the core's SRAM (sram_mib / cores) and its
share of the DRAM bandwidth (bandwidth / cores). Each workload runs at the batch the design
gives it; a layer whose weights are shared by the batch (conv, depthwise, gemm) folds the batch
into its GEMM rows, as synth's cost core does (synth/models/layers.py); a matmul (both operands
activations) repeats per sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from synth.cost.constants import ACCUMULATOR_BYTES, MAC_ENERGY_PJ_45NM, OPERAND_BYTES
from synth.cost.dvfs import dynamic_energy_scale, sram_voltage_scale
from synth.cost.workload import sram_pj_per_bit
from synth.models.layers import Layer, Model
from synth.spec.design import Design
from synth.spec.requirements import Requirements
from synth.spec.resolve import resolve_design, resolve_model

EXPORT_TARGETS = ("scalesim", "timeloop", "zigzag")
ACCUMULATOR_BITS = 8 * ACCUMULATOR_BYTES


@dataclass(frozen=True, slots=True)
class ExportGemm:
    """One distinct GEMM of a workload at its batch: (m x k) @ (k x n), run `repeats` times."""

    layer: str
    kind: str
    m: int
    k: int
    n: int
    repeats: int  # groups x heads x count, times the batch when the batch cannot fold into m
    has_weights: bool
    source: Layer


@dataclass(frozen=True, slots=True)
class ExportWorkload:
    name: str
    model: Model
    batch: int
    precision: str  # int8 | fp16 | bf16 | fp32 (int8+fp16 runs int8 GEMMs)
    gemms: tuple[ExportGemm, ...]
    vector_layers: tuple[str, ...]  # not expressible as GEMMs: left out of the exports


@dataclass(frozen=True, slots=True)
class ExportHardware:
    array_rows: int
    array_cols: int
    cores: int
    dataflow: str  # ws | os | is
    clock_ghz: float
    sram_kib_per_core: int
    dram_gbps_per_core: float
    memory: str
    pe_precision: str
    mac_pj: dict[str, float]  # energy per MAC by precision at this node and voltage
    sram_pj_per_bit: float
    dram_pj_per_bit: float


@dataclass(frozen=True, slots=True)
class ExportInput:
    hardware: ExportHardware
    workloads: tuple[ExportWorkload, ...]


def safe_name(text: str) -> str:
    """A file-name-safe form of a workload or layer name."""
    return re.sub(r"[^A-Za-z0-9_.+\-]", "_", text) or "unnamed"


def word_bytes(precision: str) -> int:
    return OPERAND_BYTES["int8" if precision == "int8+fp16" else precision]


def workload_gemms(model: Model, batch: int) -> tuple[tuple[ExportGemm, ...], tuple[str, ...]]:
    """The GEMMs of a model at a batch, in layer order; and the vector layers left out."""
    gemms, vectors = [], []
    for layer in model.layers:
        gemm = layer.lower()
        if gemm.kind == "vector":
            vectors.append(layer.name)
            continue
        if gemm.batch_shares_weights:
            m, repeats = gemm.m * batch, gemm.groups * layer.count
        else:
            m, repeats = gemm.m, gemm.groups * layer.count * batch
        gemms.append(ExportGemm(layer.name, layer.kind, m, gemm.k, gemm.n, repeats,
                                gemm.weight_elements > 0, layer))
    return tuple(gemms), tuple(vectors)


def export_input(req: Requirements, design: Design, *, design_source: str = "<design>") -> ExportInput:
    """Resolve a design against its requirements (defaults filled, SpecError on mismatch)."""
    resolved = resolve_design(req, design, design_source)
    tech = resolved.tech
    vscale = float(dynamic_energy_scale(tech, resolved.voltage_v))
    hardware = ExportHardware(
        array_rows=design.array_rows, array_cols=design.array_cols, cores=design.cores,
        dataflow=design.dataflow, clock_ghz=design.clock_ghz,
        sram_kib_per_core=max(1, int(design.sram_mib * 1024 / design.cores)),
        dram_gbps_per_core=resolved.memory.bandwidth_gbps / design.cores,
        memory=resolved.memory.name, pe_precision=design.precision,
        mac_pj={p: MAC_ENERGY_PJ_45NM[p] * tech.mac_energy_scale * tech.pe_energy_overhead * vscale
                for p in OPERAND_BYTES},
        sram_pj_per_bit=float(sram_pj_per_bit(tech, design.sram_mib / design.cores))
        * float(sram_voltage_scale(tech, resolved.voltage_v)),
        dram_pj_per_bit=resolved.memory.pj_per_bit)
    workloads = []
    for index, (workload, plan) in enumerate(zip(req.workloads, resolved.plans)):
        model = resolve_model(workload.model, req.source, f"workloads[{index}].model")
        gemms, vectors = workload_gemms(model, plan.batch)
        precision = "int8" if plan.precision == "int8+fp16" else plan.precision
        workloads.append(ExportWorkload(workload.name, model, plan.batch, precision, gemms, vectors))
    return ExportInput(hardware, tuple(workloads))


def write_files(files: dict[str, str], out_dir: Path) -> list[Path]:
    """Write {relative path: text} under out_dir; the paths written."""
    written = []
    for relative, text in files.items():
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        written.append(target)
    return written
