"""The `synth` command line: a thin layer over the library (STYLE.md rule 5).

Exit codes: 0 ok, 2 bad input, 3 infeasible requirements, 1 anything else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from synth.cli.render import print_evaluation, print_models
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


def _fail(exc: BaseException) -> None:
    if _state["debug"]:
        raise exc
    if isinstance(exc, SpecError):
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {problem}", markup=True, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    err.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(EXIT_ERROR)


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
        print(json.dumps([{"name": m.name, "params": m.params, "macs": m.macs, "layers": len(m.layers),
                           "description": m.description, "source": m.source} for m in rows], indent=2))
        return
    print_models(out, rows)


@app.command(name="eval")
def eval_(
    file: FileArg,
    design: Annotated[Path, typer.Option("--design", "-d", help="Design file (YAML or JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the evaluation as JSON.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the serving simulator.")] = 0,
    layers: Annotated[bool, typer.Option("--layers", help="Show the per-layer table.")] = False,
) -> None:
    """Exact predictions for a design: latency, throughput, energy, power, area, cost."""
    from synth.api import evaluate, load_design, load_requirements

    try:
        req = load_requirements(file)
        evaluation = evaluate(req, load_design(design), seed=seed)
    except SynthError as exc:
        _fail(exc)
    except Exception as exc:  # noqa: BLE001 - the CLI maps every failure to an exit code
        _fail(exc)
    if as_json:
        print(json.dumps(evaluation.to_dict(), indent=2))
    else:
        print_evaluation(out, evaluation, show_layers=layers)


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
        err.print(f"error: {exc}")
        return EXIT_ERROR
    return EXIT_OK


def run() -> None:
    """Console script: exit with main()'s code."""
    sys.exit(main())
