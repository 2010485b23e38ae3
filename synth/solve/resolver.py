"""Warm re-solves: the same search on requirements that differ only in right-hand sides.

The report's trade-offs (synth/solve/tradeoffs.py) re-solve one requirements file many times
with one limit changed: a budget, a workload's latency bound or its qps. A `Resolver` keeps one
`DesignMilp` per objective across them: the model and its HiGHS instance (no rebuild, no
re-translation), its service-time tightening rows (facts of the cost core, valid under any
requirements), the designs found so far (checked exactly first, under the new limits) and the
simulations memoized by `simulate_for_sla`. What depends on the limits is replaced: the changed
requirement rows (`DesignMilp.set_requirement`) and every hardware cut, which rests on an exact
check against the old limits (`drop_requirement_cuts`). docs/formulation.md §11 gives the
argument; a change that touches anything else (the space, the objective's bound rows, the
accuracy limits) builds a fresh model, so the answer is always the search's own.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from synth.results import Result
from synth.solve import chooser
from synth.solve.milp import DesignMilp
from synth.solve.options import SpaceOptions, space_options, without_precision
from synth.solve.prune import prune
from synth.solve.search_options import SearchOptions
from synth.solve.synthesize import UNLIMITED_SOLVES, hardware_of, search_result, synthesize
from synth.spec.requirements import Requirements
from synth.vocabulary import Method, Objective

BUDGET_KEYS = ("power_w", "average_power_w", "area_mm2", "unit_cost_usd")
WORKLOAD_KEYS = ("latency_ms", "qps")
# Objectives whose rows read the workloads' qps (rate bounds; throughput's common scale).
READS_QPS = (Objective.min_energy_per_inference, Objective.min_cost_per_inference, Objective.max_throughput)


def _limits(req: Requirements) -> dict[tuple[str, int | None], float | None]:
    """Every right-hand side a warm re-solve may change, by (key, workload)."""
    limits: dict[tuple[str, int | None], float | None] = {(k, None): getattr(req.budgets, k) for k in BUDGET_KEYS}
    for i, w in enumerate(req.workloads):
        for key in WORKLOAD_KEYS:
            limits[(key, i)] = getattr(w, key)
    return limits


def _frame(req: Requirements) -> Any:
    """The requirements without the limits a warm re-solve may change (and whether each qps is
    given, which the pruning rules and the rate bounds read)."""
    data = req.model_dump(mode="json", warnings=False)
    for key in BUDGET_KEYS:
        data["budgets"].pop(key, None)
    for w in data["workloads"]:
        w.pop("latency_ms", None)
        w["qps"] = w.get("qps") is not None
    return data


def _signature(space: SpaceOptions) -> tuple:
    g = space.grid
    return (g.axis_sizes(), tuple(g.precisions), tuple(m.name for m in g.memories),
            tuple((wo.batches, wo.precisions, wo.pairs) for wo in space.workloads))


class Resolver:
    """One objective's search, re-solved warm for requirement variants (`solve`).

    Every call answers exactly what `synthesize(req, budget)` (method milp, no refinement, no
    alternatives, no diagnosis) would prove: the same model up to rows that are valid for both,
    the same work budget. Only the path differs, so tied designs may differ (TOOLCHAIN.md)."""

    def __init__(self, objective: Objective, *, seed: int, budget: SearchOptions):
        self.objective = objective
        self.seed = seed
        self.budget = budget.with_changes(refine=False, alternatives=0, diagnose_infeasible=False,
                                          method=Method.milp)
        self.known: list[dict] = []  # designs found so far (design-file mappings)
        self._milp: DesignMilp | None = None
        self._frame: Any = None
        self._signature: tuple | None = None
        self._limits: dict = {}
        self._answers: dict[str, Result] = {}
        self.warm = 0  # re-solves on a kept model
        self.cold = 0  # models built

    def solve(self, req: Requirements, *, deadline: float, hints: tuple[dict, ...] = ()) -> Result:
        """The search's answer for `req` (its objective replaced by this resolver's)."""
        updated = req.model_copy(update={"objective": self.objective}).with_source(req.source)
        key = updated.model_dump_json(warnings=False)
        if key in self._answers:
            return self._answers[key]
        time_limit = max(deadline - time.perf_counter(), 0.05)
        started = time.perf_counter()
        opts = space_options(updated)
        if without_precision(opts):
            result = synthesize(updated, self.budget, seed=self.seed, time_limit_s=time_limit)
        else:
            pruned = prune(opts)
            space = pruned.options
            build_s = time.perf_counter() - started
            designs = tuple(hints) + tuple(self.known)
            known = tuple(p for p in (hardware_of(space, d) for d in designs) if p is not None)
            state, _ = chooser.search(space, lambda: self._model(updated, space), seed=self.seed,
                                      deadline=started + time_limit, hints=known,
                                      max_iterations=self.budget.max_milp_solves or UNLIMITED_SOLVES,
                                      node_limit=self.budget.milp_max_nodes, scan_checks=self.budget.scan_checks)
            result = search_result(opts, state, method=Method.milp, seed=self.seed, started=started,
                                   build_s=build_s, pruned=pruned.notes)
            result = replace(result, requirements=updated.model_dump(mode="json", exclude_none=True, warnings=False))
        if result.design is not None and result.design not in self.known:
            self.known.append(result.design)
        self._answers[key] = result
        return result

    def _model(self, req: Requirements, space: SpaceOptions) -> DesignMilp:
        """The kept model with this variant's limits, or a new one if anything else changed."""
        frame, signature, limits = _frame(req), _signature(space), _limits(req)
        warm = (self._milp is not None and frame == self._frame and signature == self._signature
                and not (self.objective in READS_QPS and _qps_changed(self._limits, limits)))
        if not warm:
            self._milp = DesignMilp(space, objective=self.objective, seed=self.seed)
            self._frame, self._signature, self._limits = frame, signature, limits
            self.cold += 1
            return self._milp
        milp = self._milp
        assert milp is not None
        milp.opts = space  # the same indices; its requirements are the variant's
        milp.drop_requirement_cuts()
        for (key, workload), value in limits.items():
            if self._limits.get((key, workload)) != value:
                milp.set_requirement(key, workload, value)
        self._limits = limits
        self.warm += 1
        return milp


def _qps_changed(old: dict, new: dict) -> bool:
    return any(old.get(k) != v for k, v in new.items() if k[0] == "qps")
