"""Shared field types and the base model of the input format (strict, closed, finite)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

MAX_DIM = 10_000_000  # bound on any layer dimension: keeps every product finite and fast
MAX_LIST = 256  # bound on any list a user writes


class Strict(BaseModel):
    """Closed (unknown keys are errors), strict (a boolean is not a number), finite, frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)
    _source: str = PrivateAttr(default="<mapping>")  # the file it was loaded from, for messages

    @property
    def source(self) -> str:
        return self._source


PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Dim = Annotated[int, Field(ge=1, le=MAX_DIM)]
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.+\-]+$")]
