"""Building blocks of the built-in models: layer helpers and the vector-work estimates."""

from __future__ import annotations

from synth.models.layers import Layer

# Vector-unit work per output element (estimates; not counted in MACs).
ADD_OPS = 1
SOFTMAX_OPS = 5  # max, subtract, exp, sum, divide
LAYERNORM_OPS = 5  # mean, variance, subtract, scale, shift
GELU_OPS = 8  # tanh approximation: cube, fused multiply-adds, tanh, product

IMAGENET_CLASSES = 1000


# --------------------------------------------------------------------------- layer helpers


def conv(name: str, size: int, c_in: int, c_out: int, kernel: int,
          stride: int = 1, padding: int = 0) -> Layer:
    """A square convolution on a size x size input."""
    return Layer(name, "conv", h=size, w=size, c_in=c_in, c_out=c_out, kernel=kernel,
                 stride=stride, padding=padding)


def depthwise3x3(name: str, size: int, channels: int, stride: int) -> Layer:
    """A 3x3 depthwise convolution with padding 1."""
    return Layer(name, "depthwise", h=size, w=size, c_in=channels, c_out=channels, kernel=3,
                 stride=stride, padding=1)


def fc(name: str, in_features: int, out_features: int, rows: int = 1) -> Layer:
    """A fully connected layer: `rows` x in_features times in_features x out_features."""
    return Layer(name, "gemm", m=rows, k=in_features, n=out_features)


def vector(name: str, elements: int, ops_per_element: int, count: int = 1,
            reads: int = 0) -> Layer:
    """Element-wise work on the vector unit; `elements` = output elements, `reads` = elements
    read (0: same as elements)."""
    return Layer(name, "vector", count=count, elements=elements, ops_per_element=ops_per_element,
                 input_elements=reads)


def global_avg_pool(name: str, size: int, channels: int) -> Layer:
    """Average over a size x size map: one output per channel, size*size ops each."""
    return vector(name, channels, size * size, reads=size * size * channels)


def conv_output_channels(layers: list[Layer]) -> int:
    """Output channels summed over conv and depthwise layers (one bias or BN per channel)."""
    return sum(layer.c_out * layer.count for layer in layers
               if layer.kind in ("conv", "depthwise"))


def batchnorm_params(layers: list[Layer]) -> int:
    """Trainable batch-norm parameters (scale and shift) after every conv."""
    return 2 * conv_output_channels(layers)


