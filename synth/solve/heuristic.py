"""--method optuna | random: heuristics over the same space and the same exact evaluator.

Each trial picks a hardware point (Optuna's TPE sampler, or uniformly at random, both
seeded) and gets its exact best plans (synth.solve.plans). They stop at the deadline or after
MAX_TRIALS distinct points and prove nothing: the result is `feasible` at best. They exist
to compare against the MILP at equal wall time.
"""

from __future__ import annotations

import time

import numpy as np

from synth.solve.loop import SearchState
from synth.solve.options import SpaceOptions
from synth.solve.plans import best_on_hardware, exact_score

MAX_TRIALS = 2_000
INFEASIBLE_SCORE = 1e30


def _sizes(opts: SpaceOptions) -> list[int]:
    g = opts.grid
    return [len(g.array_shapes), len(g.dataflows), len(g.precisions), len(g.clock_ghz), len(g.sram_mib),
            len(g.memories), len(g.cores), len(g.chips)]


def _score(opts: SpaceOptions, hw: tuple[int, ...], state: SearchState, seed: int, seen: dict) -> float:
    if hw in seen:
        return seen[hw]
    started = time.perf_counter()
    answer = best_on_hardware(opts, hw, objective=opts.req.objective, focus=None, seed=seed)
    state.check_s += time.perf_counter() - started
    state.checks += answer.checks + 1
    value = INFEASIBLE_SCORE
    if answer.evaluation is not None:
        value = exact_score(answer.evaluation, opts.req.objective, None, opts)
        state.feasible.append((value, answer.choice, answer.evaluation))
    seen[hw] = value
    return value


def heuristic_search(opts: SpaceOptions, *, method: str, seed: int, deadline: float,
                     max_trials: int = MAX_TRIALS) -> SearchState:
    state, seen = SearchState(), {}
    sizes = _sizes(opts)
    if method == "random":
        rng = np.random.default_rng(seed)
        while time.perf_counter() < deadline and len(seen) < min(max_trials, int(np.prod(sizes))):
            hw = tuple(int(rng.integers(n)) for n in sizes)
            _score(opts, hw, state, seed, seen)
            state.iterations += 1
    else:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed), direction="minimize")
        names = ["shape", "dataflow", "pe", "clock", "sram", "memory", "cores", "chips"]
        while time.perf_counter() < deadline and state.iterations < max_trials:
            trial = study.ask()
            hw = tuple(trial.suggest_int(name, 0, n - 1) for name, n in zip(names, sizes))
            study.tell(trial, _score(opts, hw, state, seed, seen))
            state.iterations += 1
            if len(seen) >= int(np.prod(sizes)):
                break
    state.notes.append(f"{method}: {len(seen)} distinct hardware points tried; optimality not proven")
    return state
