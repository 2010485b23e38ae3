"""ONNX import: hand-computed layer tables of models built with onnx.helper, the zoo twin, and the
light models of the onnx wheel against published MAC counts."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import onnx
import pytest
from onnx_builders import depthwise_block, from_zoo, quantized_block, transformer_block

from synth.models import Layer, builtin_model
from synth.models.onnx.importer import import_onnx

LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"

# Published multiply-accumulates per 224x224 image (the count of conv and FC MACs):
PUBLISHED_MACS = {
    # He et al. 2016 / torchvision ResNet50_Weights: 4.09 GFLOPS (multiply-adds); references.md section 3.
    "light_resnet50.onnx": 4.089e9,
    # SqueezeNet 1.1 (DeepScale v1.1 release notes, torchvision 0.35 GFLOPS); references.md section 3.
    "light_squeezenet.onnx": 349e6,
    # Simonyan & Zisserman 2015, VGG-19: 19.6 G multiply-adds (torchvision vgg19: 19.63 GFLOPS).
    "light_vgg19.onnx": 19.63e9,
    # Szegedy et al. 2015 GoogLeNet (Inception v1): 1.43 G MACs, 7.0 M weights (Sze et al.,
    # "Efficient Processing of Deep Neural Networks", Proc. IEEE 2017, Table III).
    "light_inception_v1.onnx": 1.43e9,
    # Huang et al. 2017 DenseNet-121 (torchvision densenet121: 2.83 GFLOPS multiply-adds).
    "light_densenet121.onnx": 2.83e9,
}
# Published parameter counts (AlexNet's published MACs are for a 227x227 input, this file is 224x224):
PUBLISHED_PARAMS = {
    "light_bvlc_alexnet.onnx": 61e6,  # Sze et al. 2017, Table III: 61 M weights
    "light_inception_v1.onnx": 7.0e6,  # Sze et al. 2017, Table III
    "light_resnet50.onnx": 25.557e6,  # torchvision resnet50: 25,557,032 parameters
    "light_vgg19.onnx": 143.667e6,  # torchvision vgg19: 143,667,240 parameters
    "light_squeezenet.onnx": 1.235e6,  # torchvision squeezenet1_1: 1,235,496
}


def _save(tmp_path, model, name="m.onnx") -> Path:
    path = tmp_path / name
    onnx.save(model, path)
    return path


def _shape(layer: Layer) -> Layer:
    return replace(layer, name="")


def test_every_light_model_imports_with_every_array_layer_shaped():
    files = sorted(LIGHT.glob("*.onnx"))
    assert len(files) >= 9
    for path in files:
        original = onnx.load(path)
        array_nodes = sum(n.op_type in ("Conv", "Gemm", "MatMul") for n in original.graph.node)
        imported = import_onnx(path).model
        array_layers = [layer for layer in imported.layers if layer.kind != "vector"]
        assert sum(layer.count for layer in array_layers) == array_nodes, path.name
        for gemm in (layer.lower() for layer in array_layers):
            assert gemm.m > 0 and gemm.k > 0 and gemm.n > 0 and gemm.macs > 0, (path.name, gemm)


@pytest.mark.parametrize("name", sorted(PUBLISHED_MACS))
def test_light_model_macs_match_published_counts(name):
    macs = import_onnx(LIGHT / name).model.macs
    assert macs == pytest.approx(PUBLISHED_MACS[name], rel=0.02)


@pytest.mark.parametrize("name", sorted(PUBLISHED_PARAMS))
def test_light_model_parameters_match_published_counts(name):
    assert import_onnx(LIGHT / name).model.params == pytest.approx(PUBLISHED_PARAMS[name], rel=0.02)


def test_resnet50_batchnorms_fold_into_their_convolutions():
    imported = import_onnx(LIGHT / "light_resnet50.onnx")
    assert imported.folded_batchnorms == 53  # one per convolution
    assert not any("BatchNormalization" in layer.name for layer in imported.model.layers)


def test_transformer_block_with_symbolic_sequence_length(tmp_path):
    """hidden 64, 4 heads of 16, FFN 256, seq pinned to 8, batch N pinned to 1 automatically."""
    imported = import_onnx(_save(tmp_path, transformer_block()), dims={"seq": 8})
    assert imported.input_shapes == {"x": (1, 8, 64)}
    assert imported.batch_inputs == ("x",)
    vector = lambda elements, ops=1, reads=0, count=1: Layer(  # noqa: E731
        "", "vector", count=count, elements=elements, ops_per_element=ops, input_elements=reads)
    expected = [
        Layer("", "gemm", count=3, m=8, k=64, n=64),  # Q, K, V projections (identical: one row)
        vector(512, count=6),  # 3 reshapes to heads and 3 transposes, 8 x 64 elements each
        Layer("", "matmul", m=8, k=16, n=8, heads=4),  # Q K^T per head
        vector(4 * 8 * 8),  # / sqrt(d)
        vector(4 * 8 * 8, ops=5),  # softmax
        Layer("", "matmul", m=8, k=8, n=16, heads=4),  # attention x V
        vector(512, count=2),  # transpose back, merge heads
        Layer("", "gemm", m=8, k=64, n=64),  # output projection
        vector(512, reads=1024),  # residual add reads two tensors
        vector(512, ops=5),  # layer norm
        Layer("", "gemm", m=8, k=64, n=256),
        vector(8 * 256),  # relu
        Layer("", "gemm", m=8, k=256, n=64),
        vector(512, reads=1024),
        vector(512, ops=5),
    ]
    assert [_shape(layer) for layer in imported.model.layers] == expected
    # 4 projections 8*64*64 + 2 attention products 4*8*16*8 + FFN 2*8*64*256
    assert imported.model.macs == 4 * 8 * 64 * 64 + 2 * 4 * 8 * 16 * 8 + 2 * 8 * 64 * 256 == 401_408


def test_depthwise_block_hand_computed(tmp_path):
    imported = import_onnx(_save(tmp_path, depthwise_block()))
    assert imported.folded_batchnorms == 2
    expected = [
        Layer("", "depthwise", h=16, w=16, c_in=32, c_out=32, kernel=3, stride=1, padding=1),
        Layer("", "vector", elements=32 * 16 * 16),  # relu (the BatchNorm before it is folded)
        Layer("", "conv", h=16, w=16, c_in=32, c_out=64, kernel=1),
        # TF-style pads (0, 1): 16 -> 8, which symmetric padding 1 reproduces
        Layer("", "depthwise", h=16, w=16, c_in=64, c_out=64, kernel=3, stride=2, padding=1),
        # 1x7 kernel: no square form, a 1x1 conv over the im2col input (64 * 7 channels)
        Layer("", "conv", h=8, w=8, c_in=64 * 7, c_out=16, kernel=1),
    ]
    assert [_shape(layer) for layer in imported.model.layers] == expected
    assert imported.model.macs == (16 * 16 * 32 * 9 + 16 * 16 * 32 * 64 + 8 * 8 * 64 * 9
                                   + 8 * 8 * 16 * 64 * 7)


def test_quantized_block_with_dequantized_weights(tmp_path):
    imported = import_onnx(_save(tmp_path, quantized_block()))
    assert imported.int8_layers == 4  # QLinearConv, ConvInteger, QLinearMatMul, MatMulInteger
    array = [_shape(layer) for layer in imported.model.layers if layer.kind != "vector"]
    assert array == [
        Layer("", "conv", h=8, w=8, c_in=4, c_out=8, kernel=3, padding=1),
        Layer("", "conv", h=8, w=8, c_in=8, c_out=8, kernel=1),
        Layer("", "gemm", m=1, k=512, n=10),  # weights = DequantizeLinear(int8 initializer): folded
        Layer("", "gemm", m=1, k=10, n=4),
        Layer("", "gemm", m=1, k=4, n=2),
    ]
    vectors = [(layer.elements, layer.ops_per_element) for layer in imported.model.layers if layer.kind == "vector"]
    # quantize input, dequantize activations, flatten, quantize fc output; the weight's
    # DequantizeLinear is weight preprocessing (static), not per-inference work
    assert vectors == [(256, 3), (512, 2), (512, 1), (10, 3)]
    assert imported.model.macs == 8 * 8 * 36 * 8 + 8 * 8 * 8 * 8 + 512 * 10 + 10 * 4 + 4 * 2


def test_zoo_twin_imports_to_the_zoo_table(tmp_path):
    zoo = builtin_model("mobilenet_v1")
    imported = import_onnx(_save(tmp_path, from_zoo(zoo)))
    expand = lambda layers: [replace(layer, name="", count=1) for layer in layers for _ in range(layer.count)]  # noqa: E731
    assert expand(imported.model.layers) == expand(zoo.layers)
    assert imported.model.macs == zoo.macs
    assert imported.folded_batchnorms == sum(layer.kind in ("conv", "depthwise") for layer in zoo.layers)


def test_inputs_pin_whole_shapes_and_dims_by_name(tmp_path):
    path = _save(tmp_path, transformer_block())
    by_input = import_onnx(path, inputs={"x": [1, 16, 64]}).model
    by_dim = import_onnx(path, dims={"N": 1, "seq": 16}).model
    assert by_input.layers == by_dim.layers
    assert by_input.layers[0] == Layer("q_proj_MatMul", "gemm", count=3, m=16, k=64, n=64)


def test_relative_onnx_path_resolves_from_the_requirements_folder(tmp_path, monkeypatch):
    import yaml

    from synth.api import load_requirements
    from synth.spec.resolve import resolve_model

    (tmp_path / "models").mkdir()
    onnx.save(depthwise_block(), tmp_path / "models" / "dw.onnx")
    req_file = tmp_path / "req.yaml"
    req_file.write_text(yaml.safe_dump({"name": "t", "workloads": [
        {"name": "w", "model": {"onnx": "models/dw.onnx"}, "scenario": "offline"}]}))
    monkeypatch.chdir(os.sep)
    req = load_requirements(req_file)
    model = resolve_model(req.workloads[0].model, req.source, "workloads[0].model")
    assert model.macs == 1_093_632


def test_attention_op_and_lstm_lower_to_products_not_vector_work(tmp_path):
    """ONNX Attention (opset 23) and LSTM carry MACs: they must not become vector layers."""
    from onnx import TensorProto, helper
    from onnx_builders import model, weight

    q = helper.make_tensor_value_info("q", TensorProto.FLOAT, [1, 4, 8, 16])
    kv = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 4, 10, 16]) for n in ("k", "v")]
    attention = model([helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn")], [q, *kv], [], opset=23)
    layers = import_onnx(_save(tmp_path, attention, "attn.onnx")).model.layers
    assert [_shape(layer) for layer in layers] == [
        Layer("", "matmul", m=8, k=16, n=10, heads=4), Layer("", "vector", elements=4 * 8 * 10, ops_per_element=5),
        Layer("", "matmul", m=8, k=10, n=16, heads=4)]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 12])  # seq 5, batch 1, input 12
    lstm = model([helper.make_node("LSTM", ["x", "w", "r"], ["y"], name="lstm", hidden_size=6)], [x],
                 [weight("w", (1, 24, 12)), weight("r", (1, 24, 6))])
    layers = import_onnx(_save(tmp_path, lstm, "lstm.onnx")).model.layers
    assert [_shape(layer) for layer in layers] == [
        Layer("", "gemm", m=5, k=12, n=24),  # input projection of all 5 steps at once
        Layer("", "gemm", count=5, m=1, k=6, n=24),  # recurrent product, once per step
        Layer("", "vector", elements=5 * 24, ops_per_element=4)]


@pytest.mark.parametrize("path", sorted(LIGHT.glob("*.onnx")), ids=lambda p: p.stem)
def test_light_model_table_round_trips_through_an_inline_model(path):
    """What `synth import -o` writes is accepted by a requirements file and gives the same model."""
    from synth.api import load_requirements
    from synth.models.table import inline_model
    from synth.spec.resolve import resolve_model

    imported = import_onnx(path).model
    req = load_requirements({"name": "t", "workloads": [
        {"name": "w", "model": inline_model(imported), "scenario": "offline"}]})
    back = resolve_model(req.workloads[0].model, "<mapping>", "workloads[0].model")
    assert (back.layers, back.macs, back.params) == (imported.layers, imported.macs, imported.params)
