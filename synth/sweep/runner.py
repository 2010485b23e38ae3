"""Solving a sweep's variants on Dask distributed, writing each row as it finishes.

A task is a plain function of plain data (`solve_variant`), so any Dask worker runs it: a
LocalCluster's processes (one thread each: HiGHS runs single-threaded, and two solves per core
only slow each other) or an existing cluster's. Each variant is solved with the sweep's seed,
so an answer does not depend on which worker ran it or how many there are. Only the client
writes the database, once per finished task (an upsert keyed by the variant's hash): a task
retried after its worker died is still written once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from distributed import Client, LocalCluster, as_completed

from synth.api import load_requirements
from synth.errors import Problem, SpecError
from synth.solve import synthesize
from synth.sweep.db import ResultsDb, finished_keys, save_sweep, upsert_variant
from synth.sweep.variants import SweepPlan, Variant


@dataclass(frozen=True, slots=True)
class Task:
    sweep: str
    variant: Variant
    seed: int
    solve: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SweepOutcome:
    total: int  # variants in the sweep
    skipped: int  # finished in an earlier run
    solved: int  # answered in this run (optimal, feasible or infeasible)
    failed: int  # unknown or error in this run
    seconds: float
    statuses: dict[str, int] = field(default_factory=dict)


def headline(result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures a sweep table shows, from a result.to_dict()."""
    ev = result.get("evaluation")
    if not ev:
        return {}
    system = ev["system"]
    metrics = {"power_w": system["power_w"]["peak"], "average_power_w": system["power_w"]["average"],
               "area_mm2": system["area_mm2"], "unit_cost_usd": system["unit_cost_usd"],
               "energy_mj_per_inference": system["energy_mj_per_inference"],
               "throughput_ips": system["throughput_ips"], "chips": system["chips"]}
    for workload in ev["workloads"]:
        metrics[f"{workload['name']}.latency_ms"] = workload["latency_at_percentile_ms"]
    return metrics


def design_label(design: Mapping[str, Any] | None) -> str:
    """A short name of a design's hardware: 4x 128x128 ws int8 @1.0 GHz, 16 MiB, hbm2e, 1 chip."""
    if not design:
        return "-"
    memory = design["memory"] if isinstance(design["memory"], str) else design["memory"].get("name", "memory")
    return (f"{design['cores']}x {design['array_rows']}x{design['array_cols']} {design['dataflow']} "
            f"{design['precision']} @{design['clock_ghz']:g} GHz, {design['sram_mib']:g} MiB, {memory}, "
            f"{design.get('chips', 1)} chip(s)")


def binding(result: Mapping[str, Any]) -> str | None:
    """An infeasible variant's conflict: each requirement with the value a design needs."""
    items = result.get("relaxation") or []
    return "; ".join(item["message"] for item in items) or None


def solve_variant(task: Task) -> dict[str, Any]:
    """Runs on a worker: solve one variant, return its database row (never raises)."""
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    variant = task.variant
    row: dict[str, Any] = {"sweep": task.sweep, "key": variant.key, "idx": variant.index, "label": variant.label,
                           "axis_values": dict(variant.values), "seed": task.seed,
                           "requirements": variant.requirements, "worker": f"{socket.gethostname()}:{os.getpid()}",
                           "started_at": started, "attempts": 1}
    options = task.solve
    try:
        req = load_requirements(variant.requirements)
        solve_clock = time.perf_counter()
        result = synthesize(req, seed=task.seed, method=options["method"], time_limit_s=options["time_limit_s"],
                            refine=options["refine"], refine_trials=options["refine_trials"],
                            alternatives=options["alternatives"], diagnose_infeasible=options["diagnose"])
        solve_s = time.perf_counter() - solve_clock
        data = result.to_dict()
        cert = data["certificate"]
        row.update(status=data["status"], objective_name=data["objective"]["name"],
                   objective=data["objective"]["value"], objective_unit=data["objective"]["unit"],
                   bound=cert["bound"], gap=cert["gap"], design=data["design"], metrics=headline(data),
                   binding=binding(data), result=data, solve_s=solve_s, error=None)
    except Exception as exc:  # noqa: BLE001 - a variant's failure is its row, not the sweep's
        row.update(status="error", error=f"{type(exc).__name__}: {exc}"[:4000], solve_s=None)
    row["finished_at"] = dt.datetime.now(dt.UTC)
    row["task_s"] = time.perf_counter() - clock
    return row


def failed_row(task: Task, error: str) -> dict[str, Any]:
    """The row of a task that did not return (its workers kept dying, or it was lost)."""
    variant = task.variant
    now = dt.datetime.now(dt.UTC)
    return {"sweep": task.sweep, "key": variant.key, "idx": variant.index, "label": variant.label,
            "axis_values": dict(variant.values), "seed": task.seed, "requirements": variant.requirements,
            "status": "error", "error": error[:4000], "started_at": now, "finished_at": now, "attempts": 1}


def connect(*, scheduler: str | None, workers: int, timeout_s: float = 10.0):
    """(client, cluster or None): a LocalCluster of `workers` processes with one thread each, or a
    client of the scheduler at `scheduler`. SpecError naming the option when it cannot be reached."""
    if scheduler is not None:
        if not scheduler.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://", "ucx://")):
            raise SpecError([Problem("--scheduler", "", f"must be an address such as tcp://HOST:8786, "
                                     f"got {scheduler!r}")])
        try:
            return Client(scheduler, timeout=f"{timeout_s}s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise SpecError([Problem("--scheduler", "", f"cannot reach the Dask scheduler at {scheduler}: "
                                     f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")]) from None
    # CRITICAL: a worker whose heartbeat races the cluster's shutdown logs an ERROR with a traceback;
    # a task's own failure is its row's error, and a dead worker's task is retried by the scheduler.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.CRITICAL)
    return Client(cluster), cluster


def run_sweep(plan: SweepPlan, db: ResultsDb, client, *, retry_failed: bool = False,
              on_row: Callable[[dict[str, Any], int, int], None] | None = None,
              on_start: Callable[[int, int], None] | None = None) -> SweepOutcome:
    """Solve the variants that are not finished in `db`, writing each row as it returns.

    on_start(to_run, skipped) is called once; on_row(row, done, to_run) after each write.
    KeyboardInterrupt cancels what is left; rows already written stay."""
    started = time.perf_counter()
    spec = plan.spec
    save_sweep(db, spec.name, sweep_document(plan), plan.axis_keys, len(plan.variants))
    done_keys = finished_keys(db, spec.name, retry_failed=retry_failed)
    todo = [v for v in plan.variants if v.key not in done_keys]
    skipped = len(plan.variants) - len(todo)
    if on_start is not None:
        on_start(len(todo), skipped)
    solve = spec.solve.model_dump(mode="json")
    tasks = {f"synth-variant-{spec.name}-{v.key}": Task(spec.name, v, spec.seed, solve) for v in todo}
    statuses: dict[str, int] = {}
    futures = [client.submit(solve_variant, task, key=name, pure=False) for name, task in tasks.items()]
    done = 0
    try:
        for future in as_completed(futures):
            task = tasks[future.key]
            try:
                row = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker after repeated deaths, lost data
                row = failed_row(task, f"{type(exc).__name__}: {exc}")
            upsert_variant(db, row)
            done += 1
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1
            future.release()
            if on_row is not None:
                on_row(row, done, len(todo))
    except BaseException:
        client.cancel(futures)
        raise
    failed = sum(n for s, n in statuses.items() if s in ("unknown", "error"))
    return SweepOutcome(total=len(plan.variants), skipped=skipped, solved=done - failed, failed=failed,
                        seconds=time.perf_counter() - started, statuses=statuses)


def sweep_document(plan: SweepPlan) -> dict[str, Any]:
    """The sweep as stored in the database (enough to re-render the summary)."""
    spec = plan.spec
    return {"name": spec.name, "source": spec.source, "seed": spec.seed, "base": spec.base,
            "axes": [{"key": a.key, "values": list(a.values) if a.values is not None else None,
                      "min": a.low, "max": a.high, "log": a.log} for a in spec.axes],
            "sample": spec.sample, "variants": list(spec.listed) if spec.listed is not None else None,
            "solve": spec.solve.model_dump(mode="json"), "keys": [v.key for v in plan.variants]}
