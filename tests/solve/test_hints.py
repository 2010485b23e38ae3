"""Hints: designs whose hardware the MILP method checks before its first solve.

A hint only speeds the search up, so the answer (status, objective) must equal the answer
without it, whatever the hint; a design off the grid is ignored.
"""

from __future__ import annotations

import math

import pytest

import synth
from synth.solve.options import space_options
from synth.solve.synthesize import hardware_of
from tests.solve.test_optimality import random_requirements


@pytest.mark.parametrize("name", ["mobile_realtime", "batch_processing", "search_ranking"])
def test_hinting_the_optimum_changes_nothing_but_the_work(name):
    req = synth.load_requirements(f"problems/{name}.yaml")
    plain = synth.synthesize(req, refine=False, alternatives=0)
    hinted = synth.synthesize(req, refine=False, alternatives=0, hints=(plain.design,))
    assert hinted.status == plain.status
    assert math.isclose(hinted.objective, plain.objective, rel_tol=1e-9)
    # The optimum checked first gives the cutoff at once: no more MILP solves than without it.
    assert hinted.certificate.iterations <= plain.certificate.iterations


@pytest.mark.parametrize("seed", range(8))
def test_any_hint_leaves_the_answer_unchanged(seed):
    """Hints from another random space (often infeasible here, or off this grid)."""
    req = synth.load_requirements(random_requirements(seed))
    other = synth.synthesize(synth.load_requirements(random_requirements(seed + 100)), refine=False,
                             alternatives=0, diagnose_infeasible=False)
    hints = (other.design,) if other.design else ()
    plain = synth.synthesize(req, refine=False, alternatives=0, diagnose_infeasible=False)
    hinted = synth.synthesize(req, refine=False, alternatives=0, diagnose_infeasible=False, hints=hints)
    assert hinted.status == plain.status
    if plain.objective is not None:
        assert math.isclose(hinted.objective, plain.objective, rel_tol=1e-9)


def test_hardware_of_finds_a_designs_grid_point_and_ignores_off_grid_ones():
    req = synth.load_requirements("problems/mobile_realtime.yaml")
    opts = space_options(req)
    design = synth.synthesize(req, refine=False, alternatives=0).design
    point = hardware_of(opts, design)
    g = opts.grid
    assert g.array_shapes[point[0]] == (design["array_rows"], design["array_cols"])
    assert g.dataflows[point[1]] == design["dataflow"] and g.precisions[point[2]] == design["precision"]
    assert g.clock_ghz[point[3]] == design["clock_ghz"] and g.sram_mib[point[4]] == design["sram_mib"]
    assert g.cores[point[6]] == design["cores"] and g.chips[point[7]] == design["chips"]
    off_grid = {**design, "clock_ghz": design["clock_ghz"] * 1.013}
    assert hardware_of(opts, off_grid) is None
