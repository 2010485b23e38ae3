"""Optuna refinement of the continuous knobs around the MILP's design.

The MILP answers on a grid. Refinement searches what lies between grid points: the clock
(continuous, with the lowest voltage the DVFS curve allows for it), the SRAM size, each
batched workload's batch size and its batching timeout. Each trial is scored by the exact
evaluator (cost core and simulator); only exact-feasible designs that beat the MILP's design
are accepted, so the result is never worse. Seeded (TPE); `storage` (a journal file path or
any database URL Optuna accepts) lets several processes share one study.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any

import optuna

from synth.errors import SpecError
from synth.evaluation import evaluate_resolved
from synth.results import Evaluation, Refinement
from synth.solve.options import SpaceOptions
from synth.solve.storage import StudyStorage, in_space, open_storage
from synth.solve.storage import study_name as _study_name
from synth.spec.design import Design
from synth.spec.resolve import resolve_design
from synth.vocabulary import Objective, Scenario

DEFAULT_TRIALS = 40
PENALTY = 1e30


@dataclass(frozen=True, slots=True)
class RefinementRun:
    """A refinement's summary and, when it improved, the improved design's exact evaluation."""

    summary: Refinement
    evaluation: Evaluation | None = field(default=None, compare=False)


def _score(objective: Objective, value: float) -> float:
    return -value if objective is Objective.max_throughput else value


def _between(grid, value):
    """The grid points on either side of `value` (value itself at an end of the grid)."""
    ordered = sorted(grid)
    below = [g for g in ordered if g < value - 1e-12]
    above = [g for g in ordered if g > value + 1e-12]
    return (below[-1] if below else value), (above[0] if above else value)


def _suggest(trial, base: dict, opts: SpaceOptions) -> dict:
    """A design between the grid neighbours of `base`: continuous clock (with the lowest
    voltage reaching it) and SRAM, integer batch and continuous timeout per workload."""
    g, tech = opts.grid, opts.tech
    design = json.loads(json.dumps(base))
    low, high = _between(g.clock_ghz, base["clock_ghz"])
    design["clock_ghz"] = trial.suggest_float("clock_ghz", low, min(high, tech.max_clock_ghz))
    design.pop("voltage_v", None)
    low, high = _between(g.sram_mib, base["sram_mib"])
    design["sram_mib"] = trial.suggest_float("sram_mib", low, high)
    for workload in opts.req.workloads:
        plan = design["workloads"][workload.name]
        if workload.scenario in (Scenario.server, Scenario.offline):
            low, high = _between(g.batch, plan["batch"])
            plan["batch"] = trial.suggest_int(f"{workload.name}.batch", int(low), int(high))
        if workload.scenario is Scenario.server and workload.latency_ms is not None:
            plan["batch_timeout_ms"] = trial.suggest_float(f"{workload.name}.batch_timeout_ms", 0.0,
                                                           workload.latency_ms)
    return design


def _base_params(base: dict, opts: SpaceOptions) -> dict:
    params = {"clock_ghz": base["clock_ghz"], "sram_mib": base["sram_mib"]}
    for workload in opts.req.workloads:
        plan = base["workloads"][workload.name]
        if workload.scenario in (Scenario.server, Scenario.offline):
            params[f"{workload.name}.batch"] = plan["batch"]
        if workload.scenario is Scenario.server and workload.latency_ms is not None:
            params[f"{workload.name}.batch_timeout_ms"] = min(plan["batch_timeout_ms"], workload.latency_ms)
    return params


def _evaluate(opts: SpaceOptions, design: dict, seed: int) -> Evaluation | None:
    try:
        resolved = resolve_design(opts.req, Design.model_validate(design), "<refinement>")
    except (SpecError, ValueError):
        return None
    return evaluate_resolved(opts.req, resolved, seed=seed, source=opts.req.source)


def refine(opts: SpaceOptions, base: Evaluation, *, seed: int, trials: int = DEFAULT_TRIALS,
           time_limit_s: float = 10.0, storage: str | StudyStorage | None = None) -> RefinementRun:
    """Refine `base` (an exact-feasible design); never returns a worse or infeasible design."""
    started = time.perf_counter()
    objective = opts.req.objective
    opened = storage if isinstance(storage, StudyStorage) else open_storage(storage)
    backend, storage_name = opened.backend, opened.name
    study_name = _study_name(opts.req, seed)
    study = optuna.create_study(study_name=study_name, storage=backend, direction="minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed), load_if_exists=True)
    if not study.trials:
        study.enqueue_trial(_base_params(base.design, opts))
    before = _score(objective, base.objective_value)
    best: tuple[float, Evaluation] = (before, base)
    own = 0
    # `trials` is the budget that shapes the answer; the time limit is a safety stop only.
    while own < trials and time.perf_counter() - started < time_limit_s:
        trial = study.ask()
        design = _suggest(trial, base.design, opts)
        evaluation = _evaluate(opts, design, seed)
        own += 1
        trial.set_user_attr("worker", f"{os.uname().nodename}:{os.getpid()}")
        if evaluation is None or not evaluation.feasible:
            trial.set_user_attr("feasible", False)
            study.tell(trial, PENALTY)
            continue
        value = _score(objective, evaluation.objective_value)
        trial.set_user_attr("feasible", True)
        trial.set_user_attr("design", json.dumps(evaluation.design))
        study.tell(trial, value)
        if value < best[0]:
            best = (value, evaluation)
    best = _adopt_shared(study, opts, best, seed)
    improved = best[0] < before - 1e-12 * max(abs(before), 1.0)
    after_eval = best[1] if improved else base
    changes = _changes(base.design, after_eval.design) if improved else {}
    sign = -1 if objective.maximize else 1
    return RefinementRun(Refinement(
        trials=len(study.trials), own_trials=own, seconds=time.perf_counter() - started,
        objective_before=sign * before, objective_after=sign * best[0] if improved else sign * before,
        gain_pct=(before - best[0]) / abs(before) * 100 if improved and before else 0.0,
        changes=changes, storage=storage_name, study=study_name), evaluation=after_eval if improved else None)


def _adopt_shared(study, opts: SpaceOptions, best, seed: int):
    """A better feasible design another process found in the shared study, re-checked exactly."""
    for trial in sorted((t for t in study.trials if t.value is not None and t.user_attrs.get("feasible")),
                        key=lambda t: t.value)[:1]:
        if trial.value < best[0] and "design" in trial.user_attrs:
            design = json.loads(trial.user_attrs["design"])
            evaluation = _evaluate(opts, design, seed) if in_space(opts, design) else None
            if evaluation is not None and evaluation.feasible:
                value = _score(opts.req.objective, evaluation.objective_value)
                if value < best[0]:
                    return (value, evaluation)
    return best


def _changes(before: dict, after: dict) -> dict[str, list[Any]]:
    found = {}
    for key in ("clock_ghz", "voltage_v", "sram_mib"):
        if not math.isclose(float(before[key]), float(after[key]), rel_tol=1e-9):
            found[key] = [before[key], after[key]]
    for name, plan in after["workloads"].items():
        for key, value in plan.items():
            old = before["workloads"][name][key]
            if old != value:
                found[f"workloads.{name}.{key}"] = [old, value]
    return found
