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
from synth.cost.points import DesignPoints, figures_at
from synth.cost.systolic import DATAFLOW_CODES
from synth.cost.workload import PRECISION_CODES
from synth.evaluation import percentile_of, serve, workload_seed
from synth.evaluation.objective import (
    SystemHardware,
    WorkloadFigures,
    evaluation_objective,
    objective_value,
    score,
)
from synth.results import Evaluation
from synth.serving.bounds import server_feasible_necessary
from synth.serving.scenarios import multi_stream_latency
from synth.solve.check import evaluate_choice
from synth.solve.hardware import system_hardware
from synth.solve.milp_choice import Choice
from synth.solve.options import SpaceOptions
from synth.solve.state import latency_tiebreak
from synth.spec.resolve import ResolvedPlan
from synth.spec.space import HardwarePoint
from synth.vocabulary import MULTI_STREAM_SAMPLES, REL_TOL, Objective, Scenario

MAX_COMBINATIONS = 200_000


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """Exact figures of one workload's plan on the hardware (server: from its simulation)."""

    plan: tuple[int, int, int]  # (batch idx, precision idx, pair idx)
    cores: int  # replicas x cores per replica, per chip
    latency_ms: float  # at the workload's percentile (offline: one full batch)
    capacity_ips: float
    rate_ips: float  # inferences/s at the required load
    dynamic_j: float  # dynamic energy per inference at the batch it runs
    weight_bytes: float
    timeout_ms: float
    requested_ips: float | None  # the workload's qps

    @property
    def served(self) -> WorkloadFigures:
        return WorkloadFigures(self.latency_ms, self.capacity_ips, self.rate_ips, self.dynamic_j, self.requested_ips)


@dataclass(frozen=True, slots=True)
class PlanCandidate:
    """A plan that passed every deterministic test, with its service table."""

    plan: tuple[int, int, int]  # (batch idx, precision idx, pair idx)
    cores: int  # replicas x cores per replica, per chip
    service_s: np.ndarray  # service time by batch size - 1 (NaN where never read)
    batch: int
    replicas: int  # in all, over every chip


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
    if scenario is Scenario.single_stream:
        return (1,)
    if scenario is Scenario.offline:
        return tuple(sorted({1, *wo.batches}))
    top = max(wo.batches) if scenario is Scenario.multi_stream else max(max(wo.batches), MULTI_STREAM_SAMPLES)
    return tuple(range(1, top + 1))


def _tables(opts: SpaceOptions, hw: HardwarePoint, i: int):
    """Exact service time (s) and batch energy (J) for every (precision, cores per replica,
    batch - 1); NaN at batch sizes the workload never reads (_table_batches)."""
    g, wo = opts.grid, opts.workloads[i]
    rows, cols = g.array_shapes[hw.shape]
    mem = g.memories[hw.memory]
    sizes = _table_batches(wo)
    combos = list(itertools.product(range(len(wo.precisions)), wo.core_values, sizes))
    point = DesignPoints.one(rows=rows, cols=cols, cores=g.cores[hw.cores], dataflow=DATAFLOW_CODES[g.dataflows[hw.dataflow]],
                            clock_ghz=g.clock_ghz[hw.clock], voltage_v=opts.voltages[hw.clock],
                            sram_mib=g.sram_mib[hw.sram], bandwidth_gbps=mem.bandwidth_gbps,
                            dram_pj_per_bit=mem.pj_per_bit)
    fig = figures_at(wo.table, opts.tech, point, batch=np.array([b for _, _, b in combos]),
                     cores_per_replica=np.array([c for _, c, _ in combos]),
                     precision=np.array([PRECISION_CODES[wo.precisions[q]] for q, _, _ in combos]))
    shape3 = (len(wo.precisions), len(wo.core_values), max(sizes))
    index = np.array(sizes) - 1
    service, energy = np.full(shape3, np.nan), np.full(shape3, np.nan)
    service[:, :, index] = fig.service_s.reshape(shape3[:2] + (len(sizes),))
    energy[:, :, index] = fig.energy_j.reshape(shape3[:2] + (len(sizes),))
    return service, energy


class _Workload:
    """Plans of one workload on one hardware, judged lazily (server plans need a simulation)."""

    def __init__(self, opts: SpaceOptions, hw: HardwarePoint, i: int, seed: int):
        self.opts, self.hw, self.i, self.seed = opts, hw, i, seed
        self.wo = opts.workloads[i]
        self.service, self.energy = _tables(opts, hw, i)
        self.simulations = 0
        self.simulated_rejections = 0
        self.candidates = self._deterministic()

    def _deterministic(self) -> list[PlanCandidate]:
        """The plans passing every deterministic test."""
        g, wo, w = self.opts.grid, self.wo, self.wo.workload
        chips, pe, cores_total = g.chips[self.hw.chips], g.precisions[self.hw.pe], g.cores[self.hw.cores]
        # The simulator's necessary conditions (stability, batch of one, utilization) only get
        # harder as service times grow, so a plan failing them fails on slower hardware too.
        server_bound = w.scenario is Scenario.server and w.qps is not None and w.latency_ms is not None
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
                    if w.qps is not None and w.scenario is Scenario.server and not capacity > w.required_qps:
                        continue
                    if w.qps is not None and w.scenario is Scenario.offline \
                            and capacity < w.required_qps * (1 - REL_TOL):
                        continue
                    if w.latency_ms is not None and table[0] * 1e3 > w.latency_ms * (1 + REL_TOL):
                        continue
                    if server_bound and not server_feasible_necessary(table[:batch], total, batch, w.required_qps,
                                                                      w.latency_ms / 1e3, percentile):
                        continue
                    kept.append(PlanCandidate((j, q, r), replicas * per_replica, table, batch, total))
        return kept

    def figures(self, candidate: PlanCandidate) -> PlanFigures | None:
        """Exact figures of a candidate plan, or None when it misses a requirement."""
        (j, q, r), cores, table, batch, total = (candidate.plan, candidate.cores, candidate.service_s,
                                                 candidate.batch, candidate.replicas)
        wo, w = self.wo, self.wo.workload
        per_replica = wo.pairs[r][1]
        energy = self.energy[q, wo.core_values.index(per_replica)]
        capacity = total * batch / table[batch - 1]
        timeout = 0.0
        if w.scenario is Scenario.single_stream:
            latency, rate, run = table[0], 1 / table[0], 1
        elif w.scenario is Scenario.multi_stream:
            latency = multi_stream_latency(table[:batch], total)
            rate, run = MULTI_STREAM_SAMPLES / latency, min(math.ceil(MULTI_STREAM_SAMPLES / total), batch)
        elif w.scenario is Scenario.offline:
            latency, run = table[batch - 1], batch
            rate = capacity if w.qps is None else min(w.qps, capacity)
        else:
            served = None
            for timeout in self._timeouts(table, batch):
                plan = ResolvedPlan(batch, total // self.opts.grid.chips[self.hw.chips], per_replica,
                                    wo.precisions[q], timeout)
                self.simulations += 1
                served = serve(w, plan, table[: max(batch, MULTI_STREAM_SAMPLES)], total,
                               workload_seed(self.seed, self.i))
                if served.accepted:
                    break
            else:
                self.simulated_rejections += 1
                return None
            latency, rate = served.at_percentile_s, served.throughput_ips
            run = max(1, int(round(served.batch_run)))
        latency_ms = latency * 1e3
        if w.latency_ms is not None and latency_ms > w.latency_ms * (1 + REL_TOL):
            return None
        return PlanFigures(plan=(j, q, r), cores=cores, latency_ms=latency_ms, capacity_ips=capacity, rate_ips=rate,
                           dynamic_j=float(energy[run - 1]) / run, weight_bytes=float(wo.weight_bytes[q]),
                           timeout_ms=timeout, requested_ips=w.qps)

    def _timeouts(self, table, batch) -> list[float]:
        """Timeout 0 (run what is waiting), then half the slack between the bound and a full
        batch's service time."""
        w = self.wo.workload
        if batch == 1 or w.latency_ms is None:
            return [0.0]
        slack = w.latency_ms - table[batch - 1] * 1e3
        return [0.0, slack / 2] if slack > 0 else [0.0]


def _rank(objective: Objective, focus: int | None, hardware: SystemHardware, opts: SpaceOptions):
    """Score of a combination (smaller is better): the exact objective function on the plans'
    exact figures (synth.evaluation.objective), or with `focus` one workload's latency or
    capacity (diagnosis)."""
    def rank(combo: tuple[PlanFigures, ...]) -> float:
        if focus is not None and objective is Objective.min_latency:
            return combo[focus].latency_ms
        if focus is not None and objective is Objective.max_throughput:
            return -combo[focus].capacity_ips
        return score(objective, objective_value(objective, hardware, [p.served for p in combo], opts.tech))

    return rank


def _pareto(plans: list[PlanFigures], objective: Objective) -> list[PlanFigures]:
    """Drop plans another plan beats or ties in every figure the objective uses.

    For energy and cost per inference a workload's rate is not better either way (it weighs
    that workload's energy in the system average), so a plan only beats plans of the same
    rate there."""
    def key(p: PlanFigures):
        if objective.hardware_only:
            return (p.cores, p.weight_bytes)
        if objective is Objective.min_latency:
            return (p.cores, p.latency_ms, p.weight_bytes)
        if objective is Objective.max_throughput:
            return (p.cores, -p.capacity_ips, p.weight_bytes)
        return (p.cores, p.dynamic_j, p.weight_bytes)

    same_rate_only = objective.per_inference
    keyed = sorted(((key(p), p) for p in plans), key=lambda item: item[0])
    front: list[tuple] = []
    for k, p in keyed:
        if not any(all(a <= b for a, b in zip(f, k)) and (not same_rate_only or q.rate_ips == p.rate_ips)
                   for f, q in front):
            front.append((k, p))
    return [p for _, p in front]


def best_on_hardware(opts: SpaceOptions, hw: HardwarePoint, *, objective: Objective, focus: int | None,
                     seed: int) -> HardwareAnswer:
    """The exact best design on this hardware, or None when no plans meet the requirements."""
    workloads = [_Workload(opts, hw, i, seed) for i in range(len(opts.workloads))]
    if any(not w.candidates for w in workloads):
        return HardwareAnswer(None, (), None, True, 0, 0)
    cores_total = opts.grid.cores[hw.cores]
    capacity = opts.grid.memories[hw.memory].capacity_gib * 2**30
    if objective.hardware_only:
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
    rank = _rank(objective, focus, system_hardware(opts, hw), opts)
    combos = _combinations(options, cores_total, capacity)
    simulations = sum(w.simulations for w in workloads)
    if not combos:
        return HardwareAnswer(None, (), None, all(w.simulated_rejections == 0 for w in workloads), 0, simulations)
    checks, best = 0, None
    for combo in sorted(combos, key=rank):
        bound = rank(combo)
        if best is not None and bound >= best[0] - REL_TOL * max(abs(best[0]), 1e-12):
            break
        choice = Choice.on(hw, tuple(p.plan for p in combo))
        timeouts = tuple(p.timeout_ms for p in combo)
        evaluation = evaluate_choice(opts, choice, seed, timeouts)
        checks += 1
        if evaluation.feasible:
            value = exact_score(evaluation, objective, focus, opts)
            if best is None or (value, latency_tiebreak(evaluation)) < (best[0], latency_tiebreak(best[3])):
                best = (value, choice, timeouts, evaluation)
    if best is None:
        return HardwareAnswer(None, (), None, False, checks, simulations)
    return HardwareAnswer(best[1], best[2], best[3], False, checks, simulations)


def _fewest_cores(workloads: list[_Workload], cores_total: int):
    """Per workload, the feasible plan with the fewest cores (then the lowest latency), judging
    candidates in that order; with a hardware objective any fitting combination is optimal.
    The other workloads take at least their chosen (or smallest candidate) plan's cores, so a
    plan needing more than what is left can never fit: judging stops there (None)."""
    least = [min(c.cores for c in w.candidates) for w in workloads]
    chosen = []
    for k, w in enumerate(workloads):
        spare = cores_total - sum(p.cores for p, _ in chosen) - sum(least[k + 1:])
        ordered = sorted(w.candidates, key=lambda c: (c.cores, c.service_s[0]))
        found = None
        for candidate in ordered:
            if candidate.cores > spare:
                break
            found = w.figures(candidate)
            if found is not None:
                break
        if found is None:
            return None
        same_cores = [f for f in (w.figures(c) for c in ordered if c.cores == found.cores and c is not candidate)
                      if f is not None] if w.wo.workload.scenario is not Scenario.server else []
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
    """The exact objective of an evaluation as a score (smaller is better); with `focus`, one
    workload's latency or capacity (diagnosis). The requirements' own objective is the value
    the evaluator computed; another objective is read off the evaluation's figures."""
    if focus is not None and objective is Objective.min_latency:
        return evaluation.workloads[focus].latency_at_percentile_ms
    if focus is not None and objective is Objective.max_throughput:
        return -evaluation.workloads[focus].capacity_ips
    return score(objective, evaluation_objective(objective, evaluation, [w.workload.qps for w in opts.workloads]))
