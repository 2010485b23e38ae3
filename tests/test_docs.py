"""docs/requirements.md is generated from the schema and cannot drift from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth import docs
from synth.cost.constants import OVERRIDABLE
from synth.cost.memory import CATALOG
from synth.models import BUILTIN_MODELS
from synth.spec.design import Design, WorkloadPlan
from synth.spec.requirements import (
    Budgets,
    ConvLayer,
    DepthwiseLayer,
    GemmLayer,
    InlineMemory,
    InlineModel,
    MatmulLayer,
    Objective,
    Range,
    Requirements,
    Scenario,
    Space,
    TechnologySpec,
    VectorLayer,
    Workload,
)

PAGE = Path(__file__).resolve().parents[1] / "docs" / "requirements.md"
DESIGN_HEADING = "## The design file"


@pytest.fixture(scope="module")
def rendered() -> str:
    return docs.render_requirements_reference()


def test_page_is_the_rendered_schema(rendered):
    assert PAGE.read_text(encoding="utf-8") == rendered, \
        "docs/requirements.md is stale: run `python -m synth.docs > docs/requirements.md`"


# Key paths as a user writes them, for every model of the two files (written here, not taken
# from the renderer, so a key the renderer skipped is caught).
REQUIREMENTS_KEYS = [
    (Requirements, ""), (TechnologySpec, "technology."), (Budgets, "budgets."), (Workload, "workloads[]."),
    (Space, "space."), (Range, "space.<variable>."), (InlineMemory, "space.memories[]."),
    (InlineModel, "workloads[].model."), *[(layer, "workloads[].model.layers[].") for layer in
                                          (GemmLayer, ConvLayer, DepthwiseLayer, MatmulLayer, VectorLayer)],
]
DESIGN_KEYS = [(Design, ""), (WorkloadPlan, "workloads.<name>.")]


@pytest.mark.parametrize(("model", "prefix"), REQUIREMENTS_KEYS, ids=lambda v: getattr(v, "__name__", v))
def test_every_requirements_key_has_a_row(rendered, model, prefix):
    requirements_part = rendered.split(DESIGN_HEADING)[0]
    missing = [f for f in model.model_fields if f"| `{prefix}{f}` |" not in requirements_part]
    assert not missing, f"{model.__name__}: no row for {missing}"


@pytest.mark.parametrize(("model", "prefix"), DESIGN_KEYS, ids=lambda v: getattr(v, "__name__", v))
def test_every_design_key_has_a_row(rendered, model, prefix):
    design_part = rendered.split(DESIGN_HEADING)[1]
    missing = [f for f in model.model_fields if f"| `{prefix}{f}` |" not in design_part]
    assert not missing, f"{model.__name__}: no row for {missing}"


def test_catalogs_and_choices_are_listed(rendered):
    names = [*BUILTIN_MODELS, *CATALOG, *OVERRIDABLE, *(o.value for o in Objective), *(s.value for s in Scenario)]
    missing = [name for name in names if f"`{name}`" not in rendered]
    assert not missing


def test_every_field_carries_its_description():
    """The description of a key is written once, in its pydantic Field."""
    models = [model for model, _ in REQUIREMENTS_KEYS + DESIGN_KEYS]
    missing = [f"{m.__name__}.{name}" for m in models for name, field in m.model_fields.items()
               if not (field.description or "").strip()]
    assert not missing


def test_a_key_without_description_stops_the_rendering(monkeypatch):
    schema = Requirements.model_json_schema()
    del schema["$defs"]["Workload"]["properties"]["qps"]["description"]
    monkeypatch.setattr(Requirements, "model_json_schema", classmethod(lambda cls, *a, **k: schema))
    with pytest.raises(LookupError, match="Workload.qps"):
        docs.render_requirements_reference()


# --- docs/cost-model.md and docs/formulation.md quote constants of the code -----------------------

COST_MODEL = PAGE.with_name("cost-model.md")
FORMULATION = PAGE.with_name("formulation.md")


def _scale_sim_runs():
    import importlib.util

    path = Path(__file__).resolve().parent / "cost" / "test_systolic.py"
    spec = importlib.util.spec_from_file_location("_docs_test_systolic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SCALE_SIM_3_0_0_REPORTED


def test_cost_model_scale_sim_table_is_the_recorded_runs():
    from synth.cost.systolic import IS, OS, WS, gemm_cycles

    page = COST_MODEL.read_text(encoding="utf-8")
    for (m, k, n, rows, cols), reported in _scale_sim_runs():
        ours = " / ".join(str(int(gemm_cycles(m, k, n, rows, cols, d))) for d in (WS, OS, IS))
        row = (f"| {m} × {k} × {n} | {rows} × {cols} | {reported[WS]} | {reported[OS]} | {reported[IS]} "
               f"| {ours} |")
        assert row in page, f"docs/cost-model.md: no SCALE-Sim row {row!r}"


def test_cost_model_states_the_current_fold_formula():
    page = COST_MODEL.read_text(encoding="utf-8")
    assert "gemm_cycles = fold_count · (preload + R + C + T − 2)" in page
    assert "fails until the two agree" not in page


def _number(value) -> str:
    if isinstance(value, tuple):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:g}"


def test_formulation_quotes_the_solver_constants():
    from synth.solve import hardware, heuristic, loop, milp, options, plans, refine

    page = FORMULATION.read_text(encoding="utf-8")
    quoted = {
        "`SPLIT_WEIGHTS` = ": milp.SPLIT_WEIGHTS, "`SPLIT_RATIOS` = ": options.SPLIT_RATIOS,
        "`MAX_COMBINATIONS` = ": plans.MAX_COMBINATIONS, "`MAX_HARDWARE_POINTS` = ": hardware.MAX_HARDWARE_POINTS,
        "`MAX_TRIALS` = ": heuristic.MAX_TRIALS, "`Ties.MAX_POINTS` = ": loop.Ties.MAX_POINTS,
        "`MAX_PER_ITERATION` = ": loop.Ties.MAX_PER_ITERATION, "`DEFAULT_TRIALS` = ": refine.DEFAULT_TRIALS,
    }
    missing = [prefix + _number(value) for prefix, value in quoted.items() if prefix + _number(value) not in page]
    for key, value in milp.HIGHS_OPTIONS.items():
        text = f"`{key}` {value if isinstance(value, str) else _number(value)}"
        if text not in page:
            missing.append(text)
    assert not missing, f"docs/formulation.md does not quote {missing}"


def test_formulation_has_no_retired_terms():
    page = FORMULATION.read_text(encoding="utf-8")
    retired = ["bqs", "Verdict", "presolve_rule_off", "whole chip's SRAM", "max(1 s"]
    assert not [term for term in retired if term in page]
