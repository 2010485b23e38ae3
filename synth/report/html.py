"""The report as one self-contained HTML page: inline CSS, figures as inline base64 PNGs, no
JavaScript and nothing fetched from anywhere, readable on screen and on paper (@media print)."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from html import escape as _escape_html
from typing import Any

from synth.report.blocks import Figure, Paragraph, Report, Table
from synth.report.markdown import strip_controls
from synth.report.plots import render_png
from synth.report.sections import build_report


def escape(text: Any) -> str:
    """HTML-escaped text without control characters (ESC, BEL, NUL are not HTML)."""
    return _escape_html(strip_controls(str(text)))


NUMERIC = re.compile(r"^[+\-]?[\d,]*\.?\d+(e[+\-]?\d+)?( ?%| [A-Za-z/0-9]+)?$|^—$|^inf$")

CSS = """
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); background: #fff; max-width: 1120px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.7em; margin: 0 0 .3em; }
h2 { font-size: 1.25em; border-bottom: 2px solid var(--line); padding-bottom: .2em; margin: 1.8em 0 .6em; }
.status { display: inline-block; padding: .15em .7em; border-radius: 4px; font-weight: 600; color: #fff;
          background: #57606a; }
.status.optimal { background: #1a7f37; } .status.feasible { background: #9a6700; }
.status.infeasible { background: #cf222e; }
.summary { font-size: 1.05em; margin: .6em 0; }
.meta, .note, figcaption, caption { color: var(--muted); font-size: .9em; }
.warn { background: #fff8c5; border-left: 4px solid #d4a72c; padding: .4em .8em; }
.bad { background: #ffebe9; border-left: 4px solid #cf222e; padding: .4em .8em; }
nav.toc { font-size: .9em; border: 1px solid var(--line); border-radius: 6px; padding: .5em 1em;
          background: var(--head); }
nav.toc a { margin-right: 1.1em; color: #0969da; text-decoration: none; white-space: nowrap; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .88em; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: var(--head); }
td.num { text-align: right; white-space: nowrap; }
caption { caption-side: bottom; text-align: left; padding-top: .3em; }
tr.binding td { background: #fff8c5; } tr.violated td { background: #ffebe9; } tr.chosen td { background: #dafbe1; }
.legend span { display: inline-block; padding: 0 .5em; margin-right: .5em; border: 1px solid var(--line); }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
h3 { font-size: 1em; margin: 1em 0 .3em; }
@page { margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  table, figure, tr { break-inside: avoid; }
  .status, tr.binding td, tr.violated td, tr.chosen td, .warn, .bad {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .scroll { overflow: visible; }
}
"""


def render_html(result: Mapping[str, Any]) -> str:
    """result.json as one self-contained HTML page, plots inline."""
    return html_from_report(build_report(result))


def html_from_report(report: Report, images: Mapping[str, bytes] | None = None) -> str:
    """`images` maps a figure name to its PNG (drawn here when missing)."""
    images = dict(images or {})
    title = escape(report.title)
    status = re.sub(r"[^a-z]", "", report.status.lower())
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{title}</title>",
           f"<style>{CSS}</style>", "</head>", "<body>", f"<h1>{title}</h1>",
           f'<p><span class="status {status}">{escape(report.status)}</span> {escape(report.status_text)}.</p>',
           f'<p class="summary">{escape(report.summary)}</p>', f'<p class="meta">{escape(report.meta)}</p>',
           '<nav class="toc">' + "\n".join(f'<a href="#{s.key}">{escape(s.title)}</a>' for s in report.sections)
           + "</nav>", LEGEND]
    for section in report.sections:
        out.append(f'<section id="{section.key}"><h2>{escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(f'<p class="{block.tone}">{escape(block.text)}</p>')
            elif isinstance(block, Table):
                out.append(_table(block))
            elif isinstance(block, Figure):
                png = images.get(block.name) or render_png(block)
                data = base64.b64encode(png).decode("ascii")
                out.append(f'<figure><h3>{escape(block.title)}</h3><img alt="{escape(block.title)}" '
                           f'src="data:image/png;base64,{data}"><figcaption>{escape(block.caption)}</figcaption>'
                           "</figure>")
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


LEGEND = ('<p class="legend note">Row colours: <span style="background:#fff8c5">binding (margin under 1 %)</span>'
          '<span style="background:#ffebe9">violated</span><span style="background:#dafbe1">chosen design</span></p>')


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body, numeric = [], len(table.columns) > 2  # key-value tables read better left-aligned
    for i, row in enumerate(table.rows):
        mark = table.mark(i)
        cells = "".join(f'<td class="num">{escape(c)}</td>' if j and numeric and NUMERIC.match(c)
                        else f"<td>{escape(c)}</td>"
                        for j, c in enumerate(row))
        body.append(f'<tr class="{mark}">{cells}</tr>' if mark else f"<tr>{cells}</tr>")
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return (f'<div class="scroll"><table>{caption}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')
