"""The seed's architecture trade-offs (optional key `architecture`): the best design with each
array size, PE precision, core count and batch size, each row a solve with that variable fixed."""

from __future__ import annotations

from typing import Any

from synth.report import fmt
from synth.report.blocks import Figure, Paragraph, Section, Table
from synth.report.view import ResultView, mapping

AXES = {  # axis: (title, what the seed says)
    "array": ("Systolic array size", "small arrays (64×64) draw little power and fit on mobile; large "
              "ones (256×256) give more throughput for more power"),
    "precision": ("PE precision", "FP32 only: full precision, slow, high power; INT8 only: fast, low "
                  "power, accuracy concerns; mixed (int8+fp16): both, for the area of both"),
    "cores": ("Core count and the clock it needs", "few cores at a high clock: better single-query latency; "
              "many cores at a lower clock: better throughput, lower power"),
    "batch": ("Batch size", "batch 1 minimises latency and wastes compute; large batches amortise weight "
              "traffic: more throughput and utilization, longer latency"),
}
STATUS = {"optimal": "proven optimal", "feasible": "best found, not proven",
          "infeasible": "proven: none meets the requirements", "unknown": "not decided (budget spent)"}


def headline_value(axis: str, design: dict[str, Any]) -> str | None:
    """The headline design's value on an axis, labelled as the rows are."""
    if not design:
        return None
    if axis == "array":
        return f"{design.get('array_rows')}x{design.get('array_cols')}"
    if axis == "precision":
        return str(design.get("precision"))
    if axis == "cores":
        return str(design.get("cores"))
    batches = {str(mapping(p).get("batch")) for p in mapping(design.get("workloads")).values()}
    return batches.pop() if len(batches) == 1 else None


def architecture_section(view: ResultView) -> Section | None:
    rows = view.optional_list("architecture")
    if not rows:
        return None
    u, base = view.objective_unit, fmt.finite(view.objective.get("value"))
    blocks: list = [Paragraph(
        "For these requirements, each row is the best design with one variable fixed to the row's value and "
        "everything else free within the space: the same search (MILP, exact check, cuts) on the narrowed "
        "requirements, under a work budget, so the rows are the same on any machine. The last column says what "
        "each row proves. The headline design was also refined off the grid, so it can beat its own row.")]
    space_precisions = (view.requirements.get("space") or {}).get("precisions")
    for axis, (title, seed) in AXES.items():
        mine = [r for r in rows if r.get("axis") == axis]
        if not mine:
            continue
        chosen = headline_value(axis, view.design)
        table, marks = [], []
        for r in mine:
            m, value = mapping(r.get("metrics")), str(r.get("value"))
            objective = fmt.finite(r.get("objective"))
            delta = (objective - base) / abs(base) if objective is not None and base else None
            label = value + (" (outside the space)" if axis == "precision" and space_precisions
                             and value not in space_precisions else "")
            table.append((label, fmt.num(objective), fmt.signed_pct(delta), fmt.num(m.get("peak_power_w")),
                          fmt.num(m.get("area_mm2")), fmt.num(m.get("latency_ms")), fmt.num(m.get("capacity_ips")),
                          fmt.pct(m.get("utilization")), fmt.num(m.get("clock_ghz")),
                          STATUS.get(str(r.get("status")), str(r.get("status")))))
            marks.append("chosen" if value == chosen else "")
        blocks.append(Table((title.split(" and")[0], f"Objective ({u})" if u else "Objective", "vs headline",
                             "Peak power (W)", "Area (mm2)", "Latency (ms)", "Capacity (inf/s)", "Utilization",
                             "Clock (GHz)", "Status"), tuple(table), marks=tuple(marks),
                            caption=f"{title}. The seed: {seed}. Latency: the worst workload at its "
                                    "percentile; utilization: useful over peak MACs at the required load (the same "
                                    "load in every row; section 5 has the headline design's full-batch figures)."))
    blocks.append(Figure("architecture", "The seed's architecture trade-offs for these requirements",
                         "Objective of the best design with each value fixed (bars; a cross: no design meets the "
                         "requirements with that value; a hatched bar: not proven optimal) and its tail latency "
                         "(line, right axis); the headline design's value is green.", "architecture",
                         {"rows": [dict(r) for r in rows], "unit": u,
                          "chosen": {a: headline_value(a, view.design) for a in AXES},
                          "titles": {a: t for a, (t, _) in AXES.items()}}))
    return Section("architecture-tradeoffs", "Architecture trade-offs", tuple(blocks))
