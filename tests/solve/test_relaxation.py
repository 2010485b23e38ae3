"""The MILP may be optimistic, never pessimistic (DESIGN.md), checked one design at a time.

For sampled design points of several spaces and every objective, the MILP with each choice
fixed to the point must be feasible whenever the exact evaluator accepts the point, and its
objective, as a score, must be no worse than the exact one. This checks every bound of the
formulation on its own, apart from the search (tests/solve/test_optimality.py checks the
search against brute force). The spaces include servers with batching and timeouts, which the
brute force leaves out, and objectives the problems/ files do not use.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from pyomo.contrib.solver.common.results import TerminationCondition

import synth
from synth.cost.constants import PE_SUPPORTS
from synth.solve.check import evaluate_choice
from synth.solve.loop import milp_score
from synth.solve.milp import DesignMilp
from synth.solve.milp_choice import Choice
from synth.solve.options import space_options
from synth.solve.plans import exact_score
from tests.solve.test_optimality import OBJECTIVES, random_requirements

PROBLEMS = ("mobile_realtime", "search_ranking", "mixed_tenancy", "batch_processing")
DRAWS = 40  # design points drawn per space
SLACK = 1e-9


def _problem(name: str, objective: str) -> dict:
    with open(f"problems/{name}.yaml") as handle:
        spec = yaml.safe_load(handle)
    spec["objective"] = objective
    return spec


def _batching(seed: int, objective: str) -> dict:
    """A random small space whose server workloads batch (the brute force keeps them at 1)."""
    spec = random_requirements(seed)
    spec["objective"] = objective
    spec["space"]["batch"] = [1, 4, 8]
    for workload in spec["workloads"]:
        if workload["scenario"] == "server":
            workload["qps"], workload["latency_ms"] = 2000.0, 20.0
    return spec


def _draw(rng: np.random.Generator, opts) -> tuple[Choice, tuple[float, ...]]:
    g = opts.grid
    hardware = [int(rng.integers(n)) for n in (len(g.array_shapes), len(g.dataflows), len(g.precisions),
                                               len(g.clock_ghz), len(g.sram_mib), len(g.memories), len(g.cores),
                                               len(g.chips))]
    pe, free = g.precisions[hardware[2]], g.cores[hardware[6]]
    plans, timeouts = [], []
    for wo in opts.workloads:
        runnable = [q for q, name in enumerate(wo.precisions) if name in PE_SUPPORTS[pe]]
        fitting = [r for r, (replicas, per_replica) in enumerate(wo.pairs) if replicas * per_replica <= free]
        if not runnable or not fitting:
            return None, ()
        r = int(rng.choice(fitting))
        free -= wo.pairs[r][0] * wo.pairs[r][1]
        plans.append((int(rng.integers(len(wo.batches))), int(rng.choice(runnable)), r))
        timeouts.append(float(rng.choice([0.0, 0.5, 5.0])))
    return Choice(*hardware, tuple(plans)), tuple(timeouts)


def _fix(milp: DesignMilp, choice: Choice | None) -> None:
    """Fix every one-hot to the choice (None: free them all)."""
    m = milp.model
    for var, index in ((m.x, choice and choice.shape), (m.y, choice and choice.dataflow), (m.z, choice and choice.pe),
                       (m.u, choice and choice.clock), (m.v, choice and choice.sram), (m.t, choice and choice.memory),
                       (m.n, choice and choice.cores), (m.h, choice and choice.chips)):
        for k in var:
            var[k].fix(int(k == index)) if choice else var[k].unfix()
    for i, block in m.wl.items():
        j, q, r = choice.plans[i] if choice else (None, None, None)
        for key in block.bq:
            block.bq[key].fix(int(key == (j, q))) if choice else block.bq[key].unfix()
        for k in block.pair:
            block.pair[k].fix(int(k == r)) if choice else block.pair[k].unfix()


def _feasible_draws(opts, seed: int):
    """(choice, exact evaluation) for the exact-feasible points among DRAWS random draws."""
    rng = np.random.default_rng(seed)
    for _ in range(DRAWS):
        choice, timeouts = _draw(rng, opts)
        if choice is None:
            continue
        evaluation = evaluate_choice(opts, choice, 0, timeouts)
        if evaluation.feasible:
            yield choice, evaluation


def _solve_fixed(milp: DesignMilp, choice: Choice):
    _fix(milp, choice)
    res = milp.solve()
    _fix(milp, None)
    return res


def _check_space(spec: dict, seed: int) -> int:
    """Assert the relaxation on the feasible draws of a space; return how many were feasible."""
    req = synth.load_requirements(spec)
    opts = space_options(req)
    if any(not wo.precisions for wo in opts.workloads):
        return 0
    milp = DesignMilp(opts, seed=0)
    feasible = 0
    for choice, evaluation in _feasible_draws(opts, seed):
        feasible += 1
        exact = exact_score(evaluation, milp.objective, None, opts)
        res = _solve_fixed(milp, choice)
        assert res.termination_condition == TerminationCondition.convergenceCriteriaSatisfied, (
            f"{spec['name']} {spec['objective']}: the MILP rejects an exact-feasible design {choice}")
        relaxed = milp_score(milp, res.incumbent_objective)
        assert relaxed <= exact + SLACK * max(abs(exact), 1e-12), (
            f"{spec['name']} {spec['objective']}: MILP {relaxed} is worse than exact {exact} at {choice}")
    return feasible


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("name", PROBLEMS)
def test_problem_spaces_are_relaxed(name, objective):
    feasible = _check_space(_problem(name, objective), seed=len(name))
    assert feasible >= 1, "no feasible draw: the test checked nothing"


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_batching_spaces_are_relaxed(objective):
    checked = sum(_check_space(_batching(seed, objective), seed) for seed in range(6))
    assert checked >= 3, "too few feasible draws to mean anything"


def test_fixing_reaches_the_exact_hardware_figures():
    """With every choice fixed, min_power's MILP value is the exact peak power (the rows are
    exact, not only bounds): a check that _fix pins the design it claims to."""
    spec = _problem("mobile_realtime", "min_power")
    opts = space_options(synth.load_requirements(spec))
    milp = DesignMilp(opts, seed=0)
    compared = 0
    for choice, evaluation in _feasible_draws(opts, 1):
        res = _solve_fixed(milp, choice)
        assert math.isclose(res.incumbent_objective, evaluation.system.power_w["peak"], rel_tol=1e-9)
        compared += 1
    assert compared >= 1
