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

import numpy as np
from pyomo.contrib.solver.common.results import TerminationCondition

from synth.solve.hardware import HARDWARE_FIGURE, as_point, hardware_figures, hardware_points
from synth.solve.milp import DesignMilp
from synth.solve.options import SpaceOptions
from synth.solve.plans import HardwareAnswer, best_on_hardware, exact_score
from synth.solve.state import Scored, SearchState
from synth.spec.space import HardwarePoint
from synth.vocabulary import Objective, Termination

_FOUND = (TerminationCondition.convergenceCriteriaSatisfied,)
_INFEASIBLE = (TerminationCondition.provenInfeasible, TerminationCondition.infeasibleOrUnbounded)
_TERMINATION = {TerminationCondition.maxTimeLimit: Termination.time_limit,
                TerminationCondition.iterationLimit: Termination.work_limit,
                TerminationCondition.interrupted: Termination.interrupted}


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


def run_loop(opts: SpaceOptions, milp: DesignMilp, *, seed: int, deadline: float, gap: float = 1e-6,
             max_iterations: int = 100_000, node_limit: int | None = None,
             hints: tuple[HardwarePoint, ...] = ()) -> SearchState:
    """Solve, check, cut, until the best exact design meets the bound within `gap`.

    The chip count is branched on outside the MILP (one restricted MILP per chip count, on the
    same persistent model): the number of chips enters capacity through log(chips) and cost
    through chips x chip cost, which a single LP relaxation couples only weakly. The bound of
    the whole space is the smallest bound over the branches. `hints`: hardware points checked
    exactly before the first solve (e.g. designs of a neighbouring problem), so a good design
    and its cutoff are known from the start; checking any point exactly is always valid.
    `max_iterations` (MILP solves) and `node_limit` (per solve) are work budgets; `deadline` is
    a wall-clock safety stop. The state says which one stopped the search."""
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
                         if b < math.inf and (best is None or b < best.score - tolerance(best.score))]
        if not open_branches:
            state.proven = True
            state.infeasible = best is None
            state.bound = min([best.score if best else math.inf] + [b for b in branches.values()])
            break
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            state.stop(Termination.time_limit, "time limit reached before optimality was proven")
            state.bound = min(branches.values())
            break
        h = min(open_branches, key=lambda k: branches[k])
        milp.restrict_chips(h)
        started = time.perf_counter()
        res = milp.solve(time_limit=remaining, cutoff=None if best is None else milp_value(milp, best.score),
                         node_limit=node_limit)
        state.solve_s += time.perf_counter() - started
        state.iterations += 1
        condition = res.termination_condition
        if condition in _INFEASIBLE:  # under the cutoff: nothing in this branch beats the best
            branches[h] = math.inf
            continue
        if condition not in _FOUND:
            state.stop(_TERMINATION.get(condition, Termination.error), f"MILP stopped: {condition.name}")
            if res.objective_bound is not None and math.isfinite(res.objective_bound):
                branches[h] = max(branches[h], milp_score(milp, res.objective_bound))
            state.bound = min(branches.values())
            break
        branches[h] = milp_score(milp, res.objective_bound if res.objective_bound is not None
                                 else res.incumbent_objective)
        if best is not None and branches[h] >= best.score - tolerance(best.score):
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
    else:
        state.stop(Termination.work_limit, f"stopped after {max_iterations} MILP solves before optimality was proven")
    milp.restrict_chips(None)
    return state


def _check(state: SearchState, milp: DesignMilp, opts: SpaceOptions, hardware: HardwarePoint, seed: int) -> HardwareAnswer:
    """The exact best design on this hardware, timed, counted and recorded (_record)."""
    started = time.perf_counter()
    answer = best_on_hardware(opts, hardware, objective=milp.objective, focus=milp.focus, seed=seed)
    state.check_s += time.perf_counter() - started
    state.checks += answer.checks
    state.simulations += answer.simulations
    _record(state, milp, opts, hardware, answer)
    return answer


def _record(state: SearchState, milp: DesignMilp, opts: SpaceOptions, hardware: HardwarePoint,
            answer: HardwareAnswer) -> None:
    """Keep an exact answer and cut its hardware (and, after a deterministic rejection, every
    no-faster configuration)."""
    if answer.evaluation is not None:
        state.feasible.append(Scored(exact_score(answer.evaluation, milp.objective, milp.focus, opts), answer.choice,
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
        self.points = hardware_points(opts, limit=self.MAX_POINTS)
        self.sizes = opts.grid.axis_sizes()
        self.values = hardware_figures(opts, self.points)[HARDWARE_FIGURE[objective.value]]
        self.done: set[HardwarePoint] = set()

    @classmethod
    def build(cls, opts: SpaceOptions, objective: Objective, focus: int | None) -> Ties | None:
        if not objective.hardware_only or focus is not None or np.prod(opts.grid.axis_sizes()) > cls.MAX_POINTS:
            return None
        return cls(opts, objective)

    def siblings(self, hardware: HardwarePoint) -> list[HardwarePoint]:
        """Unchecked points with the same chip count whose exact value equals this one's."""
        self.done.add(hardware)
        value = self.values[np.ravel_multi_index(hardware, self.sizes)]
        close = np.flatnonzero(np.abs(self.values - value) <= 1e-12 * max(abs(value), 1e-12))
        found = []
        for index in close:
            point = as_point(self.points[index])
            if point not in self.done and point.chips == hardware.chips:
                self.done.add(point)
                found.append(point)
                if len(found) >= self.MAX_PER_ITERATION:
                    break
        return found
