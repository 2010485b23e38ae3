"""Tables for people (rich). Every number comes from an Evaluation or a Result object."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from synth.results import Evaluation, ParetoFront


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
    table.add_column("")
    for w in ev.workloads:
        table.add_column(w.name, justify="right")
    rows = [
        ("scenario", [w.scenario.value for w in ev.workloads]),
        ("model / precision", [f"{w.model} / {w.precision}" for w in ev.workloads]),
        ("batch, timeout ms", [f"{w.batch}, {w.batch_timeout_ms:g}" for w in ev.workloads]),
        ("replicas x cores", [f"{w.replicas} x {w.cores_per_replica}" for w in ev.workloads]),
        ("latency p50 / p90 / p99 ms", [f"{_num(w.latency_ms['p50'])} / {_num(w.latency_ms['p90'])} / "
                                        f"{_num(w.latency_ms['p99'])}" for w in ev.workloads]),
        ("at the SLA percentile ms", [f"p{w.percentile:g}: {_num(w.latency_at_percentile_ms)}" if w.percentile
                                      else "-" for w in ev.workloads]),
        ("throughput / capacity per s", [f"{_num(w.throughput_ips)} / {_num(w.capacity_ips)}" for w in ev.workloads]),
        ("max qps within SLA", ["-" if w.max_qps_within_sla is None else _num(w.max_qps_within_sla)
                                for w in ev.workloads]),
        ("utilization", [f"{w.utilization:.1%}" for w in ev.workloads]),
        ("energy mJ per inference", [_num(w.energy_mj_per_inference) for w in ev.workloads]),
        ("accuracy drop pct", [_num(w.accuracy_drop_pct, 3) for w in ev.workloads]),
        ("latency from", [w.latency_method.value + (f" (seed {w.simulation['seed']}, {w.simulation['queries']} queries)"
                                              if w.simulation else "") for w in ev.workloads]),
    ]
    for label, values in rows:
        table.add_row(label, *values)
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
                               layer.bound.value)
            console.print(layers)
    console.print(f"objective {ev.objective_name.value}: [bold]{_num(ev.objective_value)} {ev.objective_unit}[/]")
    if ev.feasible:
        console.print("[green]feasible[/]: meets every requirement")
    else:
        console.print("[red]infeasible[/]:")
        for v in ev.violations:
            console.print(f"  - {escape(str(v))}")


def print_result(console: Console, result, out_dir=None) -> None:
    cert = result.certificate
    console.print(f"[bold]status[/]: {result.status.value} ({result.method.value}, seed {result.seed}, "
                  f"{result.design_points:.3g} design points)")
    if result.evaluation is not None:
        print_evaluation(console, result.evaluation)
        gap = "n/a" if cert.gap is None else f"{cert.gap:.2e}"
        bound = "n/a" if cert.bound is None else _num(cert.bound, 6)
        console.print(f"[bold]certificate[/]: objective {_num(cert.objective, 6)}, bound {bound}, gap {gap}; "
                      f"{cert.iterations} MILP solves, {cert.cuts} cuts, {cert.exact_checks} exact checks; "
                      f"build {cert.build_s:.2f} s, solve {cert.solve_s:.2f} s, checks {cert.check_s:.2f} s, "
                      f"total {cert.seconds:.2f} s")
        if result.refinement and result.refinement.gain_pct:
            r = result.refinement
            console.print(f"[bold]refinement[/]: {r.gain_pct:.2f} % better than the certified grid optimum "
                          f"({_num(r.objective_before, 6)} -> {_num(r.objective_after, 6)}) after {r.trials} "
                          f"trials; changed {', '.join(r.changes)}")
        if result.alternatives:
            alt = Table(title="Alternatives (next best, distinct hardware)")
            for column in ("#", "objective", "array", "cores", "dataflow", "PE", "clock GHz", "SRAM MiB", "memory", "chips"):
                alt.add_column(column)
            for i, a in enumerate(result.alternatives, 1):
                d = a.design
                memory = d["memory"] if isinstance(d["memory"], str) else d["memory"]["name"]
                alt.add_row(str(i), _num(a.objective_value), f"{d['array_rows']}x{d['array_cols']}", str(d["cores"]),
                            d["dataflow"], d["precision"], f"{d['clock_ghz']:g}", f"{d['sram_mib']:g}", memory,
                            str(d["chips"]))
            console.print(alt)
    if cert.pruned:
        console.print(f"pruned before the MILP (dominated in every figure): {escape('; '.join(cert.pruned))}")
    for note in cert.notes:
        console.print(f"note: {escape(note)}")
    if result.relaxation:
        console.print("[bold red]No design meets every requirement.[/] Smallest relaxations, one at a time:")
        for r in result.relaxation:
            console.print(f"  - {escape(r.message)}")
    if out_dir is not None and result.design is not None:
        console.print(f"wrote {out_dir}/design.yaml and {out_dir}/result.json")


def print_curves(console: Console, curves) -> None:
    for c in curves:
        table = Table(title=f"{c.workload} ({c.scenario.value}): batch trade-off")
        for column in ("batch", "service ms", "capacity /s", "utilization", "p50 ms", "p99 ms"):
            table.add_column(column, justify="right")
        for p in c.batch:
            table.add_row(str(p.batch), _num(p.service_ms), _num(p.capacity_ips), f"{p.utilization:.1%}",
                          "-" if p.p50_ms is None else _num(p.p50_ms), "-" if p.p99_ms is None else _num(p.p99_ms))
        console.print(table)
        if c.load:
            load = Table(title=f"{c.workload}: latency against offered load (design's batch)")
            for column in ("qps", "load", "p50 ms", "p99 ms"):
                load.add_column(column, justify="right")
            for p in c.load:
                load.add_row(_num(p.qps), f"{p.load:.0%}", _num(p.p50_ms), _num(p.p99_ms) if p.stable else "unstable")
            console.print(load)


def print_pareto(console: Console, front: ParetoFront) -> None:
    table = Table(title=f"Pareto front: {front.y} ({front.y_unit}) against {front.x} ({front.x_unit})")
    for column in (f"{front.x} {front.x_unit}", f"{front.y} {front.y_unit}", "design"):
        table.add_column(column)
    for p in front.points:
        d = p.design or {}
        memory = d["memory"] if isinstance(d["memory"], str) else d["memory"]["name"]
        table.add_row(_num(p.x), _num(p.y), f"{d['chips']}x {d['cores']} cores {d['array_rows']}x{d['array_cols']} "
                      f"{d['precision']} {d['clock_ghz']:.3g} GHz {d['sram_mib']:g} MiB {memory}")
    console.print(table)
    if front.chosen is not None:
        console.print(f"chosen design (best {front.y}): {front.x} = {_num(front.chosen.x)}, "
                      f"{front.y} = {_num(front.chosen.y)}")
