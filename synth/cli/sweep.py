"""`synth sweep`: many requirement variants on Dask, results in a database, a summary to read.

Exit codes: 0 every variant answered (infeasible variants are answers), 1 some variant failed,
2 bad input or an option that cannot be used (naming it), 130 interrupted (finished rows kept).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def _bad(problems) -> None:
    for problem in problems:
        err.print(f"[bold red]error:[/] {escape(str(problem))}")
    raise typer.Exit(EXIT_BAD_INPUT)


def sweep(
    sweep_file: Annotated[Path | None, typer.Argument(help="Sweep file (YAML): a base requirements file and "
                                                         "axes over its keys.", show_default=False)] = None,
    out_dir: Annotated[Path | None, typer.Option("-o", "--out", help="Output folder (default: "
                                                    "NAME-sweep beside the sweep file).")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Results database: a SQLite file (default: "
                                              "OUT/sweep.sqlite) or a URL, e.g. postgresql+psycopg://...")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local Dask worker processes (1 thread each).")] = 2,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Use an existing Dask cluster: "
                                                     "tcp://HOST:PORT (default: a local cluster of --workers processes).")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Solve again the variants that "
                                               "failed (error or unknown) in an earlier run.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Validate the sweep file and every variant; solve "
                                        "nothing.")] = False,
    report: Annotated[str | None, typer.Option("--report", help="Re-render the outputs from this results "
                                                  "database alone (file or URL); no sweep file needed (default: run the sweep).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="With --report: the sweep to render (when "
                                                "the database holds several; default: the only one).")] = None,
    variant_reports: Annotated[bool, typer.Option("--variant-reports/--no-variant-reports",
                                                  help="Write each variant's own report.html.")] = True,
) -> None:
    """Solve every variant of a sweep file on Dask; CSV, JSON Lines, plots and an HTML summary."""
    try:
        _sweep(sweep_file, out_dir, db, workers, scheduler, retry_failed, check, report, name, variant_reports)
    except KeyboardInterrupt:
        err.print("interrupted: finished variants are kept in the database; run again to resume")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _sweep(sweep_file, out_dir, db, workers, scheduler, retry_failed, check, report, name, variant_reports) -> None:
    from synth.errors import SpecError

    if report is not None:
        _render_only(report, name, out_dir, variant_reports)
        return
    if sweep_file is None:
        _bad(["give a sweep file, or --report DB"])
    if not 1 <= workers <= 256:
        _bad([f"--workers: must be within [1, 256], got {workers}"])
    from synth.api import load_requirements
    from synth.sweep import open_db
    from synth.sweep.variants import plan_sweep

    try:
        plan = plan_sweep(sweep_file, load=load_requirements)
    except SpecError as exc:
        _bad(exc.problems)
    counted = f"{len(plan.variants)} variant(s)" + (f" ({plan.duplicates} duplicate(s) dropped)"
                                                   if plan.duplicates else "")
    if check:
        out.print(f"{sweep_file}: ok, {counted} of at most {plan.spec.max_variants}")
        return
    target = out_dir or sweep_file.parent / f"{plan.spec.name}-sweep"
    if target.exists() and not target.is_dir():
        _bad([f"-o: {target} exists and is not a folder"])
    target.mkdir(parents=True, exist_ok=True)
    try:
        results = open_db(db or target / "sweep.sqlite")
    except SpecError as exc:
        _bad(exc.problems)
    err.print(f"{escape(plan.spec.name)}: {counted}; results in {escape(results.url)}")
    code = _run(plan, results, workers=workers, scheduler=scheduler, retry_failed=retry_failed)
    if code == EXIT_INTERRUPTED:
        results.close()
        raise typer.Exit(code)
    _write(results, plan.spec.name, target, variant_reports)
    results.close()
    raise typer.Exit(code)


def _run(plan, results, *, workers: int, scheduler: str | None, retry_failed: bool) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from synth.errors import SpecError
    from synth.sweep.runner import connect, run_sweep

    try:
        client, cluster = connect(scheduler=scheduler, workers=workers)
    except SpecError as exc:
        _bad(exc.problems)
    counts = {"failed": 0}
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("failed {task.fields[failed]}"), TimeRemainingColumn(), console=err,
                        disable=not sys.stderr.isatty(), transient=False)
    task = progress.add_task("solving", total=None, failed=0)

    def on_start(to_run: int, skipped: int) -> None:
        progress.update(task, total=to_run)
        if skipped:
            err.print(f"skipping {skipped} variant(s) finished in an earlier run")

    def on_row(row, done: int, total: int) -> None:
        if row["status"] in ("error", "unknown"):
            counts["failed"] += 1
        progress.update(task, completed=done, failed=counts["failed"])

    try:
        with progress:
            outcome = run_sweep(plan, results, client, retry_failed=retry_failed, on_row=on_row, on_start=on_start)
    except KeyboardInterrupt:
        err.print("interrupted: finished variants are kept in the database; run again to resume")
        return EXIT_INTERRUPTED
    finally:
        _close(client, cluster)
    states = ", ".join(f"{n} {s}" for s, n in sorted(outcome.statuses.items())) or "nothing to solve"
    err.print(f"ran {outcome.solved + outcome.failed} of {outcome.total} variant(s) ({states}); skipped {outcome.skipped}; "
              f"{outcome.seconds:.1f} s")
    return EXIT_ERROR if outcome.failed else EXIT_OK


def _close(client, cluster) -> None:
    try:
        client.close(timeout=10)
        if cluster is not None:
            cluster.close(timeout=10)
    except Exception:  # noqa: BLE001 - shutting down after an interrupt may race the workers
        pass


def _write(results, name: str, target: Path, variant_reports: bool) -> None:
    from synth.sweep import load_sweep
    from synth.sweep.outputs import write_outputs

    sweep_row, rows = load_sweep(results, name)
    for path in write_outputs(sweep_row, rows, target, variant_reports=variant_reports):
        out.print(f"wrote {path}")


def _render_only(report: str, name: str | None, out_dir: Path | None, variant_reports: bool) -> None:
    from synth.errors import SpecError
    from synth.sweep import open_db

    if "://" not in report and not Path(report).is_file():
        _bad([f"--report: must name a results database (a file written by synth sweep, or a URL), got {report!r}"])
    target = out_dir or (Path(report).parent if "://" not in report else Path("."))
    try:
        results = open_db(report, option="--report", create=False)
        try:
            _write(results, name, target, variant_reports)
        finally:
            results.close()
    except SpecError as exc:
        _bad(exc.problems)
