"""The four search methods on one small space: same result shape, exhaustive as the oracle of
the MILP, heuristics that never beat a proven optimum, determinism, and the exhaustive
method's size limit (in the library and through the CLI).

The comparisons run with refine=False: each method's own answer over the same grid (the
refinement then searches off the grid, from whichever of several tied designs a method
returned, so refined objectives need not agree).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
import yaml

import synth
from synth.errors import SynthError
from synth.solve.hardware import SpaceTooLarge

METHODS = ("milp", "exhaustive", "optuna", "random")
REL = 1e-6
OPTUNA_SECONDS = 3.0  # a heuristic's budget: it proves nothing, so any budget will do

SMALL_CNN = {"name": "small-cnn", "layers": [
    {"name": "conv1", "type": "conv", "h": 28, "w": 28, "c_in": 16, "c_out": 32, "kernel": 3, "padding": 1},
    {"name": "dw", "type": "depthwise", "h": 28, "w": 28, "channels": 32, "kernel": 3, "padding": 1},
    {"name": "fc", "type": "gemm", "m": 1, "k": 512, "n": 256},
]}
TINY_MLP = {"name": "tiny-mlp", "layers": [
    {"name": "fc1", "type": "gemm", "m": 1, "k": 256, "n": 256},
    {"name": "act", "type": "vector", "elements": 256},
    {"name": "fc2", "type": "gemm", "m": 1, "k": 256, "n": 64},
]}
# 3 shapes x 2 dataflows x 2 PEs x 2 clocks x 2 SRAM sizes x 1 memory x 2 core counts x 2 chip
# counts = 192 hardware points, each with a few plans per workload.
SMALL_SPACE = {"array_dims": [8, 16, 32], "cores": [1, 2], "dataflows": ["ws", "os"], "precisions": ["int8", "fp16"],
               "clock_ghz": [0.5, 1.0], "sram_mib": [0.5, 2], "memories": ["lpddr4"], "batch": [1, 4],
               "chips": [1, 2]}


def small(objective: str, *workloads: dict, power_w: float = 5.0) -> dict:
    return {"name": f"small-{objective}", "objective": objective, "technology": {"node_nm": 7},
            "budgets": {"power_w": power_w}, "workloads": list(workloads), "space": SMALL_SPACE}


def cnn(scenario: str, **bounds) -> dict:
    return {"name": "cnn", "model": SMALL_CNN, "scenario": scenario, **bounds}


CASES = {
    "min_power-latency": small("min_power", cnn("single_stream", latency_ms=0.1)),
    "min_energy-latency": small("min_energy_per_inference", cnn("single_stream", latency_ms=0.1)),
    "max_throughput-offline": small("max_throughput", cnn("offline")),
    "min_latency": small("min_latency", cnn("single_stream")),
    "min_unit_cost-offline-qps": small("min_unit_cost", cnn("offline", qps=20000)),
    "min_power-two-workloads": small("min_power", cnn("single_stream", latency_ms=0.2),
                                     {"name": "mlp", "model": TINY_MLP, "scenario": "offline", "qps": 5000}),
}
INFEASIBLE_CASE = small("min_power", cnn("single_stream", latency_ms=1e-4))


def _run(data: dict, method: str, seed: int = 0, refine: bool = False):
    req = synth.load_requirements(data)
    limit = OPTUNA_SECONDS if method == "optuna" else 120.0
    return synth.synthesize(req, method=method, seed=seed, time_limit_s=limit, refine=refine, alternatives=0,
                            diagnose_infeasible=False)


@pytest.fixture(scope="module")
def solved():
    """Every (case, method) solved once."""
    cases = dict(CASES, infeasible=INFEASIBLE_CASE)
    return {(name, method): _run(data, method) for name, data in cases.items() for method in METHODS}


def _maximize(result) -> bool:
    return result.objective_name == "max_throughput"


@pytest.mark.parametrize("case", [*CASES, "infeasible"])
def test_every_method_returns_the_same_result_shape(case, solved):
    shapes = {}
    for method in METHODS:
        result = solved[case, method]
        assert isinstance(result, synth.Result)
        assert isinstance(result.status, synth.SolutionStatus)
        assert result.method == method and result.seed == 0
        data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
        shapes[method] = (tuple(sorted(data)), tuple(sorted(data["certificate"])), tuple(sorted(data["objective"])))
        assert data["method"] == method and data["status"] == result.status.value
    assert len(set(shapes.values())) == 1, shapes


@pytest.mark.parametrize("case", [*CASES, "infeasible"])
def test_exhaustive_and_milp_agree(case, solved):
    milp, exhaustive = solved[case, "milp"], solved[case, "exhaustive"]
    assert milp.status == exhaustive.status
    if case == "infeasible":
        assert milp.status is synth.SolutionStatus.infeasible
        return
    assert milp.status is synth.SolutionStatus.optimal
    assert math.isclose(milp.objective, exhaustive.objective, rel_tol=REL), (milp.objective, exhaustive.objective)
    for result in (milp, exhaustive):
        assert result.evaluation.feasible, result.evaluation.violations
    # exhaustive proved it by enumeration: its bound is its objective
    assert math.isclose(exhaustive.certificate.bound, exhaustive.objective, rel_tol=REL)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("method", ["optuna", "random"])
def test_heuristics_never_beat_the_proven_optimum(case, method, solved):
    milp, heuristic = solved[case, "milp"], solved[case, method]
    assert milp.status is synth.SolutionStatus.optimal
    # a heuristic proves nothing: at best `feasible`, never `optimal`
    assert heuristic.status in (synth.SolutionStatus.feasible, synth.SolutionStatus.unknown), heuristic.status
    if heuristic.evaluation is None:
        return
    assert heuristic.evaluation.feasible, heuristic.evaluation.violations
    slack = 1e-9 * abs(milp.objective)
    if _maximize(milp):
        assert heuristic.objective <= milp.objective + slack, (heuristic.objective, milp.objective)
    else:
        assert heuristic.objective >= milp.objective - slack, (heuristic.objective, milp.objective)


@pytest.mark.parametrize("method", ["optuna", "random"])
def test_heuristics_find_no_design_where_none_exists(method, solved):
    result = solved["infeasible", method]
    assert result.design is None and result.evaluation is None
    assert result.status in (synth.SolutionStatus.infeasible, synth.SolutionStatus.unknown)


@pytest.mark.parametrize("refine", [False, True], ids=["grid", "refined"])
@pytest.mark.parametrize("case", ["min_power-two-workloads", "max_throughput-offline"])
def test_milp_is_deterministic_for_a_seed(case, refine):
    first = _run(CASES[case], "milp", seed=7, refine=refine)
    second = _run(CASES[case], "milp", seed=7, refine=refine)
    assert first.status == second.status
    assert first.objective == second.objective
    assert first.design == second.design
    assert first.seed == second.seed == 7


def test_random_is_deterministic_for_a_seed():
    first = _run(CASES["min_energy-latency"], "random", seed=3)
    second = _run(CASES["min_energy-latency"], "random", seed=3)
    assert (first.objective, first.design) == (second.objective, second.design)


# ----------------------------------------------------------------------------- exhaustive limit

# 10 shapes x 8 core counts x 3 dataflows x 5 PEs x 10 clocks x 8 SRAM sizes x 3 memories x 1
# chip count = 288,000 hardware points, above the exhaustive method's 200,000.
LARGE_POINTS = 10 * 8 * 3 * 5 * 10 * 8 * 3
LARGE = {
    "name": "large", "objective": "min_power", "technology": {"node_nm": 7},
    "workloads": [{"name": "mlp", "model": TINY_MLP, "scenario": "single_stream", "latency_ms": 10}],
    "space": {"array_dims": [4, 8, 12, 16, 24, 32, 48, 64, 96, 128], "cores": [1, 2, 3, 4, 5, 6, 7, 8],
              "dataflows": ["ws", "os", "is"], "precisions": ["int8", "fp16", "bf16", "fp32", "int8+fp16"],
              "clock_ghz": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2],
              "sram_mib": [0.5, 1, 2, 4, 8, 16, 32, 64], "memories": ["lpddr4", "lpddr5", "ddr4"],
              "batch": [1], "chips": [1]},
}


def test_exhaustive_refuses_a_space_above_its_limit():
    req = synth.load_requirements(LARGE)
    with pytest.raises(SpaceTooLarge) as caught:
        synth.synthesize(req, method="exhaustive", refine=False)
    assert isinstance(caught.value, SynthError)
    message = str(caught.value)
    assert str(LARGE_POINTS) in message, message  # what was given
    assert "200000" in message or "200,000" in message, message  # what must hold
    assert "milp" in message  # what to do instead


def test_the_milp_takes_the_space_the_exhaustive_method_refuses():
    req = synth.load_requirements(LARGE)
    result = synth.synthesize(req, method="milp", refine=False, alternatives=0, time_limit_s=120)
    assert result.status is synth.SolutionStatus.optimal


def test_cli_maps_the_refusal_to_an_error_exit_without_traceback(tmp_path):
    path = tmp_path / "large.yaml"
    path.write_text("# a space too large to enumerate\n" + yaml.safe_dump(LARGE, sort_keys=False))
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from synth.cli import main; sys.exit(main(sys.argv[1:]))",
         "solve", str(path), "--method", "exhaustive", "--no-refine"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode in (1, 2), (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "exhaustive" in proc.stderr and str(LARGE_POINTS) in proc.stderr, proc.stderr
