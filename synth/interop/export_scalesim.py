"""SCALE-Sim (v2/v3.0.0) export: one .cfg for the design's core, one GEMM topology per workload.

- Array: ArrayHeight = array_rows, ArrayWidth = array_cols, Dataflow = ws | os | is.
- SRAM: synth splits a core's SRAM in two halves, weights and activations (synth/cost/workload.py);
  SCALE-Sim's filter SRAM gets the weight half, its ifmap and ofmap SRAMs a quarter each.
- Bandwidth: InterfaceBandwidth = USER, Bandwidth = the core's DRAM share in words per cycle
  (bandwidth / cores / clock / bytes per word, at least 1).
- Topology: GEMM mode ("Layer, M, N, K," -- N before K; every row ends with a comma), one row per
  distinct GEMM; the batch folds into M for layers with weights (conv, depthwise, gemm), as synth
  does. SCALE-Sim has no notion of groups, heads or repeats: `<workload>_repeats.csv` gives how
  many times each row runs (groups x heads x count, x batch for matmuls), which is how synth's
  totals are recovered from SCALE-Sim's per-row figures. Vector layers have no SCALE-Sim form.
- The SCALE-Sim-convention compute cycles synth predicts for each row are in
  `<workload>_expected.csv` (synth.cost.systolic.gemm_cycles, counted from 1; SCALE-Sim reports
  that count minus one, with no stalls when the bandwidth suffices).

Run: `python -m scalesim.scale -c <w>.cfg -t <w>_topology.csv -l <w>_layout.csv -i gemm -p out`.
"""

from __future__ import annotations

from synth.cost.systolic import DATAFLOW_CODES, gemm_cycles
from synth.interop.export_common import ExportInput, ExportWorkload, safe_name, word_bytes

_CONFIG = """\
# SCALE-Sim config exported by synth: one core of the design ({note})
[general]
run_name = {run_name}

[architecture_presets]
ArrayHeight = {rows}
ArrayWidth = {cols}
IfmapSramSzkB = {ifmap_kb}
FilterSramSzkB = {filter_kb}
OfmapSramSzkB = {ofmap_kb}
IfmapOffset = 0
FilterOffset = 10000000
OfmapOffset = 20000000
Dataflow = {dataflow}
Bandwidth = {bandwidth}
ReadRequestBuffer = 32
WriteRequestBuffer = 32

[layout]
IfmapCustomLayout = False
IfmapSRAMBankBandwidth = 10
IfmapSRAMBankNum = 10
IfmapSRAMBankPort = 2
FilterCustomLayout = False
FilterSRAMBankBandwidth = 10
FilterSRAMBankNum = 10
FilterSRAMBankPort = 2

[sparsity]
SparsitySupport = False

[run_presets]
InterfaceBandwidth = USER
UseRamulatorTrace = False
"""


def bandwidth_words_per_cycle(dram_gbps_per_core: float, clock_ghz: float, precision: str) -> int:
    """The core's DRAM share in SCALE-Sim words per cycle (>= 1)."""
    return max(1, int(dram_gbps_per_core / clock_ghz / word_bytes(precision)))


def scalesim_config(export: ExportInput, workload: ExportWorkload) -> str:
    hw = export.hardware
    half_kb = max(2, hw.sram_kib_per_core // 2)
    return _CONFIG.format(
        note=f"{hw.array_rows}x{hw.array_cols} {hw.dataflow}, {hw.cores} core(s), {hw.memory}, "
             f"workload {workload.name} at batch {workload.batch}, {workload.precision}",
        run_name=safe_name(workload.name), rows=hw.array_rows, cols=hw.array_cols,
        ifmap_kb=half_kb // 2, filter_kb=half_kb, ofmap_kb=half_kb // 2, dataflow=hw.dataflow,
        bandwidth=bandwidth_words_per_cycle(hw.dram_gbps_per_core, hw.clock_ghz, workload.precision))


def row_names(workload: ExportWorkload) -> list[str]:
    return [f"{index:03d}_{safe_name(g.layer)}" for index, g in enumerate(workload.gemms)]


def topology_csv(workload: ExportWorkload) -> str:
    rows = [f"{name}, {g.m}, {g.n}, {g.k},\n" for name, g in zip(row_names(workload), workload.gemms)]
    return "Layer, M, N, K,\n" + "".join(rows)


def expected_cycles(export: ExportInput, workload: ExportWorkload) -> list[int]:
    """synth's SCALE-Sim-convention compute cycles per topology row (counted from 1)."""
    hw = export.hardware
    return [int(gemm_cycles(g.m, g.k, g.n, hw.array_rows, hw.array_cols, DATAFLOW_CODES[hw.dataflow]))
            for g in workload.gemms]


def export_scalesim(export: ExportInput) -> dict[str, str]:
    """{file name: text}: a .cfg, a topology, a layout, repeats and expected cycles per workload."""
    files: dict[str, str] = {}
    for workload in export.workloads:
        if not workload.gemms:
            continue
        stem = safe_name(workload.name)
        names = row_names(workload)
        files[f"{stem}.cfg"] = scalesim_config(export, workload)
        files[f"{stem}_topology.csv"] = topology_csv(workload)
        # SCALE-Sim opens a layout file even with custom layouts off; a named row per layer suffices.
        files[f"{stem}_layout.csv"] = "Layer,\n" + "".join(f"{name},\n" for name in names)
        files[f"{stem}_repeats.csv"] = "Layer, Repeats, Kind,\n" + "".join(
            f"{name}, {g.repeats}, {g.kind},\n" for name, g in zip(names, workload.gemms))
        cycles = expected_cycles(export, workload)
        files[f"{stem}_expected.csv"] = "Layer, synth compute cycles (from 1), SCALE-Sim should report,\n" + "".join(
            f"{name}, {c}, {c - 1},\n" for name, c in zip(names, cycles))
    return files
