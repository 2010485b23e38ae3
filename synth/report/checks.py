"""Every requirement against the design's prediction: limit, value, margin, and whether it binds."""

from __future__ import annotations

import math
from dataclasses import dataclass

from synth.report import fmt
from synth.report.view import ResultView

BUDGETS = (  # key, what it limits, system figure, unit
    ("power_w", "peak power", ("power_w", "peak"), "W"),
    ("area_mm2", "total silicon area", ("area_mm2",), "mm2"),
    ("unit_cost_usd", "unit cost", ("unit_cost_usd",), "USD"),
)


@dataclass(frozen=True, slots=True)
class Check:
    requirement: str  # key path, as in the requirements file
    meaning: str
    limit: float | None
    value: float | None  # None: no design to measure
    unit: str
    upper: bool  # True: value must stay at or below the limit

    @property
    def slack(self) -> float | None:
        return fmt.margin(self.limit, self.value, upper=self.upper)

    @property
    def verdict(self) -> str:
        return fmt.verdict(self.slack)


def requirement_checks(view: ResultView) -> list[Check]:
    """Budgets, then each workload's latency, rate and accuracy; then violations of limits the
    requirements file does not state (reticle, memory capacity), as the evaluation reported them."""
    checks = _budget_checks(view)
    for name in view.workload_names():
        checks.extend(_workload_checks(view, name))
    known = {c.requirement for c in checks}
    for v in view.evaluation.get("violations") or []:
        if not isinstance(v, dict):
            continue
        key = str(v.get("requirement", ""))
        if any(key == k or key.startswith(k + " ") for k in known):
            continue
        checks.append(Check(key, "reported violated by the evaluation", fmt.as_float(v.get("limit")),
                            fmt.as_float(v.get("value")), str(v.get("unit") or ""), upper=True))
    return checks


def _budget_checks(view: ResultView) -> list[Check]:
    budgets = view.requirements.get("budgets") or {}
    checks = []
    for key, meaning, path, unit in BUDGETS:
        limit = fmt.as_float(budgets.get(key)) if isinstance(budgets, dict) else None
        if limit is None:
            continue
        value = view.system
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        checks.append(Check(f"budgets.{key}", meaning, limit, fmt.as_float(value), unit, upper=True))
    return checks


def _workload_checks(view: ResultView, name: str) -> list[Check]:
    req, pred = view.required(name), view.predicted(name)
    key, scenario = f"workloads[{name}]", view.scenario(name)
    checks = []
    if req.get("latency_ms") is not None:
        p = view.percentile(name)
        value = fmt.as_float(pred.get("latency_at_percentile_ms")) if pred else None
        if pred and pred.get("stable") is False:
            value = math.inf
        label = f"p{p:g} latency" if p is not None else "latency"
        checks.append(Check(f"{key}.latency_ms", label, fmt.as_float(req["latency_ms"]), value, "ms", upper=True))
    if req.get("qps") is not None and scenario in ("server", "offline"):
        checks.append(_rate_check(key, scenario, req, pred))
    if req.get("max_accuracy_drop_pct") is not None:
        value = fmt.as_float(pred.get("accuracy_drop_pct")) if pred else None
        checks.append(Check(f"{key}.max_accuracy_drop_pct", "accuracy drop",
                            fmt.as_float(req["max_accuracy_drop_pct"]), value, "%", upper=True))
    return checks


def required_rate(req: dict) -> float | None:
    """The rate a workload must carry within its SLA: qps raised by headroom_pct."""
    qps = fmt.finite(req.get("qps"))
    return None if qps is None else qps * (1 + (fmt.finite(req.get("headroom_pct")) or 0.0) / 100)


def _rate_check(key: str, scenario: str, req: dict, pred: dict) -> Check:
    """Headroom as a requirement margin: a server workload's highest load within its SLA (the
    evaluator's `max_qps_within_sla`; capacity when it was not searched), an offline workload's
    capacity, each against qps x (1 + headroom_pct / 100). Within 1 % of it, throughput binds."""
    headroom = fmt.finite(req.get("headroom_pct"))
    extra = f" with {fmt.num(headroom)} % headroom" if headroom else ""
    if scenario == "server" and fmt.finite(pred.get("max_qps_within_sla")) is not None:
        meaning, value = f"highest load within the SLA{extra}", fmt.as_float(pred["max_qps_within_sla"])
    elif scenario == "server":
        meaning = f"arrival rate within capacity{extra} (highest load within the SLA not searched)"
        value = fmt.as_float(pred.get("capacity_ips")) if pred else None
    else:
        meaning, value = f"offline capacity{extra}", fmt.as_float(pred.get("capacity_ips")) if pred else None
    return Check(f"{key}.qps", meaning, required_rate(req), value, "inferences/s", upper=False)
