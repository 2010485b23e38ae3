"""Turn raw documents into validated, frozen spec objects, reporting every problem at once."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from synth.errors import Problem, SpecError, format_value
from synth.spec.loader import read_document

_BOUND_WORDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}
_TYPE_WORDS = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "dict_type": "a mapping (key: value)",
    "list_type": "a list",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
}


_TAGS = {"builtin", "onnx", "inline", "list", "range", "catalog",
         "gemm", "conv", "depthwise", "matmul", "attention", "vector", "elementwise"}


def _path(loc: tuple) -> str:
    """A key path as the user wrote it: union branch names and layer type tags are dropped."""
    text = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif _is_branch(part) or (part in _TAGS and index > 0 and _is_tag_position(loc, index)):
            continue
        else:
            text += f".{part}" if text else part
    return text


def _is_tag_position(loc: tuple, index: int) -> bool:
    """Tags follow a union-valued key: model, memories[i], memory, layers[i], space variables."""
    previous = loc[index - 1]
    if isinstance(previous, int):
        return index >= 2 and loc[index - 2] in ("layers", "memories")
    return previous in ("model", "memory", "array_dims", "array_rows", "array_cols", "cores",
                        "clock_ghz", "sram_mib", "batch", "chips")


def _allowed_keys(root: type[BaseModel], loc: tuple) -> list[str] | None:
    """Field names of the model at loc (best effort through lists and dicts)."""
    model: Any = root
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            if part in {"gemm", "conv", "depthwise", "matmul", "attention", "vector", "elementwise"}:
                from synth.spec import requirements as r
                model = {"gemm": r.GemmLayer, "conv": r.ConvLayer, "depthwise": r.DepthwiseLayer,
                         "matmul": r.MatmulLayer, "attention": r.MatmulLayer,
                         "vector": r.VectorLayer, "elementwise": r.VectorLayer}[part]
                continue
            return None
        model = _model_in(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return None


def _model_in(annotation: Any) -> Any:
    """The first pydantic model inside an annotation (Optional, list, dict, Annotated...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        return _model_in(origin)
    return None


def _message(error: dict, root: type[BaseModel]) -> str:
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    got = f"got {format_value(given)}"
    if kind == "extra_forbidden":
        key = error["loc"][-1]
        allowed = _allowed_keys(root, error["loc"][:-1]) or []
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"unknown key{hint}{listing}"
    if kind == "missing":
        return "required key is missing"
    if kind in _BOUND_WORDS:
        name, word = _BOUND_WORDS[kind]
        return f"must be {word} {ctx.get(name)}, {got}"
    if kind == "finite_number":
        return f"must be a finite number, {got}"
    if kind in _TYPE_WORDS:
        return f"must be {_TYPE_WORDS[kind]}, {got}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, {got}"
    if kind == "enum":
        return f"must be one of {ctx.get('expected')}, {got}"
    if kind in ("too_short", "too_long"):
        return f"{error['msg'].replace('Value should', 'must').replace('List should', 'must')}"
    if kind == "string_pattern_mismatch":
        return f"must use only letters, digits and _ . + -, {got}"
    if kind == "union_tag_invalid":
        return f"type must be one of {ctx.get('expected_tags')}, got {format_value(ctx.get('tag'))}"
    if kind == "union_tag_not_found":
        return "each layer needs a `type` (gemm, conv, depthwise, matmul, attention, vector)"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}, {got}"


def validate_model(model: type[BaseModel], data: Any, source: str, *, prefix: str = "") -> BaseModel:
    """Validate plain data against a spec model, or raise SpecError with every problem."""
    if data is None:
        raise SpecError([Problem(source, prefix, "is empty; expected a mapping of keys")])
    if not isinstance(data, Mapping):
        raise SpecError([Problem(source, prefix, f"must be a mapping (key: value), got {type(data).__name__}")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in _union_collapse(exc.errors()):
            path = _path(error["loc"])
            full = f"{prefix}.{path}" if prefix and path else (prefix or path)
            problems.append(Problem(source, full, _message(error, model)))
        raise SpecError(_unique(problems)) from None


def _union_collapse(errors: list[dict]) -> list[dict]:
    """For a value that matched no branch of a union, report the branch closest to the input.

    Pydantic reports one error per branch, with the branch's name in the location (e.g.
    `space.cores.list[...]` and `space.cores.Range`). Keep the branch whose type matches the
    input (a list for list branches, a mapping for model branches)."""
    grouped: dict[tuple, list[dict]] = {}
    order: list[tuple] = []
    for error in errors:
        key = tuple(p for p in error["loc"] if not _is_branch(p))
        if key not in grouped:
            order.append(key)
        grouped.setdefault(key, []).append(error)
    result = []
    for key in order:
        group = grouped[key]
        branched = [e for e in group if any(_is_branch(p) for p in e["loc"])]
        if len(branched) <= 1 or len(branched) != len(group):
            result.extend(group)
            continue
        # Several branches failed at the same place: prefer a branch-specific detail error.
        specific = [e for e in group if e["type"] not in _TYPE_WORDS and e["type"] != "is_instance_of"]
        result.extend(specific[:3] or [_summarize_types(group)])
    # Errors deeper inside a branch have longer locations; they pass through unchanged.
    return result


def _summarize_types(group: list[dict]) -> dict:
    words = sorted({_TYPE_WORDS.get(e["type"], e["type"]) for e in group})
    first = dict(group[0])
    first["type"] = "value_error"
    first["ctx"] = {"error": f"must be {' or '.join(words)}, got {format_value(first.get('input'))}"}
    return first


def _is_branch(part: Any) -> bool:
    if not isinstance(part, str):
        return False
    return (part.startswith(("list[", "dict[", "function-", "tagged-union", "union[", "constrained-"))
            or part in {"str", "int", "float", "bool", "Range", "InlineModel", "OnnxModel",
                        "InlineMemory", "none"})


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for problem in problems:
        if (problem.path, problem.message) not in seen:
            seen.add((problem.path, problem.message))
            result.append(problem)
    return result


def load_document(model: type[BaseModel], source: str | Path | Mapping) -> tuple[BaseModel, str]:
    """Validate a file path or an in-memory mapping; returns (object, source name)."""
    if isinstance(source, Mapping):
        return validate_model(model, source, "<mapping>"), "<mapping>"
    data, name = read_document(source)
    return validate_model(model, data, name), name
