"""The input boundary in-process: message format, all problems at once, valid inputs, grids.

Expected values are written by hand from DESIGN.md and the docstring of synth.spec.space.
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

import pytest
import yaml

import synth
from synth.cost.constants import technology
from synth.spec import loader
from synth.spec.space import design_grid

SERVER = {"name": "ranker", "model": "bert-base-128", "scenario": "server", "latency_ms": 100, "qps": 1000}
OFFLINE = {"name": "vision", "model": "resnet50", "scenario": "offline"}


def requirements(**changes) -> dict:
    base = {"name": "search-ranking", "workloads": [copy.deepcopy(SERVER)]}
    base.update(changes)
    return base


def problems(source) -> list[synth.Problem]:
    with pytest.raises(synth.SpecError) as info:
        synth.load_requirements(source)
    return list(info.value.problems)


def messages(source) -> list[str]:
    return [f"{p.path}: {p.message}" for p in problems(source)]


def write(directory: Path, name: str, data) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


# --- message format and reporting --------------------------------------------------------------------
def test_message_names_file_key_path_what_must_hold_and_what_was_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "problems/x.yaml", requirements(workloads=[OFFLINE, {**SERVER, "latency_ms": -5}]))
    [problem] = problems("problems/x.yaml")
    assert str(problem) == "problems/x.yaml: workloads[1].latency_ms: must be > 0, got -5"
    assert (problem.source, problem.path) == ("problems/x.yaml", "workloads[1].latency_ms")


def test_every_problem_is_reported_at_once(tmp_path):
    data = requirements(workloads=[{**SERVER, "qps": -1}], budgets={"power_w": "75 W"},
                        space={"cores": {"min": 8, "max": 2}})
    found = problems(write(tmp_path, "three.yaml", data))
    assert sorted(p.path for p in found) == ["budgets.power_w", "space.cores", "workloads[0].qps"]
    assert all(p.source == str(tmp_path / "three.yaml") for p in found)


def test_problems_in_one_list_item_do_not_hide_those_in_another():
    data = requirements(workloads=[{**SERVER, "latency_ms": 0}, {**OFFLINE, "max_accuracy_drop_pct": -1}])
    assert messages(data) == ["workloads[0].latency_ms: must be > 0, got 0",
                              "workloads[1].max_accuracy_drop_pct: must be >= 0, got -1"]


@pytest.mark.parametrize("changes", [
    {"workloads": [{**SERVER, "latency_ms": -5}]},
    {"workloads": [{**SERVER, "percentile": 100}]},
    {"workloads": [{**SERVER, "qps": float("nan")}]},
    {"workloads": [SERVER] * 17},
    {"workloads": [{**SERVER, "name": "has space"}]},
    {"technology": {"node_nm": 10}},
    {"budgets": {"area_mm2": "400"}},
    {"space": {"cores": 4}},
    {"space": {"dataflows": []}},
])
def test_messages_say_what_must_hold_then_what_was_given(changes):
    [problem] = problems(requirements(**changes))
    assert re.fullmatch(r"<mapping>: [\w.\[\]]+: must .+, got .+", str(problem)), str(problem)


def test_mapping_input_is_named_mapping():
    [problem] = problems(requirements(objective="fastest"))
    assert problem.source == "<mapping>"
    assert str(problem).startswith("<mapping>: objective: must be one of 'min_power'")


# --- a boolean is not a number ----------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "expected"), [
    ({"workloads": [{**SERVER, "latency_ms": True}]}, "workloads[0].latency_ms: must be a number, got True"),
    ({"workloads": [{**SERVER, "qps": False}]}, "workloads[0].qps: must be a number, got False"),
    ({"budgets": {"power_w": True}}, "budgets.power_w: must be a number, got True"),
    ({"space": {"cores": [1, True]}}, "space.cores[1]: must be an integer, got True"),
    ({"space": {"clock_ghz": {"min": True}}}, "space.clock_ghz.min: must be a number, got True"),
    ({"technology": {"node_nm": True}}, "technology.node_nm: must be one of 28, 16, 7 or 5, got True"),
])
def test_a_boolean_is_not_a_number(changes, expected):
    assert messages(requirements(**changes)) == [expected]


def test_a_boolean_is_not_an_integer_in_a_design():
    with pytest.raises(synth.SpecError) as info:
        synth.load_design({"array_rows": True, "array_cols": 8, "clock_ghz": 1.0, "sram_mib": 4})
    assert [str(p) for p in info.value.problems] == ["<mapping>: array_rows: must be an integer, got True"]


# --- unknown keys -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "path", "suggestion"), [
    ({"budgets": {"power": 75}}, "budgets.power", "power_w"),
    ({"budget": {"power_w": 75}}, "budget", "budgets"),
    ({"workloads": [{**SERVER, "latncy_ms": 5}]}, "workloads[0].latncy_ms", "latency_ms"),
    ({"space": {"cores": {"min": 1, "mx": 4}}}, "space.cores.mx", "max"),
    ({"space": {"memories": [{"name": "m", "bandwidth_gbps": 1, "pj_per_bits": 2}]}},
     "space.memories[0].pj_per_bits", "pj_per_bit"),
    ({"workloads": [{**OFFLINE, "model": {"name": "m", "layers": [
        {"type": "depthwise", "name": "dw", "h": 8, "w": 8, "channel": 4, "kernel": 3}]}}]},
     "workloads[0].model.layers[0].channel", "channels"),
])
def test_unknown_key_suggests_the_close_match(changes, path, suggestion):
    found = [p for p in problems(requirements(**changes)) if p.path == path]
    assert len(found) == 1
    assert found[0].message.startswith(f"unknown key; did you mean {suggestion!r}? (allowed: ")


def test_unknown_key_without_a_close_match_lists_the_allowed_keys():
    [problem] = problems(requirements(budgets={"colour": "blue"}))
    assert problem.message == "unknown key (allowed: power_w, average_power_w, area_mm2, unit_cost_usd)"


# --- union-valued keys read as one rule ----------------------------------------------------------------
@pytest.mark.parametrize(("changes", "expected"), [
    ({"space": {"cores": 4}}, "space.cores: must be a list or a {min, max} range, got 4"),
    ({"space": {"clock_ghz": "fast"}}, "space.clock_ghz: must be a list or a {min, max} range, got 'fast'"),
    ({"workloads": [{**OFFLINE, "model": ["resnet50"]}]},
     "workloads[0].model: must be a built-in model name (see `synth models`), {onnx: path} or a "
     "{name, layers} mapping, got ['resnet50']"),
    ({"space": {"memories": [7]}},
     "space.memories[0]: must be a memory name or a {name, bandwidth_gbps, pj_per_bit} mapping, got 7"),
])
def test_a_value_of_the_wrong_kind_for_a_union_names_every_accepted_kind(changes, expected):
    assert messages(requirements(**changes)) == [expected]


def test_a_layer_without_type_names_the_type_key():
    layers = [{"name": "fc", "k": 4, "n": 4}]
    [problem] = problems(requirements(workloads=[{**OFFLINE, "model": {"name": "m", "layers": layers}}]))
    assert problem.path == "workloads[0].model.layers[0].type"
    assert problem.message.startswith("required key is missing; must be one of 'gemm', 'conv'")


# --- valid inputs load -------------------------------------------------------------------------------------
def test_builtin_model_with_budgets_and_list_space_loads():
    req = synth.load_requirements(requirements(
        objective="min_unit_cost", technology={"node_nm": 16}, budgets={"power_w": 75, "area_mm2": 400},
        workloads=[SERVER, OFFLINE],
        space={"array_dims": [16, 32, 64], "cores": [1, 2, 4], "dataflows": ["ws", "os"],
               "precisions": ["int8", "int8+fp16"], "clock_ghz": [0.5, 1.0], "sram_mib": [1, 4, 16],
               "memories": ["lpddr5", "hbm2e"], "batch": [1, 8, 32], "chips": [1, 2]}))
    assert req.node_nm == 16 and req.objective.value == "min_unit_cost"
    assert [w.name for w in req.workloads] == ["ranker", "vision"]
    assert req.budgets.power_w == 75 and req.budgets.unit_cost_usd is None


def test_inline_model_with_every_layer_type_loads():
    layers = [
        {"type": "conv", "name": "stem", "h": 32, "w": 32, "c_in": 3, "c_out": 16, "kernel": 3, "padding": 1},
        {"type": "conv", "name": "grouped", "h": 32, "w": 32, "c_in": 16, "c_out": 32, "kernel": 3, "groups": 4},
        {"type": "depthwise", "name": "dw", "h": 30, "w": 30, "channels": 32, "kernel": 3, "stride": 2},
        {"type": "gemm", "name": "fc", "m": 1, "k": 512, "n": 10},
        {"type": "matmul", "name": "qk", "m": 128, "k": 64, "n": 128, "heads": 12},
        {"type": "attention", "name": "av", "m": 128, "k": 128, "n": 64, "heads": 12},
        {"type": "vector", "name": "softmax", "elements": 196608, "ops_per_element": 5},
        {"type": "elementwise", "name": "residual", "elements": 4096, "count": 12},
    ]
    model = {"name": "tiny", "layers": layers, "accuracy_drop_pct": {"int8": 0.5, "fp16": 0.0}}
    req = synth.load_requirements(requirements(workloads=[{**OFFLINE, "model": model}]))
    assert [layer.type for layer in req.workloads[0].model.layers] == [
        "conv", "conv", "depthwise", "gemm", "matmul", "attention", "vector", "elementwise"]


def test_range_space_values_and_an_inline_memory_load():
    space = {"array_rows": {"min": 16, "max": 128}, "array_cols": [32, 64], "cores": {"max": 8},
             "clock_ghz": {"min": 0.5, "max": 1.25, "step": 0.25},
             "memories": ["lpddr5", {"name": "my-dram", "bandwidth_gbps": 100, "pj_per_bit": 8}]}
    req = synth.load_requirements(requirements(space=space))
    assert req.space.clock_ghz.step == 0.25 and req.space.array_cols == [32, 64]


def test_numbers_with_an_exponent_are_numbers_as_in_json(tmp_path):
    text = "name: x\nworkloads:\n  - {name: a, model: resnet50, scenario: server, latency_ms: 5e1, qps: 1E3}\n"
    req = synth.load_requirements(write(tmp_path, "exp.yaml", text))
    assert (req.workloads[0].latency_ms, req.workloads[0].qps) == (50.0, 1000.0)
    design = {"array_rows": 8, "array_cols": 8, "clock_ghz": 1.0, "sram_mib": 0.5,
              "workloads": {"a": {"batch_timeout_ms": 1e-05}}}
    loaded = synth.load_design(write(tmp_path, "design.json", json.dumps(design)))
    assert loaded.workloads["a"].batch_timeout_ms == 1e-05


def test_merge_keys_are_not_duplicate_keys(tmp_path):
    text = ("name: x\nworkloads:\n  - &base {name: a, model: resnet50, scenario: offline}\n"
            "  - {<<: *base, name: b}\n")
    req = synth.load_requirements(write(tmp_path, "merge.yaml", text))
    assert [(w.name, w.model) for w in req.workloads] == [("a", "resnet50"), ("b", "resnet50")]


# --- the design grid (synth.spec.space docstring: ends always in; pow2 sizes, integer counts) --------------
def grid(space: dict, node_nm: int = 7):
    req = synth.load_requirements(requirements(technology={"node_nm": node_nm}, space=space))
    return design_grid(req, technology(node_nm))


def test_array_dims_range_expands_to_powers_of_two():
    assert grid({"array_dims": {"min": 16, "max": 256}}).array_shapes == (
        (16, 16), (32, 32), (64, 64), (128, 128), (256, 256))


def test_range_ends_are_in_the_grid_even_when_not_powers_of_two():
    assert grid({"array_dims": {"min": 12, "max": 100}}).array_shapes == (
        (12, 12), (16, 16), (32, 32), (64, 64), (100, 100))
    assert grid({"batch": {"max": 20}}).batch == (1, 2, 4, 8, 16, 20)


def test_rows_and_cols_give_every_pair():
    shapes = grid({"array_rows": [8, 16], "array_cols": {"min": 32, "max": 64}}).array_shapes
    assert shapes == ((8, 32), (8, 64), (16, 32), (16, 64))


def test_cores_and_chips_ranges_expand_to_every_integer():
    expanded = grid({"cores": {"min": 3, "max": 9}, "chips": {"max": 4}, "memories": ["lpddr5"]})
    assert expanded.cores == (3, 4, 5, 6, 7, 8, 9)
    assert expanded.chips == (1, 2, 3, 4)


def test_step_range_gives_min_plus_multiples_of_step_and_the_max():
    assert grid({"clock_ghz": {"min": 0.5, "max": 1.0, "step": 0.25}}).clock_ghz == (0.5, 0.75, 1.0)
    assert grid({"clock_ghz": {"min": 0.5, "max": 1.2, "step": 0.25}}).clock_ghz == (0.5, 0.75, 1.0, 1.2)
    assert grid({"cores": {"min": 2, "max": 12, "step": 4}}).cores == (2, 6, 10, 12)


def test_clock_range_without_step_uses_tenths_of_a_ghz():
    assert grid({"clock_ghz": {"min": 0.5, "max": 1.0}}).clock_ghz == (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def test_sram_range_expands_to_powers_of_two_including_fractions():
    assert grid({"sram_mib": {"min": 0.25, "max": 3}}).sram_mib == (0.25, 0.5, 1, 2, 3)


def test_a_list_means_exactly_those_values():
    expanded = grid({"batch": [8, 1, 4], "clock_ghz": [1.25, 0.7]})
    assert expanded.batch == (1, 4, 8)
    assert expanded.clock_ghz == (0.7, 1.25)


# --- the loader's limits hold for the pure-Python parser too -----------------------------------------------
@pytest.fixture(params=["default", "pure-python"])
def any_loader(request, monkeypatch):
    if request.param == "pure-python":
        monkeypatch.setattr(loader, "_LOADER", loader._PythonLoader)
    return request.param


HOSTILE = {
    "deep-lists": ("a: " + "[" * 10_000 + "]" * 10_000, "must nest at most 24 levels deep"),
    "deep-maps": ("a: " + "{b: " * 5_000 + "1" + "}" * 5_000, "must nest at most 24 levels deep"),
    "alias-bomb": ("a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 8) + "]\n" for p, n in zip("abcdefg", "bcdefgh")), "alias bomb"),
    "many-aliases": ("a: &a 1\nb: [" + ", ".join(["*a"] * 300) + "]\n", "must use at most 256 aliases"),
    "duplicate-key": ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (first given at line 1)"),
    "python-name-tag": ("a: !!python/name:os.system\n", "tag !!python/name:os.system is not allowed"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_loader_rejects_hostile_text_fast(any_loader, case):
    text, expected = HOSTILE[case]
    start = time.perf_counter()
    with pytest.raises(synth.SpecError) as info:
        loader.parse_text(text, "hostile.yaml")
    assert time.perf_counter() - start < 0.5
    assert expected in str(info.value)


def test_a_flood_of_values_is_stopped_at_the_node_limit():
    # The one slow rejection: 50,000 values are composed before the limit trips (~0.4 s idle).
    text = "a: [" + ", ".join(["1"] * (loader.MAX_NODES + 10_000)) + "]"
    start = time.perf_counter()
    with pytest.raises(synth.SpecError, match="must have at most 50000 values, got more at line 1"):
        loader.parse_text(text, "flood.yaml")
    assert time.perf_counter() - start < 2.0


def test_both_parsers_read_the_same_values(monkeypatch):
    text = "a: [1, 2.5, 1e3, true, null, '7', x]\nb: {c: .inf, d: -.5E-1}\n"
    default = loader.parse_text(text, "x.yaml")
    monkeypatch.setattr(loader, "_LOADER", loader._PythonLoader)
    assert loader.parse_text(text, "x.yaml") == default == {
        "a": [1, 2.5, 1000.0, True, None, "7", "x"], "b": {"c": float("inf"), "d": -0.05}}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_file_is_read_only_up_to_the_size_limit():
    with pytest.raises(synth.SpecError, match="file must be at most 1048576 bytes"):
        synth.load_requirements("/dev/zero")


def test_a_missing_file_and_a_directory_are_bad_input(tmp_path):
    assert messages(tmp_path / "nope.yaml") == [": file not found"]
    assert messages(tmp_path) == [": is a directory, expected a YAML file"]
