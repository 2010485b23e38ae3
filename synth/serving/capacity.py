"""The highest Poisson load a design serves within its latency bound (MLPerf Server's metric).

With batching and a timeout the percentile is not monotone in load (more load fills batches
sooner: tests/serving show p99 falling from 30 % to 70 % load), so no bisection on load alone
is valid. The search scans a grid of loads with one arrival stream (common random numbers:
every probe uses the same seed and length) and refines between the highest load that meets
the bound and the next grid load by bisection, reporting a load at which the bound was met.
"""

from __future__ import annotations

import numpy as np

from synth.serving.bounds import capacity_qps
from synth.serving.simulator import simulate_server

GRID_FRACTIONS = tuple(np.round(np.linspace(0.05, 0.99, 20), 4))
PROBE_QUERIES = 100_000


def meets_sla(table: np.ndarray, qps: float, *, replicas: int, max_batch: int, timeout_s: float,
              latency_bound_s: float, percentile: float, seed: int, n_queries: int = PROBE_QUERIES) -> bool:
    result = simulate_server(table, arrival_rate_qps=qps, replicas=replicas, max_batch=max_batch,
                             timeout_s=timeout_s, seed=seed, percentile=percentile, n_queries=n_queries)
    return result.stable and result.percentile_s <= latency_bound_s


def max_qps_within_sla(service_s: np.ndarray, *, replicas: int, max_batch: int, timeout_s: float,
                       latency_bound_s: float, percentile: float, seed: int, rel_tol: float = 0.01,
                       n_queries: int = PROBE_QUERIES) -> float:
    """The highest load (qps) found to meet the bound: grid scan, then bisection to rel_tol
    of capacity above the best grid point. 0 when even a batch of one misses the bound."""
    table = np.asarray(service_s, dtype=float)[:max_batch]
    if table[0] > latency_bound_s:
        return 0.0
    capacity = capacity_qps(table, replicas, max_batch)
    probe = dict(replicas=replicas, max_batch=max_batch, timeout_s=timeout_s, latency_bound_s=latency_bound_s,
                 percentile=percentile, seed=seed, n_queries=n_queries)
    met = [f for f in GRID_FRACTIONS if meets_sla(table, f * capacity, **probe)]
    if not met:
        return 0.0
    low = max(met) * capacity
    above = [f for f in GRID_FRACTIONS if f * capacity > low]
    high = min(above) * capacity if above else capacity
    while high - low > rel_tol * capacity:
        middle = (low + high) / 2
        if meets_sla(table, middle, **probe):
            low = middle
        else:
            high = middle
    return low
