"""The method chooser (synth/solve/chooser.py) against the brute-force oracle of
test_optimality.py, on hardware objectives: the enumeration alone (a budget large enough to
finish), the MILP alone (budget 0), and the hand-over after one checked point (the MILP then
starts from the enumeration's floor) must all prove the oracle's optimum, or infeasibility."""

from __future__ import annotations

import math

import pytest

import synth
from tests.solve.test_optimality import brute_force, random_requirements

HARDWARE = ("min_power", "min_area", "min_unit_cost")


@pytest.mark.parametrize("seed", range(12))
def test_every_scan_budget_proves_the_brute_force_optimum(seed):
    data = random_requirements(seed)
    data["objective"] = HARDWARE[seed % 3]
    req = synth.load_requirements(data)
    status, value = brute_force(req)
    for checks in (0, 1, 2_000):
        result = synth.synthesize(req, seed=0, refine=False, alternatives=0, diagnose_infeasible=False,
                                  scan_checks=checks)
        assert result.status.value == status, checks
        if value is not None:
            assert math.isclose(result.certificate.objective, value, rel_tol=1e-6), (checks, result.certificate)
