"""synthesize(): requirements in, the provably best design out (or the smallest relaxation)."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

from synth.results import Certificate, Evaluation, Result
from synth.solve import chooser
from synth.solve.diagnose import diagnose
from synth.solve.exhaustive import exhaustive_search
from synth.solve.heuristic import heuristic_search
from synth.solve.loop import run_loop
from synth.solve.milp import DesignMilp
from synth.solve.options import SpaceOptions, space_options, without_precision
from synth.solve.plans import best_on_hardware, exact_score
from synth.solve.prune import prune
from synth.solve.refine import refine
from synth.solve.search_options import SearchOptions
from synth.solve.state import Scored, SearchState
from synth.solve.storage import open_storage
from synth.spec.requirements import Requirements
from synth.spec.space import HardwarePoint
from synth.vocabulary import Method, SolutionStatus, Termination

METHODS = tuple(m.value for m in Method)
UNLIMITED_SOLVES = 100_000
ALTERNATIVE_MIN_SOLVES = 4


def synthesize(requirements: Requirements, options: SearchOptions | None = None, *, seed: int = 0,
               **changes: Any) -> Result:
    """The lowest-cost design that meets every requirement, with its certificate.

    `options` (SearchOptions) says how to search; keyword `changes` change its fields
    (`synthesize(req, method="exhaustive", refine=False)`; an unknown name is a TypeError).
    The same requirements, options and seed give the same result on any machine."""
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be within [0, 2**32 - 1], got {seed}")
    options = (options or SearchOptions()).with_changes(**changes)
    started = time.perf_counter()
    # The refinement study's storage is opened and checked before the search (StorageError).
    study_storage = open_storage(options.storage) if options.refine else None
    result = _search(requirements, options, seed=seed)
    result = replace(result, requirements=requirements.model_dump(mode="json", exclude_none=True, warnings=False))
    if not options.refine or result.evaluation is None:
        return result
    # A time limit the user gave holds for the whole run: refinement gets what the search left.
    budget_s = options.refine_time_s
    if options.time_limit_s is not None:
        budget_s = max(0.0, min(budget_s, options.time_limit_s - (time.perf_counter() - started)))
    opts = space_options(requirements)
    refinement = refine(opts, result.evaluation, seed=seed, trials=options.refine_trials,
                        time_limit_s=budget_s, storage=study_storage)
    improved = refinement.evaluation
    notes = result.notes
    if refinement.summary.own_trials < options.refine_trials:
        notes += (f"refinement stopped by its time limit ({budget_s:.3g} s) after {refinement.summary.own_trials} "
                  f"of {options.refine_trials} trials: a faster machine may refine further",)
    return replace(result, refinement=refinement.summary, notes=notes,
                   evaluation=improved or result.evaluation,
                   design=improved.design if improved else result.design)


def _search(requirements: Requirements, options: SearchOptions, *, seed: int) -> Result:
    method = options.method
    started = time.perf_counter()
    deadline = started + options.deadline_s
    opts = space_options(requirements)
    build_s = time.perf_counter() - started
    if without_precision(opts):
        return _no_precision(opts, method=method, seed=seed, started=started, build_s=build_s, deadline=deadline,
                             diagnose_infeasible=options.diagnose_infeasible)
    if method is Method.milp:
        return _milp(opts, options, seed=seed, started=started, deadline=deadline, build_s=build_s)
    if method is Method.exhaustive:
        state = exhaustive_search(opts, seed=seed, deadline=deadline)
    else:
        state = heuristic_search(opts, method=method, seed=seed, deadline=deadline)
    return search_result(opts, state, method=method, seed=seed, started=started, build_s=build_s)


def _no_precision(opts: SpaceOptions, *, method, seed, started, build_s, deadline, diagnose_infeasible) -> Result:
    """Some workload has no precision within its accuracy limit that a PE of the space runs:
    no design exists (proven without a search)."""
    state = SearchState(proven=True, infeasible=True)
    state.notes.append("no PE of the space runs a precision within the accuracy limit of: "
                       + ", ".join(without_precision(opts)))
    relaxation = diagnose(opts, seed=seed, deadline=deadline) if diagnose_infeasible else ()
    return search_result(opts, state, method=method, seed=seed, started=started, build_s=build_s, relaxation=relaxation)


def _milp(opts: SpaceOptions, options: SearchOptions, *, seed, started, deadline, build_s) -> Result:
    t = time.perf_counter()
    pruned = prune(opts)
    space = pruned.options
    build_s += time.perf_counter() - t
    built: list[DesignMilp] = []

    def milp_of() -> DesignMilp:
        nonlocal build_s
        if not built:
            t = time.perf_counter()
            built.append(DesignMilp(space, seed=seed))
            build_s += time.perf_counter() - t
        return built[0]

    known = tuple(point for point in (hardware_of(space, design) for design in options.hints) if point is not None)
    state, _ = chooser.search(space, milp_of, seed=seed, deadline=deadline, hints=known,
                              max_iterations=options.max_milp_solves or UNLIMITED_SOLVES,
                              node_limit=options.milp_max_nodes, scan_checks=options.scan_checks)
    extra = _alternatives(space, milp_of, state, seed=seed, deadline=deadline, wanted=options.alternatives,
                          node_limit=options.milp_max_nodes)
    relaxation = ()
    if state.infeasible and options.diagnose_infeasible:
        relaxation = diagnose(opts, seed=seed, deadline=deadline)
    return search_result(opts, state, method=Method.milp, seed=seed, started=started, build_s=build_s,
                         extra_alternatives=extra, relaxation=relaxation, pruned=pruned.notes)


def _alternatives(opts: SpaceOptions, milp_of, state: SearchState, *, seed, deadline, wanted,
                  node_limit: int | None = None) -> list[Scored]:
    """Next-best designs on distinct hardware, each exactly evaluated (its best plans).

    First the designs the search already evaluated; then the hardware one step from the
    optimum (another dataflow or memory; the next PE type, clock, SRAM, array, core or chip count),
    whose exact check costs tens of milliseconds; then, if fewer than `wanted` remain, the same
    loop again with the hardware kept so far excluded (its answer is the proven best of what
    remains when it finishes within the budget). The budget is work, not time: a quarter of
    the MILP solves the search itself took, at least ALTERNATIVE_MIN_SOLVES, so the
    alternatives are the same on any machine."""
    if not state.feasible or wanted <= 0:
        return []
    objective = opts.req.objective
    best_choice = state.best().choice
    seen = {best_choice.hardware}
    found: list = []
    for item in sorted(state.feasible, key=lambda item: item.score):
        if item.choice.hardware not in seen:
            seen.add(item.choice.hardware)
            found.append(item)
    for hardware in _neighbours(opts, best_choice.hardware):
        if hardware in seen or time.perf_counter() > deadline:
            continue
        seen.add(hardware)
        answer = best_on_hardware(opts, hardware, objective=objective, focus=None, seed=seed)
        if answer.evaluation is not None:
            found.append(Scored(exact_score(answer.evaluation, objective, None, opts), answer.choice,
                                answer.evaluation))
    if len(found) >= wanted:
        return sorted(found, key=lambda item: item.score)[:wanted]
    milp = milp_of()
    for hardware in seen:
        milp.cut_hardware(hardware)
    budget = max(ALTERNATIVE_MIN_SOLVES, state.iterations // 4)
    while len(found) < wanted and budget > 0 and time.perf_counter() < deadline:
        more = run_loop(opts, milp, seed=seed, deadline=deadline, max_iterations=budget, node_limit=node_limit)
        budget -= more.iterations
        best = more.best()
        if best is None:
            break
        found.append(best)
        milp.cut_hardware(best.choice.hardware)
    found.sort(key=lambda item: item.score)
    return found[:wanted]


def hardware_of(opts: SpaceOptions, design: dict) -> HardwarePoint | None:
    """The hardware point of a design mapping in this space's grid, or None if it is off it."""
    g = opts.grid
    memory = design["memory"] if isinstance(design["memory"], str) else design["memory"]["name"]
    lookups = ((g.array_shapes, (design["array_rows"], design["array_cols"])), (g.dataflows, design["dataflow"]),
               (g.precisions, design["precision"]), (g.clock_ghz, design["clock_ghz"]),
               (g.sram_mib, design["sram_mib"]), ([m.name for m in g.memories], memory), (g.cores, design["cores"]),
               (g.chips, design.get("chips", 1)))
    point = []
    for values, wanted in lookups:
        index = next((k for k, value in enumerate(values) if value == wanted
                      or (isinstance(value, float) and math.isclose(value, wanted, rel_tol=1e-9))), None)
        if index is None:
            return None
        point.append(index)
    return HardwarePoint(*point)


def _neighbours(opts: SpaceOptions, hardware: HardwarePoint) -> list[HardwarePoint]:
    """Hardware points one step from `hardware` along each design variable (every value of the
    unordered axes: dataflow and memory)."""
    sizes = opts.grid.axis_sizes()
    unordered = ("dataflow", "memory")
    points = []
    for axis, (name, size) in enumerate(zip(HardwarePoint._fields, sizes)):
        values = range(size) if name in unordered else (hardware[axis] - 1, hardware[axis] + 1)
        for value in values:
            if 0 <= value < size and value != hardware[axis]:
                points.append(hardware._replace(**{name: value}))
    return points


def search_result(opts: SpaceOptions, state: SearchState, *, method, seed, started, build_s,
            extra_alternatives=(), relaxation=(), pruned=()) -> Result:
    best = state.best()
    objective = opts.req.objective
    if best is not None:
        status = SolutionStatus.optimal if state.proven else SolutionStatus.feasible
    else:
        status = SolutionStatus.infeasible if state.infeasible else SolutionStatus.unknown
    value = best.score if best else None
    bound = state.bound
    gap = None
    if value is not None and bound is not None and math.isfinite(bound):
        gap = max(0.0, (value - bound) / max(abs(value), 1e-12))
    sign = -1.0 if objective.maximize else 1.0
    certificate = Certificate(
        objective=None if value is None else sign * value,
        bound=None if bound is None or not math.isfinite(bound) else sign * bound,
        gap=gap, iterations=state.iterations, cuts=state.cuts, exact_checks=state.checks,
        build_s=build_s, solve_s=state.solve_s, check_s=state.check_s,
        seconds=time.perf_counter() - started, method=method, notes=tuple(state.notes), pruned=tuple(pruned),
        termination=_termination(state))
    evaluation: Evaluation | None = best.evaluation if best else None
    alternatives = tuple(item.evaluation for item in extra_alternatives)
    return Result(status=status, method=method, seed=seed, objective_name=objective,
                  design=evaluation.design if evaluation else None, evaluation=evaluation,
                  certificate=certificate, alternatives=alternatives, relaxation=tuple(relaxation),
                  design_points=opts.design_points)


__all__ = ["METHODS", "synthesize"]


def _termination(state: SearchState) -> Termination:
    """Why the search stopped: a proof (converged or infeasible) or the stop it recorded."""
    if state.proven:
        return Termination.proven_infeasible if state.infeasible else Termination.converged
    return state.termination
