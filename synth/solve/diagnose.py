"""When nothing fits: for each requirement, the value a design needs with the others kept.

Each requirement is dropped in turn and the same search (MILP + exact check + cuts) finds the
best value of that requirement's own metric with every other requirement kept: the smallest
power, area or cost budget, the shortest latency, the highest throughput, the smallest
accuracy loss that some design in the space achieves. Every figure is exact (cost core and
simulator); a requirement whose removal still leaves the rest infeasible is reported as such.
The average power at the required load is no objective of the MILP: its smallest value is found
by bisection on `budgets.average_power_w` between the budget (infeasible) and the average power
of the best design without it, each step a search with the budget set; the answer is the exact
average power of a design that meets every other requirement, within AVERAGE_POWER_REL of the
smallest such value.
"""

from __future__ import annotations

import time

from synth.cost.accuracy import DROP_FACTOR, accuracy_drop_pct
from synth.evaluation import percentile_of, service_table
from synth.results import Relaxation
from synth.serving.capacity import max_qps_within_sla
from synth.solve.check import design_of
from synth.solve.loop import run_loop
from synth.solve.milp import DesignMilp
from synth.solve.options import SpaceOptions, space_options, without_precision
from synth.solve.prune import prune
from synth.spec.resolve import accuracy_table, resolve_design
from synth.vocabulary import Objective, Scenario

# Work budget of each per-requirement search (MILP solves): the relaxations are the same on any
# machine; the overall deadline stays a safety stop.
DIAGNOSIS_SOLVES = 200

# Bisection of the average-power relaxation: stop when the bracket is this narrow (relative), or
# after this many searches.
AVERAGE_POWER_REL = 0.01
AVERAGE_POWER_STEPS = 8

_BUDGETS = (("power_w", Objective.min_power, "W", "peak power"),
            ("area_mm2", Objective.min_area, "mm2", "area"),
            ("unit_cost_usd", Objective.min_unit_cost, "USD", "unit cost"))


def _search(opts: SpaceOptions, objective: Objective, *, seed: int, deadline: float, focus: int | None = None):
    """The best design for `objective`, and the MILP (whose .opts, the pruned space, index it)."""
    if without_precision(opts):
        return None, None
    space = prune(opts).options
    milp = DesignMilp(space, objective=objective, seed=seed, focus=focus)
    state = run_loop(space, milp, seed=seed, deadline=deadline, max_iterations=DIAGNOSIS_SOLVES)
    return state.best(), milp


def _relaxed(opts: SpaceOptions, update: dict) -> SpaceOptions:
    req = opts.req.model_copy(update=update).with_source(opts.req.source)
    return space_options(req)


def _without_budget(opts, key):
    return _relaxed(opts, {"budgets": opts.req.budgets.model_copy(update={key: None})})


def _with_workload(opts, index, **changes):
    workloads = list(opts.req.workloads)
    workloads[index] = workloads[index].model_copy(update=changes)
    return _relaxed(opts, {"workloads": workloads})


def diagnose(opts: SpaceOptions, *, seed: int, deadline: float) -> tuple[Relaxation, ...]:
    """The relaxation of every requirement that, alone, could make a design exist."""
    req, found = opts.req, []
    for key, objective, unit, what in _BUDGETS:
        limit = getattr(req.budgets, key)
        if limit is None or time.perf_counter() >= deadline:
            continue
        best, _ = _search(_without_budget(opts, key), objective, seed=seed, deadline=deadline)
        needed = best.score if best else None  # the dropped budget's own metric (a min objective)
        found.append(_relaxation(f"budgets.{key}", limit, needed, unit, f"{what} <= {limit:g} {unit}"))
    if req.budgets.average_power_w is not None and time.perf_counter() < deadline:
        found.append(_average_power_relaxation(opts, seed=seed, deadline=deadline))
    for i, workload in enumerate(req.workloads):
        if time.perf_counter() >= deadline:
            break
        name = f"workloads[{workload.name}]"
        if workload.latency_ms is not None:
            best, _ = _search(_with_workload(opts, i, latency_ms=None), Objective.min_latency, seed=seed,
                              deadline=deadline, focus=i)
            needed = best.evaluation.workloads[i].latency_at_percentile_ms if best else None
            pct = percentile_of(workload)
            found.append(_relaxation(f"{name}.latency_ms", workload.latency_ms, needed, "ms",
                                     f"p{pct:g} <= {workload.latency_ms:g} ms" if pct else
                                     f"latency <= {workload.latency_ms:g} ms"))
        if workload.qps is not None:
            found.append(_qps_relaxation(opts, i, seed=seed, deadline=deadline))
        if workload.max_accuracy_drop_pct is not None:
            found.append(_accuracy_relaxation(opts, i, seed=seed, deadline=deadline))
    return tuple(r for r in found if r is not None)


def _average_power_relaxation(opts: SpaceOptions, *, seed: int, deadline: float) -> Relaxation:
    """The smallest average power (W, at the required load) of a design meeting every other
    requirement, by bisection on the budget (module docstring)."""
    limit = opts.req.budgets.average_power_w
    stated = f"average power <= {limit:g} W"

    def search(budget):
        relaxed = _relaxed(opts, {"budgets": opts.req.budgets.model_copy(update={"average_power_w": budget})})
        best, _ = _search(relaxed, opts.req.objective, seed=seed, deadline=deadline)
        return None if best is None else float(best.evaluation.system.power_w["average"])

    needed = search(None)
    low = limit  # infeasible: the diagnosis runs only when the requirements conflict
    for _ in range(AVERAGE_POWER_STEPS):
        if needed is None or needed <= low * (1 + AVERAGE_POWER_REL) or time.perf_counter() >= deadline:
            break
        middle = (low + needed) / 2
        found = search(middle)
        if found is None:
            low = middle
        else:
            needed = min(needed, found)
    return _relaxation("budgets.average_power_w", limit, needed, "W", stated)


def _qps_relaxation(opts: SpaceOptions, i: int, *, seed: int, deadline: float) -> Relaxation:
    workload = opts.req.workloads[i]
    name = f"workloads[{workload.name}].qps"
    if workload.scenario is Scenario.offline:
        best, _ = _search(_with_workload(opts, i, qps=None), Objective.max_throughput, seed=seed,
                          deadline=deadline, focus=i)
        needed = best.evaluation.workloads[i].capacity_ips / _headroom(workload) if best else None
        return _relaxation(name, workload.qps, needed, "inferences/s", f"throughput >= {workload.qps:g}/s",
                           at_most=True)
    # Server: the design with the most capacity at a token load, then the highest load it
    # carries within the latency bound (bisection with the simulator).
    relaxed = _with_workload(opts, i, qps=1e-6)
    best, milp = _search(relaxed, Objective.max_throughput, seed=seed, deadline=deadline, focus=i)
    if best is None:
        return _relaxation(name, workload.qps, None, "qps", f"qps >= {workload.qps:g}", at_most=True)
    choice = best.choice
    resolved = resolve_design(opts.req, design_of(milp.opts, choice), "<candidate>")
    plan = resolved.plans[i]
    service = service_table(opts.workloads[i].table, resolved, plan, plan.batch).service_s
    needed = max_qps_within_sla(service, replicas=plan.replicas * resolved.design.chips, max_batch=plan.batch,
                                timeout_s=plan.batch_timeout_ms / 1e3, latency_bound_s=workload.latency_ms / 1e3,
                                percentile=percentile_of(workload), seed=seed) / _headroom(workload)
    return _relaxation(name, workload.qps, needed, "qps", f"qps >= {workload.qps:g}", at_most=True)


def _headroom(workload) -> float:
    """The factor headroom_pct asks on top of qps: a rate the design carries serves qps = rate / it."""
    return workload.required_qps / workload.qps


def _accuracy_relaxation(opts: SpaceOptions, i: int, *, seed: int, deadline: float) -> Relaxation | None:
    workload = opts.req.workloads[i]
    name = opts.workloads[i].model_name
    drops = sorted({accuracy_drop_pct(name, q, accuracy_table(workload)) for q in DROP_FACTOR})
    for drop in drops:
        if drop <= workload.max_accuracy_drop_pct or time.perf_counter() >= deadline:
            continue
        best, _ = _search(_with_workload(opts, i, max_accuracy_drop_pct=drop), opts.req.objective, seed=seed,
                          deadline=deadline)
        if best is not None:
            return _relaxation(f"workloads[{workload.name}].max_accuracy_drop_pct", workload.max_accuracy_drop_pct,
                               drop, "pct", f"accuracy drop <= {workload.max_accuracy_drop_pct:g} pct")
    return None


def _relaxation(requirement, limit, needed, unit, stated, at_most=False) -> Relaxation:
    if needed is None:
        message = f"{requirement}: {stated}: still infeasible with this requirement dropped"
    else:
        relation = "<=" if at_most else ">="
        message = f"{requirement}: {stated} needs {relation} {needed:.4g} {unit} with the other requirements kept"
    return Relaxation(requirement=requirement, limit=limit, needed=needed, unit=unit, message=message)
