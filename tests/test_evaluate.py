"""The Evaluation API: synth.evaluate(req, design) and the shape of Evaluation.to_dict()."""

import json
import math

import pytest

import synth

TINY_MODEL = {
    "name": "tiny",
    "layers": [
        {"name": "fc1", "type": "gemm", "m": 4, "k": 64, "n": 128},
        {"name": "relu", "type": "vector", "elements": 512},
        {"name": "fc2", "type": "gemm", "m": 4, "k": 128, "n": 32, "count": 2},
    ],
}
DESIGN = {"array_rows": 16, "array_cols": 16, "clock_ghz": 1.0, "sram_mib": 4.0, "memory": "lpddr5"}


def requirements(scenario="single_stream", objective="min_power", budgets=None, **workload):
    body = {"name": "w", "model": TINY_MODEL, "scenario": scenario, **workload}
    return synth.load_requirements({"name": "api-test", "objective": objective,
                                    "technology": {"node_nm": 7}, "budgets": budgets or {},
                                    "workloads": [body]})


def evaluate(req, **design):
    return synth.evaluate(req, synth.load_design({**DESIGN, **design}))


@pytest.fixture(scope="module")
def single_stream():
    return evaluate(requirements(latency_ms=10.0))


def test_feasible_design_has_no_violations(single_stream):
    assert single_stream.feasible is True
    assert single_stream.violations == ()
    assert isinstance(single_stream.objective, float)


def test_to_dict_has_the_documented_keys(single_stream):
    data = single_stream.to_dict()
    assert {"design", "chip", "workloads", "feasible", "violations", "objective"} <= set(data)
    assert {"peak_tops", "area_mm2", "power_w", "unit_cost_usd"} <= set(data["chip"])
    assert {"peak", "average"} <= set(data["chip"]["power_w"])
    (workload,) = data["workloads"]
    assert {"name", "batch", "latency_ms", "throughput_ips", "utilization", "energy_mj_per_inference",
            "accuracy_drop_pct", "layers"} <= set(workload)
    assert {"p50", "p90", "p99"} <= set(workload["latency_ms"])
    assert [layer["name"] for layer in workload["layers"]] == ["fc1", "relu", "fc2"]
    for layer in workload["layers"]:
        assert {"name", "gemm", "compute_cycles", "memory_time_us", "bound"} <= set(layer)
        assert {"m", "k", "n"} <= set(layer["gemm"])
        assert layer["bound"] in ("compute", "memory")
    assert data["objective"]["name"] == "min_power"
    assert data["objective"]["value"] == single_stream.objective
    assert data["feasible"] is True and data["violations"] == []
    assert data["workloads"][0]["name"] == "w" and data["workloads"][0]["batch"] == 1


def test_to_dict_is_json_serializable(single_stream):
    text = json.dumps(single_stream.to_dict(), allow_nan=False)
    assert json.loads(text)["chip"]["peak_tops"] == pytest.approx(2 * 16 * 16 * 1.0e9 / 1e12)


def test_infinite_latency_serializes_as_a_string():
    # Arrivals far beyond capacity: the server scenario is unstable, latencies are +inf.
    result = evaluate(requirements("server", latency_ms=10.0, qps=1e9))
    assert not result.feasible
    assert math.isinf(result.workloads[0].latency_ms["p99"])
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["workloads"][0]["latency_ms"]["p99"] == "inf"


def test_single_stream_latency_is_the_sum_of_layer_times(single_stream):
    # single_stream runs one query at a time at batch 1: latency = sum of time_us x count plus the
    # runtime's 16 us per batch (on an SoC there is no host transfer).
    (workload,) = single_stream.to_dict()["workloads"]
    total_us = sum(layer["time_us"] * layer["count"] for layer in workload["layers"]) + 16.0
    for pct in ("p50", "p90", "p99"):
        assert workload["latency_ms"][pct] == pytest.approx(total_us / 1e3, rel=1e-12)
    # each layer's time lies between max(compute, memory) and compute + memory (overlap fold by
    # fold), plus 100 dispatch cycles at 1 GHz (0.1 us)
    for layer in workload["layers"]:
        compute, memory = layer["compute_time_us"], layer["memory_time_us"]
        assert max(compute, memory) + 0.1 - 1e-9 <= layer["time_us"] <= compute + memory + 0.1 + 1e-9
        assert layer["bound"] == ("memory" if layer["memory_time_us"] > layer["compute_time_us"] else "compute")


def test_layer_gemm_shapes_include_the_batch():
    result = evaluate(requirements("offline"), workloads={"w": {"batch": 4}})
    layers = result.to_dict()["workloads"][0]["layers"]
    assert layers[0]["gemm"] == {"m": 4 * 4, "k": 64, "n": 128, "groups": 1}
    # fc1 ws on 16 x 16: S_R = K = 64 -> 4, S_C = N = 128 -> 8: 32 folds of T = 16 rows, pipelined
    # (preload 16, folds max(16, 16) = 16 apart, one fill and drain 16 + 16 - 2)
    assert layers[0]["compute_cycles"] == 16 + 31 * 16 + 16 + 16 + 16 - 2


def test_too_small_power_budget_is_a_named_violation():
    result = evaluate(requirements(latency_ms=10.0, budgets={"power_w": 0.001}))
    assert not result.feasible
    (violation,) = [v for v in result.violations if "budgets.power_w" in v.requirement]
    assert violation.limit == 0.001
    assert violation.value == pytest.approx(result.chip.power_w["peak"])
    assert violation.unit == "W"
    data = result.to_dict()
    assert data["feasible"] is False
    assert any("budgets.power_w" in v["requirement"] and v["limit"] == 0.001 and v["value"] > 0.001
               for v in data["violations"])


def test_latency_bound_violation_names_the_workload():
    result = evaluate(requirements(latency_ms=1e-6))
    (violation,) = result.violations
    assert "workloads[w].latency_ms" in violation.requirement
    assert violation.limit == 1e-6
    assert violation.value == pytest.approx(result.workloads[0].latency_ms["p90"])


@pytest.mark.parametrize("objective, value", [
    ("min_power", lambda r: r.system.power_w["peak"]),
    ("min_area", lambda r: r.system.area_mm2),
    ("min_unit_cost", lambda r: r.system.unit_cost_usd),
    ("min_energy_per_inference", lambda r: r.system.energy_mj_per_inference),
    ("min_cost_per_inference", lambda r: r.system.cost_per_inference_usd),
    ("min_latency", lambda r: r.workloads[0].latency_at_percentile_ms),
    # one single_stream workload counts with rate 1: its capacity
    ("max_throughput", lambda r: r.workloads[0].capacity_ips),
])
def test_objectives_are_defined_as_documented(objective, value):
    result = evaluate(requirements(objective=objective, latency_ms=10.0))
    assert result.objective_name == objective
    assert result.objective == pytest.approx(value(result), rel=1e-12)


def test_single_stream_throughput_is_one_over_latency(single_stream):
    workload = single_stream.workloads[0]
    assert workload.throughput_ips == pytest.approx(1e3 / workload.latency_ms["p90"], rel=1e-12)


def test_cost_per_inference_by_hand(single_stream):
    # (unit cost + electricity over the service life) / inferences over the service life
    system = single_stream.system
    life_s = 3 * 365.25 * 24 * 3600
    energy_usd = system.power_w["average"] / 1e3 * life_s / 3600 * 0.10
    expected = (system.unit_cost_usd + energy_usd) / (system.throughput_ips * life_s)
    assert system.cost_per_inference_usd == pytest.approx(expected, rel=1e-12)


def test_workload_streams_come_from_seed_sequence_spawn():
    """Per-workload simulator seeds are SeedSequence(seed).spawn(n)[i]: independent streams, and
    seed 0's second workload never replays seed 1's first (as seed + i did)."""
    import numpy as np

    from synth.evaluation import workload_seed

    for seed in (0, 1, 12345):
        children = np.random.SeedSequence(seed).spawn(4)
        expected = [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]
        assert [workload_seed(seed, i) for i in range(4)] == expected
    assert workload_seed(0, 1) != workload_seed(1, 0)
    assert len({workload_seed(s, i) for s in range(20) for i in range(4)}) == 80
