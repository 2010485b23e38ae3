"""What the report shows beyond the answer: each server workload's highest load within its SLA,
the serving curves, and (optionally) the sensitivity table and the Pareto front."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from synth.evaluation import evaluate
from synth.evaluation.curves import workload_curves
from synth.results import ParetoPoint, Result
from synth.solve.architecture import architecture_tradeoffs
from synth.solve.search_options import SearchOptions
from synth.solve.tradeoffs import RESOLVE, Resolvers, default_axes, metric_value, pareto_front, sensitivity
from synth.spec.design import Design
from synth.spec.requirements import Requirements
from synth.spec.validate import load_document
from synth.vocabulary import SolutionStatus

Progress = Callable[[str, "float | None"], None]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the report re-solves: the sensitivity table and a Pareto front of `pareto_points`
    bounds, each point with the work budget `resolve` (the same answer on any machine); the
    seconds are safety stops, which the points they cut short report as not proven."""

    tradeoffs: bool = True
    pareto_points: int = 4
    resolve: SearchOptions = RESOLVE
    sensitivity_time_s: float = 300.0
    pareto_time_s: float = 300.0
    architecture: bool = True  # the seed's architecture trade-offs (synth.solve.architecture)
    architecture_time_s: float = 600.0


def report_data(req: Requirements, result: Result, *, seed: int = 0, options: ReportOptions = ReportOptions(),
                progress: Progress | None = None) -> Result:
    """`result` with the report's data added (a result without a design is returned as it is)."""
    if result.evaluation is None or result.design is None:
        return result
    step = progress or (lambda _what, _fraction: None)
    step("highest load within each SLA", None)
    design, _ = load_document(Design, result.design)
    result = replace(result, evaluation=evaluate(req, design, seed=seed, source=req.source, max_qps=True))
    step("serving curves", None)
    edges = {w.name: w.max_qps_within_sla for w in result.evaluation.workloads}
    result = replace(result, curves=workload_curves(req, design, seed=seed, break_qps=edges))
    if not options.tradeoffs:
        return result
    # One warm model per objective for both (the requirements' objective is the front's y).
    resolvers = Resolvers(seed=seed, budget=options.resolve)
    rows = sensitivity(req, result.evaluation, baseline=result.certificate.objective, seed=seed,
                       time_limit_s=options.sensitivity_time_s, budget=options.resolve, progress=progress,
                       resolvers=resolvers)
    x, y = default_axes(req)
    front = pareto_front(req, x=x, y=y, points=options.pareto_points, seed=seed,
                         time_limit_s=options.pareto_time_s, budget=options.resolve, progress=progress,
                         resolvers=resolvers)
    # The star is the headline design (refined, final) with its own metrics, not the re-solve's.
    headline = ParetoPoint(metric_value(x, result.evaluation, req), metric_value(y, result.evaluation, req),
                           result.design, result.status is SolutionStatus.optimal)
    rows_by_axis = architecture_tradeoffs(req, seed=seed, budget=options.resolve, progress=progress,
                                          time_limit_s=options.architecture_time_s) if options.architecture else ()
    return replace(result, sensitivity=tuple(rows), pareto=replace(front, chosen=headline), architecture=rows_by_axis)
