"""The architecture trade-off figure: one panel per design variable, the objective of the best
design with each value (bars) and its tail latency (line, right axis)."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure as MplFigure

from synth.report.fmt import finite

BAR, CHOSEN, LINE, RED = "#4c72b0", "#2ca02c", "#dd8452", "#d62728"
AXES = ("array", "precision", "cores", "batch")


def draw_architecture(data: dict[str, Any]) -> MplFigure:
    rows = data["rows"]
    axes = [a for a in AXES if any(r.get("axis") == a for r in rows)]
    fig = MplFigure(figsize=(3.3 * max(len(axes), 1), 3.4))
    panels = fig.subplots(1, max(len(axes), 1), squeeze=False)[0]
    for ax, axis in zip(panels, axes, strict=False):
        mine = [r for r in rows if r.get("axis") == axis]
        labels = [str(r.get("value")) for r in mine]
        values = [finite(r.get("objective")) for r in mine]
        top = max((v for v in values if v is not None), default=1.0)
        for i, (r, v) in enumerate(zip(mine, values, strict=True)):
            if v is None:
                ax.scatter([i], [top * 0.05], marker="x", color=RED, s=60, zorder=3)
                continue
            ax.bar(i, v, color=CHOSEN if labels[i] == data["chosen"].get(axis) else BAR,
                   hatch="//" if r.get("status") != "optimal" else None, edgecolor="white")
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=30 if max(map(len, labels), default=0) > 4 else 0, fontsize=8)
        ax.set_title(data["titles"].get(axis, axis), fontsize=9)
        ax.set_ylabel(f"objective ({data['unit']})" if data.get("unit") else "objective", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(True, axis="y", alpha=0.3)
        latency = [(i, finite((r.get("metrics") or {}).get("latency_ms"))) for i, r in enumerate(mine)]
        latency = [(i, v) for i, v in latency if v is not None]
        if latency:
            twin = ax.twinx()
            twin.plot([i for i, _ in latency], [v for _, v in latency], "o-", color=LINE, markersize=4)
            twin.set_ylabel("latency (ms)", fontsize=8, color=LINE)
            twin.tick_params(labelsize=8, colors=LINE)
            twin.set_ylim(bottom=0)
    fig.subplots_adjust(wspace=0.75)
    return fig
