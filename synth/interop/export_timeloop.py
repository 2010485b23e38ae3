"""Timeloop v4 front end (AccelForge) export: one architecture, one workload per distinct GEMM.

Format: AccelForge's `arch:` tree (!Memory / !Fanout / !Compute nodes, as in its
examples/arches/tpu_v4i_like.arch.yaml) and `workload:` with a rank `shape` and an einsum
(examples/workloads/matmuls.workload.yaml).

- arch.yaml: MainMemory (the design's DRAM: bandwidth share of one core as latency, pJ/bit as
  action energy), GlobalBuffer (the core's SRAM, synth's pJ/bit for its size, an array-wide port
  per cycle), the array as a !Fanout of array_rows x array_cols, a per-PE Register that keeps the
  stationary tensor, and the MAC at the workload's precision with synth's energy per MAC.
- The dataflow is the constraint: which tensor the Register keeps and which tensor each array
  dimension reuses (broadcasts or reduces):
      ws: Register keeps weight; rows reduce output (K), columns reuse input (N)
      os: Register keeps output; rows reuse weight (M),  columns reuse input (N)
      is: Register keeps input;  rows reduce output (K), columns reuse weight (M)
- <workload>/<layer>.workload.yaml: `Out[m, n] = In[m, k] * W[k, n]` with the GEMM's sizes (batch
  folded into m for layers with weights). The einsum has no repeat count: the file's header and
  `repeats.csv` give how many times each runs (groups, heads, count). Vector layers have no form.

Run (AccelForge, Python >= 3.12): load arch.yaml with a workload file through its Spec and map it
(see docs/interop.md).
"""

from __future__ import annotations

import yaml

from synth.interop.export_common import ExportInput, ExportWorkload, safe_name, word_bytes

# (register keeps, rows fanout reuses, columns fanout reuses)
_DATAFLOW = {"ws": ("weight", "output", "input"), "os": ("output", "weight", "input"),
             "is": ("input", "output", "weight")}


def arch_yaml(export: ExportInput, precision: str) -> dict:
    hw = export.hardware
    bits = 8 * word_bytes(precision)
    clock_hz = hw.clock_ghz * 1e9
    keep, rows_reuse, cols_reuse = _DATAFLOW[hw.dataflow]
    sram_bits_per_cycle = bits * max(hw.array_rows, hw.array_cols)
    return {"arch": {"nodes": [
        {"!Memory": None, "name": "MainMemory", "attributes": {
            "_size": "inf", "_datawidth": bits,
            "_latency": f"(read_actions + write_actions) / (8 * {hw.dram_gbps_per_core:.6g}e9)",
            "_leak_power": 0, "_area": 0},
         "actions": [{"name": "read", "arguments": {"energy": hw.dram_pj_per_bit * 1e-12}},
                     {"name": "write", "arguments": {"energy": hw.dram_pj_per_bit * 1e-12}}],
         "tensors": {"keep": "~Intermediates", "may_keep": "All"}},
        {"!Memory": None, "name": "GlobalBuffer", "attributes": {
            "_size": hw.sram_kib_per_core * 1024 * 8, "_datawidth": bits,
            "_latency": f"max(read_actions, write_actions) / {sram_bits_per_cycle} / {clock_hz:.6g}",
            "_leak_power": 0, "_area": 0},
         "actions": [{"name": "read", "arguments": {"energy": hw.sram_pj_per_bit * 1e-12}},
                     {"name": "write", "arguments": {"energy": hw.sram_pj_per_bit * 1e-12}}],
         "tensors": {"keep": "~MainMemory.tensors", "may_keep": "All"}},
        {"!Fanout": None, "name": "ArrayFanout", "spatial": [
            {"name": "array_rows", "fanout": hw.array_rows, "may_reuse": rows_reuse},
            {"name": "array_cols", "fanout": hw.array_cols, "may_reuse": cols_reuse}]},
        {"!Memory": None, "name": "Register", "attributes": {
            "_size": bits, "_datawidth": bits, "_leak_power": 0, "_area": 0, "_energy": 0},
         "tensors": {"keep": keep}},
        {"!Compute": None, "name": "MAC", "attributes": {
            "_latency": f"compute_actions / {clock_hz:.6g}", "_leak_power": 0, "_area": 0},
         "actions": [{"name": "compute", "arguments": {"energy": hw.mac_pj[precision] * 1e-12}}]},
    ]}}


def workload_yaml(m: int, k: int, n: int, name: str) -> dict:
    return {"workload": {
        "shape": {"m": f"0 <= m < {m}", "n": f"0 <= n < {n}", "k": f"0 <= k < {k}"},
        "einsums": [{"name": name, "tensor_accesses": [
            {"name": "In", "projection": ["m", "k"]},
            {"name": "W", "projection": ["k", "n"]},
            {"name": "Out", "projection": ["m", "n"], "output": True}],
            "renames": {"weight": "W", "input": "In", "output": "Out"}}]}}


def _dump(data: dict) -> str:
    """YAML with AccelForge's node tags (`- !Memory` etc.) instead of `'!Memory': null` keys."""
    text = yaml.safe_dump(data, sort_keys=False, width=120)
    for tag in ("!Memory", "!Fanout", "!Compute"):
        text = text.replace(f"- '{tag}': null\n    ", f"- {tag}\n    ")
    return text


def layer_files(workload: ExportWorkload) -> dict[str, str]:
    stem = safe_name(workload.name)
    files, seen = {}, {}
    rows = ["layer, m, k, n, repeats, file,\n"]
    for g in workload.gemms:
        key = (g.m, g.k, g.n)
        if key not in seen:
            seen[key] = f"{stem}/gemm_{g.m}x{g.k}x{g.n}.workload.yaml"
            header = f"# Exported by synth: (m x k) @ (k x n) = ({g.m} x {g.k}) @ ({g.k} x {g.n})\n"
            files[seen[key]] = header + _dump(workload_yaml(g.m, g.k, g.n, f"gemm_{g.m}x{g.k}x{g.n}"))
        rows.append(f"{safe_name(g.layer)}, {g.m}, {g.k}, {g.n}, {g.repeats}, {seen[key]},\n")
    files[f"{stem}/repeats.csv"] = "".join(rows)
    return files


def export_timeloop(export: ExportInput) -> dict[str, str]:
    files: dict[str, str] = {}
    precisions = sorted({w.precision for w in export.workloads if w.gemms})
    for precision in precisions:
        name = "arch.yaml" if len(precisions) == 1 else f"arch_{precision}.yaml"
        files[name] = (f"# Exported by synth: one core of the design, {export.hardware.array_rows}x"
                       f"{export.hardware.array_cols} {export.hardware.dataflow}, {precision}\n"
                       + _dump(arch_yaml(export, precision)))
    for workload in export.workloads:
        if workload.gemms:
            files.update(layer_files(workload))
    return files
