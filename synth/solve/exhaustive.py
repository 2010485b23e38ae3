"""--method exhaustive: every point of the space through the exact evaluator.

Hardware figures (area, peak power, unit cost) are computed for every hardware point at once
with the vectorized cost core; points over a budget or the reticle are dropped. For an
objective that depends on hardware alone, the rest are taken in order of that exact value
and the first on which some plan meets every requirement is optimal (ties included: every
point with the same value is equally good). Otherwise every remaining point gets its exact
best plans (synth.solve.plans, which enumerates every plan with exact service tables). The
space is refused above synth.solve.hardware.MAX_HARDWARE_POINTS hardware points.
"""

from __future__ import annotations

import time

import numpy as np

from synth.solve.hardware import HARDWARE_FIGURE, as_point, hardware_figures, hardware_points
from synth.solve.options import SpaceOptions
from synth.solve.plans import best_on_hardware, exact_score
from synth.solve.state import Scored, SearchState
from synth.vocabulary import REL_TOL, Termination


def exhaustive_search(opts: SpaceOptions, *, seed: int, deadline: float) -> SearchState:
    req, state = opts.req, SearchState()
    points = hardware_points(opts)
    figures = hardware_figures(opts, points)
    keep = figures["die_area"] <= opts.tech.max_die_area_mm2
    for key, limit in (("power", req.budgets.power_w), ("area", req.budgets.area_mm2),
                       ("cost", req.budgets.unit_cost_usd)):
        if limit is not None:
            keep &= figures[key] <= limit * (1 + REL_TOL)
    candidates = np.flatnonzero(keep)
    objective = req.objective
    if objective.hardware_only:
        key = HARDWARE_FIGURE[objective.value]
        candidates = candidates[np.argsort(figures[key][candidates], kind="stable")]
    finished = True
    for index in candidates:
        if time.perf_counter() > deadline:
            finished = False
            state.stop(Termination.time_limit, "time limit reached before every point was evaluated")
            break
        best = state.best()
        if objective.hardware_only and best is not None:
            break  # sorted by the exact objective: nothing later is better
        started = time.perf_counter()
        answer = best_on_hardware(opts, as_point(points[index]), objective=objective, focus=None, seed=seed)
        state.check_s += time.perf_counter() - started
        state.checks += answer.checks + 1
        if answer.evaluation is not None:
            state.feasible.append(Scored(exact_score(answer.evaluation, objective, None, opts), answer.choice,
                                         answer.evaluation))
    best = state.best()
    state.proven = finished
    state.infeasible = finished and best is None
    state.bound = best.score if (finished and best) else None
    return state
