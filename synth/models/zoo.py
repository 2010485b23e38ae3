"""Built-in model zoo: per-layer tables of the models a requirements file can name.

Every builder is a pure function returning a frozen `Model`. Shapes follow the standard
definitions listed in references.md section 3 (torchvision, TF-slim, the papers' tables, the
Hugging Face configs); `published_macs` / `published_params` are the totals quoted there.

Conventions shared by all builders:
- MACs count conv, depthwise, gemm and matmul layers only (references.md section 3).
- Parameters not stored as GEMM weights (biases, batch-norm scale and shift, layer norms,
  embeddings other than a tied LM head) go into `extra_params`.
- ReLU is fused into the array output and gets no layer (the TPU paper's MLP0 lists no vector
  layers either); pooling, residual adds, softmax, layer norm and GELU are vector layers with
  `elements` = output elements and an estimated `ops_per_element`.
- Transformer layers are identical, so one row per operation carries `count` = number of
  layers; CNN blocks are listed one by one (their inputs differ at stage boundaries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from synth.models.layers import Layer, Model, conv_output_size

# Vector-unit work per output element (estimates; not counted in MACs).
_ADD_OPS = 1
_SOFTMAX_OPS = 5  # max, subtract, exp, sum, divide
_LAYERNORM_OPS = 5  # mean, variance, subtract, scale, shift
_GELU_OPS = 8  # tanh approximation: cube, fused multiply-adds, tanh, product

_IMAGENET_CLASSES = 1000


# --------------------------------------------------------------------------- layer helpers


def _conv(name: str, size: int, c_in: int, c_out: int, kernel: int,
          stride: int = 1, padding: int = 0) -> Layer:
    """A square convolution on a size x size input."""
    return Layer(name, "conv", h=size, w=size, c_in=c_in, c_out=c_out, kernel=kernel,
                 stride=stride, padding=padding)


def _depthwise3x3(name: str, size: int, channels: int, stride: int) -> Layer:
    """A 3x3 depthwise convolution with padding 1."""
    return Layer(name, "depthwise", h=size, w=size, c_in=channels, c_out=channels, kernel=3,
                 stride=stride, padding=1)


def _fc(name: str, in_features: int, out_features: int, rows: int = 1) -> Layer:
    """A fully connected layer: `rows` x in_features times in_features x out_features."""
    return Layer(name, "gemm", m=rows, k=in_features, n=out_features)


def _vector(name: str, elements: int, ops_per_element: int, count: int = 1,
            reads: int = 0) -> Layer:
    """Element-wise work on the vector unit; `elements` = output elements, `reads` = elements
    read (0: same as elements)."""
    return Layer(name, "vector", count=count, elements=elements, ops_per_element=ops_per_element,
                 input_elements=reads)


def _global_avg_pool(name: str, size: int, channels: int) -> Layer:
    """Average over a size x size map: one output per channel, size*size ops each."""
    return _vector(name, channels, size * size, reads=size * size * channels)


def _conv_output_channels(layers: list[Layer]) -> int:
    """Output channels summed over conv and depthwise layers (one bias or BN per channel)."""
    return sum(layer.c_out * layer.count for layer in layers
               if layer.kind in ("conv", "depthwise"))


def _batchnorm_params(layers: list[Layer]) -> int:
    """Trainable batch-norm parameters (scale and shift) after every conv."""
    return 2 * _conv_output_channels(layers)


# --------------------------------------------------------------------------- ResNet-50

# (bottleneck width, blocks, stride of the first block) for stages conv2_x .. conv5_x.
_RESNET50_STAGES = ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2))
_BOTTLENECK_EXPANSION = 4


def _bottleneck(prefix: str, size: int, c_in: int, width: int, stride: int) -> list[Layer]:
    """ResNet v1.5 bottleneck: 1x1 reduce, 3x3 (carrying the stride), 1x1 expand, shortcut, add."""
    c_out = width * _BOTTLENECK_EXPANSION
    size_out = conv_output_size(size, 3, stride, 1)
    layers = [
        _conv(f"{prefix}_conv1x1a", size, c_in, width, 1),
        _conv(f"{prefix}_conv3x3", size, width, width, 3, stride, 1),
        _conv(f"{prefix}_conv1x1b", size_out, width, c_out, 1),
    ]
    if stride != 1 or c_in != c_out:
        layers.append(_conv(f"{prefix}_proj", size, c_in, c_out, 1, stride))
    layers.append(_vector(f"{prefix}_add", size_out * size_out * c_out, _ADD_OPS,
                              reads=2 * size_out * size_out * c_out))
    return layers


def resnet50() -> Model:
    """ResNet-50 v1.5 at 224x224, torchvision definition (He et al., CVPR 2016; stride on the 3x3).

    Published: 4.089 G MACs, 25.557 M parameters (references.md section 3).
    """
    layers = [_conv("conv1", 224, 3, 64, 7, 2, 3)]
    conv1_size = conv_output_size(224, 7, 2, 3)
    size = conv_output_size(conv1_size, 3, 2, 1)
    layers.append(_vector("maxpool", size * size * 64, 9, reads=conv1_size * conv1_size * 64))
    channels = 64
    for stage, (width, blocks, first_stride) in enumerate(_RESNET50_STAGES, start=2):
        for block in range(1, blocks + 1):
            stride = first_stride if block == 1 else 1
            layers += _bottleneck(f"s{stage}_b{block}", size, channels, width, stride)
            size = conv_output_size(size, 3, stride, 1)
            channels = width * _BOTTLENECK_EXPANSION
    layers.append(_global_avg_pool("avgpool", size, channels))
    layers.append(_fc("fc", channels, _IMAGENET_CLASSES))
    return Model(
        name="resnet50",
        layers=tuple(layers),
        description="ResNet-50 v1.5, 224x224 image classification (torchvision definition)",
        source="He et al., Deep Residual Learning, CVPR 2016; torchvision resnet50 (v1.5); "
               "references.md section 3",
        published_macs=4.089e9,
        published_params=25.557e6,
        extra_params=_batchnorm_params(layers) + _IMAGENET_CLASSES,
    )


# --------------------------------------------------------------------------- MobileNetV1

# (output channels, stride) of the 13 depthwise-separable blocks, Howard et al. Table 1.
_MOBILENET_V1_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def mobilenet_v1() -> Model:
    """MobileNetV1 1.0-224 (Howard et al. 2017, Table 1; TF-slim mobilenet_v1).

    Published: 569 M MACs, 4.24 M parameters (TF-slim `mobilenet_v1.md`).
    """
    layers = [_conv("conv1", 224, 3, 32, 3, 2, 1)]
    size, channels = conv_output_size(224, 3, 2, 1), 32
    for index, (c_out, stride) in enumerate(_MOBILENET_V1_BLOCKS, start=1):
        layers.append(_depthwise3x3(f"dw{index}", size, channels, stride))
        size = conv_output_size(size, 3, stride, 1)
        layers.append(_conv(f"pw{index}", size, channels, c_out, 1))
        channels = c_out
    layers.append(_global_avg_pool("avgpool", size, channels))
    layers.append(_fc("fc", channels, _IMAGENET_CLASSES))
    return Model(
        name="mobilenet_v1",
        layers=tuple(layers),
        description="MobileNetV1 1.0-224 image classification, depthwise-separable convolutions",
        source="Howard et al., MobileNets, arXiv 1704.04861, Table 1; TF-slim mobilenet_v1.md; "
               "references.md section 3",
        published_macs=569e6,
        published_params=4.24e6,
        extra_params=_batchnorm_params(layers) + _IMAGENET_CLASSES,
    )


# --------------------------------------------------------------------------- MobileNetV2

# (expansion t, output channels c, repeats n, first stride s), Sandler et al. Table 2.
_MOBILENET_V2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                        (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


def _inverted_residual(prefix: str, size: int, c_in: int, c_out: int, expansion: int,
                       stride: int) -> list[Layer]:
    """MobileNetV2 block: 1x1 expand (absent when t = 1), 3x3 depthwise, 1x1 linear projection,
    residual add when the shapes match."""
    hidden = c_in * expansion
    size_out = conv_output_size(size, 3, stride, 1)
    layers = [] if expansion == 1 else [_conv(f"{prefix}_exp", size, c_in, hidden, 1)]
    layers.append(_depthwise3x3(f"{prefix}_dw", size, hidden, stride))
    layers.append(_conv(f"{prefix}_proj", size_out, hidden, c_out, 1))
    if stride == 1 and c_in == c_out:
        layers.append(_vector(f"{prefix}_add", size_out * size_out * c_out, _ADD_OPS,
                              reads=2 * size_out * size_out * c_out))
    return layers


def mobilenet_v2() -> Model:
    """MobileNetV2 1.0-224 (Sandler et al. 2018, Table 2; torchvision mobilenet_v2).

    Published: 300 M MACs; 3.47 M parameters (TF-slim) / 3.505 M (torchvision, which counts
    batch-norm scale and shift as this builder does).
    """
    layers = [_conv("conv1", 224, 3, 32, 3, 2, 1)]
    size, channels, block = conv_output_size(224, 3, 2, 1), 32, 0
    for expansion, c_out, repeats, first_stride in _MOBILENET_V2_STAGES:
        for repeat in range(repeats):
            block += 1
            stride = first_stride if repeat == 0 else 1
            layers += _inverted_residual(f"b{block}", size, channels, c_out, expansion, stride)
            size, channels = conv_output_size(size, 3, stride, 1), c_out
    layers.append(_conv("conv_last", size, channels, 1280, 1))
    layers.append(_global_avg_pool("avgpool", size, 1280))
    layers.append(_fc("fc", 1280, _IMAGENET_CLASSES))
    return Model(
        name="mobilenet_v2",
        layers=tuple(layers),
        description="MobileNetV2 1.0-224 image classification, inverted residual blocks",
        source="Sandler et al., MobileNetV2, CVPR 2018, Table 2; TF-slim mobilenet/README.md "
               "(300 M MACs, 3.47 M params); torchvision mobilenet_v2 (3.505 M params); "
               "references.md section 3",
        published_macs=300e6,
        published_params=3.505e6,
        extra_params=_batchnorm_params(layers) + _IMAGENET_CLASSES,
    )


# --------------------------------------------------------------------------- SqueezeNet 1.1


def _pool_output_size_ceil(size: int, kernel: int, stride: int) -> int:
    """Output size of an unpadded pooling window with ceil_mode=True (PyTorch)."""
    return -(-(size - kernel) // stride) + 1


def _fire(name: str, size: int, c_in: int, squeeze: int, expand: int) -> list[Layer]:
    """Fire module: 1x1 squeeze, then parallel 1x1 and 3x3 expands (outputs concatenated)."""
    return [
        _conv(f"{name}_squeeze1x1", size, c_in, squeeze, 1),
        _conv(f"{name}_expand1x1", size, squeeze, expand, 1),
        _conv(f"{name}_expand3x3", size, squeeze, expand, 3, 1, 1),
    ]


def _maxpool3x3_ceil(name: str, size: int, channels: int) -> tuple[Layer, int]:
    """A 3x3/2 max pool with ceil_mode and its output size."""
    size_out = _pool_output_size_ceil(size, 3, 2)
    return _vector(name, size_out * size_out * channels, 9, reads=size * size * channels), size_out


def squeezenet1_1() -> Model:
    """SqueezeNet 1.1 at 224x224, torchvision / DeepScale v1.1 definition (Iandola et al. 2016).

    Published: 349 M MACs, 1.235 M parameters (references.md section 3).
    """
    layers = [_conv("conv1", 224, 3, 64, 3, 2)]
    size = conv_output_size(224, 3, 2, 0)
    pool, size = _maxpool3x3_ceil("maxpool1", size, 64)
    layers += [pool, *_fire("fire2", size, 64, 16, 64), *_fire("fire3", size, 128, 16, 64)]
    pool, size = _maxpool3x3_ceil("maxpool3", size, 128)
    layers += [pool, *_fire("fire4", size, 128, 32, 128), *_fire("fire5", size, 256, 32, 128)]
    pool, size = _maxpool3x3_ceil("maxpool5", size, 256)
    layers += [pool, *_fire("fire6", size, 256, 48, 192), *_fire("fire7", size, 384, 48, 192),
               *_fire("fire8", size, 384, 64, 256), *_fire("fire9", size, 512, 64, 256)]
    layers.append(_conv("conv10", size, 512, _IMAGENET_CLASSES, 1))
    layers.append(_global_avg_pool("avgpool", size, _IMAGENET_CLASSES))
    return Model(
        name="squeezenet1_1",
        layers=tuple(layers),
        description="SqueezeNet 1.1, 224x224 image classification (torchvision definition)",
        source="Iandola et al., SqueezeNet, arXiv 1602.07360; DeepScale SqueezeNet v1.1; "
               "torchvision squeezenet1_1; references.md section 3",
        published_macs=349e6,
        published_params=1.235e6,
        extra_params=_conv_output_channels(layers),  # every conv has a bias
    )


# --------------------------------------------------------------------------- BERT-base

_BERT_LAYERS = 12
_BERT_HIDDEN = 768
_BERT_HEADS = 12
_BERT_FFN = 3072
_BERT_VOCAB = 30522
_BERT_MAX_POSITIONS = 512
_BERT_TOKEN_TYPES = 2


def _encoder_layer(seq_len: int, hidden: int, heads: int, ffn: int, count: int) -> list[Layer]:
    """One post-norm transformer encoder layer (BERT), repeated `count` times."""
    head_dim = hidden // heads
    tokens = seq_len * hidden
    return [
        Layer("enc_attn_q_proj", "gemm", count, m=seq_len, k=hidden, n=hidden),
        Layer("enc_attn_k_proj", "gemm", count, m=seq_len, k=hidden, n=hidden),
        Layer("enc_attn_v_proj", "gemm", count, m=seq_len, k=hidden, n=hidden),
        Layer("enc_attn_qk_scores", "matmul", count, m=seq_len, k=head_dim, n=seq_len,
              heads=heads),
        _vector("enc_attn_softmax", heads * seq_len * seq_len, _SOFTMAX_OPS, count),
        Layer("enc_attn_av", "matmul", count, m=seq_len, k=seq_len, n=head_dim, heads=heads),
        Layer("enc_attn_out_proj", "gemm", count, m=seq_len, k=hidden, n=hidden),
        _vector("enc_attn_add_layernorm", tokens, _ADD_OPS + _LAYERNORM_OPS, count),
        Layer("enc_ffn_up", "gemm", count, m=seq_len, k=hidden, n=ffn),
        _vector("enc_ffn_gelu", seq_len * ffn, _GELU_OPS, count),
        Layer("enc_ffn_down", "gemm", count, m=seq_len, k=ffn, n=hidden),
        _vector("enc_ffn_add_layernorm", tokens, _ADD_OPS + _LAYERNORM_OPS, count),
    ]


def _transformer_layer_bias_and_norm_params(hidden: int, ffn: int) -> int:
    """Biases of the four attention projections and two FFN linears, and two layer norms."""
    return 4 * hidden + ffn + hidden + 2 * 2 * hidden


def _bert_base(seq_len: int, published_macs: float) -> Model:
    """BERT-base (L=12, d=768, 12 heads, FF=3072) encoding one sequence of `seq_len` tokens."""
    if not 1 <= seq_len <= _BERT_MAX_POSITIONS:
        raise ValueError(
            f"`1 <= seq_len <= {_BERT_MAX_POSITIONS}` must hold, got seq_len={seq_len}")
    hidden = _BERT_HIDDEN
    layers = [
        _vector("embeddings_sum_layernorm", seq_len * hidden, 2 * _ADD_OPS + _LAYERNORM_OPS),
        *_encoder_layer(seq_len, hidden, _BERT_HEADS, _BERT_FFN, _BERT_LAYERS),
    ]
    embeddings = (_BERT_VOCAB + _BERT_MAX_POSITIONS + _BERT_TOKEN_TYPES) * hidden + 2 * hidden
    pooler = hidden * hidden + hidden
    biases_and_norms = _BERT_LAYERS * _transformer_layer_bias_and_norm_params(hidden,
                                                                              _BERT_FFN)
    return Model(
        name=f"bert-base-{seq_len}",
        layers=tuple(layers),
        description=f"BERT-base encoder (12 layers, d=768, 12 heads), one sequence of "
                    f"{seq_len} tokens; pooler and embeddings as stored parameters only",
        source="Devlin et al., BERT, NAACL 2019 (110 M params); Hugging Face bert-base-uncased "
               "config; references.md section 3 (MACs: per layer 4*L*d^2 + 2*L*d*FF + 2*L^2*d)",
        published_macs=published_macs,
        published_params=109.5e6,
        extra_params=embeddings + pooler + biases_and_norms,
    )


def bert_base_128() -> Model:
    """BERT-base at sequence length 128 (Devlin et al. 2019).

    Published: 11.17 G MACs, 109.5 M parameters (references.md section 3).
    """
    return _bert_base(128, published_macs=11.17e9)


def bert_base_384() -> Model:
    """BERT-base at sequence length 384 (Devlin et al. 2019).

    Published: 35.33 G MACs, 109.5 M parameters (references.md section 3).
    """
    return _bert_base(384, published_macs=35.33e9)


# --------------------------------------------------------------------------- GPT-2 small

_GPT2_LAYERS = 12
_GPT2_HIDDEN = 768
_GPT2_HEADS = 12
_GPT2_FFN = 3072
_GPT2_VOCAB = 50257
_GPT2_CONTEXT = 1024
_GPT2_PUBLISHED_BLOCK_MACS = 84.9e6  # per generated token, references.md section 3
_GPT2_PUBLISHED_HEAD_MACS = 38.6e6


def _decoder_block_decode_step(kv_len: int, hidden: int, heads: int, ffn: int,
                               count: int) -> list[Layer]:
    """One pre-norm GPT-2 block for one new token attending over `kv_len` cached positions."""
    head_dim = hidden // heads
    return [
        _vector("blk_ln_1", hidden, _LAYERNORM_OPS, count),
        Layer("blk_attn_c_attn", "gemm", count, m=1, k=hidden, n=3 * hidden),
        Layer("blk_attn_qk_scores", "matmul", count, m=1, k=head_dim, n=kv_len, heads=heads),
        _vector("blk_attn_softmax", heads * kv_len, _SOFTMAX_OPS, count),
        Layer("blk_attn_av", "matmul", count, m=1, k=kv_len, n=head_dim, heads=heads),
        Layer("blk_attn_c_proj", "gemm", count, m=1, k=hidden, n=hidden),
        _vector("blk_attn_residual_add", hidden, _ADD_OPS, count),
        _vector("blk_ln_2", hidden, _LAYERNORM_OPS, count),
        Layer("blk_mlp_c_fc", "gemm", count, m=1, k=hidden, n=ffn),
        _vector("blk_mlp_gelu", ffn, _GELU_OPS, count),
        Layer("blk_mlp_c_proj", "gemm", count, m=1, k=ffn, n=hidden),
        _vector("blk_mlp_residual_add", hidden, _ADD_OPS, count),
    ]


def gpt2_decode(kv_len: int) -> Model:
    """GPT-2 small (124 M; Radford et al. 2019, Hugging Face `gpt2` config), one decode step:
    one new token whose attention reads a KV cache of `kv_len` positions (1 <= kv_len <= 1024).

    The LM head is tied to the token embedding, so the embedding is counted once, as the head's
    weights. Published per-token MACs: 84.9 M (blocks) + 38.6 M (head) + 2*kv_len*d*L.
    """
    if not 1 <= kv_len <= _GPT2_CONTEXT:
        raise ValueError(f"`1 <= kv_len <= {_GPT2_CONTEXT}` must hold, got kv_len={kv_len}")
    hidden = _GPT2_HIDDEN
    layers = [
        *_decoder_block_decode_step(kv_len, hidden, _GPT2_HEADS, _GPT2_FFN, _GPT2_LAYERS),
        _vector("ln_f", hidden, _LAYERNORM_OPS),
        _fc("lm_head", hidden, _GPT2_VOCAB),
    ]
    position_embeddings = _GPT2_CONTEXT * hidden
    final_layernorm = 2 * hidden
    biases_and_norms = (_GPT2_LAYERS * _transformer_layer_bias_and_norm_params(hidden, _GPT2_FFN)
                        + final_layernorm)
    attention_macs = 2 * kv_len * hidden * _GPT2_LAYERS
    return Model(
        name=f"gpt2-decode-kv{kv_len}",
        layers=tuple(layers),
        description=f"GPT-2 small, one decode step (1 new token) over a KV cache of {kv_len} "
                    f"positions; tied LM head",
        source="Radford et al., Language Models are Unsupervised Multitask Learners, 2019; "
               "Hugging Face gpt2 config; references.md section 3 (per-token MACs)",
        published_macs=_GPT2_PUBLISHED_BLOCK_MACS + _GPT2_PUBLISHED_HEAD_MACS + attention_macs,
        published_params=124e6,
        extra_params=position_embeddings + biases_and_norms,
    )


def gpt2() -> Model:
    """GPT-2 small, one decode step at KV length 1024 (the full context); see `gpt2_decode`."""
    return replace(gpt2_decode(_GPT2_CONTEXT), name="gpt2")


# --------------------------------------------------------------------------- MLP0

# Assumed: the paper gives 5 FC layers and 20 M weights but not the widths.
_MLP0_WIDTH = 2000
_MLP0_LAYERS = 5


def mlp0() -> Model:
    """An MLP shaped like TPU v1's MLP0 (Jouppi et al., ISCA 2017, Table 1: 5 FC layers,
    20 M weights, ReLU, batch 200). Widths are assumed (5 x 2000x2000 = 20.0 M weights)."""
    layers = [_fc(f"fc{index}", _MLP0_WIDTH, _MLP0_WIDTH)
              for index in range(1, _MLP0_LAYERS + 1)]
    return Model(
        name="mlp0",
        layers=tuple(layers),
        description="MLP like TPU v1 MLP0: 5 FC layers of assumed width 2000 (widths not "
                    "published; 20 M weights total from the paper), ReLU",
        source="Jouppi et al., In-Datacenter Performance Analysis of a TPU, ISCA 2017, Table 1; "
               "references.md section 2.1",
        published_macs=None,
        published_params=20e6,
        extra_params=_MLP0_LAYERS * _MLP0_WIDTH,  # biases
    )


# --------------------------------------------------------------------------- registry

BUILTIN_MODELS: dict[str, Callable[[], Model]] = {
    "resnet50": resnet50,
    "mobilenet_v1": mobilenet_v1,
    "mobilenet_v2": mobilenet_v2,
    "squeezenet1_1": squeezenet1_1,
    "bert-base-128": bert_base_128,
    "bert-base-384": bert_base_384,
    "gpt2": gpt2,
    "mlp0": mlp0,
}


def builtin_model(name: str) -> Model:
    """The built-in model called `name`; KeyError naming the known models otherwise."""
    try:
        builder = BUILTIN_MODELS[name]
    except KeyError:
        known = ", ".join(sorted(BUILTIN_MODELS))
        raise KeyError(f"unknown built-in model {name!r}; known models: {known}") from None
    return builder()
