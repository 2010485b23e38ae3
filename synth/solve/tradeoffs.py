"""Trade-offs around a synthesized design: Pareto fronts and the sensitivity table.

Both re-run the same search (MILP, exact check, cuts) on modified requirements, so every
point is an exact-feasible design of its own requirements, proven optimal within its work budget
or marked as not proven.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from synth.evaluation import evaluation_objective
from synth.results import Evaluation, ParetoFront, ParetoPoint, Result, SensitivityRow
from synth.solve.resolver import Resolver
from synth.solve.search_options import SearchOptions
from synth.spec.requirements import Requirements
from synth.vocabulary import Objective, Scenario, SolutionStatus

Progress = Callable[[str, float], None]

# metric -> (objective that optimizes it, unit, larger is better)
METRICS = {
    "power": (Objective.min_power, "W", False),
    "area": (Objective.min_area, "mm2", False),
    "unit_cost": (Objective.min_unit_cost, "USD", False),
    "energy": (Objective.min_energy_per_inference, "mJ", False),
    "cost_per_inference": (Objective.min_cost_per_inference, "USD", False),
    "throughput": (Objective.max_throughput, "inferences/s", True),
    "latency": (Objective.min_latency, "ms", False),
}
SWEEPABLE = ("latency", "throughput", "power", "area", "unit_cost")


def metric_value(metric: str, evaluation: Evaluation, req: Requirements) -> float:
    """A design's value of a metric (latency: the worst workload at its percentile; throughput:
    as the max_throughput objective)."""
    return float(evaluation_objective(METRICS[metric][0], evaluation, [w.qps for w in req.workloads]))


def _with_bound(req: Requirements, metric: str, value: float) -> Requirements:
    """The requirements with `metric` bounded by `value` (latency on every workload with a bound
    or a deterministic latency; throughput as every rated workload's qps scaled together)."""
    if metric in ("power", "area", "unit_cost"):
        key = {"power": "power_w", "area": "area_mm2", "unit_cost": "unit_cost_usd"}[metric]
        updated = req.model_copy(update={"budgets": req.budgets.model_copy(update={key: value})})
    elif metric == "latency":
        workloads = [w.model_copy(update={"latency_ms": value}) if w.scenario is not Scenario.offline else w
                     for w in req.workloads]
        updated = req.model_copy(update={"workloads": workloads})
    else:
        rated = [w for w in req.workloads if w.qps is not None]
        total = sum(w.qps for w in rated) or 1.0
        workloads = [w.model_copy(update={"qps": w.qps * value / total}) if w.qps is not None else w
                     for w in req.workloads]
        updated = req.model_copy(update={"workloads": workloads})
    return updated.with_source(req.source)


# How each trade-off point is re-solved: no refinement, alternatives or diagnosis, and a work
# budget (hardware points the chooser enumerates, MILP solves of the honesty loop,
# branch-and-bound nodes per solve), so every point is the same on any machine; a point its
# budget cuts short is reported as not proven. The enumeration keeps its default budget
# (SCAN_CHECKS points, 2-40 ms each): on server workloads it proves points the 8 solves cannot.
RESOLVE = SearchOptions(refine=False, alternatives=0, diagnose_infeasible=False, max_milp_solves=8,
                        milp_max_nodes=500)


class Resolvers:
    """One warm `Resolver` per objective, shared by the sensitivity table and the Pareto front
    of one report (docs/formulation.md §11)."""

    def __init__(self, *, seed: int, budget: SearchOptions = RESOLVE):
        self.seed, self.budget = seed, budget
        self._by_objective: dict[Objective, Resolver] = {}

    def solve(self, req: Requirements, objective: Objective, *, deadline: float, hints=()) -> Result:
        if objective not in self._by_objective:
            self._by_objective[objective] = Resolver(objective, seed=self.seed, budget=self.budget)
        return self._by_objective[objective].solve(req, deadline=deadline, hints=tuple(hints))


def pareto_front(req: Requirements, *, x: str, y: str, points: int = 8, seed: int = 0,
                 time_limit_s: float = 600.0, budget: SearchOptions = RESOLVE,
                 progress: Progress | None = None, resolvers: Resolvers | None = None) -> ParetoFront:
    """Sweep a bound on `x` between its best achievable value and its value at the y-optimal
    design, minimizing (or maximizing) `y` at each bound; returns the non-dominated points and
    the y-optimal design as `chosen`. `budget` bounds each re-solve's work; `time_limit_s` is a
    safety stop for the whole sweep. `resolvers` (default: new ones with `seed` and `budget`)
    keep each objective's model, cuts and known designs across the re-solves."""
    for name, value, allowed in (("x", x, SWEEPABLE), ("y", y, tuple(METRICS))):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")
    if x == y:
        raise ValueError(f"y must differ from x, got {y!r} twice")
    deadline = time.perf_counter() + time_limit_s
    resolvers = resolvers or Resolvers(seed=seed, budget=budget)
    chosen = resolvers.solve(req, METRICS[y][0], deadline=deadline)
    if chosen.evaluation is None:
        return ParetoFront(x, y, METRICS[x][1], METRICS[y][1], (), None)
    x_at_chosen = metric_value(x, chosen.evaluation, req)
    best_x = resolvers.solve(req, METRICS[x][0], deadline=deadline, hints=[chosen.design])
    x_best = metric_value(x, best_x.evaluation, req) if best_x.evaluation else x_at_chosen
    bounds = np.geomspace(max(x_best, 1e-12), max(x_at_chosen, 1e-12), points) if x_best != x_at_chosen \
        else np.array([x_best])
    found = [ParetoPoint(x_at_chosen, metric_value(y, chosen.evaluation, req), chosen.design,
                         chosen.status is SolutionStatus.optimal)]
    # Every design found so far is checked first at each bound: the x-best one meets them all.
    known = [chosen.design] + ([best_x.design] if best_x.evaluation else [])
    for k, bound in enumerate(bounds):
        if progress:
            progress(f"pareto {x} <= {bound:.4g}" if not METRICS[x][2] else f"pareto {x} >= {bound:.4g}",
                     (k + 1) / len(bounds))
        result = resolvers.solve(_with_bound(req, x, float(bound)), METRICS[y][0], deadline=deadline,
                                 hints=known)
        if result.evaluation is not None and result.evaluation.feasible:
            found.append(ParetoPoint(metric_value(x, result.evaluation, req),
                                     metric_value(y, result.evaluation, req), result.design,
                                     result.status is SolutionStatus.optimal))
            known.append(result.design)
    front = _non_dominated(found, METRICS[x][2], METRICS[y][2])
    return ParetoFront(x, y, METRICS[x][1], METRICS[y][1], tuple(front),
                       ParetoPoint(x_at_chosen, metric_value(y, chosen.evaluation, req), chosen.design,
                                   chosen.status is SolutionStatus.optimal))


def _non_dominated(points: list[ParetoPoint], x_larger_better: bool, y_larger_better: bool) -> list[ParetoPoint]:
    sx, sy = (-1 if x_larger_better else 1), (-1 if y_larger_better else 1)
    keep = []
    for p in points:
        dominated = any(sx * q.x <= sx * p.x and sy * q.y <= sy * p.y and (q.x, q.y) != (p.x, p.y) for q in points)
        if not dominated and all((q.x, q.y) != (p.x, p.y) for q in keep):
            keep.append(p)
    return sorted(keep, key=lambda p: p.x)


BINDING_MARGIN = 0.01
RELAX = 0.10


def binding_requirements(req: Requirements, evaluation: Evaluation) -> list[tuple[str, float, float, str]]:
    """(requirement, limit, value, unit) of every requirement within 1 % of its limit."""
    found = []
    system = evaluation.system
    for key, value, unit in (("power_w", system.power_w["peak"], "W"), ("area_mm2", system.area_mm2, "mm2"),
                             ("unit_cost_usd", system.unit_cost_usd, "USD")):
        limit = getattr(req.budgets, key)
        if limit is not None and value >= limit * (1 - BINDING_MARGIN):
            found.append((f"budgets.{key}", limit, value, unit))
    for workload, result in zip(req.workloads, evaluation.workloads):
        if workload.latency_ms is not None and result.latency_at_percentile_ms >= workload.latency_ms * (1 - BINDING_MARGIN):
            found.append((f"workloads[{workload.name}].latency_ms", workload.latency_ms,
                          result.latency_at_percentile_ms, "ms"))
        # Throughput binds when the design breaks within 1 % of the rate asked (headroom included):
        # offline capacity, or a server workload's highest load within its SLA when it was searched.
        within = result.capacity_ips if workload.scenario is Scenario.offline else result.max_qps_within_sla
        if workload.qps is not None and within is not None and within <= workload.required_qps * (1 + BINDING_MARGIN):
            found.append((f"workloads[{workload.name}].qps", workload.qps, within, "inferences/s"))
        if workload.max_accuracy_drop_pct is not None \
                and result.accuracy_drop_pct >= workload.max_accuracy_drop_pct * (1 - BINDING_MARGIN):
            found.append((f"workloads[{workload.name}].max_accuracy_drop_pct", workload.max_accuracy_drop_pct,
                          result.accuracy_drop_pct, "pct"))
    return found


def _relaxed(req: Requirements, requirement: str, limit: float) -> tuple[Requirements, float]:
    if requirement.startswith("budgets."):
        key = requirement.split(".", 1)[1]
        new = limit * (1 + RELAX)
        updated = req.model_copy(update={"budgets": req.budgets.model_copy(update={key: new})})
    else:
        name = requirement[len("workloads["):requirement.index("]")]
        key = requirement.rsplit(".", 1)[1]
        new = limit * (1 - RELAX) if key == "qps" else limit * (1 + RELAX)
        workloads = [w.model_copy(update={key: new}) if w.name == name else w for w in req.workloads]
        updated = req.model_copy(update={"workloads": workloads})
    return updated.with_source(req.source), new


def sensitivity(req: Requirements, evaluation: Evaluation, *, baseline: float, seed: int = 0,
                time_limit_s: float = 600.0, budget: SearchOptions = RESOLVE,
                progress: Progress | None = None, resolvers: Resolvers | None = None) -> list[SensitivityRow]:
    """What relaxing each binding requirement by 10 % would save (one re-solve each, on the
    grid, against `baseline`: the grid optimum's objective)."""
    binding = binding_requirements(req, evaluation)
    deadline = time.perf_counter() + time_limit_s
    resolvers = resolvers or Resolvers(seed=seed, budget=budget)
    rows = []
    larger_better = req.objective.maximize
    for k, (requirement, limit, _, unit) in enumerate(binding):
        if progress:
            progress(f"sensitivity {requirement}", (k + 1) / len(binding))
        relaxed, new = _relaxed(req, requirement, limit)
        # The design itself still meets the relaxed requirements: checked first, it is the start.
        result = resolvers.solve(relaxed, req.objective, deadline=deadline, hints=(evaluation.design,))
        after = result.evaluation.objective_value if result.evaluation is not None else None
        before = baseline
        saving = None
        if after is not None and before:
            saving = ((after - before) if larger_better else (before - after)) / abs(before) * 100
        rows.append(SensitivityRow(requirement=requirement, limit=limit, relaxed_limit=new, unit=unit,
                                   objective_after=after, saving_pct=saving,
                                   proven=result.status is SolutionStatus.optimal))
    return rows



def objective_metric(objective: Objective) -> str:
    return next(name for name, (obj, _, _) in METRICS.items() if obj is objective)


def default_axes(req: Requirements) -> tuple[str, str]:
    """The report's Pareto front: the objective against latency (or throughput, or power)."""
    y = objective_metric(req.objective)
    for x in ("latency", "throughput", "power"):
        if x == y:
            continue
        if x == "latency" and not any(w.latency_ms is not None for w in req.workloads):
            continue
        if x == "throughput" and not any(w.qps is not None for w in req.workloads):
            continue
        return x, y
    return "area", y
