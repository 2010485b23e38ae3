"""The objective of a design, one pure function that the evaluator and the solver both call.

The evaluator calls it with a design's exact figures; the solver's exact plan check calls it
with the figures of candidate plan combinations to rank them (the same arithmetic, so a ranking
and a final evaluation never disagree). docs/cost-model.md defines each objective.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from synth.cost.constants import Technology
from synth.results import Evaluation
from synth.vocabulary import Objective

SECONDS_PER_YEAR = 365.25 * 24 * 3600


@dataclass(frozen=True, slots=True)
class SystemHardware:
    """Whole-system hardware figures (every chip): what hardware objectives read."""

    peak_power_w: float
    area_mm2: float
    unit_cost_usd: float
    idle_w: float  # the floor that runs whenever the chips are on: leakage, clock tree, host PHY, DRAM background


@dataclass(frozen=True, slots=True)
class WorkloadFigures:
    """One workload's served figures, as the objective reads them."""

    latency_ms: float  # at its percentile
    capacity_ips: float
    rate_ips: float  # at the required load
    dynamic_j: float  # dynamic energy per inference at the batch it runs
    requested_ips: float | None  # its qps (None: single/multi stream, offline without qps)


def average_power_w(hardware: SystemHardware, workloads: Sequence[WorkloadFigures]) -> float:
    """The idle floor of every chip plus each workload's dynamic power at its rate."""
    dynamic_w = 0.0
    for w in workloads:
        dynamic_w += w.rate_ips * w.dynamic_j
    return hardware.idle_w + dynamic_w


def energy_mj_per_inference(average_w: float, total_rate_ips: float) -> float:
    return average_w / total_rate_ips * 1e3 if total_rate_ips else math.inf


def cost_per_inference_usd(unit_cost_usd: float, average_w: float, total_rate_ips: float,
                           tech: Technology) -> float:
    """Capital plus electricity over the service life, per inference served."""
    if not total_rate_ips:
        return math.inf
    life_s = tech.service_life_years * SECONDS_PER_YEAR
    energy_usd = average_w / 1e3 * life_s / 3600 * tech.electricity_usd_per_kwh
    return (unit_cost_usd + energy_usd) / (total_rate_ips * life_s)


def throughput_objective(workloads: Sequence[WorkloadFigures]) -> float:
    """max_throughput: the largest common scale of every workload's rate the design carries,
    times their total (one workload: its capacity). Unrated workloads count with a rate of 1."""
    rates = [w.requested_ips or 1.0 for w in workloads]
    scale = min(w.capacity_ips / r for w, r in zip(workloads, rates))
    return scale * sum(rates)


def objective_value(objective: Objective, hardware: SystemHardware, workloads: Sequence[WorkloadFigures],
                    tech: Technology) -> float:
    """The objective's value in its natural sense and unit (`Objective.unit`)."""
    if objective is Objective.min_power:
        return hardware.peak_power_w
    if objective is Objective.min_area:
        return hardware.area_mm2
    if objective is Objective.min_unit_cost:
        return hardware.unit_cost_usd
    if objective is Objective.min_latency:
        return max(w.latency_ms for w in workloads)
    if objective is Objective.max_throughput:
        return throughput_objective(workloads)
    total_rate = sum(w.rate_ips for w in workloads)
    average_w = average_power_w(hardware, workloads)
    if objective is Objective.min_energy_per_inference:
        return energy_mj_per_inference(average_w, total_rate)
    return cost_per_inference_usd(hardware.unit_cost_usd, average_w, total_rate, tech)


def score(objective: Objective, value: float) -> float:
    """A value as a score to minimize (throughput is negated)."""
    return -value if objective.maximize else value


def evaluation_objective(objective: Objective, evaluation: Evaluation,
                         requested_ips: Sequence[float | None]) -> float:
    """Any objective's value for an evaluated design, read off the figures the evaluator computed
    with the functions above (`requested_ips`: each workload's qps, for max_throughput)."""
    system = evaluation.system
    if objective is Objective.min_power:
        return system.power_w["peak"]
    if objective is Objective.min_area:
        return system.area_mm2
    if objective is Objective.min_unit_cost:
        return system.unit_cost_usd
    if objective is Objective.min_energy_per_inference:
        return system.energy_mj_per_inference
    if objective is Objective.min_cost_per_inference:
        return system.cost_per_inference_usd
    if objective is Objective.min_latency:
        return max(w.latency_at_percentile_ms for w in evaluation.workloads)
    return throughput_objective([WorkloadFigures(w.latency_at_percentile_ms, w.capacity_ips, w.throughput_ips, 0.0, q)
                                 for w, q in zip(evaluation.workloads, requested_ips)])
