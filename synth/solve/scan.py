"""The method chooser's enumeration: hardware points in order of their exact objective.

For an objective that depends on the hardware alone (peak power, area, unit cost) the exact
value of every hardware point is one vectorized cost-core call (`hardware_figures`). Taken in
that order, the first point on which some plan meets every requirement is optimal, which is
the exhaustive method's argument (docs/formulation.md §9); its exact ties are checked too and
broken by latency as the honesty loop breaks them (§6.1). A deterministic rejection also
skips every no-faster point of the same shape, dataflow, PE, cores and chips, by the argument
of the slower-hardware cut (§6.3). A work budget (`max_checks` hardware points checked) bounds the scan; when it runs out, the value of the first point not yet checked bounds everything left,
and the MILP continues from there (synthesize.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from synth.solve.hardware import HARDWARE_FIGURE, as_point, hardware_figures, hardware_points
from synth.solve.options import SpaceOptions
from synth.solve.plans import best_on_hardware, exact_score
from synth.solve.state import Scored, SearchState
from synth.vocabulary import REL_TOL, Objective

# Hardware points the chooser enumerates. The default spaces of user files (100,000-200,000
# points after pruning) are left to the MILP: there the optimum lies deep in the order and each
# check of several workloads is slow (benchmarks/README.md, user-like files: the scan ran into
# the 60 s limit where the MILP proves in seconds).
SCAN_MAX_POINTS = 20_000
# Points checked before the scan hands over to the MILP (a check costs 2-40 ms, the latter with
# server simulations). Counting server simulations as extra work (10 units each) was tried: on
# problems/search_ranking.yaml with p99 bounds of 4.6, 1.7 and 0.64 ms the scan then handed
# over early and the MILP took 17 to over 41 solves (61 s to the 120 s limit) where the scan
# alone proves each in 576-1,836 points (4-20 s); a budget of 4,000 points, though, made the
# report's re-solves of image_classification and search_ranking several times slower.
SCAN_CHECKS = 500
MAX_TIES = 64  # exact ties checked after the first feasible point (as Ties.MAX_PER_ITERATION)


@dataclass
class ScanOutcome:
    """What the scan proved: `state` (proven when it found the optimum or exhausted the space);
    otherwise `floor`, the exact objective of the first point not checked (a bound on the rest)."""

    state: SearchState
    floor: float | None


def scannable(opts: SpaceOptions, objective: Objective, focus: int | None) -> bool:
    return objective.hardware_only and focus is None and int(np.prod(opts.grid.axis_sizes())) <= SCAN_MAX_POINTS


def scan_search(opts: SpaceOptions, *, objective: Objective, seed: int, deadline: float,
                max_checks: int = SCAN_CHECKS) -> ScanOutcome:
    req, state = opts.req, SearchState()
    points = hardware_points(opts, limit=SCAN_MAX_POINTS)
    figures = hardware_figures(opts, points)
    keep = figures["die_area"] <= opts.tech.max_die_area_mm2
    for key, limit in (("power", req.budgets.power_w), ("area", req.budgets.area_mm2),
                       ("cost", req.budgets.unit_cost_usd), ("idle", req.budgets.average_power_w)):
        if limit is not None:
            keep &= figures[key] <= limit * (1 + REL_TOL)
    values = figures[HARDWARE_FIGURE[objective.value]]
    order = np.flatnonzero(keep)
    order = order[np.argsort(values[order], kind="stable")]
    skipped = np.zeros(len(points), dtype=bool)
    slower = _slower_keys(opts, points)
    checked = 0
    found_at: float | None = None
    ties = 0
    for index in order:
        if found_at is not None and (values[index] > found_at * (1 + 1e-12) or ties >= MAX_TIES):
            break
        if skipped[index]:
            continue
        if found_at is None and (checked >= max_checks or time.perf_counter() > deadline):
            state.iterations = 0
            return ScanOutcome(state, float(values[index]))
        started = time.perf_counter()
        answer = best_on_hardware(opts, as_point(points[index]), objective=objective, focus=None, seed=seed)
        state.check_s += time.perf_counter() - started
        state.checks += answer.checks
        state.simulations += answer.simulations
        checked += 1
        if found_at is not None:
            ties += 1
        if answer.evaluation is not None:
            state.feasible.append(Scored(exact_score(answer.evaluation, objective, None, opts), answer.choice,
                                         answer.evaluation))
            found_at = float(values[index]) if found_at is None else found_at
        elif answer.deterministic:
            skipped |= slower(points[index])
    best = state.best()
    state.proven = True
    state.infeasible = best is None
    state.bound = best.score if best else None
    state.notes.append(f"proven by enumerating hardware in order of the exact objective ({checked} points checked)")
    return ScanOutcome(state, None)


def _slower_keys(opts: SpaceOptions, points: np.ndarray):
    """mask(point): the points no faster than `point` (same shape, dataflow, PE, cores, chips;
    clock, SRAM, memory bandwidth and capacity no higher), as cut_slower_hardware removes."""
    g = opts.grid
    clock = np.array(g.clock_ghz)[points[:, 3]]
    sram = np.array(g.sram_mib, dtype=float)[points[:, 4]]
    bandwidth = np.array([m.bandwidth_gbps for m in g.memories])[points[:, 5]]
    capacity = np.array([m.capacity_gib for m in g.memories])[points[:, 5]]
    same = points[:, [0, 1, 2, 6, 7]]

    def mask(point: np.ndarray) -> np.ndarray:
        k = int(np.flatnonzero((points == point).all(axis=1))[0])
        return ((same == same[k]).all(axis=1) & (clock <= clock[k]) & (sram <= sram[k])
                & (bandwidth <= bandwidth[k]) & (capacity <= capacity[k]))

    return mask
