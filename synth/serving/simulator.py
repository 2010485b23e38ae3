"""Seeded discrete-event simulation of the MLPerf server scenario with dynamic batching.

The model (what Triton's and TF-Serving's dynamic batchers do): queries arrive as a Poisson
stream and wait in ONE FIFO queue shared by `replicas` identical replicas. A replica that is
free takes up to `max_batch` waiting queries. If fewer are waiting it holds the queue until
either `max_batch` are waiting or `timeout_s` has passed since the OLDEST waiting query
arrived, then runs what is there; timeout 0 runs whatever is waiting at once. Batches are
formed one at a time in queue order: while a replica holds the queue, another replica that
frees up finds nothing to take. A batch of b runs for service_s[b - 1] seconds. Latency =
completion time - arrival time.

How it runs fast (no event loop over queries):
- max_batch == 1: every query runs alone for the same time D = service_s[0], so FIFO start
  times are non-decreasing, and the replica that frees up first is always the one that served
  the query `replicas` places earlier. The queue therefore splits into `replicas` interleaved
  single-server queues, each solved by the Lindley recursion in closed form:
  start_j = j*D + max_{i<=j}(arrival_i - i*D), one numpy cumulative maximum.
- max_batch > 1: a Python loop over BATCHES, not queries. Arrival times are a sorted list, so
  how many queries have arrived by time t is a `bisect` on the window of the next max_batch
  queries (O(log max_batch)); the replicas' free times are a heap.

Statistics: the first 10% of queries (warm-up) and the last max_batch (whose batches were cut
short by the end of the stream) are discarded. Percentiles are order statistics (the
ceil(p*n)-th smallest, numpy's `inverted_cdf`). The 95% confidence interval on the requested
percentile is the distribution-free order-statistic interval [x_(n(p-h)), x_(n(p+h))] with the
normal approximation h = t * se; se is the standard error of the fraction of samples below the
estimate, the larger of the i.i.d. binomial value sqrt(p(1-p)/n) and its batch-means estimate
over 30 contiguous batches (latencies of successive queries are correlated, which the binomial
value ignores).

Monotonicity in load: `poisson_arrivals` compresses one stream in time as the rate grows, so
with max_batch 1 every latency is non-decreasing in load, run by run (the FIFO waiting time
is monotone in the gaps). With batching and a timeout this does not hold: more load fills
batches before the timeout, and p99 can fall (one replica, batches of up to 8 taking 1.0 to
1.7 ms, timeout 5 ms: p99 6.6 ms at 30% load, 5.3 ms at 70%).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import numbers

import numpy as np

from synth.serving.batching import ServingTrace, dynamic_batches, single_query_batches
from synth.serving.bounds import capacity_qps
from synth.serving.scenarios import integer_problems, service_table_problems
from synth.serving.statistics import is_drifting, order_statistic_ci, percentile_rank
from synth.vocabulary import SlaVerdict

WARMUP_FRACTION = 0.1
MIN_QUERIES = 1_000


class SimulationStatus(enum.Enum):
    """Why a run stopped. The first three carry finite latencies, the last two +inf."""

    CONVERGED = "converged"  # adaptive: the CI reached the target width
    FIXED_LENGTH = "fixed_length"  # n_queries was given; the CI is whatever it came out
    MAX_QUERIES = "max_queries"  # adaptive: max_queries reached, the CI is still wider
    UNSTABLE_LOAD = "unstable_load"  # arrival rate >= capacity: nothing simulated
    DRIFT = "drift"  # latencies still rising at the end of the (longest) run


@dataclasses.dataclass(frozen=True)
class ServingResult:
    """Latency percentiles (seconds) and throughput figures of one server-scenario run."""

    p50_s: float
    p90_s: float
    p99_s: float
    p999_s: float
    mean_s: float
    percentile: float
    percentile_s: float
    ci_low_s: float  # 95% confidence interval on percentile_s
    ci_high_s: float
    achieved_throughput_qps: float  # measured queries / (their last completion - first arrival)
    utilization: float  # busy fraction of the replicas over the whole run
    mean_batch_size: float
    n_queries: int  # simulated, warm-up included
    n_measured: int  # after discarding warm-up and tail
    seed: int | None  # None when the arrivals were given (`summarize_trace`)
    status: SimulationStatus

    @property
    def stable(self) -> bool:
        return self.status not in (SimulationStatus.UNSTABLE_LOAD, SimulationStatus.DRIFT)

    @property
    def ci_rel_halfwidth(self) -> float:
        """Half the CI width relative to the estimate (inf when not stable)."""
        if not self.stable:
            return math.inf
        return (self.ci_high_s - self.ci_low_s) / (2.0 * self.percentile_s)


@dataclasses.dataclass(frozen=True)
class SlaDecision:
    """Whether the percentile latency meets a bound, and the run that decided it."""

    status: SlaVerdict
    latency_bound_s: float
    result: ServingResult

    @property
    def meets_sla(self) -> bool:
        """True only for MET; UNDECIDED counts as not met, conservatively."""
        return self.status is SlaVerdict.met


def poisson_arrivals(arrival_rate_qps: float, n_queries: int, seed: int) -> np.ndarray:
    """Sorted arrival times (seconds, from 0) of `n_queries` Poisson arrivals at `arrival_rate_qps`.

    Scaled unit-rate gaps: one seed gives the same stream at every rate, compressed in time
    (common random numbers, so that comparisons across loads are not blurred by noise).
    """
    gaps = np.random.default_rng(seed).standard_exponential(n_queries)
    return np.cumsum(gaps) / arrival_rate_qps


def simulate_trace(
    arrival_s: np.ndarray, service_s: np.ndarray, *, replicas: int, max_batch: int, timeout_s: float
) -> ServingTrace:
    """Serve the sorted `arrival_s` as the module docstring describes; pure and deterministic."""
    table = np.asarray(service_s, dtype=float)
    arrivals = np.asarray(arrival_s, dtype=float)
    problems = _design_problems(table, replicas, max_batch, timeout_s)
    if arrivals.ndim != 1 or not (np.all(np.diff(arrivals) >= 0) and np.all(arrivals >= 0)):
        problems.append("arrival_s: must be a 1-D array of times >= 0 in increasing order")
    _raise_if(problems)
    if max_batch == 1:
        return single_query_batches(arrivals, float(table[0]), replicas)
    return dynamic_batches(arrivals, table[:max_batch], replicas, max_batch, timeout_s)


def simulate_server(
    service_s: np.ndarray,
    *,
    arrival_rate_qps: float,
    replicas: int,
    max_batch: int,
    timeout_s: float,
    seed: int,
    n_queries: int | None = None,
    percentile: float = 99.0,
    target_rel_halfwidth: float = 0.02,
    max_queries: int = 2_000_000,
    initial_queries: int = 50_000,
) -> ServingResult:
    """Simulate the server scenario; the same inputs and seed give bit-identical results.

    With `n_queries` the run has exactly that length (status FIXED_LENGTH). Without it the run
    starts at `initial_queries` and doubles, up to `max_queries`, until the 95% CI on the
    `percentile`-th latency is within `target_rel_halfwidth` of the estimate (CONVERGED) or
    the length runs out (MAX_QUERIES). Each longer run is a fresh run with the same seed.

    An arrival rate >= capacity (replicas * max_batch / service_s[max_batch - 1]) has no steady
    state: status UNSTABLE_LOAD and every latency +inf, without simulating. Latencies that are
    still rising at the end of the run (the longest one, when adaptive) give status DRIFT and
    +inf as well.
    """
    server = _Server.checked(
        service_s, arrival_rate_qps, replicas, max_batch, timeout_s, seed, percentile,
        lengths={
            "n_queries": n_queries,
            "max_queries": max_queries,
            "initial_queries": initial_queries,
        },
        positive={"target_rel_halfwidth": target_rel_halfwidth},
    )
    if n_queries is not None:
        return server.run(n_queries)
    for length in _doubling(initial_queries, max_queries):
        result = server.run(length)
        if result.status is SimulationStatus.UNSTABLE_LOAD:
            return result
        if result.ci_rel_halfwidth <= target_rel_halfwidth:
            return dataclasses.replace(result, status=SimulationStatus.CONVERGED)
    if not result.stable:
        return result
    return dataclasses.replace(result, status=SimulationStatus.MAX_QUERIES)


def decide_sla(
    service_s: np.ndarray,
    *,
    arrival_rate_qps: float,
    replicas: int,
    max_batch: int,
    timeout_s: float,
    latency_bound_s: float,
    seed: int,
    percentile: float = 99.0,
    max_queries: int = 2_000_000,
    initial_queries: int = 50_000,
) -> SlaDecision:
    """Decide `percentile` latency <= latency_bound_s, doubling the run while the CI straddles it.

    Runs as `simulate_server` does, but stops as soon as the 95% CI lies wholly on one side of
    the bound. A CI still straddling it at `max_queries` is UNDECIDED, which counts as not met.
    """
    server = _Server.checked(
        service_s, arrival_rate_qps, replicas, max_batch, timeout_s, seed, percentile,
        lengths={"max_queries": max_queries, "initial_queries": initial_queries},
        positive={"latency_bound_s": latency_bound_s},
    )
    for length in _doubling(initial_queries, max_queries):
        result = server.run(length)
        if result.status is SimulationStatus.UNSTABLE_LOAD:
            return SlaDecision(SlaVerdict.unstable, latency_bound_s, result)
        if result.stable and result.ci_high_s <= latency_bound_s:
            return SlaDecision(SlaVerdict.met, latency_bound_s, result)
        if result.stable and result.ci_low_s > latency_bound_s:
            return SlaDecision(SlaVerdict.not_met, latency_bound_s, result)
    status = SlaVerdict.undecided if result.stable else SlaVerdict.unstable
    return SlaDecision(status, latency_bound_s, result)


def summarize_trace(
    trace: ServingTrace, *, percentile: float = 99.0, seed: int | None = None
) -> ServingResult:
    """Statistics of a trace (see the module docstring); status FIXED_LENGTH or DRIFT (+inf)."""
    n = trace.arrival_s.size
    problems = []
    if n < max(MIN_QUERIES, 10 * trace.max_batch):
        problems.append(
            f"trace: must hold >= {MIN_QUERIES} queries and >= 10 * max_batch, got "
            f"(queries={n}, max_batch={trace.max_batch})"
        )
    if not (isinstance(percentile, numbers.Real) and 0 < percentile < 100):
        problems.append(f"percentile: must be in (0, 100), got {percentile!r}")
    _raise_if(problems)
    first = int(n * WARMUP_FRACTION)
    last = n - trace.max_batch  # one past the last measured query
    latency = trace.latency_s[first:last]
    count = latency.size
    levels = (50.0, 90.0, 99.0, 99.9, percentile)
    ordered = np.partition(latency, sorted({percentile_rank(level, count) for level in levels}))
    p50, p90, p99, p999, estimate = (float(ordered[percentile_rank(level, count)]) for level in levels)
    ci_low, ci_high = order_statistic_ci(latency, estimate, percentile / 100.0)
    latencies = [p50, p90, p99, p999, float(latency.mean()), estimate, ci_low, ci_high]
    status = SimulationStatus.FIXED_LENGTH
    if is_drifting(latency):
        status, latencies = SimulationStatus.DRIFT, [math.inf] * len(latencies)
    p50, p90, p99, p999, mean, estimate, ci_low, ci_high = latencies
    last_completion = float(trace.completion_s[first:last].max())
    return ServingResult(
        p50_s=p50,
        p90_s=p90,
        p99_s=p99,
        p999_s=p999,
        mean_s=mean,
        percentile=percentile,
        percentile_s=estimate,
        ci_low_s=ci_low,
        ci_high_s=ci_high,
        achieved_throughput_qps=count / (last_completion - float(trace.arrival_s[first])),
        utilization=trace.busy_s / (trace.replicas * float(trace.completion_s.max())),
        mean_batch_size=n / trace.batch_size.size,
        n_queries=n,
        n_measured=count,
        seed=seed,
        status=status,
    )


# ------------------------------------------------------------------------ runs and validation


@dataclasses.dataclass(frozen=True)
class _Server:
    """A validated server-scenario setup that runs for a given number of queries."""

    table: np.ndarray
    arrival_rate_qps: float
    replicas: int
    max_batch: int
    timeout_s: float
    seed: int
    percentile: float

    @classmethod
    def checked(
        cls,
        service_s: np.ndarray,
        arrival_rate_qps: float,
        replicas: int,
        max_batch: int,
        timeout_s: float,
        seed: int,
        percentile: float,
        *,
        lengths: dict[str, int | None],
        positive: dict[str, float],
    ) -> _Server:
        """Validate everything at once; every run length must hold >= MIN_QUERIES and 10 batches."""
        table = np.asarray(service_s, dtype=float)
        problems = _design_problems(table, replicas, max_batch, timeout_s)
        problems += integer_problems("seed", seed, minimum=0)
        if not (isinstance(percentile, numbers.Real) and 0 < percentile < 100):
            problems.append(f"percentile: must be in (0, 100), got {percentile!r}")
        shortest = MIN_QUERIES
        if isinstance(max_batch, numbers.Integral):
            shortest = max(MIN_QUERIES, 10 * max_batch)
        for name, length in lengths.items():
            if length is not None:
                problems += integer_problems(name, length, minimum=shortest)
        for name, value in {"arrival_rate_qps": arrival_rate_qps, **positive}.items():
            if not (isinstance(value, numbers.Real) and math.isfinite(value) and value > 0):
                problems.append(f"{name}: must be finite and > 0, got {value!r}")
        _raise_if(problems)
        return cls(table, arrival_rate_qps, replicas, max_batch, timeout_s, seed, percentile)

    def run(self, n_queries: int) -> ServingResult:
        capacity = capacity_qps(self.table, self.replicas, self.max_batch)
        if self.arrival_rate_qps >= capacity:
            return self._saturated(capacity)
        trace = simulate_trace(
            poisson_arrivals(self.arrival_rate_qps, n_queries, self.seed),
            self.table,
            replicas=self.replicas,
            max_batch=self.max_batch,
            timeout_s=self.timeout_s,
        )
        return summarize_trace(trace, percentile=self.percentile, seed=self.seed)

    def _saturated(self, capacity: float) -> ServingResult:
        """A load at or above capacity: replicas always busy with full batches, no steady state."""
        return ServingResult(
            p50_s=math.inf,
            p90_s=math.inf,
            p99_s=math.inf,
            p999_s=math.inf,
            mean_s=math.inf,
            percentile=self.percentile,
            percentile_s=math.inf,
            ci_low_s=math.inf,
            ci_high_s=math.inf,
            achieved_throughput_qps=capacity,
            utilization=1.0,
            mean_batch_size=float(self.max_batch),
            n_queries=0,
            n_measured=0,
            seed=self.seed,
            status=SimulationStatus.UNSTABLE_LOAD,
        )


def _doubling(initial: int, maximum: int) -> list[int]:
    """Run lengths initial, 2*initial, ... capped at maximum, which is always the last."""
    lengths = [min(initial, maximum)]
    while lengths[-1] < maximum:
        lengths.append(min(2 * lengths[-1], maximum))
    return lengths


def _design_problems(
    table: np.ndarray, replicas: int, max_batch: int, timeout_s: float
) -> list[str]:
    problems = service_table_problems(table)
    problems += integer_problems("replicas", replicas)
    problems += integer_problems("max_batch", max_batch)
    if isinstance(max_batch, numbers.Integral) and table.ndim == 1 and max_batch > table.size:
        problems.append(
            "`max_batch <= len(service_s)` must hold, but got "
            f"(max_batch={max_batch}, len(service_s)={table.size})"
        )
    if not (isinstance(timeout_s, numbers.Real) and math.isfinite(timeout_s) and timeout_s >= 0):
        problems.append(f"timeout_s: must be finite and >= 0, got {timeout_s!r}")
    return problems


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise ValueError("; ".join(problems))
