"""The honesty loop (DESIGN.md): MILP pick -> exact check -> cut -> re-solve, until proven.

The MILP is a relaxation: its objective never exceeds the exact objective of a design and it
never excludes an exact-feasible design, except the ones the loop has already evaluated (whose
exact values it keeps). So the MILP's optimum is a lower bound on every design not yet
evaluated, and the loop can stop as soon as the best exact-feasible design is within the gap
of that bound: that pair is the certificate.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from pyomo.contrib.solver.common.results import TerminationCondition

from synth.results import Evaluation
from synth.spec.requirements import Objective
from synth.solve.plans import best_on_hardware, exact_score
from synth.solve.milp import Choice, DesignMilp
from synth.solve.options import SpaceOptions

_FOUND = (TerminationCondition.convergenceCriteriaSatisfied,)
_INFEASIBLE = (TerminationCondition.provenInfeasible, TerminationCondition.infeasibleOrUnbounded)


def latency_tiebreak(evaluation: Evaluation) -> float:
    worst = 0.0
    for workload in evaluation.workloads:
        worst = max(worst, workload.latency_at_percentile_ms)
    return worst


def milp_value(milp: DesignMilp, score: float) -> float:
    """The inverse of milp_score: a score in the MILP's objective units."""
    if milp.objective is Objective.min_latency:
        return math.log(max(score, 1e-300) / 1e3)
    if milp.objective is Objective.max_throughput:
        counted = milp.opts.workloads if milp.focus is None else [milp.opts.workloads[milp.focus]]
        return math.log(max(-score, 1e-300) / sum(w.workload.qps or 1.0 for w in counted))
    return score


def milp_score(milp: DesignMilp, milp_value: float) -> float:
    """The MILP objective (a bound) in exact units, as a score."""
    if milp.objective is Objective.min_latency:
        return math.exp(milp_value) * 1e3
    if milp.objective is Objective.max_throughput:
        counted = milp.opts.workloads if milp.focus is None else [milp.opts.workloads[milp.focus]]
        return -math.exp(milp_value) * sum(w.workload.qps or 1.0 for w in counted)
    return milp_value


@dataclass
class SearchState:
    """Book-keeping of one search (mutable while it runs; the Result it yields is frozen)."""

    feasible: list[tuple[float, Choice, Evaluation]] = field(default_factory=list)
    iterations: int = 0
    cuts: int = 0
    checks: int = 0
    simulations: int = 0
    solve_s: float = 0.0
    check_s: float = 0.0
    bound: float | None = None  # score: nothing unevaluated scores better
    proven: bool = False
    infeasible: bool = False
    notes: list[str] = field(default_factory=list)

    def best(self):
        """The best feasible design; among exact ties, the one with the lowest worst latency
        (at each workload's percentile, in ms: the objective alone cannot tell them apart)."""
        return min(self.feasible, key=lambda item: (item[0], latency_tiebreak(item[2]))) if self.feasible else None


def run_loop(opts: SpaceOptions, milp: DesignMilp, *, seed: int, deadline: float, gap: float = 1e-6,
             max_iterations: int = 100_000, hints: tuple[tuple[int, ...], ...] = ()) -> SearchState:
    """Solve, check, cut, until the best exact design meets the bound within `gap`.

    The chip count is branched on outside the MILP (one restricted MILP per chip count, on the
    same persistent model): the number of chips enters capacity through log(chips) and cost
    through chips x chip cost, which a single LP relaxation couples only weakly. The bound of
    the whole space is the smallest bound over the branches. `hints`: hardware points checked
    exactly before the first solve (e.g. designs of a neighbouring problem), so a good design
    and its cutoff are known from the start; checking any point exactly is always valid."""
    objective = milp.objective
    state = SearchState()
    branches = {h: -math.inf for h in range(len(opts.grid.chips))}  # score bound per chip count
    ties = Ties.build(opts, objective, milp.focus)
    for hardware in dict.fromkeys(hints):
        answer = _check(state, milp, opts, hardware, seed)
        if answer.choice is not None:
            for i in range(len(opts.workloads)):
                milp.tighten(answer.choice, i)

    def tolerance(best_score: float) -> float:
        return gap * max(abs(best_score), 1e-12)

    while state.iterations < max_iterations:
        best = state.best()
        open_branches = [h for h, b in branches.items()
                         if b < math.inf and (best is None or b < best[0] - tolerance(best[0]))]
        if not open_branches:
            state.proven = True
            state.infeasible = best is None
            state.bound = min([best[0] if best else math.inf] + [b for b in branches.values()])
            break
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            state.notes.append("time limit reached before optimality was proven")
            state.bound = min(branches.values())
            break
        h = min(open_branches, key=lambda k: branches[k])
        milp.restrict_chips(h)
        started = time.perf_counter()
        res = milp.solve(time_limit=remaining, cutoff=None if best is None else milp_value(milp, best[0]))
        state.solve_s += time.perf_counter() - started
        state.iterations += 1
        condition = res.termination_condition
        if condition in _INFEASIBLE:  # under the cutoff: nothing in this branch beats the best
            branches[h] = math.inf
            continue
        if condition not in _FOUND:
            state.notes.append(f"MILP stopped: {condition.name}")
            if res.objective_bound is not None and math.isfinite(res.objective_bound):
                branches[h] = max(branches[h], milp_score(milp, res.objective_bound))
            state.bound = min(branches.values())
            break
        branches[h] = milp_score(milp, res.objective_bound if res.objective_bound is not None
                                 else res.incumbent_objective)
        if best is not None and branches[h] >= best[0] - tolerance(best[0]):
            continue
        res.solution_loader.load_vars()
        choice = milp.choice()
        for i in range(len(opts.workloads)):
            milp.tighten(choice, i)
        _check(state, milp, opts, choice.hardware, seed)
        for hardware in ties.siblings(choice.hardware) if ties else ():
            if time.perf_counter() > deadline:
                break
            _check(state, milp, opts, hardware, seed)
    milp.restrict_chips(None)
    return state


def _check(state: SearchState, milp: DesignMilp, opts: SpaceOptions, hardware: tuple[int, ...], seed: int):
    """The exact best design on this hardware, timed, counted and recorded (_record)."""
    started = time.perf_counter()
    answer = best_on_hardware(opts, hardware, objective=milp.objective, focus=milp.focus, seed=seed)
    state.check_s += time.perf_counter() - started
    state.checks += answer.checks
    state.simulations += answer.simulations
    _record(state, milp, opts, hardware, answer)
    return answer


def _record(state: SearchState, milp: DesignMilp, opts: SpaceOptions, hardware: tuple[int, ...], answer) -> None:
    """Keep an exact answer and cut its hardware (and, after a deterministic rejection, every
    no-faster configuration)."""
    if answer.evaluation is not None:
        state.feasible.append((exact_score(answer.evaluation, milp.objective, milp.focus, opts), answer.choice,
                               answer.evaluation))
    elif answer.deterministic:
        milp.cut_slower_hardware(hardware)
        state.cuts += 1
    milp.cut_hardware(hardware)
    state.cuts += 1


class Ties:
    """Hardware points whose exact hardware objective equals a value (power, area or unit cost
    do not depend on every variable: the dataflow never changes them, the clock never changes
    area). When the MILP's optimum is such a value, every tied point is checked in the same
    iteration instead of one MILP solve each; checking more points exactly is always valid."""

    MAX_POINTS = 2_000_000
    MAX_PER_ITERATION = 64

    def __init__(self, opts: SpaceOptions, objective: Objective):
        from synth.solve.exhaustive import hardware_figures, hardware_points

        self.points = hardware_points(opts, limit=self.MAX_POINTS)
        self.sizes = tuple(int(n) for n in self.points.max(axis=0) + 1)
        key = {Objective.min_power: "power", Objective.min_area: "area", Objective.min_unit_cost: "cost"}[objective]
        self.values = hardware_figures(opts, self.points)[key]
        self.done: set[tuple[int, ...]] = set()

    @classmethod
    def build(cls, opts: SpaceOptions, objective: Objective, focus) -> "Ties | None":
        import numpy as np

        from synth.solve.plans import HARDWARE_OBJECTIVES

        sizes = [len(opts.grid.array_shapes), len(opts.grid.dataflows), len(opts.grid.precisions),
                 len(opts.grid.clock_ghz), len(opts.grid.sram_mib), len(opts.grid.memories), len(opts.grid.cores),
                 len(opts.grid.chips)]
        if objective not in HARDWARE_OBJECTIVES or focus is not None or np.prod(sizes) > cls.MAX_POINTS:
            return None
        return cls(opts, objective)

    def siblings(self, hardware: tuple[int, ...]) -> list[tuple[int, ...]]:
        """Unchecked points with the same chip count whose exact value equals this one's."""
        import numpy as np

        self.done.add(hardware)
        value = self.values[np.ravel_multi_index(hardware, self.sizes)]
        close = np.flatnonzero(np.abs(self.values - value) <= 1e-12 * max(abs(value), 1e-12))
        found = []
        for index in close:
            point = tuple(int(v) for v in self.points[index])
            if point not in self.done and point[7] == hardware[7]:
                self.done.add(point)
                found.append(point)
                if len(found) >= self.MAX_PER_ITERATION:
                    break
        return found
