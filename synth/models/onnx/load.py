"""Read an ONNX file safely: bounded size, recognisable format, external data present, acyclic.

Weights are never read: `load_external_data=False`, and initializers held inside the file that
are larger than `SHAPE_TENSOR_LIMIT` bytes are turned into typed graph inputs before shape
inference (their values cannot feed a shape), so memory stays within about twice the file and a
model with 100 GB of external weights loads in the same time as its graph. That is why
`infer_shapes_path` is not needed: the graph handed to `infer_shapes` is always small.

Limits (docs/interop.md): the .onnx file itself at most `onnx_file.MAX_FILE_BYTES` (larger models keep
their weights in external data files, which are checked for presence and size but not read);
at most `MAX_NODES` nodes. Every failure is a SpecError naming the file and what must hold.
"""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass
from pathlib import Path

import onnx
from google.protobuf.message import DecodeError

from synth.errors import Problem, SpecError
from synth.models.onnx.file import problem, read_onnx_bytes

MAX_NODES = 200_000
SHAPE_TENSOR_LIMIT = 1 << 16  # bytes: initializers above this are weights, never shape tensors

@dataclass(frozen=True, slots=True)
class LoadedOnnx:
    """A parsed model whose nodes are in topological order, weights not loaded."""

    model: onnx.ModelProto
    source: str  # the file, as named in messages
    folder: Path  # where external data files are looked up


def load_onnx(path: Path, key: str) -> LoadedOnnx:
    """Parse `path` into a ModelProto without its weights; SpecError on anything unusable.

    key: the key path that named the file (e.g. `workloads[0].model.onnx`), for messages.
    """
    source = str(path)
    data = read_onnx_bytes(path, key)
    try:
        model = onnx.load_model_from_string(data)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise problem(source, key, f"must be an ONNX model; the protobuf does not parse "
                      f"(truncated or corrupt file?): {exc}") from None
    del data
    if model.ir_version <= 0 or not model.HasField("graph") or not model.opset_import:
        raise problem(source, key, "must be an ONNX model with an ir_version, an opset_import and a "
                      "graph; this protobuf has none of them (corrupt, or not an ONNX file)")
    if len(model.graph.node) == 0:
        raise problem(source, key, "the ONNX graph must have at least one node, got none")
    if len(model.graph.node) > MAX_NODES:
        raise problem(source, key, f"the ONNX graph must have at most {MAX_NODES} nodes, got "
                      f"{len(model.graph.node)}")
    folder = path.resolve().parent
    _check_external_data(model, source, key, folder)
    if model.functions:
        model = onnx.inliner.inline_local_functions(model)
    _sort_topologically(model, source, key)
    return LoadedOnnx(model, source, folder)


def _check_external_data(model: onnx.ModelProto, source: str, key: str, folder: Path) -> None:
    """Every external tensor's file exists inside the model's folder and is long enough."""
    problems = []
    for tensor in model.graph.initializer:
        if tensor.data_location != onnx.TensorProto.EXTERNAL:
            continue
        info = {entry.key: entry.value for entry in tensor.external_data}
        location = info.get("location", "")
        where = f"{key} (initializer {tensor.name!r})"
        target = (folder / location).resolve()
        if not location or os.path.isabs(location) or folder not in target.parents:
            problems.append(Problem(source, where, f"external data location must be a file name inside "
                                    f"the model's folder, got {location!r}"))
            continue
        try:
            available = target.stat().st_size
        except OSError:
            problems.append(Problem(source, where, f"external data file {location!r} is missing (looked in "
                                    f"{folder})"))
            continue
        try:
            needed = int(info.get("offset", 0)) + int(info.get("length", 0))
        except ValueError:
            problems.append(Problem(source, where, "external data offset and length must be integers, "
                                    f"got offset={info.get('offset')!r}, length={info.get('length')!r}"))
            continue
        if needed > available:
            problems.append(Problem(source, where, f"external data file {location!r} must hold at least "
                                    f"{needed} bytes (offset + length), got {available} (truncated?)"))
    if problems:
        raise SpecError(problems[:20])


def _sort_topologically(model: onnx.ModelProto, source: str, key: str) -> None:
    """Reorder graph.node so every node follows its producers (stable); SpecError on a cycle
    or an input that nothing produces."""
    graph = model.graph
    available = {t.name for t in graph.initializer} | {i.name for i in graph.input} | {""}
    producer: dict[str, int] = {}
    for index, node in enumerate(graph.node):
        for name in filter(None, node.output):  # "" is an optional output left out
            if name in producer or name in available:
                raise problem(source, key, f"tensor {name!r} must be produced once, but node "
                              f"{_describe(node)} produces it again")
            producer[name] = index
    missing = [(node, name) for node in graph.node for name in node.input
               if name not in available and name not in producer]
    if missing:
        node, name = missing[0]
        raise problem(source, key, f"node {_describe(node)} reads tensor {name!r}, which no node, "
                      f"initializer or graph input provides")
    waiting = [len({producer[n] for n in node.input if n in producer}) for node in graph.node]
    consumers: dict[int, list[int]] = {}
    for index, node in enumerate(graph.node):
        for up in {producer[n] for n in node.input if n in producer}:
            consumers.setdefault(up, []).append(index)
    ready = [i for i, count in enumerate(waiting) if count == 0]  # a heap: lowest index first (stable)
    order: list[int] = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for down in consumers.get(index, ()):
            waiting[down] -= 1
            if waiting[down] == 0:
                heapq.heappush(ready, down)
    if len(order) < len(graph.node):
        stuck = [graph.node[i] for i in range(len(graph.node)) if waiting[i] > 0]
        names = ", ".join(_describe(n) for n in stuck[:6])
        raise problem(source, key, f"the ONNX graph must be acyclic; these {len(stuck)} node(s) depend on "
                      f"each other in a cycle (or on one): {names}")
    if order != list(range(len(graph.node))):
        nodes = [graph.node[i] for i in order]
        copies = [onnx.NodeProto() for _ in nodes]
        for copy, node in zip(copies, nodes):
            copy.CopyFrom(node)
        del graph.node[:]
        graph.node.extend(copies)


def _describe(node: onnx.NodeProto) -> str:
    name = node.name or (node.output[0] if node.output else "?")
    return f"{name!r} ({node.op_type})"


def describe_node(node: onnx.NodeProto) -> str:
    """`'name' (OpType)` for messages."""
    return _describe(node)
