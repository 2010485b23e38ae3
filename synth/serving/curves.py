"""The seed's batch trade-off for a real design: latency and throughput against batch size,
and tail latency against offered load (data for `synth serve-curve` and the report's plots)."""

from __future__ import annotations

import numpy as np

from synth.results import BatchPoint, LoadPoint
from synth.serving.simulator import simulate_server

# Up to 99 % of capacity: the SLA of a design sized to the edge breaks there (the report marks
# the target and the break point; load_curve adds them and a point just past the break).
LOAD_FRACTIONS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)


def batch_curve(service_s: np.ndarray, *, replicas: int, macs: int, peak_macs_per_s: float, qps: float | None,
                timeout_s: float, percentile: float, seed: int, batches=None) -> list[BatchPoint]:
    """Service time, capacity and (under `qps`, if given) latency for each maximum batch size."""
    table = np.asarray(service_s, dtype=float)
    sizes = batches or [b for b in (1, 2, 4, 8, 16, 32, 64, 128, 256) if b <= table.size]
    points = []
    for b in sizes:
        service = table[b - 1]
        capacity = replicas * b / service
        p50 = p99 = None
        if qps is not None:
            result = simulate_server(table[:b], arrival_rate_qps=qps, replicas=replicas, max_batch=b,
                                     timeout_s=timeout_s, seed=seed, percentile=percentile, max_queries=400_000)
            p50, p99 = result.p50_s * 1e3, result.p99_s * 1e3
        points.append(BatchPoint(b, service * 1e3, capacity, macs * b / (peak_macs_per_s * service), p50, p99))
    return points


def load_curve(service_s: np.ndarray, *, replicas: int, batch: int, timeout_s: float, percentile: float,
               seed: int, fractions=LOAD_FRACTIONS, rates=()) -> list[LoadPoint]:
    """p50 and p99 against offered load, one arrival stream for all: `fractions` of capacity and
    the absolute `rates` (qps; the target, the break point of the SLA and just past it), sorted
    by load; rates at or above capacity are left out (no queue is stable there)."""
    table = np.asarray(service_s, dtype=float)[:batch]
    capacity = replicas * batch / table[batch - 1]
    loads = sorted({round(float(f), 6) for f in fractions}
                   | {round(float(r) / capacity, 6) for r in rates if 0 < r < capacity})
    points = []
    for fraction in loads:
        result = simulate_server(table, arrival_rate_qps=fraction * capacity, replicas=replicas, max_batch=batch,
                                 timeout_s=timeout_s, seed=seed, percentile=percentile, n_queries=100_000)
        points.append(LoadPoint(fraction * capacity, fraction, result.p50_s * 1e3, result.p99_s * 1e3, result.stable))
    return points
