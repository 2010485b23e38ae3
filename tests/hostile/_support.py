"""Shared by the hostile cases: each asserts the exit code, the key named and no traceback.

`cli(*args)` runs the command line in-process (typer's CliRunner: milliseconds, no interpreter
start); `write(tmp_path, text)` writes a requirements file. BASE is a small valid file that the
cases change one key at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from synth.cli import app

ROOT = Path(__file__).resolve().parents[2]
BASE = """\
name: hostile
workloads:
  - {name: ranker, model: bert-base-128, scenario: server, latency_ms: 100, qps: 100}
"""


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr

    def rejected(self, *named: str, code: int = 2) -> None:
        """Exit `code`, every text in `named` in the output, and no traceback."""
        assert self.code == code, f"exit {self.code}, expected {code}:\n{self.text}"
        assert "Traceback" not in self.text, self.text
        for text in named:
            assert text in self.text, f"{text!r} not named in:\n{self.text}"


def run_cli(*args: str) -> Outcome:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an uncaught exception is a failure of its own
    return Outcome(result.exit_code, result.stdout, result.stderr)
