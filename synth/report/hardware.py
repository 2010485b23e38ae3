"""Sections 6 and 7 of the checklist: the architecture chosen, and what it is predicted to do."""

from __future__ import annotations

from typing import Any

from synth.report import fmt
from synth.report.blocks import Figure, Paragraph, Section, Table
from synth.report.measures import measures, per_inferences
from synth.report.view import ResultView, memory_name

DATAFLOWS = {"ws": "weight stationary", "os": "output stationary", "is": "input stationary"}
BREAKDOWNS = (  # chip key, title, unit
    ("peak_power_breakdown_w", "Peak power", "W"),
    ("area_breakdown_mm2", "Area", "mm2"),
    ("cost_breakdown_usd", "Unit cost", "USD"),
)


def design_phrase(design: dict[str, Any]) -> str:
    """`1 chip × 2 cores of 128×128 int8 PEs (output stationary) at 0.8 GHz, 8 MiB SRAM, lpddr5`."""
    if not design:
        return "no design"
    chips, cores = design.get("chips", 1), design.get("cores", 1)
    flow = DATAFLOWS.get(str(design.get("dataflow")), fmt.text(design.get("dataflow")))
    return (f"{chips} chip{'s' if chips != 1 else ''} × {cores} core{'s' if cores != 1 else ''} of "
            f"{fmt.text(design.get('array_rows'))}×{fmt.text(design.get('array_cols'))} "
            f"{fmt.text(design.get('precision'))} PEs ({flow}) at {fmt.num(design.get('clock_ghz'))} GHz, "
            f"{fmt.num(design.get('sram_mib'))} MiB SRAM, {memory_name(design.get('memory'))}")


def compact_design(design: dict[str, Any]) -> str:
    """`2 × 128×128 int8 os, 0.8 GHz, 8 MiB, lpddr5` (cores × array; chips first when more than one)."""
    if not design:
        return fmt.MISSING
    chips = design.get("chips", 1)
    return (f"{f'{chips} chips × ' if chips not in (1, None) else ''}{fmt.text(design.get('cores'))} × "
            f"{fmt.text(design.get('array_rows'))}×{fmt.text(design.get('array_cols'))} "
            f"{fmt.text(design.get('precision'))} {fmt.text(design.get('dataflow'))}, "
            f"{fmt.num(design.get('clock_ghz'))} GHz, {fmt.num(design.get('sram_mib'))} MiB, "
            f"{memory_name(design.get('memory'))}")


def architecture_section(view: ResultView) -> Section:
    d, chip, system = view.design, view.chip, view.system
    if not d:
        return Section("architecture", "6. Architecture", (Paragraph("No design was found.", tone="note"),))
    flow = str(d.get("dataflow"))
    rows = [
        ("Systolic array (rows × columns)", f"{fmt.text(d.get('array_rows'))} × {fmt.text(d.get('array_cols'))}"),
        ("Cores per chip", fmt.text(d.get("cores"))),
        ("Dataflow", f"{DATAFLOWS.get(flow, flow)} ({flow})"),
        ("PE precision", fmt.text(d.get("precision"))),
        ("Clock", fmt.unit(d.get("clock_ghz"), "GHz")),
        ("Supply voltage", fmt.unit(d.get("voltage_v", chip.get("voltage_v")), "V")),
        ("On-chip SRAM", fmt.unit(d.get("sram_mib"), "MiB")),
        ("Off-chip memory", memory_name(d.get("memory"))),
        ("Chips", fmt.text(d.get("chips"))),
        ("Peak TOPS per chip", fmt.num(chip.get("peak_tops"))),
        ("Peak TOPS, all chips", fmt.num(system.get("peak_tops"))),
        ("Dies per wafer", fmt.num(chip.get("dies_per_wafer"))),
        ("Die yield", fmt.pct(chip.get("yield_fraction"))),
    ]
    return Section("architecture", "6. Architecture", (
        Table(("Choice", "Value"), tuple(rows)),
        Paragraph("Peak TOPS counts two operations per MAC on every PE of every core at the clock above; "
                  "sustained throughput on the models is in sections 3 and 7.", tone="note")))


def cost_text(usd_per_inference: Any) -> str:
    """`0.4118 USD per billion inferences` (see measures.per_inferences)."""
    amount, per = per_inferences(fmt.finite(usd_per_inference))
    return fmt.MISSING if amount is None else f"{fmt.num(amount)} {per}"


def key_figures(view: ResultView) -> list[tuple[str, str]]:
    s = view.system
    power = s.get("power_w") or {}
    return [
        ("Peak power (TDP)", fmt.unit(power.get("peak"), "W")),
        ("Average power at the required load", fmt.unit(power.get("average"), "W")),
        ("Silicon area", fmt.unit(s.get("area_mm2"), "mm2")),
        ("Unit cost", fmt.unit(s.get("unit_cost_usd"), "USD")),
        ("Energy per inference", fmt.unit(s.get("energy_mj_per_inference"), "mJ")),
        ("Cost per inference", cost_text(s.get("cost_per_inference_usd"))),
        ("Throughput at the required load", fmt.unit(s.get("throughput_ips"), "inferences/s")),
    ]


def seed_measures_table(view: ResultView) -> Table:
    """The seed's measures: peak vs sustained, latency percentiles, TOPS/W, energy per op, $/inference."""
    m = measures(view.evaluation)
    rows = [("Peak TOPS (hardware capability)", fmt.num(m.peak_tops)),
            ("Sustained TOPS on the models at the required load", f"{fmt.num(m.sustained_tops)} "
             f"({fmt.pct(m.sustained_share)} of peak)"),
            ("Peak TOPS/W (peak TOPS / peak power)", fmt.num(m.peak_tops_per_w)),
            ("Sustained TOPS/W (sustained TOPS / average power)", fmt.num(m.sustained_tops_per_w)),
            ("Energy per operation", fmt.unit(m.pj_per_op, "pJ/op")),
            ("Energy per inference", fmt.unit(m.energy_mj_per_inference, "mJ")),
            ("Cost per inference", cost_text(view.system.get("cost_per_inference_usd")))]
    for w in view.workloads:
        lat = w.get("latency_ms") or {}
        rows.append((f"{w.get('name')}: latency p50 / p90 / p99",
                     f"{fmt.num(lat.get('p50'))} / {fmt.num(lat.get('p90'))} / {fmt.num(lat.get('p99'))} ms"))
    return Table(("The seed's measures", "Value"), tuple(rows),
                 caption="One operation is one multiply or one add (2 per MAC). Energy and cost per inference "
                         "include static power over the service life at the required load.")


def benchmark_section(view: ResultView) -> Section:
    if not view.evaluation:
        return Section("benchmark", "7. Benchmark: predicted performance",
                       (Paragraph("No design, so nothing to predict.", tone="note"),))
    chips = fmt.finite(view.system.get("chips")) or 1
    blocks: list = [Table(("Figure (whole system)", "Value"), tuple(key_figures(view)),
                          caption="Predicted by the exact cost model and serving simulator."),
                    seed_measures_table(view)]
    bars = {}
    for key, title, unit_name in BREAKDOWNS:
        parts = {str(k): v for k, v in (view.chip.get(key) or {}).items() if fmt.finite(v) is not None}
        if not parts:
            continue
        total = sum(fmt.finite(v) for v in parts.values())
        rows = tuple((k, fmt.num(v), fmt.pct(fmt.finite(v) / total if total else None)) for k, v in parts.items())
        rows += (("total", fmt.num(total), fmt.pct(1.0 if total else None)),)
        blocks.append(Table(("Component", f"{title} per chip ({unit_name})", "Share"), rows,
                            caption=f"{title} breakdown, one chip."))
        bars[title] = {"unit": unit_name, "parts": {k: fmt.finite(v) for k, v in parts.items()}}
    if chips > 1:
        blocks.append(Paragraph(f"Breakdowns are per chip; the system has {fmt.integer(chips)} chips.", tone="note"))
    if bars:
        blocks.append(Figure("breakdown", "Where the power, area and money go (one chip)",
                             "Peak power, area and unit cost of one chip by component.", "breakdown",
                             {"panels": bars}))
    return Section("benchmark", "7. Benchmark: predicted performance", tuple(blocks))
