"""The report as Markdown (GitHub-flavoured tables).

Images: Markdown cannot embed a PNG portably, so `render_markdown(result)` leaves the figures
out; given `image_dir` (a path relative to the .md file, e.g. "plots"), it links
`<image_dir>/<figure name>.png` instead. `write_report` writes those PNGs and passes "plots".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from synth.report.blocks import Figure, Paragraph, Report, Table
from synth.report.sections import build_report


def render_markdown(result: Mapping[str, Any], *, image_dir: str | None = None) -> str:
    """result.json as Markdown; figures are linked from `image_dir` when given, else omitted."""
    return markdown_from_report(build_report(result), image_dir=image_dir)


def markdown_from_report(report: Report, *, image_dir: str | None = None) -> str:
    """Every text of the report is plain text (names come from the user): `plain` escapes it."""
    out = [f"# {plain(report.title)}", "", f"**Status: {plain(report.status)}.** {plain(report.status_text)}.", "",
           plain(report.summary), "", plain(report.meta), ""]
    for section in report.sections:
        out += [f"## {plain(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [f"> {plain(block.text)}" if block.tone != "normal" else plain(block.text), ""]
            elif isinstance(block, Table):
                out += _table(block)
            elif isinstance(block, Figure) and image_dir is not None:
                out += [f"![{plain(block.title)}]({image_dir.rstrip('/')}/{block.name}.png)", "",
                        f"*{plain(block.caption)}*", ""]
    return "\n".join(out).rstrip() + "\n"


_SPECIAL = re.compile(r"([\\`*<>|~]|\](?=[(\[:]))")  # `]` only where it would make a link
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+](?=\s|$)|\d+[.)](?=\s|$)|[=-]+$)")


def strip_controls(text: str) -> str:
    """Text without control or format characters (ESC, BEL, NUL, bidi overrides...); line
    breaks and tabs become spaces, so user text cannot start a new Markdown line."""
    return "".join(" " if c in "\n\r\t\v\f\u2028\u2029\x85" else c for c in str(text)
                   if c in "\n\r\t\v\f\u2028\u2029\x85" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))


def plain(text: Any) -> str:
    """Text shown as written: control characters stripped, Markdown and HTML syntax escaped
    (`<script>`, `**`, `[link](...)`, a leading `#`); `_` only where it could start emphasis."""
    cleaned = _SPECIAL.sub(r"\\\1", strip_controls(text)).replace("&", "&amp;")
    cleaned = _EDGE_UNDERSCORE.sub(r"\\_", cleaned)
    return _LINE_START.sub(r"\\\1", cleaned)


def _table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(_cell(c) for c in table.columns) + " |",
             "|" + "|".join("---" for _ in table.columns) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    lines.append("")
    if table.caption:
        lines += [plain(table.caption), ""]
    return lines


def _cell(text: str) -> str:
    return plain(text) or " "
