"""A candidate the search picked, as a design file and its exact evaluation."""

from __future__ import annotations

from synth.cost.memory import CATALOG
from synth.evaluation import evaluate_resolved
from synth.results import Evaluation
from synth.solve.milp_choice import Choice
from synth.solve.options import SpaceOptions
from synth.spec.design import Design, WorkloadPlan
from synth.spec.resolve import resolve_design


def design_of(opts: SpaceOptions, choice: Choice, timeouts_ms: tuple[float, ...] | None = None) -> Design:
    """The design a choice stands for, in the design-file shape."""
    g = opts.grid
    rows, cols = g.array_shapes[choice.shape]
    memory = g.memories[choice.memory]
    memory_spec = memory.name if memory.name in CATALOG and CATALOG[memory.name] == memory else {
        "name": memory.name, "bandwidth_gbps": memory.bandwidth_gbps, "pj_per_bit": memory.pj_per_bit,
        "capacity_gib": memory.capacity_gib, "phy_area_mm2": memory.phy_area_mm2, "cost_usd": memory.cost_usd,
        "needs_interposer": memory.needs_interposer, "background_w": memory.background_w}
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


def evaluate_choice(opts: SpaceOptions, choice: Choice, seed: int, timeouts_ms: tuple[float, ...]) -> Evaluation:
    """The exact evaluation (cost core and simulator) of a choice with its batching timeouts."""
    design = design_of(opts, choice, timeouts_ms)
    resolved = resolve_design(opts.req, design, "<candidate>")
    return evaluate_resolved(opts.req, resolved, seed=seed, source=opts.req.source)
