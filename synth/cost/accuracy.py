"""Accuracy drop by (model, precision), in percentage points of the model's quality metric.

From published quantization results (refs §4); fp32 is the baseline. fp16/bf16: MLPerf's
99.9 %-accuracy submissions run 16-bit floats and BF16 accumulates in FP32 (refs §4 [P]), so
the drop is taken as 0. "int8+fp16" keeps the first and last array layers in fp16 and the rest
in int8; its drop is taken as half the int8 drop [U: first/last layers are the most sensitive,
a common practice, e.g. Krishnamoorthi 2018].
"""

from __future__ import annotations

# Top-1 (ImageNet) or F1 (SQuAD) points lost at int8.
INT8_DROP_PCT = {
    "resnet50": 75.21 - 74.96,  # AIMET INT8, ResNet-50 v1 TF-slim [P]
    "mobilenet_v1": 70.9 - 69.7,  # TF-slim QAT, TFLite uint8 [P]
    "mobilenet_v2": 71.67 - 71.14,  # AIMET INT8 [P]
    "bert-base-128": 88.46 - 87.74,  # Q8BERT QAT SQuAD v1.1 F1 [P]
    "bert-base-384": 88.46 - 87.74,  # same model at a longer sequence [D]
}
# No published int8 figure: the bound of Krishnamoorthi 2018, "post-training ... within 2 % of
# floating point" (refs §4 [P abstract]); used for squeezenet1_1, gpt2, mlp0 and inline models.
UNKNOWN_INT8_DROP_PCT = 2.0

DROP_FACTOR = {"fp32": 0.0, "fp16": 0.0, "bf16": 0.0, "int8": 1.0, "int8+fp16": 0.5}


def accuracy_drop_pct(model_name: str, precision: str, table: dict[str, float] | None = None) -> float:
    """Points lost running `model_name` at `precision`; `table` is an inline model's own figures."""
    if table and precision in table:
        return table[precision]
    int8 = (table or {}).get("int8", INT8_DROP_PCT.get(model_name, UNKNOWN_INT8_DROP_PCT))
    return DROP_FACTOR[precision] * int8
