"""`synth sweep` end to end on a real Dask LocalCluster (2 worker processes) and real databases
(a SQLite file; a throwaway PostgreSQL server): results, outputs, resume, Ctrl-C, a killed
worker, unreachable options."""

from __future__ import annotations

import csv
import json
import os
import signal
import time

import pgcluster
import pytest
from sweeps import SLOW, SMALL, popen, rows, run, write_sweep

SECRET = "s3cret-db-pass"


def _wait_rows(db, at_least: int, proc, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = len(rows(db)) if db.exists() else 0
        if found >= at_least:
            return found
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("no rows in time")


def test_sweep_end_to_end(small_sweep):
    path, out, proc = small_sweep
    assert proc.returncode == 0, proc.stderr
    found = rows(out / "sweep.sqlite")
    assert len(found) == 6 and [r["idx"] for r in found] == list(range(6))
    assert len({r["key"] for r in found}) == 6
    by_power = {}
    for r in found:
        by_power.setdefault(json.loads(r["axis_values"])["budgets.power_w"], []).append(r)
    # A 1 W budget is below what any design of this space needs (1.2 W at the loosest latency: an
    # 8 x 8 int8 array at 0.4 GHz, whose worst-case DRAM draw of 9.6 GB/s is 1.04 W of LPDDR4).
    assert {r["status"] for r in by_power[1]} == {"infeasible"}
    assert all("budgets.power_w" in r["binding"] for r in by_power[1])
    assert {r["status"] for r in by_power[6]} == {"optimal"}
    # Proven optimal: the MILP's bound equals the exact objective up to float rounding of its sums.
    assert all(r["gap"] <= 1e-12 and r["objective"] - r["bound"] <= 1e-12 * r["objective"] and r["attempts"] == 1
               for r in by_power[6])
    # A looser latency bound can only lower the least power (same space, fewer constraints).
    powers = [r["objective"] for r in sorted(by_power[6], key=lambda r: json.loads(r["axis_values"])
                                             ["workloads.face.latency_ms"])]
    assert powers == sorted(powers, reverse=True)
    table = list(csv.DictReader((out / "results.csv").open()))
    assert len(table) == 6 and table[1]["workloads.face.latency_ms"] == "10.0"
    assert len((out / "results.jsonl").read_text().splitlines()) == 6
    for name in ("objective", "feasibility", "cheapest"):
        assert (out / "plots" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = (out / "summary.html").read_text()
    for r in found:
        assert (out / f"variants/{r['idx']:05d}-{r['key'][:12]}/result.json").is_file()
        assert f"variants/{r['idx']:05d}-{r['key'][:12]}/report.html" in summary


def test_a_second_run_skips_finished_variants_and_report_rerenders_from_the_db(small_sweep, tmp_path):
    path, out, _ = small_sweep
    before = rows(out / "sweep.sqlite")
    proc = run(path, "--db", out / "sweep.sqlite", "-o", tmp_path / "second", "--workers", 1, "--no-variant-reports")
    assert proc.returncode == 0, proc.stderr
    assert "skipping 6 variant(s)" in proc.stderr and "ran 0 of 6" in proc.stderr
    assert rows(out / "sweep.sqlite") == before  # nothing rewritten
    again = run("--report", out / "sweep.sqlite", "-o", tmp_path / "again")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "results.csv").read_text() == (out / "results.csv").read_text()
    assert (tmp_path / "again" / "summary.html").is_file()


def test_answers_do_not_depend_on_the_worker_count(small_sweep, tmp_path):
    _, out, _ = small_sweep
    path = write_sweep(tmp_path, SMALL)
    proc = run(path, "-o", tmp_path / "one", "--workers", 1, "--no-variant-reports")
    assert proc.returncode == 0, proc.stderr
    two = {r["key"]: (r["status"], r["objective"], r["design"]) for r in rows(out / "sweep.sqlite")}
    one = {r["key"]: (r["status"], r["objective"], r["design"]) for r in rows(tmp_path / "one" / "sweep.sqlite")}
    assert one == two


def test_retry_failed_solves_failed_variants_again(tmp_path):
    path = write_sweep(tmp_path, {**SLOW, "axes": {"workloads.ranker.qps": [500]}, "solve": {"time_limit_s": 0.01}})
    first = run(path, "-o", tmp_path / "out", "--workers", 1, "--no-variant-reports")
    assert first.returncode == 1  # no answer within 10 ms: status unknown, a failure
    assert [r["status"] for r in rows(tmp_path / "out" / "sweep.sqlite")] == ["unknown"]
    assert "skipping 1" in run(path, "-o", tmp_path / "out", "--workers", 1).stderr
    retried = run(path, "-o", tmp_path / "out", "--workers", 1, "--retry-failed", "--no-variant-reports")
    assert "skipping" not in retried.stderr
    assert [r["attempts"] for r in rows(tmp_path / "out" / "sweep.sqlite")] == [2]


def test_ctrl_c_keeps_finished_results_and_a_rerun_resumes(tmp_path):
    path = write_sweep(tmp_path, SLOW)
    db = tmp_path / "out" / "sweep.sqlite"
    proc = popen(path, "-o", tmp_path / "out", "--workers", 2, "--no-variant-reports")
    _wait_rows(db, 2, proc)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stdout + stderr and "interrupted" in stderr
    kept = rows(db)
    assert 2 <= len(kept) < 8, len(kept)
    resumed = run(path, "-o", tmp_path / "out", "--workers", 2, "--no-variant-reports")
    assert resumed.returncode == 0, resumed.stderr
    assert f"skipping {len(kept)} variant(s)" in resumed.stderr
    final = rows(db)
    assert len(final) == 8 and all(r["attempts"] == 1 for r in final)
    assert {r["key"]: r["finished_at"] for r in final if r["key"] in {k["key"] for k in kept}} == \
        {r["key"]: r["finished_at"] for r in kept}  # rows of the first run untouched


def test_a_worker_killed_mid_task_loses_and_duplicates_nothing(tmp_path):
    from distributed import Client, LocalCluster

    path = write_sweep(tmp_path, SLOW)
    db = tmp_path / "out" / "sweep.sqlite"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = client.run(os.getpid)
        proc = popen(path, "-o", tmp_path / "out", "--scheduler", cluster.scheduler_address, "--no-variant-reports")
        done_at_kill = _wait_rows(db, 1, proc)
        victim = sorted(pids.values())[0]
        os.kill(victim, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr
        assert done_at_kill < 8  # the sweep was still running: the victim was busy
    final = rows(db)
    assert len(final) == 8 and len({r["key"] for r in final}) == 8
    assert all(r["attempts"] == 1 and r["status"] in ("optimal", "feasible", "infeasible") for r in final)


def test_results_in_postgresql(postgres, tmp_path):
    url = postgres.create_database("sweep_results")
    path = write_sweep(tmp_path, SMALL)
    proc = run(path, "-o", tmp_path / "out", "--db", url, "--workers", 2, "--no-variant-reports")
    assert proc.returncode == 0, proc.stderr
    assert pgcluster.PASSWORD not in proc.stdout + proc.stderr and "***" in proc.stderr
    found = rows(url)
    assert len(found) == 6 and sorted(r["status"] for r in found) == ["infeasible"] * 3 + ["optimal"] * 3
    again = run(path, "-o", tmp_path / "out", "--db", url, "--workers", 1)
    assert "skipping 6" in again.stderr
    shown = run("--report", url, "-o", tmp_path / "from-pg", "--no-variant-reports")
    assert shown.returncode == 0, shown.stderr
    assert len((tmp_path / "from-pg" / "results.jsonl").read_text().splitlines()) == 6


@pytest.mark.parametrize("option", ["--db", "--scheduler", "--db-sqlite"])
def test_unreachable_database_or_scheduler_is_exit_2_naming_the_option(tmp_path, option):
    path = write_sweep(tmp_path, SMALL)
    port = pgcluster.free_port()
    value = {"--db": f"postgresql+psycopg://synth:{SECRET}@127.0.0.1:{port}/x",
             "--scheduler": f"tcp://127.0.0.1:{port}", "--db-sqlite": str(tmp_path / "no" / "such" / "db.sqlite")}
    name = option.removesuffix("-sqlite")
    proc = run(path, "-o", tmp_path / "out", name, value[option], timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert name in proc.stderr and SECRET not in proc.stdout + proc.stderr
