"""Speed of the serving simulator: simulated queries per second, and wall time to a stable p99.

    python benchmarks/bench_sim.py [--queries 2000000] [--repeats 5]

Each case is a seeded workload; the timed phases are `simulate` (the queueing itself,
`simulate_trace`) and `statistics` (percentiles, CI and drift check, `summarize_trace`).
Figures are medians over the repeats. The last table times `simulate_server` end to end with
an adaptive length until the 95% CI on p99 is within 2%, over seeds 0..repeats-1.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np

from synth.serving import (
    capacity_qps,
    poisson_arrivals,
    simulate_server,
    simulate_trace,
    summarize_trace,
)

TYPICAL_SERVICE_S = np.linspace(2e-3, 20e-3, 32)  # 2 ms for one query .. 20 ms for 32


@dataclasses.dataclass(frozen=True)
class Case:
    service_s: np.ndarray
    replicas: int
    max_batch: int
    timeout_s: float
    load: float  # arrival rate / capacity

    @property
    def arrival_rate_qps(self) -> float:
        return self.load * capacity_qps(self.service_s, self.replicas, self.max_batch)


CASES = {
    "batch 1, 1 replica, 70% load": Case(np.array([2e-3]), 1, 1, 0.0, 0.7),
    "batch 1, 4 replicas, 70% load": Case(np.array([2e-3]), 4, 1, 0.0, 0.7),
    "batch 32, timeout 5 ms, 4 replicas, 70% load": Case(TYPICAL_SERVICE_S, 4, 32, 5e-3, 0.7),
    "batch 32, timeout 5 ms, 4 replicas, 10% load": Case(TYPICAL_SERVICE_S, 4, 32, 5e-3, 0.1),
    "batch 32, timeout 0, 4 replicas, 10% load": Case(TYPICAL_SERVICE_S, 4, 32, 0.0, 0.1),
    "batch 32, timeout 5 ms, 4 replicas, 90% load": Case(TYPICAL_SERVICE_S, 4, 32, 5e-3, 0.9),
}
STABLE_P99_CASES = (
    "batch 32, timeout 5 ms, 4 replicas, 70% load",
    "batch 32, timeout 5 ms, 4 replicas, 90% load",
    "batch 1, 4 replicas, 70% load",
)


def time_phases(case: Case, n_queries: int, seed: int) -> tuple[float, float, float]:
    """Seconds spent simulating and summarizing one run, and its mean batch size."""
    arrivals = poisson_arrivals(case.arrival_rate_qps, n_queries, seed)
    started = time.perf_counter()
    trace = simulate_trace(
        arrivals, case.service_s, replicas=case.replicas, max_batch=case.max_batch,
        timeout_s=case.timeout_s,
    )
    simulated = time.perf_counter()
    result = summarize_trace(trace, seed=seed)
    summarized = time.perf_counter()
    return simulated - started, summarized - simulated, result.mean_batch_size


def time_to_stable_p99(case: Case, seed: int) -> tuple[float, int]:
    started = time.perf_counter()
    result = simulate_server(
        case.service_s, arrival_rate_qps=case.arrival_rate_qps, replicas=case.replicas,
        max_batch=case.max_batch, timeout_s=case.timeout_s, seed=seed, target_rel_halfwidth=0.02,
    )
    return time.perf_counter() - started, result.n_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    print(f"Simulated queries per second ({args.queries:,} queries, median of {args.repeats})\n")
    print(
        "| case | mean batch | simulate (s) | statistics (s) "
        "| queries/s simulate | queries/s end to end |"
    )
    print("|---|---|---|---|---|---|")
    for name, case in CASES.items():
        runs = [time_phases(case, args.queries, seed) for seed in range(args.repeats)]
        simulate_s = statistics.median(run[0] for run in runs)
        summary_s = statistics.median(run[1] for run in runs)
        print(
            f"| {name} | {runs[0][2]:.2f} | {simulate_s:.3f} | {summary_s:.3f} "
            f"| {args.queries / simulate_s:,.0f} | {args.queries / (simulate_s + summary_s):,.0f} |"
        )

    print(f"\nWall time to a p99 with a 95% CI within 2% (median of {args.repeats} seeds)\n")
    print("| case | wall time (s) | queries simulated, per seed |")
    print("|---|---|---|")
    for name in STABLE_P99_CASES:
        runs = [time_to_stable_p99(CASES[name], seed) for seed in range(args.repeats)]
        lengths = ", ".join(f"{n:,}" for _, n in runs)
        print(f"| {name} | {statistics.median(run[0] for run in runs):.3f} | {lengths} |")


if __name__ == "__main__":
    main()
