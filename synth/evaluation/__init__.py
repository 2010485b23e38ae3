"""Exact evaluation of a design: the cost core for every figure, the simulator for every
server percentile, and the one objective function the solver shares."""

from synth.evaluation.exact import (
    design_points,
    design_to_dict,
    evaluate,
    evaluate_resolved,
    model_and_table,
    peak_macs_per_s,
    service_table,
    workload_seed,
)
from synth.evaluation.objective import SECONDS_PER_YEAR, evaluation_objective, objective_value
from synth.evaluation.serve import Served, clear_simulation_cache, percentile_of, serve, simulate_for_sla

__all__ = [
    "SECONDS_PER_YEAR", "Served", "clear_simulation_cache", "design_points", "design_to_dict", "evaluate",
    "evaluate_resolved", "evaluation_objective", "model_and_table", "objective_value", "peak_macs_per_s",
    "percentile_of", "serve", "service_table", "simulate_for_sla", "workload_seed",
]
