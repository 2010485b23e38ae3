"""Lower one ONNX node to synth layers (synth/models/layers.py), given every tensor's shape.

- Conv, ConvInteger, QLinearConv: `conv` (or `depthwise` when groups = C_in = C_out > 1) with
  the model's own h, w, kernel, stride and a symmetric padding that gives ONNX's output size.
  A convolution that has no such square form (non-square kernel or stride, dilation, 1-D or
  3-D, asymmetric padding no symmetric one reproduces) becomes a 1x1 conv over its im2col
  input: h x w = output size, c_in = C_in * kernel elements. GEMM shape, MACs and weights stay
  exact; only the input read is counted at im2col size.
- ConvTranspose: a 1x1 conv on the input with c_out = C_out * kernel elements (col2im after).
- Gemm, MatMul, MatMulInteger, QLinearMatMul, Einsum: `gemm` when one operand is a weight
  (static), `matmul` with `heads` = broadcast batch when both are activations (attention's
  QK^T and AV); batched weights [g, K, N] become a grouped 1x1 conv (g GEMMs with weights).
- Everything else: a `vector` layer, elements = output elements, `ops_per_element` from the
  table below (estimates, as the zoo's: softmax 5, layer norm 5, GELU 8, pooling = window).
"""

from __future__ import annotations

from math import prod

import onnx
from onnx import helper

from synth.models.layers import Layer, conv_output_size

Shape = tuple[int, ...]
MAX_VECTOR_OPS = 1000  # the inline-model limit on ops_per_element

CONV_OPS = {"Conv": (0, 1), "ConvInteger": (0, 1), "QLinearConv": (0, 3)}  # (input, weight) slots
MATMUL_OPS = {"MatMul": (0, 1), "MatMulInteger": (0, 1), "QLinearMatMul": (0, 3), "Gemm": (0, 1)}
INT8_OPS = frozenset({"ConvInteger", "QLinearConv", "MatMulInteger", "QLinearMatMul"})

_VECTOR_OPS_PER_ELEMENT = {
    "Softmax": 5, "LogSoftmax": 5, "Hardmax": 3, "LayerNormalization": 5, "GroupNormalization": 5,
    "InstanceNormalization": 5, "MeanVarianceNormalization": 5, "RMSNormalization": 4,
    "BatchNormalization": 2, "Gelu": 8, "Erf": 4, "Sigmoid": 4, "Tanh": 4, "Exp": 4, "Log": 4,
    "Sqrt": 4, "Reciprocal": 4, "Pow": 4, "Softplus": 4, "Softsign": 3, "Elu": 4, "Selu": 4,
    "Celu": 4, "Mish": 8, "Swish": 5, "HardSwish": 3, "HardSigmoid": 2, "Sin": 4, "Cos": 4,
    "Tan": 4, "Asin": 4, "Acos": 4, "Atan": 4, "Sinh": 4, "Cosh": 4, "Asinh": 4, "Acosh": 4,
    "Atanh": 4, "PRelu": 2, "LeakyRelu": 2, "ThresholdedRelu": 2, "Clip": 2, "DequantizeLinear": 2,
    "QuantizeLinear": 3, "DynamicQuantizeLinear": 4,
}
_POOL_OPS = frozenset({"MaxPool", "AveragePool", "LpPool", "MaxRoiPool", "MaxUnpool"})
_REDUCE_OPS = frozenset({"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "ReduceMean", "ReduceSum",
                         "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                         "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin"})
# Never lowered: control flow runs a subgraph a data-dependent number of times.
CONTROL_FLOW = frozenset({"If", "Loop", "Scan"})
# Multiply-accumulate work with no lowering here: an error rather than MACs silently dropped.
UNLOWERED_MACS = frozenset({"DeformConv", "LinearAttention"})
RECURRENT_GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
# Not tensors of numbers an accelerator computes on.
UNSUPPORTED = frozenset({
    "SequenceAt", "SequenceConstruct", "SequenceEmpty", "SequenceErase", "SequenceInsert",
    "SequenceLength", "SequenceMap", "SplitToSequence", "ConcatFromSequence", "Optional",
    "OptionalGetElement", "OptionalHasElement", "StringNormalizer", "StringConcat", "StringSplit",
    "RegexFullMatch", "TfIdfVectorizer",
})


def attributes(node: onnx.NodeProto) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _square_conv(spatial: Shape, out: Shape, kernel: Shape, strides: Shape, dilations: Shape,
                 pads: Shape):
    """(kernel, stride, padding) of a square conv that gives ONNX's output size, or None.
    The node's own padding is tried first when it is symmetric, then 0, 1, ..."""
    if len(spatial) != 2 or kernel[0] != kernel[1] or strides[0] != strides[1] or any(d != 1 for d in dilations):
        return None
    own = [pads[0]] if len(set(pads)) == 1 and pads[0] <= 64 else []
    for padding in own + list(range(0, min(kernel[0], 64) + 1)):
        if all(conv_output_size(size, kernel[0], strides[0], padding) == o for size, o in zip(spatial, out)):
            return kernel[0], strides[0], padding
    return None


def lower_conv(name: str, node: onnx.NodeProto, x: Shape, w: Shape, y: Shape) -> list[Layer]:
    attrs = attributes(node)
    groups = int(attrs.get("group", 1))
    batch, c_in, spatial = x[0], x[1], x[2:]
    c_out, kernel, out = w[0], w[2:], y[2:]
    rank = len(spatial)
    strides = tuple(attrs.get("strides", (1,) * rank))
    dilations = tuple(attrs.get("dilations", (1,) * rank))
    pads = tuple(attrs.get("pads", (0,) * 2 * rank))
    square = _square_conv(spatial, out, kernel, strides, dilations, pads)
    if square is not None and c_out <= 10_000_000:
        size_k, stride, padding = square
        if groups == c_in == c_out and groups > 1:
            return [Layer(name, "depthwise", count=batch, h=spatial[0], w=spatial[1], c_in=c_in,
                          c_out=c_out, kernel=size_k, stride=stride, padding=padding)]
        return [Layer(name, "conv", count=batch, h=spatial[0], w=spatial[1], c_in=c_in, c_out=c_out,
                      kernel=size_k, stride=stride, padding=padding, groups=groups)]
    h_out, w_out = (out[0], prod(out[1:])) if out else (1, 1)
    return [Layer(name, "conv", count=batch, h=h_out, w=w_out, c_in=c_in * prod(kernel), c_out=c_out,
                  kernel=1, groups=groups)]


def lower_conv_transpose(name: str, node: onnx.NodeProto, x: Shape, w: Shape) -> list[Layer]:
    groups = int(attributes(node).get("group", 1))
    batch, c_in, spatial = x[0], x[1], x[2:]
    c_out = w[1] * groups
    h, w_in = (spatial[0], prod(spatial[1:])) if spatial else (1, 1)
    return [Layer(name, "conv", count=batch, h=h, w=w_in, c_in=c_in, c_out=c_out * prod(w[2:]),
                  kernel=1, groups=groups)]


def _matrix(shape: Shape, transpose: bool = False) -> tuple[Shape, int, int]:
    """(batch dims, rows, cols) of an operand; a vector is a 1 x K row."""
    if len(shape) == 1:
        shape = (1, shape[0])
    batch, rows, cols = shape[:-2], shape[-2], shape[-1]
    return (batch, cols, rows) if transpose else (batch, rows, cols)


def lower_matmul(name: str, node: onnx.NodeProto, a: Shape, b: Shape, a_static: bool,
                 b_static: bool) -> list[Layer]:
    attrs = attributes(node) if node.op_type == "Gemm" else {}
    a_batch, m, k = _matrix(a, bool(attrs.get("transA", 0)))
    b_batch, k_b, n = _matrix(b, bool(attrs.get("transB", 0)))
    if len(b) == 1:  # x @ v: v is a K vector, the product a column
        b_batch, n = (), 1
    out_batch = _broadcast(a_batch, b_batch)
    if b_static and not a_static:
        return _weight_product(name, rows=m * prod(out_batch), weight_batch=prod(b_batch), k=k, n=n)
    if a_static and not b_static:  # W @ x = (x^T W^T)^T: x's columns are the rows
        return _weight_product(name, rows=n * prod(out_batch), weight_batch=prod(a_batch), k=k, n=m)
    return [Layer(name, "matmul", m=m, k=k, n=n, heads=prod(out_batch))]


def _weight_product(name: str, *, rows: int, weight_batch: int, k: int, n: int) -> list[Layer]:
    if weight_batch == 1:
        return [Layer(name, "gemm", m=rows, k=k, n=n)]
    per_group = max(1, rows // weight_batch)
    return [Layer(name, "conv", h=per_group, w=1, c_in=weight_batch * k, c_out=weight_batch * n,
                  kernel=1, groups=weight_batch)]


def _broadcast(a: Shape, b: Shape) -> Shape:
    width = max(len(a), len(b))
    a, b = (1,) * (width - len(a)) + tuple(a), (1,) * (width - len(b)) + tuple(b)
    return tuple(max(x, y) for x, y in zip(a, b))


def lower_einsum(name: str, node: onnx.NodeProto, a: Shape, b: Shape, a_static: bool,
                 b_static: bool) -> list[Layer] | None:
    """A two-operand Einsum as a (batched) product; None when the equation is not one."""
    equation = str(attributes(node).get("equation", b"").decode() if isinstance(
        attributes(node).get("equation"), bytes) else attributes(node).get("equation", ""))
    equation = equation.replace(" ", "")
    if "..." in equation:
        return None
    if "->" not in equation:  # implicit output: the letters that appear once, in order
        equation += "->" + "".join(sorted(c for c in set(equation) if c.isalpha() and equation.count(c) == 1))
    lhs, out = equation.split("->")
    terms = lhs.split(",")
    if len(terms) != 2 or len(terms[0]) != len(a) or len(terms[1]) != len(b):
        return None
    size = {**dict(zip(terms[1], b)), **dict(zip(terms[0], a))}
    in_a, in_b, in_out = set(terms[0]), set(terms[1]), set(out)
    pick = lambda letters: prod(size[c] for c in letters)  # noqa: E731
    heads = pick(in_a & in_b & in_out)
    k = pick((in_a & in_b) - in_out)
    m, n = pick((in_a - in_b) & in_out), pick((in_b - in_a) & in_out)
    if b_static and not a_static:
        return _weight_product(name, rows=m * heads, weight_batch=1, k=k, n=n) if heads == 1 or \
            not (in_b & in_out & in_a) else [Layer(name, "matmul", m=m, k=k, n=n, heads=heads)]
    if a_static and not b_static and heads == 1:
        return _weight_product(name, rows=n, weight_batch=1, k=k, n=m)
    return [Layer(name, "matmul", m=m, k=k, n=n, heads=heads)]


def lower_vector(name: str, node: onnx.NodeProto, inputs: list[Shape], outputs: list[Shape]) -> list[Layer]:
    """Element-wise, reduction, pooling and data-movement work on the vector unit."""
    out_elements = sum(prod(s) for s in outputs[:1]) or 1
    reads = sum(prod(s) for s in inputs)
    op = node.op_type
    if op in _POOL_OPS:
        ops = prod(attributes(node).get("kernel_shape", (1,)))
    elif op in _REDUCE_OPS:
        ops = max(1, reads // out_elements)
    elif op == "Resize" or op == "Upsample":
        mode = attributes(node).get("mode", b"nearest")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        ops = {"linear": 4, "cubic": 16}.get(mode, 1)
    elif op == "LRN":
        ops = int(attributes(node).get("size", 1)) + 2
    else:
        ops = _VECTOR_OPS_PER_ELEMENT.get(op, 1)
    if ops > MAX_VECTOR_OPS:  # one op per element read instead: same work, within the table's bound
        return [Layer(name, "vector", elements=max(reads, 1), ops_per_element=1, input_elements=reads)]
    return [Layer(name, "vector", elements=out_elements, ops_per_element=ops,
                  input_elements=reads if reads != out_elements else 0)]


def lower_attention(name: str, node: onnx.NodeProto, q: Shape, k: Shape, v: Shape,
                    past_key: Shape | None) -> list[Layer]:
    """ONNX `Attention` (opset 23): QK^T and AV per head as `matmul` layers, softmax between.
    Q/K/V are [B, heads, S, D] or [B, S, heads * D] with `q_num_heads` / `kv_num_heads`."""
    attrs = attributes(node)
    if len(q) == 4:
        batch, heads, q_len, head_dim = q
        kv_len, v_dim = k[2], v[3]
    else:
        heads = int(attrs.get("q_num_heads", 0))
        kv_heads = int(attrs.get("kv_num_heads", 0))
        if heads < 1 or kv_heads < 1:
            raise ValueError("3-D Q, K, V need the q_num_heads and kv_num_heads attributes")
        batch, q_len, head_dim = q[0], q[1], q[2] // heads
        kv_len, v_dim = k[1], v[2] // kv_heads
    if past_key is not None:
        kv_len += past_key[2]
    scores = batch * heads * q_len * kv_len
    return [Layer(f"{name}_qk", "matmul", m=q_len, k=head_dim, n=kv_len, heads=batch * heads),
            Layer(f"{name}_softmax", "vector", elements=scores, ops_per_element=5),
            Layer(f"{name}_av", "matmul", m=q_len, k=kv_len, n=v_dim, heads=batch * heads)]


def lower_recurrent(name: str, node: onnx.NodeProto, x: Shape, w: Shape) -> list[Layer]:
    """LSTM / GRU / RNN: the input projection of every step as one gemm, the recurrent product
    (batch x hidden) @ (hidden x gates*hidden) once per step and direction, and the gates' work."""
    gates = RECURRENT_GATES[node.op_type]
    layout = int(attributes(node).get("layout", 0))
    seq, batch = (x[1], x[0]) if layout else (x[0], x[1])
    directions, gate_width, input_size = w
    hidden = gate_width // gates
    return [Layer(f"{name}_input", "gemm", m=seq * batch, k=input_size, n=directions * gate_width),
            Layer(f"{name}_recurrent", "gemm", count=seq * directions, m=batch, k=hidden,
                  n=gate_width),
            Layer(f"{name}_gates", "vector", elements=seq * batch * directions * gate_width,
                  ops_per_element=4)]
