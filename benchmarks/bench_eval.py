"""Speed of the cost core: design-point x layer evaluations per second.

    python benchmarks/bench_eval.py [--quick] [--repeats 5] [--seed 0] [--profile]

One evaluation is one design point on one row of a model's layer table (`LayerTable`, L rows;
a row with count > 1 is still one evaluation). Three ways of calling the core are timed:

- `batch_figures`, P = 1: one design point per call (the fixed per-call overhead of numpy);
- `synth.evaluate`, one design per call: everything a user's `synth eval` does except the
  CLI (resolving the design, chip figures, the service table for batches 1..max(batch, 8),
  per-layer result objects). The workload is `offline`, so no serving simulation runs;
- `batch_figures`, P = 1e3, 1e4, 1e5: the vectorized path the solver uses.

Design points are drawn with a seeded generator over realistic ranges (the default design
grid at 7 nm: arrays 8..256 square or not, 1..16 cores, every dataflow, clock 0.2..2.0 GHz at
the DVFS voltage, SRAM 0.5..128 MiB, every catalog memory, batch 1..256, every precision).
Figures are medians over the repeats; each repeat draws fresh points (seed + repeat).
`--profile` adds a cProfile of one vectorized call per model.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time

import numpy as np

import synth
from synth.cost.constants import PE_SUPPORTS, PRECISIONS, technology
from synth.cost.dvfs import voltage_for_clock
from synth.cost.memory import CATALOG
from synth.cost.systolic import DATAFLOW_CODES
from synth.cost.workload import PRECISION_NAMES, LayerTable, batch_figures
from synth.models import builtin_model
from synth.spec.design import Design
from synth.spec.requirements import Requirements
from synth.spec.space import (
    DEFAULT_ARRAY_DIMS,
    DEFAULT_BATCH,
    DEFAULT_CORES,
    DEFAULT_SRAM_MIB,
)

NODE_NM = 7
MODELS = ("resnet50", "bert-base-128")
VECTOR_SIZES = (1_000, 10_000, 100_000)
MIN_CLOCK_GHZ = 0.2
TARGET_EVALS_PER_S = 1_000_000
MEMORIES = tuple(CATALOG.values())
DATAFLOW_NAMES = tuple(DATAFLOW_CODES)


def random_points(size: int, seed: int, *, node_nm: int = NODE_NM) -> dict[str, np.ndarray]:
    """`size` seeded design points as the keyword arrays of `batch_figures`, shape (size,)."""
    if size < 1:
        raise ValueError(f"size >= 1 must hold, but got (size={size})")
    tech = technology(node_nm)
    rng = np.random.default_rng(seed)
    cores = rng.choice(DEFAULT_CORES, size)
    # Cores per replica: a power of two no larger than the chip's cores.
    per_replica = 2 ** rng.integers(0, np.log2(cores).astype(int) + 1)
    clock = np.round(rng.uniform(MIN_CLOCK_GHZ, tech.max_clock_ghz, size), 1)
    memory = rng.integers(0, len(MEMORIES), size)
    return {
        "rows": rng.choice(DEFAULT_ARRAY_DIMS, size), "cols": rng.choice(DEFAULT_ARRAY_DIMS, size),
        "cores": cores, "dataflow": rng.integers(0, len(DATAFLOW_CODES), size), "clock_ghz": clock,
        "voltage_v": np.atleast_1d(voltage_for_clock(tech, clock)),
        "sram_mib": rng.choice(np.array(DEFAULT_SRAM_MIB, dtype=float), size),
        "bandwidth_gbps": np.array([m.bandwidth_gbps for m in MEMORIES])[memory],
        "dram_pj_per_bit": np.array([m.pj_per_bit for m in MEMORIES])[memory],
        "batch": rng.choice(DEFAULT_BATCH, size), "cores_per_replica": per_replica,
        "precision": rng.integers(0, len(PRECISION_NAMES), size),
        "memory_index": memory,
    }


def _core_arguments(points: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v for k, v in points.items() if k != "memory_index"}


def time_vectorized(table: LayerTable, size: int, seed: int) -> float:
    """Seconds of one `batch_figures` call on `size` points."""
    tech = technology(NODE_NM)
    points = _core_arguments(random_points(size, seed))
    started = time.perf_counter()
    batch_figures(table, tech, **points)
    return time.perf_counter() - started


def time_one_at_a_time(table: LayerTable, calls: int, seed: int) -> float:
    """Mean seconds per `batch_figures` call with P = 1, over `calls` distinct points."""
    tech = technology(NODE_NM)
    points = _core_arguments(random_points(calls, seed))
    singles = [{k: v[i:i + 1] for k, v in points.items()} for i in range(calls)]
    started = time.perf_counter()
    for point in singles:
        batch_figures(table, tech, **point)
    return (time.perf_counter() - started) / calls


def _pe_for(precision: str) -> str:
    """The narrowest PE that runs a workload precision."""
    return next(pe for pe in PRECISIONS if precision in PE_SUPPORTS[pe])


def offline_requirements(model: str) -> Requirements:
    """One offline workload of `model`: no SLA, no serving simulation."""
    return synth.load_requirements({
        "name": f"bench-eval-{model}", "objective": "min_power", "technology": {"node_nm": NODE_NM},
        "workloads": [{"name": "w", "model": model, "scenario": "offline"}],
    })


def random_designs(count: int, seed: int) -> list[Design]:
    points = random_points(count, seed)
    designs = []
    for i in range(count):
        precision = PRECISION_NAMES[int(points["precision"][i])]
        designs.append(synth.load_design({
            "array_rows": int(points["rows"][i]), "array_cols": int(points["cols"][i]),
            "cores": int(points["cores"][i]), "dataflow": DATAFLOW_NAMES[int(points["dataflow"][i])],
            "precision": _pe_for(precision), "clock_ghz": float(points["clock_ghz"][i]),
            "sram_mib": float(points["sram_mib"][i]), "memory": MEMORIES[int(points["memory_index"][i])].name,
            "workloads": {"w": {"batch": int(points["batch"][i]), "precision": precision,
                                "cores_per_replica": int(points["cores_per_replica"][i])}},
        }))
    return designs


def time_evaluate(req: Requirements, calls: int, seed: int) -> float:
    """Mean seconds per `synth.evaluate` call, over `calls` distinct designs."""
    designs = random_designs(calls, seed)
    started = time.perf_counter()
    for design in designs:
        synth.evaluate(req, design)
    return (time.perf_counter() - started) / calls


def median_of(repeats: int, run) -> float:
    return statistics.median(run(r) for r in range(repeats))


def profile_call(table: LayerTable, size: int, seed: int, top: int = 12) -> str:
    """cProfile of one vectorized call, sorted by own time."""
    tech = technology(NODE_NM)
    points = _core_arguments(random_points(size, seed))
    profiler = cProfile.Profile()
    profiler.enable()
    batch_figures(table, tech, **points)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="P up to 1e4, fewer single calls")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile one vectorized call per model")
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error(f"--repeats >= 5 must hold (medians of at least 5), but got (repeats={args.repeats})")
    sizes = VECTOR_SIZES[:-1] if args.quick else VECTOR_SIZES
    single_calls = 50 if args.quick else 200
    evaluate_calls = 10 if args.quick else 40
    seed = args.seed

    print(f"Cost-core evaluations per second (design point x layer-table row), {NODE_NM} nm, seed {seed}, "
          f"median of {args.repeats} repeats\n")
    print("| model | layers L | path | points per call | s per call | evaluations/s | vs batch_figures P=1 |")
    print("|---|---|---|---|---|---|---|")
    summary = []
    for name in MODELS:
        table = LayerTable.from_model(builtin_model(name))
        layers = len(table.names)
        req = offline_requirements(name)
        time_vectorized(table, 1_000, seed)  # warm-up: imports, caches
        one = median_of(args.repeats, lambda r, table=table: time_one_at_a_time(table, single_calls, seed + r))
        base_rate = layers / one
        print(f"| {name} | {layers} | batch_figures | 1 | {one:.2e} | {base_rate:,.0f} | 1.0 |")
        whole = median_of(args.repeats, lambda r, req=req: time_evaluate(req, evaluate_calls, seed + r))
        rate = layers / whole
        print(f"| {name} | {layers} | synth.evaluate | 1 | {whole:.2e} | {rate:,.0f} | {rate / base_rate:.2f} |")
        for size in sizes:
            per_call = median_of(args.repeats, lambda r, table=table, size=size: time_vectorized(table, size, seed + r))
            rate = size * layers / per_call
            summary.append((name, size, rate))
            print(f"| {name} | {layers} | batch_figures | {size:,} | {per_call:.3f} | {rate:,.0f} "
                  f"| {rate / base_rate:,.0f} |")

    best = max(rate for _, _, rate in summary)
    verdict = "met" if best >= TARGET_EVALS_PER_S else "missed"
    print(f"\nTarget >= {TARGET_EVALS_PER_S:,} evaluations/s vectorized: {verdict} (best {best:,.0f}/s, "
          f"{best / TARGET_EVALS_PER_S:.1f}x the target, {best / (10 * TARGET_EVALS_PER_S):.2f}x the 10x aim)")
    if args.profile:
        for name in MODELS:
            table = LayerTable.from_model(builtin_model(name))
            print(f"\ncProfile, batch_figures on {name}, P = 10,000 (own time)\n")
            print(profile_call(table, 10_000, seed))


if __name__ == "__main__":
    main()
