"""Necessary conditions: values computed by hand, and never stricter than the simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.serving.bounds import (
    capacity_qps,
    latency_lower_bound,
    min_replicas_for_load,
    server_feasible_necessary,
)
from synth.serving.simulator import decide_sla, simulate_server
from synth.vocabulary import SlaVerdict

SLOW_GROWTH_S = 1e-3 + 0.1e-3 * np.arange(8)  # 1.0 ms for one query .. 1.7 ms for eight
AFFINE_S = 1e-3 + 0.5e-3 * np.arange(1, 9)  # 1.5 ms .. 5 ms


def test_capacity_and_min_replicas_by_hand():
    service = np.array([1e-3, 2e-3, 3e-3, 4e-3])
    assert capacity_qps(service, replicas=3, batch=4) == pytest.approx(3000.0)
    assert capacity_qps(service, replicas=1, batch=2) == pytest.approx(1000.0)
    assert min_replicas_for_load(service, batch=4, qps=2999.0) == 3
    assert min_replicas_for_load(service, batch=4, qps=3000.0) == 4  # at capacity: unstable


@settings(max_examples=200, deadline=None)
@given(batch=st.integers(1, 8), qps=st.floats(1.0, 1e5))
def test_min_replicas_is_the_fewest_with_enough_capacity(batch, qps):
    replicas = min_replicas_for_load(AFFINE_S, batch, qps)
    assert capacity_qps(AFFINE_S, replicas, batch) > qps
    assert replicas == 1 or capacity_qps(AFFINE_S, replicas - 1, batch) <= qps


def test_latency_lower_bound_by_hand():
    assert latency_lower_bound(SLOW_GROWTH_S, 8) == pytest.approx(1.0e-3)
    # qps 1500, one replica, p99. A 1.0 ms bound forces batches of one, which cost 1.0 ms of
    # replica time per query: 1500 * (0.99 * 1.0 + 0.01 * 1.7/8) ms = 1.49 > 1, impossible.
    # At 1.1 ms batches of two fit (0.55 ms per query): 1500 * (0.99*0.55 + 0.01*0.2125) ms
    # = 0.82 <= 1. So the bound is 1.1 ms.
    bound = latency_lower_bound(SLOW_GROWTH_S, 8, qps=1500.0, replicas=1, percentile=99.0)
    assert bound == pytest.approx(1.1e-3)
    assert latency_lower_bound(SLOW_GROWTH_S, 8, qps=8 / 1.7e-3, replicas=1) == math.inf


def test_utilization_condition_rejects_what_capacity_alone_accepts():
    qps, bound = 1500.0, 1.05e-3
    assert qps < capacity_qps(SLOW_GROWTH_S, replicas=1, batch=8)
    assert not server_feasible_necessary(SLOW_GROWTH_S, 1, 8, qps, bound)
    for timeout_s in (0.0, 0.5e-3):  # and indeed the simulator finds no timeout that works
        decision = decide_sla(
            SLOW_GROWTH_S, arrival_rate_qps=qps, replicas=1, max_batch=8, timeout_s=timeout_s,
            latency_bound_s=bound, seed=1,
        )
        assert decision.status is SlaVerdict.not_met


@pytest.mark.parametrize("replicas", (1, 2))
@pytest.mark.parametrize("batch", (1, 4, 8))
@pytest.mark.parametrize("timeout_s", (0.0, 2e-3))
@pytest.mark.parametrize("load", (0.3, 0.6, 0.9))
def test_bounds_never_exceed_what_the_simulator_measures(replicas, batch, timeout_s, load):
    qps = load * capacity_qps(AFFINE_S, replicas, batch)
    result = simulate_server(
        AFFINE_S, arrival_rate_qps=qps, replicas=replicas, max_batch=batch, timeout_s=timeout_s,
        seed=3, n_queries=50_000,
    )
    lower = latency_lower_bound(AFFINE_S, batch, qps=qps, replicas=replicas, percentile=99.0)
    assert AFFINE_S[0] <= lower <= result.ci_high_s
    for factor in (0.9, 1.0, 1.1, 2.0):
        sla_s = factor * result.p99_s
        if result.ci_high_s <= sla_s:  # the simulator says met: the MILP must not cut it off
            assert server_feasible_necessary(AFFINE_S, replicas, batch, qps, sla_s, 99.0)


@settings(max_examples=200, deadline=None)
@given(
    replicas=st.integers(1, 8),
    batch=st.integers(1, 8),
    qps=st.floats(1.0, 20_000.0),
    bound_s=st.floats(1e-4, 0.1),
    percentile=st.floats(50.0, 99.9),
)
def test_necessary_condition_is_monotone(replicas, batch, qps, bound_s, percentile):
    """Less load or a looser bound never turns a passing design into a failing one."""
    if server_feasible_necessary(AFFINE_S, replicas, batch, qps, bound_s, percentile):
        assert server_feasible_necessary(AFFINE_S, replicas, batch, qps / 2, bound_s, percentile)
        assert server_feasible_necessary(AFFINE_S, replicas, batch, qps, 2 * bound_s, percentile)
        assert server_feasible_necessary(AFFINE_S, replicas + 1, batch, qps, bound_s, percentile)
        lower = latency_lower_bound(
            AFFINE_S, batch, qps=qps, replicas=replicas, percentile=percentile
        )
        assert lower <= bound_s


def test_invalid_inputs_are_reported_all_at_once():
    with pytest.raises(ValueError) as error:
        server_feasible_necessary(np.array([1e-3, 2e-3]), 0, 3, -5.0, 0.0)
    message = str(error.value)
    for fragment in ("replicas", "batch <= len(service_s)", "qps", "latency_bound_s"):
        assert fragment in message
