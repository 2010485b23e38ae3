"""A 48-variant sweep of problems/search_ranking.yaml on Dask: throughput with 1 and 2 workers,
and Dask's per-variant overhead against the median solve.

    python benchmarks/bench_sweep_dask.py [--repeat 1]

The sweep: qps 250, 500, 1000, 2000 x p99 bound 25..200 ms (6 values, log) x node 7, 5 nm
(48 variants; the sweep file's defaults: MILP with its certificate, no refinement, no
alternatives, the diagnosis of infeasible variants on).

Phases, each timed on the same 48 variants with a fresh SQLite results file:
1. serial: `solve_variant` in a plain loop in this process (no Dask, no database): the work.
2. dask-1: `run_sweep` on a LocalCluster of 1 worker process (1 thread): the work, plus
   pickling, scheduling and the database write of every row.
3. dask-2: the same on 2 worker processes.
Workers are started and have imported synth before the clock starts (a sweep pays that once).
Dask's per-variant overhead = (dask-1 wall - serial wall) / 48; speedup = dask-1 / dask-2.
The answers of dask-1 and dask-2 are compared (status, objective, design): they must agree.
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
    args = parser.parse_args()
    plan = expand(parse_sweep(SWEEP), load=synth.load_requirements)
    assert len(plan.variants) == 48, len(plan.variants)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    serial_walls, walls, solves = [], {1: [], 2: []}, []
    answers = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):
            wall, solve_s = serial(plan)
            serial_walls.append(wall)
            solves.extend(solve_s)
            for workers in (1, 2):
                wall, rows = on_dask(plan, workers, Path(tmp) / f"run{run}")
                walls[workers].append(wall)
                answers[workers] = {r["key"]: (r["status"], r["objective"], r["design"]) for r in rows}
    t_serial, t1, t2 = (statistics.median(x) for x in (serial_walls, walls[1], walls[2]))
    median_solve = statistics.median(solves)
    overhead = (t1 - t_serial) / len(plan.variants)
    statuses = {}
    for status, _, _ in answers[2].values():
        statuses[status] = statuses.get(status, 0) + 1
    print(f"commit {commit}, {platform.python_version()}, {os.cpu_count()} cores, {args.repeat} run(s)")
    print(f"variants: {len(plan.variants)} ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})")
    print("| phase | wall s | variants/s |")
    print("|---|---|---|")
    for name, wall in (("serial (no Dask)", t_serial), ("Dask, 1 worker", t1), ("Dask, 2 workers", t2)):
        print(f"| {name} | {wall:.1f} | {len(plan.variants) / wall:.2f} |")
    print(f"speedup 2 workers / 1 worker: {t1 / t2:.2f}x (target >= 1.7x)")
    print(f"median solve (synthesize) {median_solve:.3f} s; Dask overhead per variant {overhead * 1000:.1f} ms "
          f"= {overhead / median_solve * 100:.1f} % of the median solve (target < 5 %)")
    print(f"answers identical with 1 and 2 workers: {answers[1] == answers[2]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
