"""Seeded requirement generators for the solver benchmarks (a registry, as in linopy's benchmarks).

Each generator takes a `seed` and returns a requirements mapping that `synth.load_requirements`
accepts; the same seed gives the same mapping. The seed moves the service levels (latency
bounds, query rates, budgets) within ranges chosen so that every draw stays feasible; the
space and the models are fixed so that the space's size does not depend on the seed.

Design points are counted as `Result.design_points` counts them: hardware points times, for
every workload, its batches x precisions x (replicas, cores per replica) pairs.

    GENERATORS["user_like"](seed)          # default space, any objective, 1-4 built-in workloads
    GENERATORS["large_space"](seed)        # >= 1e9 design points, four workloads
    GENERATORS["exhaustive_space"](seed)   # just under the exhaustive method's 200,000 hardware points
    GENERATORS["exhaustive_energy"](seed)  # small space, an objective exhaustive must enumerate fully
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Generator = Callable[[int], dict]


def _scaled(rng: np.random.Generator, value: float, low: float, high: float) -> float:
    """`value` times a seeded factor in [low, high], rounded to 3 significant digits."""
    if not low <= high:
        raise ValueError(f"low <= high must hold, but got (low={low}, high={high})")
    return float(f"{value * rng.uniform(low, high):.3g}")


def large_space(seed: int) -> dict:
    """Four tenants on one 7 nm chip, minimum peak power: 3.15e10 design points.

    Hardware: 4 array sizes x 3 core counts x 3 dataflows x 2 PEs x 5 clocks x 4 SRAM sizes x
    2 memories = 2,880 points. Plans: face recognition runs one stream (batch 1), the three
    server workloads choose among 3 batches; each workload picks int8 or bf16 (squeezenet1_1
    only bf16: int8 exceeds its 1 % accuracy bound) and one of the 15 (replicas, cores per
    replica) pairs 8 cores allow. The service levels are those of problems/mixed_tenancy.yaml,
    loosened by a seeded 0-30 % (rates lowered by up to 30 %)."""
    rng = np.random.default_rng(seed)
    return {
        "name": f"large-space-{seed}",
        "objective": "min_power",
        "technology": {"node_nm": 7},
        "budgets": {"power_w": _scaled(rng, 100, 1.0, 1.3), "area_mm2": _scaled(rng, 300, 1.0, 1.3)},
        "workloads": [
            {"name": "face", "model": "mobilenet_v2", "scenario": "single_stream",
             "latency_ms": _scaled(rng, 50, 1.0, 1.3), "max_accuracy_drop_pct": 1.0},
            {"name": "tagging", "model": "squeezenet1_1", "scenario": "server",
             "qps": _scaled(rng, 200, 0.7, 1.0), "latency_ms": _scaled(rng, 100, 1.0, 1.3),
             "max_accuracy_drop_pct": 1.0},
            {"name": "search", "model": "bert-base-128", "scenario": "server",
             "qps": _scaled(rng, 200, 0.7, 1.0), "latency_ms": _scaled(rng, 100, 1.0, 1.3),
             "max_accuracy_drop_pct": 1.0},
            {"name": "images", "model": "resnet50", "scenario": "server",
             "qps": _scaled(rng, 100, 0.7, 1.0), "latency_ms": _scaled(rng, 200, 1.0, 1.3),
             "max_accuracy_drop_pct": 1.0},
        ],
        "space": {
            "array_dims": [16, 32, 64, 128],
            "cores": [2, 4, 8],
            "dataflows": ["ws", "os", "is"],
            "precisions": ["int8", "bf16"],
            "clock_ghz": [0.6, 0.8, 1.0, 1.2, 1.4],
            "sram_mib": [4, 8, 16, 32],
            "memories": ["lpddr5", "gddr6"],
            "batch": [1, 4, 8],
        },
    }


def exhaustive_space(seed: int) -> dict:
    """One camera stream at 7 nm, minimum peak power, 194,400 hardware points (the exhaustive
    method's limit is 200,000): 6 x 6 rectangular arrays x 5 core counts x 3 dataflows x
    2 PEs x 10 clocks x 9 SRAM sizes x 2 memories. The latency bound (seeded, 4-6 ms) is tight
    enough that the cheapest hundreds of points fail it (581 exact checks at seed 0)."""
    rng = np.random.default_rng(seed)
    return {
        "name": f"exhaustive-space-{seed}",
        "objective": "min_power",
        "technology": {"node_nm": 7},
        "workloads": [
            {"name": "camera", "model": "mobilenet_v2", "scenario": "single_stream",
             "latency_ms": _scaled(rng, 5, 0.8, 1.2), "max_accuracy_drop_pct": 1.0},
        ],
        "space": {
            "array_rows": [8, 16, 32, 64, 128, 256],
            "array_cols": [8, 16, 32, 64, 128, 256],
            "cores": [1, 2, 4, 8, 16],
            "precisions": ["int8", "fp16"],
            "clock_ghz": {"min": 0.2, "max": 2.0, "step": 0.2},
            "sram_mib": {"min": 0.5, "max": 128},
            "memories": ["lpddr5", "gddr6"],
            "batch": [1],
        },
    }


def exhaustive_energy(seed: int) -> dict:
    """A camera stream at 7 nm, minimum energy per inference: an objective that depends on the
    plan, so exhaustive evaluates every hardware point (4 x 3 x 3 x 2 x 5 x 4 x 2 = 2,880)."""
    rng = np.random.default_rng(seed)
    return {
        "name": f"exhaustive-energy-{seed}",
        "objective": "min_energy_per_inference",
        "technology": {"node_nm": 7},
        "budgets": {"power_w": _scaled(rng, 20, 1.0, 1.5)},
        "workloads": [
            {"name": "camera", "model": "squeezenet1_1", "scenario": "single_stream",
             "latency_ms": _scaled(rng, 10, 0.8, 1.2), "max_accuracy_drop_pct": 1.0},
        ],
        "space": {
            "array_dims": [16, 32, 64, 128],
            "cores": [1, 2, 4],
            "precisions": ["int8", "fp16"],
            "clock_ghz": [0.4, 0.8, 1.2, 1.6, 2.0],
            "sram_mib": [1, 4, 16, 64],
            "memories": ["lpddr5", "gddr6"],
            "batch": [1],
        },
    }


OBJECTIVES = ("min_power", "min_area", "min_unit_cost", "min_energy_per_inference", "min_cost_per_inference",
              "max_throughput", "min_latency")
SCENARIOS = ("single_stream", "multi_stream", "server", "offline")
MODELS = ("resnet50", "mobilenet_v1", "mobilenet_v2", "squeezenet1_1", "bert-base-128", "bert-base-384", "gpt2",
          "mlp0")
# Batch-of-one latency (ms) of each model on one reference design (128x128 ws int8, 4 cores, 1 GHz,
# 16 MiB, lpddr5, 7 nm) would tie the generator to the cost model; these orders of magnitude only
# place the SLAs (a tight draw is infeasible on purpose, a loose one is easy).
REFERENCE_MS = {"resnet50": 2.0, "mobilenet_v1": 0.4, "mobilenet_v2": 0.4, "squeezenet1_1": 0.3,
                "bert-base-128": 2.0, "bert-base-384": 6.0, "gpt2": 8.0, "mlp0": 0.1}


def _user_workload(rng: np.random.Generator, name: str, model: str, scenario: str) -> dict:
    """A workload as a user writes it: a built-in model, its scenario, an SLA around the model's
    reference latency (x 0.5 to 20, log-uniform) and a rate around what a few cores carry."""
    ref = REFERENCE_MS[model]
    workload: dict = {"name": name, "model": model, "scenario": scenario}
    if scenario != "offline":
        workload["latency_ms"] = float(f"{ref * np.exp(rng.uniform(np.log(0.5), np.log(20))):.3g}")
    if scenario in ("server", "offline"):
        workload["qps"] = float(f"{1000 / ref * np.exp(rng.uniform(np.log(0.2), np.log(8))):.3g}")
    if rng.random() < 0.5:
        workload["max_accuracy_drop_pct"] = float(rng.choice([0.5, 1.0, 2.0]))
    return workload


def user_like(seed: int) -> dict:
    """A file as a new user writes it: default `space`, a 7 or 5 nm node, one to four workloads
    of the built-in models, SLAs drawn around the models' reference latencies, sometimes a power
    budget. Seeds 0..55 give every objective with every built-in model and every scenario (the
    first workload's: objective = seed mod 7, scenario = (seed div 7) mod 4, model = seed mod 8)."""
    rng = np.random.default_rng(1000 + seed)
    objective = OBJECTIVES[seed % len(OBJECTIVES)]
    scenario = SCENARIOS[(seed // len(OBJECTIVES)) % len(SCENARIOS)]
    workloads = [_user_workload(rng, "w0", MODELS[seed % len(MODELS)], scenario)]
    for k in range(1, int(rng.choice([1, 1, 2, 3, 4]))):
        workloads.append(_user_workload(rng, f"w{k}", str(rng.choice(MODELS)), str(rng.choice(SCENARIOS))))
    data: dict = {"name": f"user-like-{seed}", "objective": objective,
                  "technology": {"node_nm": int(rng.choice([7, 5]))}, "workloads": workloads}
    if rng.random() < 0.4:
        data["budgets"] = {"power_w": float(rng.choice([5.0, 30.0, 150.0, 400.0]))}
    return data


GENERATORS: dict[str, Generator] = {
    "user_like": user_like,
    "large_space": large_space,
    "exhaustive_space": exhaustive_space,
    "exhaustive_energy": exhaustive_energy,
}


def generate(name: str, seed: int) -> dict:
    """The requirements mapping of generator `name` at `seed`."""
    if name not in GENERATORS:
        raise ValueError(f"name must be one of {sorted(GENERATORS)}, but got {name!r}")
    return GENERATORS[name](seed)


__all__ = ["GENERATORS", "exhaustive_energy", "exhaustive_space", "generate", "large_space", "user_like"]
