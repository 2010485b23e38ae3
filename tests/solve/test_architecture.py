"""Issue 13 with the solver: the architecture trade-off rows equal a solve with that variable
fixed (an independent narrowing of the requirements file), the report's Pareto star is the
headline design, and headroom_pct is honoured by the search and the exact check."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import synth
from synth.report import build_report
from synth.solve.architecture import architecture_tradeoffs
from synth.solve.report_data import ReportOptions
from synth.solve.tradeoffs import RESOLVE, metric_value, pareto_front

ROOT = Path(__file__).resolve().parents[2]
FACE = ROOT / "problems" / "mobile_face_recognition.yaml"


def narrowed(tmp_path: Path, source: Path, **space) -> synth.Result:
    """A solve of `source` with its space narrowed by editing the YAML itself (not the code under test)."""
    document = yaml.safe_load(source.read_text())
    document["space"].update(space)
    path = tmp_path / f"narrowed-{'-'.join(f'{k}{v}' for k, v in space.items())}.yaml"
    path.write_text(yaml.safe_dump(document))
    return synth.synthesize(synth.load_requirements(path), RESOLVE, seed=0)


@pytest.mark.parametrize(("axis", "key", "values"), [
    ("cores", "cores", [[1], [2], [4]]),
    ("array", "array_dims", [[8], [16], [32], [64]]),
    ("precision", "precisions", [["int8"], ["fp16"], ["int8+fp16"], ["fp32"]]),
])
def test_trade_off_rows_equal_a_solve_with_that_variable_fixed(axis, key, values, tmp_path):
    rows = architecture_tradeoffs(synth.load_requirements(FACE), seed=0, axes=(axis,))
    by_value = {r.value: r for r in rows}
    for value in values:
        label = f"{value[0]}x{value[0]}" if axis == "array" else str(value[0])
        expected = narrowed(tmp_path, FACE, **{key: value})
        row = by_value[label]
        assert row.status is expected.status
        if expected.evaluation is not None and expected.evaluation.feasible:
            assert row.objective == pytest.approx(expected.evaluation.objective_value, rel=1e-12)
            assert row.design == expected.design
            assert row.metrics["clock_ghz"] == expected.design["clock_ghz"]  # the clock that core count needs
        else:
            assert row.objective is None


def test_the_pareto_star_is_the_headline_design():
    req = synth.load_requirements(ROOT / "problems" / "datacenter_throughput.yaml")
    headline = synth.synthesize(req, synth.SearchOptions(alternatives=0), seed=0)
    assert headline.refinement.gain_pct > 0  # the refined design is off the grid the front is solved on
    result = synth.report_data(req, headline, seed=0, options=synth.ReportOptions(architecture=False))
    ev = headline.evaluation
    star = result.pareto.chosen
    # The star sits at the headline's own figures: y is the objective it was refined for.
    assert star.y == pytest.approx(ev.objective_value, rel=1e-12)
    assert star.x == pytest.approx(metric_value(result.pareto.x, ev, req), rel=1e-12)
    assert star.design == headline.design
    # The same front as `synth pareto` with its defaults: one function, the same points.
    direct = pareto_front(req, x=result.pareto.x, y=result.pareto.y, points=ReportOptions().pareto_points, seed=0)
    assert [(p.x, p.y) for p in direct.points] == [(p.x, p.y) for p in result.pareto.points]
    figure = next(f for f in build_report(result.to_dict()).figures if f.kind == "pareto")
    assert figure.data["chosen"] == (pytest.approx(star.x), pytest.approx(star.y))


def test_synth_pareto_defaults_to_the_report_front():
    import typer

    from synth.cli import app

    command = typer.main.get_command(app).commands["pareto"]
    points = next(p for p in command.params if p.name == "points")
    assert points.default == ReportOptions().pareto_points


OFFLINE = """
name: headroom
objective: min_power
technology: {node_nm: 7}
workloads:
  - {name: batch, model: resnet50, scenario: offline, qps: QPS, HEADROOM}
space:
  array_dims: [32, 64, 128]
  cores: [1, 2, 4]
  precisions: [int8]
  clock_ghz: [0.6, 1.0, 1.4]
  sram_mib: [8, 32]
  memories: [lpddr5]
  batch: [8, 32]
"""


def _offline(tmp_path: Path, qps: float, headroom: float | None):
    text = OFFLINE.replace("QPS", f"{qps:g}").replace(", HEADROOM", f", headroom_pct: {headroom:g}" if headroom else "")
    path = tmp_path / f"offline-{qps:g}-{headroom}.yaml"
    path.write_text(text)
    return synth.load_requirements(path)


def test_headroom_is_honoured_by_the_search_and_the_exact_check(tmp_path):
    plain = synth.synthesize(_offline(tmp_path, 2000, None), refine=False, alternatives=0, seed=0)
    capacity = plain.evaluation.workloads[0].capacity_ips
    assert capacity >= 2000
    # Ask for enough headroom that this design falls short: the exact check rejects it ...
    headroom = (capacity / 2000 - 1) * 100 + 10
    req = _offline(tmp_path, 2000, headroom)
    again = synth.evaluate(req, synth.load_design(plain.design))
    assert not again.feasible
    assert any(v.requirement.startswith("workloads[batch].qps") and v.limit == pytest.approx(2000 * (1 + headroom / 100))
               for v in again.violations)
    # ... and the search finds one with the spare capacity, at a cost.
    spare = synth.synthesize(req, refine=False, alternatives=0, seed=0)
    assert spare.evaluation.feasible
    assert spare.evaluation.workloads[0].capacity_ips >= 2000 * (1 + headroom / 100) * (1 - 1e-9)
    assert spare.objective >= plain.objective
