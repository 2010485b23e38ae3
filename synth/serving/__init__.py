"""Serving: MLPerf scenarios, the server-scenario simulator and necessary conditions for the MILP.

Input everywhere: a service-time table `service_s`, shape (max_batch,), with `service_s[b - 1]`
the seconds one replica takes to run a batch of b queries (from the cost core).
"""

from synth.serving.bounds import (
    capacity_qps,
    latency_lower_bound,
    min_replicas_for_load,
    server_feasible_necessary,
)
from synth.serving.scenarios import (
    multi_stream_latency,
    offline_throughput,
    single_stream_latency,
)
from synth.serving.simulator import (
    ServingResult,
    ServingTrace,
    SimulationStatus,
    SlaDecision,
    decide_sla,
    poisson_arrivals,
    simulate_server,
    simulate_trace,
    summarize_trace,
)

__all__ = [
    "ServingResult",
    "ServingTrace",
    "SimulationStatus",
    "SlaDecision",
    "capacity_qps",
    "decide_sla",
    "latency_lower_bound",
    "min_replicas_for_load",
    "multi_stream_latency",
    "offline_throughput",
    "poisson_arrivals",
    "server_feasible_necessary",
    "simulate_server",
    "simulate_trace",
    "single_stream_latency",
    "summarize_trace",
]
