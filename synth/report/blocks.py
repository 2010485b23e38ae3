"""The report's content model: frozen blocks that the Markdown and HTML writers both render.

Every number is already a string here (formatted by synth.report.fmt), so the two formats
cannot disagree. A Figure carries the plain data to draw; synth.report.plots draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Tone = Literal["normal", "note", "good", "warn", "bad"]
RowMark = Literal["", "binding", "violated", "chosen"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    tone: Tone = "normal"


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    marks: tuple[RowMark, ...] = ()  # one per row, or empty

    def mark(self, index: int) -> RowMark:
        return self.marks[index] if index < len(self.marks) else ""


@dataclass(frozen=True, slots=True)
class Figure:
    name: str  # file stem: plots/<name>.png
    title: str
    caption: str
    kind: Literal["pareto", "batch", "load", "breakdown", "architecture"]
    data: dict[str, Any] = field(default_factory=dict)


Block = Paragraph | Table | Figure


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # anchor id
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    status: str  # optimal | feasible | infeasible | unknown | (whatever the result says)
    status_text: str
    summary: str
    meta: str
    sections: tuple[Section, ...]

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Figure))
