"""The relaxation of budgets.average_power_w (synth.solve.diagnose): the smallest average power at
the required load that a design meeting the other requirements needs, checked by brute force."""

from pathlib import Path

import yaml

import synth
from synth.solve.diagnose import AVERAGE_POWER_REL

SPEC = Path(__file__).parents[1] / "validation" / "mobilenet_v2_2w.yaml"


def _requirements(budget_w: float):
    spec = yaml.safe_load(SPEC.read_text())
    spec["budgets"] = {"average_power_w": budget_w}
    spec["space"].update({"array_dims": [16, 32], "cores": [1], "precisions": ["int8"], "sram_mib": [2, 8],
                          "clock_ghz": [0.4, 1.2], "memories": ["lpddr5"]})
    return synth.load_requirements(spec)


def test_an_infeasible_average_power_budget_names_the_power_a_design_needs():
    result = synth.synthesize(_requirements(0.05), seed=0, refine=False, alternatives=0)
    assert result.status.value == "infeasible"
    (relaxation,) = [r for r in result.relaxation if r.requirement == "budgets.average_power_w"]
    assert relaxation.limit == 0.05 and relaxation.unit == "W"
    needed = relaxation.needed
    assert needed is not None and needed > 0.05
    kwargs = dict(method="exhaustive", seed=0, refine=False, alternatives=0, diagnose_infeasible=False)
    # Brute force: a budget of `needed` is met, one a little below the bisection's bracket is not.
    assert synth.synthesize(_requirements(needed * (1 + 1e-9)), **kwargs).status.value == "optimal"
    below = needed / (1 + 2 * AVERAGE_POWER_REL)
    assert synth.synthesize(_requirements(below), **kwargs).status.value == "infeasible"
    assert "average power <= 0.05 W needs >=" in relaxation.message

