"""The server-scenario simulator against queueing theory and a brute-force event simulator.

Oracles, all written here independently of the code under test:
- M/D/1: the Pollaczek-Khinchine mean and Erlang's (Crommelin's) waiting-time distribution,
  summed in 60-digit decimal arithmetic because its terms alternate and grow huge;
- M/D/c: the waiting-time distribution from the stationary law of the number in system
  sampled every D (the embedded chain Q' = max(Q - c, 0) + Poisson(lambda*D), solved
  numerically), see `mdc_wait_cdf`; it reproduces Erlang's formula for c = 1 (tested);
- dynamic batching: an event-by-event simulator (a heap of arrival / completion / timer events
  and a deque of waiting queries), a different algorithm from the batch loop under test.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from decimal import Decimal, localcontext
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from synth.serving.scenarios import (
    multi_stream_latency,
    offline_throughput,
    single_stream_latency,
)
from synth.serving.simulator import (
    SimulationStatus,
    decide_sla,
    poisson_arrivals,
    simulate_server,
    simulate_trace,
    summarize_trace,
)
from synth.vocabulary import MULTI_STREAM_SAMPLES, Scenario, SlaVerdict

SERVICE_S = 1e-3  # batch-of-one service time D of the queueing-theory cases
SEED = 2024
LOADS = (0.3, 0.5, 0.7, 0.9)


# ---------------------------------------------------------------------------------- oracles


def md1_wait_cdf(t: float, rate: float, service: float) -> float:
    """Erlang: P(W <= t) = (1 - rho) sum_{k=0}^{floor(t/D)} x_k^k / k! exp(-x_k),

    x_k = lambda (k D - t) <= 0. The terms alternate in sign and reach ~1e12 at load 0.9 and
    t = 25 D, so they are summed with 60 significant digits.
    """
    with localcontext() as context:
        context.prec = 60
        rho = Decimal(rate) * Decimal(service)
        t_over_d = Decimal(t) / Decimal(service)
        total = Decimal(0)
        for k in range(int(t_over_d) + 1):
            x = rho * (k - t_over_d)  # lambda * (k*D - t) <= 0
            total += (x**k if k else Decimal(1)) / math.factorial(k) * (-x).exp()
        return float((1 - rho) * total)


def mdc_number_in_system(
    rate: float, service: float, servers: int, states: int = 600
) -> np.ndarray:
    """Stationary law of Q, the number in an M/D/c system, from Q(t+D) = max(Q(t)-c, 0) + A.

    With deterministic service D, the (at most c) queries in service at t have left by t+D;
    every other query present at t is still there at t+D (it starts after t and runs for D),
    and so is every arrival in (t, t+D]: A ~ Poisson(lambda D). Truncated at `states`; at load 0.9 the mass beyond state 300 is
    below 1e-12.
    """
    arrivals = stats.poisson.pmf(np.arange(states), rate * service)
    transition = np.zeros((states, states))
    for now in range(states):
        left = max(now - servers, 0)
        transition[now, left:] = arrivals[: states - left]
    transition[:, -1] += 1.0 - transition.sum(axis=1)
    system = transition.T - np.eye(states)
    system[-1, :] = 1.0
    rhs = np.zeros(states)
    rhs[-1] = 1.0
    return np.linalg.solve(system, rhs)


def mdc_wait_cdf(y: float, rate: float, service: float, servers: int, law: np.ndarray) -> float:
    """P(W <= kD + u) = P(max(Q - c, 0) + A_{D-u} <= (k+1)c - 1), 0 <= u < D.

    Derivation: a query C arriving at t has waited <= y iff at most c of the queries that
    arrived up to t (C included) are still present at t + y (FIFO: those ahead of C are all in
    service if C is). Those early queries evolve by M -> max(M - c, 0) over every D, so the
    condition at y = kD + u is M(t + u) <= (k+1)c. Looking back from t+u to v = t+u-D:
    M(t + u) = max(Q(v) - c, 0) + (arrivals in (v, t)) + 1 (C itself); Q(v) has the
    stationary law, the arrivals are Poisson(lambda (D - u)) and independent of it (PASTA).
    """
    k, u = divmod(y, service)
    threshold = (int(k) + 1) * servers - 1
    excess = np.concatenate(([law[: servers + 1].sum()], law[servers + 1 :]))  # max(Q - c, 0)
    j = np.arange(min(threshold, excess.size - 1) + 1)
    return float((excess[j] * stats.poisson.cdf(threshold - j, rate * (service - u))).sum())


def quantile(cdf, share: float, scale: float) -> float:
    """Smallest t with cdf(t) >= share, by bisection (cdf non-decreasing)."""
    if cdf(0.0) >= share:
        return 0.0
    low, high = 0.0, scale
    while cdf(high) < share:
        low, high = high, 2 * high
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (low, middle) if cdf(middle) >= share else (middle, high)
    return high


def event_driven_completions(arrivals, service_s, replicas, max_batch, timeout_s) -> np.ndarray:
    """Brute force: process arrival, completion and timer events one at a time from a heap."""
    arrival, done, timer = 0, 1, 2
    events = [(t, arrival, query) for query, t in enumerate(arrivals)]
    heapq.heapify(events)
    waiting: deque[int] = deque()
    idle = replicas
    completion = np.full(len(arrivals), np.nan)
    while events:
        now, kind, query = heapq.heappop(events)
        if kind == arrival:
            waiting.append(query)
        elif kind == done:
            idle += 1
        while idle and waiting:
            deadline = arrivals[waiting[0]] + timeout_s
            if len(waiting) < max_batch and now < deadline:
                heapq.heappush(events, (deadline, timer, -1))
                break
            batch = [waiting.popleft() for _ in range(min(max_batch, len(waiting)))]
            finish = now + service_s[len(batch) - 1]
            completion[batch] = finish
            idle -= 1
            heapq.heappush(events, (finish, done, -1))
    return completion


@cache
def batch_one_run(replicas: int, load: float):
    """One long batch-1 run per case, shared by the mean and percentile tests."""
    n_queries = 8_000_000 if load >= 0.9 else 2_000_000
    return simulate_server(
        np.array([SERVICE_S]),
        arrival_rate_qps=load * replicas / SERVICE_S,
        replicas=replicas,
        max_batch=1,
        timeout_s=0.0,
        seed=SEED,
        n_queries=n_queries,
    )


# ------------------------------------------------------------------- queueing theory (batch 1)


def test_oracles_agree_for_one_server():
    rate = 0.9 / SERVICE_S
    law = mdc_number_in_system(rate, SERVICE_S, 1)
    for t in (0.0, 0.4e-3, 1e-3, 2.7e-3, 10e-3, 25e-3):
        assert mdc_wait_cdf(t, rate, SERVICE_S, 1, law) == pytest.approx(
            md1_wait_cdf(t, rate, SERVICE_S), abs=1e-9
        )


@pytest.mark.parametrize("load", LOADS)
def test_md1_mean_matches_pollaczek_khinchine(load):
    expected = SERVICE_S + load * SERVICE_S / (2 * (1 - load))
    assert batch_one_run(1, load).mean_s == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("load", LOADS)
def test_md1_percentiles_match_erlang(load):
    rate = load / SERVICE_S
    result = batch_one_run(1, load)
    for level, measured in ((50, result.p50_s), (90, result.p90_s), (99, result.p99_s)):
        wait = quantile(lambda t: md1_wait_cdf(t, rate, SERVICE_S), level / 100, SERVICE_S)
        assert measured == pytest.approx(SERVICE_S + wait, rel=0.03), level


@pytest.mark.parametrize("replicas", (2, 4))
@pytest.mark.parametrize("load", LOADS)
def test_mdc_percentiles_match_embedded_chain(replicas, load):
    rate = load * replicas / SERVICE_S
    law = mdc_number_in_system(rate, SERVICE_S, replicas)
    result = batch_one_run(replicas, load)
    for level, measured in ((50, result.p50_s), (90, result.p90_s), (99, result.p99_s)):
        wait = quantile(
            lambda y: mdc_wait_cdf(y, rate, SERVICE_S, replicas, law), level / 100, SERVICE_S
        )
        assert measured == pytest.approx(SERVICE_S + wait, rel=0.03), level


@pytest.mark.parametrize("replicas", (1, 4))
def test_utilization_and_throughput_match_offered_load(replicas):
    result = batch_one_run(replicas, 0.7)
    assert result.utilization == pytest.approx(0.7, rel=0.01)
    assert result.achieved_throughput_qps == pytest.approx(0.7 * replicas / SERVICE_S, rel=0.01)
    assert result.mean_batch_size == 1.0


# ------------------------------------------------------------ dynamic batching vs brute force

AFFINE_S = 1e-3 + 0.5e-3 * np.arange(1, 9)  # 1.5 ms for one query .. 5 ms for eight


@pytest.mark.parametrize(
    ("replicas", "timeout_s", "load"),
    [
        (2, 2e-3, 0.3),
        (2, 2e-3, 0.7),
        (2, 2e-3, 0.95),
        (2, 0.0, 0.6),
        (3, 1e-3, 0.8),
        (1, 5e-3, 0.5),
    ],
)
def test_batching_matches_event_driven_simulator(replicas, timeout_s, load):
    rate = load * replicas * 8 / AFFINE_S[-1]
    arrivals = np.cumsum(np.random.default_rng(7).exponential(1 / rate, size=60_000))
    expected = event_driven_completions(
        arrivals.tolist(), AFFINE_S.tolist(), replicas, 8, timeout_s
    )
    trace = simulate_trace(arrivals, AFFINE_S, replicas=replicas, max_batch=8, timeout_s=timeout_s)
    np.testing.assert_allclose(trace.completion_s, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("replicas", (1, 3))
def test_batch_one_shortcut_matches_event_driven_simulator(replicas):
    """max_batch 1 takes the interleaved-Lindley path, not the batch loop: check it too."""
    rate = 0.85 * replicas / SERVICE_S
    arrivals = np.cumsum(np.random.default_rng(8).exponential(1 / rate, size=60_000))
    expected = event_driven_completions(arrivals.tolist(), [SERVICE_S], replicas, 1, 0.0)
    trace = simulate_trace(
        arrivals, np.array([SERVICE_S, 2 * SERVICE_S]), replicas=replicas, max_batch=1,
        timeout_s=1e-3,
    )
    np.testing.assert_allclose(trace.completion_s, expected, rtol=1e-12, atol=0)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    replicas=st.integers(1, 4),
    max_batch=st.integers(1, 6),
    increments_ms=st.lists(st.floats(0.0, 3.0), min_size=6, max_size=6),
    timeout_ms=st.sampled_from([0.0, 0.5, 2.0, 10.0]),
    load=st.floats(0.05, 0.99),
)
def test_any_batching_setup_matches_event_driven_simulator(
    seed, replicas, max_batch, increments_ms, timeout_ms, load
):
    service_s = 1e-3 * (0.5 + np.cumsum(increments_ms))
    rate = load * replicas * max_batch / service_s[max_batch - 1]
    arrivals = np.cumsum(np.random.default_rng(seed).exponential(1 / rate, size=3_000))
    expected = event_driven_completions(
        arrivals.tolist(), service_s.tolist(), replicas, max_batch, timeout_ms * 1e-3
    )
    trace = simulate_trace(
        arrivals, service_s, replicas=replicas, max_batch=max_batch, timeout_s=timeout_ms * 1e-3
    )
    np.testing.assert_allclose(trace.completion_s, expected, rtol=1e-12, atol=0)
    assert trace.batch_size.sum() == arrivals.size
    assert np.all(np.diff(trace.batch_start_s) >= 0)


def test_batching_percentiles_match_event_driven_simulator():
    replicas, rate, n_queries = 2, 0.7 * 2 * 8 / AFFINE_S[-1], 60_000
    result = simulate_server(
        AFFINE_S, arrival_rate_qps=rate, replicas=replicas, max_batch=8, timeout_s=2e-3,
        seed=SEED, n_queries=n_queries,
    )
    arrivals = poisson_arrivals(rate, n_queries, SEED)
    completion = event_driven_completions(arrivals.tolist(), AFFINE_S.tolist(), replicas, 8, 2e-3)
    latency = (completion - arrivals)[n_queries // 10 : n_queries - 8]
    for level, measured in ((50, result.p50_s), (90, result.p90_s), (99, result.p99_s)):
        oracle = np.percentile(latency, level, method="inverted_cdf")
        assert measured == pytest.approx(oracle, rel=0.01), level
    assert result.mean_s == pytest.approx(latency.mean(), rel=1e-9)


# ------------------------------------------------------------------------------- properties


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    replicas=st.integers(1, 3),
    loads=st.lists(st.floats(0.05, 0.95), min_size=2, max_size=4, unique=True),
)
def test_p99_never_decreases_with_load_at_batch_one(seed, replicas, loads):
    def p99(load):
        return simulate_server(
            np.array([SERVICE_S]), arrival_rate_qps=load * replicas / SERVICE_S,
            replicas=replicas, max_batch=1, timeout_s=0.0, seed=seed, n_queries=20_000,
        ).p99_s

    tails = [p99(load) for load in sorted(loads)]
    # Tolerance: times reach ~100 s, so latencies carry rounding of a few 1e-14 s.
    assert all(later >= earlier * (1 - 1e-9) for earlier, later in zip(tails, tails[1:]))


def test_with_a_timeout_more_load_can_lower_p99():
    """Why monotonicity is claimed at batch 1 only (simulator docstring): batches fill sooner."""
    service = 1e-3 + 0.1e-3 * np.arange(8)

    def p99(load):
        return simulate_server(
            service, arrival_rate_qps=load * 8 / service[-1], replicas=1, max_batch=8,
            timeout_s=5e-3, seed=1, n_queries=100_000,
        ).p99_s

    assert p99(0.7) < 0.9 * p99(0.3)


@pytest.mark.parametrize("replicas", (1, 3))
def test_timeout_zero_never_holds_a_query_while_a_replica_idles(replicas):
    """Work conservation: a query waits only while every replica is busy, and then starts the
    moment a replica frees up."""
    rate = 0.6 * replicas * 8 / AFFINE_S[-1]
    arrivals = poisson_arrivals(rate, 20_000, SEED)
    trace = simulate_trace(arrivals, AFFINE_S, replicas=replicas, max_batch=8, timeout_s=0.0)
    starts = trace.batch_start_s
    finishes = np.sort(starts + AFFINE_S[trace.batch_size - 1])
    query_start = np.repeat(starts, trace.batch_size)
    waited = query_start > arrivals
    running_at_arrival = np.searchsorted(starts, arrivals, side="right") - np.searchsorted(
        finishes, arrivals, side="right"
    )
    assert waited.any()
    assert np.all(running_at_arrival[waited] == replicas)
    assert np.all(np.isin(query_start[waited], finishes))
    assert np.all(query_start[~waited] == arrivals[~waited])


def test_timeout_holds_queries_at_low_load():
    """The contrast that keeps the previous test honest: with a timeout, queries do wait idle."""
    arrivals = poisson_arrivals(0.1 * 8 / AFFINE_S[-1], 20_000, SEED)
    trace = simulate_trace(arrivals, AFFINE_S, replicas=1, max_batch=8, timeout_s=2e-3)
    assert np.mean(np.repeat(trace.batch_start_s, trace.batch_size) > arrivals) > 0.5


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    replicas=st.integers(1, 4),
    max_batch=st.integers(1, 8),
    timeout_s=st.sampled_from([0.0, 1e-3, 5e-3]),
    load=st.floats(0.05, 0.999),
)
def test_achieved_throughput_never_exceeds_capacity(seed, replicas, max_batch, timeout_s, load):
    capacity = replicas * max_batch / AFFINE_S[max_batch - 1]
    result = simulate_server(
        AFFINE_S, arrival_rate_qps=load * capacity, replicas=replicas, max_batch=max_batch,
        timeout_s=timeout_s, seed=seed, n_queries=5_000,
    )
    assert result.achieved_throughput_qps <= capacity * (1 + 1e-12)
    assert 0.0 < result.utilization <= 1.0


def test_same_seed_same_numbers_and_other_seed_other_numbers():
    def run(seed, max_batch):
        rate = 0.6 * 2 * max_batch / AFFINE_S[max_batch - 1]
        return simulate_server(
            AFFINE_S, arrival_rate_qps=rate, replicas=2, max_batch=max_batch, timeout_s=1e-3,
            seed=seed,
        )

    for max_batch in (1, 8):
        assert run(5, max_batch) == run(5, max_batch)
        assert run(5, max_batch).p99_s != run(6, max_batch).p99_s
        assert run(5, max_batch).seed == 5


@pytest.mark.parametrize("overload", (1.0, 1.3))
def test_load_at_or_above_capacity_is_unstable_with_infinite_latency(overload):
    capacity = 2 * 8 / AFFINE_S[-1]
    result = simulate_server(
        AFFINE_S, arrival_rate_qps=overload * capacity, replicas=2, max_batch=8,
        timeout_s=1e-3, seed=SEED,
    )
    assert not result.stable
    assert result.status is SimulationStatus.UNSTABLE_LOAD
    for latency in (result.p50_s, result.p99_s, result.p999_s, result.mean_s, result.ci_high_s):
        assert latency == math.inf
    assert result.achieved_throughput_qps == pytest.approx(capacity)


def test_a_growing_queue_is_reported_as_drift():
    """Arrivals beyond capacity fed in directly (no capacity check): the queue grows linearly."""
    capacity = 8 / AFFINE_S[-1]
    trace = simulate_trace(
        poisson_arrivals(1.05 * capacity, 50_000, SEED), AFFINE_S, replicas=1, max_batch=8,
        timeout_s=1e-3,
    )
    result = summarize_trace(trace)
    assert result.status is SimulationStatus.DRIFT
    assert not result.stable and result.p99_s == math.inf


def test_stable_loads_are_not_reported_as_drift():
    for seed in range(10):
        trace = simulate_trace(
            poisson_arrivals(0.9 / SERVICE_S, 50_000, seed), np.array([SERVICE_S]), replicas=1,
            max_batch=1, timeout_s=0.0,
        )
        assert summarize_trace(trace, seed=seed).status is SimulationStatus.FIXED_LENGTH


def test_adaptive_run_stops_when_the_interval_is_narrow_enough():
    service = np.linspace(2e-3, 20e-3, 32)
    result = simulate_server(
        service, arrival_rate_qps=0.7 * 4 * 32 / 20e-3, replicas=4, max_batch=32, timeout_s=5e-3,
        seed=SEED,
    )
    assert result.status is SimulationStatus.CONVERGED
    assert result.ci_rel_halfwidth <= 0.02
    assert result.ci_low_s <= result.p99_s <= result.ci_high_s
    assert result.p50_s <= result.p90_s <= result.p99_s <= result.p999_s


def test_adaptive_run_reports_when_it_runs_out_of_queries():
    result = simulate_server(
        np.array([SERVICE_S]), arrival_rate_qps=0.95 / SERVICE_S, replicas=1, max_batch=1,
        timeout_s=0.0, seed=SEED, target_rel_halfwidth=1e-4, max_queries=100_000,
    )
    assert result.status is SimulationStatus.MAX_QUERIES
    assert result.n_queries == 100_000 and result.stable


def test_decide_sla_answers_met_not_met_and_undecided():
    kwargs = dict(
        arrival_rate_qps=0.5 / SERVICE_S, replicas=1, max_batch=1, timeout_s=0.0, seed=SEED
    )
    p99 = simulate_server(np.array([SERVICE_S]), **kwargs, n_queries=50_000).p99_s
    met = decide_sla(np.array([SERVICE_S]), **kwargs, latency_bound_s=2 * p99)
    missed = decide_sla(np.array([SERVICE_S]), **kwargs, latency_bound_s=0.5 * p99)
    straddled = decide_sla(
        np.array([SERVICE_S]), **kwargs, latency_bound_s=p99, max_queries=50_000
    )
    assert (met.status, met.meets_sla) == (SlaVerdict.met, True)
    assert (missed.status, missed.meets_sla) == (SlaVerdict.not_met, False)
    assert (straddled.status, straddled.meets_sla) == (SlaVerdict.undecided, False)
    overloaded = decide_sla(
        np.array([SERVICE_S]), **{**kwargs, "arrival_rate_qps": 2 / SERVICE_S}, latency_bound_s=1.0
    )
    assert (overloaded.status, overloaded.meets_sla) == (SlaVerdict.unstable, False)


def test_invalid_inputs_are_reported_all_at_once():
    with pytest.raises(ValueError) as error:
        simulate_server(
            np.array([2e-3, 1e-3]), arrival_rate_qps=-1.0, replicas=0, max_batch=3, timeout_s=-1.0,
            seed=1, n_queries=10,
        )
    message = str(error.value)
    for fragment in ("non-decreasing", "replicas", "max_batch <= len(service_s)", "timeout_s",
                     "arrival_rate_qps", "n_queries"):
        assert fragment in message


# -------------------------------------------------------------------------------- scenarios


def test_scenario_defaults_follow_mlperf():
    assert Scenario.single_stream.default_percentile == 90.0
    assert Scenario.multi_stream.default_percentile == 99.0
    assert Scenario.server.default_percentile == 99.0
    assert Scenario.offline.default_percentile is None
    assert Scenario.multi_stream.samples_per_query == MULTI_STREAM_SAMPLES == 8
    assert Scenario("server") is Scenario.server


def test_single_stream_and_offline():
    service = np.array([2e-3, 3e-3, 4e-3, 5e-3])
    assert single_stream_latency(service) == 2e-3
    assert offline_throughput(service, replicas=3) == pytest.approx(3 * 4 / 5e-3)


@pytest.mark.parametrize(
    ("replicas", "max_batch", "expected_s"),
    [
        (1, 8, 9e-3),  # one batch of 8
        (2, 8, 5e-3),  # a batch of 4 on each replica
        (3, 8, 4e-3),  # shares 3, 3, 2: the busiest runs 3
        (8, 8, 2e-3),  # one sample each
        (16, 8, 2e-3),
        (1, 3, 3 * 4e-3),  # 8 samples in batches of 3: three rounds, the last charged in full
        (2, 2, 2 * 3e-3),  # 4 samples per replica in two rounds of 2
    ],
)
def test_multi_stream_latency(replicas, max_batch, expected_s):
    service = 1e-3 + 1e-3 * np.arange(1, max_batch + 1)
    assert multi_stream_latency(service, replicas) == pytest.approx(expected_s)


def test_public_surface_is_listed_once():
    import synth.serving as serving

    assert sorted(serving.__all__) == serving.__all__
    for name in serving.__all__:
        assert name.isupper() or getattr(serving, name).__module__.startswith("synth.serving.")
