"""Exact evaluation of one design against requirements: cost core plus serving simulator."""

from __future__ import annotations

import functools
import math

import numpy as np

from synth.cost.accuracy import accuracy_drop_pct
from synth.cost.chip import (
    PE_CODES,
    area_breakdown_mm2,
    chip_cost_breakdown_usd,
    dies_per_wafer,
    idle_power_w,
    murphy_yield,
    peak_power_breakdown_w,
)
from synth.cost.points import DesignPoints, figures_at
from synth.cost.systolic import DATAFLOW_CODES
from synth.cost.workload import MIB, PRECISION_CODES, BatchFigures, LayerTable
from synth.evaluation.objective import (
    SystemHardware,
    WorkloadFigures,
    average_power_w,
    cost_per_inference_usd,
    energy_mj_per_inference,
    objective_value,
)
from synth.evaluation.serve import Served, percentile_of, serve
from synth.models import Model
from synth.results import ChipResult, Evaluation, LayerResult, SystemResult, Violation, WorkloadResult
from synth.serving.capacity import max_qps_within_sla
from synth.spec.design import Design
from synth.spec.requirements import Requirements, Workload
from synth.spec.resolve import ResolvedDesign, ResolvedPlan, accuracy_table, resolve_design, resolve_model
from synth.vocabulary import MULTI_STREAM_SAMPLES, REL_TOL, Bound, Scenario, SlaVerdict


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


def design_points(resolved: ResolvedDesign) -> DesignPoints:
    """The design's hardware as one design point of the vectorized cost core."""
    d, mem = resolved.design, resolved.memory
    return DesignPoints.one(rows=d.array_rows, cols=d.array_cols, cores=d.cores, dataflow=DATAFLOW_CODES[d.dataflow],
                            clock_ghz=d.clock_ghz, voltage_v=resolved.voltage_v, sram_mib=d.sram_mib,
                            bandwidth_gbps=mem.bandwidth_gbps, dram_pj_per_bit=mem.pj_per_bit)


def service_table(table: LayerTable, resolved: ResolvedDesign, plan: ResolvedPlan, max_batch: int) -> BatchFigures:
    """Figures for every batch size 1..max_batch at once (batch is the vectorized axis)."""
    return figures_at(table, resolved.tech, design_points(resolved), batch=np.arange(1, max_batch + 1),
                      cores_per_replica=plan.cores_per_replica, precision=PRECISION_CODES[plan.precision])


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
            bound=Bound.memory if memory > compute else Bound.compute))
    return tuple(result)


def evaluate_resolved(req: Requirements, resolved: ResolvedDesign, *, seed: int = 0,
                      source: str = "<requirements>", max_qps: bool = False) -> Evaluation:
    """Exact evaluation of a checked design. With max_qps, server workloads also report the
    highest load that meets their bound (a search of ~25 simulations each)."""
    d, tech, mem = resolved.design, resolved.tech, resolved.memory
    hw = design_points(resolved)
    pe = np.array([PE_CODES[d.precision]])
    area_parts = area_breakdown_mm2(tech, rows=hw.rows, cols=hw.cols, cores=hw.cores, pe=pe,
                                    sram_mib=hw.sram_mib, phy_area_mm2=np.array([mem.phy_area_mm2]))
    die_area = float(sum(area_parts.values())[0])
    peak_parts = peak_power_breakdown_w(tech, rows=hw.rows, cols=hw.cols, cores=hw.cores, pe=pe,
                                        clock_ghz=hw.clock_ghz, voltage_v=hw.voltage_v,
                                        sram_mib=hw.sram_mib, bandwidth_gbps=hw.bandwidth_gbps,
                                        dram_pj_per_bit=hw.dram_pj_per_bit, die_area_mm2=np.array([die_area]),
                                        dram_background_w=mem.background_w)
    peak_w = float(sum(peak_parts.values())[0])
    # The floor (leakage, clock tree, host PHY, DRAM background) runs whenever the chip is on.
    idle = float(idle_power_w(tech, peak_parts, mem.background_w)[0])
    cost_parts = chip_cost_breakdown_usd(tech, die_area_mm2=np.array([die_area]), memory_cost_usd=mem.cost_usd,
                                         needs_interposer=mem.needs_interposer)
    chip_cost = float(sum(cost_parts.values())[0])
    hardware = SystemHardware(peak_w * d.chips, die_area * d.chips, chip_cost * d.chips, idle * d.chips)

    workloads, figures_list, violations, weight_bytes_total = [], [], [], 0.0
    for i, (workload, plan) in enumerate(zip(req.workloads, resolved.plans)):
        model, table = model_and_table(workload, source, i)
        figures = service_table(table, resolved, plan, max(plan.batch, MULTI_STREAM_SAMPLES))
        service_s = figures.service_s
        replicas = plan.replicas * d.chips
        served = serve(workload, plan, service_s, replicas, workload_seed(seed, i))
        run_batch = max(1, int(round(served.batch_run)))
        dyn_j = float(figures.energy_j[run_batch - 1]) / run_batch
        rate = served.throughput_ips
        share = plan.replicas * plan.cores_per_replica / d.cores
        static_j = idle * d.chips * share / rate if rate > 0 else math.inf
        macs = table.macs_per_sample
        peak_macs = peak_macs_per_s(d.array_rows, d.array_cols, plan.cores_per_replica * replicas, d.clock_ghz)
        weight_bytes = float(table.weight_bytes(PRECISION_CODES[plan.precision]))
        weight_bytes_total += weight_bytes
        drop = accuracy_drop_pct(model.name if isinstance(workload.model, str) else "", plan.precision,
                                 accuracy_table(workload))
        pct = percentile_of(workload)
        best_qps = None
        if max_qps and workload.scenario is Scenario.server and workload.latency_ms is not None:
            best_qps = max_qps_within_sla(service_s, replicas=replicas, max_batch=plan.batch,
                                          timeout_s=plan.batch_timeout_ms / 1e3,
                                          latency_bound_s=workload.latency_ms / 1e3, percentile=pct,
                                          seed=workload_seed(seed, i))
        workloads.append(WorkloadResult(
            name=workload.name, model=model.name, scenario=workload.scenario, percentile=pct,
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
        figures_list.append(WorkloadFigures(served.at_percentile_s * 1e3, served.capacity_ips, rate, dyn_j,
                                            workload.qps))
        violations.extend(_workload_violations(workload, workloads[-1], served))

    average_w = average_power_w(hardware, figures_list)
    total_rate = sum(w.throughput_ips for w in workloads)
    peak_tops = 2 * peak_macs_per_s(d.array_rows, d.array_cols, d.cores, d.clock_ghz) / 1e12
    system = SystemResult(
        chips=d.chips, peak_tops=peak_tops * d.chips, area_mm2=hardware.area_mm2,
        power_w={"peak": hardware.peak_power_w, "average": average_w, "idle": hardware.idle_w},
        unit_cost_usd=hardware.unit_cost_usd,
        energy_mj_per_inference=energy_mj_per_inference(average_w, total_rate),
        cost_per_inference_usd=cost_per_inference_usd(hardware.unit_cost_usd, average_w, total_rate, tech),
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
        violations=tuple(violations), objective_name=name,
        objective_value=objective_value(name, hardware, figures_list, tech), seed=seed)


def workload_seed(seed: int, index: int) -> int:
    """The simulator seed of the index-th workload: the index-th child of
    `numpy.random.SeedSequence(seed)` (what `SeedSequence(seed).spawn(n)[index]` gives), as an
    integer. Unlike `seed + index`, the streams of seed 0 and seed 1 do not overlap."""
    child = np.random.SeedSequence(seed, spawn_key=(index,))
    return int(child.generate_state(1, dtype=np.uint32)[0])


def peak_macs_per_s(rows: int, cols: int, cores: int, clock_ghz: float) -> float:
    """MACs per second of `cores` arrays of rows x cols PEs at the clock."""
    return rows * cols * cores * clock_ghz * 1e9


def _workload_violations(workload: Workload, result: WorkloadResult, served: Served) -> list[Violation]:
    key = f"workloads[{workload.name}]"
    found = []
    reasons = {SlaVerdict.impossible: "replica time too short for the load",
               SlaVerdict.undecided: "not shown within the run"}
    if workload.latency_ms is not None and result.stable and served.verdict in reasons:
        found.append(Violation(f"{key}.latency_ms (p{result.percentile:g}: {reasons[served.verdict]})",
                               workload.latency_ms, result.latency_at_percentile_ms, "ms"))
        return found + _other_violations(workload, result, key)
    if workload.latency_ms is not None and not result.latency_at_percentile_ms <= workload.latency_ms * (1 + REL_TOL):
        found.append(Violation(f"{key}.latency_ms (p{result.percentile:g})", workload.latency_ms,
                               result.latency_at_percentile_ms, "ms"))
    return found + _other_violations(workload, result, key)


def _other_violations(workload: Workload, result: WorkloadResult, key: str) -> list[Violation]:
    found = []
    if workload.scenario is Scenario.server and not result.stable:
        found.append(Violation(f"{key}.qps (stable load)", result.capacity_ips, workload.required_qps, "inferences/s"))
    if workload.scenario is Scenario.offline and workload.qps is not None \
            and result.capacity_ips < workload.required_qps * (1 - REL_TOL):  # headroom included
        found.append(Violation(f"{key}.qps (offline throughput)", workload.required_qps, result.capacity_ips,
                               "inferences/s"))
    if workload.max_accuracy_drop_pct is not None and result.accuracy_drop_pct > workload.max_accuracy_drop_pct + REL_TOL:
        found.append(Violation(f"{key}.max_accuracy_drop_pct", workload.max_accuracy_drop_pct,
                               result.accuracy_drop_pct, "pct"))
    return found


def _system_violations(req, tech, chip: ChipResult, system: SystemResult, weight_bytes: float, mem) -> list[Violation]:
    found, budgets = [], req.budgets
    if budgets.power_w is not None and system.power_w["peak"] > budgets.power_w * (1 + REL_TOL):
        found.append(Violation("budgets.power_w (peak)", budgets.power_w, system.power_w["peak"], "W"))
    if budgets.average_power_w is not None and system.power_w["average"] > budgets.average_power_w * (1 + REL_TOL):
        found.append(Violation("budgets.average_power_w (at the required load)", budgets.average_power_w,
                               system.power_w["average"], "W"))
    if budgets.area_mm2 is not None and system.area_mm2 > budgets.area_mm2 * (1 + REL_TOL):
        found.append(Violation("budgets.area_mm2", budgets.area_mm2, system.area_mm2, "mm2"))
    if budgets.unit_cost_usd is not None and system.unit_cost_usd > budgets.unit_cost_usd * (1 + REL_TOL):
        found.append(Violation("budgets.unit_cost_usd", budgets.unit_cost_usd, system.unit_cost_usd, "USD"))
    if chip.area_mm2 > tech.max_die_area_mm2:
        found.append(Violation("die area (reticle limit)", tech.max_die_area_mm2, chip.area_mm2, "mm2"))
    capacity = mem.capacity_gib * 1024 * MIB
    if weight_bytes > capacity:
        found.append(Violation(f"memory capacity ({mem.name})", mem.capacity_gib, weight_bytes / 1024 / MIB, "GiB"))
    return found


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
