"""Shared field types and the base model of the input format (strict, closed, finite)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from synth.spec.validate import validate_model

MAX_DIM = 10_000_000  # bound on any layer dimension: keeps every product finite and fast
MAX_LIST = 256  # bound on any list a user writes
# A model's operations per inference (MACs and vector ops, all layers, counts included): below
# 2^53, so float64 counts them exactly, and int64 holds them times any batch the format allows
# (1e15 x 2,000 < 2^63). 1e15 is ~4,000 times BERT-base at 384 tokens.
MAX_MODEL_OPS = 10**15
# Elements of one operand of one layer (weights, inputs or outputs, times its count): int64 and
# float64 hold every product the cost core forms from them (x bytes, x batch, x replicas).
MAX_LAYER_ELEMENTS = 2**40
MAX_BATCH = 2000  # the serving simulator's longest batch (it simulates >= 10 x batch queries)
# The design space: hardware points (product of the axes' lengths) and, per workload, points
# times batch sizes; both bound the memory and time of building the options (see docs).
MAX_HARDWARE_POINTS = 8_000_000
MAX_WORKLOAD_POINTS = 128_000_000  # hardware points x batch sizes, summed over the workloads
MAX_TABLE_CELLS = 6_000_000  # per workload: layers x the space's per-layer table (synth.spec.space)


class Strict(BaseModel):
    """Closed (unknown keys are errors), strict (a boolean is not a number), finite, frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)
    _source: str = PrivateAttr(default="<mapping>")  # the file it was loaded from, for messages

    @property
    def source(self) -> str:
        return self._source

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's model_copy, but an `update` is validated instead of trusted: a value the
        file format rejects raises SpecError naming the key (`model_copy(update={"qps": -5})`).
        Rules across keys are not checked (the solver's diagnosis drops a server workload's
        latency bound on purpose); `Requirements.replace` checks everything."""
        copy = super().model_copy(update=update, deep=deep)
        return revalidated(copy) if update else copy

    def with_source(self, source: str) -> Self:
        """A copy that names `source` (the file it was loaded from) in messages."""
        copy = super().model_copy()
        copy._source = source
        return copy


StrictT = TypeVar("StrictT", bound=Strict)


def revalidated(model: StrictT) -> StrictT:
    """`model` validated again field by field (nested models already validated are kept)."""
    values = {name: getattr(model, name) for name in type(model).model_fields}
    return validate_model(type(model), values, model.source).with_source(model.source)


PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def at_least(smallest: float) -> AfterValidator:
    """With Field(gt=0): a float > 0 (the message a user expects for 0 or -5) and at least
    `smallest`, so that its reciprocal stays finite (no 1e-300 GB/s)."""

    def check(value: float) -> float:
        if value < smallest:
            raise ValueError(f"must be >= {smallest:g}, got {value!r}")
        return value

    return AfterValidator(check)


# Ranges that keep every figure finite (no 1e308 budgets, no 1e-300 GB/s): far beyond any real
# accelerator at both ends.
LatencyMs = Annotated[float, Field(gt=0, le=1e9, allow_inf_nan=False), at_least(1e-6)]
Rate = Annotated[float, Field(gt=0, le=1e9, allow_inf_nan=False), at_least(1e-6)]
BudgetFloat = Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False), at_least(1e-9)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Magnitude = Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False), at_least(1e-3)]  # clocks, sizes, GB/s
EnergyPjPerBit = Annotated[float, Field(gt=0, le=1e4, allow_inf_nan=False), at_least(1e-3)]
AreaMm2 = Annotated[float, Field(ge=0, le=1e4, allow_inf_nan=False)]
PriceUsd = Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)]
Dim = Annotated[int, Field(ge=1, le=MAX_DIM)]
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.+\-]+$")]
