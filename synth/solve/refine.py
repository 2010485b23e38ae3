"""Optuna refinement of the continuous knobs around the MILP's design.

The MILP answers on a grid. Refinement searches what lies between grid points, on the steps a
designer can build (`Granularity`): the clock on the PLL step (1 MHz) with the lowest supply on
the regulator step (5 mV) that reaches it, the SRAM in whole banks (256 KiB), each batched
workload's batch size and its batching timeout on a 10 us timer. Each trial is scored by the exact
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

from synth.cost.dvfs import voltage_for_clock
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
TIMEOUT_STEP_MS = 0.01  # the batching timer's tick, 10 us


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


@dataclass(frozen=True, slots=True)
class Granularity:
    """The steps a designer can build: a clock on the PLL's step, SRAM in whole banks, a supply
    voltage on the regulator's step (technology constants pll_step_mhz, sram_bank_kib,
    regulator_step_mv, each overridable), a batching timeout on a 10 us timer."""

    clock_ghz: float
    sram_mib: float
    voltage_v: float
    timeout_ms: float = TIMEOUT_STEP_MS

    @classmethod
    def of(cls, tech) -> Granularity:
        return cls(tech.pll_step_mhz / 1e3, tech.sram_bank_kib / 1024, tech.regulator_step_mv / 1e3)

    def voltage(self, tech, clock_ghz: float) -> float:
        """The lowest voltage on the regulator's step that reaches `clock_ghz`."""
        needed = voltage_for_clock(tech, min(clock_ghz, tech.max_clock_ghz))
        return round(min(math.ceil(needed / self.voltage_v - 1e-9) * self.voltage_v, tech.max_voltage_v), 6)


def _steps(low: float, high: float, step: float) -> tuple[int, int]:
    """Whole steps within [low, high] (at least one: the step nearest `low`)."""
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return first, max(first, last)


def _suggest(trial, base: dict, opts: SpaceOptions) -> dict:
    """A buildable design between the grid neighbours of `base`: the clock on the PLL step (with
    the lowest voltage on the regulator step reaching it), SRAM in whole banks, integer batch
    and a timeout on the timer step per workload."""
    g, tech = opts.grid, opts.tech
    step = Granularity.of(tech)
    design = json.loads(json.dumps(base))
    low, high = _between(g.clock_ghz, base["clock_ghz"])
    clock = trial.suggest_int("clock_steps", *_steps(low, min(high, tech.max_clock_ghz), step.clock_ghz))
    design["clock_ghz"] = round(clock * step.clock_ghz, 9)
    design["voltage_v"] = step.voltage(tech, design["clock_ghz"])
    low, high = _between(g.sram_mib, base["sram_mib"])
    design["sram_mib"] = round(trial.suggest_int("sram_banks", *_steps(low, high, step.sram_mib)) * step.sram_mib, 9)
    for workload in opts.req.workloads:
        plan = design["workloads"][workload.name]
        if workload.scenario in (Scenario.server, Scenario.offline):
            low, high = _between(g.batch, plan["batch"])
            plan["batch"] = trial.suggest_int(f"{workload.name}.batch", int(low), int(high))
        if workload.scenario is Scenario.server and workload.latency_ms is not None:
            ticks = trial.suggest_int(f"{workload.name}.batch_timeout_steps", *_steps(0.0, workload.latency_ms,
                                                                                       step.timeout_ms))
            plan["batch_timeout_ms"] = round(ticks * step.timeout_ms, 9)
    return design


def _base_params(base: dict, opts: SpaceOptions) -> dict:
    step = Granularity.of(opts.tech)
    params = {"clock_steps": round(base["clock_ghz"] / step.clock_ghz),
              "sram_banks": max(1, round(base["sram_mib"] / step.sram_mib))}
    for workload in opts.req.workloads:
        plan = base["workloads"][workload.name]
        if workload.scenario in (Scenario.server, Scenario.offline):
            params[f"{workload.name}.batch"] = plan["batch"]
        if workload.scenario is Scenario.server and workload.latency_ms is not None:
            params[f"{workload.name}.batch_timeout_steps"] = round(min(plan["batch_timeout_ms"], workload.latency_ms)
                                                                   / step.timeout_ms)
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
