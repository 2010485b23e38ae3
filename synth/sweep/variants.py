"""Variants of a sweep: the grid, the seeded samples or the listed variants, each a full
requirements mapping validated before any work starts, and keyed by a hash of its content."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from synth.errors import Problem, SpecError, format_value
from synth.sweep.spec import Partial, SweepFileError, SweepSpec, _round, parse_sweep, split_key


@dataclass(frozen=True, slots=True)
class Variant:
    index: int  # position in the sweep (0-based)
    values: tuple[tuple[str, Any], ...]  # (axis key, value) in the order of the axes
    requirements: dict[str, Any]  # the full, validated requirements as a canonical mapping
    key: str  # hash of the canonical requirements, the seed and the solve options

    @property
    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.values)


@dataclass(frozen=True, slots=True)
class SweepPlan:
    spec: SweepSpec
    variants: tuple[Variant, ...]
    duplicates: int  # variants dropped because another one had the same content

    @property
    def axis_keys(self) -> tuple[str, ...]:
        if self.spec.listed is not None:
            seen: dict[str, None] = {}
            for item in self.spec.listed:
                seen.update(dict.fromkeys(item))
            return tuple(seen)
        return tuple(a.key for a in self.spec.axes)


def set_key(document: dict[str, Any], key: str, value: Any) -> str:
    """Set `key` (e.g. workloads.ranker.qps) in `document` in place; returns the path as the
    requirements' own messages write it (workloads[0].qps). Raises KeyError(reason)."""
    parts = split_key(key)
    node: Any = document
    written = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            index = _item(node, part)
            written[-1] += f"[{index}]"
            if last:
                raise KeyError(f"{'.'.join(parts[:depth + 1])} is a list item, not a value")
            node = node[index]
            continue
        if not isinstance(node, dict):
            raise KeyError(f"{'.'.join(parts[:depth])} is a value ({format_value(node)}), not a mapping")
        written.append(part)
        if last:
            node[part] = value
        else:
            node = node.setdefault(part, {})
    return ".".join(written)


def _item(items: list, part: str) -> int:
    if part.isdigit():
        if int(part) >= len(items):
            raise KeyError(f"index {part} is out of range: the base has {len(items)} item(s)")
        return int(part)
    names = [item.get("name") for item in items if isinstance(item, dict)]
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return index
    raise KeyError(f"no workload is named {part!r}; the base has {', '.join(map(str, names)) or 'none'}")


def _assignments(spec: SweepSpec) -> list[tuple[tuple[str, Any], ...]]:
    if spec.listed is not None:
        return [tuple(item.items()) for item in spec.listed]
    if spec.sample is None:
        return [tuple(zip((a.key for a in spec.axes), combo))
                for combo in itertools.product(*(a.values for a in spec.axes))]
    rng = np.random.default_rng(spec.seed)
    rows = []
    for _ in range(spec.sample):
        row = []
        for axis in spec.axes:
            if axis.values is not None:
                row.append((axis.key, axis.values[int(rng.integers(len(axis.values)))]))
            elif axis.log:
                row.append((axis.key, _round(math.exp(rng.uniform(math.log(axis.low), math.log(axis.high))))))
            else:
                row.append((axis.key, _round(float(rng.uniform(axis.low, axis.high)))))
        rows.append(tuple(row))
    return rows


def variant_count(spec: SweepSpec) -> int:
    if spec.listed is not None:
        return len(spec.listed)
    if spec.sample is not None:
        return spec.sample
    return math.prod(len(a.values) for a in spec.axes)


def content_key(requirements: Mapping[str, Any], seed: int, solve: Mapping[str, Any]) -> str:
    """Hash of the canonical requirements, the seed and the solve options (32 hex digits)."""
    text = json.dumps({"requirements": requirements, "seed": seed, "solve": solve}, sort_keys=True,
                      separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def expand(spec: SweepSpec, *, load) -> SweepPlan:
    """Every variant, validated with `load` (synth.load_requirements); raises SpecError listing
    every problem (each once: the first variant that shows it, and how many more do)."""
    count = variant_count(spec)
    where = "variants" if spec.listed is not None else "sample.count" if spec.sample is not None else "axes"
    if count > spec.max_variants:
        sizes = " x ".join(str(len(a.values)) for a in spec.axes) if where == "axes" else str(count)
        raise SpecError([Problem(spec.source, where, f"gives {count:,} variants ({sizes}); at most max_variants = "
                                 f"{spec.max_variants:,} may run (raise max_variants, at most 100,000, or sample)")])
    try:
        load(spec.base)
    except SpecError as exc:
        raise SpecError([Problem(spec.source, f"base: {p.path}" if p.path else "base", p.message)
                         for p in exc.problems]) from None
    seen: dict[tuple[str, str], list] = {}
    variants: list[Variant] = []
    keys: set[str] = set()
    solve = spec.solve.model_dump(mode="json")
    for index, values in enumerate(_assignments(spec)):
        document = copy.deepcopy(spec.base)
        paths: dict[str, str] = {}
        broken = False
        for key, value in values:
            try:
                paths[key] = set_key(document, key, value)
            except KeyError as exc:
                _note(seen, (_axis_where(spec, index, key), exc.args[0]), index)
                broken = True
        if broken:
            continue
        try:
            req = load(document)
        except SpecError as exc:
            for problem in exc.problems:
                axis = next((k for k, p in paths.items() if problem.path.startswith(p)), None)
                where = _axis_where(spec, index, axis) if axis else f"variant {index}"
                _note(seen, (where, f"{problem.path}: {problem.message}" if problem.path else problem.message), index)
            continue
        canonical = req.model_dump(mode="json", exclude_none=True, warnings=False)
        key = content_key(canonical, spec.seed, solve)
        if key in keys:
            continue
        keys.add(key)
        variants.append(Variant(index=index, values=tuple(values), requirements=canonical, key=key))
    if seen:
        problems = []
        for (where, message), indices in seen.items():
            more = f" (variant {indices[0]}" + (f" and {len(indices) - 1} more)" if len(indices) > 1 else ")")
            problems.append(Problem(spec.source, where, message + more))
        raise SpecError(problems)
    return SweepPlan(spec=spec, variants=tuple(variants), duplicates=count - len(variants))


def _axis_where(spec: SweepSpec, index: int, key: str) -> str:
    return f"variants[{index}].{key}" if spec.listed is not None else f"axes.{key}"


def _note(seen: dict, where_message: tuple[str, str], index: int) -> None:
    seen.setdefault(where_message, []).append(index)


def plan_sweep(source, *, load) -> SweepPlan:
    """parse_sweep then expand; when the file itself has problems, the values of its valid axes
    are still checked one at a time against the base, so that every problem shows in one pass."""
    try:
        spec = parse_sweep(source)
    except SweepFileError as exc:
        raise SpecError(list(exc.problems) + _axis_problems(exc.partial, load)) from None
    return expand(spec, load=load)


def _axis_problems(partial: Partial, load) -> list[Problem]:
    if partial.base is None:
        return []
    try:
        load(partial.base)
    except SpecError:
        return []  # the base's own problems come first
    seen: dict[tuple[str, str], list] = {}
    for axis in partial.axes:
        for value in axis.values or (axis.low, axis.high):
            document = copy.deepcopy(partial.base)
            try:
                path = set_key(document, axis.key, value)
                load(document)
            except KeyError as exc:
                _note(seen, (f"axes.{axis.key}", exc.args[0]), value)
                break
            except SpecError as exc:
                for problem in exc.problems:
                    where = f"axes.{axis.key}" if problem.path.startswith(path) else "base"
                    _note(seen, (where, f"{problem.path}: {problem.message}"), value)
    return [Problem(partial.source, where, message) for (where, message) in seen]
