"""The report says what result.json says: key figures parsed back out of report.md and
report.html against the JSON values, self-containment of the HTML, and graceful rendering of
optimal, infeasible and sparse results.

Fixtures (tests/fixtures/report/, see its README): real `synth solve` outputs with the keys
the report also reads (requirements, refinement, sensitivity, pareto, curves) added by hand.
Expected strings follow the number format documented in synth/report/fmt.py, re-stated here.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from synth.report import build_report, render_html, render_markdown, write_report
from synth.report.plots import pareto_png

PNG = b"\x89PNG\r\n\x1a\n"

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "report"
FEASIBLE = ["search_ranking", "mixed_tenancy"]
OPTIONAL_KEYS = ["requirements", "refinement", "sensitivity", "pareto", "curves"]


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def documented(value) -> str:
    """The format fmt.py documents: 4 significant digits, thousands from 1,000, scientific below 0.001."""
    v = float(value)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) < 1e-3:
        return f"{v:.3e}"
    return f"{v:.4g}"


def leading_number(cell: str) -> float:
    match = re.match(r"\s*([+-]?[\d,]*\.?\d+(?:e[+-]?\d+)?|[+-]?inf)", cell)
    assert match, f"no number at the start of {cell!r}"
    return float(match.group(1).replace(",", ""))


# --- table extraction, independent of the renderer ------------------------------------------------
def md_unescape(text: str) -> str:
    """Cell text as a CommonMark renderer shows it: backslash escapes and &amp; resolved."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("&amp;", "&")


def md_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [md_unescape(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if all(re.fullmatch(r"-{3,}", c) for c in cells):
                continue
            if current is None:
                current = []
                tables.append(current)
            current.append(cells)
        else:
            current = None
    return tables


class _HtmlTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "caption":
            self.in_caption = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None
        elif tag == "caption":
            self.in_caption = False

    def handle_data(self, data):
        if self.cell is not None and not self.in_caption:
            self.cell.append(data)


def html_tables(text: str) -> list[list[list[str]]]:
    parser = _HtmlTables()
    parser.feed(text)
    return parser.tables


def cell(tables, header: str, row_label: str) -> str:
    """The cell in column `header` of the row whose first cell is `row_label` (first table that has both)."""
    for table in tables:
        head = table[0]
        if header not in head:
            continue
        for row in table[1:]:
            if row[0] == row_label:
                return row[head.index(header)]
    raise AssertionError(f"no table with column {header!r} and row {row_label!r}")


def key_figures(result: dict) -> list[tuple[str, str, str, object]]:
    """(column, row label, unit, JSON value) for the figures the tests compare."""
    ev = result["evaluation"]
    figures = [("Value", "Objective (exact)", result["objective"]["unit"], result["objective"]["value"]),
               ("Value", "Peak power (TDP)", "W", ev["system"]["power_w"]["peak"]),
               ("Value", "Silicon area", "mm2", ev["system"]["area_mm2"]),
               ("Value", "Unit cost", "USD", ev["system"]["unit_cost_usd"])]
    figures += [("p99 (ms)", w["name"], "", w["latency_ms"]["p99"]) for w in ev["workloads"]]
    return figures


@functools.cache
def _rendered(name: str) -> tuple[str, str]:
    result = load(name)
    return render_markdown(result), render_html(result)


@pytest.fixture(scope="module", params=FEASIBLE)
def rendered(request):
    return (load(request.param), *_rendered(request.param))


def without_curves(result: dict) -> dict:
    """The result with no curves or Pareto front: one plot (the breakdown) keeps HTML renders quick."""
    return {**result, "curves": [], "pareto": None}


# --- the numbers -----------------------------------------------------------------------------------
def test_key_figures_match_the_json(rendered):
    result, md, html = rendered
    for tables in (md_tables(md), html_tables(html)):
        for column, label, unit, value in key_figures(result):
            text = cell(tables, column, label)
            expected = documented(value) + (f" {unit}" if unit else "")
            assert text == expected, f"{label}: {text!r} != {expected!r}"
            assert math.isclose(leading_number(text), float(value), rel_tol=5e-4)


def test_markdown_and_html_carry_the_same_tables(rendered):
    _, md, html = rendered
    assert md_tables(md) == html_tables(html)


def test_summary_states_the_objective(rendered):
    result, md, html = rendered
    value = documented(result["objective"]["value"])
    assert f"{value} {result['objective']['unit']}" in md.split("## ")[0]
    assert f"{value} {result['objective']['unit']}" in html.split("<h2>")[0]


def test_latency_margin_and_status_are_computed_from_bound_and_p99():
    result = load("search_ranking")
    p99 = result["evaluation"]["workloads"][0]["latency_ms"]["p99"]
    bound = result["requirements"]["workloads"][0]["latency_ms"]
    tables = md_tables(render_markdown(result))
    assert cell(tables, "Margin", "ranker") == f"{100 * (bound - p99) / bound:+.1f} %"
    assert cell(tables, "Status", "ranker") == "met"


@pytest.mark.parametrize(("factor", "status"), [(1.005, "binding"), (0.9, "violated")])
def test_binding_and_violated_requirements_are_flagged(factor, status):
    result = load("search_ranking")
    p99 = result["evaluation"]["workloads"][0]["latency_at_percentile_ms"]
    result["requirements"]["workloads"][0]["latency_ms"] = p99 * factor
    md, html = render_markdown(result), render_html(without_curves(result))
    assert cell(md_tables(md), "Status", "workloads[ranker].latency_ms") == status
    assert cell(md_tables(md), "Margin", "ranker") == f"{100 * (1 - 1 / factor):+.1f} %"
    assert re.search(rf'<tr class="{status}"><td>workloads\[ranker\]\.latency_ms</td>', html)
    if status == "binding":
        assert "binding (margin under 1 %): workloads[ranker].latency_ms (p99 latency" in md


def test_unstable_workload_shows_infinite_latency_as_violated():
    result = load("search_ranking")
    workload = result["evaluation"]["workloads"][0]
    workload.update(stable=False, latency_at_percentile_ms="inf",
                    latency_ms={"p50": "inf", "p90": "inf", "p99": "inf", "p999": "inf"})
    tables = md_tables(render_markdown(result))
    assert cell(tables, "p99 (ms)", "ranker") == "inf"
    assert cell(tables, "Status", "workloads[ranker].latency_ms") == "violated"


# --- self-contained HTML -------------------------------------------------------------------------
@pytest.mark.parametrize("name", FEASIBLE + ["infeasible_face_recognition"])
def test_html_fetches_nothing(name):
    html = _rendered(name)[1]
    assert not re.search(r"https?://", html)
    assert not re.search(r"<script|<link|@import|url\(", html, re.IGNORECASE)
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert html.lstrip().startswith("<!DOCTYPE html>") and "@media print" in html


def test_html_embeds_every_plot_it_promises():
    result = load("mixed_tenancy")
    html = _rendered("mixed_tenancy")[1]
    figures = build_report(result).figures
    # breakdown + a batch curve per workload + a load curve per server workload + the Pareto front
    server = [w for w in result["curves"] if w["load"]]
    assert len(figures) == 1 + len(result["curves"]) + len(server) + 1
    assert html.count('src="data:image/png;base64,') == len(figures)


# --- statuses and optional keys ------------------------------------------------------------------
def test_infeasible_result_shows_the_relaxation_first():
    result = load("infeasible_face_recognition")
    md, html = _rendered("infeasible_face_recognition")
    sections = re.findall(r"^## (.+)$", md, re.MULTILINE)
    assert sections[0].startswith("Relaxation")
    tables = md_tables(md)
    for row in result["relaxation"]:
        assert cell(tables, "Needed", row["requirement"]) == documented(row["needed"])
        assert cell(tables, "Limit", row["requirement"]) == documented(row["limit"])
    assert "Status: infeasible" in md and 'class="status infeasible"' in html
    assert "No design" in md


def test_relaxation_without_a_single_fix_says_so():
    result = load("infeasible_face_recognition")
    result["relaxation"][1]["needed"] = None  # dropping it alone would not be enough
    tables = md_tables(render_markdown(result))
    assert cell(tables, "Needed", result["relaxation"][1]["requirement"]) == "no value alone"


@pytest.mark.parametrize("how", ["absent", "null"])
def test_optional_keys_absent_or_null_render(how):
    result = load("search_ranking")
    for key in OPTIONAL_KEYS:
        if how == "absent":
            del result[key]
        else:
            result[key] = None
    md, html = render_markdown(result), render_html(result)
    titles = re.findall(r"^## (.+)$", md, re.MULTILINE)
    assert not any(t.startswith(("Sensitivity", "Trade-off")) for t in titles)
    assert "No refinement recorded" in md
    for tables in (md_tables(md), html_tables(html)):
        for column, label, unit, value in key_figures(result):
            assert cell(tables, column, label) == documented(value) + (f" {unit}" if unit else "")
    assert html.count("data:image/png") == 1  # only the breakdown: curves and Pareto are gone


def test_sparse_and_unknown_results_render():
    for result in ({}, {"status": "unknown", "certificate": None, "evaluation": None},
                   {**load("infeasible_face_recognition"), "requirements": None, "relaxation": None}):
        assert render_markdown(result).startswith("# synth report")
        assert "</html>" in render_html(result)


def test_pareto_front_marks_the_chosen_design():
    result = load("search_ranking")
    tables = md_tables(render_markdown(without_curves(result) | {"pareto": result["pareto"]}))
    chosen = result["pareto"]["chosen"]
    assert cell(tables, "power (W)", documented(chosen["x"])) == documented(chosen["y"])
    assert cell(tables, "Design", documented(chosen["x"])).endswith("(chosen)")


def test_chosen_design_off_the_front_is_shown_as_such():
    result = load("mixed_tenancy")
    chosen = result["pareto"]["chosen"]
    assert all(p["x"] != chosen["x"] for p in result["pareto"]["points"])
    tables = md_tables(_rendered("mixed_tenancy")[0])
    assert cell(tables, "Design", documented(chosen["x"])) == "chosen design (not on the front)"


def test_empty_sensitivity_says_nothing_binds():
    md = _rendered("mixed_tenancy")[0]
    assert "## Sensitivity\n\n> No requirement binds at this design" in md


def test_sensitivity_rows_match_the_json():
    result = load("search_ranking")
    tables = md_tables(render_markdown(result))
    for row in result["sensitivity"]:
        assert cell(tables, "Objective after (W)", row["requirement"]) == documented(row["objective_after"])
        assert cell(tables, "Saving", row["requirement"]) == f"{row['saving_pct']:.2f} %"


def test_pareto_png_draws_a_front_and_an_empty_one():
    front = load("search_ranking")["pareto"]
    assert pareto_png(front)[:8] == PNG
    assert pareto_png({**front, "points": [], "chosen": None})[:8] == PNG


def test_refinement_changes_are_listed():
    result = load("mixed_tenancy")
    tables = md_tables(render_markdown(result))
    before, after = result["refinement"]["changes"]["sram_mib"]
    assert cell(tables, "Before", "sram_mib") == documented(before)
    assert cell(tables, "After", "sram_mib") == documented(after)
    assert cell(tables, "Value", "Gain") == f"{result['refinement']['gain_pct']:.2f} %"


def test_storage_password_is_not_printed():
    result = load("mixed_tenancy")
    result["refinement"]["storage"] = "postgresql://synth:s3cret@db.example/study"
    md = render_markdown(result)
    assert "s3cret" not in md and "postgresql://synth:***@db.example/study" in md_unescape(md)


# --- files -----------------------------------------------------------------------------------------
def test_write_report_writes_markdown_html_and_linked_plots(tmp_path):
    result = load("search_ranking")
    before = copy.deepcopy(result)
    written = write_report(result, tmp_path / "out")
    assert result == before, "the report must not modify its input"
    md_path, html_path = tmp_path / "out" / "report.md", tmp_path / "out" / "report.html"
    assert written[:2] == [md_path, html_path]
    links = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", md_path.read_text())
    assert links and sorted(links) == sorted(str(p.relative_to(tmp_path / "out")) for p in written[2:])
    for png in written[2:]:
        assert png.read_bytes()[:8] == PNG
    assert html_path.read_text().count("data:image/png;base64,") == len(links)


def test_write_report_is_deterministic(tmp_path):
    result = {**load("search_ranking"), "curves": []}  # Pareto and breakdown plots, byte for byte
    first = [p.read_bytes() for p in write_report(result, tmp_path / "a")]
    second = [p.read_bytes() for p in write_report(result, tmp_path / "b")]
    assert first == second


def test_render_markdown_alone_links_no_images():
    assert "![" not in render_markdown(load("search_ranking"))


def test_report_package_does_not_import_the_solver():
    code = ("import sys, json, synth.report as r; r.render_html({'status': 'unknown'}); "
            "bad = sorted(m for m in sys.modules if m.startswith(('synth.solve', 'pyomo', 'highspy', 'optuna'))); "
            "print(json.dumps(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
