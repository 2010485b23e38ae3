"""A new requirements object from an old one, validated like a file.

    req2 = synth.derive(req, {"workloads.ranker.qps": 2000, "budgets.power_w": None})

Keys are key paths as the error messages and docs/requirements.md write them: `a.b` is key `b`
of mapping `a`; a workload is picked by its name (`workloads.ranker.qps`) or by its index
(`workloads[0].qps`); `None` removes an optional key (its default applies). The whole document
is validated again, with every check `load_requirements` runs (cross-key checks and the size
limits included), and every problem is reported at once as a SpecError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from synth.cost.constants import technology
from synth.errors import Problem, SpecError
from synth.spec.checks import cross_problems
from synth.spec.requirements import Requirements
from synth.spec.resolve import check_requirements
from synth.spec.space import design_grid
from synth.spec.validate import validate_model


def load_checked(data: Any, source: str) -> Requirements:
    """Plain data -> Requirements with every check `synth check` runs."""
    req = validate_model(Requirements, data, source, cross_checks=cross_problems)
    check_requirements(req, source)
    design_grid(req, technology(req.node_nm, req.technology.overrides), source)
    return req.with_source(source)


def replace_requirements(req: Requirements, changes: Mapping[str, Any]) -> Requirements:
    """`req` with `changes` (key path -> new value) applied, validated as a whole."""
    data = req.model_dump(mode="json", warnings=False, exclude_none=True)
    problems = []
    for path, value in changes.items():
        try:
            _assign(data, str(path), value)
        except KeyError as exc:
            problems.append(Problem(req.source, str(path), str(exc.args[0])))
    if problems:
        raise SpecError(problems)
    return load_checked(data, req.source)


_SHAPE = "must be a key path such as workloads.ranker.qps or workloads[0].qps"


def _steps(data: dict[str, Any], path: str) -> list[str | int]:
    """Key path -> keys and indices; a workload name (it may hold dots) picks its index."""
    steps: list[str | int] = []
    rest = path
    while rest:
        index = re.match(r"\[(\d+)\]", rest)
        if index:
            steps.append(int(index.group(1)))
            rest = rest[index.end():]
        else:
            names = [w.get("name", "") for w in data.get("workloads", [])] if steps == ["workloads"] else []
            name = max((n for n in names if rest == n or rest.startswith((n + ".", n + "["))), key=len, default=None)
            key = re.match(r"[^.\[\]]+", rest)
            if name is not None:
                steps.append(names.index(name))
                rest = rest[len(name):]
            elif key:
                steps.append(key.group(0))
                rest = rest[key.end():]
            else:
                raise KeyError(_SHAPE)
        if rest.startswith("."):
            rest = rest[1:]
            if not rest or rest.startswith((".", "[")):
                raise KeyError(_SHAPE)
        elif rest and not rest.startswith("["):
            raise KeyError(_SHAPE)
    return steps


def _assign(data: dict[str, Any], path: str, value: Any) -> None:
    steps = _steps(data, path)
    if not steps:
        raise KeyError("must name a key")
    node: Any = data
    for step in steps[:-1]:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise KeyError(f"no item [{step}] there")
            node = node[step]
        elif isinstance(node, dict):
            node = node.setdefault(step, {})
        else:
            raise KeyError(f"no key {step!r} there")
        if step == "workloads" and len(steps) > 1 and isinstance(steps[1], str):
            raise KeyError(f"no workload named {steps[1]!r}")
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise KeyError(f"no item [{last}] there")
        node[last] = value
    elif isinstance(node, dict):
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    else:
        raise KeyError(f"no key {last!r} there")
