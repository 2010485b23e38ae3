"""The highest Poisson load a design serves within its latency bound (MLPerf Server's metric)."""

from __future__ import annotations

import numpy as np

from synth.serving.bounds import capacity_qps
from synth.serving.simulator import simulate_server


def max_qps_within_sla(service_s: np.ndarray, *, replicas: int, max_batch: int, timeout_s: float,
                       latency_bound_s: float, percentile: float, seed: int, rel_tol: float = 0.01,
                       max_queries: int = 400_000) -> float:
    """Bisection on the arrival rate: the largest qps (within rel_tol) whose simulated
    `percentile` latency is <= latency_bound_s. 0 when even an idle system misses the bound.

    The percentile is non-decreasing in load (tests/serving check it with common random
    numbers), which is what makes bisection valid; each probe uses the same seed."""
    table = np.asarray(service_s, dtype=float)[:max_batch]
    if table[0] > latency_bound_s:
        return 0.0
    high = capacity_qps(table, replicas, max_batch)
    low = 0.0

    def meets(qps: float) -> bool:
        result = simulate_server(table, arrival_rate_qps=qps, replicas=replicas, max_batch=max_batch,
                                 timeout_s=timeout_s, seed=seed, percentile=percentile, max_queries=max_queries)
        return result.stable and result.percentile_s <= latency_bound_s

    while high - low > rel_tol * high:
        middle = (low + high) / 2
        if meets(middle):
            low = middle
        else:
            high = middle
    return low
