"""Figures of the report as PNG bytes, drawn with matplotlib's Agg canvas.

Figures are built with matplotlib.figure.Figure (no pyplot), so rendering neither changes the
caller's backend nor leaves global state; the PNGs carry no timestamp or software tag, so the
same result gives byte-identical images.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, NullFormatter

from synth.report.blocks import Figure
from synth.report.fmt import finite, num
from synth.report.plots_architecture import draw_architecture
from synth.report.tradeoffs import pareto_figure

DPI = 110
BLUE, ORANGE, GREEN, GREY, RED = "#1f77b4", "#ff7f0e", "#2ca02c", "#7f7f7f", "#d62728"
PANEL_COLORS = ("#4c72b0", "#dd8452", "#55a868")
PLAIN = FuncFormatter(lambda v, _: f"{v:g}")


def render_png(figure: Figure) -> bytes:
    """The figure drawn as a PNG."""
    draw = {"pareto": _pareto, "batch": _batch, "load": _load, "breakdown": _breakdown,
            "architecture": draw_architecture}[figure.kind]
    return _png(draw(figure.data))


def pareto_png(pareto: Mapping[str, Any]) -> bytes:
    """The front of `synth pareto` (its JSON shape: x, y, x_unit, y_unit, points, chosen) as a PNG;
    a front with no point draws an empty chart that says so."""
    figure = pareto_figure(pareto)
    if figure is None:
        fig = MplFigure(figsize=(6.4, 3.8))
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "no feasible point on the front", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return _png(fig)
    return render_png(figure)


def _png(fig: MplFigure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _series(points: list[dict[str, Any]], x_key: str, y_key: str) -> tuple[list[float], list[float]]:
    """Finite (x, y) pairs only: unstable points (inf latency) are left out."""
    pairs = [(finite(p.get(x_key)), finite(p.get(y_key))) for p in points]
    pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
    return [x for x, _ in pairs], [y for _, y in pairs]


def _pareto(data: dict[str, Any]) -> MplFigure:
    fig = MplFigure(figsize=(6.4, 3.8))
    ax = fig.add_subplot()
    xs, ys = [p[0] for p in data["points"]], [p[1] for p in data["points"]]  # (x, y, design)
    ax.step(xs, ys, where="post", color=GREY, linewidth=1, zorder=1)
    ax.scatter(xs, ys, color=BLUE, zorder=2, label="solved designs")
    cx, cy = data.get("chosen") or (None, None)
    if cx is not None and cy is not None:
        ax.scatter([cx], [cy], marker="*", s=260, color=RED, edgecolor="black", zorder=3, label="headline design")
        right = bool(xs) and cx >= (min(xs + [cx]) + max(xs + [cx])) / 2  # label inside the axes
        ax.annotate(f"headline\n({num(cx)}, {num(cy)})", (cx, cy), textcoords="offset points",
                    xytext=(-12 if right else 12, 12), ha="right" if right else "left", fontsize=8)
    if xs and min(xs) > 0 and max(xs) / min(xs) > 20:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(PLAIN)
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if f"{v:g}"[0] in "25" else ""))
    ax.set_xlabel(data["x_label"])
    ax.set_ylabel(data["y_label"])
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return fig


def _batch(data: dict[str, Any]) -> MplFigure:
    points = data["points"]
    fig = MplFigure(figsize=(9.6, 3.6))
    left, right = fig.subplots(1, 2)
    x, service = _series(points, "batch", "service_ms")
    left.plot(x, service, "o-", color=BLUE, label="service time of one batch")
    for key, color, label in (("p50_ms", GREEN, "p50 under the target load"),
                              ("p99_ms", ORANGE, "p99 under the target load")):
        bx, by = _series(points, "batch", key)
        if bx:
            left.plot(bx, by, "s--", color=color, label=label)
    if data.get("bound_ms"):
        left.axhline(data["bound_ms"], color=RED, linestyle=":", label=f"SLA {data['bound_ms']:g} ms")
    left.set_ylabel("latency (ms)")
    left.set_yscale("log")
    left.yaxis.set_major_formatter(PLAIN)
    left.yaxis.set_minor_formatter(NullFormatter())
    cx, capacity = _series(points, "batch", "capacity_ips")
    right.plot(cx, capacity, "o-", color=BLUE, label="capacity, all replicas")
    if data.get("target_qps"):
        right.axhline(data["target_qps"], color=RED, linestyle=":", label=f"target {data['target_qps']:g}/s")
    right.set_ylabel("inferences / s")
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xticks(x or [1])  # plain labels: mathtext powers of two are slow to lay out
        ax.xaxis.set_major_formatter(PLAIN)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("maximum batch size")
        chosen = finite(data.get("chosen_batch"))
        if chosen:
            ax.axvline(chosen, color=GREY, linestyle="--", linewidth=1)
        ax.grid(True, alpha=0.3, which="both")
        ax.legend(fontsize=7, loc="best")
    left.set_title("latency", fontsize=10)
    right.set_title("throughput", fontsize=10)
    fig.subplots_adjust(wspace=0.3)
    return fig


def _load(data: dict[str, Any]) -> MplFigure:
    points = data["points"]
    fig = MplFigure(figsize=(6.4, 3.6))
    ax = fig.add_subplot()
    percentile = data.get("percentile") or 99
    for key, color, label in (("p50_ms", GREEN, "p50"), ("p99_ms", ORANGE, f"p{percentile:g}")):
        x, y = _series(points, "qps", key)
        ax.plot(x, y, "o-", color=color, label=label)
    unstable = [finite(p.get("qps")) for p in points if p.get("stable") is False]
    if any(q is not None for q in unstable):
        ax.scatter([q for q in unstable if q is not None], [ax.get_ylim()[1]] * len(unstable), marker="x",
                   color=RED, label="unstable")
    if data.get("bound_ms"):
        ax.axhline(data["bound_ms"], color=RED, linestyle=":", label=f"SLA {data['bound_ms']:g} ms")
    if data.get("target_qps"):
        ax.axvline(data["target_qps"], color=GREY, linestyle="--", label=f"target {data['target_qps']:g}/s")
    if data.get("required_qps") and data["required_qps"] != data.get("target_qps"):
        ax.axvline(data["required_qps"], color=GREY, linestyle="-.", label=f"with headroom {data['required_qps']:g}/s")
    if data.get("break_qps"):
        ax.axvline(data["break_qps"], color=RED, linestyle="--", linewidth=1,
                   label=f"SLA breaks above {num(data['break_qps'])}/s")
    ax.set_xlabel("offered load (queries / s)")
    ax.set_ylabel("latency (ms)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="center left")
    return fig


def _breakdown(data: dict[str, Any]) -> MplFigure:
    panels = data["panels"]
    fig = MplFigure(figsize=(3.4 * len(panels), 3.2))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, color, (title, panel) in zip(axes, PANEL_COLORS * 2, panels.items(), strict=False):
        names = list(panel["parts"])
        values = [panel["parts"][n] for n in names]
        ax.barh(names, values, color=color)
        ax.invert_yaxis()
        total = sum(values)
        for i, v in enumerate(values):
            share = f"{100 * v / total:.0f} %" if total and math.isfinite(total) else ""
            ax.text(v, i, f" {share}", va="center", fontsize=7)
        ax.set_title(f"{title} ({panel['unit']})", fontsize=10)
        ax.set_xlim(0, max(values) * 1.3 if values and max(values) > 0 else 1)
        ax.grid(True, axis="x", alpha=0.3)
        ax.tick_params(labelsize=8)
    fig.subplots_adjust(wspace=0.6)
    return fig
