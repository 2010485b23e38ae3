"""The requirements format (DESIGN.md): what the user's inference service needs.

Pydantic models at the boundary; everything is frozen after validation. `synth schema`
prints the JSON Schema generated from these classes, and docs/requirements.md is generated
from that schema.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import AfterValidator, Discriminator, Field, Tag, field_validator, model_validator

from synth.cost.constants import HOST_INTERFACES, OVERRIDABLE, PRECISIONS
from synth.cost.memory import CATALOG
from synth.spec.fields import (
    MAX_LIST,
    Dim,
    Name,
    NonNegativeFloat,
    PositiveFloat,
    Strict,
)
from synth.vocabulary import DataflowName, Objective, PrecisionName, Scenario


# --- inline layers -----------------------------------------------------------------------------
class _LayerBase(Strict):
    name: Name
    count: Annotated[int, Field(ge=1, le=1000)] = 1


class GemmLayer(_LayerBase):
    """A fully connected layer: (m x k) activations per sample times (k x n) weights."""

    type: Literal["gemm"]
    m: Dim = 1
    k: Dim
    n: Dim


class ConvLayer(_LayerBase):
    """A 2-D convolution on an h x w x c_in input (square kernel)."""

    type: Literal["conv"]
    h: Dim
    w: Dim
    c_in: Dim
    c_out: Dim
    kernel: Annotated[int, Field(ge=1, le=64)]
    stride: Annotated[int, Field(ge=1, le=64)] = 1
    padding: Annotated[int, Field(ge=0, le=64)] = 0
    groups: Annotated[int, Field(ge=1, le=100_000)] = 1

    @model_validator(mode="after")
    def _shapes(self) -> ConvLayer:
        if self.c_in % self.groups or self.c_out % self.groups:
            raise ValueError(f"groups must divide c_in and c_out, got groups={self.groups}, "
                             f"c_in={self.c_in}, c_out={self.c_out}")
        if self.h + 2 * self.padding < self.kernel or self.w + 2 * self.padding < self.kernel:
            raise ValueError(f"kernel must fit the padded input, got kernel={self.kernel} on "
                             f"{self.h}x{self.w} with padding {self.padding}")
        return self


class DepthwiseLayer(_LayerBase):
    """A depthwise convolution: one k x k filter per channel."""

    type: Literal["depthwise"]
    h: Dim
    w: Dim
    channels: Dim
    kernel: Annotated[int, Field(ge=1, le=64)]
    stride: Annotated[int, Field(ge=1, le=64)] = 1
    padding: Annotated[int, Field(ge=0, le=64)] = 0

    @model_validator(mode="after")
    def _shapes(self) -> DepthwiseLayer:
        if self.h + 2 * self.padding < self.kernel or self.w + 2 * self.padding < self.kernel:
            raise ValueError(f"kernel must fit the padded input, got kernel={self.kernel} on "
                             f"{self.h}x{self.w} with padding {self.padding}")
        return self


class MatmulLayer(_LayerBase):
    """Activation x activation products (attention QK^T, AV): per head (m x k) @ (k x n)."""

    type: Literal["matmul", "attention"]
    m: Dim
    k: Dim
    n: Dim
    heads: Annotated[int, Field(ge=1, le=1024)] = 1


class VectorLayer(_LayerBase):
    """Element-wise work on the vector unit (softmax, norms, pooling, residual adds)."""

    type: Literal["vector", "elementwise"]
    elements: Dim
    ops_per_element: Annotated[int, Field(ge=1, le=1000)] = 1
    input_elements: Annotated[int, Field(ge=0, le=10**12, description="Elements read; 0 means the same "
                                         "as `elements`.")] = 0


LayerSpec = Annotated[
    Union[GemmLayer, ConvLayer, DepthwiseLayer, MatmulLayer, VectorLayer],
    Field(discriminator="type"),
]


class InlineModel(Strict):
    """A model written out layer by layer."""

    name: Name
    layers: Annotated[list[LayerSpec], Field(min_length=1, max_length=2000)]
    extra_params: Annotated[int, Field(ge=0, le=10**12)] = 0
    accuracy_drop_pct: dict[str, NonNegativeFloat] | None = None

    @field_validator("accuracy_drop_pct")
    @classmethod
    def _known_precisions(cls, value):
        if value:
            unknown = sorted(set(value) - set(PRECISIONS))
            if unknown:
                raise ValueError(f"keys must be precisions {list(PRECISIONS)}, got {unknown}")
        return value

    @field_validator("layers")
    @classmethod
    def _unique_names(cls, layers):
        seen: set[str] = set()
        for layer in layers:
            if layer.name in seen:
                raise ValueError(f"layer names must be unique, got {layer.name!r} twice")
            seen.add(layer.name)
        return layers


class OnnxModel(Strict):
    """An ONNX file (relative paths from the requirements file's folder); `inputs` pins whole input
    shapes, `dims` symbolic dimensions by name; a symbolic batch dimension is pinned to 1."""

    onnx: Annotated[str, Field(min_length=1, max_length=4096)]
    inputs: Annotated[dict[Annotated[str, Field(max_length=256)], Annotated[list[Dim], Field(max_length=8)]],
                      Field(max_length=64)] | None = Field(None, description="Whole shapes of graph inputs by "
                                                           "name, e.g. {input: [1, 3, 224, 224]}.")
    dims: Annotated[dict[Annotated[str, Field(max_length=256)], Dim], Field(max_length=64)] | None = Field(
        None, description="Symbolic dimensions by name, e.g. {seq: 128}; a symbolic batch dimension is 1.")


def _model_kind(value) -> str:
    if isinstance(value, str):
        return "builtin"
    if isinstance(value, dict) and "onnx" in value:
        return "onnx"
    return "inline" if isinstance(value, dict) else "builtin"


ModelSpec = Annotated[
    Union[Annotated[Annotated[str, Field(min_length=1, max_length=80)], Tag("builtin")],
          Annotated[OnnxModel, Tag("onnx")], Annotated[InlineModel, Tag("inline")]],
    Discriminator(_model_kind),
]


# --- workloads -----------------------------------------------------------------------------------
class Workload(Strict):
    """One inference service with its scenario and service-level agreement."""

    name: Name
    model: ModelSpec
    scenario: Annotated[Scenario, Field(strict=False)]
    latency_ms: PositiveFloat | None = None
    percentile: Annotated[float, Field(gt=0, lt=100)] | None = None
    qps: PositiveFloat | None = None
    max_accuracy_drop_pct: NonNegativeFloat | None = None
    headroom_pct: Annotated[float, Field(ge=0, le=1000)] | None = Field(None, description=(
        "Spare capacity asked for, percent of `qps`: the design must meet the latency bound (server) "
        "or the throughput (offline) at qps x (1 + headroom_pct / 100). Energy, power and cost per "
        "inference stay at `qps`."))

    @property
    def required_qps(self) -> float | None:
        """The rate the design must carry within its SLA: `qps` raised by `headroom_pct`."""
        return None if self.qps is None else self.qps * (1 + (self.headroom_pct or 0.0) / 100)


# --- technology and budgets ------------------------------------------------------------------------
class TechnologySpec(Strict):
    node_nm: Literal[28, 16, 7, 5] = 7
    # How queries reach the accelerator (constants.HOST_INTERFACES): its preset constants are
    # merged under `overrides` (a key given in overrides wins).
    host_interface: Literal["on_soc", "pcie3_x16", "pcie4_x16", "pcie2_x1", "usb3"] = "on_soc"
    overrides: dict[str, NonNegativeFloat] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _host_preset(cls, data):
        if isinstance(data, dict) and isinstance(data.get("host_interface", "on_soc"), str):
            preset = HOST_INTERFACES.get(data.get("host_interface", "on_soc"), {})
            given = data.get("overrides") or {}
            if preset and isinstance(given, dict):
                data = {**data, "overrides": {**preset, **given}}
        return data

    @field_validator("overrides")
    @classmethod
    def _known_constants(cls, value):
        unknown = sorted(set(value) - set(OVERRIDABLE))
        if unknown:
            raise ValueError(f"keys must be cost constants (see docs/cost-model.md), got {unknown}")
        return value


class Budgets(Strict):
    """Limits for the whole accelerator unit (all its chips together)."""

    power_w: PositiveFloat | None = None  # peak (TDP) power
    average_power_w: PositiveFloat | None = None  # power at the required load (a thermal budget)
    area_mm2: PositiveFloat | None = None  # total silicon area
    unit_cost_usd: PositiveFloat | None = None


# --- design space --------------------------------------------------------------------------------
class Range(Strict):
    """A range of a design variable, expanded to a grid (see synth.spec.space)."""

    min: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)] | None = None
    max: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)] | None = None
    step: Annotated[float, Field(ge=1e-6, le=1e6, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min <= max must hold, got (min={self.min}, max={self.max})")
        return self


def _list_or_range(value) -> str:
    return "range" if isinstance(value, dict) else "list"


IntList = Annotated[list[Annotated[int, Field(ge=1, le=65536)]], Field(min_length=1, max_length=MAX_LIST)]
FloatList = Annotated[list[PositiveFloat], Field(min_length=1, max_length=MAX_LIST)]
IntChoice = Annotated[Union[Annotated[IntList, Tag("list")], Annotated[Range, Tag("range")]],
                      Discriminator(_list_or_range)]
FloatChoice = Annotated[Union[Annotated[FloatList, Tag("list")], Annotated[Range, Tag("range")]],
                        Discriminator(_list_or_range)]


class InlineMemory(Strict):
    """A memory option not in the catalog."""

    name: Name
    bandwidth_gbps: PositiveFloat
    pj_per_bit: PositiveFloat
    capacity_gib: PositiveFloat = 16.0
    phy_area_mm2: NonNegativeFloat = 0.0
    cost_usd: NonNegativeFloat = 0.0
    needs_interposer: bool = False
    background_w: NonNegativeFloat = 0.0


def _memory_kind(value) -> str:
    # A dict when validating, an InlineMemory when serializing.
    return "inline" if isinstance(value, (dict, InlineMemory)) else "catalog"


def _catalog_name(name: str) -> str:
    if name.lower() not in CATALOG:
        raise ValueError(f"must be one of {sorted(CATALOG)} or an inline entry "
                         f"{{name, bandwidth_gbps, pj_per_bit}}, got {name!r}")
    return name.lower()


MemorySpec = Annotated[
    Union[Annotated[Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_catalog_name)],
                    Tag("catalog")],
          Annotated[InlineMemory, Tag("inline")]],
    Discriminator(_memory_kind),
]


class Space(Strict):
    """The design space: each variable an explicit list or a {min, max[, step]} range."""

    array_dims: IntChoice | None = None
    array_rows: IntChoice | None = None
    array_cols: IntChoice | None = None
    cores: IntChoice | None = None
    dataflows: Annotated[list[DataflowName], Field(min_length=1, max_length=3)] | None = None
    precisions: Annotated[list[PrecisionName],
                          Field(min_length=1, max_length=5)] | None = None
    clock_ghz: FloatChoice | None = None
    sram_mib: FloatChoice | None = None
    memories: Annotated[list[MemorySpec], Field(min_length=1, max_length=32)] | None = None
    batch: IntChoice | None = None
    chips: IntChoice | None = None

    @model_validator(mode="after")
    def _array_shape(self) -> Space:
        if self.array_dims is not None and (self.array_rows is not None or self.array_cols is not None):
            raise ValueError("give either array_dims (square arrays) or array_rows/array_cols, not both")
        if (self.array_rows is None) != (self.array_cols is None):
            raise ValueError("array_rows and array_cols must be given together")
        return self


class Requirements(Strict):
    """A requirements file: what the service needs, and where to search."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    objective: Annotated[Objective, Field(strict=False)] = Objective.min_power
    technology: TechnologySpec = Field(default_factory=TechnologySpec)
    budgets: Budgets = Field(default_factory=Budgets)
    workloads: Annotated[list[Workload], Field(min_length=1, max_length=16)]
    space: Space = Field(default_factory=Space)

    @field_validator("workloads")
    @classmethod
    def _unique_workloads(cls, workloads):
        names = [w.name for w in workloads]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"workload names must be unique, got {dupes} more than once")
        return workloads

    @property
    def node_nm(self) -> int:
        return self.technology.node_nm

