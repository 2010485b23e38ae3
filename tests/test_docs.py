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
    Budgets, ConvLayer, DepthwiseLayer, GemmLayer, InlineMemory, InlineModel, MatmulLayer, Objective, Range,
    Requirements, ScenarioName, Space, TechnologySpec, VectorLayer, Workload,
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
    names = [*BUILTIN_MODELS, *CATALOG, *OVERRIDABLE, *(o.value for o in Objective), *(s.value for s in ScenarioName)]
    missing = [name for name in names if f"`{name}`" not in rendered]
    assert not missing


def test_notes_name_existing_fields_only():
    fields = {f"{name}.{field}" for name, found in docs.schema_fields().items() for field in found}
    assert not set(docs.field_notes()) - fields


def test_a_key_without_description_stops_the_rendering(monkeypatch):
    notes = docs.field_notes()
    del notes["Workload.qps"]
    monkeypatch.setattr(docs, "field_notes", lambda: notes)
    with pytest.raises(LookupError, match="Workload.qps"):
        docs.render_requirements_reference()
