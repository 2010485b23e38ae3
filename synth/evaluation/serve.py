"""How a workload is served on a design: its latency percentiles, rate and the batch it runs.

Deterministic scenarios (single stream, multi-stream, offline) in closed form from the service
table; the server scenario by the seeded simulator, grown until its confidence interval
decides the latency bound. Runs are memoized on their inputs (a simulation is a deterministic
function of them), so the solver's plan check and the final evaluation share one run.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from synth.serving.bounds import server_feasible_necessary
from synth.serving.scenarios import multi_stream_latency, single_stream_latency
from synth.serving.simulator import ServingResult, decide_sla, simulate_server
from synth.spec.requirements import Workload
from synth.spec.resolve import ResolvedPlan
from synth.vocabulary import MULTI_STREAM_SAMPLES, LatencyMethod, Scenario, SlaVerdict

SHORT_RUN_QUERIES = 20_000
SLA_FIRST_RUN_QUERIES = 20_000  # decide_sla doubles the run while its CI straddles the bound


def percentile_of(workload: Workload) -> float | None:
    """The percentile a workload's latency bound is judged at (the scenario's default unless given)."""
    return workload.percentile if workload.percentile is not None else workload.scenario.default_percentile


@dataclass(frozen=True, slots=True)
class Served:
    latency_s: dict[str, float]
    at_percentile_s: float
    throughput_ips: float
    capacity_ips: float
    batch_run: float  # batch size the dynamic energy is charged at
    stable: bool
    method: LatencyMethod
    simulation: dict | None
    verdict: SlaVerdict | None = None  # server only

    @property
    def accepted(self) -> bool:
        """Stable, and the latency bound (if any) met by the simulator's verdict."""
        return self.stable and (self.verdict is None or self.verdict.accepted)


def serve(workload: Workload, plan: ResolvedPlan, service_s: np.ndarray, replicas: int,
          seed: int | np.random.SeedSequence) -> Served:
    """Serve `workload` with `plan` on `replicas` replicas whose service table is `service_s`."""
    batch = plan.batch
    capacity = replicas * batch / service_s[batch - 1]
    scenario = workload.scenario
    if scenario is Scenario.single_stream:
        lat = single_stream_latency(service_s)
        return Served(_flat(lat), lat, 1 / lat, capacity, 1, True, LatencyMethod.exact, None)
    if scenario is Scenario.multi_stream:
        lat = multi_stream_latency(service_s[:batch], replicas)
        share = math.ceil(MULTI_STREAM_SAMPLES / replicas)
        return Served(_flat(lat), lat, MULTI_STREAM_SAMPLES / lat, capacity, min(share, batch), True,
                      LatencyMethod.exact, None)
    if scenario is Scenario.offline:
        lat = float(service_s[batch - 1])
        rate = capacity if workload.qps is None else min(workload.qps, capacity)
        return Served(_flat(lat), lat, rate, capacity, batch, True, LatencyMethod.exact, None)
    result, verdict = simulate_for_sla(workload, service_s[:batch], replicas=replicas, batch=batch,
                                       timeout_s=plan.batch_timeout_ms / 1e3, seed=seed,
                                       percentile=percentile_of(workload))
    latency = {"p50": result.p50_s, "p90": result.p90_s, "p99": result.p99_s, "p999": result.p999_s}
    sim = {"seed": result.seed, "queries": result.n_queries, "status": result.status.value,
           "percentile_ci_ms": [result.ci_low_s * 1e3, result.ci_high_s * 1e3],
           "mean_batch": result.mean_batch_size, "replica_busy_fraction": result.utilization,
           "sla_verdict": verdict.value}
    rate = result.achieved_throughput_qps if result.stable else capacity
    if result.stable and workload.qps is not None:  # judged at qps x (1 + headroom); energy at qps
        rate *= workload.qps / workload.required_qps
    mean_batch = result.mean_batch_size if result.stable else batch
    return Served(latency, result.percentile_s, rate, capacity, mean_batch, result.stable, LatencyMethod.simulated,
                  sim, verdict)


def simulate_for_sla(workload: Workload, table: np.ndarray, *, replicas: int, batch: int, timeout_s: float,
                     seed: int, percentile: float) -> tuple[ServingResult, SlaVerdict]:
    """The server simulation that judges a workload: with a latency bound, the run grows until
    its confidence interval decides the bound (an undecided run counts as not met); without
    one, until the percentile is known within 2 %. A design that fails the necessary
    conditions (synth.serving.bounds) cannot meet the bound; a short fixed run gives its
    figures."""
    table = np.ascontiguousarray(table, dtype=float)
    return _simulate_for_sla(workload.required_qps, workload.latency_ms, table.tobytes(), replicas, batch, timeout_s, seed,
                             percentile)


def clear_simulation_cache() -> None:
    """Forget memoized SLA runs (benchmarks time cold runs with it)."""
    _simulate_for_sla.cache_clear()


@functools.lru_cache(maxsize=512)
def _simulate_for_sla(qps: float, latency_ms: float | None, table_bytes: bytes, replicas: int, batch: int,
                      timeout_s: float, seed: int, percentile: float) -> tuple[ServingResult, SlaVerdict]:
    table = np.frombuffer(table_bytes, dtype=float)
    common = dict(arrival_rate_qps=qps, replicas=replicas, max_batch=batch, timeout_s=timeout_s,
                  seed=seed, percentile=percentile)
    if latency_ms is None:
        return simulate_server(table, **common), SlaVerdict.no_bound
    bound_s = latency_ms / 1e3
    if not server_feasible_necessary(table, replicas, batch, qps, bound_s, percentile):
        return simulate_server(table, n_queries=SHORT_RUN_QUERIES, **common), SlaVerdict.impossible
    decision = decide_sla(table, latency_bound_s=bound_s, initial_queries=SLA_FIRST_RUN_QUERIES, **common)
    return decision.result, decision.status


def _flat(value: float) -> dict[str, float]:
    return {"p50": value, "p90": value, "p99": value, "p999": value}
