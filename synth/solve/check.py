"""Exact check of a candidate design: build the design, evaluate it, explain a rejection."""

from __future__ import annotations

from dataclasses import dataclass

from synth.evaluation import evaluate_resolved
from synth.results import Evaluation
from synth.spec.design import Design, WorkloadPlan
from synth.spec.requirements import ScenarioName
from synth.spec.resolve import resolve_design
from synth.solve.milp import Choice
from synth.solve.options import SpaceOptions


def design_of(opts: SpaceOptions, choice: Choice, timeouts_ms: tuple[float, ...] | None = None) -> Design:
    """The design a choice stands for, in the design-file shape."""
    g = opts.grid
    rows, cols = g.array_shapes[choice.shape]
    memory = g.memories[choice.memory]
    from synth.cost.memory import CATALOG

    memory_spec = memory.name if memory.name in CATALOG and CATALOG[memory.name] == memory else {
        "name": memory.name, "bandwidth_gbps": memory.bandwidth_gbps, "pj_per_bit": memory.pj_per_bit,
        "capacity_gib": memory.capacity_gib, "phy_area_mm2": memory.phy_area_mm2, "cost_usd": memory.cost_usd,
        "needs_interposer": memory.needs_interposer}
    plans = {}
    for i, (wo, (j, q, r)) in enumerate(zip(opts.workloads, choice.plans)):
        replicas, per_replica = wo.pairs[r]
        plans[wo.workload.name] = WorkloadPlan(
            batch=wo.batches[j], replicas=replicas, cores_per_replica=per_replica, precision=wo.precisions[q],
            batch_timeout_ms=timeouts_ms[i] if timeouts_ms else 0.0)
    return Design(array_rows=rows, array_cols=cols, cores=g.cores[choice.cores], dataflow=g.dataflows[choice.dataflow],
                  precision=g.precisions[choice.pe], clock_ghz=g.clock_ghz[choice.clock],
                  voltage_v=float(opts.voltages[choice.clock]), sram_mib=g.sram_mib[choice.sram],
                  memory=memory_spec, chips=g.chips[choice.chips], workloads=plans)


@dataclass(frozen=True, slots=True)
class Verdict:
    evaluation: Evaluation
    failing_workloads: tuple[int, ...]  # workloads whose own requirements fail
    monotone: tuple[bool, ...]  # per failing workload: may the cut extend to slower hardware?
    hardware_failure: bool  # a budget/reticle/capacity failure


def evaluate_choice(opts: SpaceOptions, choice: Choice, seed: int,
                    timeouts: tuple[float, ...] | None = None) -> Verdict:
    """Evaluate exactly. Without `timeouts`, server workloads with batch > 1 that miss their
    bound are tried again with a batching timeout of half the slack between the bound and the
    full batch's service time (synth.solve.plans uses the same rule)."""
    if timeouts is not None:
        return _verdict(opts, _evaluate(opts, choice, timeouts, seed))
    timeouts = [0.0] * len(opts.workloads)
    evaluation = _evaluate(opts, choice, tuple(timeouts), seed)
    retry = False
    for i, (wo, result) in enumerate(zip(opts.workloads, evaluation.workloads)):
        w = wo.workload
        if w.scenario is ScenarioName.server and result.batch > 1 and w.latency_ms is not None:
            slack = w.latency_ms - result.service_ms
            if slack > 0 and _fails(evaluation, w.name):
                timeouts[i] = slack / 2
                retry = True
    if retry:
        second = _evaluate(opts, choice, tuple(timeouts), seed)
        if len(second.violations) < len(evaluation.violations) or second.feasible:
            evaluation = second
    return _verdict(opts, evaluation)


def _verdict(opts: SpaceOptions, evaluation: Evaluation) -> Verdict:
    failing, monotone = [], []
    for i, wo in enumerate(opts.workloads):
        kinds = [v.requirement for v in evaluation.violations if v.requirement.startswith(f"workloads[{wo.workload.name}]")]
        if kinds:
            failing.append(i)
            # Service time never grows with clock, SRAM or bandwidth, so a deterministic failure
            # (latency of single/multi stream or offline, or capacity below the offered load)
            # holds on every slower configuration too; a simulated percentile is not cut that way.
            w = wo.workload
            if w.scenario is ScenarioName.server:
                deterministic = evaluation.workloads[i].capacity_ips <= w.qps
            else:
                deterministic = not any("accuracy" in k for k in kinds)
            monotone.append(deterministic)
    hardware = any(not v.requirement.startswith("workloads[") for v in evaluation.violations)
    return Verdict(evaluation, tuple(failing), tuple(monotone), hardware)


def _fails(evaluation: Evaluation, name: str) -> bool:
    return any(v.requirement.startswith(f"workloads[{name}]") for v in evaluation.violations)


def _evaluate(opts: SpaceOptions, choice: Choice, timeouts: tuple[float, ...], seed: int) -> Evaluation:
    design = design_of(opts, choice, timeouts)
    resolved = resolve_design(opts.req, design, "<candidate>")
    return evaluate_resolved(opts.req, resolved, seed=seed, source=opts.req.source)
