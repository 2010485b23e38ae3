"""Every malformed input is rejected: exit code 2, a message naming the file and the key, no
traceback, and fast. The corpus is tests/fixtures/malformed/ (requirements) and its design/
subdirectory (design files, evaluated against design/valid_requirements.yaml).

Each case runs twice: in-process through the public API (must raise SpecError in < 0.5 s) and
through the real CLI in a fresh interpreter (must exit 2 in < 3 s, start-up included).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import synth

FIXTURES = Path(__file__).parents[1] / "fixtures" / "malformed"
DESIGN_FIXTURES = FIXTURES / "design"
VALID_REQUIREMENTS = DESIGN_FIXTURES / "valid_requirements.yaml"
# synth.cli has no __main__ guard, so `python -m synth.cli` would do nothing.
CLI = [sys.executable, "-c", "import sys; from synth.cli import main; sys.exit(main(sys.argv[1:]))"]
PWNED_MARKER = "synth_pwned_marker"  # what the python-tag payload would create in its cwd
IN_PROCESS_SECONDS = 0.5
CLI_SECONDS = 3.0  # beyond the start-up of the same command on a valid file (see _startup_seconds)
EXIT_BAD_INPUT = 2

# file -> substrings the error must contain; the key path (or, where there is no key, what is
# wrong) comes first.
REQUIREMENTS_CASES: dict[str, tuple[str, ...]] = {
    # YAML syntax
    "yaml_unclosed_flow_list.yaml": ("not valid YAML", "line 5"),
    "yaml_bad_indentation.yaml": ("not valid YAML", "line 4"),
    "yaml_tab_indentation.yaml": ("not valid YAML", "line 4"),
    "yaml_duplicate_key.yaml": ("duplicate key 'name'", "line 5", "first given at line 2"),
    "yaml_two_documents.yaml": ("not valid YAML", "single document"),
    "yaml_custom_tag.yaml": ("tag !include is not allowed", "line 3"),
    # unknown keys at every level
    "unknown_key_top.yaml": ("colour: unknown key", "allowed: name, objective"),
    "unknown_key_workload.yaml": ("workloads[0].latncy_ms: unknown key", "did you mean 'latency_ms'?"),
    "unknown_key_technology.yaml": ("technology.node: unknown key", "did you mean 'node_nm'?"),
    "unknown_key_budgets.yaml": ("budgets.power: unknown key", "did you mean 'power_w'?"),
    "unknown_key_space.yaml": ("space.core: unknown key", "did you mean 'cores'?"),
    "unknown_key_space_range.yaml": ("space.cores.maxx: unknown key", "did you mean 'max'?"),
    "unknown_key_inline_layer.yaml": ("workloads[0].model.layers[1].kernal: unknown key", "did you mean 'kernel'?"),
    "unknown_key_inline_model.yaml": ("workloads[0].model.layer: unknown key", "did you mean 'layers'?"),
    "unknown_key_inline_memory.yaml": ("space.memories[0].bandwidth: unknown key", "did you mean 'bandwidth_gbps'?"),
    # wrong types
    "latency_ms_string.yaml": ("workloads[0].latency_ms: must be a number, got '100'",),
    "latency_ms_boolean.yaml": ("workloads[0].latency_ms: must be a number, got True",),
    "budgets_list_not_mapping.yaml": ("budgets: must be a mapping", "got [75, 400]"),
    "workloads_mapping_not_list.yaml": ("workloads: must be a list",),
    "workload_string_not_mapping.yaml": ("workloads[0]: must be a mapping", "got 'resnet50'"),
    "model_integer.yaml": ("workloads[0].model: must be a built-in model name", "got 50"),
    "space_cores_scalar.yaml": ("space.cores: must be a list or a {min, max} range, got 4",),
    "inline_layer_float_dim.yaml": ("workloads[0].model.layers[0].k: must be an integer, got 3.5",),
    "non_string_key.yaml": ("keys must be strings, got 1",),
    # negative and zero sizes
    "qps_negative.yaml": ("workloads[0].qps: must be > 0, got -5",),
    "latency_ms_zero.yaml": ("workloads[0].latency_ms: must be > 0, got 0",),
    "inline_layer_zero_dim.yaml": ("workloads[0].model.layers[0].n: must be >= 1, got 0",),
    "space_cores_list_negative.yaml": ("space.cores[1]: must be >= 1, got -2",),
    "budget_power_zero.yaml": ("budgets.power_w: must be > 0, got 0",),
    # NaN and infinity
    "latency_ms_nan.yaml": ("workloads[0].latency_ms: must be a finite number, got nan",),
    "qps_inf.yaml": ("workloads[0].qps: must be a finite number, got inf",),
    # out of range
    "percentile_100.yaml": ("workloads[0].percentile: must be < 100, got 100",),
    "node_nm_10.yaml": ("technology.node_nm: must be one of 28, 16, 7 or 5, got 10",),
    "objective_unknown.yaml": ("objective: must be one of", "got 'fastest'"),
    "scenario_unknown.yaml": ("workloads[0].scenario: must be one of", "got 'servr'"),
    "dataflow_unknown.yaml": ("space.dataflows[1]: must be one of 'ws', 'os' or 'is', got 'xs'",),
    # inconsistent ranges
    "space_range_min_above_max.yaml": ("space.cores: min <= max must hold", "min=16", "max=2"),
    "space_clock_range_step_too_fine.yaml": ("space.clock_ghz: the range must give at most 1024 values",),
    "space_array_rows_without_cols.yaml": ("space: array_rows and array_cols must be given together",),
    # models
    "model_unknown_name.yaml": ("workloads[0].model: must be a built-in model", "got 'resnet5'"),
    "model_onnx.yaml": ("workloads[0].model.onnx: ONNX file not found", "x.onnx"),
    # scenario rules
    "server_without_qps.yaml": ("workloads[0].qps: is required for scenario server",),
    "offline_with_latency_ms.yaml": ("workloads[0].latency_ms: must be absent for scenario offline", "got 10"),
    "duplicate_workload_names.yaml": ("workloads: workload names must be unique", "'ranker'"),
    "too_many_workloads.yaml": ("workloads: must have at most 16 items, got 17",),
    "workloads_empty.yaml": ("workloads: must have at least 1 item, got 0",),
    "name_missing.yaml": ("name: required key is missing",),
    # hostile input
    "python_tag_os_system.yaml": ("tag !!python/object/apply:os.system is not allowed", "line 2"),
    "alias_bomb.yaml": ("alias bomb",),
    "deep_nested_lists.yaml": ("must nest at most 24 levels deep", "line 3"),
    "deep_nested_maps.yaml": ("must nest at most 24 levels deep", "line 28"),
    "binary_junk.yaml": ("must be a YAML text file, got binary data",),
    "empty.yaml": ("must be a mapping of keys, got an empty document",),
    "scalar_document.yaml": ("must be a mapping (key: value), got 42",),
    "list_document.yaml": ("must be a mapping (key: value), got [",),
    "huge_over_1mib.yaml": ("file must be at most 1048576 bytes",),
    "invalid_utf8.yaml": ("must be UTF-8 text", "offset 98"),
    # cross-key and design-space checks
    "memory_unknown_name.yaml": ("space.memories", "got 'hmb3'"),
    "technology_overrides_unknown_key.yaml": ("technology.overrides.wafer_cost: unknown cost constant",
                                              "wafer_cost_usd"),
    "conv_kernel_exceeds_padded_input.yaml": ("workloads[0].model.layers[1]: kernel must fit the padded input",),
    "conv_groups_not_dividing_channels.yaml": ("workloads[0].model.layers[1]: groups must divide c_in and c_out",),
    "layer_missing_type.yaml": ("workloads[0].model.layers[1].type: required key is missing", "'conv'"),
    "layer_unknown_type.yaml": ("workloads[0].model.layers[1].type: must be one of", "got 'lstm'"),
    "space_clock_above_node_max.yaml": ("space.clock_ghz: clocks must be <= ", "the highest the 7 nm node reaches",
                                        "got [3.0]"),
    # known bugs outside the input boundary (see BUGS)
    "space_range_max_overflows.yaml": ("space.sram_mib",),
    "rich_markup_in_key.yaml": ('"[/red]": unknown key',),
}
# The only files without a first-line comment: there is no way to write one in them.
NO_COMMENT = {"empty.yaml", "binary_junk.yaml"}

DESIGN_CASES: dict[str, tuple[str, ...]] = {
    "array_rows_zero.yaml": ("array_rows: must be >= 1, got 0",),
    "clock_above_node_max.yaml": ("clock_ghz: must be <= ", "the highest clock of the 7 nm node", "got 9.0"),
    "dataflow_unknown.yaml": ("dataflow: must be one of 'ws', 'os' or 'is', got 'xs'",),
    "plan_for_unknown_workload.yaml": ("workloads.chatbot: not a workload of the requirements",),
    "replicas_exceed_cores.yaml": ("workloads: replicas x cores_per_replica", "(4), got 10"),
    "precision_not_supported_by_pe.yaml": ("workloads.ranker.precision", "int8 PE", "got 'fp16'"),
    "voltage_out_of_range.yaml": ("voltage_v: must be within [", "] V", "got 1.5"),
    "sram_negative.yaml": ("sram_mib: must be > 0, got -4",),
    "unknown_key.yaml": ("array_col: unknown key", "did you mean 'array_cols'?"),
    "clock_missing.yaml": ("clock_ghz: required key is missing",),
    "plan_unknown_key.yaml": ("workloads.ranker.batchsize: unknown key", "did you mean 'batch'?"),
    "plan_batch_boolean.yaml": ("workloads.vision.batch: must be an integer, got True",),
    "memory_unknown_name.yaml": ("memory", "'hmb3'"),
}

# Bugs outside the files this suite owns; strict, so each marker must go once the bug is fixed.
BUGS: dict[str, str] = {}
CLI_BUGS: dict[str, str] = {}


def _cases(table: dict[str, tuple[str, ...]], prefix: str, bugs: dict[str, str]) -> list:
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=bugs[prefix + name]))
            if prefix + name in bugs else name for name in table]


@dataclass(frozen=True)
class CliRun:
    result: subprocess.CompletedProcess
    seconds: float  # wall time, interpreter start-up included


def _run_cli(*args: str, cwd: Path) -> CliRun:
    """The real CLI in a fresh interpreter (one at a time, so each is timed without contention)."""
    start = time.perf_counter()
    result = subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                            errors="replace")
    return CliRun(result, time.perf_counter() - start)


def _assert_rejected_by_cli(run: CliRun, path: Path, expected: tuple[str, ...]) -> None:
    result, seconds = run.result, run.seconds
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == EXIT_BAD_INPUT, output
    assert f"{path}: " in result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    startup = _startup_seconds(result.args[3])
    assert seconds < startup + CLI_SECONDS, f"took {seconds:.2f} s ({startup:.2f} s to start the same command)"


_STARTUP: dict[str, float] = {}


def _startup_seconds(command: str) -> float:
    """Wall time of `command` on valid input in a fresh interpreter, measured once: a loaded or
    cold machine (a fresh venv compiles every module on first import) starts slowly, and a
    rejection must cost little beyond that start."""
    if command not in _STARTUP:
        args = {"check": ("check", str(VALID_REQUIREMENTS)),
                "eval": ("eval", str(VALID_REQUIREMENTS), "--design", str(VALID_REQUIREMENTS))}[command]
        start = time.perf_counter()
        subprocess.run([*CLI, *args], capture_output=True, timeout=120)
        _STARTUP[command] = time.perf_counter() - start
    return _STARTUP[command]


# --- the corpus itself ------------------------------------------------------------------------------
def test_every_file_has_an_expectation_and_every_expectation_a_file():
    assert {p.name for p in FIXTURES.glob("*.yaml")} == set(REQUIREMENTS_CASES)
    assert {p.name for p in DESIGN_FIXTURES.glob("*.yaml")} == set(DESIGN_CASES) | {VALID_REQUIREMENTS.name}
    assert len(REQUIREMENTS_CASES) >= 40 and len(DESIGN_CASES) >= 8


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")) + sorted(DESIGN_FIXTURES.glob("*.yaml")),
                         ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_first_line_says_what_is_wrong_and_what_the_message_must_name(path):
    if path.name in NO_COMMENT:
        pytest.skip("no comment can be written in this file; its expectation is in the table")
    first_line = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    if path == VALID_REQUIREMENTS:
        assert first_line.startswith("# VALID ")
    else:
        assert first_line.startswith("# MALFORMED: ") and "; the message must " in first_line


def test_valid_requirements_for_the_design_cases_load():
    assert [w.name for w in synth.load_requirements(VALID_REQUIREMENTS).workloads] == ["ranker", "vision"]


# --- requirements files -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", _cases(REQUIREMENTS_CASES, "", BUGS))
def test_requirements_rejected_in_process(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the python-tag payload would write its marker
    path = FIXTURES / name
    start = time.perf_counter()
    with pytest.raises(synth.SpecError) as info:
        synth.load_requirements(path)
    seconds = time.perf_counter() - start
    message = str(info.value)
    assert all(problem.source == str(path) for problem in info.value.problems)
    for text in REQUIREMENTS_CASES[name]:
        assert text in message, f"{text!r} not in:\n{message}"
    assert seconds < IN_PROCESS_SECONDS, f"took {seconds:.3f} s"
    assert not (tmp_path / PWNED_MARKER).exists()


@pytest.mark.parametrize("name", _cases(REQUIREMENTS_CASES, "", BUGS | CLI_BUGS))
def test_synth_check_rejects(name, tmp_path):
    path = FIXTURES / name
    run = _run_cli("check", str(path), cwd=tmp_path)  # cwd: where the python-tag payload would write
    _assert_rejected_by_cli(run, path, REQUIREMENTS_CASES[name])
    assert not (tmp_path / PWNED_MARKER).exists()


def test_python_tag_payload_is_live_so_the_marker_check_means_something(tmp_path, monkeypatch):
    """An unsafe loader would run the payload: the marker check above is not vacuous."""
    monkeypatch.chdir(tmp_path)
    yaml.unsafe_load((FIXTURES / "python_tag_os_system.yaml").read_text())
    assert (tmp_path / PWNED_MARKER).exists()


# --- design files -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def requirements():
    return synth.load_requirements(VALID_REQUIREMENTS)


@pytest.mark.parametrize("name", _cases(DESIGN_CASES, "design/", BUGS))
def test_design_rejected_in_process(name, requirements):
    path = DESIGN_FIXTURES / name
    start = time.perf_counter()
    with pytest.raises(synth.SpecError) as info:
        synth.evaluate(requirements, synth.load_design(path))
    seconds = time.perf_counter() - start
    message = str(info.value)
    assert all(problem.source == str(path) for problem in info.value.problems)
    for text in DESIGN_CASES[name]:
        assert text in message, f"{text!r} not in:\n{message}"
    assert seconds < IN_PROCESS_SECONDS, f"took {seconds:.3f} s"


@pytest.mark.parametrize("name", _cases(DESIGN_CASES, "design/", BUGS))
def test_synth_eval_rejects(name, tmp_path):
    path = DESIGN_FIXTURES / name
    run = _run_cli("eval", str(VALID_REQUIREMENTS), "--design", str(path), cwd=tmp_path)
    _assert_rejected_by_cli(run, path, DESIGN_CASES[name])
