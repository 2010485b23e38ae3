"""A 48-variant sweep of problems/search_ranking.yaml on Dask: throughput with 1 and 2 workers,
and Dask's per-variant overhead against the median solve.

    python benchmarks/bench_sweep_dask.py [--repeat 1] [--serial]

The sweep: qps 250, 500, 1000, 2000 x p99 bound 25..200 ms (6 values, log) x node 7, 5 nm
(48 variants; the sweep file's defaults: MILP with its certificate, no refinement, no
alternatives, the diagnosis of infeasible variants on).

Phases, each timed on the same 48 variants with a fresh SQLite results file:
1. dask-1: `run_sweep` on a LocalCluster of 1 worker process (1 thread): the work, plus
   pickling, scheduling and the database write of every row.
2. dask-2: the same on 2 worker processes.
3. (--serial) `solve_variant` in a plain loop in this process (no Dask, no database).
Workers are started and have imported synth before the clock starts (a sweep pays that once).
Speedup = dask-1 wall / dask-2 wall. Dask's per-variant overhead is read on the one worker's
timeline: (dask-1 wall - the sum of the tasks' own times on the worker) / 48, i.e. the time the
worker was not running a task (scheduling, transfer; the database writes overlap the next task);
a difference of two wall times (dask-1 - serial) is too noisy on a shared machine.
The answers of dask-1 and dask-2 are compared (status, objective, design): they must agree.
The load average before and after is printed: other processes on the machine slow every phase.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synth
from synth.sweep import expand, open_db, parse_sweep
from synth.sweep.db import load_sweep
from synth.sweep.runner import Task, run_sweep, solve_variant

ROOT = Path(__file__).resolve().parents[1]
SWEEP = {"name": "bench-ranking-48", "base": str(ROOT / "problems" / "search_ranking.yaml"),
         "axes": {"workloads.ranker.qps": [250, 500, 1000, 2000],
                  "workloads.ranker.latency_ms": {"min": 25, "max": 200, "num": 6, "scale": "log"},
                  "technology.node_nm": [7, 5]}}


def _warm():
    import synth.solve  # noqa: F401 - imported before the clock starts
    import synth.sweep.runner  # noqa: F401

    return os.getpid()


def serial(plan) -> tuple[float, list[float]]:
    solve = plan.spec.solve.model_dump(mode="json")
    started = time.perf_counter()
    rows = [solve_variant(Task(plan.spec.name, v, plan.spec.seed, solve)) for v in plan.variants]
    return time.perf_counter() - started, [r["solve_s"] for r in rows if r["solve_s"] is not None]


def on_dask(plan, workers: int, folder: Path) -> tuple[float, list[dict]]:
    from distributed import Client, LocalCluster

    folder.mkdir(parents=True, exist_ok=True)
    db = open_db(folder / f"dask-{workers}.sqlite")
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.run(_warm)
        started = time.perf_counter()
        run_sweep(plan, db, client)
        wall = time.perf_counter() - started
    _, rows = load_sweep(db, plan.spec.name)
    db.close()
    return wall, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each phase (the median is shown).")
    parser.add_argument("--serial", action="store_true", help="Also time a plain loop without Dask.")
    args = parser.parse_args()
    plan = expand(parse_sweep(SWEEP), load=synth.load_requirements)
    assert len(plan.variants) == 48, len(plan.variants)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    serial_walls, walls, solves, gaps = [], {1: [], 2: []}, [], []
    answers = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):
            for workers in (1, 2):
                wall, rows = on_dask(plan, workers, Path(tmp) / f"run{run}")
                walls[workers].append(wall)
                answers[workers] = {r["key"]: (r["status"], r["objective"], r["design"]) for r in rows}
                solves.extend(r["solve_s"] for r in rows if r["solve_s"] is not None)
                if workers == 1:
                    gaps.append((wall - sum(r["task_s"] for r in rows)) / len(rows))
            if args.serial:
                serial_walls.append(serial(plan)[0])
    load_after = os.getloadavg()
    t1, t2 = statistics.median(walls[1]), statistics.median(walls[2])
    median_solve = statistics.median(solves)
    overhead = statistics.median(gaps)
    statuses = {}
    for status, _, _ in answers[2].values():
        statuses[status] = statuses.get(status, 0) + 1
    print(f"commit {commit}, Python {platform.python_version()}, {os.cpu_count()} cores, {args.repeat} run(s); "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print(f"variants: {len(plan.variants)} ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})")
    print("| phase | wall s | variants/s |")
    print("|---|---|---|")
    phases = [("Dask, 1 worker", t1), ("Dask, 2 workers", t2)]
    if serial_walls:
        phases.append(("plain loop (no Dask)", statistics.median(serial_walls)))
    for name, wall in phases:
        print(f"| {name} | {wall:.1f} | {len(plan.variants) / wall:.2f} |")
    print(f"speedup 2 workers / 1 worker: {t1 / t2:.2f}x (target >= 1.7x)")
    print(f"median solve (synthesize) {median_solve:.3f} s; Dask overhead per variant {overhead * 1000:.1f} ms "
          f"= {overhead / median_solve * 100:.2f} % of the median solve (target < 5 %)")
    print(f"answers identical with 1 and 2 workers: {answers[1] == answers[2]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
