"""Models: layer types, their lowering to GEMMs, and the built-in model zoo."""

from synth.models.layers import Gemm, Layer, Model, conv_output_size
from synth.models.zoo import BUILTIN_MODELS, builtin_model

__all__ = ["BUILTIN_MODELS", "Gemm", "Layer", "Model", "builtin_model", "conv_output_size"]
