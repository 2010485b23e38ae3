"""result.json read by `synth report`: large ones accepted, tampered ones rejected naming the key."""

from __future__ import annotations

import copy
import json

import pytest

from tests.hostile._support import ROOT

GOOD = json.loads((ROOT / "tests" / "fixtures" / "report" / "search_ranking.json").read_text())


def _tamper(change):
    data = copy.deepcopy(GOOD)
    change(data)
    return data


TAMPERED = {
    "only a status": ({"status": "optimal"}, ("method", "certificate", "evaluation")),
    "unknown status": (_tamper(lambda d: d.update(status="hacked")), ("status",)),
    "string for a number": (_tamper(lambda d: d["evaluation"]["chip"].update(area_mm2="big")),
                            ("evaluation.chip.area_mm2",)),
    "string for the objective": (_tamper(lambda d: d["objective"].update(value="12 W")), ("objective.value",)),
    "string for a latency": (_tamper(lambda d: d["evaluation"]["workloads"][0]["latency_ms"].update(p99="fast")),
                             ("evaluation.workloads[0].latency_ms.p99",)),
    "bad design": (_tamper(lambda d: d["design"].update(array_rows=-1)), ("design.array_rows",)),
    "design missing while optimal": (_tamper(lambda d: d.update(design=None)), ("design",)),
    "notes not a list": (_tamper(lambda d: d.update(notes="x")), ("notes",)),
    "a list": ([1, 2], ("mapping",)),
}


@pytest.mark.parametrize("name", TAMPERED)
def test_tampered_result_rejected(name, cli, tmp_path):
    data, named = TAMPERED[name]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    cli("report", path, "-o", tmp_path / "out").rejected(*named)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", ['{"status": NaN}', '{"status": Infinity}', "[" * 100_000 + "]" * 100_000,
                                  "{not json"])
def test_not_strict_json(text, cli, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(text)
    cli("report", path, "-o", tmp_path / "out").rejected("result.json")


def test_oversized_result(cli, tmp_path):
    path = tmp_path / "result.json"
    with path.open("wb") as stream:
        stream.truncate(65 << 20)  # sparse: 65 MiB of NULs
    cli("report", path, "-o", tmp_path / "out").rejected("at most")


def test_a_large_result_is_read(cli, tmp_path):
    """A result.json of several MB (a 2,000-layer model's per-layer table) renders."""
    def grow(d):  # the first layer record as `synth solve` wrote it, repeated
        workload = d["evaluation"]["workloads"][0]
        workload["layers"] = [dict(workload["layers"][0], name=f"l{i}") for i in range(40_000)]

    data = _tamper(grow)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    assert path.stat().st_size > 2 << 20
    out = cli("report", path, "-o", tmp_path / "out")
    assert out.code == 0, out.text
    assert (tmp_path / "out" / "report.md").is_file()


def test_infinite_values_round_trip(cli, tmp_path):
    """null + <key>_status (what solve writes for an infinite number) reads back as infinite."""
    data = _tamper(lambda d: d["evaluation"]["workloads"][0].update(max_qps_within_sla=None,
                                                                    max_qps_within_sla_status="infinite"))
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, allow_nan=False))
    assert cli("report", path, "-o", tmp_path / "out").code == 0
