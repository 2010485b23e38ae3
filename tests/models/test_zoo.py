"""Built-in model zoo: totals against published numbers, hand-checked layer shapes, registry.

Expected numbers are typed in from references.md section 3 / section 2.1 and from hand
arithmetic, never read from the zoo's own `published_*` fields.
"""

import pytest

from synth.models.transformer import gpt2_decode
from synth.models.zoo import BUILTIN_MODELS, builtin_model

EXPECTED_NAMES = {
    "resnet50", "mobilenet_v1", "mobilenet_v2", "squeezenet1_1",
    "bert-base-128", "bert-base-384", "gpt2", "mlp0",
}

# name: (published MACs per inference, published parameters); None = not published.
PUBLISHED = {
    "resnet50": (4.089e9, 25.557e6),
    "mobilenet_v1": (569e6, 4.24e6),
    "mobilenet_v2": (300e6, 3.505e6),
    "squeezenet1_1": (349e6, 1.235e6),
    "bert-base-128": (11.17e9, 109.5e6),
    "bert-base-384": (35.33e9, 109.5e6),
    "gpt2": (84.9e6 + 38.6e6 + 2 * 1024 * 768 * 12, 124e6),
    "mlp0": (None, 20e6),
}


def _layer(model, name):
    (layer,) = [layer for layer in model.layers if layer.name == name]
    return layer


def test_registry_has_exactly_the_documented_names():
    assert set(BUILTIN_MODELS) == EXPECTED_NAMES


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_model_is_named_and_described(name):
    model = builtin_model(name)
    assert model.name == name
    assert model.description and "\n" not in model.description
    assert model.source


@pytest.mark.parametrize("name", sorted(name for name, (macs, _) in PUBLISHED.items() if macs))
def test_macs_within_2_percent_of_published(name):
    published_macs, _ = PUBLISHED[name]
    assert builtin_model(name).macs == pytest.approx(published_macs, rel=0.02)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_params_within_2_percent_of_published(name):
    _, published_params = PUBLISHED[name]
    assert builtin_model(name).params == pytest.approx(published_params, rel=0.02)


def test_mobilenet_v2_params_match_tf_slim_count_too():
    assert builtin_model("mobilenet_v2").params == pytest.approx(3.47e6, rel=0.02)


def test_mlp0_has_no_published_macs_and_20m_weights_in_5_fc_layers():
    model = builtin_model("mlp0")
    assert model.published_macs is None
    assert [layer.kind for layer in model.layers] == ["gemm"] * 5
    weights = sum(gemm.weight_elements for gemm in model.gemms())
    assert weights == pytest.approx(20e6, rel=0.02)
    assert model.macs == weights  # one sample: one MAC per weight


@pytest.mark.parametrize("model", [*(builder() for builder in BUILTIN_MODELS.values()),
                                   gpt2_decode(17)], ids=lambda model: model.name)
def test_layer_names_are_unique(model):
    names = [layer.name for layer in model.layers]
    assert len(names) == len(set(names))


def test_unknown_model_raises_key_error_listing_known_models():
    with pytest.raises(KeyError) as error:
        builtin_model("resnet51")
    message = str(error.value)
    assert "resnet51" in message
    for name in EXPECTED_NAMES:
        assert name in message


# ----------------------------------------------------------------------------- ResNet-50


def test_resnet50_conv1_lowers_to_im2col_gemm():
    gemm = _layer(builtin_model("resnet50"), "conv1").lower()
    assert (gemm.m, gemm.k, gemm.n, gemm.groups) == (112 * 112, 7 * 7 * 3, 64, 1)
    assert gemm.batch_shares_weights


def test_resnet50_v1_5_puts_the_stride_on_the_3x3():
    model = builtin_model("resnet50")
    reduce_1x1 = _layer(model, "s3_b1_conv1x1a").lower()
    conv3x3 = _layer(model, "s3_b1_conv3x3").lower()
    assert reduce_1x1.m == 56 * 56
    assert (conv3x3.m, conv3x3.k, conv3x3.n) == (28 * 28, 9 * 128, 128)
    projection = _layer(model, "s3_b1_proj").lower()
    assert (projection.m, projection.k, projection.n) == (28 * 28, 256, 512)


def test_resnet50_block_structure():
    model = builtin_model("resnet50")
    names = [layer.name for layer in model.layers]
    assert sum(name.endswith("_proj") for name in names) == 4
    assert sum(name.endswith("_add") for name in names) == 3 + 4 + 6 + 3
    assert _layer(model, "s2_b1_add").elements == 56 * 56 * 256
    assert _layer(model, "s5_b3_add").elements == 7 * 7 * 2048
    assert _layer(model, "maxpool").elements == 56 * 56 * 64
    assert _layer(model, "avgpool").elements == 2048


def test_resnet50_fc_is_a_gemm_of_one_row():
    fc = _layer(builtin_model("resnet50"), "fc")
    assert (fc.kind, fc.m, fc.k, fc.n) == ("gemm", 1, 2048, 1000)


def test_vector_layers_add_no_macs():
    model = builtin_model("resnet50")
    conv_and_fc = sum(gemm.macs for gemm in model.gemms() if gemm.kind != "vector")
    assert model.macs == conv_and_fc


# ----------------------------------------------------------------------------- MobileNets


def test_mobilenet_v1_depthwise_lowers_to_one_column_per_channel():
    gemm = _layer(builtin_model("mobilenet_v1"), "dw1").lower()
    assert (gemm.m, gemm.k, gemm.n, gemm.groups) == (112 * 112, 9, 1, 32)
    assert gemm.weight_elements == 32 * 9


def test_mobilenet_v1_last_depthwise_keeps_stride_1_at_7x7():
    gemm = _layer(builtin_model("mobilenet_v1"), "dw13").lower()
    assert (gemm.m, gemm.groups) == (7 * 7, 1024)


def test_mobilenet_v2_blocks_and_residual_adds():
    model = builtin_model("mobilenet_v2")
    names = [layer.name for layer in model.layers]
    assert sum(name.endswith("_dw") for name in names) == 17
    # stride-1 blocks whose input and output widths match: b3, b5-6, b8-10, b12-13, b15-16
    adds = {name for name in names if name.endswith("_add")}
    assert adds == {f"b{i}_add" for i in (3, 5, 6, 8, 9, 10, 12, 13, 15, 16)}
    assert "b1_exp" not in names  # expansion factor 1 in the first block
    expand = _layer(model, "b2_exp").lower()
    assert (expand.m, expand.k, expand.n) == (112 * 112, 16, 96)
    assert _layer(model, "b17_proj").lower().n == 320


# ----------------------------------------------------------------------------- SqueezeNet


def test_squeezenet1_1_spatial_sizes_follow_ceil_mode_pools():
    model = builtin_model("squeezenet1_1")
    assert _layer(model, "conv1").lower().m == 111 * 111
    assert _layer(model, "maxpool1").elements == 55 * 55 * 64
    assert _layer(model, "fire2_squeeze1x1").h == 55
    assert _layer(model, "fire4_squeeze1x1").h == 27
    assert _layer(model, "fire6_squeeze1x1").h == 13
    expand3x3 = _layer(model, "fire9_expand3x3").lower()
    assert (expand3x3.m, expand3x3.k, expand3x3.n) == (13 * 13, 9 * 64, 256)
    assert _layer(model, "conv10").lower().n == 1000


# ----------------------------------------------------------------------------- BERT


def test_bert_attention_matmuls_are_per_head_activation_products():
    model = builtin_model("bert-base-128")
    scores = _layer(model, "enc_attn_qk_scores").lower()
    assert (scores.m, scores.k, scores.n, scores.groups) == (128, 64, 128, 12)
    assert scores.batch_shares_weights is False
    assert scores.weight_elements == 0
    values = _layer(model, "enc_attn_av").lower()
    assert (values.m, values.k, values.n, values.groups) == (128, 128, 64, 12)
    assert values.batch_shares_weights is False


def test_bert_projections_and_vector_work():
    model = builtin_model("bert-base-384")
    query = _layer(model, "enc_attn_q_proj")
    assert (query.kind, query.m, query.k, query.n, query.count) == ("gemm", 384, 768, 768, 12)
    assert _layer(model, "enc_ffn_up").n == 3072
    assert _layer(model, "enc_ffn_down").k == 3072
    assert _layer(model, "enc_attn_softmax").elements == 12 * 384 * 384
    assert _layer(model, "enc_ffn_gelu").elements == 384 * 3072


def test_bert_macs_by_hand():
    for seq in (128, 384):
        per_layer = 4 * seq * 768 * 768 + 2 * seq * 768 * 3072 + 2 * seq * seq * 768
        assert builtin_model(f"bert-base-{seq}").macs == 12 * per_layer


# ----------------------------------------------------------------------------- GPT-2


def test_gpt2_macs_grow_linearly_with_kv_length():
    short, long = gpt2_decode(256), gpt2_decode(1024)
    assert long.macs - short.macs == 2 * (1024 - 256) * 768 * 12
    assert gpt2_decode(512).macs - short.macs == 2 * 256 * 768 * 12


def test_gpt2_default_is_kv_1024_and_says_so():
    model = builtin_model("gpt2")
    assert model.macs == gpt2_decode(1024).macs
    assert "1024" in model.description
    assert "300" in gpt2_decode(300).description


def test_gpt2_decode_shapes():
    model = gpt2_decode(1024)
    scores = _layer(model, "blk_attn_qk_scores").lower()
    assert (scores.m, scores.k, scores.n, scores.groups) == (1, 64, 1024, 12)
    assert scores.batch_shares_weights is False
    values = _layer(model, "blk_attn_av").lower()
    assert (values.m, values.k, values.n, values.groups) == (1, 1024, 64, 12)
    head = _layer(model, "lm_head")
    assert (head.kind, head.m, head.k, head.n, head.count) == ("gemm", 1, 768, 50257, 1)


def test_gpt2_counts_the_tied_embedding_once():
    # 12 blocks of 7,077,888 weights + 9,984 biases/norms, tied wte 50257x768,
    # wpe 1024x768, ln_f 2x768: the Hugging Face `gpt2` count.
    assert builtin_model("gpt2").params == 124_439_808


@pytest.mark.parametrize("kv_len", [0, 1025])
def test_gpt2_decode_rejects_kv_length_outside_the_context(kv_len):
    with pytest.raises(ValueError, match="kv_len"):
        gpt2_decode(kv_len)
