"""User-like files (benchmarks/generators.py `user_like`): time and gap per objective and scenario.

Each seed's file is solved as `synth solve FILE --no-refine` solves it (default options,
refinement off, a 60 s safety stop). Printed: one row per file, then per objective and per
first-workload scenario the median and worst time and the worst gap, and how many files ended
proven (optimal or infeasible).

    python benchmarks/bench_user_like.py --seeds 0-63
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict

import synth
from benchmarks.generators import user_like


def _seeds(text: str) -> list[int]:
    low, _, high = text.partition("-")
    return list(range(int(low), int(high or low) + 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0-63")
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| seed | objective | scenario | workloads | status | s | gap | MILP solves | checks |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for seed in _seeds(args.seeds):
        data = user_like(seed)
        req = synth.load_requirements(data)
        started = time.perf_counter()
        result = synth.synthesize(req, seed=0, refine=False, time_limit_s=args.time_limit)
        seconds = time.perf_counter() - started
        c = result.certificate
        scenario = data["workloads"][0]["scenario"]
        proven = result.status.value in ("optimal", "infeasible")
        rows.append((data["objective"], scenario, seconds, c.gap, proven))
        gap = "-" if c.gap is None else f"{c.gap:.1e}"
        print(f"| {seed} | {data['objective']} | {scenario} | {len(data['workloads'])} | {result.status.value} "
              f"| {seconds:.2f} | {gap} | {c.iterations} | {c.exact_checks} |", flush=True)
    for column, title in ((0, "objective"), (1, "scenario")):
        groups = defaultdict(list)
        for row in rows:
            groups[row[column]].append(row)
        print(f"\n| {title} | files | proven | median s | worst s | worst gap |\n|---|---|---|---|---|---|")
        for key, group in sorted(groups.items()):
            times = [r[2] for r in group]
            gaps = [r[3] for r in group if r[3] is not None]
            print(f"| {key} | {len(group)} | {sum(r[4] for r in group)} | {statistics.median(times):.2f} "
                  f"| {max(times):.2f} | {max(gaps) if gaps else '-'} |")
    times = [r[2] for r in rows]
    print(f"\nall: {len(rows)} files, {sum(r[4] for r in rows)} proven, median {statistics.median(times):.2f} s, "
          f"worst {max(times):.2f} s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
