"""Design points as a struct of arrays: the hardware the vectorized cost core runs on.

`DesignPoints` holds one array of shape (P,) per hardware field, so a single design, a batch
sweep on one design and a million grid points all go through `batch_figures` the same way;
`figures_at` broadcasts scalar fields (one design) to the shape of the varying ones (batch,
cores per replica, precision) instead of every caller building `np.full(size, ...)` by hand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from synth.cost.arrays import Numeric
from synth.cost.constants import Technology
from synth.cost.workload import BatchFigures, LayerTable, batch_figures


@dataclass(frozen=True, slots=True)
class DesignPoints:
    """Hardware of P design points (each field an array of shape (P,) or a scalar)."""

    rows: np.ndarray
    cols: np.ndarray
    cores: np.ndarray
    dataflow: np.ndarray  # Dataflow.code
    clock_ghz: np.ndarray
    voltage_v: np.ndarray
    sram_mib: np.ndarray
    bandwidth_gbps: np.ndarray
    dram_pj_per_bit: np.ndarray

    @classmethod
    def one(cls, **fields: float) -> DesignPoints:
        """A single design point (every field an array of shape (1,))."""
        return cls(**{name: np.array([value]) for name, value in fields.items()})

    def repeat(self, size: int) -> DesignPoints:
        """The same point(s) broadcast to `size` points."""
        return DesignPoints(**{f.name: np.broadcast_to(getattr(self, f.name), (size,))
                               for f in dataclasses.fields(self)})

    def as_keywords(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def figures_at(table: LayerTable, tech: Technology, points: DesignPoints, *, batch: Numeric, cores_per_replica: Numeric,
               precision: Numeric) -> BatchFigures:
    """`batch_figures` on `points`, with batch, cores per replica and precision code given as
    arrays of shape (P,) or scalars; single points are broadcast to the longest of them."""
    size = max(np.size(batch), np.size(cores_per_replica), np.size(precision), np.size(points.rows))
    full: Callable[[Numeric], np.ndarray] = lambda value: np.broadcast_to(np.asarray(value), (size,))  # noqa: E731
    return batch_figures(table, tech, **points.repeat(size).as_keywords(), batch=full(batch),
                         cores_per_replica=full(cores_per_replica), precision=full(precision))
