"""The public surface, listed once (as httpx's tests/test_exported_members.py does), and the
JSON shape of what it returns."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json

import pytest

import synth

# The documented public surface: the loaders, the evaluator and the synthesizer, the objects
# they return and the errors they raise.
PUBLIC = [
    "Certificate",  # Result.certificate
    "Evaluation",  # synth.evaluate(...)
    "Method",  # milp | exhaustive | optuna | random
    "Objective",  # what a requirements file optimizes
    "Problem",  # one item of SpecError.problems
    "Relaxation",  # Result.relaxation items
    "ReportOptions",  # budgets of synth.report_data's trade-off re-solves
    "Result",  # synth.synthesize(...)
    "Scenario",  # the four MLPerf scenarios
    "SearchOptions",  # how synth.synthesize searches
    "SolutionStatus",  # optimal | feasible | infeasible | unknown: what a search found
    "SpecError",  # bad input, every problem at once
    "Status",  # the earlier name of SolutionStatus
    "SynthError",  # base of every error synth raises on purpose
    "Termination",  # why a search stopped
    "Violation",  # Evaluation.violations items
    "derive",  # a validated variant of a requirements object
    "evaluate",
    "load_design",
    "load_requirements",
    "report_data",
    "synthesize",
]
FUNCTIONS = {"derive", "evaluate", "load_design", "load_requirements", "report_data", "synthesize"}
ENUMS = {"Method", "Objective", "Scenario", "SolutionStatus", "Status", "Termination"}

TINY_MODEL = {"name": "tiny", "layers": [
    {"name": "fc1", "type": "gemm", "m": 1, "k": 128, "n": 128},
    {"name": "act", "type": "vector", "elements": 128},
    {"name": "fc2", "type": "gemm", "m": 1, "k": 128, "n": 32},
]}
SPACE = {"array_dims": [8, 16], "cores": [1, 2], "dataflows": ["ws"], "precisions": ["int8", "fp16"],
         "clock_ghz": [0.5, 1.0], "sram_mib": [0.5, 1], "memories": ["lpddr4"], "batch": [1, 4]}


def _requirements(latency_ms: float, **extra):
    return synth.load_requirements({
        "name": "api", "objective": "min_power", "technology": {"node_nm": 7},
        "workloads": [{"name": "w", "model": TINY_MODEL, "scenario": "single_stream", "latency_ms": latency_ms},
                      {"name": "s", "model": TINY_MODEL, "scenario": "server", "qps": 100, "latency_ms": 50}],
        "space": SPACE, **extra})


def _json_round_trip(data: dict) -> dict:
    text = json.dumps(data, allow_nan=False)  # plain JSON: no NaN/inf, no tuples or enums left
    again = json.loads(text)
    assert again == data, "to_dict() must hold only JSON types (lists, not tuples; str, not enums)"
    return again


# ----------------------------------------------------------------------------- the surface


def test_all_is_exactly_the_documented_surface():
    assert sorted(synth.__all__) == sorted(PUBLIC)
    assert len(synth.__all__) == len(set(synth.__all__))


def test_dir_lists_the_lazy_names_too():
    assert set(PUBLIC) <= set(dir(synth))


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves(name):
    value = getattr(synth, name)
    assert value is not None
    if name in FUNCTIONS:
        assert inspect.isfunction(value), name
        assert value.__doc__, f"synth.{name} has no docstring"
    else:
        assert inspect.isclass(value), name


def test_star_import_gives_the_whole_surface():
    namespace: dict = {}
    exec("from synth import *", namespace)
    assert set(PUBLIC) <= set(namespace)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        synth.no_such_name  # noqa: B018


def test_status_is_an_enum_of_the_four_answers():
    assert issubclass(synth.SolutionStatus, enum.Enum)
    assert {s.value for s in synth.SolutionStatus} == {"optimal", "feasible", "infeasible", "unknown"}
    assert synth.Status is synth.SolutionStatus
    for name in ENUMS:
        assert issubclass(getattr(synth, name), enum.Enum), name


def test_errors_form_one_hierarchy():
    assert issubclass(synth.SpecError, synth.SynthError)
    assert issubclass(synth.SynthError, Exception)
    from synth.solve.hardware import SpaceTooLarge

    assert issubclass(SpaceTooLarge, synth.SynthError)


def test_results_are_frozen_dataclasses():
    for cls in (synth.Evaluation, synth.Result, synth.Certificate, synth.Relaxation, synth.Violation,
                synth.Problem, synth.SearchOptions, synth.ReportOptions):
        assert dataclasses.is_dataclass(cls), cls
        assert cls.__dataclass_params__.frozen, f"{cls.__name__} must be frozen (STYLE.md rule 3)"


def test_parameters_after_the_inputs_are_keyword_only():
    """STYLE.md rule 6; the signatures the README and the issues document."""
    params = inspect.signature(synth.synthesize).parameters
    assert list(params)[:2] == ["requirements", "options"]
    assert params["seed"].kind is inspect.Parameter.KEYWORD_ONLY and params["seed"].default == 0
    defaults = {"method": synth.Method.milp, "time_limit_s": None, "refine": True, "alternatives": 5,
                "diagnose_infeasible": True}
    options = synth.SearchOptions()
    for name, default in defaults.items():
        assert getattr(options, name) == default, name
    with pytest.raises(TypeError):
        synth.synthesize(_requirements(latency_ms=10.0), no_such_option=1)
    with pytest.raises(ValueError, match="time_limit_s > 0"):
        synth.SearchOptions(time_limit_s=float("nan"))
    evaluate = inspect.signature(synth.evaluate).parameters
    assert list(evaluate)[:2] == ["requirements", "design"]
    assert evaluate["seed"].kind is inspect.Parameter.KEYWORD_ONLY and evaluate["seed"].default == 0


# ----------------------------------------------------------------------------- JSON shapes


@pytest.fixture(scope="module")
def feasible_result():
    return synth.synthesize(_requirements(latency_ms=10.0), seed=0)


@pytest.fixture(scope="module")
def infeasible_result():
    return synth.synthesize(_requirements(latency_ms=1e-6), seed=0)


def test_evaluation_to_dict_is_json(feasible_result):
    req = _requirements(latency_ms=10.0)
    evaluation = synth.evaluate(req, synth.load_design(feasible_result.design))
    assert isinstance(evaluation, synth.Evaluation)
    assert evaluation.feasible and evaluation.violations == ()
    data = _json_round_trip(evaluation.to_dict())
    assert data["feasible"] is True and data["objective"]["value"] == evaluation.objective


def test_evaluation_with_violations_and_infinite_latency_is_json():
    # 1e9 queries/s on an 8x8 array: the server queue is unstable, its latencies infinite
    req = synth.load_requirements({
        "name": "api", "objective": "min_power", "technology": {"node_nm": 7}, "budgets": {"power_w": 1e-3},
        "workloads": [{"name": "s", "model": TINY_MODEL, "scenario": "server", "qps": 1e9, "latency_ms": 1}]})
    design = synth.load_design({"array_rows": 8, "array_cols": 8, "clock_ghz": 0.5, "sram_mib": 1,
                                "memory": "lpddr4"})
    evaluation = synth.evaluate(req, design)
    assert not evaluation.feasible
    assert all(isinstance(v, synth.Violation) for v in evaluation.violations)
    data = _json_round_trip(evaluation.to_dict())
    named = " ".join(v["requirement"] for v in data["violations"])
    assert "budgets.power_w" in named and "workloads[s].latency_ms" in named, named
    assert any(v["value"] == "inf" for v in data["violations"])  # JSON has no infinity


def test_feasible_result_to_dict_is_json(feasible_result):
    assert isinstance(feasible_result, synth.Result)
    assert feasible_result.status is synth.SolutionStatus.optimal
    assert isinstance(feasible_result.certificate, synth.Certificate)
    assert feasible_result.alternatives, "the default asks for up to 5 alternatives"
    data = _json_round_trip(feasible_result.to_dict())
    assert data["status"] == "optimal"
    assert len(data["alternatives"]) == len(feasible_result.alternatives)


def test_infeasible_result_to_dict_is_json(infeasible_result):
    assert infeasible_result.status is synth.SolutionStatus.infeasible
    assert infeasible_result.relaxation and all(isinstance(r, synth.Relaxation) for r in infeasible_result.relaxation)
    data = _json_round_trip(infeasible_result.to_dict())
    assert data["design"] is None and data["relaxation"]


@pytest.mark.parametrize("method", ["exhaustive", "random"])
def test_other_methods_results_are_json(method):
    result = synth.synthesize(_requirements(latency_ms=10.0), method=method, seed=0, refine=False,
                              time_limit_s=60)
    data = _json_round_trip(result.to_dict())
    assert data["method"] == method


def test_result_round_trips_through_json(feasible_result, infeasible_result):
    """Result.from_dict(to_dict()) gives back an equal result (report re-render reads it)."""
    for result in (feasible_result, infeasible_result):
        data = _json_round_trip(result.to_dict())
        again = synth.Result.from_dict(data)
        assert again.to_dict() == data
        assert again.status is result.status and again.certificate == result.certificate
        assert again.evaluation == result.evaluation


def test_result_from_dict_names_the_bad_key(feasible_result):
    from synth.results import DecodeError

    data = json.loads(json.dumps(feasible_result.to_dict()))
    data["evaluation"]["system"]["power_w"]["peak"] = "lots"
    with pytest.raises(DecodeError) as info:
        synth.Result.from_dict(data)
    assert info.value.path == "evaluation.system.power_w.peak"
    with pytest.raises(DecodeError) as info:
        synth.Result.from_dict({"status": "optimal"})
    assert info.value.path == "objective"
