"""Dominance pruning (synth.solve.prune) and the MILP's objective cutoff.

Expected survivors are derived by hand from the published figures the rules read: the 45 nm
MAC table of synth/cost/constants.py, the int8 accuracy drops of synth/cost/accuracy.py and
the memory catalog of synth/cost/memory.py. Soundness is checked against brute force (every
design point through `synth.evaluate`, tests/solve/test_optimality.py) on seeded random
spaces built so that every rule fires. The cutoff of `DesignMilp.solve` is checked against
the MILP's own optimum.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from pyomo.contrib.solver.common.results import TerminationCondition

import synth
from synth.cost.constants import MAC_AREA_UM2_45NM, MAC_ENERGY_PJ_45NM, OPERAND_BYTES, PE_SUPPORTS, technology
from synth.cost.memory import CATALOG
from synth.solve.milp import DesignMilp
from synth.solve.options import space_options
from synth.solve.prune import prune
from synth.spec.space import design_grid

sys.path.insert(0, str(Path(__file__).parent))
from test_optimality import _plans, brute_force, random_requirements  # noqa: E402

REL = 1e-6
INFEASIBLE = (TerminationCondition.provenInfeasible, TerminationCondition.infeasibleOrUnbounded)
FOUND = TerminationCondition.convergenceCriteriaSatisfied
PROBLEMS = Path(__file__).resolve().parents[2] / "problems"

# Hand figures (45 nm, synth/cost/constants.py; the mixed PE "costs the area of both" and peaks
# at the fp16 MAC's energy):
#   PE          area um^2                      peak pJ                     operand bytes
#   int8        282 + 137 = 419                0.2 + 0.1 = 0.3             1
#   fp16        1640 + 4184 = 5824             1.1 + 0.9 = 2.0             2
#   bf16        1640 (8/11)^2 + 4184 = 5051.5  1.1 (8/11)^2 + 0.9 = 1.48   2
#   int8+fp16   419 + 5824 = 6243              2.0                         2
PE_FIGURES = {"int8": (419, 0.3, 1), "fp16": (5824, 2.0, 2),
              "bf16": (1640 * (8 / 11) ** 2 + 4184, 1.1 * (8 / 11) ** 2 + 0.9, 2), "int8+fp16": (419 + 5824, 2.0, 2)}
# Accuracy drops, points (synth/cost/accuracy.py): resnet50 int8 75.21 - 74.96 = 0.25, int8+fp16
# half of it 0.125, the floats 0; an inline model's int8 drop is the 2.0 bound, int8+fp16 1.0.
RESNET50_INT8_DROP = 0.25


def test_hand_figures_match_the_constants():
    """The premises of the expected survivors below (a typo in the cost table fails here)."""
    for pe, (area, pj, width) in PE_FIGURES.items():
        parts = ("int8", "fp16") if pe == "int8+fp16" else (pe,)
        assert math.isclose(sum(MAC_AREA_UM2_45NM[p] for p in parts), area, rel_tol=1e-12), pe
        assert math.isclose(MAC_ENERGY_PJ_45NM[parts[-1]], pj, rel_tol=1e-12), pe
        assert OPERAND_BYTES[parts[-1]] == width, pe
    assert PE_SUPPORTS["int8+fp16"] == ("int8", "fp16", "int8+fp16")


def _requirements(pes, *, limit=None, model="resnet50", scenario="single_stream", objective="min_power",
                  memories=("lpddr5",), cores=(1, 2, 4), extra_workloads=()) -> dict:
    workload = {"name": "w", "model": model, "scenario": scenario}
    if scenario == "server":
        workload.update(qps=10.0, latency_ms=1000.0)
    if limit is not None:
        workload["max_accuracy_drop_pct"] = limit
    return {"name": "prune", "objective": objective, "technology": {"node_nm": 7},
            "workloads": [workload, *extra_workloads],
            "space": {"array_dims": [16], "cores": list(cores), "dataflows": ["ws"], "precisions": list(pes),
                      "clock_ghz": [1.0], "sram_mib": [8], "memories": list(memories), "batch": [1]}}


def _pruned(spec: dict):
    opts = space_options(synth.load_requirements(spec))
    return opts, prune(opts)


def _note(notes, subject: str) -> str | None:
    """The note about `subject` ("memory ddr3", "PE int8", "precision fp16"), if any; a name
    must end where the subject does ("PE int8" is not "PE int8+fp16")."""
    pattern = re.compile(rf"(^|\W){re.escape(subject)}(?![\w+.\-])")
    return next((note for note in notes if pattern.search(note)), None)


# ---- PE types and workload precisions ---------------------------------------------------------
ONE_GEMM = {"name": "one-gemm", "layers": [{"name": "fc", "type": "gemm", "m": 4, "k": 256, "n": 256}]}

PRECISION_CASES = {
    # int8 allowed (0.25 <= 1.0): the int8 PE is smaller, cheaper per MAC and narrower than bf16,
    # and int8 moves fewer bytes at less energy than bf16 on every layer -> bf16 PE goes, and
    # bf16 then has no PE left to run on.
    "int8-allowed-bf16-pe-goes": ({"pes": ["int8", "bf16"], "limit": 1.0}, ("int8", "bf16"), ("int8",), ("int8",)),
    # int8 forbidden (0.25 > 0.0): the int8 PE runs no allowed precision -> it goes, bf16 stays.
    "int8-forbidden-int8-pe-goes": ({"pes": ["int8", "bf16"], "limit": 0.0}, ("bf16",), ("bf16",), ("bf16",)),
    # Mixed PE vs int8 PE with int8 allowed: int8's 419 um^2 / 0.3 pJ / 1 B are no larger than the
    # mixed PE's 6243 / 2.0 / 2, and each precision the mixed PE runs (int8, int8+fp16, fp16) is
    # matched by int8 -> the mixed PE goes; int8+fp16 and fp16 are then unrunnable.
    "int8-allowed-mixed-pe-goes": ({"pes": ["int8", "int8+fp16"], "limit": 1.0}, ("int8", "int8+fp16", "fp16"),
                                   ("int8",), ("int8",)),
    # Limit 0.2: int8 (0.25) forbidden, int8+fp16 (0.125) and fp16 allowed. The int8 PE goes.
    # int8+fp16 and fp16 run on the same PE only, and int8+fp16 moves 1 B instead of 2 on every
    # layer but the first and last (where both are fp16) -> fp16 goes.
    "mixed-only-fp16-dominated": ({"pes": ["int8", "int8+fp16"], "limit": 0.2}, ("int8+fp16", "fp16"),
                                  ("int8+fp16",), ("int8+fp16",)),
    # Same limit with an fp16 PE too: the fp16 PE (5824 um^2) is smaller than the mixed one (6243)
    # but cannot run int8+fp16, and fp16 moves more bytes than int8+fp16 -> no PE dominates; fp16
    # also runs on the fp16 PE, which int8+fp16 does not -> both precisions stay.
    "fp16-and-mixed-both-stay": ({"pes": ["int8", "fp16", "int8+fp16"], "limit": 0.2}, ("int8+fp16", "fp16"),
                                 ("fp16", "int8+fp16"), ("int8+fp16", "fp16")),
    # Limit 0.1: only fp16 is allowed (int8+fp16's 0.125 is not). The fp16 PE equals the mixed PE
    # in peak energy (2.0 pJ) and width (2 B) and is smaller -> the mixed PE goes too.
    "only-fp16-allowed": ({"pes": ["int8", "fp16", "int8+fp16"], "limit": 0.1}, ("fp16",), ("fp16",), ("fp16",)),
    # An inline model whose only layer is its first and last array layer: int8+fp16 runs it all
    # in fp16, so it ties fp16 on every layer. Limit 1.5 forbids int8 (2.0), allows int8+fp16
    # (1.0). The fp16 PE then matches everything the mixed PE offers, on less area.
    "one-layer-mixed-equals-fp16": ({"pes": ["fp16", "int8+fp16"], "limit": 1.5, "model": ONE_GEMM},
                                    ("int8+fp16", "fp16"), ("fp16",), ("fp16",)),
    # Same model on the mixed PE alone: int8+fp16 and fp16 tie exactly on the same PE; the tie
    # keeps the first of the workload's list (int8+fp16).
    "exact-tie-keeps-first": ({"pes": ["int8+fp16"], "limit": 1.5, "model": ONE_GEMM}, ("int8+fp16", "fp16"),
                              ("int8+fp16",), ("int8+fp16",)),
}


@pytest.mark.parametrize(("kwargs", "allowed", "pes", "kept"), PRECISION_CASES.values(), ids=PRECISION_CASES.keys())
def test_pe_types_and_precisions(kwargs, allowed, pes, kept):
    opts, pruned = _pruned(_requirements(**kwargs))
    assert opts.workloads[0].precisions == allowed  # what the accuracy limit leaves, before pruning
    assert pruned.options.grid.precisions == pes
    assert pruned.options.workloads[0].precisions == kept
    for pe in opts.grid.precisions:  # a note for each removed PE, none for a kept one
        assert (_note(pruned.notes, f"PE {pe}") is None) == (pe in pes), (pe, pruned.notes)
    for precision in allowed:
        assert (_note(pruned.notes, f"precision {precision}") is None) == (precision in kept), (precision, pruned.notes)
    # Every kept precision still has a kept PE that runs it.
    for precision in kept:
        assert any(precision in PE_SUPPORTS[pe] for pe in pes)


def test_int8_drop_premise():
    """The limits above straddle resnet50's int8 and int8+fp16 drops (0.25 and 0.125)."""
    from synth.cost.accuracy import accuracy_drop_pct

    assert math.isclose(accuracy_drop_pct("resnet50", "int8"), RESNET50_INT8_DROP, rel_tol=1e-9)
    assert math.isclose(accuracy_drop_pct("resnet50", "int8+fp16"), RESNET50_INT8_DROP / 2, rel_tol=1e-9)
    assert accuracy_drop_pct("", "int8") == 2.0 and accuracy_drop_pct("", "int8+fp16") == 1.0


def test_no_runnable_precision_keeps_the_grid():
    """Only an int8 PE and int8 forbidden: no design is valid; the grid is left as it is (the
    MILP then proves infeasibility) and the search answers infeasible."""
    spec = _requirements(["int8"], limit=0.0)
    _, pruned = _pruned(spec)
    assert pruned.options.grid.precisions == ("int8",)
    assert pruned.options.workloads[0].precisions == ()
    result = synth.synthesize(synth.load_requirements(spec), refine=False, alternatives=0, diagnose_infeasible=False)
    assert result.status.value == "infeasible"


# ---- memories -----------------------------------------------------------------------------------
BASE = {"name": "base", "bandwidth_gbps": 50.0, "pj_per_bit": 10.0, "capacity_gib": 8.0, "phy_area_mm2": 2.0,
        "cost_usd": 20.0}  # peak interface power 50 GB/s x 10 pJ/bit: 500 (GB/s x pJ/bit)


def _variant(name: str, **changes) -> dict:
    return {**BASE, "name": name, **changes}


MEMORY_CASES = {
    # Worse in every field (40 GB/s x 13 pJ/bit = 520 > 500 at peak) -> dominated.
    "worse-everywhere": (_variant("worse", bandwidth_gbps=40.0, pj_per_bit=13.0, phy_area_mm2=3.0), False),
    # One field worse, the rest equal -> dominated.
    "less-capacity": (_variant("small", capacity_gib=4.0), False),
    "more-pj-per-bit": (_variant("hungry", pj_per_bit=11.0), False),
    "more-phy-area": (_variant("wide-phy", phy_area_mm2=3.0), False),
    "pricier": (_variant("pricey", cost_usd=25.0), False),
    "needs-interposer": (_variant("stacked", needs_interposer=True), False),
    "exact-twin": (_variant("twin"), False),  # a tie keeps the first of the grid (base)
    # Less bandwidth at the same pJ/bit draws less peak interface power (400 < 500) -> kept.
    "slower-but-less-peak-power": (_variant("slow", bandwidth_gbps=40.0), True),
    # More bandwidth at the same peak interface power (100 x 5 = 500) but a higher price -> kept.
    "faster-but-pricier": (_variant("fast", bandwidth_gbps=100.0, pj_per_bit=5.0, cost_usd=40.0), True),
    # Better in every field but the interposer -> kept (and base is not dominated either).
    "better-but-interposer": (_variant("hbm-like", bandwidth_gbps=200.0, pj_per_bit=2.0, cost_usd=10.0,
                                       needs_interposer=True), True),
}


@pytest.mark.parametrize(("other", "kept"), MEMORY_CASES.values(), ids=MEMORY_CASES.keys())
def test_memory_dominance(other, kept):
    _, pruned = _pruned(_requirements(["int8"], limit=1.0, memories=(BASE, other)))
    names = tuple(m.name for m in pruned.options.grid.memories)
    assert names == (("base", other["name"]) if kept else ("base",))
    note = _note(pruned.notes, f"memory {other['name']}")
    assert (note is None) == kept
    assert _note(pruned.notes, "memory base") is None
    if not kept:
        assert "base" in note.replace("memory " + other["name"], "")  # names what dominates it


def test_catalog_memories():
    """ddr3 is dominated by lpddr4 in every published field; lpddr5 is not by either."""
    ddr3, lpddr4, lpddr5 = CATALOG["ddr3"], CATALOG["lpddr4"], CATALOG["lpddr5"]
    # lpddr4 vs ddr3: 34.1 >= 34.0 GB/s, 8 = 8 GiB, 13.5 <= 20.3 pJ/bit, peak 34.1 x 13.5 = 460
    # <= 34.0 x 20.3 = 690, PHY 2.3 <= 10 mm^2, $16 = $16, neither needs an interposer.
    assert (lpddr4.bandwidth_gbps, lpddr4.capacity_gib, lpddr4.pj_per_bit, lpddr4.phy_area_mm2,
            lpddr4.cost_usd, lpddr4.needs_interposer) == (34.1, 8, 13.5, 2.3, 16.0, False)
    assert (ddr3.bandwidth_gbps, ddr3.capacity_gib, ddr3.pj_per_bit, ddr3.phy_area_mm2,
            ddr3.cost_usd, ddr3.needs_interposer) == (34.0, 8, 20.3, 10.0, 16.0, False)
    # lpddr5 (51.2 GB/s x 10 pJ/bit = 512) draws more peak interface power than lpddr4 (460) but
    # has more bandwidth: neither dominates the other.
    assert (lpddr5.bandwidth_gbps, lpddr5.pj_per_bit) == (51.2, 10.0)
    _, pruned = _pruned(_requirements(["int8"], limit=1.0, memories=("ddr3", "lpddr4", "lpddr5")))
    assert tuple(m.name for m in pruned.options.grid.memories) == ("lpddr4", "lpddr5")
    note = _note(pruned.notes, "memory ddr3")
    assert note is not None and ("lpddr4" in note or "lpddr5" in note)
    assert _note(pruned.notes, "memory lpddr4") is None and _note(pruned.notes, "memory lpddr5") is None


# ---- single-stream replicas -------------------------------------------------------------------
# cores [1, 2, 4]: replica sizes 1, 2, 4; (replicas, cores per replica) with product <= 4.
ALL_PAIRS = ((1, 1), (2, 1), (3, 1), (4, 1), (1, 2), (2, 2), (1, 4))
ONE_REPLICA = ((1, 1), (1, 2), (1, 4))
NOT_THROUGHPUT = ["min_power", "min_area", "min_unit_cost", "min_energy_per_inference", "min_cost_per_inference",
                  "min_latency"]


@pytest.mark.parametrize("objective", NOT_THROUGHPUT + ["max_throughput"])
@pytest.mark.parametrize("scenario", ["single_stream", "server", "offline", "multi_stream"])
def test_single_stream_replicas(objective, scenario):
    opts, pruned = _pruned(_requirements(["int8"], limit=1.0, scenario=scenario, objective=objective))
    assert opts.workloads[0].pairs == ALL_PAIRS
    expected = ONE_REPLICA if scenario == "single_stream" and objective != "max_throughput" else ALL_PAIRS
    assert pruned.options.workloads[0].pairs == expected
    assert (_note(pruned.notes, "single stream") is not None) == (expected == ONE_REPLICA)


def test_single_stream_next_to_server_workload():
    server = {"name": "s", "model": "resnet50", "scenario": "server", "qps": 10.0, "latency_ms": 1000.0,
              "max_accuracy_drop_pct": 1.0}
    _, pruned = _pruned(_requirements(["int8"], limit=1.0, extra_workloads=(server,)))
    assert pruned.options.workloads[0].pairs == ONE_REPLICA
    assert pruned.options.workloads[1].pairs == ALL_PAIRS


@pytest.mark.parametrize("objective", NOT_THROUGHPUT + ["max_throughput"])
def test_replica_rule_premise_on_the_evaluator(objective):
    """The premise of the single-stream rule, on the exact evaluator: a second replica of the
    same size never improves the objective, except throughput, which it raises."""
    model = {"name": "small", "layers": [{"name": "fc1", "type": "gemm", "m": 1, "k": 256, "n": 256},
                                         {"name": "fc2", "type": "gemm", "m": 1, "k": 256, "n": 64}]}
    req = synth.load_requirements(_requirements(["int8"], model=model, objective=objective, cores=(2,)))

    def value(replicas: int) -> float:
        design = synth.load_design({
            "array_rows": 16, "array_cols": 16, "cores": 2, "dataflow": "ws", "precision": "int8",
            "clock_ghz": 1.0, "sram_mib": 8, "memory": "lpddr5",
            "workloads": {"w": {"batch": 1, "precision": "int8", "replicas": replicas, "cores_per_replica": 1}}})
        evaluation = synth.evaluate(req, design)
        assert evaluation.feasible
        return evaluation.objective_value

    one, two = value(1), value(2)
    if objective == "max_throughput":
        assert math.isclose(two, 2 * one, rel_tol=1e-12)  # capacity = replicas / service time
    else:
        assert two >= one * (1 - 1e-12)


# ---- soundness by brute force ------------------------------------------------------------------
# Each memory set holds ddr3, dominated by lpddr4 and by lpddr5 (test_catalog_memories).
MEMORY_SETS = (("lpddr4", "ddr3"), ("ddr3", "lpddr5"), ("lpddr5", "ddr3", "lpddr4"), ("ddr4", "ddr3", "lpddr4"))
SECOND_PE = ("fp16", "bf16", "int8+fp16")
SEEDS = range(16)
MAX_POINTS = 2000  # brute force evaluates each point (~1-3 ms each)


def pruning_requirements(seed: int) -> dict:
    """random_requirements(seed) with a space where the rules fire: a dominated catalog memory,
    an int8 PE next to a float or mixed one (int8 dominates whenever allowed; otherwise the
    int8 PE runs nothing), and, for even seeds, a single-stream first workload."""
    spec = random_requirements(seed)
    space = spec["space"]
    space["memories"] = list(MEMORY_SETS[seed % len(MEMORY_SETS)])
    space["precisions"] = ["int8", SECOND_PE[seed % len(SECOND_PE)]]
    first = spec["workloads"][0]
    if seed % 2 == 0 and first["scenario"] != "single_stream":
        first["scenario"] = "single_stream"
        first.pop("qps", None)
    if not any(w["scenario"] == "server" for w in spec["workloads"]):
        space["batch"] = [1, 4]
    return spec


def count_points(req) -> int:
    """Design points brute_force evaluates (its own enumeration, counted)."""
    grid = design_grid(req, technology(req.node_nm))
    points = 0
    for (_, _, pe, _, _, _, cores, _) in itertools.product(
            grid.array_shapes, grid.dataflows, grid.precisions, grid.clock_ghz, grid.sram_mib, grid.memories,
            grid.cores, grid.chips):
        per_workload = [list(_plans(w, grid, pe, cores)) for w in req.workloads]
        points += sum(1 for plans in itertools.product(*per_workload)
                      if sum(p["replicas"] * p["cores_per_replica"] for p in plans) <= cores)
    return points


def speed_rules_apply(spec: dict) -> bool:
    """The memory, PE and precision rules assume a faster design is never worse. Energy and
    cost per inference are rate-weighted means over the workloads (test_memory_rule_...
    below), and a server is charged at the batch it runs, which shrinks as service speeds up:
    so with two or more workloads or a server they must not fire."""
    per_inference = spec["objective"] in ("min_energy_per_inference", "min_cost_per_inference")
    served = any(w["scenario"] == "server" for w in spec["workloads"])
    return not (per_inference and (len(spec["workloads"]) >= 2 or served))


@pytest.mark.parametrize("seed", SEEDS)
def test_pruned_search_agrees_with_brute_force(seed):
    spec = pruning_requirements(seed)
    req = synth.load_requirements(spec)
    assert count_points(req) <= MAX_POINTS
    fired = _note(prune(space_options(req)).notes, "memory ddr3") is not None
    assert fired == speed_rules_apply(spec), seed
    result = synth.synthesize(req, refine=False, alternatives=0, diagnose_infeasible=False)
    status, value = brute_force(req)
    assert result.status.value == status
    if value is not None:
        assert math.isclose(result.objective, value, rel_tol=REL), (result.objective, value)


# Two single-stream workloads on a two-core chip, one core each: `big` streams 16 MiB of
# weights per query (memory-bound), `tiny` runs thousands of times faster. The space has
# exactly two design points, one per memory. `fast` has 10x the bandwidth at 1/10 the
# pJ/bit (the same peak interface power) and equal everything else, so the memory rule removes
# `slow`. But energy per inference is the rate-weighted mean of the workloads' energies
# (plus leakage): the faster memory raises big's rate, whose energy per query is far above
# tiny's, and the mean rises with it.
TWO_MEMORIES = ({"name": "fast", "bandwidth_gbps": 10.0, "pj_per_bit": 1.0},
                {"name": "slow", "bandwidth_gbps": 1.0, "pj_per_bit": 10.0})
MIXED_RATES = {
    "name": "mixed-rates", "objective": "min_energy_per_inference", "technology": {"node_nm": 7},
    "workloads": [
        {"name": "big", "scenario": "single_stream", "model": {"name": "big", "layers": [
            {"name": "fc", "type": "gemm", "m": 8, "k": 4096, "n": 4096}]}},
        {"name": "tiny", "scenario": "single_stream", "model": {"name": "tiny", "layers": [
            {"name": "fc", "type": "gemm", "m": 1, "k": 16, "n": 16}]}}],
    "space": {"array_dims": [16], "cores": [2], "dataflows": ["ws"], "precisions": ["int8"], "clock_ghz": [1.0],
              "sram_mib": [1], "memories": list(TWO_MEMORIES), "batch": [1]}}


def _mixed_rates_value(req, memory: dict) -> float:
    plan = {"batch": 1, "precision": "int8", "replicas": 1, "cores_per_replica": 1}
    design = synth.load_design({"array_rows": 16, "array_cols": 16, "cores": 2, "dataflow": "ws",
                                "precision": "int8", "clock_ghz": 1.0, "sram_mib": 1, "memory": memory,
                                "workloads": {"big": plan, "tiny": plan}})
    evaluation = synth.evaluate(req, design)
    assert evaluation.feasible
    return evaluation.objective_value


def test_mixed_rates_premise():
    """Why prune keeps both memories here: alone `fast` dominates, together `slow` wins."""
    req = synth.load_requirements(MIXED_RATES)
    # Alone, `fast` is no worse than `slow` in every memory figure ...
    alone = {**MIXED_RATES, "workloads": MIXED_RATES["workloads"][:1]}
    assert tuple(m.name for m in prune(space_options(synth.load_requirements(alone))).options.grid.memories) \
        == ("fast",)
    # ... yet with both workloads `slow` scores better, so prune must keep it there.
    fast, slow = (_mixed_rates_value(req, memory) for memory in TWO_MEMORIES)
    assert slow < fast * 0.9
    assert {m.name for m in prune(space_options(req)).options.grid.memories} == {"fast", "slow"}


def test_memory_rule_is_sound_for_energy_per_inference_of_two_workloads():
    req = synth.load_requirements(MIXED_RATES)
    # The whole space, enumerated: one design per memory (one plan per workload fits 2 cores).
    best = min(_mixed_rates_value(req, memory) for memory in TWO_MEMORIES)
    result = synth.synthesize(req, refine=False, alternatives=0, diagnose_infeasible=False)
    assert result.status.value == "optimal"
    assert math.isclose(result.objective, best, rel_tol=REL), (result.objective, best)


def test_pruning_fires_on_the_random_spaces():
    """By construction: ddr3 goes in every space; so does one PE (int8 dominates the other PE
    when every workload allows int8, and otherwise runs nothing some workload allows); the
    single-stream first workload of an even seed keeps one replica unless throughput is the
    objective."""
    with_notes = 0
    for seed in SEEDS:
        spec = pruning_requirements(seed)
        notes = prune(space_options(synth.load_requirements(spec))).notes
        with_notes += bool(notes)
        fires = speed_rules_apply(spec)
        assert (_note(notes, "memory ddr3") is not None) == fires, seed
        assert sum(_note(notes, f"PE {pe}") is not None for pe in spec["space"]["precisions"]) == fires, (seed, notes)
        if seed % 2 == 0:
            assert (_note(notes, "single stream") is not None) == (spec["objective"] != "max_throughput"), seed
    assert with_notes >= len(SEEDS) / 2


# ---- the pruned options stay consistent ---------------------------------------------------------
CONSISTENCY_SPECS = [pruning_requirements(seed) for seed in SEEDS[:8]] + [
    _requirements(**kwargs) for kwargs, *_ in PRECISION_CASES.values()]


@pytest.mark.parametrize("spec", CONSISTENCY_SPECS, ids=lambda spec: spec["name"] + "-" + ",".join(
    spec["space"]["precisions"]))
def test_pruned_arrays_stay_consistent(spec):
    opts, pruned = _pruned(spec)
    grid = pruned.options.grid
    assert set(grid.precisions) <= set(opts.grid.precisions)
    assert {m.name for m in grid.memories} <= {m.name for m in opts.grid.memories}
    for before, after in zip(opts.workloads, pruned.options.workloads, strict=True):
        count = len(after.precisions)
        assert after.traffic.shape[1] == count == len(after.weight_bytes) == len(after.mac_pj)
        assert after.traffic_one.shape[0] == count == len(after.accuracy_drop)
        assert all(traffic.shape[1] == count for _, traffic in after.splits)
        assert set(after.pairs) <= set(before.pairs)
        # Each kept precision carries the figures it had before pruning.
        for q, precision in enumerate(after.precisions):
            old = before.precisions.index(precision)
            np.testing.assert_array_equal(after.traffic[:, q], before.traffic[:, old])
            np.testing.assert_array_equal(after.traffic_one[q], before.traffic_one[old])
            assert after.weight_bytes[q] == before.weight_bytes[old]
            assert after.mac_pj[q] == before.mac_pj[old]
            assert after.accuracy_drop[q] == before.accuracy_drop[old]


# ---- the MILP's objective cutoff ----------------------------------------------------------------
@pytest.fixture(scope="module", params=["mobile_realtime", "batch_processing"])
def milp_case(request):
    """(pruned options, the MILP optimum v, maximize?) of a small problem; a fresh DesignMilp
    per solve below, so each answer depends on its own cutoff only."""
    req = synth.load_requirements(PROBLEMS / f"{request.param}.yaml")
    options = prune(space_options(req)).options
    res = DesignMilp(options).solve()
    assert res.termination_condition == FOUND
    return options, res.incumbent_objective, req.objective.value == "max_throughput"


def _tighter(value: float, maximize: bool) -> float:
    # min_power: watts, 0.1 % below v; max_throughput: log throughput, 0.1 % above v.
    return value + math.log(1.001) if maximize else value * 0.999


def _looser(value: float, maximize: bool) -> float:
    return value - math.log(1.01) if maximize else value * 1.01


def test_milp_optimum_bounds_the_certified_optimum(milp_case):
    """The MILP is a relaxation (synth/solve/loop.py): its optimum is never worse than the exact
    optimum the search certifies, in the MILP's units (watts; log of inferences/s, one
    workload without qps)."""
    options, value, maximize = milp_case
    result = synth.synthesize(options.req, refine=False, alternatives=0, diagnose_infeasible=False)
    assert result.status.value == "optimal"
    if maximize:
        assert value >= math.log(result.objective) - 1e-9
    else:
        assert value <= result.objective * (1 + 1e-9)


def test_cutoff_tighter_than_the_optimum_is_infeasible(milp_case):
    options, value, maximize = milp_case
    res = DesignMilp(options).solve(cutoff=_tighter(value, maximize))
    assert res.termination_condition in INFEASIBLE


def test_cutoff_looser_than_the_optimum_finds_it(milp_case):
    options, value, maximize = milp_case
    res = DesignMilp(options).solve(cutoff=_looser(value, maximize))
    assert res.termination_condition == FOUND
    assert math.isclose(res.incumbent_objective, value, rel_tol=REL)


def test_solve_without_cutoff_forgets_an_earlier_cutoff(milp_case):
    options, value, maximize = milp_case
    milp = DesignMilp(options)
    assert milp.solve(cutoff=_tighter(value, maximize)).termination_condition in INFEASIBLE
    res = milp.solve()
    assert res.termination_condition == FOUND
    assert math.isclose(res.incumbent_objective, value, rel_tol=REL)


def test_cutoff_on_a_solved_model(milp_case):
    options, value, maximize = milp_case
    milp = DesignMilp(options)
    assert milp.solve().termination_condition == FOUND
    assert milp.solve(cutoff=_tighter(value, maximize)).termination_condition in INFEASIBLE
