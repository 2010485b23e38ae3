"""Safe, bounded loading of YAML/JSON documents.

No input can hang the tool or run code: the file size, nesting depth, number of nodes and
alias uses are bounded, and only plain YAML tags load (no python objects).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from synth.errors import Problem, SpecError

MAX_FILE_BYTES = 1 << 20  # 1 MiB: a requirements file is a page of text
MAX_DEPTH = 24
MAX_NODES = 200_000
MAX_ALIASES = 256


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting, alias bombs and node floods while composing."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._aliases = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML signature
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitError(f"more than {MAX_ALIASES} alias uses (*name); is it an alias bomb?")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _LimitError(f"more than {MAX_NODES} YAML nodes")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _LimitError(f"nesting deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _LimitError(Exception):
    pass


def _count_expanded(value: Any, budget: int) -> int:
    """Nodes in `value` with aliases expanded, stopping early once `budget` is exceeded."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > budget:
            return seen
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return seen


def parse_text(text: str, source: str) -> Any:
    """Parse YAML (JSON is YAML) text into plain Python data, or raise SpecError."""
    try:
        loader = _BoundedLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except _LimitError as exc:
        raise SpecError([Problem(source, "", f"input too large or too deep: {exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "could not determine a constructor" in str(exc):
            problem = "tags such as !!python/... are not allowed; write plain YAML values"
        raise SpecError([Problem(source, "", f"not valid YAML: {where}{problem}")]) from None
    except RecursionError:
        raise SpecError([Problem(source, "", f"nesting deeper than {MAX_DEPTH} levels")]) from None
    if _count_expanded(data, MAX_NODES) > MAX_NODES:
        raise SpecError([Problem(source, "", f"more than {MAX_NODES} values once aliases are expanded")])
    return data


def read_document(path: str | Path) -> tuple[Any, str]:
    """Read and parse a YAML/JSON file; returns (data, source name for messages)."""
    source = str(path)
    file = Path(path)
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise SpecError([Problem(source, "", "file not found")]) from None
    except OSError as exc:
        raise SpecError([Problem(source, "", f"cannot read: {exc.strerror}")]) from None
    if file.is_dir():
        raise SpecError([Problem(source, "", "is a directory, expected a YAML file")])
    if size > MAX_FILE_BYTES:
        raise SpecError([Problem(source, "", f"file must be at most {MAX_FILE_BYTES} bytes, got {size}")])
    raw = file.read_bytes()
    if b"\x00" in raw:
        raise SpecError([Problem(source, "", "binary data (NUL bytes); expected a YAML text file")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError([Problem(source, "", f"not UTF-8 text (bad byte at offset {exc.start})")]) from None
    return parse_text(text, source), source
