"""Why the answer can be trusted and what it would take to change it: the requirements check,
the certificate, refinement, alternatives, sensitivity, the Pareto front and the relaxation."""

from __future__ import annotations

import re
from typing import Any

from synth.report import fmt
from synth.report.architecture import architecture_section as architecture_tradeoffs_section
from synth.report.blocks import Paragraph, Section, Table
from synth.report.checks import Check
from synth.report.tradeoffs import pareto_section, sensitivity_section
from synth.report.view import ResultView, mapping

DESIGN_COLUMNS = ("Peak power (W)", "Area (mm2)", "Unit cost (USD)")


def evidence_sections(view: ResultView, checks: list[Check]) -> list[Section]:
    found = [requirements_section(view, checks), certificate_section(view), refinement_section(view),
             alternatives_section(view), architecture_tradeoffs_section(view), sensitivity_section(view),
             pareto_section(view), notes_section(view)]
    return [s for s in found if s is not None]


def requirements_section(view: ResultView, checks: list[Check]) -> Section:
    if not checks:
        return Section("requirements", "Requirements check", (
            Paragraph("result.json carries no requirements and the evaluation reports no violation.", tone="note"),))
    rows = tuple((c.requirement, c.meaning, fmt.num(c.limit), fmt.num(c.value), c.unit,
                  fmt.signed_pct(c.slack), c.verdict) for c in checks)
    marks = tuple(c.verdict if c.verdict in ("binding", "violated") else "" for c in checks)
    binding = [c.requirement for c in checks if c.verdict == "binding"]
    if not view.evaluation:
        say = "No design, so no requirement can be measured; the relaxation shows which of them conflict."
    elif binding:
        say = f"Binding (margin under 1 %): {', '.join(binding)}. Relaxing these is what would improve the objective."
    else:
        say = "No requirement binds: every margin is at least 1 %."
    return Section("requirements", "Requirements check", (
        Table(("Requirement", "What", "Limit", "Value", "Unit", "Margin", "Status"), rows, marks=marks,
              caption="Margin: slack relative to the limit (negative: violated). Upper limits for latency, "
                      "budgets and accuracy; the rate must stay within capacity."),
        Paragraph(say)))


def certificate_section(view: ResultView) -> Section | None:
    c = view.certificate
    if not c:
        return None
    _, attribute = view.objective_words()
    u = view.objective_unit
    rows = (("Objective (exact)", fmt.unit(c.get("objective"), u)), ("Bound (MILP)", fmt.unit(c.get("bound"), u)),
            ("Gap", fmt.pct(c.get("gap"), 2)), ("MILP solves", fmt.text(c.get("iterations"))),
            ("Cuts", fmt.text(c.get("cuts"))), ("Exact checks", fmt.text(c.get("exact_checks"))),
            ("Build time", fmt.seconds(c.get("build_s"))), ("Solve time", fmt.seconds(c.get("solve_s"))),
            ("Check time", fmt.seconds(c.get("check_s"))), ("Total time", fmt.seconds(c.get("seconds"))),
            ("Method", fmt.text(c.get("method"))))
    rows += (("Why the search stopped", fmt.text(c.get("termination"))),)
    blocks: list = [Table(("Certificate", "Value"), rows), Paragraph(_certificate_meaning(view, attribute))]
    stopped = stopped_early(view)
    if stopped:
        blocks.append(Paragraph(stopped, tone="warn"))
    blocks += [Paragraph(str(n), tone="note") for n in c.get("notes") or []]
    if c.get("pruned"):
        blocks.append(Paragraph("Options removed before the MILP was built, each dominated in every figure by "
                                "another option of the same variable (an optimum always remains): "
                                + "; ".join(str(p) for p in c["pruned"]) + "."))
    return Section("certificate", "Optimality certificate", tuple(blocks))


def _certificate_meaning(view: ResultView, attribute: str) -> str:
    c, u = view.certificate, view.objective_unit
    if view.status == "infeasible":
        return ("What it means: the MILP may be optimistic but never pessimistic, so when it finds no design "
                "meeting every requirement, no design in the search space does.")
    if fmt.finite(c.get("bound")) is None or fmt.finite(c.get("objective")) is None:
        return (f"What it means: method {fmt.text(c.get('method'))} searched without a bound, so the design is the "
                "best found, not proven optimal.")
    side, better = ("above", "higher") if view.maximize else ("below", "lower")
    return (f"What it means: no design in the search space has a {attribute} {side} the bound "
            f"{fmt.unit(c['bound'], u)}, and the chosen design, checked with the exact model, reaches "
            f"{fmt.unit(c['objective'], u)}; so none can be more than the gap ({fmt.pct(c.get('gap'), 2)}) {better}.")


LIMITS = {"time_limit": "the wall-clock limit", "work_limit": "a work budget (MILP solves or branch-and-bound nodes)",
          "interrupted": "an interruption"}
SPACE_AXES = ("array_dims", "cores", "dataflows", "precisions", "clock_ghz", "sram_mib", "memories", "batch", "chips")


def stopped_early(view: ResultView) -> str | None:
    """What a search stopped by a limit proves, what it does not, and what to do next."""
    c, u = view.certificate, view.objective_unit
    reason = str(c.get("termination") or "")
    if reason not in LIMITS:
        return None
    objective, bound, gap = fmt.finite(c.get("objective")), fmt.finite(c.get("bound")), fmt.finite(c.get("gap"))
    if objective is None:
        proven = "Proven: nothing; no design meeting every requirement was found before the stop."
    elif bound is None or (gap is not None and gap >= 0.999):
        proven = (f"Proven: the design found meets every requirement (checked exactly) at "
                  f"{fmt.unit(objective, u)}. Not proven: how good it is — the MILP stopped before it proved "
                  "a useful bound, so a much better design may exist.")
    else:
        proven = (f"Proven: the design found meets every requirement at {fmt.unit(objective, u)}, and no design "
                  f"in the space beats {fmt.unit(bound, u)}. Not proven: that it is optimal — one up to the gap "
                  f"({fmt.pct(gap, 2)}) better may exist.")
    seconds = fmt.finite(c.get("seconds"))
    if reason == "time_limit":
        todo = (f"What to do: run again with a longer limit (this run stopped after {fmt.seconds(seconds)}; "
                f"`--time-limit {max(60, round(4 * (seconds or 30), -1)):g}` is the usual next step)")
    elif reason == "work_limit":
        todo = "What to do: raise the work budget (SearchOptions max_milp_solves / milp_max_nodes)"
    else:
        todo = "What to do: run again without interrupting it"
    space = view.requirements.get("space") or {}
    wide = [a for a in SPACE_AXES if not space.get(a)]
    listed = sorted(((a, len(v)) for a, v in space.items() if isinstance(v, list) and len(v) > 3),
                    key=lambda item: -item[1])
    hints = ([f"{a} (not narrowed: the full default range)" for a in wide]
             + [f"{a} ({n} values)" for a, n in listed])[:4]
    if hints:
        todo += ", or narrow the space where it is widest: " + "; ".join(hints)
    return f"The search was stopped by {LIMITS[reason]}. {proven} {todo}."


def refinement_section(view: ResultView) -> Section | None:
    r = view.optional_mapping("refinement")
    if not r:
        if not view.evaluation:
            return None
        return Section("refinement", "Refinement", (
            Paragraph("No refinement recorded (skipped, or not run for this result).", tone="note"),))
    u = view.objective_unit
    rows = (("Trials", fmt.text(r.get("trials"))), ("Time", fmt.seconds(r.get("seconds"))),
            ("Objective before", fmt.unit(r.get("objective_before"), u)),
            ("Objective after", fmt.unit(r.get("objective_after"), u)),
            ("Gain", fmt.pct_value(r.get("gain_pct"))), ("Study storage", _redact(r.get("storage"))))
    changes = mapping(r.get("changes"))
    gain = fmt.finite(r.get("gain_pct")) or 0.0
    if changes and gain > 0:
        say = (f"Refinement of the continuous knobs improved the objective by {fmt.pct_value(gain)} "
               f"({fmt.unit(r.get('objective_before'), u)} → {fmt.unit(r.get('objective_after'), u)}).")
    else:
        say = (f"Refinement between the grid points, on the steps a designer can build (clock on the PLL step, "
               f"supply on the regulator step, SRAM in whole banks, batching timeout on a timer tick), found "
               f"nothing better than the MILP's design in {fmt.text(r.get('trials'))} trials.")
    blocks: list = [Paragraph(say), Table(("Refinement", "Value"), rows)]
    if changes:
        blocks.append(Table(("Knob", "Before", "After"), tuple(
            (str(k), fmt.text(_pair(v)[0]), fmt.text(_pair(v)[1])) for k, v in changes.items()),
            caption="What refinement changed."))
    return Section("refinement", "Refinement", tuple(blocks))


def alternatives_section(view: ResultView) -> Section | None:
    alternatives = view.optional_list("alternatives")
    if not alternatives:
        return None
    chosen, base = view.design, fmt.finite(view.objective.get("value"))
    rows = [("chosen", fmt.num(base), fmt.MISSING, fmt.MISSING, *_system_figures(view.evaluation), "yes")]
    for i, a in enumerate(alternatives, 1):
        ev, value = mapping(a.get("evaluation")), fmt.finite(a.get("objective"))
        delta = (value - base) / abs(base) if value is not None and base else None
        feasible = ev.get("feasible")
        rows.append((str(i), fmt.num(value), fmt.signed_pct(delta, 2), _differences(chosen, mapping(a.get("design"))),
                     *_system_figures(ev), fmt.MISSING if feasible is None else "yes" if feasible else "no"))
    marks = ("chosen",) + ("",) * len(alternatives)
    u = view.objective_unit
    return Section("alternatives", "Alternatives", (
        Table(("#", f"Objective ({u})" if u else "Objective", "vs chosen", "Differs from the chosen design in",
               *DESIGN_COLUMNS, "Feasible"), tuple(rows), marks=marks,
              caption="The next-best designs the search found, each checked with the exact model."),))


def relaxation_section(view: ResultView) -> Section | None:
    items = view.optional_list("relaxation")
    if not items:
        return None
    rows, marks = [], []
    for r in items:
        limit, needed = fmt.finite(r.get("limit")), fmt.finite(r.get("needed"))
        change = needed / limit - 1 if needed is not None and limit else None
        rows.append((str(r.get("requirement", fmt.MISSING)), fmt.num(limit),
                     fmt.num(needed) if needed is not None else "no value alone", str(r.get("unit") or ""),
                     fmt.signed_pct(change), str(r.get("message") or "")))
        marks.append("" if needed is not None else "violated")
    return Section("relaxation", "Relaxation: what would make a design exist", (
        Paragraph("Each row keeps every other requirement and gives the smallest change of this one that lets "
                  "a design exist; 'no value alone' means dropping it is not enough.", tone="warn"),
        Table(("Requirement", "Limit", "Needed", "Unit", "Change", "Explanation"), tuple(rows), marks=tuple(marks))))


def notes_section(view: ResultView) -> Section | None:
    notes = [str(n) for n in (view.raw.get("notes") or []) + (view.evaluation.get("notes") or [])]
    if not notes:
        return None
    return Section("notes", "Notes", tuple(Paragraph(n) for n in notes))


def _system_figures(ev: dict[str, Any]) -> tuple[str, str, str]:
    s = mapping(ev.get("system"))
    return (fmt.num(mapping(s.get("power_w")).get("peak")), fmt.num(s.get("area_mm2")), fmt.num(s.get("unit_cost_usd")))


def _differences(chosen: dict[str, Any], other: dict[str, Any]) -> str:
    a, b = _flatten(chosen), _flatten(other)
    diffs = [f"{k} {fmt.text(b.get(k))}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return "; ".join(diffs) if diffs else "nothing (same design)"


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            flat.update(_flatten(v, "" if key == "workloads" else f"{key}."))
        else:
            flat[key] = v
    return flat


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _redact(storage: Any) -> str:
    """A storage URL without its password: `postgresql://user:***@host/db`."""
    if storage is None:
        return fmt.MISSING
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", str(storage))
