"""Reports of a synthesis result: Markdown and a self-contained HTML page with plots.

The report takes a `synth.results.Result` (or its JSON form, result.json) and imports nothing
from the solver. Optional parts (`requirements`, `refinement`, `sensitivity`, `pareto`,
`curves`) are rendered when present and skipped when absent.

    write_report(Result.from_dict(json.loads(Path("out/result.json").read_text())), Path("out"))
    # -> [out/report.md, out/report.html, out/plots/<figure>.png ...]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synth.report.blocks import Report
from synth.report.html import html_from_report, render_html
from synth.report.markdown import markdown_from_report, render_markdown
from synth.report.plots import render_png
from synth.report.sections import build_report
from synth.results import Result

PLOTS_DIR = "plots"

__all__ = ["Report", "build_report", "render_html", "render_markdown", "write_report"]


def write_report(result: Result | Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write report.md, report.html and the figures (plots/*.png, linked from report.md; the
    HTML embeds them) into `out_dir`, creating it. Returns the paths written, report.md first."""
    out_dir = Path(out_dir)
    report = build_report(result.to_dict() if isinstance(result, Result) else result)
    images = {f.name: render_png(f) for f in report.figures}
    written = [out_dir / "report.md", out_dir / "report.html"]
    out_dir.mkdir(parents=True, exist_ok=True)
    if images:
        (out_dir / PLOTS_DIR).mkdir(exist_ok=True)
        for name, png in images.items():
            path = out_dir / PLOTS_DIR / f"{name}.png"
            path.write_bytes(png)
            written.append(path)
    written[0].write_text(markdown_from_report(report, image_dir=PLOTS_DIR if images else None), encoding="utf-8")
    written[1].write_text(html_from_report(report, images), encoding="utf-8")
    return written
