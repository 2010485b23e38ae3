"""Requirements.replace: a validated variant; model_copy no longer trusts its update."""

from __future__ import annotations

import pytest

import synth

DOC = {
    "name": "variants",
    "budgets": {"power_w": 75},
    "workloads": [
        {"name": "ranker", "model": "bert-base-128", "scenario": "server", "latency_ms": 100, "qps": 1000},
        {"name": "img.v1", "model": "resnet50", "scenario": "offline"},
    ],
}


@pytest.fixture(scope="module")
def req():
    return synth.load_requirements(DOC)


def test_by_name_and_by_index(req):
    variant = synth.derive(req, {"workloads.ranker.qps": 2000, "workloads[1].qps": 50})
    assert variant.workloads[0].qps == 2000 and variant.workloads[1].qps == 50
    assert req.workloads[0].qps == 1000  # the original is unchanged


def test_a_name_with_a_dot(req):
    assert synth.derive(req, {"workloads.img.v1.qps": 7}).workloads[1].qps == 7


def test_none_removes_an_optional_key(req):
    assert synth.derive(req, {"budgets.power_w": None}).budgets.power_w is None


def test_nested_keys_are_created(req):
    assert synth.derive(req, {"technology.overrides.service_life_years": 5}).technology.overrides == {
        "service_life_years": 5}


@pytest.mark.parametrize(("changes", "named"), [
    ({"workloads.ranker.qps": -5}, "workloads[0].qps: must be > 0, got -5"),
    ({"workloads.nope.qps": 1}, "workloads.nope.qps: no workload named 'nope'"),
    ({"workloads[0].scenario": "single_stream"}, "workloads[0].qps: must be absent"),
    ({"technology.overrides.wafer_diameter_mm": 0}, "technology.overrides.wafer_diameter_mm: must be within"),
    ({"space.cores": {"min": 1, "max": 1024}, "space.chips": {"min": 1, "max": 1024}}, "space: must give at most"),
    ({"workloads..qps": 1}, "workloads..qps: must be a key path"),
])
def test_invalid_variants_name_the_key(req, changes, named):
    with pytest.raises(synth.SpecError) as info:
        synth.derive(req, changes)
    assert named in str(info.value)


def test_model_copy_validates_its_update(req):
    with pytest.raises(synth.SpecError, match="qps: must be > 0, got -5"):
        req.workloads[0].model_copy(update={"qps": -5})
    assert req.workloads[0].model_copy(update={"qps": 5}).qps == 5
