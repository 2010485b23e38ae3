"""A sweep's outputs, from its database rows alone: results.csv, results.jsonl, the figures,
each variant's result.json (and report), and summary.html linking them all.

Every user string reaching HTML is escaped; folder names come from the variant's index and
hash, never from user text.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from synth.report import write_report
from synth.sweep import plots
from synth.sweep.runner import design_label

METRICS = ("power_w", "average_power_w", "area_mm2", "unit_cost_usd", "energy_mj_per_inference", "throughput_ips")
PLOTS = ("objective", "feasibility", "cheapest")


def variant_dir(row: Mapping[str, Any]) -> str:
    return f"variants/{row['idx']:05d}-{row['key'][:12]}"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def table_rows(rows: Sequence[Mapping[str, Any]], axes: Sequence[str]) -> list[dict[str, Any]]:
    """One flat record per variant (what the CSV and JSON Lines hold)."""
    records = []
    for row in rows:
        metrics = row.get("metrics") or {}
        record = {"idx": row["idx"], "key": row["key"], "label": row["label"]}
        record.update({axis: row["axis_values"].get(axis) for axis in axes})
        record.update({"status": row["status"], "objective_name": row.get("objective_name"),
                       "objective": row.get("objective"), "objective_unit": row.get("objective_unit"),
                       "bound": row.get("bound"), "gap": row.get("gap"), "design": design_label(row.get("design"))})
        record.update({m: metrics.get(m) for m in METRICS})
        record.update({k: v for k, v in metrics.items() if k.endswith(".latency_ms")})
        record.update({"binding": row.get("binding"), "seed": row["seed"], "solve_s": row.get("solve_s"),
                       "task_s": row.get("task_s"), "worker": row.get("worker"), "attempts": row.get("attempts"),
                       "finished_at": _plain(row.get("finished_at")), "error": row.get("error"),
                       "result": f"{variant_dir(row)}/result.json" if row.get("result") else None})
        records.append(record)
    return records


def write_outputs(sweep: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], out_dir: Path, *,
                  variant_reports: bool = True) -> list[Path]:
    """Write every output into `out_dir`; returns the main files written (summary.html last)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    axes = list(sweep["axes"])
    records = table_rows(rows, axes)
    columns = list(dict.fromkeys(k for record in records for k in record)) or ["idx", "key", "label", "status"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    written = [out_dir / "results.csv", out_dir / "results.jsonl"]
    written[0].write_text(buffer.getvalue())
    written[1].write_text("".join(json.dumps(r, allow_nan=False) + "\n" for r in records))
    reports = _variant_files(rows, out_dir, variant_reports)
    figures = {}
    if rows and axes:
        labels = {row["key"]: design_label(row.get("design")) for row in rows}
        (out_dir / "plots").mkdir(exist_ok=True)
        figures = {"objective": plots.objective_png(rows, axes), "feasibility": plots.feasibility_png(rows, axes),
                   "cheapest": plots.cheapest_png(rows, axes, labels)}
        for name, png in figures.items():
            (out_dir / "plots" / f"{name}.png").write_bytes(png)
            written.append(out_dir / "plots" / f"{name}.png")
    summary = out_dir / "summary.html"
    summary.write_text(summary_html(sweep, rows, records, reports, list(figures)))
    written.append(summary)
    return written


def _variant_files(rows, out_dir: Path, variant_reports: bool) -> dict[str, str]:
    """Each answered variant's result.json, and its report.html when asked; key -> link."""
    links = {}
    for row in rows:
        if not row.get("result"):
            continue
        folder = out_dir / variant_dir(row)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.json").write_text(json.dumps(row["result"], indent=1, allow_nan=False))
        links[row["key"]] = f"{variant_dir(row)}/result.json"
        if variant_reports:
            write_report(row["result"], folder)
            links[row["key"]] = f"{variant_dir(row)}/report.html"
    return links


_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;
font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td.l,th.l{text-align:left}
tr.infeasible td{background:#fde8e8}tr.error td,tr.unknown td{background:#eee}img{max-width:100%;
margin:1em 0;border:1px solid #ddd}code{background:#f4f4f4;padding:0 3px}"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def summary_html(sweep: Mapping[str, Any], rows, records, reports: Mapping[str, str], figures: Sequence[str]) -> str:
    e = html.escape
    spec = sweep["spec"]
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    counts = ", ".join(f"{n} {e(s)}" for s, n in sorted(statuses.items())) or "no variant solved yet"
    axes = list(sweep["axes"])
    head = ["#"] + axes + ["status", "objective", "unit", "gap", "design", "power W", "area mm²", "unit $",
                           "binding / error", "solve s", "report"]
    body = []
    for row, record in zip(rows, records):
        link = reports.get(row["key"])
        anchor = f'<a href="{e(link)}">{"report" if link.endswith(".html") else "result.json"}</a>' if link else ""
        cells = [f"<td>{row['idx']}</td>"] + [f"<td>{_cell(record.get(a))}</td>" for a in axes]
        cells += [f"<td class=l>{e(row['status'])}</td>", f"<td>{_cell(row.get('objective'))}</td>",
                  f"<td class=l>{_cell(row.get('objective_unit'))}</td>", f"<td>{_cell(row.get('gap'))}</td>",
                  f"<td class=l>{_cell(record['design'])}</td>", f"<td>{_cell(record.get('power_w'))}</td>",
                  f"<td>{_cell(record.get('area_mm2'))}</td>", f"<td>{_cell(record.get('unit_cost_usd'))}</td>",
                  f"<td class=l>{_cell(row.get('binding') or row.get('error'))}</td>",
                  f"<td>{_cell(row.get('solve_s'))}</td>",
                  f"<td class=l>{anchor}</td>"]
        body.append(f"<tr class=\"{e(row['status'])}\">{''.join(cells)}</tr>")
    images = "".join(f"<h2>{e(name)}</h2><img src=\"plots/{e(name)}.png\" alt=\"{e(name)} map\">" for name in figures)
    solve = ", ".join(f"{e(str(k))}={e(str(v))}" for k, v in spec.get("solve", {}).items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>synth sweep: {e(sweep['name'])}</title>
<style>{_STYLE}</style></head><body>
<h1>Sweep {e(sweep['name'])}</h1>
<p>{len(rows)} of {sweep['variants']} variant(s) in the database: {counts}. Seed {e(str(spec.get('seed')))};
solve options: {solve}. Axes: {', '.join(f'<code>{e(a)}</code>' for a in axes)}.
Tables: <a href="results.csv">results.csv</a>, <a href="results.jsonl">results.jsonl</a>.</p>
{images}
<h2>Variants</h2>
<table><thead><tr>{''.join(f'<th>{e(h)}</th>' for h in head)}</tr></thead>
<tbody>{''.join(body)}</tbody></table>
</body></html>
"""
