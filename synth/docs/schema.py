"""Reading the JSON Schema of the input files into reference tables (docs/requirements.md).

Types, constraints and defaults come from `model_json_schema()`; what a key means comes from
its `Field(description=...)` in synth.spec, the one place it is written. A field without a
description stops the rendering, so a new key cannot go undocumented.
"""

from __future__ import annotations

import json

from synth.spec.design import Design
from synth.spec.requirements import Requirements

# Key paths of shared definitions, where the first place they occur would mislead.
_SHARED_PATHS = {"Range": "space.<variable>"}


def num(value) -> str:
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else f"{value:g}"


def _ref(schema: dict) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def _branches(schema: dict) -> list[dict]:
    options = schema.get("anyOf") or schema.get("oneOf")
    if options is None:
        return [schema]
    return [b for option in options if option.get("type") != "null" for b in _branches(option)]


def _type(schema: dict, defs: dict) -> str:
    branches = _branches(schema)
    if len(branches) > 1:
        return " or ".join(_type(b, defs) for b in branches)
    schema = branches[0]
    name = _ref(schema)
    if name:
        return _type(defs[name], defs) if "enum" in defs[name] else f"`{name}`"
    kind = schema.get("type")
    if kind == "array":
        inner = _type(schema["items"], defs)
        return f"list of ({inner})" if " or " in inner else f"list of {inner}"
    if kind == "object":
        values = schema.get("additionalProperties")
        return f"mapping of name to {_type(values, defs)}" if isinstance(values, dict) else "mapping"
    return kind or "any"


def _constraint(schema: dict, defs: dict) -> str:
    parts, branches = [], _branches(schema)
    for branch in branches:
        label = f"{_type(branch, defs)}: " if len(branches) > 1 else ""
        name = _ref(branch)
        if name:
            branch = defs[name] if "enum" in defs[name] else {}
        words = []
        if "const" in branch:
            words.append(f"`{branch['const']}`")
        if "enum" in branch:
            words.append("one of " + ", ".join(f"`{v}`" for v in branch["enum"]))
        for key, sign in (("exclusiveMinimum", ">"), ("minimum", ">="), ("exclusiveMaximum", "<"),
                          ("maximum", "<=")):
            if key in branch:
                words.append(f"{sign} {num(branch[key])}")
        if "minLength" in branch or "maxLength" in branch:
            words.append(f"{branch.get('minLength', 0)} to {branch.get('maxLength', '∞')} characters")
        if "pattern" in branch:
            words.append(f"pattern `{branch['pattern']}`")
        if branch.get("type") == "array":
            inner = _constraint(branch["items"], defs)
            if inner:
                words.append(f"each {inner}")
            words.append(f"{branch.get('minItems', 0)} to {branch.get('maxItems', '∞')} items")
        if branch.get("type") == "object" and isinstance(branch.get("additionalProperties"), dict):
            inner = _constraint(branch["additionalProperties"], defs)
            if inner:
                words.append(f"each value {inner}")
            if "maxProperties" in branch:
                words.append(f"at most {branch['maxProperties']} entries")
        if words:
            parts.append(label + ", ".join(words))
    return "; ".join(parts)


def _default(field: str, schema: dict, required: list[str], defs: dict) -> str:
    if field in required:
        return "**required**"
    if "default" in schema:
        value = schema["default"]
        if value is None:
            return "none"
        return f"`{value}`" if isinstance(value, str) else f"`{json.dumps(value)}`"
    if any(_ref(b) in defs or b.get("type") == "object" for b in _branches(schema)):
        return "`{}`"
    return "none"


def _children(schema: dict, path: str, defs: dict) -> list[tuple[str, str]]:
    """(definition, key path) of every object definition a field's value can be."""
    found = []
    for branch in _branches(schema):
        name = _ref(branch)
        if name and "properties" in defs[name]:
            found.append((name, path))
        elif branch.get("type") == "array":
            found += _children(branch["items"], path + "[]", defs)
        elif branch.get("type") == "object" and isinstance(branch.get("additionalProperties"), dict):
            found += _children(branch["additionalProperties"], path + ".<name>", defs)
    return found


def _sections(defs: dict, name: str, path: str, schema: dict, seen: dict[str, str]) -> list[tuple[str, str, dict]]:
    """(definition, key path, schema) of this object and every object below it, depth first; a
    definition already rendered (`seen`: name -> key path) is not repeated."""
    out = [(name, path, schema)]
    for field, sub in schema["properties"].items():
        for child, child_path in _children(sub, f"{path}.{field}" if path else field, defs):
            if child not in seen:
                seen[child] = _SHARED_PATHS.get(child, child_path)
                out += _sections(defs, child, seen[child], defs[child], seen)
    return out


def _table(name: str, path: str, schema: dict, defs: dict) -> list[str]:
    lines = ["| key | type | constraint | default | description |", "|---|---|---|---|---|"]
    required = schema.get("required", [])
    for field, sub in schema["properties"].items():
        note = " ".join(str(sub.get("description") or "").split())
        if not note:
            raise LookupError(f"no description of {name}.{field}: give the field a "
                              f"Field(description=...) in synth.spec")
        key = f"{path}.{field}" if path else field
        cells = (f"`{key}`", _type(sub, defs), _constraint(sub, defs), _default(field, sub, required, defs), note)
        lines.append("| " + " | ".join(c.replace("|", "\\|") or "–" for c in cells) + " |")
    return lines


def render_file(root: dict, root_name: str, seen: dict[str, str]) -> list[str]:
    """The reference tables of one file (requirements or design), one per object definition."""
    defs = root.get("$defs", {})
    out: list[str] = []
    for name, path, schema in _sections(defs, root_name, "", root, seen):
        title = f"`{path}`" if path else "Top level"
        out += ["", f"### {title} ({name})", ""]
        if schema.get("description"):
            out += [schema["description"], ""]
        out += _table(name, path, schema, defs)
    return out


def schema_fields() -> dict[str, list[str]]:
    """Every object definition of both files and its fields (for tests)."""
    found: dict[str, list[str]] = {}
    for model in (Requirements, Design):
        schema = model.model_json_schema()
        for name, schema_def in [(model.__name__, schema)] + list(schema.get("$defs", {}).items()):
            if "properties" in schema_def:
                found[name] = list(schema_def["properties"])
    return found
