"""synthesize(): requirements in, the provably best design out (or the smallest relaxation)."""

from __future__ import annotations

import math
import time
from dataclasses import replace

from synth.solve.refine import DEFAULT_TRIALS
from synth.solve.storage import open_storage
from synth.results import Evaluation
from synth.spec.requirements import Requirements
from synth.solve.diagnose import diagnose
from synth.solve.loop import SearchState, run_loop
from synth.solve.plans import best_on_hardware, exact_score
from synth.solve.milp import DesignMilp
from synth.solve.options import SpaceOptions, space_options, without_precision
from synth.solve.prune import prune
from synth.solve.result import Certificate, Result, Status

METHODS = ("milp", "exhaustive", "optuna", "random")
ALTERNATIVES = 5
DEFAULT_TIME_LIMIT_S = 120.0


def synthesize(requirements: Requirements, *, method: str = "milp", seed: int = 0,
               time_limit_s: float | None = None, refine: bool = True, alternatives: int = ALTERNATIVES,
               diagnose_infeasible: bool = True, refine_trials: int = DEFAULT_TRIALS,
               refine_time_s: float = 10.0, storage: str | None = None, hints: tuple[dict, ...] = ()) -> Result:
    """The lowest-cost design that meets every requirement, with its certificate.

    method: "milp" (default; proven optimal over the grid), "exhaustive" (every point through
    the exact evaluator; small spaces only), "optuna" or "random" (heuristics over the same
    space and evaluator, for comparison; they prove nothing). With `refine`, Optuna then
    searches the continuous knobs around the best design (synth.refine) and keeps only
    exact-feasible improvements; the certificate stays the grid's. `storage` shares the
    refinement study between processes (a journal file path or a database URL). `hints`:
    designs (design-file mappings, e.g. other results' `design`) whose hardware the MILP
    method checks exactly before its first solve; those off the grid are ignored. They only
    speed the search up (a good design and its cutoff known early); the answer is the same."""
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be within [0, 2**32 - 1], got {seed}")
    study_storage = open_storage(storage) if refine else None  # checked before the search (StorageError)
    result = _search(requirements, method=method, seed=seed, time_limit_s=time_limit_s,
                     alternatives=alternatives, diagnose_infeasible=diagnose_infeasible, hints=hints)
    result = replace(result, requirements=requirements.model_dump(mode="json", exclude_none=True, warnings=False))
    if not refine or result.evaluation is None:
        return result
    from synth.solve.refine import refine as run_refinement

    opts = space_options(requirements)
    refinement = run_refinement(opts, result.evaluation, seed=seed, trials=refine_trials,
                                time_limit_s=refine_time_s, storage=study_storage)
    improved = refinement.evaluation
    return replace(result, refinement=refinement.to_dict(),
                   evaluation=improved or result.evaluation,
                   design=improved.design if improved else result.design)


def _search(requirements: Requirements, *, method: str, seed: int, time_limit_s: float | None,
            alternatives: int, diagnose_infeasible: bool, hints: tuple[dict, ...] = ()) -> Result:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    started = time.perf_counter()
    limit = DEFAULT_TIME_LIMIT_S if time_limit_s is None else time_limit_s
    deadline = started + limit
    opts = space_options(requirements)
    build_s = time.perf_counter() - started
    if without_precision(opts):
        return _no_precision(opts, method=method, seed=seed, started=started, build_s=build_s, deadline=deadline,
                             diagnose_infeasible=diagnose_infeasible)
    if method == "milp":
        return _milp(opts, seed=seed, started=started, deadline=deadline, build_s=build_s,
                     alternatives=alternatives, diagnose_infeasible=diagnose_infeasible, hints=hints)
    if method == "exhaustive":
        from synth.solve.exhaustive import exhaustive_search

        state = exhaustive_search(opts, seed=seed, deadline=deadline)
    else:
        from synth.solve.heuristic import heuristic_search

        state = heuristic_search(opts, method=method, seed=seed, deadline=deadline)
    return _result(opts, state, method=method, seed=seed, started=started, build_s=build_s)


def _no_precision(opts: SpaceOptions, *, method, seed, started, build_s, deadline, diagnose_infeasible) -> Result:
    """Some workload has no precision within its accuracy limit that a PE of the space runs:
    no design exists (proven without a search)."""
    state = SearchState(proven=True, infeasible=True)
    state.notes.append("no PE of the space runs a precision within the accuracy limit of: "
                       + ", ".join(without_precision(opts)))
    relaxation = diagnose(opts, seed=seed, deadline=deadline) if diagnose_infeasible else ()
    return _result(opts, state, method=method, seed=seed, started=started, build_s=build_s, relaxation=relaxation)


def _milp(opts: SpaceOptions, *, seed, started, deadline, build_s, alternatives, diagnose_infeasible,
          hints=()) -> Result:
    t = time.perf_counter()
    pruned = prune(opts)
    space = pruned.options
    milp = DesignMilp(space, seed=seed)
    build_s += time.perf_counter() - t
    known = tuple(point for point in (hardware_of(space, design) for design in hints) if point is not None)
    state = run_loop(space, milp, seed=seed, deadline=deadline, hints=known)
    extra = _alternatives(space, milp, state, seed=seed, deadline=deadline, wanted=alternatives)
    relaxation = ()
    if state.infeasible and diagnose_infeasible:
        relaxation = diagnose(opts, seed=seed, deadline=deadline)
    return _result(opts, state, method="milp", seed=seed, started=started, build_s=build_s,
                   extra_alternatives=extra, relaxation=relaxation, pruned=pruned.notes)


def _alternatives(opts: SpaceOptions, milp: DesignMilp, state: SearchState, *, seed, deadline, wanted) -> list:
    """Next-best designs on distinct hardware, each exactly evaluated (its best plans).

    First the designs the search already evaluated; then the hardware one step from the
    optimum (another dataflow or memory; the next PE type, clock, SRAM, array, core or chip count),
    whose exact check costs tens of milliseconds; then, if fewer than `wanted` remain and
    time is left, the same loop again with the hardware kept so far excluded (its answer is
    the proven best of what remains when it finishes within the budget: 25 % of the time
    spent so far, at least 0.5 s)."""
    if not state.feasible or wanted <= 0:
        return []
    best_choice = state.best()[1]
    seen = {best_choice.hardware}
    found: list = []
    for item in sorted(state.feasible, key=lambda item: item[0]):
        if item[1].hardware not in seen:
            seen.add(item[1].hardware)
            found.append(item)
    for hardware in _neighbours(opts, best_choice.hardware):
        if hardware in seen or time.perf_counter() > deadline:
            continue
        seen.add(hardware)
        answer = best_on_hardware(opts, hardware, objective=milp.objective, focus=milp.focus, seed=seed)
        if answer.evaluation is not None:
            found.append((exact_score(answer.evaluation, milp.objective, milp.focus, opts), answer.choice,
                          answer.evaluation))
    for hardware in seen:
        milp.cut_hardware(hardware)
    spent = state.solve_s + state.check_s
    budget_end = min(deadline, time.perf_counter() + max(0.5, 0.25 * spent))
    while len(found) < wanted and time.perf_counter() < budget_end:
        more = run_loop(opts, milp, seed=seed, deadline=budget_end, max_iterations=50)
        best = more.best()
        if best is None:
            break
        found.append(best)
        milp.cut_hardware(best[1].hardware)
    found.sort(key=lambda item: item[0])
    return found[:wanted]


def hardware_of(opts: SpaceOptions, design: dict) -> tuple[int, ...] | None:
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
    return tuple(point)


def _neighbours(opts: SpaceOptions, hardware: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Hardware points one step from `hardware` along each design variable."""
    g = opts.grid
    sizes = (len(g.array_shapes), len(g.dataflows), len(g.precisions), len(g.clock_ghz), len(g.sram_mib),
             len(g.memories), len(g.cores), len(g.chips))
    points = []
    for axis, size in enumerate(sizes):
        for value in range(size) if axis in (1, 5) else (hardware[axis] - 1, hardware[axis] + 1):
            if 0 <= value < size and value != hardware[axis]:
                points.append(hardware[:axis] + (value,) + hardware[axis + 1:])
    return points


def _result(opts: SpaceOptions, state: SearchState, *, method, seed, started, build_s,
            extra_alternatives=(), relaxation=(), pruned=()) -> Result:
    best = state.best()
    objective = opts.req.objective
    if best is not None:
        status = Status.optimal if state.proven else Status.feasible
    else:
        status = Status.infeasible if state.infeasible else Status.unknown
    value = best[0] if best else None
    bound = state.bound
    gap = None
    if value is not None and bound is not None and math.isfinite(bound):
        gap = max(0.0, (value - bound) / max(abs(value), 1e-12))
    sign = -1.0 if objective.value == "max_throughput" else 1.0
    certificate = Certificate(
        objective=None if value is None else sign * value,
        bound=None if bound is None or not math.isfinite(bound) else sign * bound,
        gap=gap, iterations=state.iterations, cuts=state.cuts, exact_checks=state.checks,
        build_s=build_s, solve_s=state.solve_s, check_s=state.check_s,
        seconds=time.perf_counter() - started, method=method, notes=tuple(state.notes), pruned=tuple(pruned))
    evaluation: Evaluation | None = best[2] if best else None
    alternatives = tuple(item[2] for item in extra_alternatives)
    return Result(status=status, method=method, seed=seed, objective_name=objective.value,
                  design=evaluation.design if evaluation else None, evaluation=evaluation,
                  certificate=certificate, alternatives=alternatives, relaxation=tuple(relaxation),
                  design_points=opts.design_points)


__all__ = ["METHODS", "synthesize"]
