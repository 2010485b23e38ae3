"""Necessary conditions on serving figures, for the MILP that must never be pessimistic.

Every function here states a NECESSARY condition for the server scenario as the simulator
(`synth.serving.simulator`) defines it: Poisson arrivals at `qps`, `replicas` identical
replicas sharing one FIFO queue, dynamic batching with maximum batch `batch` and any timeout,
deterministic service `service_s[b - 1]` for a batch of b (non-decreasing in b). No design
that meets the requirement in steady state violates the condition; a design that satisfies
it may still fail, so the simulator remains the judge.

Percentiles are long-run fractions of queries: "the p-th percentile latency is at most L"
means that a fraction of at least p/100 of all queries finishes within L of its arrival.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from synth.serving.scenarios import integer_problems, service_table_problems


def capacity_qps(service_s: np.ndarray, replicas: int, batch: int) -> float:
    """Saturation throughput replicas * batch / service_s[batch - 1], in queries per second.

    NECESSARY for stability: qps < capacity_qps. While the queue holds `batch` or more queries
    every free replica takes a full batch, so a long queue changes at the net rate
    qps - capacity: above capacity it grows without bound, at capacity it is a driftless
    random walk; either way waiting times have no stationary distribution.
    """
    table, problems = _design(service_s, replicas, batch)
    _raise_if(problems)
    return float(replicas * batch / table[batch - 1])


def min_replicas_for_load(service_s: np.ndarray, batch: int, qps: float) -> int:
    """Fewest replicas whose capacity exceeds `qps`: floor(qps * service_s[batch-1] / batch) + 1.

    NECESSARY: a stable design with maximum batch `batch` has at least this many replicas
    (`capacity_qps` with fewer replicas is <= qps). Computed with the same floating-point
    expression as `capacity_qps`, so the two agree at the boundary.
    """
    table, problems = _design(service_s, 1, batch)
    _raise_if(problems + _positive_problems(qps=qps))
    service = table[batch - 1]
    replicas = max(1, math.floor(qps * service / batch))
    while replicas * batch / service <= qps:
        replicas += 1
    while replicas > 1 and (replicas - 1) * batch / service > qps:
        replicas -= 1
    return replicas


def latency_lower_bound(
    service_s: np.ndarray,
    batch: int,
    *,
    qps: float = 0.0,
    replicas: int = 1,
    percentile: float = 99.0,
) -> float:
    """A lower bound, in seconds, on the `percentile`-th latency percentile; inf if unstable.

    Without load (qps = 0) the bound is service_s[0]: a query runs in a batch of at least one,
    and service is non-decreasing in the batch size.

    With load qps > 0 it is the smallest service_s[b - 1] (b <= batch) that passes the
    utilization test of `server_feasible_necessary`, which rules out bounds that would need
    too many queries in small, inefficient batches. Proof that it is a lower bound: let L be
    the percentile. A fraction >= p = percentile/100 of queries has latency <= L, hence runs in
    a batch b with service_s[b - 1] <= L (a query's latency is at least its batch's service
    time). The utilization test holds at L (see `server_feasible_necessary`), and it only
    depends on L through the set {b : service_s[b - 1] <= L}, which changes only at the table's
    values; so the test passes at the largest table value <= L, and the smallest table value
    that passes the test is <= L.
    """
    table, problems = _design(service_s, replicas, batch)
    problems += _percentile_problems(percentile)
    if not (isinstance(qps, numbers.Real) and math.isfinite(qps) and qps >= 0):
        problems.append(f"qps: must be finite and >= 0, got {qps!r}")
    _raise_if(problems)
    if qps == 0:
        return float(table[0])
    if qps >= replicas * batch / table[batch - 1]:
        return math.inf
    admitted = np.flatnonzero(_busy_replicas_needed(table[:batch], qps, percentile) <= replicas)
    return float(table[admitted[0]]) if admitted.size else math.inf


def server_feasible_necessary(
    service_s: np.ndarray,
    replicas: int,
    batch: int,
    qps: float,
    latency_bound_s: float,
    percentile: float = 99.0,
) -> bool:
    """False only if no timeout makes this design meet `percentile` latency <= latency_bound_s.

    NECESSARY conditions, all three must hold:
    1. stability: qps < capacity_qps(service_s, replicas, batch);
    2. service_s[0] <= latency_bound_s (no query finishes faster than a batch of one);
    3. utilization: qps * (p * fast + (1 - p) * cheapest) <= replicas, where p = percentile/100,
       cheapest = min over b <= batch of service_s[b-1] / b (replica time per query in the
       most efficient batch) and fast = the same minimum over the batches with
       service_s[b-1] <= latency_bound_s only.
       Proof: in the long run the replicas are busy at most a fraction 1 of the time, so the
       replica time spent per query, averaged over queries, is at most replicas / qps. A
       query in a batch of b costs service_s[b-1] / b of replica time. A fraction >= p of the
       queries meets the bound, so runs in a batch with service_s[b-1] <= latency_bound_s and
       costs >= fast; every other query costs >= cheapest; and fast >= cheapest. Hence the
       average cost is >= p * fast + (1 - p) * cheapest.
    Condition 3 is what makes a tight bound with a high load fail even when it is above
    service_s[0]: the bound forces small batches, and small batches cost replica time.
    """
    table, problems = _design(service_s, replicas, batch)
    problems += _positive_problems(qps=qps, latency_bound_s=latency_bound_s)
    _raise_if(problems + _percentile_problems(percentile))
    if not (qps < replicas * batch / table[batch - 1] and table[0] <= latency_bound_s):
        return False
    largest_fitting = np.searchsorted(table[:batch], latency_bound_s, side="right") - 1
    needed = _busy_replicas_needed(table[:batch], qps, percentile)[largest_fitting]
    return bool(needed <= replicas)


def _busy_replicas_needed(table: np.ndarray, qps: float, percentile: float) -> np.ndarray:
    """Left side of condition 3 of `server_feasible_necessary` for each bound table[k].

    The table is non-decreasing, so the batches that fit a bound table[k] are a prefix
    1..last(k), and `fast` is a running minimum of the replica time per query.
    """
    cost_per_query = table / np.arange(1, table.size + 1)
    last_fitting = np.searchsorted(table, table, side="right") - 1
    fast = np.minimum.accumulate(cost_per_query)[last_fitting]
    share = percentile / 100.0
    return qps * (share * fast + (1.0 - share) * cost_per_query.min())


def _design(service_s: np.ndarray, replicas: int, batch: int) -> tuple[np.ndarray, list[str]]:
    """The table as floats, and everything wrong with it, `replicas` and `batch`."""
    table = np.asarray(service_s, dtype=float)
    problems = service_table_problems(table)
    problems += integer_problems("replicas", replicas)
    problems += integer_problems("batch", batch)
    if isinstance(batch, numbers.Integral) and table.ndim == 1 and batch > table.size:
        problems.append(
            "`batch <= len(service_s)` must hold, but got "
            f"(batch={batch}, len(service_s)={table.size})"
        )
    return table, problems


def _positive_problems(**values: float) -> list[str]:
    return [
        f"{name}: must be finite and > 0, got {value!r}"
        for name, value in values.items()
        if not (isinstance(value, numbers.Real) and math.isfinite(value) and value > 0)
    ]


def _percentile_problems(percentile: float) -> list[str]:
    if isinstance(percentile, numbers.Real) and 0.0 < percentile < 100.0:
        return []
    return [f"percentile: must be in (0, 100), got {percentile!r}"]


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise ValueError("; ".join(problems))
