"""The `synth` command line: a thin layer over the library (STYLE.md rule 5).

Exit codes: 0 ok, 2 bad input, 3 infeasible requirements, 1 anything else.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from synth.cli.common import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_INFEASIBLE, EXIT_OK, err, fail, out, quiet_libraries
from synth.cli.compat import Abort, UsageError
from synth.cli.interop import export_beside_report, parse_targets, register_interop_commands, show_model
from synth.cli.output import OutputSet, check_target, stdout_to_stderr
from synth.cli.progress import progress_bar
from synth.cli.render import print_curves, print_evaluation, print_models, print_pareto, print_result
from synth.cli.sweep import sweep as _sweep
from synth.cli.tradeoffs import tradeoffs as _tradeoffs
from synth.errors import Problem, SpecError, SynthError
from synth.results import DecodeError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Synthesize ML-inference accelerators from serving requirements.")


@app.callback()
def _main(ctx: typer.Context,
          debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False) -> None:
    ctx.obj = {"debug": debug}
    if not debug:  # numpy's overflow/invalid warnings with source lines are noise to a user
        warnings.simplefilter("ignore", RuntimeWarning)


def dumps(data) -> str:
    """One strict JSON document: no NaN or Infinity (null plus a `<key>_status`)."""
    from synth.report.schema import dumps as strict_dumps  # loads the report layer only when needed

    return strict_dumps(data)


FileArg = Annotated[Path, typer.Argument(help="Requirements file (YAML).", show_default=False)]


@app.command()
def check(file: FileArg) -> None:
    """Validate a requirements file: every problem at once, exit 0 or 2."""
    from synth.api import load_requirements

    try:
        req = load_requirements(file)
    except SynthError as exc:
        fail(exc)
    out.print(f"{file}: ok ({len(req.workloads)} workload(s), objective {req.objective.value}, "
              f"{req.node_nm} nm)")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the requirements format."""
    from synth.spec.requirements import Requirements

    print(json.dumps(Requirements.model_json_schema(), indent=2))


@app.command()
def models(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
           show: Annotated[str | None, typer.Option("--show", help="One model's layer table (default: list every model).")] = None) -> None:
    """List the built-in models with parameters and MACs."""
    from synth.models import BUILTIN_MODELS

    if show is not None:
        return show_model(show)

    rows = [BUILTIN_MODELS[name]() for name in BUILTIN_MODELS]
    if as_json:
        print(dumps([{"name": m.name, "params": m.params, "macs": m.macs, "layers": len(m.layers),
                      "description": m.description, "source": m.source} for m in rows]))
        return
    print_models(out, rows)


@app.command(name="eval")
def eval_(
    file: FileArg,
    design: Annotated[Path, typer.Option("--design", "-d", help="Design file (YAML or JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the evaluation as JSON.")] = False,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed of the serving simulator.")] = 0,
    layers: Annotated[bool, typer.Option("--layers", help="Show the per-layer table.")] = False,
    no_max_qps: Annotated[bool, typer.Option("--no-max-qps", help="Skip the search for the highest "
                                             "load each server workload carries within its bound.")] = False,
) -> None:
    """Exact predictions for a design: latency, throughput, energy, power, area, cost."""
    from synth.api import evaluate, load_design, load_requirements

    try:
        req = load_requirements(file)
        evaluation = evaluate(req, load_design(design), seed=seed, max_qps=not no_max_qps)
    except SynthError as exc:
        fail(exc)
    except Exception as exc:  # noqa: BLE001 - the CLI maps every failure to an exit code
        fail(exc)
    if as_json:
        print(dumps(evaluation.to_dict()))
    else:
        print_evaluation(out, evaluation, show_layers=layers, requirements=req)


@app.command()
def solve(
    file: FileArg,
    out_dir: Annotated[Path | None, typer.Option("-o", "--out", help="Write design.yaml, result.json and "
                                                    "the report (report.md, report.html) here (default: print "
                                                    "only).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed of the solver, simulator and samplers.")] = 0,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Safety stop for the search, seconds (default: 120).")] = None,
    method: Annotated[str, typer.Option(help="milp | exhaustive | optuna | random")] = "milp",
    no_refine: Annotated[bool, typer.Option("--no-refine", help="Skip the continuous refinement.")] = False,
    storage: Annotated[str | None, typer.Option(help="Share the refinement study: a journal file path or "
                                                   "a database URL (e.g. postgresql+psycopg://...); default: in memory.")] = None,
    trials: Annotated[int, typer.Option(help="Refinement trials of this process.")] = 40,
    no_tradeoffs: Annotated[bool, typer.Option("--no-tradeoffs", help="With -o: skip the Pareto front and "
                                               "sensitivity table of the report (they re-solve).")] = False,
    export: Annotated[str | None, typer.Option("--export", help="With -o: also write the design for "
                                                  "scalesim,timeloop,zigzag (comma-separated; default: none).")] = None,
) -> None:
    """Find the lowest-cost design that meets the requirements, with its certificate."""
    from synth.api import load_requirements
    from synth.solve import METHODS, ReportOptions, SearchOptions, report_data, synthesize
    from synth.vocabulary import SolutionStatus

    if method not in METHODS:
        err.print(f"error: --method must be one of {', '.join(METHODS)}, got {method!r}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if time_limit is not None and not time_limit > 0:
        err.print(f"error: --time-limit must be > 0 seconds, got {time_limit}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if trials < 1:
        err.print(f"error: --trials must be >= 1, got {trials}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if export:
        try:
            parse_targets(export)
        except Exception as exc:  # noqa: BLE001 - checked before the search
            fail(exc)
    out_dir = _out_dir(out_dir)
    quiet_libraries()
    with progress_bar(enabled=not as_json) as step, stdout_to_stderr():
        try:
            req = load_requirements(file)
            step("searching the design space", None)
            options = SearchOptions(method=method, time_limit_s=time_limit, refine=not no_refine,
                                    refine_trials=trials, storage=storage)
            started = time.perf_counter()
            result = synthesize(req, options, seed=seed)
            if out_dir is not None:
                report = ReportOptions(tradeoffs=not no_tradeoffs)
                if time_limit is not None:  # --time-limit holds for the report's re-solves too
                    left = max(0.05, time_limit - (time.perf_counter() - started))
                    report = dataclasses.replace(report, sensitivity_time_s=left / 2, pareto_time_s=left / 2)
                result = report_data(req, result, seed=seed, options=report, progress=step)
        except Exception as exc:  # noqa: BLE001 - mapped to exit codes
            fail(exc)
    if out_dir is not None:
        write_outputs(result, out_dir, extra=lambda folder: export_beside_report(req, result, export, folder))
    if as_json:
        print(dumps(result.to_dict()))
    else:
        print_result(out, result, out_dir, requirements=req)
    if result.status is SolutionStatus.infeasible:
        raise typer.Exit(EXIT_INFEASIBLE)
    if result.status is SolutionStatus.unknown:
        raise typer.Exit(EXIT_ERROR)


@app.command(name="serve-curve")
def serve_curve(
    file: FileArg,
    design: Annotated[Path, typer.Option("--design", "-d", help="Design file (YAML or JSON).")],
    workload: Annotated[str | None, typer.Option(help="Only this workload (default: every workload).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the curves as JSON.")] = False,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed of the serving simulator.")] = 0,
) -> None:
    """Latency and throughput against batch size, and p99 against offered load, for a design."""
    from synth.api import load_design, load_requirements
    from synth.evaluation.curves import UnknownWorkload, workload_curves
    from synth.results import to_json

    try:
        req = load_requirements(file)
        curves = workload_curves(req, load_design(design), seed=seed, only=workload)
    except UnknownWorkload as exc:
        fail(SpecError([Problem("<command line>", "--workload", str(exc))]))
    except Exception as exc:  # noqa: BLE001
        fail(exc)
    if as_json:
        print(dumps(to_json(curves)))
    else:
        print_curves(out, curves)


@app.command()
def report(
    result_file: Annotated[Path, typer.Argument(help="result.json written by `synth solve -o`.")],
    out_dir: Annotated[Path | None, typer.Option("-o", "--out", help="Where to write report.md and "
                                                    "report.html (default: next to result.json).")] = None,
) -> None:
    """Re-render report.md and report.html from a result.json."""
    from synth.cli.output import write_report_set
    from synth.report.schema import read_result
    from synth.results import Result

    try:
        target = check_target(out_dir or result_file.parent)
        data = read_result(result_file)  # bounded, strict JSON, every shape problem named
        try:
            result = Result.from_dict(data)
        except DecodeError as exc:
            raise SpecError([Problem(str(result_file), exc.path, f"{exc.message} (not a result.json written by "
                                                                   "`synth solve -o`?)")]) from None
        written = write_report_set(result, result_file, target)
    except Exception as exc:  # noqa: BLE001
        fail(exc)
    for path in written:
        out.print(f"wrote {path}")


@app.command()
def pareto(
    file: FileArg,
    x: Annotated[str, typer.Option("--x", help="Swept metric: latency | throughput | power | area | unit_cost")],
    y: Annotated[str, typer.Option("--y", help="Optimized metric: power | area | unit_cost | energy | "
                                   "cost_per_inference | throughput | latency")],
    points: Annotated[int, typer.Option(help="Bounds to sweep (the report's front uses the same 4).")] = 4,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed.")] = 0,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Safety stop for the whole sweep, seconds "
                                              "(each point has a work budget; a point the stop cuts short "
                                              "is marked not proven).")] = 600.0,
    out_dir: Annotated[Path | None, typer.Option("-o", "--out", help="Write pareto.json and pareto.png here (default: print only).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the front as JSON.")] = False,
) -> None:
    """Sweep one requirement and re-solve: the trade-off front of two metrics."""
    from synth.api import load_requirements
    from synth.results import to_json
    from synth.solve.tradeoffs import METRICS, SWEEPABLE, pareto_front

    for option, value, allowed in (("--x", x, SWEEPABLE), ("--y", y, tuple(METRICS))):
        if value not in allowed:
            fail(SpecError([Problem("<command line>", option, f"must be one of {list(allowed)}, got {value!r}")]))
    if x == y:
        fail(SpecError([Problem("<command line>", "--y", f"must differ from --x, got {y!r} twice")]))
    if not 1 <= points <= 50:
        err.print(f"error: --points must be within [1, 50], got {points}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if not time_limit > 0 or time_limit == float("inf"):
        err.print(f"error: --time-limit must be a finite number > 0 seconds, got {time_limit}")
        raise typer.Exit(EXIT_BAD_INPUT)
    out_dir = _out_dir(out_dir)
    quiet_libraries()
    with progress_bar(enabled=not as_json) as step, stdout_to_stderr():
        try:
            req = load_requirements(file)
            front = pareto_front(req, x=x, y=y, points=points, seed=seed, time_limit_s=time_limit, progress=step)
        except Exception as exc:  # noqa: BLE001
            fail(exc)
    if out_dir is not None:
        from synth.report.plots import pareto_png

        with OutputSet(out_dir) as output:
            output.path("pareto.json").write_text(dumps(to_json(front)))
            output.path("pareto.png").write_bytes(pareto_png(to_json(front)))
            output.commit()
    if as_json:
        print(dumps(to_json(front)))
    else:
        print_pareto(out, front)


def write_outputs(result, out_dir: Path, *, extra=None) -> None:
    """design.yaml (accepted by `synth eval --design`), result.json, the report and `extra`
    (a function writing more files into the new set's folder), as one set: a complete set
    replaces the old one, or nothing changes."""
    import yaml

    from synth.report import write_report

    with OutputSet(out_dir) as output:
        output.path("result.json").write_text(dumps(result.to_dict()))
        write_report(result, output.folder)
        if result.design is not None:
            header = (f"# Design chosen by synth solve ({result.method.value}, status {result.status.value}, "
                      f"seed {result.seed})\n")
            output.path("design.yaml").write_text(header + yaml.safe_dump(result.design, sort_keys=False))
        if extra is not None:
            extra(output.folder)
        output.commit()


def _out_dir(out_dir: Path | None) -> Path | None:
    """-o checked before any search: exit 2 naming it when it cannot become the output folder."""
    if out_dir is None:
        return None
    try:
        return check_target(out_dir)
    except SpecError as exc:
        fail(exc)
        return None


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int):
            return code
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # click's usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except UsageError as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except Abort:
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001
        if "--debug" in (argv if argv is not None else sys.argv[1:]):
            raise
        err.print(f"error: {escape(str(exc))}")
        return EXIT_ERROR
    return EXIT_OK


register_interop_commands(app)


def run() -> None:
    """Console script: exit with main()'s code; Ctrl-C exits 130 at once, leaving no partial output."""
    from synth.cli.output import stop_on_interrupt

    stop_on_interrupt()
    sys.exit(main())


app.command(name="sweep")(_sweep)
app.command(name="tradeoffs")(_tradeoffs)
