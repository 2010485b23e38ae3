"""The report as Markdown (GitHub-flavoured tables).

Images: Markdown cannot embed a PNG portably, so `render_markdown(result)` leaves the figures
out; given `image_dir` (a path relative to the .md file, e.g. "plots"), it links
`<image_dir>/<figure name>.png` instead. `write_report` writes those PNGs and passes "plots".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synth.report.blocks import Figure, Paragraph, Report, Table
from synth.report.sections import build_report


def render_markdown(result: Mapping[str, Any], *, image_dir: str | None = None) -> str:
    """result.json as Markdown; figures are linked from `image_dir` when given, else omitted."""
    return markdown_from_report(build_report(result), image_dir=image_dir)


def markdown_from_report(report: Report, *, image_dir: str | None = None) -> str:
    out = [f"# {report.title}", "", f"**Status: {report.status}.** {report.status_text}.", "", report.summary, "",
           report.meta, ""]
    for section in report.sections:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [f"> {block.text}" if block.tone != "normal" else block.text, ""]
            elif isinstance(block, Table):
                out += _table(block)
            elif isinstance(block, Figure) and image_dir is not None:
                alt = block.title.replace("[", "(").replace("]", ")")  # brackets would end the alt text
                out += [f"![{alt}]({image_dir.rstrip('/')}/{block.name}.png)", "", f"*{block.caption}*", ""]
    return "\n".join(out).rstrip() + "\n"


def _table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(_cell(c) for c in table.columns) + " |",
             "|" + "|".join("---" for _ in table.columns) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    lines.append("")
    if table.caption:
        lines += [table.caption, ""]
    return lines


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") or " "
