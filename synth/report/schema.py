"""result.json on disk: strict JSON out, a checked document in.

Out: `dumps(data)` writes one JSON document that strict parsers accept. JSON has no infinity
or NaN, so a non-finite number (a float, or the "inf"/"-inf"/"nan" strings the library uses)
becomes null, with a sibling `<key>_status` of "infinite", "negative_infinite" or "undefined"
saying why; inside a list it becomes null.

In: `read_result(path)` reads a result.json (up to MAX_RESULT_BYTES: a 2,000-layer inline model
gives ~5 MB), parses it as strict JSON, puts the non-finite values back, and checks it against
the shape `synth solve` writes: every problem as `key.path: must ..., got ...` (SpecError, exit
2), so a tampered file (`{"status": "optimal"}`, strings where numbers belong) is rejected
before anything renders it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from synth.errors import Problem, SpecError, format_value
from synth.spec.design import Design
from synth.spec.validate import validate_model

MAX_RESULT_BYTES = 64 << 20
_STATUS = {"infinite": math.inf, "negative_infinite": -math.inf, "undefined": math.nan}
_WORDS = {"inf": "infinite", "+inf": "infinite", "infinity": "infinite", "-inf": "negative_infinite",
          "-infinity": "negative_infinite", "nan": "undefined"}
STATUSES = ("optimal", "feasible", "infeasible", "unknown", "error")


# --- out --------------------------------------------------------------------------------------------
# Strings that are the user's words, never a number written as "inf": a workload may be named "nan".
_TEXT_KEYS = frozenset({"name", "workload", "model", "scenario", "precision", "memory", "dataflow", "method",
                        "status", "unit", "requirement", "message", "study", "storage", "source", "notes"})
_USER_DOCUMENTS = frozenset({"requirements", "design"})  # copied from the user's files as written


def _non_finite(value: Any, text: bool) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "undefined" if math.isnan(value) else "infinite" if value > 0 else "negative_infinite"
    if isinstance(value, str) and not text:
        return _WORDS.get(value.strip().lower())
    return None


def strict(value: Any, *, text: bool = False) -> Any:
    """`value` with every non-finite number replaced by null (+ a `<key>_status` sibling); the
    library's "inf"/"nan" strings count as numbers, except under keys that hold user text."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            as_text = text or key in _TEXT_KEYS or key in _USER_DOCUMENTS
            word = _non_finite(item, as_text)
            if word is not None:
                out[str(key)], out[f"{key}_status"] = None, word
            else:
                out.setdefault(str(key), strict(item, text=as_text))
        return out
    if isinstance(value, (list, tuple)):
        return [None if isinstance(v, float) and not math.isfinite(v) else strict(v, text=text) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(data: Any) -> str:
    """One strict JSON document (no NaN, no Infinity), indented."""
    return json.dumps(strict(data), indent=2, allow_nan=False)


def restore(value: Any) -> Any:
    """Undo `strict`: null with a `<key>_status` sibling becomes the float it stood for."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            status = value.get(f"{key}_status")
            if item is None and status in _STATUS:
                out[key] = _STATUS[status]
            elif not (key.endswith("_status") and value.get(key[: -len("_status")], 0) is None
                      and item in _STATUS):
                out[key] = restore(item)
        return out
    if isinstance(value, list):
        return [restore(v) for v in value]
    return value


# --- in ---------------------------------------------------------------------------------------------
def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON; write null (and a <key>_status)")


def read_result(path: str | Path) -> dict[str, Any]:
    """A result.json, parsed, with non-finite values restored and its shape checked."""
    source, file = str(path), Path(path)
    try:
        if not file.is_file():
            raise SpecError([Problem(source, "", "must be a result.json file written by `synth solve -o`")])
        with file.open("rb") as stream:
            raw = stream.read(MAX_RESULT_BYTES + 1)
    except OSError as exc:
        raise SpecError([Problem(source, "", f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_RESULT_BYTES:
        raise SpecError([Problem(source, "", f"must be at most {MAX_RESULT_BYTES} bytes, got more")])
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SpecError([Problem(source, "", f"must be a JSON document written by `synth solve`: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(source, "", "must be a JSON document written by `synth solve`: nested "
                                 "too deeply")]) from None
    problems = check_result(data, source)
    if problems:
        raise SpecError(problems)
    return restore(data)


def check_result(data: Any, source: str) -> list[Problem]:
    """Every way `data` differs from the shape of a result.json (as `Result.to_dict()` writes it)."""
    found: list[Problem] = []

    def need(value: Any, path: str, kinds: tuple, words: str, optional: bool = False) -> bool:
        if (value is None and optional) or (isinstance(value, kinds) and not
                                            (isinstance(value, bool) and bool not in kinds)):
            return value is not None
        found.append(Problem(source, path, f"must be {words}, got {format_value(value)}"))
        return False

    number = (int, float)
    if not need(data, "", (dict,), "a result.json mapping"):
        return found
    for key in ("status", "method", "seed", "objective", "certificate", "design", "evaluation"):
        if key not in data:
            found.append(Problem(source, key, "required key is missing"))
    status = data.get("status")
    if status not in STATUSES:
        found.append(Problem(source, "status", f"must be one of {list(STATUSES)}, got {format_value(status)}"))
    need(data.get("method"), "method", (str,), "a string", optional="method" not in data)
    need(data.get("seed"), "seed", (int,), "an integer", optional="seed" not in data)
    objective = data.get("objective")
    if need(objective, "objective", (dict,), "a {name, value, unit} mapping", optional="objective" not in data):
        need(objective.get("name"), "objective.name", (str,), "a string")
        _number(objective, "value", "objective", need)
        need(objective.get("unit"), "objective.unit", (str,), "a string or null", optional=True)
    certificate = data.get("certificate")
    if need(certificate, "certificate", (dict,), "a mapping", optional="certificate" not in data):
        for key in ("objective", "bound", "gap"):
            _number(certificate, key, "certificate", need)
        need(certificate.get("notes", []), "certificate.notes", (list,), "a list")
    has_design = status in ("optimal", "feasible")
    design = data.get("design")
    if need(design, "design", (dict,), "a design mapping" + ("" if has_design else " or null"),
            optional=not has_design or "design" not in data) and design is not None:
        found += _design_problems(design, "design", source)
    evaluation = data.get("evaluation")
    if need(evaluation, "evaluation", (dict,), "a mapping" + ("" if has_design else " or null"),
            optional=not has_design or "evaluation" not in data) and evaluation is not None:
        _evaluation(evaluation, "evaluation", need, source, found)
    for key in ("alternatives", "relaxation", "notes", "sensitivity", "curves"):
        if key in data:
            need(data[key], key, (list,), "a list")
    for i, alt in enumerate(data.get("alternatives") or [] if isinstance(data.get("alternatives"), list) else []):
        if need(alt, f"alternatives[{i}]", (dict,), "a mapping"):
            _number(alt, "objective", f"alternatives[{i}]", need)
            if need(alt.get("evaluation"), f"alternatives[{i}].evaluation", (dict,), "a mapping"):
                _evaluation(alt["evaluation"], f"alternatives[{i}].evaluation", need, source, found)
    for key in ("refinement", "pareto", "requirements"):
        need(data.get(key), key, (dict,), "a mapping or null", optional=True)
    for i, row in enumerate(data.get("notes") or [] if isinstance(data.get("notes"), list) else []):
        need(row, f"notes[{i}]", (str,), "a string")
    need(data.get("design_points"), "design_points", number, "a number or null", optional=True)
    return found


def _number(mapping: dict, key: str, path: str, need) -> None:  # noqa: ANN001
    value = mapping.get(key)
    if value is None and mapping.get(f"{key}_status") in _STATUS:
        return
    need(value, f"{path}.{key}", (int, float), "a number or null", optional=True)


def _design_problems(design: dict, path: str, source: str) -> list[Problem]:
    try:
        validate_model(Design, design, source, prefix=path)
    except SpecError as exc:
        return list(exc.problems)
    return []


def _evaluation(ev: dict, path: str, need, source: str, found: list[Problem]) -> None:  # noqa: ANN001
    for key in ("chip", "system"):
        part = ev.get(key)
        if need(part, f"{path}.{key}", (dict,), "a mapping"):
            _numbers_only(part, f"{path}.{key}", need)
    workloads = ev.get("workloads")
    if need(workloads, f"{path}.workloads", (list,), "a list"):
        for i, w in enumerate(workloads):
            where = f"{path}.workloads[{i}]"
            if not need(w, where, (dict,), "a mapping"):
                continue
            need(w.get("name"), f"{where}.name", (str,), "a string")
            for key, value in w.items():
                if key in ("latency_ms",) and isinstance(value, dict):
                    _numbers_only(value, f"{where}.{key}", need)
                elif key.endswith(("_ms", "_ips", "_pct", "_mib", "_inference", "utilization", "percentile")):
                    _number(w, key, where, need)
                elif key in ("batch", "replicas", "cores_per_replica"):
                    need(value, f"{where}.{key}", (int,), "an integer")
    need(ev.get("feasible"), f"{path}.feasible", (bool,), "true or false")
    need(ev.get("violations", []), f"{path}.violations", (list,), "a list")


def _numbers_only(part: dict, path: str, need) -> None:  # noqa: ANN001
    for key, value in part.items():
        if key.endswith("_status"):
            continue
        if isinstance(value, dict):
            _numbers_only(value, f"{path}.{key}", need)
        else:
            _number(part, key, path, need)
