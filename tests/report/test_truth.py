"""Issue 13: the report tells the truth about headroom, the seed's measures, a certificate cut
short and the architecture trade-offs. No solver: result mappings edited by hand, expected
values computed here from their definitions."""

from __future__ import annotations

import copy

import pytest

from synth.report import build_report, render_markdown
from synth.report.measures import application_class, measures, tuned_for
from tests.report.test_report import cell, load, md_tables, without_curves


def _search(max_qps: float | None, qps: float = 1000.0, headroom: float | None = None) -> dict:
    result = without_curves(copy.deepcopy(load("search_ranking")))
    result["requirements"]["workloads"][0]["qps"] = qps
    if headroom is not None:
        result["requirements"]["workloads"][0]["headroom_pct"] = headroom
    result["evaluation"]["workloads"][0]["max_qps_within_sla"] = max_qps
    return result


def test_highest_load_within_one_percent_of_the_target_binds_on_throughput():
    md = render_markdown(_search(1005.0))  # the case: 1,000 qps asked, the SLA breaks at 1,005
    tables = md_tables(md)
    assert cell(tables, "Status", "workloads[ranker].qps") == "binding"
    assert cell(tables, "Margin", "workloads[ranker].qps") == "+0.5 %"  # (1005 - 1000) / 1000
    assert cell(tables, "What", "workloads[ranker].qps") == "highest load within the SLA"
    assert "none binds" not in md
    assert "binding (margin under 1 %): workloads[ranker].qps (highest load within the SLA 1,005 against 1,000" in md


def test_a_highest_load_with_room_is_met_and_headroom_is_asked_on_top_of_qps():
    assert cell(md_tables(render_markdown(_search(1200.0))), "Status", "workloads[ranker].qps") == "met"
    tables = md_tables(render_markdown(_search(1050.0, headroom=10)))  # must carry 1,100
    assert cell(tables, "Limit", "workloads[ranker].qps") == "1,100"
    assert cell(tables, "Status", "workloads[ranker].qps") == "violated"
    assert cell(tables, "Margin", "workloads[ranker].qps") == f"{100 * (1050 - 1100) / 1100:+.1f} %"


def test_offline_capacity_within_one_percent_binds():
    result = _search(None)
    result["requirements"]["workloads"][0].update(scenario="offline", latency_ms=None)
    result["evaluation"]["workloads"][0].update(scenario="offline", capacity_ips=1009.0)
    tables = md_tables(render_markdown(result))
    assert cell(tables, "What", "workloads[ranker].qps") == "offline capacity"
    assert cell(tables, "Status", "workloads[ranker].qps") == "binding"


def test_load_plot_marks_target_sla_and_break_point():
    result = copy.deepcopy(load("search_ranking"))
    result["evaluation"]["workloads"][0]["max_qps_within_sla"] = 1005.0
    figure = next(f for f in build_report(result).figures if f.kind == "load")
    assert figure.data["target_qps"] == 1000 and figure.data["break_qps"] == 1005.0
    assert figure.data["bound_ms"] == result["requirements"]["workloads"][0]["latency_ms"]


def test_seed_measures_from_their_definitions():
    ev = load("search_ranking")["evaluation"]
    w, s = ev["workloads"][0], ev["system"]
    m = measures(ev)
    ops = 2 * w["macs_per_inference"] * w["throughput_ips"]  # 2 ops per MAC at the served rate
    assert m.sustained_tops == pytest.approx(ops / 1e12)
    assert m.peak_tops_per_w == pytest.approx(s["peak_tops"] / s["power_w"]["peak"])
    assert m.sustained_tops_per_w == pytest.approx(ops / 1e12 / s["power_w"]["average"])
    assert m.pj_per_op == pytest.approx(s["energy_mj_per_inference"] * 1e-3 / (2 * w["macs_per_inference"]) * 1e12)
    assert m.usd_per_million == pytest.approx(s["cost_per_inference_usd"] * 1e6)
    md = render_markdown(load("search_ranking"))
    amount = s["cost_per_inference_usd"] * (1e6 if s["cost_per_inference_usd"] * 1e6 >= 0.01 else 1e9)
    assert f"{amount:.4g} USD per {'million' if amount == s['cost_per_inference_usd'] * 1e6 else 'billion'}" in md
    assert "Energy per operation" in md and "pJ/op" in md


@pytest.mark.parametrize(("latency", "qps", "scenario", "expected"), [
    (50, None, "single_stream", ("Face recognition", "latency")),
    (100, 1000, "server", ("Search ranking", "both")),
    (200, 100, "server", ("Image classification", "throughput")),
    (None, 5000, "offline", ("Batch processing", "throughput")),
])
def test_application_class_follows_the_seed_qos_table(latency, qps, scenario, expected):
    assert application_class(latency, qps, scenario) == expected


def test_tuned_for():
    assert (tuned_for(1, 50), tuned_for(16, 100), tuned_for(64, None)) == ("latency", "both", "throughput")


def test_use_case_names_the_qos_class():
    tables = md_tables(render_markdown(load("search_ranking")))
    assert cell(tables, "Seed's QoS class (optimizes)", "ranker") == "Search ranking (both)"


def test_a_certificate_cut_short_says_what_is_proven_and_what_to_do():
    result = copy.deepcopy(load("search_ranking"))
    result["certificate"].update(termination="time_limit", bound=0.0, gap=1.0, seconds=30.0)
    result["status"] = "feasible"
    md = render_markdown(without_curves(result))
    assert "The search was stopped by the wall-clock limit." in md
    assert "Not proven: how good it is" in md
    assert "--time-limit 120" in md  # 4 x 30 s (the Markdown escapes its backticks: all text is plain)
    result["certificate"].update(termination="work_limit", bound=10.0, gap=0.25)
    md = render_markdown(without_curves(result))
    assert "no design in the space beats 10 W" in md and "25.00 %" in md and "max_milp_solves" in md


def test_converged_certificate_has_no_warning():
    assert "The search was stopped by" not in render_markdown(without_curves(load("search_ranking")))


def test_cost_per_inference_objective_reads_per_million():
    result = copy.deepcopy(load("search_ranking"))
    result["objective"] = {"name": "min_cost_per_inference", "value": 4.118e-10, "unit": "USD"}
    assert "0.4118 USD per billion inferences" in build_report(without_curves(result)).summary  # 4.118e-10 x 1e9
