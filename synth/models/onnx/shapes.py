"""Pin the symbolic dimensions of an ONNX model's inputs and infer every tensor's shape.

Pinning, in order:
1. `inputs: {name: [d0, d1, ...]}` replaces an input's whole shape;
2. `dims: {symbol: value}` replaces every occurrence of a symbolic dimension (`dim_param`);
3. the batch dimension: the leading dimension of every graph input of rank >= 2 that is still
   symbolic or unknown is pinned to 1 (a symbolic one wherever its name appears). synth imports
   per-sample layers and applies the batch a design chooses itself. A batch dimension the file
   fixes (or the user pins) at B > 1 is kept: one run of the graph, B samples, is then what synth
   calls one inference.
Any dimension still unknown is an error naming the input, the dimension and the key to set.
Shapes then come from `onnx.shape_inference.infer_shapes(strict_mode=True, data_prop=True)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import onnx
from onnx import TensorProto, helper

from synth.errors import Problem, SpecError
from synth.models.onnx.load import SHAPE_TENSOR_LIMIT, LoadedOnnx, problem

Shape = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class InferredGraph:
    """The graph after pinning and inference: a shape per tensor (None when not inferred)."""

    model: onnx.ModelProto
    shapes: dict[str, Shape | None]
    initializers: frozenset[str]
    input_shapes: dict[str, Shape]
    batch_inputs: tuple[str, ...]  # inputs whose leading dimension was pinned to 1 as the batch


def _dims(value_info: onnx.ValueInfoProto) -> list[onnx.TensorShapeProto.Dimension] | None:
    kind = value_info.type.WhichOneof("value")
    if kind != "tensor_type" or not value_info.type.tensor_type.HasField("shape"):
        return None
    return list(value_info.type.tensor_type.shape.dim)


def _set_dims(value_info: onnx.ValueInfoProto, values: list[int]) -> None:
    shape = value_info.type.tensor_type.shape
    del shape.dim[:]
    for value in values:
        shape.dim.add().dim_value = value


def pin_inputs(loaded: LoadedOnnx, *, key: str, inputs: dict[str, list[int]] | None,
               dims: dict[str, int] | None) -> tuple[dict[str, Shape], tuple[str, ...]]:
    """Write concrete shapes into the graph inputs; return them and the batch-pinned inputs."""
    graph, source = loaded.model.graph, loaded.source
    initializer_names = {t.name for t in graph.initializer}
    activations = [i for i in graph.input if i.name not in initializer_names]
    by_name = {i.name: i for i in activations}
    raw_dims = dims
    inputs, dims = dict(inputs or {}), dict(dims or {})
    problems: list[Problem] = []
    for name in inputs:
        if name not in by_name:
            problems.append(Problem(source, f"{key}.inputs.{name}", f"must name a graph input "
                                    f"({', '.join(by_name) or 'the graph has none'}), got {name!r}"))
    symbols = {d.dim_param for i in activations for d in (_dims(i) or []) if d.dim_param}
    for name in dims:
        if name not in symbols:
            problems.append(Problem(source, f"{key}.dims.{name}", f"must be a symbolic dimension of the "
                                    f"model's inputs ({', '.join(sorted(symbols)) or 'it has none'}), "
                                    f"got {name!r}"))
    pinned: dict[str, Shape] = {}
    batch_inputs = []
    for value_info in activations:  # a symbolic batch dimension is 1 wherever it appears
        declared = _dims(value_info) or []
        if (len(declared) >= 2 and declared[0].dim_param and declared[0].dim_param not in dims
                and value_info.name not in inputs):
            dims.setdefault(declared[0].dim_param, 1)
            batch_inputs.append(value_info.name)
    auto_batch = {name for name in dims if name not in (raw_dims or {})}
    for value_info in activations:
        name = value_info.name
        declared = _dims(value_info)
        if declared is None:
            if name not in inputs:
                problems.append(Problem(source, f"{key}.inputs.{name}", f"must be given (the input "
                                        f"{name!r} declares no tensor shape), got nothing"))
                continue
            declared = []
        given = inputs.get(name)
        if given is not None and declared and len(given) != len(declared):
            problems.append(Problem(source, f"{key}.inputs.{name}", f"must have {len(declared)} "
                                    f"dimensions (the input's rank), got {given}"))
            continue
        values: list[int] = []
        for axis, dim in enumerate(declared or [None] * len(given or [])):
            where = f"dimension {axis}"
            if given is not None:
                value = given[axis]
                if dim is not None and dim.HasField("dim_value") and dim.dim_value != value:
                    problems.append(Problem(source, f"{key}.inputs.{name}", f"{where} is fixed at "
                                            f"{dim.dim_value} by the model, got {value}"))
            elif dim.HasField("dim_value") and dim.dim_value > 0:
                value = dim.dim_value
            elif dim.dim_param and dim.dim_param in dims:
                value = dims[dim.dim_param]
                if dim.dim_param in auto_batch and axis == 0 and name not in batch_inputs:
                    batch_inputs.append(name)
            elif axis == 0 and len(declared) >= 2:
                value = 1
                batch_inputs.append(name)
            else:
                value = 0
                if dim.dim_param:
                    problems.append(Problem(source, f"{key}.dims.{dim.dim_param}", f"must be given (the "
                                            f"input {name!r} has a symbolic dimension "
                                            f"{dim.dim_param!r}), got nothing"))
                else:
                    problems.append(Problem(source, f"{key}.inputs.{name}", f"must be given ({where} of "
                                            f"the input {name!r} is unknown), got nothing"))
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                if value != 0:
                    problems.append(Problem(source, f"{key}.inputs.{name}", f"{where} must be a whole "
                                            f"number >= 1, got {value!r}"))
                value = 0
            values.append(value)
        if all(v >= 1 for v in values):
            _set_dims(value_info, values)
            pinned[name] = tuple(values)
    if problems:
        raise SpecError(problems)
    return pinned, tuple(batch_inputs)


def _weights_as_inputs(model: onnx.ModelProto) -> None:
    """Large (or external) initializers become typed graph inputs: their values cannot feed a
    shape, and inference then never copies them."""
    graph = model.graph
    keep, moved = [], []
    for tensor in graph.initializer:
        external = tensor.data_location == TensorProto.EXTERNAL
        if external or tensor.ByteSize() > SHAPE_TENSOR_LIMIT:
            moved.append(helper.make_tensor_value_info(tensor.name, tensor.data_type, list(tensor.dims)))
        else:
            keep.append(tensor)
    if not moved:
        return
    declared = {i.name for i in graph.input}
    kept = [onnx.TensorProto() for _ in keep]
    for copy, tensor in zip(kept, keep):
        copy.CopyFrom(tensor)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    graph.input.extend(v for v in moved if v.name not in declared)
    for value_info in graph.input:  # an input listed for an initializer: give it the tensor's shape
        match = next((v for v in moved if v.name == value_info.name), None)
        if match is not None and value_info is not match:
            value_info.type.CopyFrom(match.type)


def infer(loaded: LoadedOnnx, *, key: str, inputs: dict[str, list[int]] | None = None,
          dims: dict[str, int] | None = None) -> InferredGraph:
    """Pin the inputs, then infer every tensor's shape (SpecError naming the failing node)."""
    model = loaded.model
    initializers = frozenset(t.name for t in model.graph.initializer)
    input_shapes, batch_inputs = pin_inputs(loaded, key=key, inputs=inputs, dims=dims)
    _weights_as_inputs(model)
    try:
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True,
                                                     data_prop=True)
    except (onnx.shape_inference.InferenceError, onnx.checker.ValidationError, RuntimeError) as exc:
        text = " ".join(str(exc).split())
        raise problem(loaded.source, f"{key}.onnx", f"shapes of the ONNX graph must be inferable with the pinned "
                      f"inputs {input_shapes}; ONNX shape inference failed: {text[:600]}") from None
    shapes: dict[str, Shape | None] = {}
    graph = inferred.graph
    for value_info in [*graph.input, *graph.value_info, *graph.output]:
        declared = _dims(value_info)
        if declared is None or any(not d.HasField("dim_value") or d.dim_value < 0 for d in declared):
            shapes.setdefault(value_info.name, None)
        else:
            shapes[value_info.name] = tuple(d.dim_value for d in declared)
    for tensor in graph.initializer:
        shapes[tensor.name] = tuple(tensor.dims)
    for node in graph.node:
        if node.op_type == "Constant":
            for attribute in node.attribute:
                if attribute.name == "value" and node.output:
                    shapes[node.output[0]] = tuple(attribute.t.dims)
    return InferredGraph(inferred, shapes, initializers | {i.name for i in graph.input
                                                           if i.name not in input_shapes},
                         input_shapes, batch_inputs)


def elements(shape: Shape) -> int:
    return prod(shape) if shape else 1
