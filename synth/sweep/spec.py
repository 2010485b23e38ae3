"""The sweep file: a base requirements file and axes over its keys, validated at the boundary.

```yaml
name: ranker-sla                      # optional; default: the file's stem
base: ../problems/search_ranking.yaml # or an inline requirements mapping
seed: 0                               # every variant is solved with this seed
axes:                                 # a full grid by default
  workloads.ranker.qps: [500, 1000, 2000, 4000]
  workloads.ranker.latency_ms: {min: 25, max: 200, num: 8, scale: log}
sample: {count: 20}                   # optional: seeded random samples of the axes instead
variants:                             # or: listed variants (instead of axes)
  - {workloads.ranker.qps: 500, technology.node_nm: 5}
max_variants: 1000
solve: {method: milp, time_limit_s: 120, refine: false}
```
Every problem of the file is reported at once, each naming its key path, what must hold and
what was given (STYLE.md rule 2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from synth.errors import Problem, SpecError, format_value
from synth.spec.loader import read_document
from synth.spec.validate import validate_model

MAX_VARIANTS = 100_000  # the largest `max_variants` a sweep file may ask for
DEFAULT_MAX_VARIANTS = 1_000
MAX_AXIS_VALUES = 10_000
METHODS = ("milp", "exhaustive", "optuna", "random")
TOP_KEYS = ("name", "objective", "technology", "budgets", "workloads", "space")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_SEGMENT = re.compile(r"^[A-Za-z0-9_+-]+$")


class SolveOptions(BaseModel):
    """How each variant is solved (the options of `synth solve`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    method: Literal["milp", "exhaustive", "optuna", "random"] = "milp"
    time_limit_s: float = Field(120.0, gt=0, le=86_400)
    # Off by default: refinement adds seconds per variant and stops on a wall clock.
    refine: bool = False
    refine_trials: int = Field(40, ge=1, le=10_000)
    # Off by default: alternatives are found within a wall-clock budget (machine-dependent).
    alternatives: int = Field(0, ge=0, le=20)
    diagnose: bool = True  # infeasible variants: the smallest relaxation (the binding requirement)


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    count: int = Field(ge=1, le=MAX_VARIANTS)


class SweepModel(BaseModel):
    """The file's structure; axes and variants are checked by hand (their keys are key paths)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str | None = None
    base: str | dict[str, Any]
    seed: int = Field(0, ge=0, le=2**32 - 1)
    axes: dict[str, Any] = Field(default_factory=dict)
    sample: Sample | None = None
    variants: list[dict[str, Any]] | None = None
    max_variants: int = Field(DEFAULT_MAX_VARIANTS, ge=1, le=MAX_VARIANTS)
    solve: SolveOptions = SolveOptions()


@dataclass(frozen=True, slots=True)
class Axis:
    key: str  # as written in the sweep file, e.g. "workloads.ranker.qps"
    values: tuple[Any, ...] | None  # listed values, or a range's grid points
    low: float | None = None  # a range (for random samples without `num`)
    high: float | None = None
    log: bool = False


@dataclass(frozen=True, slots=True)
class SweepSpec:
    """A validated sweep file (variants not yet expanded: see synth.sweep.variants)."""

    name: str
    source: str  # the sweep file's name, for messages
    base: dict[str, Any]  # the base requirements mapping
    seed: int
    axes: tuple[Axis, ...]
    sample: int | None  # number of random samples, or None for the grid
    listed: tuple[dict[str, Any], ...] | None
    max_variants: int
    solve: SolveOptions


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def range_points(low: float, high: float, num: int, log: bool) -> tuple[float, ...]:
    """`num` points from low to high (both included), evenly spaced or evenly in log."""
    if num == 1:
        return (_round(low),)
    if log:
        ratio = math.log(high / low)
        return tuple(_round(low * math.exp(ratio * k / (num - 1))) for k in range(num))
    return tuple(_round(low + (high - low) * k / (num - 1)) for k in range(num))


_AXIS_RULE = "must be a non-empty list of values or {min, max, num, scale}"


def _axis(source: str, key: str, raw: Any, grid: bool) -> tuple[Axis | None, list[Problem]]:
    where = f"axes.{key}"
    problems = check_key(source, where, key)
    if isinstance(raw, list):
        if not raw:
            return None, problems + [Problem(source, where, f"{_AXIS_RULE}, got []")]
        bad = [v for v in raw if not (_is_number(v) or isinstance(v, (str, bool)))]
        if bad:
            return None, problems + [Problem(source, where, "values must be numbers, strings or true/false, got "
                                             + format_value(bad[0]))]
        if len(raw) > MAX_AXIS_VALUES:
            problems.append(Problem(source, where, f"must have at most {MAX_AXIS_VALUES} values, got {len(raw)}"))
        if len({repr(v) for v in raw}) != len(raw):
            problems.append(Problem(source, where, f"values must be distinct, got {format_value(raw)}"))
        return (None if problems else Axis(key, tuple(raw))), problems
    if not isinstance(raw, Mapping):
        return None, problems + [Problem(source, where, f"{_AXIS_RULE}, got {format_value(raw)}")]
    unknown = sorted(set(map(str, raw)) - {"min", "max", "num", "scale"})
    if unknown:
        problems.append(Problem(source, f"{where}.{unknown[0]}", "unknown key; a range has min, max, num, scale"))
    low, high, num, scale = raw.get("min"), raw.get("max"), raw.get("num"), raw.get("scale", "linear")
    for part, value in (("min", low), ("max", high)):
        if not _is_number(value):
            problems.append(Problem(source, f"{where}.{part}", f"must be a finite number, got {format_value(value)}"))
    if num is None and grid:
        problems.append(Problem(source, f"{where}.num", "a range in a grid needs num (how many values), got none"))
    elif num is not None and (not isinstance(num, int) or isinstance(num, bool) or not 1 <= num <= MAX_AXIS_VALUES):
        problems.append(Problem(source, f"{where}.num", f"must be an integer within [1, {MAX_AXIS_VALUES}], "
                                f"got {format_value(num)}"))
    if scale not in ("linear", "log"):
        problems.append(Problem(source, f"{where}.scale", f"must be linear or log, got {format_value(scale)}"))
    if problems:
        return None, problems
    if low > high:
        problems.append(Problem(source, where, f"`min <= max` must hold, but got (min={low}, max={high})"))
    if scale == "log" and low <= 0:
        problems.append(Problem(source, f"{where}.min", f"must be > 0 on a log scale, got {low}"))
    if problems:
        return None, problems
    values = range_points(float(low), float(high), num, scale == "log") if num is not None else None
    return Axis(key, values, float(low), float(high), scale == "log"), []


def check_key(source: str, where: str, key: Any) -> list[Problem]:
    """The shape of a key path: dotted segments, the first a top-level requirements key."""
    if not isinstance(key, str) or not key:
        return [Problem(source, where, f"must be a key path such as workloads.ranker.qps, got {format_value(key)}")]
    parts = split_key(key)
    if parts[0] not in TOP_KEYS:
        return [Problem(source, where, f"must start with one of {', '.join(TOP_KEYS)}, got {parts[0]!r}")]
    if parts[0] == "name":
        return [Problem(source, where, "the name cannot be swept (variants are told apart by their values)")]
    if not all(_SEGMENT.match(p) for p in parts):
        return [Problem(source, where, f"must be dotted names or indices (workloads.0.qps), got {key!r}")]
    if parts[0] == "workloads" and len(parts) < 3:
        return [Problem(source, where, "must name a workload and a key (workloads.NAME.KEY or "
                        f"workloads.INDEX.KEY), got {key!r}")]
    return []


def split_key(key: str) -> list[str]:
    """`workloads[0].qps` and `workloads.0.qps` are the same path."""
    return [p for p in re.sub(r"\[(\d+)\]", r".\1", key).split(".")]


def _base(source: str, path: Path | None, raw: Any) -> tuple[dict[str, Any] | None, list[Problem]]:
    if isinstance(raw, dict):
        return raw, []
    if not isinstance(raw, str) or not raw:
        return None, [Problem(source, "base", f"must be a requirements file path or mapping, got {format_value(raw)}")]
    target = Path(raw) if path is None or Path(raw).is_absolute() else path.parent / raw
    if not target.is_file():
        return None, [Problem(source, "base", f"must name an existing requirements file, got {raw!r} "
                              f"(looked for {target})")]
    try:
        data, _ = read_document(target)
    except SpecError as exc:
        return None, list(exc.problems)
    if not isinstance(data, dict):
        return None, [Problem(source, "base", f"{raw} must hold a requirements mapping")]
    return data, []


@dataclass(frozen=True, slots=True)
class Partial:
    """What a sweep file with problems still gives: its valid axes and its base, so that the
    values of those axes can be checked in the same pass."""

    problems: tuple[Problem, ...]
    axes: tuple[Axis, ...]
    base: dict[str, Any] | None
    source: str


class SweepFileError(SpecError):
    def __init__(self, partial: Partial):
        super().__init__(list(partial.problems))
        self.partial = partial


def parse_sweep(source: str | Path | Mapping, *, name: str | None = None) -> SweepSpec:
    """Validate a sweep file (path) or mapping; raises SpecError listing every problem (a
    SweepFileError, holding the valid axes and base, when the document was read)."""
    path = None if isinstance(source, Mapping) else Path(source)
    data, label = (dict(source), name or "<sweep>") if path is None else read_document(path)
    if not isinstance(data, dict):
        raise SpecError([Problem(label, "", f"must be a mapping (base, axes, ...), got {format_value(data)}")])
    problems: list[Problem] = []
    try:
        model = validate_model(SweepModel, data, label)
    except SpecError as exc:
        problems.extend(exc.problems)
        model = None
    raw_axes = data.get("axes", {})
    listed = data.get("variants")
    sample = data.get("sample")
    grid = sample is None
    axes: list[Axis] = []
    if isinstance(raw_axes, Mapping):
        for key, raw in raw_axes.items():
            axis, found = _axis(label, str(key), raw, grid)
            problems.extend(found)
            if axis is not None:
                axes.append(axis)
    if listed is not None and raw_axes:
        problems.append(Problem(label, "variants", "give either axes (a grid or samples) or variants, not both"))
    if sample is not None and listed is not None:
        problems.append(Problem(label, "sample", "samples draw from axes; listed variants take none"))
    if listed is None and not raw_axes:
        problems.append(Problem(label, "axes", "must list at least one axis (or give variants), got none"))
    if isinstance(listed, list):
        for i, item in enumerate(listed):
            if isinstance(item, Mapping):
                for key, value in item.items():
                    where = f"variants[{i}].{key}"
                    problems.extend(check_key(label, where, key))
                    if not (_is_number(value) or isinstance(value, (str, bool))):
                        problems.append(Problem(label, where, "must be a number, string or true/false, got "
                                                + format_value(value)))
                if not item:
                    problems.append(Problem(label, f"variants[{i}]", "must set at least one key, got {}"))
    base, found = _base(label, path, data.get("base"))
    problems.extend(found)
    stem = (data.get("name") if isinstance(data.get("name"), str) else None) or (path.stem if path else "sweep")
    if not _NAME.match(stem):
        problems.append(Problem(label, "name", "must be 1-100 letters, digits, '_', '-' or '.', starting with a "
                                f"letter or digit, got {format_value(stem)}"))
    if problems or model is None or base is None:
        raise SweepFileError(Partial(tuple(problems), tuple(axes), base, label))
    return SweepSpec(name=stem, source=label, base=base, seed=model.seed, axes=tuple(axes),
                     sample=model.sample.count if model.sample else None,
                     listed=tuple(dict(v) for v in model.variants) if model.variants is not None else None,
                     max_variants=model.max_variants, solve=model.solve)
