"""JSON for the frozen result types: `to_json` writes plain JSON types, `from_json` reads them
back into the typed records, naming the key path of the first value of the wrong type.

JSON has no infinity or NaN: a non-finite float is written as the string "inf", "-inf" or
"nan" and read back as the float.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import types
import typing
from typing import Any, Union

_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


class DecodeError(ValueError):
    """A JSON value does not have the type its record field needs."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path or '<root>'}: {message}")
        self.path = path
        self.message = message


def to_json(value: Any) -> Any:
    """Plain JSON types: records become objects, enums their values, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.metadata.get("json", True)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if hasattr(value, "item"):  # numpy scalars
        return to_json(value.item())
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def from_json(kind: Any, data: Any, path: str = "") -> Any:
    """`data` read as `kind` (a record class, enum, tuple[...], dict[str, ...], X | None, ...)."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return data
    if origin in (Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        errors = []
        for option in (o for o in options if o is not type(None)):
            try:
                return from_json(option, data, path)
            except DecodeError as exc:
                errors.append(exc)
        raise errors[0] if errors else DecodeError(path, "must not be null")
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record(kind, data, path)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(data)
        except ValueError:
            raise DecodeError(path, f"must be one of {[m.value for m in kind]}, got {data!r}") from None
    if origin is tuple or origin is list:
        if not isinstance(data, list):
            raise DecodeError(path, f"must be a list, got {_kind(data)}")
        args = typing.get_args(kind)
        item = args[0] if args else Any
        items = [from_json(item, v, f"{path}[{i}]") for i, v in enumerate(data)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(data, dict):
            raise DecodeError(path, f"must be a mapping, got {_kind(data)}")
        _, value_kind = typing.get_args(kind) or (str, Any)
        return {str(k): from_json(value_kind, v, f"{path}.{k}") for k, v in data.items()}
    if kind is float:
        if isinstance(data, str) and data in _NON_FINITE:
            return _NON_FINITE[data]
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise DecodeError(path, f"must be a number, got {_kind(data)}")
        return float(data)
    if kind is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise DecodeError(path, f"must be an integer, got {_kind(data)}")
        return data
    if kind is bool or kind is str:
        if not isinstance(data, kind):
            raise DecodeError(path, f"must be a {'boolean' if kind is bool else 'string'}, got {_kind(data)}")
        return data
    raise TypeError(f"from_json: unsupported type {kind!r}")


def _record(kind: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise DecodeError(path, f"must be a mapping, got {_kind(data)}")
    hints = typing.get_type_hints(kind)
    values = {}
    for f in dataclasses.fields(kind):
        if not f.init or not f.metadata.get("json", True):
            continue
        key = f"{path}.{f.name}" if path else f.name
        if f.name in data:
            values[f.name] = from_json(hints[f.name], data[f.name], key)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise DecodeError(key, "is missing")
    return kind(**values)


def _kind(value: Any) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:80]
