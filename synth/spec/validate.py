"""Turn raw documents into validated, frozen spec objects, reporting every problem at once.

Pydantic's errors are rewritten as `key.path: must ..., got ...`, with the key path as the user
wrote it: the names pydantic gives union branches (`list`, `range`, `inline`, a layer's `gemm`)
are found by walking the schema and left out.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

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
_LENGTH_WORDS = {  # error type -> (bound in ctx, comparison, unit)
    "too_short": ("min_length", "at least", "item"),
    "too_long": ("max_length", "at most", "item"),
    "string_too_short": ("min_length", "at least", "character"),
    "string_too_long": ("max_length", "at most", "character"),
}
# How a branch of a tagged union reads in "must be A, B or C"; a model branch without an entry
# reads as the mapping of its required keys, e.g. "a {name, layers} mapping".
_BRANCH_WORDS = {
    "list": "a list",
    "range": "a {min, max} range",
    "builtin": "a built-in model name (see `synth models`)",
    "onnx": "{onnx: path}",
    "catalog": "a memory name",
}
ModelT = TypeVar("ModelT", bound=BaseModel)  # validate_model returns an instance of the class it is given


# --- where an error is: walking a pydantic location through the schema ----------------------------
@dataclass(frozen=True, slots=True)
class _Place:
    path: str  # the key path as the user wrote it, e.g. "workloads[0].model.layers[2]"
    annotation: Any  # the schema's type at this place (None if the location left the schema)
    discriminator: str | None  # the key that picks the branch, if the type is a tagged union
    branches: dict[str, Any]  # when the last step chose a union branch: every branch, by tag

    @property
    def keys(self) -> tuple[str, ...] | None:
        """Keys a mapping at this place may have, if known."""
        inner = _unwrap(self.annotation)[0]
        return tuple(inner.model_fields) if _is_model(inner) else None

    @property
    def tags(self) -> list[str]:
        """Tags of the tagged union at this place (empty if it is not one)."""
        inner, discriminator = _unwrap(self.annotation, self.discriminator)
        return list(_branches(inner, discriminator)) if get_origin(inner) in (Union, UnionType) else []


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _unwrap(annotation: Any, discriminator: str | None = None) -> tuple[Any, str | None]:
    """The annotation without Annotated[...] and Optional[...], and the union's discriminator key."""
    while True:
        if get_origin(annotation) is Annotated:
            inner, *metadata = get_args(annotation)
            for item in metadata:
                if isinstance(item, FieldInfo) and isinstance(item.discriminator, str):
                    discriminator = item.discriminator
            annotation = inner
        elif get_origin(annotation) in (Union, UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation, discriminator
            annotation = members[0]
        else:
            return annotation, discriminator


def _branches(union: Any, discriminator: str | None) -> dict[str, Any]:
    """Tag -> annotation for each branch of a tagged union: Tag(...) or the discriminator's Literal."""
    result: dict[str, Any] = {}
    for member in get_args(union):
        metadata = get_args(member)[1:] if get_origin(member) is Annotated else ()
        tags = [item.tag for item in metadata if isinstance(item, Tag)]
        inner, _ = _unwrap(member)
        if not tags and discriminator and _is_model(inner) and discriminator in inner.model_fields:
            literal = inner.model_fields[discriminator].annotation
            tags = [str(value) for value in get_args(literal)] if get_origin(literal) is Literal else []
        for tag in tags:
            result[tag] = member
    return result


def _locate(root: type[BaseModel], loc: tuple[int | str, ...]) -> _Place:
    """Follow a pydantic error location through the schema of `root`."""
    annotation: Any = root
    discriminator: str | None = None
    inner: Any
    branches: dict[str, Any]
    path, branches = "", {}
    for part in loc:
        inner, discriminator = _unwrap(annotation, discriminator) if annotation is not None else (None, None)
        branches, next_discriminator = {}, None
        if isinstance(part, int):
            items = get_args(inner) if get_origin(inner) in (list, tuple) else ()
            annotation, path = (items[0] if items else None), f"{path}[{part}]"
            next_discriminator = discriminator if items else None
        elif _is_model(inner) and part in inner.model_fields:
            field = inner.model_fields[part]
            annotation, path = field.annotation, f"{path}.{part}" if path else part
            next_discriminator = field.discriminator if isinstance(field.discriminator, str) else None
        elif get_origin(inner) is dict:
            annotation, path = get_args(inner)[1], f"{path}.{_key(part)}" if path else _key(part)
        elif get_origin(inner) in (Union, UnionType) and part in (tagged := _branches(inner, discriminator)):
            annotation, branches = tagged[part], tagged
        elif _is_branch(part):
            continue
        else:
            annotation, path = None, f"{path}.{_key(part)}" if path else _key(part)
        discriminator = next_discriminator
    return _Place(path, annotation, discriminator, branches)


def _key(part: Any) -> str:
    """A key as it appears in a key path: quoted when it is empty or holds spaces, dots,
    brackets or control characters, so that the path shows it."""
    text = str(part)
    if text and all(c.isalnum() or c in "_-+" for c in text):
        return text
    return json.dumps(text)


def _branch_words(branches: dict[str, Any]) -> str:
    words = []
    for tag, member in branches.items():
        inner = _unwrap(member)[0]
        if tag in _BRANCH_WORDS or not _is_model(inner):
            words.append(_BRANCH_WORDS.get(tag, tag))
        else:
            required = [name for name, field in inner.model_fields.items() if field.is_required()]
            words.append(f"a {{{', '.join(required or inner.model_fields)}}} mapping")
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]


# --- messages ----------------------------------------------------------------------------------------
def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _message(error: ErrorDetails, place: _Place, root: type[BaseModel]) -> tuple[str, str]:
    """(key path, message) for one pydantic error."""
    kind, ctx, given, path = error["type"], error.get("ctx") or {}, error.get("input"), place.path
    got = f"got {format_value(given)}"
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        path = path or _key(key)
        allowed = list(_locate(root, error["loc"][:-1]).keys or ())
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return path, f"unknown key{hint}{listing}"
    if kind == "invalid_key":
        return _locate(root, error["loc"][:-1]).path, f"keys must be strings, {got}"
    if kind == "missing":
        return path, "required key is missing"
    if kind in _TYPE_WORDS and place.branches:
        return path, f"must be {_branch_words(place.branches)}, {got}"
    if kind in _BOUND_WORDS:
        name, word = _BOUND_WORDS[kind]
        return path, f"must be {word} {_number(ctx.get(name))}, {got}"
    if kind == "finite_number":
        return path, f"must be a finite number, {got}"
    if kind in _TYPE_WORDS:
        return path, f"must be {_TYPE_WORDS[kind]}, {got}"
    if kind in ("literal_error", "enum"):
        return path, f"must be one of {ctx.get('expected')}, {got}"
    if kind in _LENGTH_WORDS:
        bound, word, unit = _LENGTH_WORDS[kind]
        limit = ctx.get(bound)
        actual = ctx.get("actual_length", len(given) if hasattr(given, "__len__") else "?")
        unit = unit if limit == 1 else unit + "s"
        return path, f"must have {word} {limit} {unit}, got {actual}"
    if kind == "string_pattern_mismatch":
        return path, f"must use only letters, digits and _ . + -, {got}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = str(ctx.get("discriminator", "")).strip("'\"")
        key_path = f"{path}.{key}" if key.isidentifier() else path
        expected = ctx.get("expected_tags") or ", ".join(repr(tag) for tag in place.tags)
        if kind == "union_tag_not_found":
            return key_path, f"required key is missing; must be one of {expected}"
        return key_path, f"must be one of {expected}, got {format_value(ctx.get('tag'))}"
    if kind in ("value_error", "assertion_error"):
        return path, str(ctx.get("error", error["msg"]))
    return path, f"{error['msg']}, {got}"


def validate_model(model: type[ModelT], data: Any, source: str, *, prefix: str = "",
                   cross_checks: Callable[[Any, str], list[Problem]] | None = None) -> ModelT:
    """Validate plain data against a spec model, or raise SpecError with every problem.

    cross_checks(data, source): checks that span keys, run on the plain data when the schema
    fails too, so that one pass reports every problem (those under a key the schema already
    reported are left out)."""
    if data is None:
        raise SpecError([Problem(source, prefix, "must be a mapping of keys, got an empty document")])
    if not isinstance(data, Mapping):
        message = f"must be a mapping (key: value), got {format_value(data)}"
        raise SpecError([Problem(source, prefix, message)])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in _union_collapse(exc.errors()):
            path, message = _message(error, _locate(model, error["loc"]), model)
            full = f"{prefix}.{path}" if prefix and path else (prefix or path)
            problems.append(Problem(source, full, message))
        if cross_checks is not None:
            reported = {p.path for p in problems}
            problems += [p for p in cross_checks(data, source) if not _under(p.path, reported)]
        raise SpecError(_unique(problems)) from None


def _under(path: str, reported: set[str]) -> bool:
    """`path` is one of `reported` or inside one of them."""
    return any(path == r or path.startswith((r + ".", r + "[")) for r in reported)


def _union_collapse(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """For a value that matched no branch of an untagged union, report the closest branch.

    Pydantic reports one error per branch, with the branch's name in the location (e.g.
    `x.list[int]` and `x.str`). Keep branch-specific detail errors, or else one summary of the
    types that would have been accepted. (Tagged unions report one branch and pass through.)"""
    grouped: dict[tuple[int | str, ...], list[ErrorDetails]] = {}
    order: list[tuple[int | str, ...]] = []
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
        specific = [e for e in group if e["type"] not in _TYPE_WORDS and e["type"] != "is_instance_of"]
        result.extend(specific[:3] or [_summarize_types(group)])
    return result


def _summarize_types(group: list[ErrorDetails]) -> ErrorDetails:
    words = sorted({_TYPE_WORDS.get(e["type"], e["type"]) for e in group})
    first = group[0].copy()
    first["type"] = "value_error"
    first["ctx"] = {"error": f"must be {' or '.join(words)}, got {format_value(first.get('input'))}"}
    return first


def _is_branch(part: Any) -> bool:
    """A union branch name pydantic puts in locations of untagged unions (`list[int]`, `str`)."""
    if not isinstance(part, str):
        return False
    return (part.startswith(("list[", "dict[", "function-", "tagged-union", "union[", "constrained-"))
            or part in {"str", "int", "float", "bool", "none"})


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for problem in problems:
        if (problem.path, problem.message) not in seen:
            seen.add((problem.path, problem.message))
            result.append(problem)
    return result


def load_document(model: type[ModelT], source: str | Path | Mapping[str, Any], *,
                  cross_checks: Callable[[Any, str], list[Problem]] | None = None) -> tuple[ModelT, str]:
    """Validate a file path or an in-memory mapping; returns (object, source name)."""
    if isinstance(source, Mapping):
        return validate_model(model, source, "<mapping>", cross_checks=cross_checks), "<mapping>"
    data, name = read_document(source)
    return validate_model(model, data, name, cross_checks=cross_checks), name
