"""The requirements format (DESIGN.md): what the user's inference service needs.

Pydantic models at the boundary; everything is frozen after validation. What each key means is
written once, in its `Field(description=...)`: `synth schema` prints the JSON Schema generated
from these classes, and docs/requirements.md is generated from that schema (synth.docs).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, Discriminator, Field, Tag, field_validator, model_validator

from synth.cost.accuracy import DROP_FACTOR, UNKNOWN_INT8_DROP_PCT
from synth.cost.constants import HOST_INTERFACES, PRECISIONS
from synth.cost.memory import CATALOG
from synth.spec.fields import (
    MAX_LIST,
    AreaMm2,
    BudgetFloat,
    Dim,
    EnergyPjPerBit,
    LatencyMs,
    Magnitude,
    Name,
    Percent,
    PriceUsd,
    Rate,
    Strict,
)
from synth.vocabulary import DataflowName, Objective, PrecisionName, Scenario


# --- inline layers -----------------------------------------------------------------------------
class _LayerBase(Strict):
    name: Name = Field(description='Layer name, unique within the model.')
    count: Annotated[int, Field(ge=1, le=1000)] = Field(1, description=(
        "How many identical layers in a row (e.g. transformer blocks)."))


class GemmLayer(_LayerBase):
    """A fully connected layer: (m x k) activations per sample times (k x n) weights."""

    type: Literal["gemm"] = Field(description='`gemm`: a fully connected layer.')
    m: Dim = Field(1, description='Activation rows per sample (tokens); a batch of B gives B·m rows.')
    k: Dim = Field(description='Input features.')
    n: Dim = Field(description='Output features.')


class ConvLayer(_LayerBase):
    """A 2-D convolution on an h x w x c_in input (square kernel)."""

    type: Literal["conv"] = Field(description='`conv`: a 2-D convolution.')
    h: Dim = Field(description='Input height.')
    w: Dim = Field(description='Input width.')
    c_in: Dim = Field(description='Input channels.')
    c_out: Dim = Field(description='Output channels.')
    kernel: Annotated[int, Field(ge=1, le=64)] = Field(description='Kernel height and width (square).')
    stride: Annotated[int, Field(ge=1, le=64)] = Field(1, description='Stride.')
    padding: Annotated[int, Field(ge=0, le=64)] = Field(0, description='Zero padding on each side.')
    groups: Annotated[int, Field(ge=1, le=100_000)] = Field(1, description=(
        "Channel groups; must divide c_in and c_out."))

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

    type: Literal["depthwise"] = Field(description='`depthwise`: one k × k filter per channel.')
    h: Dim = Field(description='Input height.')
    w: Dim = Field(description='Input width.')
    channels: Dim = Field(description='Input and output channels.')
    kernel: Annotated[int, Field(ge=1, le=64)] = Field(description='Kernel height and width (square).')
    stride: Annotated[int, Field(ge=1, le=64)] = Field(1, description='Stride.')
    padding: Annotated[int, Field(ge=0, le=64)] = Field(0, description='Zero padding on each side.')

    @model_validator(mode="after")
    def _shapes(self) -> DepthwiseLayer:
        if self.h + 2 * self.padding < self.kernel or self.w + 2 * self.padding < self.kernel:
            raise ValueError(f"kernel must fit the padded input, got kernel={self.kernel} on "
                             f"{self.h}x{self.w} with padding {self.padding}")
        return self


class MatmulLayer(_LayerBase):
    """Activation x activation products (attention QK^T, AV): per head (m x k) @ (k x n)."""

    type: Literal["matmul", "attention"] = Field(description=(
        "`matmul` (or its alias `attention`): both operands are activations."))
    m: Dim = Field(description='Rows of the left operand, per head.')
    k: Dim = Field(description='Inner dimension, per head.')
    n: Dim = Field(description='Columns of the right operand, per head.')
    heads: Annotated[int, Field(ge=1, le=1024)] = Field(1, description=(
        "Independent products (attention heads)."))


class VectorLayer(_LayerBase):
    """Element-wise work on the vector unit (softmax, norms, pooling, residual adds)."""

    type: Literal["vector", "elementwise"] = Field(description=(
        "`vector` (or its alias `elementwise`): work on the vector unit."))
    elements: Dim = Field(description='Output elements per sample.')
    ops_per_element: Annotated[int, Field(ge=1, le=1000)] = Field(1, description=(
        "Operations per output element."))
    input_elements: Annotated[int, Field(ge=0, le=10**12)] = Field(0, description=(
        "Elements read per sample; 0 means the same as `elements`."))


LayerSpec = Annotated[
    Union[GemmLayer, ConvLayer, DepthwiseLayer, MatmulLayer, VectorLayer],
    Field(discriminator="type"),
]


class InlineModel(Strict):
    """A model written out layer by layer."""

    name: Name = Field(description='Name of the model.')
    layers: Annotated[list[LayerSpec], Field(min_length=1, max_length=2000)] = Field(description=(
        "The layers in execution order (one of the layer types below, chosen by `type`)."))
    extra_params: Annotated[int, Field(ge=0, le=10**12)] = Field(0, description=(
        "Stored parameters that are not GEMM weights (biases, norms, embeddings): they count for "
        "residency and DRAM capacity."))
    accuracy_drop_pct: dict[str, Percent] | None = Field(None, description=(
        "Points lost per workload precision, e.g. `{int8: 0.8}`. A precision not given follows the int8 "
        "figure (times " + ", ".join(f"{k} {v:g}" for k, v in DROP_FACTOR.items())
        + f"); with no int8 figure, int8 loses {UNKNOWN_INT8_DROP_PCT:g}."))

    @field_validator("accuracy_drop_pct")
    @classmethod
    def _known_precisions(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value:
            unknown = sorted(set(value) - set(PRECISIONS))
            if unknown:
                raise ValueError(f"keys must be precisions {list(PRECISIONS)}, got {unknown}")
        return value

    @field_validator("layers")
    @classmethod
    def _unique_names(cls, layers: list[LayerSpec]) -> list[LayerSpec]:
        seen: set[str] = set()
        for layer in layers:
            if layer.name in seen:
                raise ValueError(f"layer names must be unique, got {layer.name!r} twice")
            seen.add(layer.name)
        return layers


class OnnxModel(Strict):
    """An ONNX file (relative paths from the requirements file's folder); `inputs` pins whole input
    shapes, `dims` symbolic dimensions by name; a symbolic batch dimension is pinned to 1."""

    onnx: Annotated[str, Field(min_length=1, max_length=4096)] = Field(description=(
        "Path of an ONNX file (relative to the requirements file), imported with the `onnx` package "
        "(docs/interop.md)."))
    inputs: Annotated[dict[Annotated[str, Field(max_length=256)], Annotated[list[Dim], Field(max_length=8)]],
                      Field(max_length=64)] | None = Field(None, description="Whole shapes of graph inputs by "
                                                           "name, e.g. {input: [1, 3, 224, 224]}.")
    dims: Annotated[dict[Annotated[str, Field(max_length=256)], Dim], Field(max_length=64)] | None = Field(
        None, description="Symbolic dimensions by name, e.g. {seq: 128}; a symbolic batch dimension is 1.")


def _model_kind(value: Any) -> str:
    # A dict when validating a file; a model instance when an object is validated again.
    if isinstance(value, str):
        return "builtin"
    if isinstance(value, OnnxModel) or (isinstance(value, dict) and "onnx" in value):
        return "onnx"
    return "inline" if isinstance(value, (dict, InlineModel)) else "builtin"


ModelSpec = Annotated[
    Union[Annotated[Annotated[str, Field(min_length=1, max_length=80)], Tag("builtin")],
          Annotated[OnnxModel, Tag("onnx")], Annotated[InlineModel, Tag("inline")]],
    Discriminator(_model_kind),
]


# --- workloads -----------------------------------------------------------------------------------
class Workload(Strict):
    """One inference service with its scenario and service-level agreement."""

    name: Name = Field(description='Name of the workload; the key of its plan in the design file.')
    model: ModelSpec = Field(description=(
        "The model: a built-in model name, `{onnx: path}` or an inline `{name, layers}` model "
        "(see *Models*)."))
    scenario: Annotated[Scenario, Field(strict=False)] = Field(description=(
        "MLPerf Inference scenario (see *Scenarios*)."))
    latency_ms: LatencyMs | None = Field(None, description=(
        "Latency bound, ms, at the workload's percentile. Required for server, not allowed for "
        "offline."))
    percentile: Annotated[float, Field(gt=0, lt=100)] | None = Field(None, description=(
        "Percentile the latency bound applies to; default by scenario (see *Scenarios*)."))
    qps: Rate | None = Field(None, description=(
        "server: Poisson arrival rate (required); offline: the least throughput, inferences/s. "
        "Not allowed for single_stream and multi_stream."))
    max_accuracy_drop_pct: Percent | None = Field(None, description=(
        "Largest accuracy loss allowed, percentage points against fp32: only precisions within it"
        " are candidates."))
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
    node_nm: Literal[28, 16, 7, 5] = Field(7, description=(
        "Process node, nm: sets the per-node constants (docs/cost-model.md §10.2) and the highest"
        " clock."))
    host_interface: Literal["on_soc", "pcie3_x16", "pcie4_x16", "pcie2_x1", "usb3"] = Field("on_soc", description=(
        "How queries reach the accelerator: its link bandwidth, latency, energy, PHY and runtime cost "
        "(docs/cost-model.md); the preset's constants are merged under `overrides` (a key given there wins)."))
    overrides: dict[str, float] = Field(default_factory=dict, description=(
        "Cost-model constants to replace, `name: value` (names in *Overridable constants*)."))

    # Names, ranges and ordered pairs are checked per key by synth.spec.checks.

    @model_validator(mode="before")
    @classmethod
    def _host_preset(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("host_interface", "on_soc"), str):
            preset = HOST_INTERFACES.get(data.get("host_interface", "on_soc"), {})
            given = data.get("overrides") or {}
            if preset and isinstance(given, dict):
                data = {**data, "overrides": {**preset, **given}}
        return data


class Budgets(Strict):
    """Limits for the whole accelerator unit (all its chips together)."""

    power_w: BudgetFloat | None = Field(None, description=(
        "Peak power (TDP) of all chips together, W."))  # peak (TDP) power
    average_power_w: BudgetFloat | None = Field(None, description=(
        "Power at the required load of all chips together, W: idle floor plus every workload's dynamic "
        "power at its rate (a phone's thermal budget)."))
    area_mm2: BudgetFloat | None = Field(None, description=(
        "Silicon area of all chips together, mm²."))  # total silicon area
    unit_cost_usd: BudgetFloat | None = Field(None, description=(
        "Unit cost of all chips together (dies, memory, package), USD."))


# --- design space --------------------------------------------------------------------------------
class Range(Strict):
    """A range of a design variable, expanded to a grid (see synth.spec.space)."""

    min: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)] | None = Field(None, description=(
        "Lowest value (default per variable, see *Grids*)."))
    max: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)] | None = Field(None, description=(
        "Highest value (default per variable, see *Grids*)."))
    step: Annotated[float, Field(ge=1e-6, le=1e6, allow_inf_nan=False)] | None = Field(None, description=(
        "Grid spacing: min, min + step, … and max. Without it, see *Grids*."))

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min <= max must hold, got (min={self.min}, max={self.max})")
        return self


def _list_or_range(value: Any) -> str:
    return "range" if isinstance(value, (dict, Range)) else "list"


IntList = Annotated[list[Annotated[int, Field(ge=1, le=65536)]], Field(min_length=1, max_length=MAX_LIST)]
FloatList = Annotated[list[Magnitude], Field(min_length=1, max_length=MAX_LIST)]
IntChoice = Annotated[Union[Annotated[IntList, Tag("list")], Annotated[Range, Tag("range")]],
                      Discriminator(_list_or_range)]
FloatChoice = Annotated[Union[Annotated[FloatList, Tag("list")], Annotated[Range, Tag("range")]],
                        Discriminator(_list_or_range)]


class InlineMemory(Strict):
    """A memory option not in the catalog."""

    name: Name = Field(description='Name of the memory.')
    bandwidth_gbps: Magnitude = Field(description='Bandwidth per chip, GB/s (10⁹ bytes/s).')
    pj_per_bit: EnergyPjPerBit = Field(description='Access and I/O energy per bit transferred, pJ.')
    capacity_gib: Magnitude = Field(16.0, description=(
        "Capacity per chip, GiB; all workloads' weights must fit."))
    phy_area_mm2: AreaMm2 = Field(0.0, description=(
        "On-die PHY and controller area, mm² (does not shrink with the node)."))
    cost_usd: PriceUsd = Field(0.0, description='Price of the memory devices for one chip, USD.')
    needs_interposer: bool = Field(False, description=(
        "Whether the memory needs a silicon interposer (HBM): adds its cost to the package."))
    background_w: AreaMm2 = Field(0.0, description=(
        "Standby power of the memory devices per chip, W (drawn whenever the chip is on)."))


def _memory_kind(value: Any) -> str:
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

    array_dims: IntChoice | None = Field(None, description=(
        "Square systolic arrays: the candidate sizes (rows = cols)."))
    array_rows: IntChoice | None = Field(None, description=(
        "Array rows, for rectangular arrays (with `array_cols`; every pair is a candidate)."))
    array_cols: IntChoice | None = Field(None, description=(
        "Array columns, for rectangular arrays (with `array_rows`)."))
    cores: IntChoice | None = Field(None, description='Cores (arrays) per chip.')
    dataflows: Annotated[list[DataflowName], Field(min_length=1, max_length=3)] | None = Field(
        None, description=(
        "Dataflows: weight (`ws`), output (`os`) or input (`is`) stationary."))
    precisions: Annotated[list[PrecisionName],
                          Field(min_length=1, max_length=5)] | None = Field(None, description=(
        "PE types; `int8+fp16` is a mixed PE that runs int8, fp16 and int8+fp16 workloads and "
        "costs the area of both."))
    clock_ghz: FloatChoice | None = Field(None, description=(
        "Clock, GHz; at most the node's highest clock. The voltage is the lowest that reaches it "
        "on the node's DVFS curve."))
    sram_mib: FloatChoice | None = Field(None, description=(
        "On-chip SRAM per chip, MiB (shared by its cores)."))
    memories: Annotated[list[MemorySpec], Field(min_length=1, max_length=32)] | None = Field(None, description=(
        "Off-chip memory options: catalog names (case-insensitive) or inline memories (see "
        "*Memory catalog*)."))
    batch: IntChoice | None = Field(None, description=(
        "Batch sizes (the most queries a replica runs at once)."))
    chips: IntChoice | None = Field(None, description=(
        "Chip counts; the chips are identical and each runs every workload."))

    @model_validator(mode="after")
    def _array_shape(self) -> Space:
        if self.array_dims is not None and (self.array_rows is not None or self.array_cols is not None):
            raise ValueError("give either array_dims (square arrays) or array_rows/array_cols, not both")
        if (self.array_rows is None) != (self.array_cols is None):
            raise ValueError("array_rows and array_cols must be given together")
        return self


class Requirements(Strict):
    """A requirements file: what the service needs, and where to search."""

    name: Annotated[str, Field(min_length=1, max_length=120)] = Field(description=(
        "Name of the requirements; shown in reports."))
    objective: Annotated[Objective, Field(strict=False)] = Field(Objective.min_power, description=(
        "What to optimise among the designs that meet every requirement (see *Objectives*)."))
    technology: TechnologySpec = Field(default_factory=TechnologySpec, description=(
        "Process node and cost-model constants."))
    budgets: Budgets = Field(default_factory=Budgets, description=(
        "Limits on the whole accelerator; each one optional."))
    workloads: Annotated[list[Workload], Field(min_length=1, max_length=16)] = Field(description=(
        "The inference services. All run on the same hardware at the same time, each with its own"
        " requirements; names must be unique."))
    space: Space = Field(default_factory=Space, description=(
        "Where to search: the candidate values of every design variable."))

    @field_validator("workloads")
    @classmethod
    def _unique_workloads(cls, workloads: list[Workload]) -> list[Workload]:
        names = [w.name for w in workloads]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"workload names must be unique, got {dupes} more than once")
        return workloads

    @property
    def node_nm(self) -> int:
        return self.technology.node_nm

