"""The design space as explicit grids: every variable's candidate values.

A list means exactly those values. A range {min, max} expands to a grid: with `step`, every
min + i*step; without it, powers of two for sizes (array dims, SRAM, batch), every integer for
counts (cores, chips) and 0.1 GHz steps for the clock. The ends of a range are always in the
grid. Omitted variables take the defaults below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from synth.cost.constants import DATAFLOWS, PE_SUPPORTS, PRECISIONS, Technology
from synth.cost.memory import CATALOG, MemoryOption
from synth.errors import Problem, SpecError
from synth.models import BUILTIN_MODELS
from synth.spec.fields import MAX_BATCH, MAX_HARDWARE_POINTS, MAX_TABLE_CELLS, MAX_WORKLOAD_POINTS
from synth.spec.requirements import FloatChoice, InlineMemory, IntChoice, ModelSpec, Range, Requirements

MAX_GRID = 1024  # values per variable after expansion

DEFAULT_ARRAY_DIMS = (8, 16, 32, 64, 128, 256)
DEFAULT_CORES = (1, 2, 4, 8, 16)
DEFAULT_SRAM_MIB = (0.5, 1, 2, 4, 8, 16, 32, 64, 128)
DEFAULT_BATCH = (1, 2, 4, 8, 16, 32, 64, 128, 256)
DEFAULT_CHIPS = (1,)
DEFAULT_CLOCK_STEP_GHZ = 0.1
DEFAULT_MIN_CLOCK_GHZ = 0.2


class HardwarePoint(NamedTuple):
    """One hardware configuration of a grid, as indices into its axes (`Grid.axis_sizes` order)."""

    shape: int  # index into Grid.array_shapes
    dataflow: int
    pe: int  # index into Grid.precisions (the PE type)
    clock: int
    sram: int
    memory: int
    cores: int
    chips: int


@dataclass(frozen=True, slots=True)
class Grid:
    """Candidate values of every design variable, sorted ascending."""

    array_shapes: tuple[tuple[int, int], ...]  # (rows, cols)
    cores: tuple[int, ...]
    dataflows: tuple[str, ...]
    precisions: tuple[str, ...]
    clock_ghz: tuple[float, ...]
    sram_mib: tuple[float, ...]
    memories: tuple[MemoryOption, ...]
    batch: tuple[int, ...]
    chips: tuple[int, ...]

    def axis_sizes(self) -> HardwarePoint:
        """The number of values of each hardware axis, in `HardwarePoint` order."""
        return HardwarePoint(len(self.array_shapes), len(self.dataflows), len(self.precisions), len(self.clock_ghz),
                             len(self.sram_mib), len(self.memories), len(self.cores), len(self.chips))

    @property
    def hardware_points(self) -> int:
        return (len(self.array_shapes) * len(self.cores) * len(self.dataflows) * len(self.precisions)
                * len(self.clock_ghz) * len(self.sram_mib) * len(self.memories) * len(self.chips))


def _powers_of_two(low: float, high: float) -> list[float]:
    values = {low, high}
    exponent = math.ceil(math.log2(low))
    while 2.0**exponent <= high:
        values.add(2.0**exponent)
        exponent += 1
    return sorted(values)


def _expand(value: IntChoice | FloatChoice | None, *, key: str, kind: str, default: Iterable[float],
            low_default: float, high_default: float, source: str, problems: list[Problem]) -> tuple[Any, ...]:
    """One variable's grid; kind: 'pow2' (integer sizes), 'pow2f' (real sizes), 'int', 'clock'."""
    if value is None:
        return tuple(default)
    if not isinstance(value, Range):
        return tuple(sorted(set(value)))
    low = value.min if value.min is not None else low_default
    high = value.max if value.max is not None else high_default
    if low > high:
        problems.append(Problem(source, f"space.{key}", f"min <= max must hold, got (min={low}, max={high})"))
        return ()
    if value.step is not None:
        count = math.floor((high - low) / value.step + 1e-9) + 1
        if count > MAX_GRID:
            problems.append(Problem(source, f"space.{key}", f"the range must give at most {MAX_GRID} "
                                    f"values, got {count} (min={low}, max={high}, step={value.step})"))
            return ()
        grid = [low + i * value.step for i in range(count)] + [high]
    elif kind in ("pow2", "pow2f"):
        grid = _powers_of_two(low, high)
        if len(grid) > MAX_GRID:
            problems.append(Problem(source, f"space.{key}", f"the range must give at most {MAX_GRID} "
                                    f"values, got {len(grid)} (min={low}, max={high})"))
            return ()
    elif kind == "int":
        count = int(high) - math.ceil(low) + 1
        if count > MAX_GRID:
            problems.append(Problem(source, f"space.{key}", f"the range must give at most {MAX_GRID} "
                                    f"values, got {count}; give a step or a list"))
            return ()
        grid = list(range(math.ceil(low), int(high) + 1))
    else:
        count = math.floor((high - low) / DEFAULT_CLOCK_STEP_GHZ + 1e-9) + 1
        grid = [round(low + i * DEFAULT_CLOCK_STEP_GHZ, 6) for i in range(min(count, MAX_GRID))] + [high]
    if kind in ("pow2", "int"):
        integers = sorted({int(round(v)) for v in grid if abs(v - round(v)) < 1e-9 and v >= 1})
        if not integers:
            problems.append(Problem(source, f"space.{key}", f"the range must contain an integer >= 1, "
                                    f"got (min={low}, max={high})"))
        return tuple(integers)
    return tuple(sorted({round(v, 9) for v in grid}))


def memory_option(spec: str | InlineMemory) -> MemoryOption:
    if isinstance(spec, str):
        return CATALOG[spec.lower()]
    return MemoryOption(**spec.model_dump())


def design_grid(req: Requirements, tech: Technology, source: str = "<requirements>", *,
                check_size: bool = True) -> Grid:
    """Expand the requirements' space into explicit grids; raises SpecError on empty grids and,
    with check_size, on a space beyond the format's size limits (synth.spec.fields)."""
    problems: list[Problem]
    space, problems = req.space, []
    common: dict[str, Any] = dict(source=source, problems=problems)
    if space.array_rows is not None:
        rows = _expand(space.array_rows, key="array_rows", kind="pow2", default=(), low_default=1,
                       high_default=4096, **common)
        cols = _expand(space.array_cols, key="array_cols", kind="pow2", default=(), low_default=1,
                       high_default=4096, **common)
        shapes = tuple((r, c) for r in rows for c in cols)
    else:
        dims = _expand(space.array_dims, key="array_dims", kind="pow2", default=DEFAULT_ARRAY_DIMS,
                       low_default=1, high_default=4096, **common)
        shapes = tuple((d, d) for d in dims)
    clocks = _expand(space.clock_ghz or Range(), key="clock_ghz", kind="clock", default=(),
                     low_default=DEFAULT_MIN_CLOCK_GHZ, high_default=tech.max_clock_ghz, **common)
    too_fast = [c for c in clocks if c > tech.max_clock_ghz + 1e-9]
    if too_fast:
        problems.append(Problem(source, "space.clock_ghz", f"clocks must be <= {tech.max_clock_ghz} GHz "
                                f"(the highest the {tech.node_nm} nm node reaches), got {too_fast}"))
    grid = Grid(
        array_shapes=shapes,
        cores=_expand(space.cores, key="cores", kind="int", default=DEFAULT_CORES, low_default=1,
                      high_default=64, **common),
        dataflows=tuple(d for d in DATAFLOWS if d in (space.dataflows or DATAFLOWS)),
        precisions=tuple(p for p in PRECISIONS if p in (space.precisions or PRECISIONS)),
        clock_ghz=clocks,
        sram_mib=_expand(space.sram_mib, key="sram_mib", kind="pow2f", default=DEFAULT_SRAM_MIB,
                         low_default=0.5, high_default=128, **common),
        memories=tuple(memory_option(m) for m in (space.memories or tuple(CATALOG))),
        batch=_expand(space.batch, key="batch", kind="pow2", default=DEFAULT_BATCH, low_default=1,
                      high_default=256, **common),
        chips=_expand(space.chips, key="chips", kind="int", default=DEFAULT_CHIPS, low_default=1,
                      high_default=8, **common),
    )
    if grid.batch and grid.batch[-1] > MAX_BATCH:
        problems.append(Problem(source, "space.batch", f"batch sizes must be <= {MAX_BATCH} (the serving "
                                f"simulator's limit), got {grid.batch[-1]}"))
    if check_size:
        problems += _size_problems(grid, req, source)
    if problems:
        raise SpecError(problems)
    return grid


def _per_replica_cores(grid: Grid) -> tuple[int, ...]:
    """Cores per replica the search considers: the space's core counts and powers of two."""
    most = max(grid.cores)
    return tuple(sorted(set(grid.cores) | {2**i for i in range(int(math.log2(most)) + 1)}))


def table_cells(grid: Grid, layers: int) -> int:
    """Cells of the largest per-layer table the search builds for a workload of `layers` layers:
    [shape, dataflow, cores per replica, batch, layer] cycles, or [batch, precision, (SRAM, cores
    per replica, cores), layer] DRAM traffic (synth.solve.options). Memory is about 150 bytes a
    cell (the cost core's temporaries), so MAX_TABLE_CELLS bounds a run's peak memory."""
    per_replica = _per_replica_cores(grid)
    share_keys = len(grid.sram_mib) * sum(1 for c in per_replica for n in grid.cores if c <= n)
    precisions = len({q for pe in grid.precisions for q in PE_SUPPORTS[pe]})
    cycles = len(grid.array_shapes) * len(grid.dataflows) * len(per_replica) * len(grid.batch)
    traffic = (len(grid.batch) + 1) * precisions * share_keys
    return max(cycles, traffic) * layers


def _layer_count(model: ModelSpec) -> int:
    if isinstance(model, str):
        return len(BUILTIN_MODELS[model]().layers) if model in BUILTIN_MODELS else 0
    return len(getattr(model, "layers", ()))


def _size_problems(grid: Grid, req: Requirements, source: str) -> list[Problem]:
    """The space is small enough to build and search in bounded memory and time (see docs)."""
    workloads = len(req.workloads)
    axes = {"array shapes": len(grid.array_shapes), "cores": len(grid.cores), "dataflows": len(grid.dataflows),
            "precisions": len(grid.precisions), "clock_ghz": len(grid.clock_ghz), "sram_mib": len(grid.sram_mib),
            "memories": len(grid.memories), "chips": len(grid.chips)}
    points = math.prod(axes.values())
    sizes = " x ".join(f"{n} {name}" for name, n in axes.items())
    if points > MAX_HARDWARE_POINTS:
        return [Problem(source, "space", f"must give at most {MAX_HARDWARE_POINTS:,} hardware points, got "
                        f"{points:,} ({sizes}); narrow a range or shorten a list")]
    if points * len(grid.batch) * workloads > MAX_WORKLOAD_POINTS:
        return [Problem(source, "space", f"hardware points x batch sizes x workloads must be at most "
                        f"{MAX_WORKLOAD_POINTS:,}, got {points * len(grid.batch) * workloads:,} ({sizes} x "
                        f"{len(grid.batch)} batch sizes x {workloads} workloads); narrow a range or shorten "
                        "a list")]
    found = []
    for i, workload in enumerate(req.workloads):
        layers = _layer_count(workload.model)
        cells = table_cells(grid, layers)
        if cells > MAX_TABLE_CELLS:
            found.append(Problem(source, f"workloads[{i}].model", f"its {layers} layers over this space need "
                                 f"{cells:,} table cells, at most {MAX_TABLE_CELLS:,} are allowed (layers x "
                                 f"array shapes x dataflows x cores per replica x batch sizes, or layers x batch "
                                 f"sizes x precisions x sram_mib x core pairs); narrow space.cores, "
                                 f"space.sram_mib or space.batch, or use fewer layers"))
    return found
