"""What Optuna refinement gains on each problems/ file, and what it costs in time.

    python benchmarks/bench_refine.py [--trials 40] [--seeds 0 1 2]

For each feasible problem: the MILP's grid optimum (refine off), then refinement around it
(seeded TPE between the grid neighbours); the table gives the median gain and time over the
seeds. Every refined design is exact-feasible (the refiner accepts nothing else).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import synth
from synth.solve.options import space_options
from synth.solve.refine import refine

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    print("| problem | objective | grid optimum | refined (median) | gain % (median, min-max) | "
          "refine s (median) | trials |")
    print("|---|---|---|---|---|---|---|")
    for path in sorted((ROOT / "problems").glob("*.yaml")):
        req = synth.load_requirements(path)
        base = synth.synthesize(req, refine=False, alternatives=0, diagnose_infeasible=False)
        if base.evaluation is None:
            continue
        opts = space_options(req)
        gains, seconds, values = [], [], []
        for seed in args.seeds:
            started = time.perf_counter()
            result = refine(opts, base.evaluation, seed=seed, trials=args.trials, time_limit_s=120)
            seconds.append(time.perf_counter() - started)
            gains.append(result.gain_pct)
            values.append(result.objective_after)
        print(f"| {path.stem} | {req.objective.value} | {base.evaluation.objective_value:.5g} | "
              f"{statistics.median(values):.5g} | {statistics.median(gains):.2f} ({min(gains):.2f}-{max(gains):.2f}) | "
              f"{statistics.median(seconds):.2f} | {args.trials} |")


if __name__ == "__main__":
    main()
