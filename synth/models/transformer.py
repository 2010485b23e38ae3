"""Built-in transformer and MLP models: BERT-base (128 and 384 tokens), GPT-2 (one decode step),
the TPU paper's MLP0 (shapes from references.md section 3)."""

from __future__ import annotations

from dataclasses import replace

from synth.models.layers import Layer, Model
from synth.models.parts import ADD_OPS, GELU_OPS, LAYERNORM_OPS, SOFTMAX_OPS, fc, vector

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
        vector("enc_attn_softmax", heads * seq_len * seq_len, SOFTMAX_OPS, count),
        Layer("enc_attn_av", "matmul", count, m=seq_len, k=seq_len, n=head_dim, heads=heads),
        Layer("enc_attn_out_proj", "gemm", count, m=seq_len, k=hidden, n=hidden),
        vector("enc_attn_add_layernorm", tokens, ADD_OPS + LAYERNORM_OPS, count),
        Layer("enc_ffn_up", "gemm", count, m=seq_len, k=hidden, n=ffn),
        vector("enc_ffn_gelu", seq_len * ffn, GELU_OPS, count),
        Layer("enc_ffn_down", "gemm", count, m=seq_len, k=ffn, n=hidden),
        vector("enc_ffn_add_layernorm", tokens, ADD_OPS + LAYERNORM_OPS, count),
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
        vector("embeddings_sum_layernorm", seq_len * hidden, 2 * ADD_OPS + LAYERNORM_OPS),
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
        vector("blk_ln_1", hidden, LAYERNORM_OPS, count),
        Layer("blk_attn_c_attn", "gemm", count, m=1, k=hidden, n=3 * hidden),
        Layer("blk_attn_qk_scores", "matmul", count, m=1, k=head_dim, n=kv_len, heads=heads),
        vector("blk_attn_softmax", heads * kv_len, SOFTMAX_OPS, count),
        Layer("blk_attn_av", "matmul", count, m=1, k=kv_len, n=head_dim, heads=heads),
        Layer("blk_attn_c_proj", "gemm", count, m=1, k=hidden, n=hidden),
        vector("blk_attn_residual_add", hidden, ADD_OPS, count),
        vector("blk_ln_2", hidden, LAYERNORM_OPS, count),
        Layer("blk_mlp_c_fc", "gemm", count, m=1, k=hidden, n=ffn),
        vector("blk_mlp_gelu", ffn, GELU_OPS, count),
        Layer("blk_mlp_c_proj", "gemm", count, m=1, k=ffn, n=hidden),
        vector("blk_mlp_residual_add", hidden, ADD_OPS, count),
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
        vector("ln_f", hidden, LAYERNORM_OPS),
        fc("lm_head", hidden, _GPT2_VOCAB),
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
    layers = [fc(f"fc{index}", _MLP0_WIDTH, _MLP0_WIDTH)
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


