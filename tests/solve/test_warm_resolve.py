"""Warm re-solves (synth/solve/resolver.py) against cold ones.

A trade-off point re-solved on the kept model (its tightening rows, known designs, a changed
requirement row, hardware cuts dropped) must prove the same objective value as a fresh
`synthesize` of the same requirements; ties may pick another design (TOOLCHAIN.md), so values
are compared, not designs.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

import synth
from synth.solve.resolver import Resolver
from synth.solve.tradeoffs import RESOLVE, _with_bound
from synth.vocabulary import Objective, SolutionStatus

ROOT = Path(__file__).parents[2]
# The warm side runs the honesty loop alone (the chooser's enumeration off), so the kept model
# is what is tested; the cold side is the default search (enumeration first on this space).
UNBUDGETED = RESOLVE.with_changes(max_milp_solves=None, milp_max_nodes=None, scan_checks=0)


def _cold(req):
    return synth.synthesize(req, RESOLVE.with_changes(max_milp_solves=None, milp_max_nodes=None), seed=0)


@pytest.mark.parametrize(("metric", "factors"), [("latency", (1.0, 0.6, 0.3, 2.0)), ("power", (1.0, 1.5, 0.8))])
def test_a_warm_front_point_equals_the_cold_solve(metric, factors):
    req = synth.load_requirements(ROOT / "problems" / "mobile_face_recognition.yaml")
    base = _cold(req)
    assert base.status is SolutionStatus.optimal
    resolver = Resolver(req.objective, seed=0, budget=UNBUDGETED)
    start = (base.evaluation.workloads[0].latency_at_percentile_ms if metric == "latency"
             else base.evaluation.system.power_w["peak"])
    for factor in factors:
        variant = _with_bound(req, metric, start * factor)
        warm = resolver.solve(variant, deadline=time.perf_counter() + 300)
        cold = _cold(variant)
        assert warm.status is cold.status
        if cold.status is SolutionStatus.optimal:
            assert math.isclose(warm.certificate.objective, cold.certificate.objective, rel_tol=1e-9)
            assert warm.evaluation.feasible
    assert resolver.cold == 1 and resolver.warm == len(factors) - 1


def test_a_change_outside_the_limits_builds_a_new_model():
    req = synth.load_requirements(ROOT / "problems" / "mobile_face_recognition.yaml")
    resolver = Resolver(Objective.min_power, seed=0, budget=UNBUDGETED)
    resolver.solve(req, deadline=time.perf_counter() + 300)
    workloads = [w.model_copy(update={"max_accuracy_drop_pct": 5.0}) for w in req.workloads]
    changed = req.model_copy(update={"workloads": workloads})
    changed._source = req.source
    result = resolver.solve(changed, deadline=time.perf_counter() + 300)
    assert resolver.cold == 2
    assert math.isclose(result.certificate.objective, _cold(changed).certificate.objective, rel_tol=1e-9)
