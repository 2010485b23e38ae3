"""The seed's architecture trade-offs for the requirements at hand: the best design with each
systolic array size, each PE precision, each core count (with the clock it then needs) and each
batch size, every row a solve of the same requirements with that one variable fixed.

A row narrows the requirements' `space` to one value and runs the same search (MILP, exact
check, cuts) with a work budget, so the rows are the same on any machine; a row its budget cuts
short says so (status feasible: best found, not proven).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from synth.cost.constants import PRECISIONS, technology
from synth.results import ArchitectureRow, Evaluation, Result
from synth.solve.search_options import SearchOptions
from synth.solve.synthesize import synthesize
from synth.solve.tradeoffs import RESOLVE
from synth.spec.requirements import Requirements
from synth.spec.space import design_grid

Progress = Callable[[str, float], None]
AXES = ("array", "precision", "cores", "batch")


def axis_values(req: Requirements) -> dict[str, list[str]]:
    """Each axis's values in the requirements' search space (precision: every PE type), as the
    rows label them."""
    grid = design_grid(req, technology(req.node_nm, req.technology.overrides), req.source)
    # Every PE precision the seed names (fp32, bf16/fp16, int8, mixed), in the space or not: a
    # precision outside it is a question a designer asks ("what would fp32 cost?").
    return {"array": [f"{r}x{c}" for r, c in grid.array_shapes], "precision": list(PRECISIONS),
            "cores": [str(c) for c in grid.cores], "batch": [str(b) for b in grid.batch]}


def fixed(req: Requirements, axis: str, value: str) -> Requirements:
    """The requirements with the space narrowed to `value` on `axis` (everything else as given)."""
    if axis == "array":
        rows, cols = (int(v) for v in value.split("x"))
        change = {"array_dims": [rows]} if rows == cols and req.space.array_rows is None \
            else {"array_dims": None, "array_rows": [rows], "array_cols": [cols]}
    elif axis == "precision":
        change = {"precisions": [value]}
    elif axis in ("cores", "batch"):
        change = {axis: [int(value)]}
    else:
        raise ValueError(f"axis must be one of {list(AXES)}, got {axis!r}")
    return req.model_copy(update={"space": req.space.model_copy(update=change)}).with_source(req.source)


def row_metrics(evaluation: Evaluation) -> dict[str, float]:
    """What a row shows: the system's figures, the worst workload latency at its percentile, the
    clock, and the mean utilization of the workloads' replicas at the required load."""
    system, workloads = evaluation.system, evaluation.workloads
    return {"peak_power_w": system.power_w["peak"], "average_power_w": system.power_w["average"],
            "area_mm2": system.area_mm2, "unit_cost_usd": system.unit_cost_usd,
            "energy_mj_per_inference": system.energy_mj_per_inference,
            "latency_ms": max(w.latency_at_percentile_ms for w in workloads),
            "throughput_ips": system.throughput_ips, "capacity_ips": sum(w.capacity_ips for w in workloads),
            "utilization": sum(w.utilization for w in workloads) / len(workloads),
            "clock_ghz": float(evaluation.design["clock_ghz"]), "peak_tops": system.peak_tops}


def row_of(axis: str, value: str, result: Result) -> ArchitectureRow:
    ev = result.evaluation if result.evaluation is not None and result.evaluation.feasible else None
    return ArchitectureRow(axis, value, result.status, ev.objective_value if ev else None,
                           result.design if ev else None, row_metrics(ev) if ev else {})


def architecture_tradeoffs(req: Requirements, *, seed: int = 0, budget: SearchOptions = RESOLVE,
                           axes: tuple[str, ...] = AXES,
                           time_limit_s: float = 600.0, progress: Progress | None = None) -> tuple[ArchitectureRow, ...]:
    """One row per value of each axis in the space (a single-valued axis is skipped: its row is
    the headline). `budget` bounds each solve's work; `time_limit_s` is a safety stop for all."""
    for axis in axes:
        if axis not in AXES:
            raise ValueError(f"axes must be within {list(AXES)}, got {axis!r}")
    values = axis_values(req)
    todo = [(axis, v) for axis in axes if len(values[axis]) > 1 for v in values[axis]]
    deadline = time.perf_counter() + time_limit_s
    rows = []
    for k, (axis, value) in enumerate(todo):
        if progress:
            progress(f"trade-off {axis} = {value}", (k + 1) / len(todo))
        remaining = max(deadline - time.perf_counter(), 0.05)
        # No hints: a row is exactly what a solve of the narrowed requirements gives.
        result = synthesize(fixed(req, axis, value), budget, seed=seed, time_limit_s=remaining)
        rows.append(row_of(axis, value, result))
    return tuple(rows)
