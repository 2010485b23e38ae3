"""The report's content, built once from a result mapping: header, then the seed's design
checklist (use case, latency, throughput, model, batching, architecture, benchmark), then the
evidence (requirements, certificate, refinement, alternatives, sensitivity, Pareto, relaxation).

Markdown and HTML both render the Report built here, so they print the same numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from synth.report import fmt
from synth.report.blocks import Figure, Paragraph, Report, Section, Table
from synth.report.checks import Check, required_rate, requirement_checks
from synth.report.evidence import evidence_sections, relaxation_section
from synth.report.hardware import architecture_section, benchmark_section, design_phrase
from synth.report.measures import application_class, per_inferences, tuned_for
from synth.report.view import ResultView, model_name

SCENARIOS = {
    "single_stream": ("real-time", "one query at a time; latency at p90 (MLPerf SingleStream)"),
    "multi_stream": ("real-time", "8 samples per query; latency at p99 (MLPerf MultiStream)"),
    "server": ("datacenter", "Poisson arrivals at the target rate; latency at p99 (MLPerf Server)"),
    "offline": ("datacenter", "all samples at once; throughput (MLPerf Offline)"),
}
NO_DESIGN = Paragraph("No design was found: only the requirements are shown.", tone="note")
STATUS_TEXT = {
    "optimal": "Optimal: proven best in the search space, within the certificate's gap",
    "feasible": "Feasible: meets every requirement, optimality not proven",
    "infeasible": "Infeasible: proven that no design in the search space meets every requirement",
    "unknown": "Unknown: the search stopped with no feasible design and no proof",
}


def build_report(result: Mapping[str, Any]) -> Report:
    """The whole report as frozen blocks; reads only the mapping (result.json)."""
    view = ResultView(result)
    checks = requirement_checks(view)
    sections = [
        use_case_section(view),
        latency_section(view, checks),
        throughput_section(view),
        model_section(view),
        batching_section(view),
        architecture_section(view),
        benchmark_section(view),
        *evidence_sections(view, checks),
    ]
    relaxation = relaxation_section(view)
    if relaxation is not None:  # infeasible: what would fit comes first
        sections.insert(0, relaxation)
    name = view.requirements.get("name")
    return Report(title=f"synth report: {name}" if name else "synth report", status=view.status,
                  status_text=STATUS_TEXT.get(view.status, view.status), summary=summary(view, checks),
                  meta=meta(view), sections=tuple(sections))


def summary(view: ResultView, checks: list[Check]) -> str:
    if not view.evaluation:
        first = next((r for r in view.optional_list("relaxation") if r.get("message")), None)
        tail = f" Smallest single change found: {first['message']}." if first else ""
        if view.status == "infeasible":
            return "No design in the search space meets every requirement; see what each conflicting " \
                   "requirement would need below." + tail
        return "No design to report: the search found neither a feasible design nor a proof of infeasibility." + tail
    words, _ = view.objective_words()
    value = fmt.unit(view.objective.get("value"), view.objective_unit)
    if view.objective_name == "min_cost_per_inference" and fmt.finite(view.objective.get("value")) is not None:
        amount, per = per_inferences(fmt.finite(view.objective["value"]))
        value = f"{fmt.num(amount)} {per}"
    text = f"{words[0].upper()}{words[1:]}: {value}, with {design_phrase(view.design)}."
    if checks:
        violated = [c.requirement for c in checks if c.verdict == "violated"]
        binding = [f"{c.requirement} ({c.meaning} {fmt.num(c.value)} against {fmt.num(c.limit)} {c.unit})"
                   for c in checks if c.verdict == "binding"]
        text += f" {len(checks) - len(violated)} of {len(checks)} requirements met"
        text += f"; binding (margin under 1 %): {'; '.join(binding)}." if binding \
            else "; none binds (all margins ≥ 1 %)."
        if violated:
            text += f" Violated: {', '.join(violated)}."
    else:
        count = len(view.evaluation.get("violations") or [])
        text += " No requirement violated." if count == 0 else f" {count} requirement(s) violated."
    return text


def meta(view: ResultView) -> str:
    parts = [f"method {view.raw.get('method') or view.certificate.get('method') or fmt.MISSING}",
             f"seed {fmt.text(view.raw.get('seed'))}"]
    if fmt.finite(view.raw.get("design_points")):
        parts.append(f"{fmt.integer(view.raw['design_points'])} design points in the space")
    if fmt.finite(view.certificate.get("seconds")):
        parts.append(f"solved in {fmt.seconds(view.certificate['seconds'])}")
    return " · ".join(parts)


def use_case_section(view: ResultView) -> Section:
    names = view.workload_names()
    kinds = {SCENARIOS.get(view.scenario(n), ("other", ""))[0] for n in names}
    if kinds == {"real-time"}:
        use = "real-time (mobile / edge style: small batches, latency first)"
    elif kinds == {"datacenter"}:
        use = "datacenter (batched serving, throughput and tail latency)"
    else:
        use = "both (real-time and datacenter workloads share the same hardware)"
    words, _ = view.objective_words()
    node = (view.requirements.get("technology") or {}).get("node_nm")
    budgets = {k: v for k, v in (view.requirements.get("budgets") or {}).items() if v is not None}
    budget_text = ", ".join(f"{k} ≤ {fmt.num(v)}" for k, v in budgets.items()) or "none"
    lines = [f"Use case: {use}.", f"Objective: {words} ({view.objective_name}).",
             f"Technology node: {f'{node} nm' if node else 'not recorded'}.", f"Budgets: {budget_text}."]
    rows = []
    for n in names:
        req, pred = view.required(n), view.predicted(n)
        scenario = view.scenario(n)
        p = view.percentile(n)
        bound = f"p{p:g} ≤ {fmt.num(req['latency_ms'])} ms" if req.get("latency_ms") is not None and p else fmt.MISSING
        application, optimizes = application_class(fmt.finite(req.get("latency_ms")), fmt.finite(req.get("qps")),
                                                   scenario)
        tuned = tuned_for(pred.get("batch"), fmt.finite(req.get("latency_ms"))) if pred else fmt.MISSING
        rows.append((n, model_name(req.get("model") or pred.get("model")), scenario or fmt.MISSING,
                     SCENARIOS.get(scenario, ("", fmt.MISSING))[1], bound, fmt.num(req.get("qps")),
                     f"{application} ({optimizes})", tuned))
    blocks = [Paragraph(" ".join(lines)),
              Table(("Workload", "Model", "Scenario", "What it measures", "Latency SLA", "Target rate (inf/s)",
                     "Seed's QoS class (optimizes)", "Design tuned for"), tuple(rows),
                    caption="QoS class: the row of the seed's QoS table the SLA and rate fall in (face "
                            "recognition < 50 ms real-time: latency; search ranking < 100 ms at 1000+ qps: both; "
                            "image classification < 200 ms at 100+/s: throughput; batch processing, no SLA: "
                            "throughput). Tuned for: batch 1 is latency, a larger batch under an SLA both, "
                            "a larger batch with no SLA throughput.")]
    if not view.has_requirements:
        blocks.append(Paragraph("result.json carries no requirements; bounds and targets are unknown here.",
                                tone="note"))
    return Section("use-case", "1. Use case", tuple(blocks))


def latency_section(view: ResultView, checks: list[Check]) -> Section:
    by_key = {c.requirement: c for c in checks}
    rows, marks, notes = [], [], []
    for n in view.workload_names():
        pred, req = view.predicted(n), view.required(n)
        lat = pred.get("latency_ms") or {}
        check = by_key.get(f"workloads[{n}].latency_ms")
        p = view.percentile(n)
        rows.append((n, f"p{p:g}" if p else fmt.MISSING, fmt.num(req.get("latency_ms")), fmt.num(lat.get("p50")),
                     fmt.num(lat.get("p90")), fmt.num(lat.get("p99")), fmt.num(pred.get("latency_at_percentile_ms")),
                     fmt.signed_pct(check.slack) if check else fmt.MISSING,
                     check.verdict if check else fmt.MISSING, fmt.text(pred.get("latency_method"))))
        marks.append(check.verdict if check and check.verdict in ("binding", "violated") else "")
        sim = pred.get("simulation")
        if isinstance(sim, dict):
            ci = sim.get("percentile_ci_ms") or [None, None]
            notes.append(f"{n}: simulated {fmt.integer(sim.get('queries'))} queries "
                         f"(seed {fmt.text(sim.get('seed'))}); 95 % confidence interval of the "
                         f"p{_pct_label(p)} latency {fmt.num(ci[0])}–{fmt.num(ci[-1])} ms; "
                         f"verdict: {fmt.text(sim.get('sla_verdict'))}.")
    blocks = [Table(("Workload", "Percentile", "Bound (ms)", "p50 (ms)", "p90 (ms)", "p99 (ms)",
                     "At percentile (ms)", "Margin", "Status", "Method"), tuple(rows), marks=tuple(marks)),
              Paragraph("Margin is (bound − predicted) / bound at the scenario's percentile; a requirement "
                        "binds when its margin is under 1 %. Exact latencies are deterministic; server "
                        "latencies come from the seeded discrete-event simulator.", tone="note")]
    blocks += [Paragraph(t) for t in notes]
    if not view.workloads:
        blocks.insert(0, NO_DESIGN)
    return Section("latency", "2. Latency SLA", tuple(blocks))


def throughput_section(view: ResultView) -> Section:
    rows, figures = [], []
    for n in view.workload_names():
        pred, req = view.predicted(n), view.required(n)
        target, capacity = fmt.finite(req.get("qps")), fmt.finite(pred.get("capacity_ips"))
        edge = fmt.finite(pred.get("max_qps_within_sla"))
        within = edge if view.scenario(n) == "server" and edge is not None else capacity
        headroom = within / target - 1 if target and within is not None else None
        rows.append((n, view.scenario(n) or fmt.MISSING, fmt.num(target), fmt.pct_value(req.get("headroom_pct"), 0)
                     if req.get("headroom_pct") else fmt.MISSING, fmt.num(pred.get("throughput_ips")),
                     fmt.num(capacity), fmt.num(edge), fmt.signed_pct(headroom), fmt.pct(pred.get("utilization"))))
        load = [p for p in view.curves(n).get("load") or [] if isinstance(p, dict)]
        if load:
            figures.append(Figure(f"load-{_slug(n)}", f"{n}: tail latency against offered load",
                                  f"p50 and p{_pct_label(view.percentile(n))} latency of {n} as the arrival rate "
                                  f"rises past the target to where the SLA breaks, up to 99 % of capacity "
                                  f"(batch {fmt.text(pred.get('batch'))}); the lines mark the SLA, the target "
                                  "rate and the highest load within the SLA.", "load",
                                  {"points": load, "bound_ms": fmt.finite(req.get("latency_ms")), "target_qps": target,
                                   "required_qps": required_rate(req), "break_qps": edge,
                                   "percentile": view.percentile(n)}))
    blocks: list = [Table(("Workload", "Scenario", "Target (inf/s)", "Headroom asked", "Achieved (inf/s)",
                           "Capacity (inf/s)", "Max QPS within SLA", "Headroom", "Utilization"), tuple(rows),
                          caption="Headroom: how much more traffic than the target the design carries within its "
                                  "SLA (server: the highest load within the SLA, found with the simulator; offline: "
                                  "capacity). Under 1 % above the rate asked for, throughput binds.")]
    total = fmt.finite(view.system.get("throughput_ips"))
    if total is not None:
        blocks.append(Paragraph(f"The whole system serves {fmt.num(total)} inferences/s at the required load. "
                                "Capacity is what the replicas deliver running full batches back to back; "
                                "utilization is useful MACs over peak MACs of the workload's replicas."))
    if not view.workloads:
        blocks.insert(0, NO_DESIGN)
    return Section("throughput", "3. Throughput target", tuple(blocks + figures))


def model_section(view: ResultView) -> Section:
    rows = []
    for n in view.workload_names():
        pred, req = view.predicted(n), view.required(n)
        rows.append((n, model_name(req.get("model") or pred.get("model")), fmt.giga(pred.get("macs_per_inference")),
                     fmt.num(pred.get("weight_mib")), fmt.text(pred.get("precision")),
                     fmt.num(pred.get("accuracy_drop_pct"), 3), fmt.num(req.get("max_accuracy_drop_pct"), 3),
                     fmt.pct(_memory_bound_share(pred.get("layers")))))
    return Section("model", "4. Model", (*((NO_DESIGN,) if not view.workloads else ()),
        Table(("Workload", "Model", "MACs per inference", "Weights (MiB)", "Precision", "Accuracy drop (%)",
               "Drop limit (%)", "Memory-bound time"), tuple(rows)),
        Paragraph("Accuracy drop is the published quantization loss for the model at the precision used; "
                  "memory-bound time is the share of layer time limited by DRAM traffic rather than compute.",
                  tone="note")))


def batching_section(view: ResultView) -> Section:
    if not view.workloads:
        return Section("batching", "5. Batching plan", (Paragraph("No design, so no batching plan.", tone="note"),))
    rows, figures = [], []
    for w in view.workloads:
        n = str(w.get("name"))
        sim = w.get("simulation") if isinstance(w.get("simulation"), dict) else {}
        rows.append((n, fmt.text(w.get("batch")), fmt.num(w.get("batch_timeout_ms")), fmt.text(w.get("replicas")),
                     fmt.text(w.get("cores_per_replica")), fmt.num(w.get("service_ms")),
                     fmt.num(sim.get("mean_batch"), 3), fmt.pct(sim.get("replica_busy_fraction"))))
        points = [p for p in view.curves(n).get("batch") or [] if isinstance(p, dict)]
        if points:
            figures.append(_batch_table(n, w, points))
            figures.append(Figure(f"batch-{_slug(n)}", f"{n}: latency and throughput against batch size",
                                  f"Left: time to serve one full batch and, under the target load, the p50 and "
                                  f"p99 latency (batches whose capacity is below the load are unstable and not "
                                  f"drawn). Right: capacity of all replicas. The chosen batch is "
                                  f"{fmt.text(w.get('batch'))}.", "batch",
                                  {"points": points, "chosen_batch": w.get("batch"),
                                   "bound_ms": fmt.finite(view.required(n).get("latency_ms")),
                                   "target_qps": fmt.finite(view.required(n).get("qps"))}))
    return Section("batching", "5. Batching plan", (
        Table(("Workload", "Batch", "Timeout (ms)", "Replicas", "Cores per replica", "Service per batch (ms)",
               "Mean batch (simulated)", "Replica busy"), tuple(rows)),
        Paragraph("Dynamic batching collects up to a batch of queries or waits at most the timeout, then runs "
                  "them together: larger batches amortise weight traffic and raise throughput, but every query "
                  "waits for the batch and for its longer service time.", tone="note"),
        *figures))


def _batch_table(name: str, plan: dict, points: list[dict]) -> Table:
    """The seed's batch-size table for this design: one full batch's latency, the throughput and
    utilization of full batches, and the latency under the target load, at each batch size."""
    rows = tuple((fmt.text(p.get("batch")), fmt.num(p.get("service_ms")), fmt.num(p.get("capacity_ips")),
                  fmt.pct(p.get("utilization")), fmt.num(p.get("p50_ms")), fmt.num(p.get("p99_ms")))
                 for p in points)
    marks = tuple("chosen" if p.get("batch") == plan.get("batch") else "" for p in points)
    return Table(("Batch", "Full batch (ms)", "Throughput, full batches (inf/s)", "Utilization, full batches",
                  "p50 at the target (ms)", "p99 at the target (ms)"), rows, marks=marks,
                 caption=f"{name}: the seed's batch trade-off on this design (everything else fixed). inf: "
                         "that batch cannot carry the target load; a dash: no target load. One simulation per "
                         "batch, so the chosen row's p99 can differ slightly from section 2's, whose run grows "
                         "until its confidence interval decides the SLA.")


def _memory_bound_share(layers: Any) -> float | None:
    if not isinstance(layers, list) or not layers:
        return None
    total = memory = 0.0
    for layer in layers:
        if not isinstance(layer, dict):
            continue
        t = (fmt.finite(layer.get("time_us")) or 0.0) * (fmt.finite(layer.get("count")) or 1.0)
        total += t
        memory += t if layer.get("bound") == "memory" else 0.0
    return memory / total if total > 0 else None


def _pct_label(p: float | None) -> str:
    return f"{p:g}" if p else "99"


def _slug(name: str) -> str:
    """A file-name stem for a workload: its name when that is safe, else a cleaned name plus a
    hash of the name, so two names never share a file (`img.v1` and `img_v1`)."""
    slug = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in name)[:60]
    if slug == name:
        return slug
    return f"{slug or 'workload'}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"
