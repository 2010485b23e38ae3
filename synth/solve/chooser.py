"""The method chooser of the default (MILP) method: enumerate when the space allows it.

For a hardware objective on a space of at most SCAN_MAX_POINTS hardware points, the hardware
is first enumerated in order of its exact objective (synth/solve/scan.py) within a work budget
of exact plan checks; that proves the optimum (or infeasibility) with the same certificate as
the honesty loop. If the budget runs out, the MILP continues with one more row: its objective
is at least the exact value of the first hardware point not checked (every point below it was
checked and rejected), so the loop starts where the enumeration stopped. Otherwise the honesty
loop runs as before. docs/formulation.md §9.
"""

from __future__ import annotations

from collections.abc import Callable

from synth.solve.loop import run_loop
from synth.solve.milp import DesignMilp
from synth.solve.options import SpaceOptions
from synth.solve.scan import scan_search, scannable
from synth.solve.state import SearchState
from synth.spec.space import HardwarePoint

FLOOR_MARGIN = 1e-7  # relative: the MILP's objective may differ from the cost core's in rounding


def search(space: SpaceOptions, milp_of: Callable[[], DesignMilp], *, seed: int, deadline: float,
           hints: tuple[HardwarePoint, ...], max_iterations: int, node_limit: int | None,
           scan_checks: int) -> tuple[SearchState, DesignMilp | None]:
    """The search's state, and the MILP if one was built (`milp_of` builds or updates it)."""
    objective = space.req.objective
    floor = None
    scanned = None
    if scan_checks > 0 and scannable(space, objective, None):
        outcome = scan_search(space, objective=objective, seed=seed, deadline=deadline, max_checks=scan_checks)
        if outcome.floor is None:
            return outcome.state, None
        floor, scanned = outcome.floor, outcome.state
    milp = milp_of()
    if floor is not None:
        row = milp.model.cuts.add(milp.model.obj.expr >= floor - FLOOR_MARGIN * max(1.0, abs(floor)))
        milp.requirement_cuts.append(row)  # it rests on checks against these requirements
    state = run_loop(space, milp, seed=seed, deadline=deadline, hints=hints, max_iterations=max_iterations,
                     node_limit=node_limit)
    if scanned is not None:
        state.checks += scanned.checks
        state.check_s += scanned.check_s
        state.simulations += scanned.simulations
        state.notes.insert(0, f"enumeration stopped at its work budget ({scan_checks}); the MILP bounded the rest")
    return state, milp
