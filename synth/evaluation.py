"""Exact evaluation of one design against requirements: cost core plus serving simulator."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from synth.cost.accuracy import accuracy_drop_pct
from synth.cost.chip import (
    PE_CODES, area_breakdown_mm2, chip_cost_breakdown_usd, dies_per_wafer, idle_power_w, murphy_yield,
    peak_power_breakdown_w,
)
from synth.cost.systolic import DATAFLOW_CODES
from synth.cost.workload import MIB, PRECISION_CODES, BatchFigures, LayerTable, batch_figures
from synth.results import (
    ChipResult, Evaluation, LayerResult, SystemResult, Violation, WorkloadResult,
)
from synth.serving.scenarios import multi_stream_latency, single_stream_latency
from synth.serving.bounds import server_feasible_necessary
from synth.serving.capacity import max_qps_within_sla
from synth.serving.simulator import decide_sla, simulate_server
from synth.models import Model
from synth.spec.design import Design
from synth.spec.requirements import Objective, Requirements, ScenarioName, Workload
from synth.spec.resolve import ResolvedDesign, ResolvedPlan, accuracy_table, resolve_design, resolve_model

DEFAULT_PERCENTILE = {"single_stream": 90.0, "multi_stream": 99.0, "server": 99.0, "offline": None}
MULTI_STREAM_SAMPLES = 8
SHORT_RUN_QUERIES = 20_000
SLA_FIRST_RUN_QUERIES = 20_000  # decide_sla doubles the run while its CI straddles the bound
SECONDS_PER_YEAR = 365.25 * 24 * 3600
OBJECTIVE_UNITS = {
    Objective.min_power: "W", Objective.min_area: "mm2", Objective.min_unit_cost: "USD",
    Objective.min_energy_per_inference: "mJ", Objective.min_cost_per_inference: "USD",
    Objective.max_throughput: "inferences/s", Objective.min_latency: "ms",
}


@functools.lru_cache(maxsize=32)
def _builtin(name: str) -> tuple[Model, LayerTable]:
    model = resolve_model(name, "<builtin>", "model")
    return model, LayerTable.from_model(model)


def model_and_table(workload: Workload, source: str, index: int) -> tuple[Model, LayerTable]:
    """A workload's model and its layer table (built-in ones are built once per process)."""
    if isinstance(workload.model, str):
        return _builtin(workload.model)
    model = resolve_model(workload.model, source, f"workloads[{index}].model")
    return model, LayerTable.from_model(model)


def percentile_of(workload: Workload) -> float | None:
    return workload.percentile if workload.percentile is not None else DEFAULT_PERCENTILE[workload.scenario.value]


def hardware_arrays(resolved: ResolvedDesign) -> dict[str, np.ndarray]:
    """The design's hardware as arrays of one point, keyed as the cost core expects."""
    d, mem = resolved.design, resolved.memory
    one = lambda x: np.array([x])  # noqa: E731
    return {
        "rows": one(d.array_rows), "cols": one(d.array_cols), "cores": one(d.cores),
        "dataflow": one(DATAFLOW_CODES[d.dataflow]), "clock_ghz": one(d.clock_ghz),
        "voltage_v": one(resolved.voltage_v), "sram_mib": one(d.sram_mib),
        "bandwidth_gbps": one(mem.bandwidth_gbps), "dram_pj_per_bit": one(mem.pj_per_bit),
    }


def service_table(table: LayerTable, resolved: ResolvedDesign, plan: ResolvedPlan, max_batch: int) -> BatchFigures:
    """Figures for every batch size 1..max_batch at once (batch is the vectorized axis)."""
    hw = {k: np.repeat(v, max_batch) for k, v in hardware_arrays(resolved).items()}
    batches = np.arange(1, max_batch + 1)
    return batch_figures(table, resolved.tech, **hw, batch=batches,
                         cores_per_replica=np.full(max_batch, plan.cores_per_replica),
                         precision=np.full(max_batch, PRECISION_CODES[plan.precision]))


@dataclass(frozen=True, slots=True)
class Served:
    latency_s: dict[str, float]
    at_percentile_s: float
    throughput_ips: float
    capacity_ips: float
    batch_run: float  # batch size the dynamic energy is charged at
    stable: bool
    method: str
    simulation: dict | None


def serve(workload: Workload, plan: ResolvedPlan, service_s: np.ndarray, replicas: int, seed: int) -> Served:
    batch = plan.batch
    capacity = replicas * batch / service_s[batch - 1]
    scenario = workload.scenario
    pct = percentile_of(workload)
    if scenario is ScenarioName.single_stream:
        lat = single_stream_latency(service_s)
        return Served(_flat(lat), lat, 1 / lat, capacity, 1, True, "exact", None)
    if scenario is ScenarioName.multi_stream:
        lat = multi_stream_latency(service_s[:batch], replicas)
        share = math.ceil(MULTI_STREAM_SAMPLES / replicas)
        return Served(_flat(lat), lat, MULTI_STREAM_SAMPLES / lat, capacity, min(share, batch), True, "exact", None)
    if scenario is ScenarioName.offline:
        lat = float(service_s[batch - 1])
        rate = capacity if workload.qps is None else min(workload.qps, capacity)
        return Served(_flat(lat), lat, rate, capacity, batch, True, "exact", None)
    result, verdict = simulate_for_sla(workload, service_s[:batch], replicas=replicas, batch=batch,
                              timeout_s=plan.batch_timeout_ms / 1e3, seed=seed, percentile=pct)
    latency = {"p50": result.p50_s, "p90": result.p90_s, "p99": result.p99_s, "p999": result.p999_s}
    sim = {"seed": result.seed, "queries": result.n_queries, "status": result.status.value,
           "percentile_ci_ms": [result.ci_low_s * 1e3, result.ci_high_s * 1e3],
           "mean_batch": result.mean_batch_size, "replica_busy_fraction": result.utilization}
    rate = result.achieved_throughput_qps if result.stable else capacity
    mean_batch = result.mean_batch_size if result.stable else batch
    sim["sla_verdict"] = verdict
    return Served(latency, result.percentile_s, rate, capacity, mean_batch, result.stable, "simulated", sim)


def simulate_for_sla(workload: Workload, table: np.ndarray, *, replicas: int, batch: int, timeout_s: float,
                     seed: int, percentile: float):
    """The server simulation that judges a workload: with a latency bound, the run grows until
    its confidence interval decides the bound (an undecided run counts as not met); without
    one, until the percentile is known within 2 %. A design that fails the necessary
    conditions (synth.serving.bounds) cannot meet the bound; a short fixed run gives its
    figures. Returns (result, verdict): "met", "not_met", "undecided" (counts as not met),
    "unstable", "impossible" (fails a necessary condition) or "no bound".

    Runs are memoized on their inputs (the simulation is a deterministic function of them): the
    solver judges a plan and then evaluates the chosen design with the same run."""
    table = np.ascontiguousarray(table, dtype=float)
    return _simulate_for_sla(workload.qps, workload.latency_ms, table.tobytes(), replicas, batch, timeout_s, seed,
                             percentile)


def clear_simulation_cache() -> None:
    """Forget memoized SLA runs (benchmarks time cold runs with it)."""
    _simulate_for_sla.cache_clear()


@functools.lru_cache(maxsize=512)
def _simulate_for_sla(qps: float, latency_ms: float | None, table_bytes: bytes, replicas: int, batch: int,
                      timeout_s: float, seed: int, percentile: float):
    table = np.frombuffer(table_bytes, dtype=float)
    common = dict(arrival_rate_qps=qps, replicas=replicas, max_batch=batch, timeout_s=timeout_s,
                  seed=seed, percentile=percentile)
    if latency_ms is None:
        return simulate_server(table, **common), "no bound"
    bound_s = latency_ms / 1e3
    if not server_feasible_necessary(table, replicas, batch, qps, bound_s, percentile):
        return simulate_server(table, n_queries=SHORT_RUN_QUERIES, **common), "impossible"
    decision = decide_sla(table, latency_bound_s=bound_s, initial_queries=SLA_FIRST_RUN_QUERIES, **common)
    return decision.result, decision.status.value


def _flat(value: float) -> dict[str, float]:
    return {"p50": value, "p90": value, "p99": value, "p999": value}


def _layers(table: LayerTable, figures: BatchFigures, index: int, batch: int) -> tuple[LayerResult, ...]:
    result = []
    for j, name in enumerate(table.names):
        shares = bool(table.shares_weights[j])
        m = int(table.m[j] * batch) if shares else int(table.m[j])
        groups = int(table.groups[j]) if shares else int(table.groups[j] * batch)
        compute, memory = figures.layer_compute_s[index, j], figures.layer_memory_s[index, j]
        result.append(LayerResult(
            name=name, kind=table.kinds[j], count=int(table.count[j]),
            gemm={"m": m, "k": int(table.k[j]), "n": int(table.n[j]), "groups": groups},
            compute_cycles=float(figures.layer_cycles[index, j]),
            compute_time_us=float(compute * 1e6), memory_time_us=float(memory * 1e6),
            time_us=float(figures.layer_s[index, j] * 1e6),
            bound="memory" if memory > compute else "compute"))
    return tuple(result)


def evaluate_resolved(req: Requirements, resolved: ResolvedDesign, *, seed: int = 0,
                      source: str = "<requirements>", max_qps: bool = False) -> Evaluation:
    """Exact evaluation of a checked design. With max_qps, server workloads also report the
    highest load that meets their bound (a search of ~25 simulations each)."""
    d, tech, mem = resolved.design, resolved.tech, resolved.memory
    hw = hardware_arrays(resolved)
    pe = np.array([PE_CODES[d.precision]])
    area_parts = area_breakdown_mm2(tech, rows=hw["rows"], cols=hw["cols"], cores=hw["cores"], pe=pe,
                                    sram_mib=hw["sram_mib"], phy_area_mm2=np.array([mem.phy_area_mm2]))
    die_area = float(sum(area_parts.values())[0])
    peak_parts = peak_power_breakdown_w(tech, rows=hw["rows"], cols=hw["cols"], cores=hw["cores"], pe=pe,
                                        clock_ghz=hw["clock_ghz"], voltage_v=hw["voltage_v"],
                                        sram_mib=hw["sram_mib"], bandwidth_gbps=hw["bandwidth_gbps"],
                                        dram_pj_per_bit=hw["dram_pj_per_bit"], die_area_mm2=np.array([die_area]),
                                        dram_background_w=mem.background_w)
    peak_w = float(sum(peak_parts.values())[0])
    # The floor (leakage, clock tree, host PHY, DRAM background) runs whenever the chip is on.
    idle = float(idle_power_w(tech, peak_parts, mem.background_w)[0])
    cost_parts = chip_cost_breakdown_usd(tech, die_area_mm2=np.array([die_area]), memory_cost_usd=mem.cost_usd,
                                         needs_interposer=mem.needs_interposer)
    chip_cost = float(sum(cost_parts.values())[0])

    workloads, violations, dynamic_w, weight_bytes_total = [], [], 0.0, 0.0
    for i, (workload, plan) in enumerate(zip(req.workloads, resolved.plans)):
        model, table = model_and_table(workload, source, i)
        figures = service_table(table, resolved, plan, max(plan.batch, MULTI_STREAM_SAMPLES))
        service_s = figures.service_s
        replicas = plan.replicas * d.chips
        served = serve(workload, plan, service_s, replicas, seed + i)
        run_batch = max(1, int(round(served.batch_run)))
        dyn_j = float(figures.energy_j[run_batch - 1]) / run_batch
        rate = served.throughput_ips
        share = plan.replicas * plan.cores_per_replica / d.cores
        static_j = idle * d.chips * share / rate if rate > 0 else math.inf
        dynamic_w += rate * dyn_j
        macs = table.macs_per_sample
        peak_macs = d.array_rows * d.array_cols * plan.cores_per_replica * replicas * d.clock_ghz * 1e9
        weight_bytes = float(table.weight_bytes(PRECISION_CODES[plan.precision]))
        weight_bytes_total += weight_bytes
        drop = accuracy_drop_pct(model.name if isinstance(workload.model, str) else "", plan.precision,
                                 accuracy_table(workload))
        pct = percentile_of(workload)
        best_qps = None
        if max_qps and workload.scenario is ScenarioName.server and workload.latency_ms is not None:
            best_qps = max_qps_within_sla(service_s, replicas=replicas, max_batch=plan.batch,
                                          timeout_s=plan.batch_timeout_ms / 1e3,
                                          latency_bound_s=workload.latency_ms / 1e3, percentile=pct, seed=seed + i)
        workloads.append(WorkloadResult(
            name=workload.name, model=model.name, scenario=workload.scenario.value, percentile=pct,
            batch=plan.batch, replicas=replicas, cores_per_replica=plan.cores_per_replica,
            precision=plan.precision, batch_timeout_ms=plan.batch_timeout_ms,
            latency_ms={k: v * 1e3 for k, v in served.latency_s.items()},
            latency_at_percentile_ms=served.at_percentile_s * 1e3,
            service_ms=float(service_s[plan.batch - 1] * 1e3),
            throughput_ips=rate, capacity_ips=served.capacity_ips,
            utilization=min(1.0, rate * macs / peak_macs),
            energy_mj_per_inference=(dyn_j + static_j) * 1e3, accuracy_drop_pct=drop,
            macs_per_inference=macs, weight_mib=weight_bytes / MIB, stable=served.stable,
            latency_method=served.method, simulation=served.simulation,
            layers=_layers(table, figures, plan.batch - 1, plan.batch), max_qps_within_sla=best_qps))
        violations.extend(_workload_violations(workload, workloads[-1]))

    average_w = idle * d.chips + dynamic_w
    total_rate = sum(w.throughput_ips for w in workloads)
    life_s = tech.service_life_years * SECONDS_PER_YEAR
    energy_cost = average_w / 1e3 * life_s / 3600 * tech.electricity_usd_per_kwh
    peak_tops = 2 * d.array_rows * d.array_cols * d.cores * d.clock_ghz * 1e9 / 1e12
    system = SystemResult(
        chips=d.chips, peak_tops=peak_tops * d.chips, area_mm2=die_area * d.chips,
        power_w={"peak": peak_w * d.chips, "average": average_w, "idle": idle * d.chips},
        unit_cost_usd=chip_cost * d.chips,
        energy_mj_per_inference=average_w / total_rate * 1e3 if total_rate else math.inf,
        cost_per_inference_usd=(chip_cost * d.chips + energy_cost) / (total_rate * life_s) if total_rate else math.inf,
        throughput_ips=total_rate)
    chip = ChipResult(
        peak_tops=peak_tops, area_mm2=die_area,
        area_breakdown_mm2={k: float(v[0]) for k, v in area_parts.items()},
        power_w={"peak": peak_w, "average": average_w / d.chips, "idle": idle},
        peak_power_breakdown_w={k: float(np.asarray(v).reshape(-1)[0]) for k, v in peak_parts.items()},
        unit_cost_usd=chip_cost,
        cost_breakdown_usd={k: float(np.asarray(v).reshape(-1)[0]) for k, v in cost_parts.items()},
        dies_per_wafer=float(dies_per_wafer(tech, die_area)), yield_fraction=float(murphy_yield(tech, die_area)),
        voltage_v=resolved.voltage_v)
    violations.extend(_system_violations(req, tech, chip, system, weight_bytes_total, mem))
    name = req.objective
    return Evaluation(
        design=design_to_dict(req, resolved), chip=chip, system=system, workloads=tuple(workloads),
        violations=tuple(violations), objective_name=name.value,
        objective_value=objective_value(name, system, workloads, req),
        objective_unit=OBJECTIVE_UNITS[name], seed=seed)


def _workload_violations(workload: Workload, result: WorkloadResult) -> list[Violation]:
    key = f"workloads[{workload.name}]"
    found = []
    verdict = (result.simulation or {}).get("sla_verdict")
    reasons = {"impossible": "replica time too short for the load", "undecided": "not shown within the run"}
    if workload.latency_ms is not None and result.stable and verdict in reasons:
        found.append(Violation(f"{key}.latency_ms (p{result.percentile:g}: {reasons[verdict]})",
                               workload.latency_ms, result.latency_at_percentile_ms, "ms"))
        return found + _other_violations(workload, result, key)
    if workload.latency_ms is not None and not result.latency_at_percentile_ms <= workload.latency_ms * (1 + 1e-9):
        found.append(Violation(f"{key}.latency_ms (p{result.percentile:g})", workload.latency_ms,
                               result.latency_at_percentile_ms, "ms"))
    return found + _other_violations(workload, result, key)


def _other_violations(workload: Workload, result: WorkloadResult, key: str) -> list[Violation]:
    found = []
    if workload.scenario is ScenarioName.server and not result.stable:
        found.append(Violation(f"{key}.qps (stable load)", result.capacity_ips, workload.qps, "inferences/s"))
    if workload.scenario is ScenarioName.offline and workload.qps is not None \
            and result.capacity_ips < workload.qps * (1 - 1e-9):
        found.append(Violation(f"{key}.qps (offline throughput)", workload.qps, result.capacity_ips, "inferences/s"))
    if workload.max_accuracy_drop_pct is not None and result.accuracy_drop_pct > workload.max_accuracy_drop_pct + 1e-9:
        found.append(Violation(f"{key}.max_accuracy_drop_pct", workload.max_accuracy_drop_pct,
                               result.accuracy_drop_pct, "pct"))
    return found


def _system_violations(req, tech, chip: ChipResult, system: SystemResult, weight_bytes: float, mem) -> list[Violation]:
    found, budgets = [], req.budgets
    if budgets.power_w is not None and system.power_w["peak"] > budgets.power_w * (1 + 1e-9):
        found.append(Violation("budgets.power_w (peak)", budgets.power_w, system.power_w["peak"], "W"))
    if budgets.average_power_w is not None and system.power_w["average"] > budgets.average_power_w * (1 + 1e-9):
        found.append(Violation("budgets.average_power_w (at the required load)", budgets.average_power_w,
                               system.power_w["average"], "W"))
    if budgets.area_mm2 is not None and system.area_mm2 > budgets.area_mm2 * (1 + 1e-9):
        found.append(Violation("budgets.area_mm2", budgets.area_mm2, system.area_mm2, "mm2"))
    if budgets.unit_cost_usd is not None and system.unit_cost_usd > budgets.unit_cost_usd * (1 + 1e-9):
        found.append(Violation("budgets.unit_cost_usd", budgets.unit_cost_usd, system.unit_cost_usd, "USD"))
    if chip.area_mm2 > tech.max_die_area_mm2:
        found.append(Violation("die area (reticle limit)", tech.max_die_area_mm2, chip.area_mm2, "mm2"))
    capacity = mem.capacity_gib * 1024 * MIB
    if weight_bytes > capacity:
        found.append(Violation(f"memory capacity ({mem.name})", mem.capacity_gib, weight_bytes / 1024 / MIB, "GiB"))
    return found


def objective_value(name: Objective, system: SystemResult, workloads, req: Requirements) -> float:
    """The requirements' objective for a design (docs/cost-model.md defines each)."""
    if name is Objective.min_power:
        return system.power_w["peak"]
    if name is Objective.min_area:
        return system.area_mm2
    if name is Objective.min_unit_cost:
        return system.unit_cost_usd
    if name is Objective.min_energy_per_inference:
        return system.energy_mj_per_inference
    if name is Objective.min_cost_per_inference:
        return system.cost_per_inference_usd
    if name is Objective.min_latency:
        return max(w.latency_at_percentile_ms for w in workloads)
    return throughput_objective(workloads, req)


def throughput_objective(workloads, req: Requirements) -> float:
    """max_throughput: the largest common scale of every workload's rate the design carries,
    times their total (one workload: its capacity). Unrated workloads (single/multi stream,
    offline without qps) count with a rate of 1."""
    rates = [w.qps or 1.0 for w in req.workloads]
    scale = min(r.capacity_ips / q for r, q in zip(workloads, rates))
    return scale * sum(rates)


def design_to_dict(req: Requirements, resolved: ResolvedDesign) -> dict:
    """The design in the design-file shape, every default filled in (`synth eval --design`)."""
    data = resolved.design.model_dump(mode="json", exclude={"workloads"})
    data["voltage_v"] = round(resolved.voltage_v, 6)
    data["workloads"] = {
        w.name: {"batch": p.batch, "replicas": p.replicas, "cores_per_replica": p.cores_per_replica,
                 "precision": p.precision, "batch_timeout_ms": p.batch_timeout_ms}
        for w, p in zip(req.workloads, resolved.plans)}
    return data


def evaluate(req: Requirements, design: Design, *, seed: int = 0, design_source: str = "<design>",
             source: str = "<requirements>", max_qps: bool = False) -> Evaluation:
    """Exact predictions for `design` against `req` (library entry; see synth.evaluate)."""
    resolved = resolve_design(req, design, design_source)
    return evaluate_resolved(req, resolved, seed=seed, source=source, max_qps=max_qps)
