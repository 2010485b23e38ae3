"""The sweep file's variants: grid, ranges, samples, listed variants, key paths, content keys.
Expected values are computed by hand."""

from __future__ import annotations

import math

import pytest
from sweeps import PROBLEMS, SMALL

import synth
from synth.sweep import expand, parse_sweep
from synth.sweep.spec import range_points
from synth.sweep.variants import content_key, set_key


def plan(document):
    return expand(parse_sweep(document), load=synth.load_requirements)


def test_log_range_points_by_hand():
    # 25 * 8**(k/3): 25, 50, 100, 200
    assert range_points(25, 200, 4, True) == (25.0, 50.0, 100.0, 200.0)
    assert range_points(0, 1, 5, False) == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert range_points(3, 3, 1, False) == (3.0,)


def test_grid_is_the_product_of_the_axes_in_order():
    p = plan(SMALL)
    assert len(p.variants) == 6 and p.duplicates == 0
    assert [dict(v.values) for v in p.variants][:2] == [
        {"workloads.face.latency_ms": 10.0, "budgets.power_w": 1},
        {"workloads.face.latency_ms": 10.0, "budgets.power_w": 6}]
    middle = p.variants[2].requirements
    assert middle["workloads"][0]["latency_ms"] == pytest.approx(math.sqrt(10 * 60), rel=1e-5)
    assert middle["budgets"]["power_w"] == 1


def test_workloads_by_name_and_by_index_are_the_same_variant():
    by_name = plan({**SMALL, "axes": {"workloads.face.latency_ms": [20]}})
    by_index = plan({**SMALL, "axes": {"workloads.0.latency_ms": [20]}})
    by_bracket = plan({**SMALL, "axes": {"workloads[0].latency_ms": [20]}})
    assert by_name.variants[0].key == by_index.variants[0].key == by_bracket.variants[0].key


def test_the_key_is_the_content_not_the_label_and_depends_on_seed_and_options():
    base = plan({**SMALL, "axes": {"budgets.power_w": [6]}}).variants[0]
    same = plan({**SMALL, "axes": {"budgets.power_w": [6.0]}}).variants[0]
    assert base.key == same.key
    assert plan({**SMALL, "axes": {"budgets.power_w": [6]}, "seed": 1}).variants[0].key != base.key
    assert plan({**SMALL, "axes": {"budgets.power_w": [6]}, "solve": {"refine": True}}).variants[0].key != base.key
    assert content_key({"a": 1, "b": 2}, 0, {}) == content_key({"b": 2, "a": 1}, 0, {})


def test_duplicate_variants_are_dropped_and_counted():
    # power_w 6 is the base's own value: the variant equal to the base appears once.
    p = plan({**SMALL, "variants": [{"budgets.power_w": 6}, {"budgets.power_w": 6.0}, {"budgets.power_w": 5}],
              "axes": {}})
    assert len(p.variants) == 2 and p.duplicates == 1


def test_samples_are_seeded_and_within_their_ranges():
    document = {**SMALL, "sample": {"count": 20}, "seed": 7,
                "axes": {"workloads.face.latency_ms": {"min": 20, "max": 80, "scale": "log"},
                         "technology.node_nm": [7, 5]}}
    first, second = plan(document), plan(document)
    assert [v.key for v in first.variants] == [v.key for v in second.variants]
    values = [dict(v.values) for v in first.variants]
    assert all(20 <= v["workloads.face.latency_ms"] <= 80 for v in values)
    assert {v["technology.node_nm"] for v in values} == {7, 5}
    assert [v.key for v in plan({**document, "seed": 8}).variants] != [v.key for v in first.variants]


def test_set_key_creates_missing_mappings_and_reports_the_requirements_path():
    document = {"workloads": [{"name": "a"}, {"name": "b", "qps": 1}]}
    assert set_key(document, "workloads.b.qps", 5) == "workloads[1].qps"
    assert set_key(document, "budgets.power_w", 3) == "budgets.power_w"
    assert document == {"workloads": [{"name": "a"}, {"name": "b", "qps": 5}], "budgets": {"power_w": 3}}


def test_base_path_is_relative_to_the_sweep_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "req.yaml").write_text((PROBLEMS / "mobile_face_recognition.yaml").read_text())
    sweep = tmp_path / "s.yaml"
    sweep.write_text("base: sub/req.yaml\naxes: {budgets.power_w: [5, 6]}\n")
    spec = parse_sweep(sweep)
    assert spec.name == "s" and spec.base["name"] == "mobile-face-recognition"
