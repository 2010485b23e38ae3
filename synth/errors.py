"""Errors the library raises. The CLI maps them to exit codes (STYLE.md rule 5)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is, what must hold, and what was given."""

    source: str  # file name, or "<mapping>" for in-memory input
    path: str  # key path, e.g. "workloads[1].latency_ms"; "" for the whole document
    message: str  # what must hold, and what was given

    def __str__(self) -> str:
        where = f"{self.source}: {self.path}" if self.path else self.source
        return f"{where}: {self.message}"


class SynthError(Exception):
    """Base class of every error `synth` raises on purpose."""


class SpecError(SynthError):
    """Bad input: every problem found in one document, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_value(value: object, limit: int = 60) -> str:
    """A short, printable rendering of a value a user gave."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
