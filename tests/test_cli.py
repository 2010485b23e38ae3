"""The real `synth` command line, each command in a fresh interpreter (STYLE.md rule 5: the CLI
maps errors to exit codes 0 ok, 2 bad input, 3 infeasible, 1 other; it is a thin layer over
the library, so what it prints and writes must agree with what the library computes)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
PROBLEMS = ROOT / "problems"
MOBILE = PROBLEMS / "mobile_face_recognition.yaml"
INFEASIBLE = PROBLEMS / "infeasible_face_recognition.yaml"
# synth.cli has no __main__ guard: call main() the way the console script does.
CLI = [sys.executable, "-c", "import sys; from synth.cli import main; sys.exit(main(sys.argv[1:]))"]
EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
RESULT_KEYS = {"status", "objective", "certificate", "design", "evaluation", "alternatives", "relaxation", "method",
               "seed"}
# The built-in model zoo as the design notes and the model sources name it.
BUILTIN_MODELS = {"resnet50", "mobilenet_v1", "mobilenet_v2", "squeezenet1_1", "bert-base-128", "bert-base-384",
                  "gpt2", "mlp0"}


def synth_cli(*args: object, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `synth ARGS`; no run may show a traceback, whatever its exit code."""
    proc = subprocess.run([*CLI, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    return proc


def _explain(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """`synth solve problems/mobile_face_recognition.yaml -o OUT --json`, run once."""
    out_dir = tmp_path_factory.mktemp("solve")
    proc = synth_cli("solve", MOBILE, "-o", out_dir, "--json")
    return proc, out_dir


# ----------------------------------------------------------------------------- solve


def test_solve_exits_0_and_writes_design_and_result(solved):
    proc, out_dir = solved
    assert proc.returncode == EXIT_OK, _explain(proc)
    assert (out_dir / "design.yaml").is_file()
    assert (out_dir / "result.json").is_file()


def test_solve_json_stdout_is_only_json(solved):
    proc, _ = solved
    assert proc.returncode == EXIT_OK, _explain(proc)
    # the whole of stdout is one JSON document: no solver banner, log line or table around it
    # (json.loads refuses any text before or after the document)
    data = json.loads(proc.stdout)
    assert isinstance(data, dict) and data["status"] == "optimal"
    assert proc.stdout.lstrip().startswith("{") and proc.stdout.rstrip().endswith("}")


def test_result_json_has_the_documented_shape(solved):
    proc, out_dir = solved
    result = json.loads((out_dir / "result.json").read_text())
    assert RESULT_KEYS <= set(result), RESULT_KEYS - set(result)
    assert result["status"] == "optimal"
    assert result["method"] == "milp" and result["seed"] == 0
    assert {"name", "value"} <= set(result["objective"])
    assert result["objective"]["name"] == "min_power"
    assert isinstance(result["objective"]["value"], float) and result["objective"]["value"] > 0
    assert {"bound", "gap", "seconds"} <= set(result["certificate"])
    assert 0.0 <= result["certificate"]["gap"] <= 1e-6
    assert result["certificate"]["seconds"] > 0
    assert result["relaxation"] == []
    assert isinstance(result["alternatives"], list)
    assert result["evaluation"]["feasible"] is True
    assert result["evaluation"]["objective"]["value"] == result["objective"]["value"]
    assert result["design"] == result["evaluation"]["design"]
    # what --json printed is what result.json holds
    assert json.loads(proc.stdout) == result


def test_result_meets_the_problem_requirements(solved):
    """Independent of the solver: the numbers in result.json against the problem file."""
    _, out_dir = solved
    result = json.loads((out_dir / "result.json").read_text())
    problem = yaml.safe_load(MOBILE.read_text())
    evaluation = result["evaluation"]
    assert evaluation["system"]["power_w"]["peak"] == pytest.approx(result["objective"]["value"], rel=1e-12)
    assert evaluation["system"]["power_w"]["peak"] <= problem["budgets"]["power_w"]
    assert evaluation["system"]["area_mm2"] <= problem["budgets"]["area_mm2"]
    (workload,) = evaluation["workloads"]
    assert workload["name"] == "face" and workload["scenario"] == "single_stream"
    assert workload["latency_ms"]["p90"] <= problem["workloads"][0]["latency_ms"]
    design = result["design"]
    space = problem["space"]
    assert design["array_rows"] in space["array_dims"] and design["array_rows"] == design["array_cols"]
    assert design["cores"] in space["cores"] and design["memory"] in space["memories"]
    assert design["precision"] in space["precisions"] and design["dataflow"] in space["dataflows"]


def test_design_yaml_is_accepted_by_eval_with_the_same_objective(solved):
    _, out_dir = solved
    result = json.loads((out_dir / "result.json").read_text())
    proc = synth_cli("eval", MOBILE, "--design", out_dir / "design.yaml", "--json")
    assert proc.returncode == EXIT_OK, _explain(proc)
    evaluation = json.loads(proc.stdout)
    assert evaluation["feasible"] is True
    assert evaluation["objective"]["name"] == result["objective"]["name"]
    assert math.isclose(evaluation["objective"]["value"], result["objective"]["value"], rel_tol=1e-9)


def test_design_yaml_starts_with_a_comment_and_holds_the_design(solved):
    _, out_dir = solved
    text = (out_dir / "design.yaml").read_text()
    assert text.startswith("#")
    result = json.loads((out_dir / "result.json").read_text())
    assert yaml.safe_load(text) == result["design"]


# ----------------------------------------------------------------------------- infeasible


def test_infeasible_problem_exits_3_and_prints_the_relaxation():
    proc = synth_cli("solve", INFEASIBLE)
    assert proc.returncode == EXIT_INFEASIBLE, _explain(proc)
    assert "infeasible" in proc.stdout
    # the relaxation names each requirement in the conflict by its key, as written
    assert "budgets.power_w" in proc.stdout, _explain(proc)
    assert "workloads[face].latency_ms" in proc.stdout, _explain(proc)


def test_infeasible_problem_json_carries_the_relaxation(tmp_path):
    proc = synth_cli("solve", INFEASIBLE, "--json", "-o", tmp_path)
    assert proc.returncode == EXIT_INFEASIBLE, _explain(proc)
    data = json.loads(proc.stdout)
    assert data["status"] == "infeasible" and data["design"] is None
    requirements = {r["requirement"] for r in data["relaxation"]}
    assert {"budgets.power_w", "workloads[face].latency_ms"} <= requirements
    for relaxation in data["relaxation"]:
        assert relaxation["requirement"] in relaxation["message"]
    assert not (tmp_path / "design.yaml").exists()  # nothing to evaluate
    assert json.loads((tmp_path / "result.json").read_text())["status"] == "infeasible"


def test_eval_prints_violations_with_their_requirement_keys(tmp_path):
    """A design that misses the latency SLA: the human-readable eval names the violated key."""
    design = tmp_path / "slow.yaml"
    design.write_text(yaml.safe_dump({"array_rows": 8, "array_cols": 8, "cores": 1, "clock_ghz": 0.4,
                                      "sram_mib": 1, "memory": "lpddr4", "precision": "int8"}))
    req = yaml.safe_load(MOBILE.read_text())
    req["workloads"][0]["latency_ms"] = 0.001
    req_file = tmp_path / "tight.yaml"
    req_file.write_text(yaml.safe_dump(req))
    proc = synth_cli("eval", req_file, "--design", design)
    assert proc.returncode == EXIT_OK, _explain(proc)
    assert "workloads[face].latency_ms" in proc.stdout, _explain(proc)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("args, named", [
    (["--method", "bogus"], "--method"),
    (["--time-limit", "-1"], "--time-limit"),
    (["--time-limit", "0"], "--time-limit"),
    (["--time-limit", "abc"], "--time-limit"),
])
def test_bad_solve_options_exit_2_with_a_message(args, named):
    proc = synth_cli("solve", MOBILE, *args)
    assert proc.returncode == EXIT_BAD_INPUT, _explain(proc)
    assert named in proc.stderr, _explain(proc)
    assert proc.stdout.strip() == ""


def test_negative_seed_is_bad_input():
    """Seeds are non-negative (numpy and Optuna refuse others): bad input, exit 2, named."""
    proc = synth_cli("solve", MOBILE, "--seed", "-1")
    assert proc.returncode == EXIT_BAD_INPUT, _explain(proc)
    assert "--seed" in proc.stderr or "seed" in proc.stderr, _explain(proc)


def test_missing_requirements_file_exits_2():
    proc = synth_cli("solve", "problems/no_such_problem.yaml")
    assert proc.returncode == EXIT_BAD_INPUT, _explain(proc)
    assert "no_such_problem.yaml" in proc.stderr


# ----------------------------------------------------------------------------- other commands


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.yaml")), ids=lambda p: p.stem)
def test_check_accepts_every_problem(path):
    proc = synth_cli("check", path)
    assert proc.returncode == EXIT_OK, _explain(proc)
    assert "ok" in proc.stdout


def test_check_rejects_a_bad_file_with_exit_2(tmp_path):
    bad = yaml.safe_load(MOBILE.read_text())
    bad["budgets"]["power_w"] = -5
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    proc = synth_cli("check", path)
    assert proc.returncode == EXIT_BAD_INPUT, _explain(proc)
    assert "bad.yaml" in proc.stderr and "budgets.power_w" in proc.stderr, _explain(proc)


def test_schema_is_a_json_schema_of_the_requirements():
    proc = synth_cli("schema")
    assert proc.returncode == EXIT_OK, _explain(proc)
    schema = json.loads(proc.stdout)
    assert schema["type"] == "object"
    assert "workloads" in schema["properties"]
    assert "workloads" in schema.get("required", [])
    jsonschema = pytest.importorskip("jsonschema")
    # the schema is the documentation of the format: every example validates against it,
    # and an unknown key (an error for the loader) is an error for the schema too
    for path in sorted(PROBLEMS.glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    unknown = yaml.safe_load(MOBILE.read_text()) | {"budgetz": {"power_w": 1}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(unknown, schema)


def test_models_json_lists_the_eight_builtin_models():
    proc = synth_cli("models", "--json")
    assert proc.returncode == EXIT_OK, _explain(proc)
    models = json.loads(proc.stdout)
    assert {m["name"] for m in models} == BUILTIN_MODELS
    assert len(models) == len(BUILTIN_MODELS)
    by_name = {m["name"]: m for m in models}
    for m in models:
        assert m["params"] > 0 and m["macs"] > 0 and m["layers"] > 0
    # published figures (torchvision model cards): parameter counts exactly, ResNet-50 ~4.1 GMACs
    assert by_name["resnet50"]["params"] == 25_557_032
    assert by_name["mobilenet_v2"]["params"] == 3_504_872
    assert by_name["resnet50"]["macs"] == pytest.approx(4.1e9, rel=0.02)


def test_models_table_lists_every_model():
    proc = synth_cli("models")
    assert proc.returncode == EXIT_OK, _explain(proc)
    for name in BUILTIN_MODELS:
        assert name in proc.stdout
