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

from synth.models.cnn import mobilenet_v1, mobilenet_v2, resnet50, squeezenet1_1
from synth.models.layers import Model
from synth.models.transformer import bert_base_128, bert_base_384, gpt2, mlp0

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
