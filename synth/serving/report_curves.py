"""Serving curves of every workload of a design (cost core for service times, simulator for latency)."""

from __future__ import annotations

from dataclasses import dataclass

from synth.errors import Problem, SpecError
from synth.evaluation import percentile_of, service_table
from synth.serving.curves import BatchPoint, LoadPoint, batch_curve, load_curve
from synth.spec.design import Design
from synth.spec.requirements import Requirements, ScenarioName
from synth.spec.resolve import resolve_design, resolve_model
from synth.cost.workload import LayerTable

MAX_CURVE_BATCH = 256


@dataclass(frozen=True, slots=True)
class WorkloadCurves:
    workload: str
    scenario: str
    batch: tuple[BatchPoint, ...]
    load: tuple[LoadPoint, ...]  # server workloads only


def workload_curves(req: Requirements, design: Design, *, seed: int = 0, only: str | None = None):
    """Batch and load curves for each workload (or the one named `only`)."""
    names = [w.name for w in req.workloads]
    if only is not None and only not in names:
        raise SpecError([Problem("<command line>", "--workload", f"must be one of {names}, got {only!r}")])
    resolved = resolve_design(req, design, design.source)
    d = resolved.design
    curves = []
    for i, (workload, plan) in enumerate(zip(req.workloads, resolved.plans)):
        if only is not None and workload.name != only:
            continue
        model = resolve_model(workload.model, req.source, f"workloads[{i}].model")
        table = LayerTable.from_model(model)
        service = service_table(table, resolved, plan, max(MAX_CURVE_BATCH, plan.batch)).service_s
        replicas = plan.replicas * d.chips
        peak = d.array_rows * d.array_cols * plan.cores_per_replica * d.clock_ghz * 1e9
        server = workload.scenario is ScenarioName.server
        pct = percentile_of(workload) or 99.0
        batch = batch_curve(service, replicas=replicas, macs=table.macs_per_sample, peak_macs_per_s=peak,
                            qps=workload.qps if server else None, timeout_s=plan.batch_timeout_ms / 1e3,
                            percentile=pct, seed=seed + i)
        load = load_curve(service, replicas=replicas, batch=plan.batch, timeout_s=plan.batch_timeout_ms / 1e3,
                          percentile=pct, seed=seed + i) if server else []
        curves.append(WorkloadCurves(workload.name, workload.scenario.value, tuple(batch), tuple(load)))
    return curves
