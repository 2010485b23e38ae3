"""ZigZag (zigzag-dse 3.x) export: accelerator, mapping and workload YAMLs per workload.

- Accelerator: a 2-D operational array D1 x D2 = array_rows x array_cols at the workload's
  operand precision, energy per MAC from synth's cost constants; per PE one register each for
  inputs (I1), weights (I2) and partial sums (O), so any stationarity fits; a global buffer of
  the core's SRAM (I1, I2, O) serving D1 and D2; DRAM with the core's bandwidth share in bits
  per cycle. Access energies: synth's SRAM pJ/bit for the core's SRAM size, the memory's pJ/bit.
- Workload: one `Gemm` layer per distinct GEMM, `O[d0][d1]+=I[d0][d2]*W[d2][d1]` with
  D0 = M (batch folded in for layers with weights), D1 = N, D2 = K. ZigZag's workload format
  has no repeat count: the layer's `name` ends in `xR` when it runs R times (groups, heads,
  count), and `repeats` in the header comment lists them; vector layers have no form here.
- Mapping: the design's dataflow as a spatial mapping per layer (ws: D1 <- K, D2 <- N;
  os: D1 <- M, D2 <- N; is: D1 <- K, D2 <- M), each unrolling capped at the layer's size; the
  temporal ordering is left to ZigZag's search (LOMA).

Run: `python -c "from zigzag.api import get_hardware_performance_zigzag as z;
print(z('<w>_workload.yaml', '<w>_accelerator.yaml', '<w>_mapping.yaml'))"`.
"""

from __future__ import annotations

import yaml

from synth.interop.export_common import ACCUMULATOR_BITS, ExportInput, ExportWorkload, safe_name, word_bytes

# ZigZag's GEMM loop names: O[d0][d1] += I[d0][d2] * W[d2][d1] (M = D0, N = D1, K = D2).
_SPATIAL = {"ws": ("D2", "D1"), "os": ("D0", "D1"), "is": ("D2", "D0")}  # (array rows, array cols)


def _port(name: str, kind: str, bandwidth: int, allocation: list[str]) -> dict:
    return {"name": name, "type": kind, "bandwidth_min": bandwidth, "bandwidth_max": bandwidth,
            "allocation": allocation}


def _register(bits: int, operand: str, pj: float) -> dict:
    rw = ["fh", "tl"] if operand != "O" else ["fh", "tl", "fl", "th"]
    ports = [_port("r_port_1", "read", bits, [f"{operand}, {d}" for d in rw if d in ("tl", "th")]),
             _port("w_port_1", "write", bits, [f"{operand}, {d}" for d in rw if d in ("fh", "fl")])]
    return {"size": bits, "r_cost": pj, "w_cost": pj, "area": 0, "latency": 1,
            "operands": [operand], "ports": ports, "served_dimensions": []}


def accelerator_yaml(export: ExportInput, workload: ExportWorkload) -> dict:
    hw = export.hardware
    bits = 8 * word_bytes(workload.precision)
    sram_bits = hw.sram_kib_per_core * 1024 * 8
    sram_width = bits * max(hw.array_rows, hw.array_cols)
    dram_width = max(bits, int(hw.dram_gbps_per_core * 8 / hw.clock_ghz))
    all_directions = [f"{op}, {d}" for op in ("I1", "I2") for d in ("fh", "tl")] + \
                     [f"O, {d}" for d in ("fh", "tl", "fl", "th")]
    memories = {
        "reg_I": _register(bits, "I1", hw.sram_pj_per_bit * bits / 16),
        "reg_W": _register(bits, "I2", hw.sram_pj_per_bit * bits / 16),
        "reg_O": _register(ACCUMULATOR_BITS, "O", hw.sram_pj_per_bit * ACCUMULATOR_BITS / 16),
        "global_buffer": {
            "size": sram_bits, "r_cost": hw.sram_pj_per_bit * sram_width,
            "w_cost": hw.sram_pj_per_bit * sram_width, "area": 0, "latency": 1,
            "operands": ["I1", "I2", "O"],
            "ports": [_port("rw_port_1", "read_write", sram_width, all_directions)],
            "served_dimensions": ["D1", "D2"]},
        "dram": {
            "size": 10**12, "r_cost": hw.dram_pj_per_bit * dram_width,
            "w_cost": hw.dram_pj_per_bit * dram_width, "area": 0, "latency": 1,
            "operands": ["I1", "I2", "O"],
            "ports": [_port("rw_port_1", "read_write", dram_width, all_directions)],
            "served_dimensions": ["D1", "D2"]},
    }
    return {"name": f"synth_{hw.array_rows}x{hw.array_cols}_{hw.dataflow}", "memories": memories,
            "operational_array": {"input_precision": [bits, bits],
                                  "unit_energy": round(hw.mac_pj[workload.precision], 6), "unit_area": 1,
                                  "dimensions": ["D1", "D2"], "sizes": [hw.array_rows, hw.array_cols]}}


def layer_names(workload: ExportWorkload) -> list[str]:
    return [f"L{index:03d}_{safe_name(g.layer)}_x{g.repeats}" for index, g in enumerate(workload.gemms)]


def workload_yaml(workload: ExportWorkload) -> list[dict]:
    bits = 8 * word_bytes(workload.precision)
    layers = []
    for index, (name, g) in enumerate(zip(layer_names(workload), workload.gemms)):
        layers.append({
            "id": index, "name": name, "operator_type": "Gemm",
            "equation": "O[d0][d1]+=I[d0][d2]*W[d2][d1]", "dimension_relations": [],
            "loop_dims": ["D0", "D1", "D2"], "loop_sizes": [g.m, g.n, g.k],
            "operand_precision": {"W": bits, "I": bits, "O": ACCUMULATOR_BITS, "O_final": bits},
            "operand_source": {"I": index, "W": index}})
    return layers


def mapping_yaml(export: ExportInput, workload: ExportWorkload) -> list[dict]:
    hw = export.hardware
    rows_dim, cols_dim = _SPATIAL[hw.dataflow]
    links = {"O": "O", "W": "I2", "I": "I1"}  # copied per entry: no YAML anchors
    entries = [{"name": "default", "spatial_mapping": {"D1": [f"{rows_dim}, {hw.array_rows}"],
                                                       "D2": [f"{cols_dim}, {hw.array_cols}"]},
                "memory_operand_links": dict(links)}]
    for name, g in zip(layer_names(workload), workload.gemms):
        size = {"D0": g.m, "D1": g.n, "D2": g.k}
        entries.append({"name": name, "spatial_mapping": {
            "D1": [f"{rows_dim}, {min(hw.array_rows, size[rows_dim])}"],
            "D2": [f"{cols_dim}, {min(hw.array_cols, size[cols_dim])}"]},
            "memory_operand_links": dict(links)})
    return entries


def export_zigzag(export: ExportInput) -> dict[str, str]:
    files: dict[str, str] = {}
    for workload in export.workloads:
        if not workload.gemms:
            continue
        stem = safe_name(workload.name)
        note = (f"# Exported by synth: workload {workload.name} at batch {workload.batch}, "
                f"{workload.precision}; repeats per layer: "
                + ", ".join(str(g.repeats) for g in workload.gemms) + "\n")
        files[f"{stem}_accelerator.yaml"] = note + yaml.safe_dump(accelerator_yaml(export, workload), sort_keys=False)
        files[f"{stem}_workload.yaml"] = note + yaml.safe_dump(workload_yaml(workload), sort_keys=False)
        files[f"{stem}_mapping.yaml"] = note + yaml.safe_dump(mapping_yaml(export, workload), sort_keys=False)
    return files
