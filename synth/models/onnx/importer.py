"""Import an ONNX model as a synth `Model`: one layer per node that does work, per sample.

The walk (docs/interop.md has the full mapping):
1. load (bounded, weights not read) and sort the graph (onnx_load);
2. pin symbolic input dimensions and infer every shape (onnx_shapes);
3. mark static tensors: initializers, Constant outputs, and outputs of nodes that read only
   static tensors or only shapes (ConstantOfShape, DequantizeLinear of an int8 weight, Shape,
   Reshape of a weight...). Static nodes are weight preprocessing: folded, not layers;
4. lower every other node (onnx_ops): conv/gemm/matmul shapes from the inferred shapes, a
   BatchNormalization that is the only reader of a conv's output folded into that conv, and
   everything else a vector layer with its element count;
5. merge identical consecutive layers into one row with `count` (exact: same shapes).
Any op that cannot be lowered, control flow, or a shape inference could not pin is reported
with the node's name and op type, all problems at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from math import prod
from pathlib import Path

import onnx
from onnx import TensorProto

from synth.errors import Problem, SpecError
from synth.models.layers import Layer, Model
from synth.models.onnx import ops as onnx_ops
from synth.models.onnx.load import describe_node, load_onnx
from synth.models.onnx.shapes import Shape, infer

MAX_COUNT = 1000  # the inline-model limit on `count`
_SHAPE_ONLY = frozenset({"Shape", "Size"})  # values depend on pinned shapes only
_CONV_LIKE = frozenset(onnx_ops.CONV_OPS) | {"ConvTranspose"}
_PARAM_TYPES = frozenset({TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.DOUBLE,
                          TensorProto.INT8, TensorProto.UINT8, TensorProto.INT4, TensorProto.UINT4})


@dataclass(frozen=True, slots=True)
class ImportedModel:
    """A model imported from ONNX, with what the import decided."""

    model: Model
    input_shapes: dict[str, Shape]  # every graph input as pinned
    batch_inputs: tuple[str, ...]  # inputs whose symbolic leading dimension was pinned to 1
    int8_layers: int  # layers from quantized ops (QLinearConv, ConvInteger, ...)
    folded_batchnorms: int
    folded_nodes: int  # static nodes (weight preprocessing, shape arithmetic)


def import_onnx(path: Path | str, *, key: str = "model", inputs: dict[str, list[int]] | None = None,
                dims: dict[str, int] | None = None, name: str | None = None) -> ImportedModel:
    """The per-sample layer table of an ONNX model; SpecError naming the file, key, nodes."""
    path = Path(path)
    loaded = load_onnx(path, f"{key}.onnx")
    source, file_key = loaded.source, f"{key}.onnx"
    problems = _unsupported(loaded.model.graph.node, source, file_key)
    if problems:
        raise SpecError(problems)
    graph_info = infer(loaded, key=key, inputs=inputs, dims=dims)
    graph = graph_info.model.graph
    shapes = graph_info.shapes

    static = set(graph_info.initializers)
    consumers: dict[str, int] = {}
    for node in graph.node:
        for tensor in node.input:
            consumers[tensor] = consumers.get(tensor, 0) + 1
    graph_outputs = {o.name for o in graph.output}
    producer_op: dict[str, str] = {}
    dtypes = _element_types(graph_info.model)
    layers: list[Layer] = []
    names: set[str] = set()
    folded_bn = folded_nodes = int8 = 0
    param_tensors: set[str] = set()
    for index, node in enumerate(graph.node):
        for tensor in node.output:
            producer_op[tensor] = node.op_type
        live_inputs = [t for t in node.input if t]
        if node.op_type in _SHAPE_ONLY or all(t in static for t in live_inputs):
            static.update(t for t in node.output if t)
            folded_nodes += 1
            continue
        param_tensors.update(t for t in live_inputs if t in static and dtypes.get(t) in _PARAM_TYPES
                             and prod(shapes.get(t) or (1,)) > 1)
        if (node.op_type == "BatchNormalization" and producer_op.get(node.input[0]) in _CONV_LIKE
                and consumers.get(node.input[0]) == 1 and node.input[0] not in graph_outputs):
            folded_bn += 1
            continue
        layer_name = _unique_name(node, index, names)
        try:
            lowered = _lower(node, layer_name, shapes, static)
        except _UnknownShape as exc:
            problems.append(Problem(source, file_key, f"node {describe_node(node)}: the shape of tensor "
                                    f"{exc.tensor!r} must be known after shape inference, got "
                                    f"{exc.shape} (pin the inputs with `inputs:` or `dims:`)"))
            continue
        except (ValueError, IndexError, ZeroDivisionError) as exc:
            problems.append(Problem(source, file_key, f"node {describe_node(node)} cannot be lowered to a "
                                    f"layer: {exc}"))
            continue
        int8 += len(lowered) if node.op_type in onnx_ops.INT8_OPS else 0
        layers.extend(lowered)
    if problems:
        raise SpecError(problems[:50])
    if not layers:
        raise SpecError([Problem(source, file_key, "the ONNX graph must compute something from its inputs; "
                                 "every node depends on weights or shapes only")])
    merged = merge_repeats(layers)
    model = Model(name or _clean(path.stem) or "onnx_model", tuple(merged),
                  description=f"imported from {path.name}", source=str(path))
    params = sum(prod(shapes.get(t) or (1,)) for t in param_tensors)
    model = replace(model, extra_params=max(0, params - model.params))
    return ImportedModel(model, graph_info.input_shapes, graph_info.batch_inputs, int8, folded_bn,
                         folded_nodes)


@lru_cache(maxsize=16)
def _import_cached(path: str, stamp: tuple[int, int], key: str, inputs: tuple, dims: tuple) -> ImportedModel:
    return import_onnx(path, key=key, inputs={k: list(v) for k, v in inputs} or None, dims=dict(dims) or None)


def import_onnx_cached(path: Path, *, key: str, inputs: dict[str, list[int]] | None,
                       dims: dict[str, int] | None) -> ImportedModel:
    """`import_onnx`, remembered per (file, modification time, size, pins): the solver resolves a
    workload's model many times."""
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = (0, 0)
    return _import_cached(str(path), stamp, key, tuple(sorted((k, tuple(v)) for k, v in (inputs or {}).items())),
                          tuple(sorted((dims or {}).items())))


class _UnknownShape(Exception):
    def __init__(self, tensor: str, shape):
        super().__init__(tensor)
        self.tensor, self.shape = tensor, shape


def _shape(shapes: dict[str, Shape | None], tensor: str) -> Shape:
    shape = shapes.get(tensor)
    if shape is None or any(d <= 0 for d in shape):
        raise _UnknownShape(tensor, shape)
    return shape


def _lower(node: onnx.NodeProto, name: str, shapes, static: set[str]) -> list[Layer]:
    op = node.op_type
    if op in onnx_ops.CONV_OPS:
        x_slot, w_slot = onnx_ops.CONV_OPS[op]
        x, w = _shape(shapes, node.input[x_slot]), _shape(shapes, node.input[w_slot])
        if len(x) < 3 or len(w) != len(x):
            raise ValueError(f"input rank {len(x)} and weight rank {len(w)} must be equal and >= 3")
        return onnx_ops.lower_conv(name, node, x, w, _shape(shapes, node.output[0]))
    if op == "ConvTranspose":
        return onnx_ops.lower_conv_transpose(name, node, _shape(shapes, node.input[0]),
                                             _shape(shapes, node.input[1]))
    if op in onnx_ops.MATMUL_OPS:
        a_slot, b_slot = onnx_ops.MATMUL_OPS[op]
        a_name, b_name = node.input[a_slot], node.input[b_slot]
        return onnx_ops.lower_matmul(name, node, _shape(shapes, a_name), _shape(shapes, b_name),
                                     a_name in static, b_name in static)
    if op == "Einsum" and len(node.input) > 1:
        lowered = None
        if len(node.input) == 2:
            a_name, b_name = node.input
            lowered = onnx_ops.lower_einsum(name, node, _shape(shapes, a_name), _shape(shapes, b_name),
                                            a_name in static, b_name in static)
        if lowered is None:
            raise ValueError("only a two-operand Einsum without '...' lowers to a product (a one-operand "
                             "Einsum is vector work); export it as MatMul")
        return lowered
    if op == "Attention":
        past = node.input[4] if len(node.input) > 4 and node.input[4] else None
        return onnx_ops.lower_attention(name, node, *(_shape(shapes, t) for t in node.input[:3]),
                                        _shape(shapes, past) if past else None)
    if op in onnx_ops.RECURRENT_GATES:
        return onnx_ops.lower_recurrent(name, node, _shape(shapes, node.input[0]), _shape(shapes, node.input[1]))
    ins = [_shape(shapes, t) for t in node.input if t and t not in static]
    outs = [_shape(shapes, t) for t in node.output[:1] if t]
    return onnx_ops.lower_vector(name, node, ins, outs)


def _unsupported(nodes, source: str, key: str) -> list[Problem]:
    """Control flow, ops outside the ONNX standard, and ops on non-numeric data: all at once."""
    problems = []
    for node in nodes:
        what = describe_node(node)
        if node.domain not in ("", "ai.onnx"):
            problems.append(Problem(source, key, f"node {what} is in the operator domain "
                                    f"{node.domain!r}; only standard ONNX operators (domain ai.onnx) "
                                    f"can be imported"))
        elif node.op_type in onnx_ops.CONTROL_FLOW:
            problems.append(Problem(source, key, f"node {what} is control flow (If/Loop/Scan run a "
                                    f"subgraph a data-dependent number of times); export the model with "
                                    f"the branch taken or the loop unrolled"))
        elif node.op_type in onnx_ops.UNLOWERED_MACS:
            problems.append(Problem(source, key, f"node {what} does multiply-accumulate work synth cannot "
                                    f"lower to its layers; export the model with Conv/MatMul instead"))
        elif node.op_type in onnx_ops.UNSUPPORTED or not onnx.defs.has(node.op_type):
            problems.append(Problem(source, key, f"node {what} is an operator synth cannot lower "
                                    f"(not a standard ONNX operator on numeric tensors)"))
    return problems[:50]


def _element_types(model: onnx.ModelProto) -> dict[str, int]:
    graph = model.graph
    types = {v.name: v.type.tensor_type.elem_type for v in [*graph.input, *graph.value_info, *graph.output]}
    types.update({t.name: t.data_type for t in graph.initializer})
    for node in graph.node:
        if node.op_type == "Constant":
            for attribute in node.attribute:
                if attribute.name == "value" and node.output:
                    types[node.output[0]] = attribute.t.data_type
    return types


def _clean(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+\-]", "_", text).strip("_")[:72]


def _unique_name(node: onnx.NodeProto, index: int, taken: set[str]) -> str:
    base = _clean(node.name)[:48] or _clean(node.output[0] if node.output else "")[:48] or str(index)
    if node.op_type.lower() not in base.lower():
        base = f"{base}_{node.op_type}"
    name, suffix = base, 1
    while name in taken:
        suffix += 1
        name = f"{base}_{suffix}"
    taken.add(name)
    return name


def merge_repeats(layers: list[Layer]) -> list[Layer]:
    """Identical consecutive layers (all fields but the name) as one row with `count` (at most
    MAX_COUNT per row, the inline-model limit); names made unique."""
    merged: list[Layer] = []
    for layer in _split_counts(layers):
        if merged:
            last = merged[-1]
            same = replace(last, name="", count=1) == replace(layer, name="", count=1)
            if same and last.count + layer.count <= MAX_COUNT:
                merged[-1] = replace(last, count=last.count + layer.count)
                continue
        merged.append(layer)
    return _unique_names(merged)


def _split_counts(layers: list[Layer]) -> list[Layer]:
    out = []
    for layer in layers:
        left = layer.count
        while left > MAX_COUNT:
            out.append(replace(layer, count=MAX_COUNT))
            left -= MAX_COUNT
        out.append(replace(layer, count=left))
    return out


def _unique_names(layers: list[Layer]) -> list[Layer]:
    taken: set[str] = set()
    out = []
    for layer in layers:
        name, suffix = layer.name[:72], 1
        while name in taken:
            suffix += 1
            name = f"{layer.name[:72]}_{suffix}"
        taken.add(name)
        out.append(replace(layer, name=name) if name != layer.name else layer)
    return out

