"""What every command of the CLI shares: the consoles, the exit codes, and how a failure
becomes a message and an exit code (no traceback unless --debug)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from synth.cli.compat import current_context
from synth.errors import SpecError

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def quiet_libraries() -> None:
    """The CLI, not the library, sets the log level of the libraries it uses (Optuna logs every
    trial at INFO)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


def debug_enabled() -> bool:
    """Whether --debug was given (kept in the root command's context)."""
    ctx = current_context(silent=True)
    while ctx is not None and ctx.parent is not None:
        ctx = ctx.parent
    return bool(ctx is not None and isinstance(ctx.obj, dict) and ctx.obj.get("debug"))


def fail(exc: BaseException) -> None:
    """Report `exc` and exit: 2 for bad input (every problem named), 1 otherwise."""
    if debug_enabled():
        raise exc
    if isinstance(exc, SpecError):
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    err.print(f"[bold red]error:[/] {escape(str(exc))}")
    raise typer.Exit(EXIT_ERROR)
