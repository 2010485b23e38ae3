"""A seeded sweep of random requirements over the built-in models: no crash, and how long.

    python benchmarks/bench_sweep.py [--first 0] [--last 40] [--time-limit 60]

Each seed builds a random requirements mapping (1-3 workloads of the built-in models in random
scenarios, budgets, objectives, nodes and grids; `spec`) and runs `synthesize(refine=False)`
with the time limit. Prints one row per seed: status, wall time, MILP iterations, build +
solve + check, alternatives and relaxations found, the first certificate note; invalid
requirements show the loader's message (the generator does not avoid, e.g., clocks a node
cannot reach). Unlike bench_solve.py it looks for failures and slow corners, not medians.
"""

from __future__ import annotations

import argparse
import time
import traceback

import numpy as np

import synth
from synth import SpecError

MODELS = ("resnet50", "mobilenet_v1", "mobilenet_v2", "squeezenet1_1", "bert-base-128", "bert-base-384", "gpt2",
          "mlp0")
OBJECTIVES = ("min_power", "min_area", "min_unit_cost", "min_energy_per_inference", "min_cost_per_inference",
              "max_throughput", "min_latency")


def _workload(rng: np.random.Generator, index: int) -> dict:
    scenario = str(rng.choice(["single_stream", "multi_stream", "server", "offline"]))
    workload = {"name": f"w{index}", "model": str(rng.choice(MODELS)), "scenario": scenario}
    if scenario in ("single_stream", "multi_stream"):
        workload["latency_ms"] = float(rng.choice([5, 20, 100, 500]))
    if scenario == "server":
        workload["qps"] = float(rng.choice([10, 100, 1000]))
        workload["latency_ms"] = float(rng.choice([20, 100, 500]))
    if scenario == "offline" and rng.random() < 0.6:
        workload["qps"] = float(rng.choice([100, 1000, 10000]))
    if rng.random() < 0.5:
        workload["max_accuracy_drop_pct"] = float(rng.choice([0.0, 0.5, 1.0, 2.0]))
    return workload


def spec(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    workloads = [_workload(rng, i) for i in range(int(rng.integers(1, 4)))]
    budgets = {}
    if rng.random() < 0.5:
        budgets["power_w"] = float(rng.choice([5, 30, 150, 400]))
    if rng.random() < 0.3:
        budgets["area_mm2"] = float(rng.choice([50, 200, 600]))
    if rng.random() < 0.3:
        budgets["unit_cost_usd"] = float(rng.choice([50, 200, 1000]))
    pick = lambda values, n: sorted(set(rng.choice(values, size=n).tolist()))  # noqa: E731
    space = {"array_dims": pick([16, 32, 64, 128, 256], 3), "cores": pick([1, 2, 4, 8], 2),
             "precisions": pick(["int8", "fp16", "bf16", "int8+fp16", "fp32"], 2),
             "clock_ghz": pick([0.4, 0.6, 0.8, 1.0, 1.2, 1.5], 3), "sram_mib": pick([2, 8, 16, 32, 64], 3),
             "memories": pick(["lpddr4", "lpddr5", "ddr4", "ddr5", "gddr6", "hbm2e"], 2),
             "batch": pick([1, 2, 4, 8, 16, 32], 3)}
    if rng.random() < 0.3:
        space["chips"] = [1, 2, 4]
    return {"name": f"sweep-{seed}", "objective": str(rng.choice(OBJECTIVES)),
            "technology": {"node_nm": int(rng.choice([7, 16, 28]))}, "budgets": budgets, "workloads": workloads,
            "space": space}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--last", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    print("| seed | objective | status | wall s | iterations | to proof s | alternatives | relaxations | note |")
    print("|---|---|---|---|---|---|---|---|---|")
    for seed in range(args.first, args.last):
        requirements = spec(seed)
        try:
            req = synth.load_requirements(requirements)
        except SpecError as error:
            print(f"| {seed} | {requirements['objective']} | invalid | | | | | | {str(error).splitlines()[0][:90]} |")
            continue
        started = time.perf_counter()
        try:
            result = synth.synthesize(req, refine=False, time_limit_s=args.time_limit)
        except Exception:  # the sweep's purpose: report a crash and go on
            print(f"| {seed} | {requirements['objective']} | **crash** | | | | | | {traceback.format_exc(limit=1)!r} |")
            continue
        c = result.certificate
        note = c.notes[0] if c.notes else ""
        print(f"| {seed} | {requirements['objective']} | {result.status.value} | {time.perf_counter() - started:.2f} "
              f"| {c.iterations} | {c.build_s + c.solve_s + c.check_s:.2f} | {len(result.alternatives)} "
              f"| {len(result.relaxation)} | {note} |", flush=True)


if __name__ == "__main__":
    main()
