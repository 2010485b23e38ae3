"""The `synth` command line: a thin layer over the library (STYLE.md rule 5).

Exit codes: 0 ok, 2 bad input, 3 infeasible requirements, 1 anything else.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from synth.cli.output import OutputSet, check_target, stdout_to_stderr
from synth.cli.progress import progress_bar
from synth.cli.render import print_curves, print_evaluation, print_models, print_pareto, print_result
from synth.errors import SpecError, SynthError

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Synthesize ML-inference accelerators from serving requirements.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
_state = {"debug": False}


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False) -> None:
    _state["debug"] = debug
    if not debug:  # numpy's overflow/invalid warnings with source lines are noise to a user
        warnings.simplefilter("ignore", RuntimeWarning)


def _fail(exc: BaseException) -> None:
    if _state["debug"]:
        raise exc
    if isinstance(exc, SpecError):
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    err.print(f"[bold red]error:[/] {escape(str(exc))}")
    raise typer.Exit(EXIT_ERROR)


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
        _fail(exc)
    out.print(f"{file}: ok ({len(req.workloads)} workload(s), objective {req.objective.value}, "
              f"{req.node_nm} nm)")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the requirements format."""
    from synth.spec.requirements import Requirements

    print(json.dumps(Requirements.model_json_schema(), indent=2))


@app.command()
def models(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """List the built-in models with parameters and MACs."""
    from synth.models import BUILTIN_MODELS

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
        _fail(exc)
    except Exception as exc:  # noqa: BLE001 - the CLI maps every failure to an exit code
        _fail(exc)
    if as_json:
        print(dumps(evaluation.to_dict()))
    else:
        print_evaluation(out, evaluation, show_layers=layers)


@app.command()
def solve(
    file: FileArg,
    out_dir: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write design.yaml, result.json and "
                                                    "the report (report.md, report.html) here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed of the solver, simulator and samplers.")] = 0,
    time_limit: Annotated[Optional[float], typer.Option("--time-limit", help="Seconds for the search.")] = None,
    method: Annotated[str, typer.Option(help="milp | exhaustive | optuna | random")] = "milp",
    no_refine: Annotated[bool, typer.Option("--no-refine", help="Skip the continuous refinement.")] = False,
    storage: Annotated[Optional[str], typer.Option(help="Share the refinement study: a journal file path or "
                                                   "a database URL (e.g. postgresql+psycopg://...).")] = None,
    trials: Annotated[int, typer.Option(help="Refinement trials of this process.")] = 40,
    no_tradeoffs: Annotated[bool, typer.Option("--no-tradeoffs", help="With -o: skip the Pareto front and "
                                               "sensitivity table of the report (they re-solve).")] = False,
) -> None:
    """Find the lowest-cost design that meets the requirements, with its certificate."""
    from synth.api import load_requirements
    from synth.solve import METHODS, Status, synthesize

    if method not in METHODS:
        err.print(f"error: --method must be one of {', '.join(METHODS)}, got {method!r}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if time_limit is not None and not time_limit > 0:
        err.print(f"error: --time-limit must be > 0 seconds, got {time_limit}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if trials < 1:
        err.print(f"error: --trials must be >= 1, got {trials}")
        raise typer.Exit(EXIT_BAD_INPUT)
    out_dir = _out_dir(out_dir)
    with progress_bar(enabled=not as_json) as step, stdout_to_stderr():
        try:
            req = load_requirements(file)
            step("searching the design space", None)
            result = synthesize(req, method=method, seed=seed, time_limit_s=time_limit, refine=not no_refine,
                                refine_trials=trials, storage=storage)
            if out_dir is not None:
                result = with_report_data(req, result, seed=seed, tradeoffs=not no_tradeoffs, progress=step)
        except Exception as exc:  # noqa: BLE001 - mapped to exit codes
            _fail(exc)
    if out_dir is not None:
        write_outputs(result, out_dir)
    if as_json:
        print(dumps(result.to_dict()))
    else:
        print_result(out, result, out_dir)
    if result.status is Status.infeasible:
        raise typer.Exit(EXIT_INFEASIBLE)
    if result.status is Status.unknown:
        raise typer.Exit(EXIT_ERROR)


def with_report_data(req, result, *, seed: int, tradeoffs: bool, progress):
    """The serving curves, and (unless skipped) the Pareto front and sensitivity table."""
    from dataclasses import asdict, replace

    from synth.api import evaluate, load_design
    from synth.serving.report_curves import workload_curves
    from synth.solve.tradeoffs import default_axes, pareto_front, sensitivity

    if result.evaluation is None:
        return result
    progress("highest load within each SLA", None)
    design = load_design(result.design)
    result = replace(result, evaluation=evaluate(req, design, seed=seed, max_qps=True))
    progress("serving curves", None)
    curves = workload_curves(req, design, seed=seed)
    result = replace(result, curves=tuple({"workload": c.workload, "scenario": c.scenario,
                                           "batch": [asdict(p) for p in c.batch],
                                           "load": [asdict(p) for p in c.load]} for c in curves))
    if not tradeoffs:
        return result
    rows = sensitivity(req, result.evaluation, baseline=result.certificate.objective, seed=seed,
                       time_limit_s=30.0, progress=progress)
    x, y = default_axes(req)
    front = pareto_front(req, x=x, y=y, points=4, seed=seed, time_limit_s=40.0, progress=progress)
    return replace(result, sensitivity=tuple(rows), pareto=front)


@app.command(name="serve-curve")
def serve_curve(
    file: FileArg,
    design: Annotated[Path, typer.Option("--design", "-d", help="Design file (YAML or JSON).")],
    workload: Annotated[Optional[str], typer.Option(help="Only this workload.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the curves as JSON.")] = False,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed of the serving simulator.")] = 0,
) -> None:
    """Latency and throughput against batch size, and p99 against offered load, for a design."""
    from dataclasses import asdict

    from synth.api import load_design, load_requirements
    from synth.serving.report_curves import workload_curves

    try:
        req = load_requirements(file)
        curves = workload_curves(req, load_design(design), seed=seed, only=workload)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
    if as_json:
        print(dumps([{"workload": c.workload, "scenario": c.scenario, "batch": [asdict(p) for p in c.batch],
                      "load": [asdict(p) for p in c.load]} for c in curves]))
    else:
        print_curves(out, curves)


@app.command()
def report(
    result_file: Annotated[Path, typer.Argument(help="result.json written by `synth solve -o`.")],
    out_dir: Annotated[Optional[Path], typer.Option("-o", "--out", help="Where to write report.md and "
                                                    "report.html (default: next to result.json).")] = None,
) -> None:
    """Re-render report.md and report.html from a result.json."""
    from synth.cli.output import write_report_set
    from synth.report.schema import read_result

    try:
        target = check_target(out_dir or result_file.parent)
        written = write_report_set(read_result(result_file), result_file, target)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
    for path in written:
        out.print(f"wrote {path}")


@app.command()
def pareto(
    file: FileArg,
    x: Annotated[str, typer.Option("--x", help="Swept metric: latency | throughput | power | area | unit_cost")],
    y: Annotated[str, typer.Option("--y", help="Optimized metric: power | area | unit_cost | energy | "
                                   "cost_per_inference | throughput | latency")],
    points: Annotated[int, typer.Option(help="Bounds to sweep.")] = 6,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed.")] = 0,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for the whole sweep.")] = 120.0,
    out_dir: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write pareto.json and pareto.png here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the front as JSON.")] = False,
) -> None:
    """Sweep one requirement and re-solve: the trade-off front of two metrics."""
    from synth.api import load_requirements
    from synth.solve.tradeoffs import pareto_front

    if not 1 <= points <= 50:
        err.print(f"error: --points must be within [1, 50], got {points}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if not time_limit > 0 or time_limit == float("inf"):
        err.print(f"error: --time-limit must be a finite number > 0 seconds, got {time_limit}")
        raise typer.Exit(EXIT_BAD_INPUT)
    out_dir = _out_dir(out_dir)
    with progress_bar(enabled=not as_json) as step, stdout_to_stderr():
        try:
            req = load_requirements(file)
            front = pareto_front(req, x=x, y=y, points=points, seed=seed, time_limit_s=time_limit, progress=step)
        except Exception as exc:  # noqa: BLE001
            _fail(exc)
    if out_dir is not None:
        from synth.report.plots import pareto_png

        with OutputSet(out_dir) as output:
            output.path("pareto.json").write_text(dumps(front))
            output.path("pareto.png").write_bytes(pareto_png(front))
            output.commit()
    if as_json:
        print(dumps(front))
    else:
        print_pareto(out, front)


def write_outputs(result, out_dir: Path) -> None:
    """design.yaml (accepted by `synth eval --design`), result.json and the report."""
    import yaml

    from synth.report import write_report

    data = result.to_dict()
    with OutputSet(out_dir) as output:  # a complete set replaces the old one, or nothing changes
        output.path("result.json").write_text(dumps(data))
        write_report(data, output.folder)
        if result.design is not None:
            header = f"# Design chosen by synth solve ({result.method}, status {result.status.value}, seed {result.seed})\n"
            output.path("design.yaml").write_text(header + yaml.safe_dump(result.design, sort_keys=False))
        output.commit()


def _out_dir(out_dir: Optional[Path]) -> Optional[Path]:
    """-o checked before any search: exit 2 naming it when it cannot become the output folder."""
    if out_dir is None:
        return None
    try:
        return check_target(out_dir)
    except SpecError as exc:
        _fail(exc)


def main(argv: Optional[list[str]] = None) -> int:
    """Console-script entry point."""
    try:
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int):
            return code
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # click's usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except Exception as exc:  # noqa: BLE001
        if "UsageError" in {c.__name__ for c in type(exc).__mro__}:  # click's, or typer's copy
            exc.show()
            return EXIT_BAD_INPUT
        if "Abort" in {c.__name__ for c in type(exc).__mro__}:
            return EXIT_ERROR
        if _state["debug"]:
            raise
        err.print(f"error: {escape(str(exc))}")
        return EXIT_ERROR
    return EXIT_OK


def run() -> None:
    """Console script: exit with main()'s code; Ctrl-C exits 130 at once, leaving no partial output."""
    from synth.cli.output import stop_on_interrupt

    stop_on_interrupt()
    sys.exit(main())
