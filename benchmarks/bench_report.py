"""Whole-command timing: the bare solve against the solve with the report's trade-offs.

For each problems/ file: `synthesize` with the default options (what `synth solve FILE
--no-tradeoffs` spends in the library), then `report_data` with the default ReportOptions (the
sensitivity table and the Pareto front that `synth solve FILE -o out` adds), and the ratio; then
the Pareto sweep of `synth pareto problems/search_ranking.yaml --x latency --y power --points 8`
with how many of its points are proven. Run from the repository root; with PYTHONPATH set to
another checkout (e.g. `git archive <commit> | tar -x -C /tmp/base`) it times that commit.

    python benchmarks/bench_report.py [--only search_ranking] [--pareto-points 8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

import synth
from synth.solve.tradeoffs import pareto_front

ROOT = Path(__file__).parents[1]


def _commit() -> str:
    where = Path(synth.__file__).parents[1]
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=where, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(where)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--pareto-points", type=int, default=8)
    parser.add_argument("--skip-pareto", action="store_true")
    args = parser.parse_args()
    print(f"synth at {_commit()}; load average {os.getloadavg()[0]:.1f}")
    print("| problem | bare solve s | report s | whole s | whole / bare | front points proven |")
    print("|---|---|---|---|---|---|")
    for path in sorted((ROOT / "problems").glob("*.yaml")):
        if args.only and path.stem not in args.only:
            continue
        req = synth.load_requirements(path)
        started = time.perf_counter()
        result = synth.synthesize(req, seed=0)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        full = synth.report_data(req, result, seed=0)
        report = time.perf_counter() - started
        front = full.pareto
        proven = "-" if front is None else \
            f"{sum(bool(getattr(p, 'proven', False)) for p in front.points)}/{len(front.points)}"
        print(f"| {path.stem} | {bare:.2f} | {report:.2f} | {bare + report:.2f} | {(bare + report) / bare:.2f} "
              f"| {proven} |", flush=True)
    if args.skip_pareto:
        return
    req = synth.load_requirements(ROOT / "problems" / "search_ranking.yaml")
    started = time.perf_counter()
    front = pareto_front(req, x="latency", y="power", points=args.pareto_points, seed=0)
    seconds = time.perf_counter() - started
    proven = sum(bool(getattr(p, "proven", False)) for p in front.points)
    print(f"\npareto search_ranking latency x power, {args.pareto_points} bounds: {seconds:.2f} s, "
          f"{len(front.points)} front points, {proven} proven; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
