"""Tables for people (rich). Every number comes from an Evaluation or a Result object.

Tables fit 80 columns: numbers in engineering notation, never cut (numeric cells do not wrap);
text cells fold onto more lines instead of ending in an ellipsis.
"""

from __future__ import annotations

import math

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from synth.results import Evaluation, ParetoFront


def _num(value: float | None, digits: int = 4) -> str:
    """Engineering notation: 4 significant digits, an exponent that is a multiple of 3 outside
    [1e-3, 1e4) (`411.8e-12`, `36.99e3`), `inf`, `-` for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.{digits}g}"
    exponent = 3 * math.floor(math.log10(abs(value)) / 3)
    mantissa = value / 10**exponent
    if abs(float(f"{mantissa:.{digits}g}")) >= 1000:  # rounding carried into the next power
        exponent, mantissa = exponent + 3, mantissa / 1000
    return f"{mantissa:.{digits}g}e{exponent}"


def new_table(title: str, columns: tuple[str, ...], *, numeric: tuple[int, ...] = ()) -> Table:
    """A compact table: numeric columns right-aligned and never wrapped; text columns fold."""
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    for i, column in enumerate(columns):
        if i in numeric:
            table.add_column(column, justify="right", no_wrap=True)
        else:
            table.add_column(column, overflow="fold")
    return table


def _memory(d: dict) -> str:
    return d["memory"] if isinstance(d["memory"], str) else d["memory"]["name"]


def design_line(d: dict) -> str:
    return (f"{d['chips']} chip(s) x {d['cores']} core(s) of {d['array_rows']}x{d['array_cols']} {d['precision']} "
            f"{d['dataflow']}, {d['clock_ghz']:g} GHz @ {d.get('voltage_v', 0):.3f} V, {d['sram_mib']:g} MiB SRAM, "
            f"{_memory(d)}")


def print_models(console: Console, models) -> None:
    table = new_table("Built-in models", ("name", "params (M)", "MACs (G)", "layers", "description"),
                      numeric=(1, 2, 3))
    for m in models:
        table.add_row(m.name, f"{m.params / 1e6:.3f}", f"{m.macs / 1e9:.3f}", str(len(m.layers)), m.description)
    console.print(table)


def print_evaluation(console: Console, ev: Evaluation, *, show_layers: bool = False, requirements=None) -> None:
    # Lazy: importing synth.report loads matplotlib, which `synth check` and `--help` never need.
    from synth.report.measures import application_class, measures, per_inferences, tuned_for

    console.print(f"[bold]Design[/]: {escape(design_line(ev.design))}", soft_wrap=False)
    chip = new_table("Chip and system", ("", "per chip", "system"), numeric=(1, 2))
    s, c = ev.system, ev.chip
    chip.add_row("peak TOPS", _num(c.peak_tops), _num(s.peak_tops))
    chip.add_row("area mm2", _num(c.area_mm2), _num(s.area_mm2))
    chip.add_row("power W peak / average", f"{_num(c.power_w['peak'])} / {_num(c.power_w['average'])}",
                 f"{_num(s.power_w['peak'])} / {_num(s.power_w['average'])}")
    chip.add_row("unit cost USD", _num(c.unit_cost_usd), _num(s.unit_cost_usd))
    m = measures(ev.to_dict())
    chip.add_row("sustained TOPS at the load", "", f"{_num(m.sustained_tops)} ({_num(100 * (m.sustained_share or 0), 3)} %)")
    chip.add_row("TOPS/W peak / sustained", "", f"{_num(m.peak_tops_per_w)} / {_num(m.sustained_tops_per_w)}")
    chip.add_row("energy per op pJ", "", _num(m.pj_per_op))
    chip.add_row("energy per inference mJ", "", _num(s.energy_mj_per_inference))
    amount, per = per_inferences(s.cost_per_inference_usd)
    chip.add_row(per.replace(" inferences", ""), "", _num(amount))
    console.print(chip)
    table = new_table("Workloads", ("", *(w.name for w in ev.workloads)), numeric=tuple(range(1, len(ev.workloads) + 1)))
    required = {w.name: w for w in requirements.workloads} if requirements is not None else {}
    rows = [
        ("scenario", [w.scenario.value for w in ev.workloads]),
        ("model", [w.model for w in ev.workloads]),
        ("precision", [w.precision for w in ev.workloads]),
        ("batch, timeout ms", [f"{w.batch}, {w.batch_timeout_ms:g}" for w in ev.workloads]),
        ("replicas x cores", [f"{w.replicas} x {w.cores_per_replica}" for w in ev.workloads]),
        ("latency p50 ms", [_num(w.latency_ms["p50"]) for w in ev.workloads]),
        ("latency p90 ms", [_num(w.latency_ms["p90"]) for w in ev.workloads]),
        ("latency p99 ms", [_num(w.latency_ms["p99"]) for w in ev.workloads]),
        ("at the SLA percentile ms", [f"p{w.percentile:g}: {_num(w.latency_at_percentile_ms)}" if w.percentile
                                      else "-" for w in ev.workloads]),
        ("throughput per s", [_num(w.throughput_ips) for w in ev.workloads]),
        ("capacity per s", [_num(w.capacity_ips) for w in ev.workloads]),
        ("max qps within SLA", [_num(w.max_qps_within_sla) for w in ev.workloads]),
        ("utilization", [f"{w.utilization:.1%}" for w in ev.workloads]),
        ("energy mJ per inference", [_num(w.energy_mj_per_inference) for w in ev.workloads]),
        ("accuracy drop pct", [_num(w.accuracy_drop_pct, 3) for w in ev.workloads]),
        ("latency from", [w.latency_method.value + (f", seed {w.simulation['seed']}" if w.simulation else "")
                          for w in ev.workloads]),
    ]
    if required:
        classes = [application_class(required[w.name].latency_ms, required[w.name].qps, w.scenario.value)
                   if w.name in required else ("-", "-") for w in ev.workloads]
        rows.append(("seed's QoS class", [f"{a} ({o})" for a, o in classes]))
        rows.append(("design tuned for", [tuned_for(w.batch, required[w.name].latency_ms) if w.name in required
                                          else "-" for w in ev.workloads]))
    for label, values in rows:
        table.add_row(label, *values)
    console.print(table)
    if show_layers:
        for w in ev.workloads:
            print_layers(console, w)
    console.print(f"objective {ev.objective_name.value}: [bold]{_num(ev.objective_value)} {ev.objective_unit}[/]")
    if ev.feasible:
        console.print("[green]feasible[/]: meets every requirement")
    else:
        console.print("[red]infeasible[/]:")
        for v in ev.violations:
            console.print(f"  - {escape(str(v))}", soft_wrap=False)


def print_layers(console: Console, w) -> None:
    """The layer table; a name is shown in full (folded onto more lines), with `#k` added when it
    repeats; the GEMM shape wraps between its factors, never inside a number."""
    columns = ("layer", "x", "GEMM m x k x n", "cycles", "compute\nus", "memory\nus", "bound")
    layers = new_table(f"Layers of {w.name} (batch {w.batch})", columns, numeric=(1, 3, 4, 5))
    layers.columns[0].min_width = 14
    seen: dict[str, int] = {}
    for layer in w.layers:
        seen[layer.name] = seen.get(layer.name, 0) + 1
    count: dict[str, int] = {}
    for layer in w.layers:
        g = layer.gemm
        count[layer.name] = count.get(layer.name, 0) + 1
        name = layer.name + (f" #{count[layer.name]}" if seen[layer.name] > 1 else "")
        groups = f" ({g['groups']} groups)" if g["groups"] != 1 else ""
        layers.add_row(escape(name), str(layer.count), f"{_num(g['m'])} x {_num(g['k'])} x {_num(g['n'])}{groups}",
                       _num(layer.compute_cycles),
                       _num(layer.compute_time_us), _num(layer.memory_time_us), layer.bound.value)
    console.print(layers)


def print_result(console: Console, result, out_dir=None, requirements=None) -> None:
    cert = result.certificate

    def say(*objects) -> None:  # prose wraps at the console's width, between words
        console.print(*objects, soft_wrap=False)

    say(f"[bold]status[/]: {result.status.value} ({result.method.value}, seed {result.seed}, "
                  f"{result.design_points:.3g} design points)")
    if result.evaluation is not None:
        print_evaluation(console, result.evaluation, requirements=requirements)
        gap = "n/a" if cert.gap is None else f"{cert.gap:.2e}"
        bound = "n/a" if cert.bound is None else _num(cert.bound, 6)
        say(f"[bold]certificate[/]: objective {_num(cert.objective, 6)}, bound {bound}, gap {gap}; "
                      f"stopped: {cert.termination.value}; {cert.iterations} MILP solves, {cert.cuts} cuts, "
                      f"{cert.exact_checks} exact checks; build {cert.build_s:.2f} s, solve {cert.solve_s:.2f} s, "
                      f"checks {cert.check_s:.2f} s, total {cert.seconds:.2f} s")
        if cert.termination.value in ("time_limit", "work_limit"):
            say(f"[yellow]stopped by a limit[/]: the design meets every requirement, but it is proven "
                          f"only within the gap ({gap}); raise --time-limit or narrow the space (report.md says "
                          "which axes)")
        if result.refinement and result.refinement.gain_pct:
            r = result.refinement
            say(f"[bold]refinement[/]: {r.gain_pct:.2f} % better than the certified grid optimum "
                          f"({_num(r.objective_before, 6)} -> {_num(r.objective_after, 6)}) after {r.trials} "
                          f"trials; changed {', '.join(r.changes)}")
        if result.alternatives:
            alt = new_table("Alternatives (next best, distinct hardware)",
                            ("#", "objective", "array", "cores", "flow", "PE", "GHz", "MiB", "memory", "chips"),
                            numeric=(0, 1, 3, 6, 7, 9))
            for i, a in enumerate(result.alternatives, 1):
                d = a.design
                alt.add_row(str(i), _num(a.objective_value), f"{d['array_rows']}x{d['array_cols']}", str(d["cores"]),
                            d["dataflow"], d["precision"], f"{d['clock_ghz']:g}", f"{d['sram_mib']:g}", _memory(d),
                            str(d["chips"]))
            say(alt)
    if cert.pruned:
        say(f"pruned before the MILP (dominated in every figure): {escape('; '.join(cert.pruned))}")
    for note in cert.notes:
        say(f"note: {escape(note)}")
    if result.relaxation:
        say("[bold red]No design meets every requirement.[/] Smallest relaxations, one at a time:")
        for r in result.relaxation:
            say(f"  - {escape(r.message)}")
    if out_dir is not None and result.design is not None:
        say(f"wrote {out_dir}/design.yaml and {out_dir}/result.json")


def print_curves(console: Console, curves) -> None:
    for c in curves:
        table = new_table(f"{c.workload} ({c.scenario.value}): batch trade-off",
                          ("batch", "service ms", "capacity /s", "utilization", "p50 ms", "p99 ms"),
                          numeric=(0, 1, 2, 3, 4, 5))
        for p in c.batch:
            table.add_row(str(p.batch), _num(p.service_ms), _num(p.capacity_ips), f"{p.utilization:.1%}",
                          _num(p.p50_ms), _num(p.p99_ms))
        console.print(table)
        if c.load:
            load = new_table(f"{c.workload}: latency against offered load (design's batch)",
                             ("qps", "load", "p50 ms", "p99 ms"), numeric=(0, 1, 2, 3))
            for p in c.load:
                load.add_row(_num(p.qps), f"{p.load:.1%}", _num(p.p50_ms), _num(p.p99_ms) if p.stable else "unstable")
            console.print(load)


def print_pareto(console: Console, front: ParetoFront) -> None:
    table = new_table(f"Pareto front: {front.y} ({front.y_unit}) against {front.x} ({front.x_unit})",
                      (f"{front.x} {front.x_unit}", f"{front.y} {front.y_unit}", "design"), numeric=(0, 1))
    for p in front.points:
        d = p.design or {}
        table.add_row(_num(p.x), _num(p.y), f"{d['chips']}x {d['cores']} cores {d['array_rows']}x{d['array_cols']} "
                      f"{d['precision']} {d['clock_ghz']:.4g} GHz {d['sram_mib']:g} MiB {_memory(d)}")
    console.print(table)
    if front.chosen is not None:
        console.print(f"chosen design (best {front.y}): {front.x} = {_num(front.chosen.x)}, "
                      f"{front.y} = {_num(front.chosen.y)}")


def print_architecture(console: Console, rows, unit: str) -> None:
    """The architecture trade-off rows, one table per axis (short headers: the title names the
    units; "proven": optimal within the row's work budget, or proven infeasible)."""
    titles = {"array": "Systolic array size", "precision": "PE precision", "cores": "Core count and its clock",
              "batch": "Batch size"}
    proven = {"optimal": "yes", "feasible": "no (budget)", "infeasible": "infeasible", "unknown": "no (budget)"}
    for axis, title in titles.items():
        mine = [r for r in rows if r.axis == axis]
        if not mine:
            continue
        table = new_table(f"{title} (objective in {unit}; peak power W)",
                          (axis, "objective", "W", "mm2", "ms", "inf/s", "util", "GHz", "proven"),
                          numeric=(1, 2, 3, 4, 5, 6, 7))
        table.columns[0].min_width = max(len(r.value) for r in mine)
        table.columns[-1].min_width = max(len(proven.get(r.status.value, r.status.value)) for r in mine)
        for r in mine:
            m = r.metrics
            table.add_row(r.value, _num(r.objective), _num(m.get("peak_power_w")), _num(m.get("area_mm2")),
                          _num(m.get("latency_ms")), _num(m.get("capacity_ips")),
                          "-" if "utilization" not in m else f"{m['utilization']:.0%}", _num(m.get("clock_ghz")),
                          proven.get(r.status.value, r.status.value))
        console.print(table)
