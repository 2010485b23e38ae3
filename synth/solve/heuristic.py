"""--method optuna | random: heuristics over the same space and the same exact evaluator.

Each trial picks a hardware point (Optuna's TPE sampler, or uniformly at random, both
seeded) and gets its exact best plans (synth.solve.plans). They stop at the deadline or after
MAX_TRIALS distinct points and prove nothing: the result is `feasible` at best. They exist
to compare against the MILP at equal wall time.
"""

from __future__ import annotations

import time

import numpy as np
import optuna

from synth.solve.options import SpaceOptions
from synth.solve.plans import best_on_hardware, exact_score
from synth.solve.state import Scored, SearchState
from synth.spec.space import HardwarePoint
from synth.vocabulary import Method, Termination

MAX_TRIALS = 2_000
INFEASIBLE_SCORE = 1e30


def _score(opts: SpaceOptions, hw: HardwarePoint, state: SearchState, seed: int, seen: dict) -> float:
    if hw in seen:
        return seen[hw]
    started = time.perf_counter()
    answer = best_on_hardware(opts, hw, objective=opts.req.objective, focus=None, seed=seed)
    state.check_s += time.perf_counter() - started
    state.checks += answer.checks + 1
    value = INFEASIBLE_SCORE
    if answer.evaluation is not None:
        value = exact_score(answer.evaluation, opts.req.objective, None, opts)
        state.feasible.append(Scored(value, answer.choice, answer.evaluation))
    seen[hw] = value
    return value


def heuristic_search(opts: SpaceOptions, *, method: Method, seed: int, deadline: float,
                     max_trials: int = MAX_TRIALS) -> SearchState:
    state, seen = SearchState(), {}
    sizes = opts.grid.axis_sizes()
    if method is Method.random:
        rng = np.random.default_rng(seed)
        while time.perf_counter() < deadline and len(seen) < min(max_trials, int(np.prod(sizes))):
            hw = HardwarePoint(*(int(rng.integers(n)) for n in sizes))
            _score(opts, hw, state, seed, seen)
            state.iterations += 1
    else:
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed), direction="minimize")
        while time.perf_counter() < deadline and state.iterations < max_trials:
            trial = study.ask()
            hw = HardwarePoint(*(trial.suggest_int(name, 0, n - 1) for name, n in zip(HardwarePoint._fields, sizes)))
            study.tell(trial, _score(opts, hw, state, seed, seen))
            state.iterations += 1
            if len(seen) >= int(np.prod(sizes)):
                break
    state.stop(Termination.heuristic, f"{method.value}: {len(seen)} distinct hardware points tried; optimality not proven")
    return state
