"""Serving curves of every workload of a design: the seed's batch trade-off (latency, throughput
and utilization against batch size) and p99 against offered load (cost core for service times,
simulator for latency)."""

from __future__ import annotations

from collections.abc import Mapping

from synth.evaluation.exact import model_and_table, peak_macs_per_s, service_table, workload_seed
from synth.evaluation.serve import percentile_of
from synth.results import WorkloadCurves
from synth.serving.capacity import max_qps_within_sla
from synth.serving.curves import batch_curve, load_curve
from synth.spec.design import Design
from synth.spec.requirements import Requirements
from synth.spec.resolve import resolve_design
from synth.vocabulary import Scenario

MAX_CURVE_BATCH = 256


class UnknownWorkload(ValueError):
    """A workload name that the requirements do not have."""

    def __init__(self, name: str, names: list[str]):
        super().__init__(f"must be one of {names}, got {name!r}")
        self.name, self.names = name, names


def workload_curves(req: Requirements, design: Design, *, seed: int = 0, only: str | None = None,
                    break_qps: Mapping[str, float | None] | None = None) -> tuple[WorkloadCurves, ...]:
    """Batch and load curves for each workload (or the one named `only`). A server workload's
    load curve runs past its target to where its SLA breaks: `break_qps` (its highest load within
    the SLA, as the evaluator found it) or, when not given, that load searched here."""
    names = [w.name for w in req.workloads]
    if only is not None and only not in names:
        raise UnknownWorkload(only, names)
    resolved = resolve_design(req, design, design.source)
    d = resolved.design
    curves = []
    for i, (workload, plan) in enumerate(zip(req.workloads, resolved.plans)):
        if only is not None and workload.name != only:
            continue
        _, table = model_and_table(workload, req.source, i)
        service = service_table(table, resolved, plan, max(MAX_CURVE_BATCH, plan.batch)).service_s
        replicas = plan.replicas * d.chips
        peak = peak_macs_per_s(d.array_rows, d.array_cols, plan.cores_per_replica, d.clock_ghz)
        server = workload.scenario is Scenario.server
        pct = percentile_of(workload) or 99.0
        batch = batch_curve(service, replicas=replicas, macs=table.macs_per_sample, peak_macs_per_s=peak,
                            qps=workload.qps if server else None, timeout_s=plan.batch_timeout_ms / 1e3,
                            percentile=pct, seed=workload_seed(seed, i))
        load = []
        if server:
            edge = (break_qps or {}).get(workload.name)
            if edge is None and workload.latency_ms is not None:
                edge = max_qps_within_sla(service, replicas=replicas, max_batch=plan.batch,
                                          timeout_s=plan.batch_timeout_ms / 1e3, latency_bound_s=workload.latency_ms / 1e3,
                                          percentile=pct, seed=workload_seed(seed, i))
            rates = [r for r in (workload.qps, workload.required_qps) if r is not None]
            rates += [edge, edge * 1.005, edge * 1.01, edge * 1.02] if edge else []
            load = load_curve(service, replicas=replicas, batch=plan.batch, timeout_s=plan.batch_timeout_ms / 1e3,
                              percentile=pct, seed=workload_seed(seed, i), rates=rates)
        curves.append(WorkloadCurves(workload.name, workload.scenario, tuple(batch), tuple(load)))
    return tuple(curves)
