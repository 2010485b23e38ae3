"""The refinement study's storage (issue 9, storage; issue 16, studies on PostgreSQL).

`--storage` is opened and checked before the search: every unusable storage is exit 2 naming
`--storage`, never printing a password, with no traceback; a corrupted journal is left as it
was; the study name holds a hash of the requirements' content; a design planted in a study is
not adopted when it lies outside the requirements' space. Two `synth solve` processes share one
study on a real PostgreSQL server (tests/sweep/pgcluster.py starts a throwaway one).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import synth
from synth.solve.options import space_options
from synth.solve.storage import StorageError, check_journal, in_space, open_storage, study_name

ROOT = Path(__file__).parents[2]
MOBILE = ROOT / "problems" / "mobile_face_recognition.yaml"
CLI = [sys.executable, "-c", "import sys; from synth.cli import main; sys.exit(main(sys.argv[1:]))"]
SECRET = "hunter2-xyzzy"

import pgcluster  # noqa: E402 - put on the path by tests/conftest.py, which also gives `postgres`


def solve(*args, timeout=300) -> subprocess.CompletedProcess:
    proc = subprocess.run([*CLI, "solve", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def _corrupted(tmp_path: Path) -> Path:
    path = tmp_path / "bad.journal"
    path.write_bytes(b'{"op_code": 0, "worker_id": "a", "study_name": "s", "directions": [1]}\n'
                     b"this is not json\n{\"op_code\": 1}\n")
    return path


BAD_STORAGE = {
    "unparseable-url": lambda tmp: f"postgresql+psycopg://synth:{SECRET}@127.0.0.1:notaport/db",
    "unknown-driver": lambda tmp: f"nosuchdb://synth:{SECRET}@127.0.0.1/db",
    "unreachable-server": lambda tmp: f"postgresql+psycopg://synth:{SECRET}@127.0.0.1:{pgcluster.free_port()}/db",
    "sqlite-missing-folder": lambda tmp: f"sqlite:///{tmp}/no/such/folder/study.db",
    "journal-missing-folder": lambda tmp: str(tmp / "missing" / "study.journal"),
    "journal-is-a-folder": lambda tmp: str(tmp),
    "journal-corrupted": lambda tmp: str(_corrupted(tmp)),
    "journal-cut-short": lambda tmp: (tmp / "cut.journal").write_bytes(b'{"op_code": 0') and str(tmp / "cut.journal"),
}


@pytest.mark.parametrize("case", sorted(BAD_STORAGE))
def test_bad_storage_is_exit_2_naming_storage_before_the_search(tmp_path, case):
    storage = BAD_STORAGE[case](tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    started = time.perf_counter()
    proc = solve(MOBILE, "--json", "--storage", storage, "--trials", "2")
    assert proc.returncode == 2, proc.stderr
    assert "--storage" in proc.stderr, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    assert proc.stdout == ""  # no result: it stopped before the search
    assert time.perf_counter() - started < 60
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before  # left unchanged


def test_wrong_password_on_a_real_server_is_exit_2_without_the_password(postgres):
    proc = solve(MOBILE, "--json", "--storage", postgres.url(password=SECRET), "--trials", "2")
    assert proc.returncode == 2 and "--storage" in proc.stderr, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr and pgcluster.PASSWORD not in proc.stderr


def test_corrupted_journal_is_reported_with_its_line(tmp_path):
    path = _corrupted(tmp_path)
    with pytest.raises(StorageError, match="line 2"):
        check_journal(path)


def test_study_name_holds_a_hash_of_the_content():
    base = yaml.safe_load(MOBILE.read_text())
    other = json.loads(json.dumps(base))
    other["workloads"][0]["latency_ms"] = 40
    first, second = synth.load_requirements(base), synth.load_requirements(other)
    assert first.name == second.name
    assert study_name(first, 0) != study_name(second, 0)
    assert study_name(first, 0) == study_name(synth.load_requirements(MOBILE), 0)
    assert study_name(first, 0) != study_name(first, 1)


def test_a_planted_design_outside_the_space_is_never_adopted(tmp_path):
    """A study holding a feasible, better design outside the space (the grid optimum at a clock
    below the space's lowest: the exact model accepts it at a lower peak power) must not become
    the answer."""
    import optuna

    req = synth.load_requirements(MOBILE)
    grid = synth.synthesize(req, refine=False)
    variants = []
    for clock in (0.2, 0.25, 0.3):  # the space's clocks start at 0.4 GHz
        planted = dict(grid.design, clock_ghz=clock)
        planted.pop("voltage_v", None)
        variants.append(synth.evaluate(req, synth.load_design(planted)))
    outside = min((v for v in variants if v.feasible), key=lambda v: v.objective_value)
    assert outside.objective_value < grid.objective  # the bait is real: better than the grid optimum
    opts = space_options(req)
    assert in_space(opts, grid.design) and not in_space(opts, outside.design)
    journal = tmp_path / "study.journal"
    storage = open_storage(str(journal))
    study = optuna.create_study(study_name=study_name(req, 0), storage=storage.backend, direction="minimize")
    study.add_trial(optuna.trial.create_trial(value=outside.objective_value, params={}, distributions={},
                                              user_attrs={"feasible": True, "design": json.dumps(outside.design)}))
    result = synth.synthesize(req, storage=str(journal), refine_trials=3)
    assert in_space(opts, result.design), result.design
    assert result.design["clock_ghz"] >= 0.4
    assert result.objective >= grid.objective * (1 - 0.3)


def test_two_solve_processes_share_one_postgresql_study(postgres):
    url = postgres.create_database("study_shared")
    command = [*CLI, "solve", str(MOBILE), "--json", "--storage", url, "--trials", "8"]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (stdout, stderr) in zip(procs, outputs):
        assert proc.returncode == 0, stderr
        assert pgcluster.PASSWORD not in stdout + stderr
    results = [json.loads(stdout) for stdout, _ in outputs]
    assert {r["refinement"]["study"] for r in results} == {study_name(synth.load_requirements(MOBILE), 0)}
    assert all("***" in r["refinement"]["storage"] for r in results)
    import optuna

    study = optuna.load_study(study_name=results[0]["refinement"]["study"], storage=url)
    assert len(study.trials) == 16
    assert len({t.user_attrs.get("worker") for t in study.trials}) == 2
    assert {r["status"] for r in results} == {"optimal"}
    assert all(r["objective"]["value"] <= r["certificate"]["objective"] * (1 + 1e-12) for r in results)
