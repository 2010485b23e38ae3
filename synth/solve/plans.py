"""The exact best plans on one hardware configuration (the honesty loop's exact check).

Given the hardware (array shape, dataflow, PE, clock, SRAM, memory, cores, chips), every
workload's plans (batch, precision, replicas x cores per replica) are enumerated with exact
service tables from the vectorized cost core. Workloads do not interact except through the
cores they take and the DRAM capacity (cores are partitioned and DRAM bandwidth is split by
core share), so each plan is judged on its own: deterministic scenarios from the tables,
server plans by the same simulation `synth.evaluate` runs (same seed, same timeout rule).
Plans beaten in every figure the objective uses are dropped; the combinations that fit are
ranked by the exact objective (or a lower bound of it) and evaluated exactly in that order
until none can beat the best: the result is the exact optimum over all plans on the hardware.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from synth.cost.constants import PE_SUPPORTS
from synth.cost.systolic import DATAFLOW_CODES
from synth.cost.workload import PRECISION_CODES, batch_figures
from synth.evaluation import SECONDS_PER_YEAR, percentile_of, serve
from synth.results import Evaluation
from synth.serving.bounds import server_feasible_necessary
from synth.serving.scenarios import multi_stream_latency
from synth.spec.requirements import Objective, ScenarioName
from synth.spec.resolve import ResolvedPlan
from synth.solve.check import evaluate_choice
from synth.solve.milp import Choice
from synth.solve.options import SpaceOptions

MAX_COMBINATIONS = 200_000
HARDWARE_OBJECTIVES = (Objective.min_power, Objective.min_area, Objective.min_unit_cost)


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """Exact figures of one workload's plan on the hardware (server: from its simulation)."""

    plan: tuple[int, int, int]  # (batch idx, precision idx, pair idx)
    cores: int  # replicas x cores per replica, per chip
    latency_ms: float  # at the workload's percentile (offline: one full batch)
    capacity_ips: float
    rate_ips: float  # inferences/s at the required load
    energy_mj: float  # dynamic energy per inference at the batch it runs
    weight_bytes: float
    timeout_ms: float


@dataclass(frozen=True, slots=True)
class HardwareAnswer:
    choice: Choice | None
    timeouts_ms: tuple[float, ...]
    evaluation: Evaluation | None
    deterministic: bool  # infeasible without any simulation: holds on no-faster hardware too
    checks: int
    simulations: int


def _table_batches(wo) -> tuple[int, ...]:
    """Batch sizes whose service time a workload's judgement reads: its batches and a batch
    of one for deterministic scenarios; every size up to the largest for batching ones (a
    server serves partial batches, multi-stream splits its 8 samples)."""
    scenario = wo.workload.scenario
    if scenario is ScenarioName.single_stream:
        return (1,)
    if scenario is ScenarioName.offline:
        return tuple(sorted({1, *wo.batches}))
    top = max(wo.batches) if scenario is ScenarioName.multi_stream else max(max(wo.batches), 8)
    return tuple(range(1, top + 1))


def _tables(opts: SpaceOptions, hw: tuple[int, ...], i: int):
    """Exact service time (s) and batch energy (J) for every (precision, cores per replica,
    batch - 1); NaN at batch sizes the workload never reads (_table_batches)."""
    g, wo = opts.grid, opts.workloads[i]
    shape, dataflow, _, clock, sram, memory, cores, _ = hw
    rows, cols = g.array_shapes[shape]
    mem = g.memories[memory]
    sizes = _table_batches(wo)
    combos = list(itertools.product(range(len(wo.precisions)), wo.core_values, sizes))
    size = len(combos)
    fig = batch_figures(
        wo.table, opts.tech, rows=np.full(size, rows), cols=np.full(size, cols), cores=np.full(size, g.cores[cores]),
        dataflow=np.full(size, DATAFLOW_CODES[g.dataflows[dataflow]]), clock_ghz=np.full(size, g.clock_ghz[clock]),
        voltage_v=np.full(size, opts.voltages[clock]), sram_mib=np.full(size, g.sram_mib[sram]),
        bandwidth_gbps=np.full(size, mem.bandwidth_gbps), dram_pj_per_bit=np.full(size, mem.pj_per_bit),
        batch=np.array([b for _, _, b in combos]), cores_per_replica=np.array([c for _, c, _ in combos]),
        precision=np.array([PRECISION_CODES[wo.precisions[q]] for q, _, _ in combos]))
    shape3 = (len(wo.precisions), len(wo.core_values), max(sizes))
    index = np.array(sizes) - 1
    service, energy = np.full(shape3, np.nan), np.full(shape3, np.nan)
    service[:, :, index] = fig.service_s.reshape(shape3[:2] + (len(sizes),))
    energy[:, :, index] = fig.energy_j.reshape(shape3[:2] + (len(sizes),))
    return service, energy


class _Workload:
    """Plans of one workload on one hardware, judged lazily (server plans need a simulation)."""

    def __init__(self, opts: SpaceOptions, hw: tuple[int, ...], i: int, seed: int):
        self.opts, self.hw, self.i, self.seed = opts, hw, i, seed
        self.wo = opts.workloads[i]
        self.service, self.energy = _tables(opts, hw, i)
        self.simulations = 0
        self.simulated_rejections = 0
        self.candidates = self._deterministic()

    def _deterministic(self) -> list[tuple]:
        """(plan, cores, table, batch, total replicas) passing every deterministic test."""
        g, wo, w = self.opts.grid, self.wo, self.wo.workload
        chips, pe, cores_total = g.chips[self.hw[7]], g.precisions[self.hw[2]], g.cores[self.hw[6]]
        # The simulator's necessary conditions (stability, batch of one, utilization) only get
        # harder as service times grow, so a plan failing them fails on slower hardware too.
        server_bound = w.scenario is ScenarioName.server and w.qps is not None and w.latency_ms is not None
        percentile = percentile_of(w)
        kept = []
        for j, batch in enumerate(wo.batches):
            for q, precision in enumerate(wo.precisions):
                if precision not in PE_SUPPORTS[pe]:
                    continue
                for r, (replicas, per_replica) in enumerate(wo.pairs):
                    if replicas * per_replica > cores_total:
                        continue
                    table = self.service[q, wo.core_values.index(per_replica)]
                    total = replicas * chips
                    capacity = total * batch / table[batch - 1]
                    if w.qps is not None and w.scenario is ScenarioName.server and not capacity > w.qps:
                        continue
                    if w.qps is not None and w.scenario is ScenarioName.offline and capacity < w.qps * (1 - 1e-9):
                        continue
                    if w.latency_ms is not None and table[0] * 1e3 > w.latency_ms * (1 + 1e-9):
                        continue
                    if server_bound and not server_feasible_necessary(table[:batch], total, batch, w.qps,
                                                                      w.latency_ms / 1e3, percentile):
                        continue
                    kept.append(((j, q, r), replicas * per_replica, table, batch, total))
        return kept

    def figures(self, candidate) -> PlanFigures | None:
        """Exact figures of a candidate plan, or None when it misses a requirement."""
        (j, q, r), cores, table, batch, total = candidate
        wo, w = self.wo, self.wo.workload
        per_replica = wo.pairs[r][1]
        energy = self.energy[q, wo.core_values.index(per_replica)]
        capacity = total * batch / table[batch - 1]
        timeout = 0.0
        if w.scenario is ScenarioName.single_stream:
            latency, rate, run = table[0], 1 / table[0], 1
        elif w.scenario is ScenarioName.multi_stream:
            latency = multi_stream_latency(table[:batch], total)
            rate, run = 8 / latency, min(math.ceil(8 / total), batch)
        elif w.scenario is ScenarioName.offline:
            latency, run = table[batch - 1], batch
            rate = capacity if w.qps is None else min(w.qps, capacity)
        else:
            served = None
            for timeout in self._timeouts(table, batch):
                plan = ResolvedPlan(batch, total // self.opts.grid.chips[self.hw[7]], per_replica,
                                    wo.precisions[q], timeout)
                self.simulations += 1
                served = serve(w, plan, table[: max(batch, 8)], total, self.seed + self.i)
                verdict = served.simulation["sla_verdict"]
                if served.stable and verdict in ("met", "no bound"):
                    break
            else:
                self.simulated_rejections += 1
                return None
            latency, rate = served.at_percentile_s, served.throughput_ips
            run = max(1, int(round(served.batch_run)))
        latency_ms = latency * 1e3
        if w.latency_ms is not None and latency_ms > w.latency_ms * (1 + 1e-9):
            return None
        return PlanFigures(plan=(j, q, r), cores=cores, latency_ms=latency_ms, capacity_ips=capacity, rate_ips=rate,
                           energy_mj=energy[run - 1] / run * 1e3, weight_bytes=float(wo.weight_bytes[q]),
                           timeout_ms=timeout)

    def _timeouts(self, table, batch) -> list[float]:
        """Timeout 0 (run what is waiting), then half the slack between the bound and a full
        batch's service time."""
        w = self.wo.workload
        if batch == 1 or w.latency_ms is None:
            return [0.0]
        slack = w.latency_ms - table[batch - 1] * 1e3
        return [0.0, slack / 2] if slack > 0 else [0.0]


def _hardware_figures(opts: SpaceOptions, hw: tuple[int, ...]) -> dict[str, float]:
    """Per-system peak power, area, unit cost and leakage of one hardware point (cost core)."""
    from synth.solve.exhaustive import hardware_figures

    return {k: float(v[0]) for k, v in hardware_figures(opts, np.array([hw])).items()}


def _rank(objective: Objective, focus: int | None, hardware: dict[str, float], opts: SpaceOptions):
    """Score of a combination (smaller is better): exact, or a lower bound of the exact score."""
    tech = opts.tech
    life_s = tech.service_life_years * SECONDS_PER_YEAR

    def rank(combo: tuple[PlanFigures, ...]) -> float:
        if objective in HARDWARE_OBJECTIVES:
            return {Objective.min_power: hardware["power"], Objective.min_area: hardware["area"],
                    Objective.min_unit_cost: hardware["cost"]}[objective]
        if objective is Objective.min_latency:
            return combo[focus].latency_ms if focus is not None else max(p.latency_ms for p in combo)
        if objective is Objective.max_throughput:
            if focus is not None:
                return -combo[focus].capacity_ips
            rates = [w.workload.qps or 1.0 for w in opts.workloads]
            return -min(p.capacity_ips / r for p, r in zip(combo, rates)) * sum(rates)
        total_rate = sum(p.rate_ips for p in combo)
        average_w = hardware["leakage"] + sum(p.rate_ips * p.energy_mj / 1e3 for p in combo)
        if objective is Objective.min_energy_per_inference:
            return average_w / total_rate * 1e3
        energy_usd = average_w / 1e3 * life_s / 3600 * tech.electricity_usd_per_kwh
        return (hardware["cost"] + energy_usd) / (total_rate * life_s)

    return rank


def _pareto(plans: list[PlanFigures], objective: Objective) -> list[PlanFigures]:
    """Drop plans another plan beats or ties in every figure the objective uses.

    For energy and cost per inference a workload's rate is not better either way (it weighs
    that workload's energy in the system average), so a plan only beats plans of the same
    rate there."""
    def key(p: PlanFigures):
        if objective in HARDWARE_OBJECTIVES:
            return (p.cores, p.weight_bytes)
        if objective is Objective.min_latency:
            return (p.cores, p.latency_ms, p.weight_bytes)
        if objective is Objective.max_throughput:
            return (p.cores, -p.capacity_ips, p.weight_bytes)
        return (p.cores, p.energy_mj, p.weight_bytes)

    same_rate_only = objective in (Objective.min_energy_per_inference, Objective.min_cost_per_inference)
    keyed = sorted(((key(p), p) for p in plans), key=lambda item: item[0])
    front: list[tuple] = []
    for k, p in keyed:
        if not any(all(a <= b for a, b in zip(f, k)) and (not same_rate_only or q.rate_ips == p.rate_ips)
                   for f, q in front):
            front.append((k, p))
    return [p for _, p in front]


def best_on_hardware(opts: SpaceOptions, hw: tuple[int, ...], *, objective: Objective, focus: int | None,
                     seed: int) -> HardwareAnswer:
    """The exact best design on this hardware, or None when no plans meet the requirements."""
    workloads = [_Workload(opts, hw, i, seed) for i in range(len(opts.workloads))]
    if any(not w.candidates for w in workloads):
        return HardwareAnswer(None, (), None, True, 0, 0)
    cores_total = opts.grid.cores[hw[6]]
    capacity = opts.grid.memories[hw[5]].capacity_gib * 2**30
    if objective in HARDWARE_OBJECTIVES:
        chosen = _fewest_cores(workloads, cores_total)
        if chosen is None:
            return _rejected(workloads)
        options = [[p] + [q for q in _pareto(all_, objective) if q is not p] for p, all_ in chosen]
    else:
        options = []
        for w in workloads:
            judged = [f for f in (w.figures(c) for c in w.candidates) if f is not None]
            if not judged:
                return _rejected(workloads)
            options.append(_pareto(judged, objective))
    rank = _rank(objective, focus, _hardware_figures(opts, hw), opts)
    combos = _combinations(options, cores_total, capacity)
    simulations = sum(w.simulations for w in workloads)
    if not combos:
        return HardwareAnswer(None, (), None, all(w.simulated_rejections == 0 for w in workloads), 0, simulations)
    checks, best = 0, None
    for combo in sorted(combos, key=rank):
        bound = rank(combo)
        if best is not None and bound >= best[0] - 1e-9 * max(abs(best[0]), 1e-12):
            break
        choice = Choice(*hw, tuple(p.plan for p in combo))
        timeouts = tuple(p.timeout_ms for p in combo)
        evaluation = evaluate_choice(opts, choice, seed, timeouts)
        checks += 1
        if evaluation.feasible:
            value = exact_score(evaluation, objective, focus, opts)
            if best is None or (value, _worst_latency(evaluation)) < (best[0], _worst_latency(best[3])):
                best = (value, choice, timeouts, evaluation)
    if best is None:
        return HardwareAnswer(None, (), None, False, checks, simulations)
    return HardwareAnswer(best[1], best[2], best[3], False, checks, simulations)


def _worst_latency(evaluation: Evaluation) -> float:
    return max(w.latency_at_percentile_ms for w in evaluation.workloads)


def _fewest_cores(workloads: list[_Workload], cores_total: int):
    """Per workload, the feasible plan with the fewest cores (then the lowest latency), judging
    candidates in that order; with a hardware objective any fitting combination is optimal.
    The other workloads take at least their chosen (or smallest candidate) plan's cores, so a
    plan needing more than what is left can never fit: judging stops there (None)."""
    least = [min(c[1] for c in w.candidates) for w in workloads]
    chosen = []
    for k, w in enumerate(workloads):
        spare = cores_total - sum(p.cores for p, _ in chosen) - sum(least[k + 1:])
        ordered = sorted(w.candidates, key=lambda c: (c[1], c[2][0]))
        found = None
        for candidate in ordered:
            if candidate[1] > spare:
                break
            found = w.figures(candidate)
            if found is not None:
                break
        if found is None:
            return None
        same_cores = [f for f in (w.figures(c) for c in ordered if c[1] == found.cores and c is not candidate)
                      if f is not None] if w.wo.workload.scenario is not ScenarioName.server else []
        chosen.append((found, [found] + same_cores))
    return chosen


def _rejected(workloads: list[_Workload]) -> HardwareAnswer:
    simulations = sum(w.simulations for w in workloads)
    return HardwareAnswer(None, (), None, all(w.simulated_rejections == 0 for w in workloads), 0, simulations)


def _combinations(options, cores_total: int, capacity_bytes: float):
    """Every combination (one plan per workload) that fits the cores and the DRAM capacity."""
    if math.prod(len(o) for o in options) > MAX_COMBINATIONS:
        width = max(2, int(MAX_COMBINATIONS ** (1 / len(options))))
        options = [o[:width] for o in options]
    return [combo for combo in itertools.product(*options)
            if sum(p.cores for p in combo) <= cores_total and sum(p.weight_bytes for p in combo) <= capacity_bytes]


def exact_score(evaluation: Evaluation, objective: Objective, focus: int | None, opts: SpaceOptions) -> float:
    """The exact objective of an evaluation as a score (smaller is better)."""
    from synth.evaluation import objective_value

    if focus is not None and objective is Objective.min_latency:
        return evaluation.workloads[focus].latency_at_percentile_ms
    if focus is not None and objective is Objective.max_throughput:
        return -evaluation.workloads[focus].capacity_ips
    value = objective_value(objective, evaluation.system, evaluation.workloads, opts.req)
    return -value if objective is Objective.max_throughput else value
