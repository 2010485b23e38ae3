"""Built-in convolutional models: ResNet-50, MobileNet v1 and v2, SqueezeNet 1.1 (shapes from
references.md section 3)."""

from __future__ import annotations

from synth.models.layers import Layer, Model, conv_output_size
from synth.models.parts import (
    ADD_OPS,
    IMAGENET_CLASSES,
    batchnorm_params,
    conv,
    conv_output_channels,
    depthwise3x3,
    fc,
    global_avg_pool,
    vector,
)

# --------------------------------------------------------------------------- ResNet-50

# (bottleneck width, blocks, stride of the first block) for stages conv2_x .. conv5_x.
_RESNET50_STAGES = ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2))
_BOTTLENECK_EXPANSION = 4


def _bottleneck(prefix: str, size: int, c_in: int, width: int, stride: int) -> list[Layer]:
    """ResNet v1.5 bottleneck: 1x1 reduce, 3x3 (carrying the stride), 1x1 expand, shortcut, add."""
    c_out = width * _BOTTLENECK_EXPANSION
    size_out = conv_output_size(size, 3, stride, 1)
    layers = [
        conv(f"{prefix}_conv1x1a", size, c_in, width, 1),
        conv(f"{prefix}_conv3x3", size, width, width, 3, stride, 1),
        conv(f"{prefix}_conv1x1b", size_out, width, c_out, 1),
    ]
    if stride != 1 or c_in != c_out:
        layers.append(conv(f"{prefix}_proj", size, c_in, c_out, 1, stride))
    layers.append(vector(f"{prefix}_add", size_out * size_out * c_out, ADD_OPS,
                              reads=2 * size_out * size_out * c_out))
    return layers


def resnet50() -> Model:
    """ResNet-50 v1.5 at 224x224, torchvision definition (He et al., CVPR 2016; stride on the 3x3).

    Published: 4.089 G MACs, 25.557 M parameters (references.md section 3).
    """
    layers = [conv("conv1", 224, 3, 64, 7, 2, 3)]
    conv1_size = conv_output_size(224, 7, 2, 3)
    size = conv_output_size(conv1_size, 3, 2, 1)
    layers.append(vector("maxpool", size * size * 64, 9, reads=conv1_size * conv1_size * 64))
    channels = 64
    for stage, (width, blocks, first_stride) in enumerate(_RESNET50_STAGES, start=2):
        for block in range(1, blocks + 1):
            stride = first_stride if block == 1 else 1
            layers += _bottleneck(f"s{stage}_b{block}", size, channels, width, stride)
            size = conv_output_size(size, 3, stride, 1)
            channels = width * _BOTTLENECK_EXPANSION
    layers.append(global_avg_pool("avgpool", size, channels))
    layers.append(fc("fc", channels, IMAGENET_CLASSES))
    return Model(
        name="resnet50",
        layers=tuple(layers),
        description="ResNet-50 v1.5, 224x224 image classification (torchvision definition)",
        source="He et al., Deep Residual Learning, CVPR 2016; torchvision resnet50 (v1.5); "
               "references.md section 3",
        published_macs=4.089e9,
        published_params=25.557e6,
        extra_params=batchnorm_params(layers) + IMAGENET_CLASSES,
    )


# --------------------------------------------------------------------------- MobileNetV1

# (output channels, stride) of the 13 depthwise-separable blocks, Howard et al. Table 1.
_MOBILENET_V1_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def mobilenet_v1() -> Model:
    """MobileNetV1 1.0-224 (Howard et al. 2017, Table 1; TF-slim mobilenet_v1).

    Published: 569 M MACs, 4.24 M parameters (TF-slim `mobilenet_v1.md`).
    """
    layers = [conv("conv1", 224, 3, 32, 3, 2, 1)]
    size, channels = conv_output_size(224, 3, 2, 1), 32
    for index, (c_out, stride) in enumerate(_MOBILENET_V1_BLOCKS, start=1):
        layers.append(depthwise3x3(f"dw{index}", size, channels, stride))
        size = conv_output_size(size, 3, stride, 1)
        layers.append(conv(f"pw{index}", size, channels, c_out, 1))
        channels = c_out
    layers.append(global_avg_pool("avgpool", size, channels))
    layers.append(fc("fc", channels, IMAGENET_CLASSES))
    return Model(
        name="mobilenet_v1",
        layers=tuple(layers),
        description="MobileNetV1 1.0-224 image classification, depthwise-separable convolutions",
        source="Howard et al., MobileNets, arXiv 1704.04861, Table 1; TF-slim mobilenet_v1.md; "
               "references.md section 3",
        published_macs=569e6,
        published_params=4.24e6,
        extra_params=batchnorm_params(layers) + IMAGENET_CLASSES,
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
    layers = [] if expansion == 1 else [conv(f"{prefix}_exp", size, c_in, hidden, 1)]
    layers.append(depthwise3x3(f"{prefix}_dw", size, hidden, stride))
    layers.append(conv(f"{prefix}_proj", size_out, hidden, c_out, 1))
    if stride == 1 and c_in == c_out:
        layers.append(vector(f"{prefix}_add", size_out * size_out * c_out, ADD_OPS,
                              reads=2 * size_out * size_out * c_out))
    return layers


def mobilenet_v2() -> Model:
    """MobileNetV2 1.0-224 (Sandler et al. 2018, Table 2; torchvision mobilenet_v2).

    Published: 300 M MACs; 3.47 M parameters (TF-slim) / 3.505 M (torchvision, which counts
    batch-norm scale and shift as this builder does).
    """
    layers = [conv("conv1", 224, 3, 32, 3, 2, 1)]
    size, channels, block = conv_output_size(224, 3, 2, 1), 32, 0
    for expansion, c_out, repeats, first_stride in _MOBILENET_V2_STAGES:
        for repeat in range(repeats):
            block += 1
            stride = first_stride if repeat == 0 else 1
            layers += _inverted_residual(f"b{block}", size, channels, c_out, expansion, stride)
            size, channels = conv_output_size(size, 3, stride, 1), c_out
    layers.append(conv("conv_last", size, channels, 1280, 1))
    layers.append(global_avg_pool("avgpool", size, 1280))
    layers.append(fc("fc", 1280, IMAGENET_CLASSES))
    return Model(
        name="mobilenet_v2",
        layers=tuple(layers),
        description="MobileNetV2 1.0-224 image classification, inverted residual blocks",
        source="Sandler et al., MobileNetV2, CVPR 2018, Table 2; TF-slim mobilenet/README.md "
               "(300 M MACs, 3.47 M params); torchvision mobilenet_v2 (3.505 M params); "
               "references.md section 3",
        published_macs=300e6,
        published_params=3.505e6,
        extra_params=batchnorm_params(layers) + IMAGENET_CLASSES,
    )


# --------------------------------------------------------------------------- SqueezeNet 1.1


def _pool_output_size_ceil(size: int, kernel: int, stride: int) -> int:
    """Output size of an unpadded pooling window with ceil_mode=True (PyTorch)."""
    return -(-(size - kernel) // stride) + 1


def _fire(name: str, size: int, c_in: int, squeeze: int, expand: int) -> list[Layer]:
    """Fire module: 1x1 squeeze, then parallel 1x1 and 3x3 expands (outputs concatenated)."""
    return [
        conv(f"{name}_squeeze1x1", size, c_in, squeeze, 1),
        conv(f"{name}_expand1x1", size, squeeze, expand, 1),
        conv(f"{name}_expand3x3", size, squeeze, expand, 3, 1, 1),
    ]


def _maxpool3x3_ceil(name: str, size: int, channels: int) -> tuple[Layer, int]:
    """A 3x3/2 max pool with ceil_mode and its output size."""
    size_out = _pool_output_size_ceil(size, 3, 2)
    return vector(name, size_out * size_out * channels, 9, reads=size * size * channels), size_out


def squeezenet1_1() -> Model:
    """SqueezeNet 1.1 at 224x224, torchvision / DeepScale v1.1 definition (Iandola et al. 2016).

    Published: 349 M MACs, 1.235 M parameters (references.md section 3).
    """
    layers = [conv("conv1", 224, 3, 64, 3, 2)]
    size = conv_output_size(224, 3, 2, 0)
    pool, size = _maxpool3x3_ceil("maxpool1", size, 64)
    layers += [pool, *_fire("fire2", size, 64, 16, 64), *_fire("fire3", size, 128, 16, 64)]
    pool, size = _maxpool3x3_ceil("maxpool3", size, 128)
    layers += [pool, *_fire("fire4", size, 128, 32, 128), *_fire("fire5", size, 256, 32, 128)]
    pool, size = _maxpool3x3_ceil("maxpool5", size, 256)
    layers += [pool, *_fire("fire6", size, 256, 48, 192), *_fire("fire7", size, 384, 48, 192),
               *_fire("fire8", size, 384, 64, 256), *_fire("fire9", size, 512, 64, 256)]
    layers.append(conv("conv10", size, 512, IMAGENET_CLASSES, 1))
    layers.append(global_avg_pool("avgpool", size, IMAGENET_CLASSES))
    return Model(
        name="squeezenet1_1",
        layers=tuple(layers),
        description="SqueezeNet 1.1, 224x224 image classification (torchvision definition)",
        source="Iandola et al., SqueezeNet, arXiv 1602.07360; DeepScale SqueezeNet v1.1; "
               "torchvision squeezenet1_1; references.md section 3",
        published_macs=349e6,
        published_params=1.235e6,
        extra_params=conv_output_channels(layers),  # every conv has a bias
    )


