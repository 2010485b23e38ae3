"""Tables of docs/requirements.md read off the code: objectives, scenarios, models, memories,
grids, PE types and the format's size limits."""

from __future__ import annotations

from synth.cost.accuracy import INT8_DROP_PCT, UNKNOWN_INT8_DROP_PCT
from synth.cost.constants import MAX_CLOCK_GHZ, OVERRIDE_RANGES, PE_SUPPORTS, technology
from synth.cost.memory import CATALOG
from synth.docs.schema import num
from synth.models import BUILTIN_MODELS
from synth.spec import fields
from synth.spec.loader import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from synth.spec.requirements import Requirements
from synth.spec.space import MAX_GRID, design_grid
from synth.vocabulary import Objective, Scenario

# How a range without `step` is gridded, per space variable (synth.spec.space.design_grid).
RANGE_KINDS = {
    "array_dims": "powers of two", "array_rows": "powers of two", "array_cols": "powers of two",
    "cores": "every integer", "clock_ghz": "0.1 GHz steps", "sram_mib": "powers of two",
    "batch": "powers of two", "chips": "every integer",
}
_OBJECTIVES = {
    Objective.min_power: "peak power (TDP) of all chips",
    Objective.min_area: "silicon area of all chips",
    Objective.min_unit_cost: "unit cost of all chips",
    Objective.min_energy_per_inference: "average power at the required load / total inference rate",
    Objective.min_cost_per_inference: "(unit cost + energy cost over the service life) / inferences "
                                      "over the service life",
    Objective.max_throughput: "the largest common scale s with every workload's capacity >= s × its qps "
                              "(1 when it has none), times the sum of the qps",
    Objective.min_latency: "the largest latency at its percentile over the workloads",
}
_SCENARIOS = {  # latency_ms, qps, what runs, batches the search tries (docs/formulation.md)
    "single_stream": ("optional", "not allowed", "one query at a time, the next issued when it completes",
                      "1"),
    "multi_stream": ("optional", "not allowed", "queries of 8 samples, issued one after the other",
                     "those of `space.batch` up to 8 (none: its smallest)"),
    "server": ("required", "required: arrival rate", "Poisson arrivals at `qps`; latency from the seeded "
               "simulator", "all of `space.batch`"),
    "offline": ("not allowed", "optional: least throughput", "all samples at once", "all of `space.batch`"),
}


def objectives() -> list[str]:
    lines = ["| objective | value | unit |", "|---|---|---|"]
    for objective in Objective:
        lines.append(f"| `{objective.value}` | {_OBJECTIVES[objective]} | {objective.unit} |")
    return lines


def scenarios() -> list[str]:
    lines = ["| scenario | default percentile | `latency_ms` | `qps` | what runs | batches `synth solve` tries |",
             "|---|---|---|---|---|---|"]
    for name, (latency, qps, text, batches) in _SCENARIOS.items():
        pct = Scenario(name).default_percentile
        lines.append(f"| `{name}` | {'–' if pct is None else f'p{pct:g}'} | {latency} | {qps} | {text} | {batches} |")
    return lines


def models() -> list[str]:
    lines = ["| name | model | parameters (M) | MACs per inference (G) | int8 accuracy drop (points) |",
             "|---|---|---|---|---|"]
    for name, build in BUILTIN_MODELS.items():
        model = build()
        drop = INT8_DROP_PCT.get(name, UNKNOWN_INT8_DROP_PCT)
        lines.append(f"| `{name}` | {model.description} | {model.params / 1e6:.2f} | {model.macs / 1e9:.3f} | "
                     f"{drop:.2f}{'' if name in INT8_DROP_PCT else ' (no published figure)'} |")
    return lines


def memories() -> list[str]:
    lines = ["| name | bandwidth_gbps | pj_per_bit | capacity_gib | phy_area_mm2 | cost_usd | needs_interposer |",
             "|---|---|---|---|---|---|---|"]
    for name, m in CATALOG.items():
        lines.append(f"| `{name}` | {num(m.bandwidth_gbps)} | {num(m.pj_per_bit)} | {num(m.capacity_gib)} | "
                     f"{num(m.phy_area_mm2)} | {num(m.cost_usd)} | {'yes' if m.needs_interposer else 'no'} |")
    return lines


def _probe(space: dict):
    req = Requirements.model_validate({"name": "probe", "space": space,
                                       "workloads": [{"name": "w", "model": "mlp0", "scenario": "offline"}]})
    return design_grid(req, technology(7), "<docs>", check_size=False)  # one axis at a time


def _values(values, unit: str = "") -> str:
    return ", ".join(num(v) for v in values) + unit


def grids() -> list[str]:
    """Per variable: how a range is gridded, its default ends and the default when omitted,
    read off design_grid itself (7 nm; the clock's upper end is the node's highest clock)."""
    default = _probe({})
    attribute = {"array_dims": "array_shapes", "array_rows": "array_shapes", "array_cols": "array_shapes"}
    lines = ["| key | range without `step` | `min` omitted | `max` omitted | key omitted |", "|---|---|---|---|---|"]
    for key, kind in RANGE_KINDS.items():
        probe = {key: {}} if key not in ("array_rows", "array_cols") else {"array_rows": {}, "array_cols": {}}
        grid = getattr(_probe(probe), attribute.get(key, key))
        if key in attribute:
            axis = 1 if key == "array_cols" else 0
            grid = sorted({shape[axis] for shape in grid})
            omitted = ("square: " + _values(sorted({s[0] for s in default.array_shapes}))
                       if key == "array_dims" else "from `array_dims`")
        elif key == "clock_ghz":
            omitted = f"{num(min(grid))} to the node's highest clock in 0.1 GHz steps"
        else:
            omitted = _values(getattr(default, key))
        high = "the node's highest clock" if key == "clock_ghz" else num(max(grid))
        lines.append(f"| `space.{key}` | {kind} | {num(min(grid))} | {high} | {omitted} |")
    lines.append(f"| `space.dataflows` | – | – | – | {_values(default.dataflows)} |")
    lines.append(f"| `space.precisions` | – | – | – | {_values(default.precisions)} |")
    lines.append("| `space.memories` | – | – | – | every catalog memory |")
    return lines


def clocks() -> str:
    return ", ".join(f"{node} nm: {num(ghz)} GHz" for node, ghz in MAX_CLOCK_GHZ.items())


def pe_table() -> list[str]:
    lines = ["| PE (`precision` / `space.precisions`) | runs workload precisions | default workload precision |",
             "|---|---|---|"]
    for pe, runs in PE_SUPPORTS.items():
        lines.append(f"| `{pe}` | {', '.join(f'`{q}`' for q in runs)} | `{runs[0]}` |")
    return lines


def overrides() -> list[str]:
    lines = ["| constant | allowed values |", "|---|---|"]
    for name, (low, high) in OVERRIDE_RANGES.items():
        lines.append(f"| `{name}` | {num(low)} to {num(high)} |")
    return lines


def limits() -> list[str]:
    """The format's size limits: every accepted file runs in bounded memory and time."""
    rows = [
        ("file size", f"{MAX_FILE_BYTES:,} bytes"),
        ("nesting depth", f"{MAX_DEPTH} levels"),
        ("values in the file (aliases expanded)", f"{MAX_NODES:,}"),
        ("aliases (`*name`)", f"{MAX_ALIASES}"),
        ("items of a `space` list", f"{fields.MAX_LIST}"),
        ("values a `space` range gives", f"{MAX_GRID:,}"),
        ("layer dimension (`m`, `k`, `n`, `h`, `w`, channels, elements)", f"{fields.MAX_DIM:,}"),
        ("operations of a model per inference (MACs and vector ops, all layers, counts included)",
         f"{fields.MAX_MODEL_OPS:.0e}"),
        ("elements of one operand of one layer (weights, inputs, outputs; times `count`)",
         f"2^40 = {fields.MAX_LAYER_ELEMENTS:,}"),
        ("batch size (`space.batch`, a design's `batch`)", f"{fields.MAX_BATCH:,}"),
        ("hardware points (array shapes × cores × dataflows × precisions × clocks × SRAM sizes × "
         "memories × chip counts)", f"{fields.MAX_HARDWARE_POINTS:,}"),
        ("hardware points × batch sizes × workloads", f"{fields.MAX_WORKLOAD_POINTS:,}"),
        ("per workload: layers × the largest per-layer table of the search (array shapes × dataflows × "
         "cores per replica × batch sizes, or batch sizes × precisions × SRAM sizes × core pairs)",
         f"{fields.MAX_TABLE_CELLS:,}"),
    ]
    return ["| what | at most |", "|---|---|"] + [f"| {what} | {limit} |" for what, limit in rows]
