"""--method exhaustive: every point of the space through the exact evaluator.

Hardware figures (area, peak power, unit cost) are computed for every hardware point at once
with the vectorized cost core; points over a budget or the reticle are dropped. For an
objective that depends on hardware alone, the rest are taken in order of that exact value
and the first on which some plan meets every requirement is optimal (ties included: every
point with the same value is equally good). Otherwise every remaining point gets its exact
best plans (synth.solve.plans, which enumerates every plan with exact service tables). The
space is refused above MAX_HARDWARE_POINTS hardware points.
"""

from __future__ import annotations

import time

import numpy as np

from synth.cost.chip import PE_CODES, area_breakdown_mm2, chip_cost_breakdown_usd, peak_power_breakdown_w
from synth.errors import SynthError
from synth.spec.requirements import Objective
from synth.solve.loop import SearchState
from synth.solve.options import SpaceOptions
from synth.solve.plans import HARDWARE_OBJECTIVES, best_on_hardware, exact_score

MAX_HARDWARE_POINTS = 200_000


class SpaceTooLarge(SynthError):
    """The exhaustive method refuses spaces it cannot enumerate in reasonable time."""


def hardware_points(opts: SpaceOptions, limit: int = MAX_HARDWARE_POINTS) -> np.ndarray:
    """Every hardware point as rows of indices (shape, dataflow, pe, clock, sram, memory, cores, chips)."""
    g = opts.grid
    sizes = [len(g.array_shapes), len(g.dataflows), len(g.precisions), len(g.clock_ghz), len(g.sram_mib),
             len(g.memories), len(g.cores), len(g.chips)]
    count = int(np.prod(sizes))
    if count > limit:
        raise SpaceTooLarge(f"--method exhaustive enumerates at most {limit} hardware points, "
                            f"this space has {count}; narrow `space:` or use --method milp")
    grids = np.meshgrid(*(np.arange(n) for n in sizes), indexing="ij")
    return np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)


def hardware_figures(opts: SpaceOptions, points: np.ndarray) -> dict[str, np.ndarray]:
    """System peak power, area, unit cost and leakage of every hardware point (vectorized cost core)."""
    g, tech = opts.grid, opts.tech
    rows = np.array([s[0] for s in g.array_shapes])[points[:, 0]]
    cols = np.array([s[1] for s in g.array_shapes])[points[:, 0]]
    pe = np.array([PE_CODES[p] for p in g.precisions])[points[:, 2]]
    clock = np.array(g.clock_ghz)[points[:, 3]]
    voltage = opts.voltages[points[:, 3]]
    sram = np.array(g.sram_mib, dtype=float)[points[:, 4]]
    memories = g.memories
    bandwidth = np.array([m.bandwidth_gbps for m in memories])[points[:, 5]]
    pj = np.array([m.pj_per_bit for m in memories])[points[:, 5]]
    background = np.array([m.background_w for m in memories])[points[:, 5]]
    phy = np.array([m.phy_area_mm2 for m in memories])[points[:, 5]]
    mem_cost = np.array([m.cost_usd for m in memories])[points[:, 5]]
    interposer = np.array([m.needs_interposer for m in memories])[points[:, 5]]
    cores = np.array(g.cores)[points[:, 6]]
    chips = np.array(g.chips)[points[:, 7]]
    area = sum(area_breakdown_mm2(tech, rows=rows, cols=cols, cores=cores, pe=pe, sram_mib=sram, phy_area_mm2=phy).values())
    power = peak_power_breakdown_w(tech, rows=rows, cols=cols, cores=cores, pe=pe, clock_ghz=clock, voltage_v=voltage,
                                   sram_mib=sram, bandwidth_gbps=bandwidth, dram_pj_per_bit=pj, die_area_mm2=area,
                                   dram_background_w=background)
    cost = sum(chip_cost_breakdown_usd(tech, die_area_mm2=area, memory_cost_usd=mem_cost,
                                       needs_interposer=interposer).values())
    return {"die_area": area, "power": sum(power.values()) * chips, "area": area * chips, "cost": cost * chips,
            "leakage": power["leakage"] * chips}


def exhaustive_search(opts: SpaceOptions, *, seed: int, deadline: float) -> SearchState:
    req, state = opts.req, SearchState()
    points = hardware_points(opts)
    figures = hardware_figures(opts, points)
    keep = figures["die_area"] <= opts.tech.max_die_area_mm2
    for key, limit in (("power", req.budgets.power_w), ("area", req.budgets.area_mm2),
                       ("cost", req.budgets.unit_cost_usd)):
        if limit is not None:
            keep &= figures[key] <= limit * (1 + 1e-9)
    candidates = np.flatnonzero(keep)
    objective = req.objective
    if objective in HARDWARE_OBJECTIVES:
        key = {Objective.min_power: "power", Objective.min_area: "area", Objective.min_unit_cost: "cost"}[objective]
        candidates = candidates[np.argsort(figures[key][candidates], kind="stable")]
    finished = True
    for index in candidates:
        if time.perf_counter() > deadline:
            finished = False
            state.notes.append("time limit reached before every point was evaluated")
            break
        best = state.best()
        if objective in HARDWARE_OBJECTIVES and best is not None:
            break  # sorted by the exact objective: nothing later is better
        started = time.perf_counter()
        answer = best_on_hardware(opts, tuple(int(v) for v in points[index]), objective=objective, focus=None,
                                  seed=seed)
        state.check_s += time.perf_counter() - started
        state.checks += answer.checks + 1
        if answer.evaluation is not None:
            state.feasible.append((exact_score(answer.evaluation, objective, None, opts), answer.choice,
                                   answer.evaluation))
    best = state.best()
    state.proven = finished
    state.infeasible = finished and best is None
    state.bound = best[0] if (finished and best) else None
    return state
