"""What the requirements cost: the sensitivity table and the Pareto front (both optional keys)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synth.report import fmt
from synth.report.blocks import Figure, Paragraph, Section, Table
from synth.report.hardware import compact_design
from synth.report.view import OBJECTIVE_WORDS, ResultView, mapping

METRIC_WORDS = {name: attribute for name, (_, attribute) in OBJECTIVE_WORDS.items()}


def sensitivity_section(view: ResultView) -> Section | None:
    """None when the key is absent or null; a note when it is an empty list (nothing binds)."""
    if not isinstance(view.raw.get("sensitivity"), list):
        return None
    rows = view.optional_list("sensitivity")
    if not rows:
        if not view.evaluation:
            return None
        return Section("sensitivity", "Sensitivity", (
            Paragraph("No requirement binds at this design, so no relaxation was tried.", tone="note"),))
    u = view.objective_unit
    table = tuple((str(r.get("requirement", fmt.MISSING)), fmt.num(r.get("limit")), fmt.num(r.get("relaxed_limit")),
                   str(r.get("unit") or ""), fmt.num(r.get("objective_after")), fmt.pct_value(r.get("saving_pct")),
                   _proven(r.get("proven"))) for r in rows)
    return Section("sensitivity", "Sensitivity", (
        Table(("Requirement", "Limit", "Relaxed to", "Unit", f"Objective after ({u})" if u else "Objective after",
               "Saving", "Proven optimal"), table),
        Paragraph("Each row relaxes one requirement, keeps the others, and solves again: the saving is what "
                  "that requirement costs.", tone="note")))


def pareto_section(view: ResultView) -> Section | None:
    figure = pareto_figure(view.optional_mapping("pareto"))
    if figure is None:
        return None
    points, (cx, cy) = figure.data["points"], figure.data["chosen"]
    rows, marks = [], []
    for x, y, design in points:
        chosen = _same(x, cx) and _same(y, cy)
        rows.append((fmt.num(x), fmt.num(y), compact_design(design) + (" (chosen)" if chosen else "")))
        marks.append("chosen" if chosen else "")
    if cx is not None and cy is not None and "chosen" not in marks:
        rows.append((fmt.num(cx), fmt.num(cy), "chosen design (not on the front)"))
        marks.append("chosen")
    return Section("pareto", "Trade-off: Pareto front", (
        figure, Table((figure.data["x_label"], figure.data["y_label"], "Design"), tuple(rows), marks=tuple(marks),
                      caption="The points of the front, best first along the swept metric.")))


def pareto_figure(pareto: Mapping[str, Any]) -> Figure | None:
    """The front as a figure block (`synth pareto` draws the same), or None without points."""
    points = [(fmt.finite(q.get("x")), fmt.finite(q.get("y")), mapping(q.get("design")))
              for q in pareto.get("points") or [] if isinstance(q, dict)]
    points = sorted((p for p in points if p[0] is not None and p[1] is not None), key=lambda p: p[0])
    if not points:
        return None
    x, y = str(pareto.get("x") or "x"), str(pareto.get("y") or "y")
    chosen = mapping(pareto.get("chosen"))
    return Figure("pareto", f"{_label(y, '')} against {_label(x, '')}",
                  f"Each point is the best {_label(y, '')} found under one bound on the {_label(x, '')}; "
                  "the star is the headline design (the report's final, refined design) at its own figures.", "pareto",
                  {"points": points, "chosen": (fmt.finite(chosen.get("x")), fmt.finite(chosen.get("y"))),
                   "x_label": _label(x, str(pareto.get("x_unit") or "")),
                   "y_label": _label(y, str(pareto.get("y_unit") or ""))})


def _label(name: str, unit_name: str) -> str:
    name = METRIC_WORDS.get(name, name).replace("_", " ")
    return f"{name} ({unit_name})" if unit_name else name


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _proven(value: Any) -> str:
    return fmt.MISSING if value is None else "yes" if value else "no"
