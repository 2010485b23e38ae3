"""Outputs as a set: no link followed, nothing stale, an old set survives a failed run; stdout
of --json is one strict JSON document."""

from __future__ import annotations

import json
import math

import pytest

from synth.report.schema import dumps, restore
from tests.hostile._support import ROOT

RESULT = ROOT / "tests" / "fixtures" / "report" / "search_ranking.json"


def _strict(text: str):
    def reject(name):
        raise ValueError(f"{name} in JSON")

    return json.loads(text, parse_constant=reject)


def test_links_inside_the_folder_are_not_followed(cli, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").symlink_to(victim)
    (out / "plots").mkdir()
    (out / "plots" / "breakdown.png").symlink_to(victim)
    assert cli("report", RESULT, "-o", out).code == 0
    assert victim.read_text() == "untouched"
    assert not (out / "report.md").is_symlink() and (out / "report.md").read_text().startswith("# synth report")
    assert not (out / "plots" / "breakdown.png").is_symlink()


def test_stale_files_do_not_survive(cli, tmp_path):
    out = tmp_path / "out"
    (out / "plots").mkdir(parents=True)
    (out / "plots" / "load-old_workload.png").write_bytes(b"old")
    (out / "design.yaml").write_text("# status optimal, an older run\n")
    assert cli("report", RESULT, "-o", out).code == 0
    assert not (out / "plots" / "load-old_workload.png").exists()
    assert not (out / "design.yaml").exists()


def test_a_failed_run_keeps_the_old_set(cli, tmp_path):
    out = tmp_path / "out"
    assert cli("report", RESULT, "-o", out).code == 0
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.json"
    bad.write_text('{"status": "optimal"}')
    cli("report", bad, "-o", out).rejected("method")
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".synth")] == []


def test_report_in_place_keeps_result_and_design(cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_bytes(RESULT.read_bytes())
    (out / "design.yaml").write_text("array_rows: 1\n")
    assert cli("report", out / "result.json").code == 0
    assert (out / "result.json").read_bytes() == RESULT.read_bytes()
    assert (out / "design.yaml").read_text() == "array_rows: 1\n"
    assert (out / "report.html").is_file()


def test_non_finite_numbers_become_null_with_a_status():
    data = {"a": math.inf, "b": -math.inf, "c": math.nan, "d": "inf", "e": [1.0, math.inf], "f": {"g": "-inf"}}
    parsed = _strict(dumps(data))
    assert parsed == {"a": None, "a_status": "infinite", "b": None, "b_status": "negative_infinite",
                      "c": None, "c_status": "undefined", "d": None, "d_status": "infinite",
                      "e": [1.0, None], "f": {"g": None, "g_status": "negative_infinite"}}
    back = restore(parsed)
    assert back["a"] == math.inf and back["b"] == -math.inf and math.isnan(back["c"]) and "a_status" not in back


DESIGN = "array_rows: 32\narray_cols: 32\ncores: 1\nclock_ghz: 1.0\nsram_mib: 4\n"
REQ = "name: j\nworkloads:\n  - {name: w, model: mlp0, scenario: single_stream, latency_ms: 1000}\n"


@pytest.mark.parametrize("command", [("eval", "--no-max-qps"), ("serve-curve",)])
def test_json_stdout_is_one_strict_document(command, cli, write):
    out = cli(command[0], write(REQ), "--design", write(DESIGN, "d.yaml"), "--json", *command[1:])
    assert out.code == 0, out.text
    _strict(out.stdout)


def test_names_that_read_as_numbers_stay_names():
    data = {"evaluation": {"workloads": [{"name": "nan", "latency_ms": "inf"}]}, "requirements": {"name": "inf"}}
    parsed = _strict(dumps(data))
    assert parsed["evaluation"]["workloads"][0]["name"] == "nan"
    assert parsed["evaluation"]["workloads"][0]["latency_ms_status"] == "infinite"
    assert parsed["requirements"]["name"] == "inf"
