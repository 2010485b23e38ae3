"""Safe, bounded loading of YAML/JSON documents.

No input can hang the tool or run code: the file size, nesting depth, number of nodes and
alias uses are bounded, and only plain YAML tags load (no python objects). Every limit is
checked while the document is composed, before any value is built, so a hostile file is
rejected in milliseconds. Events come from libyaml when PyYAML was built with it (about five
times faster than the pure-Python parser); the composer that applies the limits is PyYAML's.

Departures from YAML 1.1, as in YAML 1.2 and JSON: `1e3` is a number (YAML 1.1 reads it as a
string, so a JSON file with 1e-05 would fail); a key given twice in one mapping is an error
(YAML 1.1 silently keeps the last value); and the plain scalars whose meaning YAML 1.1 and 1.2
disagree on are errors that say how to write them: base-60 numbers (`1:30`, 90 in YAML 1.1),
`yes/no/on/off` (booleans in YAML 1.1, strings in 1.2) and leading-zero integers (`012`, octal
in YAML 1.1).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner
from yaml.tokens import Token

from synth.errors import Problem, SpecError

MAX_FILE_BYTES = 1 << 20  # 1 MiB: a requirements file is a page of text
MAX_DEPTH = 24  # the deepest the schema nests is 7 (workloads[i].model.layers[j].key)
MAX_NODES = 50_000  # a 2,000-layer inline model is ~38,000 nodes; 50,000 compose in ~0.4 s
MAX_ALIASES = 256

_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_MERGE_TAG = _YAML_TAG_PREFIX + "merge"
_FLOAT_TAG = _YAML_TAG_PREFIX + "float"
# YAML 1.2 / JSON floats with an exponent and no dot (1e3, -2E-5); YAML 1.1 needs a dot.
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$")


class _LimitError(Exception):
    pass


_AMBIGUOUS_TAG = "tag:synth:yaml-1.1-scalar"
_BASE_60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_YES_NO = re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")
_OCTAL = re.compile(r"^[-+]?0[0-9_]+$")


class Yaml11Scalar(str):
    """A plain scalar YAML 1.1 and 1.2 read differently; `parse_text` reports each one."""

    line: int = 0
    column: int = 0

    def advice(self) -> str:
        text = str(self)
        if _YES_NO.match(text):
            return (f"{text!r} is a boolean in YAML 1.1 but a string in YAML 1.2; write true or false, "
                    f"or quote it (\"{text}\") for text")
        if _BASE_60.match(text):
            seconds = 0.0
            for part in text.lstrip("+-").replace("_", "").split(":"):
                seconds = seconds * 60 + float(part)
            sign = "-" if text.startswith("-") else ""
            return (f"{text!r} is a base-60 number in YAML 1.1 ({sign}{seconds:g}) but a string in YAML "
                    f"1.2; write the number (e.g. {sign}{seconds:g}), or quote it (\"{text}\") for text")
        return (f"{text!r} is octal in YAML 1.1 but decimal in YAML 1.2; write it without the leading "
                f"zero (e.g. {int(text.replace('_', ''), 10)}), or quote it (\"{text}\") for text")


class _Resolver(Resolver):
    """PyYAML's resolver plus exponent floats; the resolver table is copied, not shared.
    Plain scalars that YAML 1.1 and 1.2 read differently resolve to a tag of their own."""

    yaml_implicit_resolvers = {first: list(entries) for first, entries in
                               Resolver.yaml_implicit_resolvers.items()}

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:  # PyYAML's signature
        if kind is ScalarNode and implicit[0] and (
                _BASE_60.match(value) or _YES_NO.match(value) or _OCTAL.match(value)):
            return _AMBIGUOUS_TAG
        # BaseResolver.resolve is untyped in PyYAML's stubs.
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call,no-any-return]


for _first in "-+0123456789.":
    _Resolver.yaml_implicit_resolvers.setdefault(_first, []).append((_FLOAT_TAG, _EXPONENT_FLOAT))


class _PythonEvents(Reader, Scanner, Parser):
    """The pure-Python event source, for PyYAML built without libyaml."""

    def __init__(self, stream: str):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)

    def fetch_flow_collection_start(self, token_class: type[Token]) -> None:  # PyYAML's signature
        # The scanner looks ahead over every open `[` or `{` (quadratic time); stop it early.
        if self.flow_level >= MAX_DEPTH:
            mark = self.get_mark()
            raise _LimitError(f"must nest at most {MAX_DEPTH} levels deep, got deeper at line "
                              f"{mark.line + 1}, column {mark.column + 1}")
        super().fetch_flow_collection_start(token_class)


class _BoundedComposer(Composer):
    """PyYAML's composer with limits on depth, nodes and aliases, and no duplicate keys."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._nodes = 0
        self._aliases = 0

    # Given by the event source the loader class mixes in (PyYAML's Parser or libyaml's CParser).
    peek_event: Callable[[], Any]
    check_event: Callable[..., bool]

    def _where(self) -> str:
        mark = self.peek_event().start_mark
        return f"line {mark.line + 1}, column {mark.column + 1}"

    def compose_node(self, parent: Node | None, index: int) -> Node | None:  # PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitError(f"must use at most {MAX_ALIASES} aliases (*name), got more at "
                                  f"{self._where()}; is it an alias bomb?")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _LimitError(f"must have at most {MAX_NODES} values, got more at {self._where()}")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _LimitError(f"must nest at most {MAX_DEPTH} levels deep, got deeper at {self._where()}")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor: Any) -> MappingNode:  # PyYAML's signature (anchor: str | None)
        node = super().compose_mapping_node(anchor)
        first_seen: dict[tuple[str, str], Any] = {}
        for key, _ in node.value:
            if not isinstance(key, ScalarNode) or key.tag == _MERGE_TAG:
                continue
            ident = (key.tag, key.value)
            if ident in first_seen:
                raise yaml.composer.ComposerError(
                    None, None, f"duplicate key {key.value!r} (first given at line "
                    f"{first_seen[ident].line + 1}); give each key once", key.start_mark)
            first_seen[ident] = key.start_mark
        return node


def _loader(events: type) -> type:
    """A loader class: `events` (libyaml or pure Python) -> bounded composer -> safe values."""

    class Loader(_BoundedComposer, events, SafeConstructor, _Resolver):  # type: ignore[misc]  # a base chosen at run time
        def __init__(self, stream: str):
            events.__init__(self, stream)  # type: ignore[misc]  # PyYAML's mixins: the event source's own __init__
            _BoundedComposer.__init__(self)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)

    Loader.__name__ = Loader.__qualname__ = f"_Bounded{events.__name__}Loader"
    Loader.add_constructor(_AMBIGUOUS_TAG, _construct_ambiguous)
    return Loader


def _construct_ambiguous(_loader: Any, node: ScalarNode) -> Yaml11Scalar:  # Any: the stubs know only PyYAML's loaders
    value = Yaml11Scalar(node.value)
    value.line, value.column = node.start_mark.line + 1, node.start_mark.column + 1
    return value


def _ambiguous(value: Any, path: str, found: list[tuple[str, Yaml11Scalar]]) -> None:
    """Every Yaml11Scalar in `value` (a plain document, at most MAX_DEPTH deep) with its key path."""
    if isinstance(value, Yaml11Scalar):
        found.append((path, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, Yaml11Scalar):
                found.append((f"{path}.{key}" if path else str(key), key))
            _ambiguous(item, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _ambiguous(item, f"{path}[{i}]", found)


_PythonLoader = _loader(_PythonEvents)
# CParser is not re-exported by the PyYAML stubs' yaml.cyaml.
_LOADER = _loader(yaml.cyaml.CParser) if yaml.__with_libyaml__ else _PythonLoader  # type: ignore[attr-defined]


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


def _yaml_message(exc: yaml.YAMLError) -> str:
    """`line L, column C: what is wrong (context)` from a PyYAML or libyaml error."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    tag = re.fullmatch(r"could not determine a constructor for the tag '(.*)'", problem)
    if tag:
        name = tag.group(1).replace(_YAML_TAG_PREFIX, "!!")
        return (f"{where}tag {name} is not allowed; write plain values (mappings, lists, strings, "
                f"numbers, true/false, null)")
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context:
        at = f" at line {context_mark.line + 1}, column {context_mark.column + 1}" if context_mark else ""
        problem = f"{problem} ({context}{at})"
    return f"{where}{problem}"


def parse_text(text: str, source: str) -> Any:
    """Parse YAML (JSON is YAML) text into plain Python data, or raise SpecError."""
    try:
        loader = _LOADER(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except _LimitError as exc:
        raise SpecError([Problem(source, "", f"input too large or too deep: {exc}")]) from None
    except yaml.YAMLError as exc:
        message = _yaml_message(exc)
        if "nesting depth" in message:  # libyaml >= 0.2.5 stops at its own depth limit first
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise SpecError([Problem(source, "", f"input too large or too deep: must nest at most "
                                     f"{MAX_DEPTH} levels deep, got deeper{where}")]) from None
        raise SpecError([Problem(source, "", f"not valid YAML: {message}")]) from None
    except RecursionError:
        raise SpecError([Problem(source, "", f"must nest at most {MAX_DEPTH} levels deep")]) from None
    if _count_expanded(data, MAX_NODES) > MAX_NODES:
        raise SpecError([Problem(source, "", f"input too large: must have at most {MAX_NODES} values "
                                 "once aliases are expanded, got more; is it an alias bomb?")])
    found: list[tuple[str, Yaml11Scalar]] = []
    _ambiguous(data, "", found)
    if found:
        raise SpecError([Problem(source, path, f"line {value.line}, column {value.column}: {value.advice()}")
                         for path, value in found])
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
    try:
        with file.open("rb") as stream:  # bounded: /dev/zero or a growing file has no end
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SpecError([Problem(source, "", f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise SpecError([Problem(source, "", f"file must be at most {MAX_FILE_BYTES} bytes, got more")])
    if b"\x00" in raw:
        raise SpecError([Problem(source, "", "must be a YAML text file, got binary data (NUL bytes)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"must be UTF-8 text, got a bad byte at offset {exc.start}"
        raise SpecError([Problem(source, "", message)]) from None
    return parse_text(text, source), source
