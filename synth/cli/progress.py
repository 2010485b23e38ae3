"""A progress line for long solves and sweeps: shown on a terminal, quiet otherwise."""

from __future__ import annotations

import contextlib
import sys

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


@contextlib.contextmanager
def progress_bar(*, enabled: bool = True):
    """Yields step(description, fraction | None); a no-op with --json or when stderr is not a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda description, fraction=None: None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        task = bar.add_task("starting", total=1.0)

        def step(description: str, fraction: float | None = None) -> None:
            bar.update(task, description=description, completed=fraction if fraction is not None else 0.0)

        yield step
