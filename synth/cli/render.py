"""Tables for people (rich). Every number comes from an Evaluation or a Result object."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from synth.results import Evaluation


def _num(value: float, digits: int = 4) -> str:
    if value == float("inf"):
        return "inf"
    return f"{value:.{digits}g}"


def print_models(console: Console, models) -> None:
    table = Table(title="Built-in models")
    for column in ("name", "params (M)", "MACs (G)", "layers", "description"):
        table.add_column(column)
    for m in models:
        table.add_row(m.name, f"{m.params / 1e6:.3f}", f"{m.macs / 1e9:.3f}", str(len(m.layers)), m.description)
    console.print(table)


def print_evaluation(console: Console, ev: Evaluation, *, show_layers: bool = False) -> None:
    d = ev.design
    console.print(f"[bold]Design[/]: {d['chips']} chip(s) x {d['cores']} core(s) of {d['array_rows']}x{d['array_cols']} "
                  f"{d['precision']} {d['dataflow']}, {d['clock_ghz']} GHz @ {d['voltage_v']:.3f} V, "
                  f"{d['sram_mib']} MiB SRAM, {d['memory'] if isinstance(d['memory'], str) else d['memory']['name']}")
    chip = Table(title="Chip and system")
    for column in ("", "per chip", "system"):
        chip.add_column(column)
    s, c = ev.system, ev.chip
    chip.add_row("peak TOPS", _num(c.peak_tops), _num(s.peak_tops))
    chip.add_row("area mm2", _num(c.area_mm2), _num(s.area_mm2))
    chip.add_row("power W peak / average", f"{_num(c.power_w['peak'])} / {_num(c.power_w['average'])}",
                 f"{_num(s.power_w['peak'])} / {_num(s.power_w['average'])}")
    chip.add_row("unit cost USD", _num(c.unit_cost_usd), _num(s.unit_cost_usd))
    chip.add_row("energy per inference mJ", "", _num(s.energy_mj_per_inference))
    chip.add_row("cost per inference USD", "", _num(s.cost_per_inference_usd))
    console.print(chip)
    table = Table(title="Workloads")
    for column in ("workload", "scenario", "batch", "replicas", "p50 ms", "p90 ms", "p99 ms", "at SLA pct",
                   "throughput/s", "util", "mJ/inf", "acc drop"):
        table.add_column(column)
    for w in ev.workloads:
        pct = f"p{w.percentile:g}: {_num(w.latency_at_percentile_ms)}" if w.percentile else "-"
        table.add_row(w.name, w.scenario, str(w.batch), str(w.replicas), _num(w.latency_ms["p50"]),
                      _num(w.latency_ms["p90"]), _num(w.latency_ms["p99"]), pct, _num(w.throughput_ips),
                      f"{w.utilization:.1%}", _num(w.energy_mj_per_inference), _num(w.accuracy_drop_pct, 3))
    console.print(table)
    if show_layers:
        for w in ev.workloads:
            layers = Table(title=f"Layers of {w.name} (batch {w.batch})")
            for column in ("layer", "x", "m", "k", "n", "groups", "cycles", "compute us", "memory us", "bound"):
                layers.add_column(column)
            for layer in w.layers:
                g = layer.gemm
                layers.add_row(layer.name, str(layer.count), str(g["m"]), str(g["k"]), str(g["n"]), str(g["groups"]),
                               _num(layer.compute_cycles, 6), _num(layer.compute_time_us), _num(layer.memory_time_us),
                               layer.bound)
            console.print(layers)
    console.print(f"objective {ev.objective_name}: [bold]{_num(ev.objective_value)} {ev.objective_unit}[/]")
    if ev.feasible:
        console.print("[green]feasible[/]: meets every requirement")
    else:
        console.print("[red]infeasible[/]:")
        for v in ev.violations:
            console.print(f"  - {v}")
