"""ONNX models built with onnx.helper for the interop tests (weights are zeros: only shapes matter)."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 21


def weight(name: str, shape, dtype=np.float32) -> onnx.TensorProto:
    return numpy_helper.from_array(np.zeros(shape, dtype=dtype), name)


def ints(name: str, values) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def scalar(name: str, value, dtype=np.float32) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def model(nodes, inputs, initializers, outputs=("y",), opset: int = OPSET) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "test", inputs,
                              [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None) for o in outputs],
                              initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def transformer_block(hidden: int = 64, heads: int = 4, ffn: int = 256) -> onnx.ModelProto:
    """A post-norm encoder block, input [N, seq, hidden] with symbolic N and seq."""
    head = hidden // heads
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", "seq", hidden])
    inits = [weight("wq", (hidden, hidden)), weight("wk", (hidden, hidden)), weight("wv", (hidden, hidden)),
             weight("wo", (hidden, hidden)), weight("w1", (hidden, ffn)), weight("w2", (ffn, hidden)),
             weight("ln1_g", (hidden,)), weight("ln1_b", (hidden,)), weight("ln2_g", (hidden,)),
             weight("ln2_b", (hidden,)), ints("split_heads", [0, 0, heads, head]),
             ints("merge_heads", [0, 0, hidden]), scalar("scale", float(head) ** 0.5)]
    n = helper.make_node
    nodes = [
        n("MatMul", ["x", "wq"], ["q"], name="q_proj"),
        n("MatMul", ["x", "wk"], ["k"], name="k_proj"),
        n("MatMul", ["x", "wv"], ["v"], name="v_proj"),
        n("Reshape", ["q", "split_heads"], ["q4"], name="q_split"),
        n("Transpose", ["q4"], ["qh"], name="q_heads", perm=[0, 2, 1, 3]),
        n("Reshape", ["k", "split_heads"], ["k4"], name="k_split"),
        n("Transpose", ["k4"], ["kt"], name="k_heads_t", perm=[0, 2, 3, 1]),
        n("Reshape", ["v", "split_heads"], ["v4"], name="v_split"),
        n("Transpose", ["v4"], ["vh"], name="v_heads", perm=[0, 2, 1, 3]),
        n("MatMul", ["qh", "kt"], ["scores"], name="qk"),
        n("Div", ["scores", "scale"], ["scaled"], name="scale_scores"),
        n("Softmax", ["scaled"], ["probs"], name="softmax", axis=-1),
        n("MatMul", ["probs", "vh"], ["ctx"], name="av"),
        n("Transpose", ["ctx"], ["ctx_t"], name="ctx_t", perm=[0, 2, 1, 3]),
        n("Reshape", ["ctx_t", "merge_heads"], ["ctx_m"], name="ctx_merge"),
        n("MatMul", ["ctx_m", "wo"], ["attn"], name="o_proj"),
        n("Add", ["attn", "x"], ["res1"], name="residual1"),
        n("LayerNormalization", ["res1", "ln1_g", "ln1_b"], ["h1"], name="ln1", axis=-1),
        n("MatMul", ["h1", "w1"], ["f1"], name="ffn1"),
        n("Relu", ["f1"], ["f1r"], name="ffn_relu"),
        n("MatMul", ["f1r", "w2"], ["f2"], name="ffn2"),
        n("Add", ["f2", "h1"], ["res2"], name="residual2"),
        n("LayerNormalization", ["res2", "ln2_g", "ln2_b"], ["y"], name="ln2", axis=-1),
    ]
    return model(nodes, [x], inits)


def depthwise_block() -> onnx.ModelProto:
    """Depthwise-separable block with BatchNorm, a TF-style strided depthwise conv (pads 0/1) and a
    1x7 convolution (no square form)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 16, 16])
    bn = lambda p, c: [weight(f"{p}_{s}", (c,)) for s in ("scale", "bias", "mean", "var")]  # noqa: E731
    inits = [weight("w_dw", (32, 1, 3, 3)), *bn("bn1", 32), weight("w_pw", (64, 32, 1, 1)), *bn("bn2", 64),
             weight("w_dw2", (64, 1, 3, 3)), weight("w_1x7", (16, 64, 1, 7))]
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w_dw"], ["c1"], name="dw1", group=32, kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("BatchNormalization", ["c1", "bn1_scale", "bn1_bias", "bn1_mean", "bn1_var"], ["b1"], name="bn1"),
        n("Relu", ["b1"], ["r1"], name="relu1"),
        n("Conv", ["r1", "w_pw"], ["c2"], name="pw1", kernel_shape=[1, 1]),
        n("BatchNormalization", ["c2", "bn2_scale", "bn2_bias", "bn2_mean", "bn2_var"], ["b2"], name="bn2"),
        n("Conv", ["b2", "w_dw2"], ["c3"], name="dw2", group=64, kernel_shape=[3, 3], strides=[2, 2],
          pads=[0, 0, 1, 1]),
        n("Conv", ["c3", "w_1x7"], ["y"], name="conv1x7", kernel_shape=[1, 7], pads=[0, 3, 0, 3]),
    ]
    return model(nodes, [x], inits)


def quantized_block() -> onnx.ModelProto:
    """QuantizeLinear, QLinearConv, ConvInteger, DequantizeLinear weights under a MatMul,
    QLinearMatMul and MatMulInteger."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])
    u8 = np.uint8
    inits = [scalar("s", 0.1), scalar("zp", 0, u8), weight("w_qconv", (8, 4, 3, 3), np.int8),
             scalar("w_zp8", 0, np.int8), weight("w_cint", (8, 8, 1, 1), u8),
             weight("w_fc_q", (512, 10), np.int8), ints("flat", [1, 512]), weight("w_qmm", (10, 4), u8),
             weight("w_mmi", (4, 2), u8)]
    n = helper.make_node
    nodes = [
        n("QuantizeLinear", ["x", "s", "zp"], ["xq"], name="quant_in"),
        n("QLinearConv", ["xq", "s", "zp", "w_qconv", "s", "w_zp8", "s", "zp"], ["c1"], name="qconv",
          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("ConvInteger", ["c1", "w_cint"], ["c2"], name="conv_int", kernel_shape=[1, 1]),
        n("DequantizeLinear", ["c2", "s"], ["c2f"], name="dequant_act"),
        n("Reshape", ["c2f", "flat"], ["f"], name="flatten"),
        n("DequantizeLinear", ["w_fc_q", "s"], ["w_fc"], name="dequant_w"),
        n("MatMul", ["f", "w_fc"], ["fc"], name="fc"),
        n("QuantizeLinear", ["fc", "s", "zp"], ["fcq"], name="quant_fc"),
        n("QLinearMatMul", ["fcq", "s", "zp", "w_qmm", "s", "zp", "s", "zp"], ["m1"], name="qmatmul"),
        n("MatMulInteger", ["m1", "w_mmi"], ["y"], name="matmul_int"),
    ]
    return model(nodes, [x], inits)


def from_zoo(zoo_model, in_channels: int = 3) -> onnx.ModelProto:
    """A chain of Conv (+BatchNorm), depthwise Conv, ReduceMean (global pool) and Gemm nodes from a
    built-in model whose layers form a chain (mobilenet_v1): the ONNX twin of the layer list."""
    first = zoo_model.layers[0]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", in_channels, first.h, first.w])
    nodes, inits, current = [], [], "x"
    for index, layer in enumerate(zoo_model.layers):
        out = f"t{index}"
        if layer.kind in ("conv", "depthwise"):
            groups = layer.c_in if layer.kind == "depthwise" else layer.groups
            inits.append(weight(f"w{index}", (layer.c_out, layer.c_in // groups, layer.kernel, layer.kernel)))
            nodes.append(helper.make_node("Conv", [current, f"w{index}"], [f"{out}_c"], name=layer.name,
                                          group=groups, strides=[layer.stride] * 2,
                                          pads=[layer.padding] * 4, kernel_shape=[layer.kernel] * 2))
            inits += [weight(f"bn{index}_{s}", (layer.c_out,)) for s in ("scale", "bias", "mean", "var")]
            nodes.append(helper.make_node("BatchNormalization", [f"{out}_c"] + [f"bn{index}_{s}" for s in (
                "scale", "bias", "mean", "var")], [out], name=f"{layer.name}_bn"))
        elif layer.kind == "vector":  # the global average pool
            inits.append(ints(f"axes{index}", [2, 3]))
            nodes.append(helper.make_node("ReduceMean", [current, f"axes{index}"], [out], name=layer.name,
                                          keepdims=0))
        elif layer.kind == "gemm":
            inits.append(weight(f"w{index}", (layer.k, layer.n)))
            nodes.append(helper.make_node("Gemm", [current, f"w{index}"], [out], name=layer.name))
        current = out
    nodes[-1].output[0] = "y"
    return model(nodes, [x], inits)
