"""A sweep's figures as PNG bytes (matplotlib's Agg canvas, no pyplot, no global state).

Each map puts the first axis across and the second up (a single axis: one row); further axes
become panels, one per combination of their values (at most MAX_PANELS).
- objective: the objective of every answered variant, as a heat map;
- feasibility: the status of every variant, and for an infeasible one the requirements in
  conflict (from its relaxation: what a design would need);
- cheapest: in each cell of the first two axes, the lowest-unit-cost feasible design over the
  other axes, one letter per distinct design.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

DPI = 100
MAX_PANELS = 6
STATUS_COLORS = {"optimal": "#2ca02c", "feasible": "#98df8a", "infeasible": "#d62728", "unknown": "#c7c7c7",
                 "error": "#7f7f7f"}
ANSWERED = ("optimal", "feasible")


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def _ordered(values) -> list:
    values = list(dict.fromkeys(values))
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _layout(rows: Sequence[Mapping[str, Any]], axes: Sequence[str]):
    """(x key, y key or None, x values, y values, panels: [(title, rows)])."""
    x_key = axes[0]
    y_key = axes[1] if len(axes) > 1 else None
    rest = list(axes[2:])
    xs = _ordered(r["axis_values"].get(x_key) for r in rows)
    ys = _ordered(r["axis_values"].get(y_key) for r in rows) if y_key else [None]
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault(tuple(repr(row["axis_values"].get(k)) for k in rest), []).append(row)
    panels = []
    for members in list(groups.values())[:MAX_PANELS]:
        title = ", ".join(f"{k}={_short(members[0]['axis_values'].get(k))}" for k in rest)
        panels.append((title, members))
    return x_key, y_key, xs, ys, panels, len(groups)


def _cells(members, x_key, y_key, xs, ys):
    """{(i, j): row} with i along y, j along x."""
    where = {}
    for row in members:
        j = xs.index(row["axis_values"].get(x_key))
        i = ys.index(row["axis_values"].get(y_key)) if y_key else 0
        where[(i, j)] = row
    return where


def _frame(n_panels: int, xs, ys):
    cols = min(n_panels, 2)
    nrows = math.ceil(n_panels / cols)
    width = max(4.5, 0.9 * len(xs) + 2.5)
    height = max(2.0, 0.55 * len(ys) + 1.6)
    fig = Figure(figsize=(width * cols, height * nrows))
    return fig, [fig.add_subplot(nrows, cols, k + 1) for k in range(n_panels)]


def _decorate(ax, x_key, y_key, xs, ys, title, hidden: int = 0):
    ax.set_xticks(range(len(xs)), [_short(v) for v in xs], rotation=45 if len(xs) > 6 else 0)
    ax.set_yticks(range(len(ys)), [_short(v) for v in ys] if y_key else [""])
    ax.set_xlabel(x_key)
    if y_key:
        ax.set_ylabel(y_key)
    ax.set_title(title + (f" (first {MAX_PANELS} of {MAX_PANELS + hidden} panels)" if hidden else ""), fontsize=9)


def objective_png(rows: Sequence[Mapping[str, Any]], axes: Sequence[str]) -> bytes:
    x_key, y_key, xs, ys, panels, groups = _layout(rows, axes)
    fig, subplots = _frame(len(panels), xs, ys)
    for ax, (title, members) in zip(subplots, panels):
        grid = np.full((len(ys), len(xs)), np.nan)
        cells = _cells(members, x_key, y_key, xs, ys)
        for (i, j), row in cells.items():
            if row["status"] in ANSWERED and row.get("objective") is not None:
                grid[i, j] = row["objective"]
        names = {(r.get("objective_name"), r.get("objective_unit")) for r in members if r["status"] in ANSWERED}
        label = " / ".join(f"{n} ({u})" for n, u in sorted(names, key=str)) or "no answered variant"
        image = ax.imshow(np.ma.masked_invalid(grid), origin="lower", aspect="auto", cmap="viridis")
        ax.set_facecolor("#eeeeee")
        for (i, j), row in cells.items():
            text = _short(float(grid[i, j])) if not np.isnan(grid[i, j]) else row["status"]
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if not np.isnan(grid[i, j])
                    else "black")
        if not np.isnan(grid).all():
            fig.colorbar(image, ax=ax, label=label)
        _decorate(ax, x_key, y_key, xs, ys, title or label, groups - len(panels))
    return _png(fig)


def _conflict(row: Mapping[str, Any]) -> str:
    items = ((row.get("result") or {}).get("relaxation")) or []
    parts = []
    for item in items:
        name = str(item["requirement"]).split(".")[-1]
        parts.append(f"{name}≥{_short(item['needed'])}" if item.get("needed") is not None else name)
    return "\n".join(parts[:2])


def feasibility_png(rows: Sequence[Mapping[str, Any]], axes: Sequence[str]) -> bytes:
    x_key, y_key, xs, ys, panels, groups = _layout(rows, axes)
    order = list(STATUS_COLORS)
    fig, subplots = _frame(len(panels), xs, ys)
    for ax, (title, members) in zip(subplots, panels):
        grid = np.full((len(ys), len(xs)), np.nan)
        cells = _cells(members, x_key, y_key, xs, ys)
        for (i, j), row in cells.items():
            grid[i, j] = order.index(row["status"]) if row["status"] in order else order.index("error")
        ax.imshow(np.ma.masked_invalid(grid), origin="lower", aspect="auto", vmin=-0.5, vmax=len(order) - 0.5,
                  cmap=ListedColormap(list(STATUS_COLORS.values())))
        for (i, j), row in cells.items():
            ax.text(j, i, row["status"] if row["status"] != "infeasible" else _conflict(row) or "infeasible",
                    ha="center", va="center", fontsize=6)
        _decorate(ax, x_key, y_key, xs, ys, title or "status; infeasible: what a design needs",
                  groups - len(panels))
    return _png(fig)


def cheapest_png(rows: Sequence[Mapping[str, Any]], axes: Sequence[str], labels: Mapping[str, str]) -> bytes:
    """`labels`: variant key -> design label (the same hardware, the same label)."""
    x_key, y_key, xs, ys, _, _ = _layout(rows, axes)
    best: dict[tuple[int, int], Mapping[str, Any]] = {}
    for row in rows:
        cost = (row.get("metrics") or {}).get("unit_cost_usd")
        if row["status"] not in ANSWERED or cost is None:
            continue
        j = xs.index(row["axis_values"].get(x_key))
        i = ys.index(row["axis_values"].get(y_key)) if y_key else 0
        if (i, j) not in best or cost < best[(i, j)]["metrics"]["unit_cost_usd"]:
            best[(i, j)] = row
    designs = list(dict.fromkeys(labels[row["key"]] for _, row in sorted(best.items())))
    letters = {design: chr(ord("A") + k) if k < 26 else str(k) for k, design in enumerate(designs)}
    fig, (ax,) = _frame(1, xs, ys)
    grid = np.full((len(ys), len(xs)), np.nan)
    for (i, j), row in best.items():
        grid[i, j] = designs.index(labels[row["key"]])
    palette = [f"C{k % 10}" for k in range(max(1, len(designs)))]
    ax.imshow(np.ma.masked_invalid(grid), origin="lower", aspect="auto", vmin=-0.5,
              vmax=max(1, len(designs)) - 0.5, cmap=ListedColormap(palette), alpha=0.6)
    ax.set_facecolor("#eeeeee")
    for (i, j), row in best.items():
        ax.text(j, i, f"{letters[labels[row['key']]]}\n${row['metrics']['unit_cost_usd']:.4g}", ha="center",
                va="center", fontsize=7)
    _decorate(ax, x_key, y_key, xs, ys, "cheapest feasible design per cell (over the other axes)")
    for design in designs[:12]:
        ax.plot([], [], "s", color=palette[designs.index(design)], label=f"{letters[design]}: {design}")
    if designs:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.25), fontsize=7, frameon=False)
    return _png(fig)
