"""Layer types of a model and their lowering to GEMMs on a systolic array.

Every layer lowers to one `Gemm`: `groups` independent matrix products of shape
(m x k) @ (k x n) per sample, or to a vector-unit operation. Conventions (DESIGN.md):

- conv: M = Ho*Wo (per sample), K = C_in/groups * kh * kw, N = C_out/groups, groups GEMMs;
- depthwise conv: one GEMM per channel with K = kh*kw and N = 1 (an array uses one column:
  the numbers show how poorly arrays run depthwise layers);
- matmul / attention: both operands are activations, so a batch cannot be folded into M
  (every sample has its own right-hand matrix): `batch_shares_weights` is False and the
  number of GEMMs grows with the batch;
- vector: element-wise work (softmax, layer norm, pooling, residual adds) on the vector unit.

Only conv, depthwise, gemm and matmul MACs are counted in `macs` (the usual counting
convention of references.md section 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LayerKind = Literal["gemm", "conv", "depthwise", "matmul", "vector"]


def conv_output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """Output height/width of a convolution (floor mode, as PyTorch)."""
    return (size + 2 * padding - kernel) // stride + 1


@dataclass(frozen=True, slots=True)
class Gemm:
    """A layer lowered to `groups` GEMMs of (m x k) @ (k x n) per sample.

    m: rows per sample; with `batch_shares_weights` a batch of B gives one GEMM with B*m rows
    per group (the right operand, the weights, is shared); without it, B*groups GEMMs of m rows.
    weight_elements: elements of stationary parameters (0 for activation x activation matmuls).
    input_elements / output_elements: activation elements read / written per sample.
    vector_ops: element operations per sample for the vector unit (0 for array layers).
    """

    name: str
    kind: LayerKind
    m: int
    k: int
    n: int
    groups: int
    batch_shares_weights: bool
    weight_elements: int
    input_elements: int
    output_elements: int
    vector_ops: int = 0

    @property
    def macs(self) -> int:
        """Multiply-accumulates per sample."""
        return self.m * self.k * self.n * self.groups if self.kind != "vector" else 0


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a model, as written in a layer table or a requirements file.

    Fields not used by a kind stay 0. `count` repeats the layer (identical shapes).
    """

    name: str
    kind: LayerKind
    count: int = 1
    # gemm / matmul
    m: int = 0
    k: int = 0
    n: int = 0
    heads: int = 1
    # conv / depthwise
    h: int = 0
    w: int = 0
    c_in: int = 0
    c_out: int = 0
    kernel: int = 0
    stride: int = 1
    padding: int = 0
    groups: int = 1
    # vector
    elements: int = 0  # output elements
    ops_per_element: int = 1
    input_elements: int = 0  # elements read; 0 means the same as `elements`

    def lower(self) -> Gemm:
        """The GEMM (or vector operation) that one instance of this layer runs."""
        if self.kind == "gemm":
            return Gemm(self.name, "gemm", self.m, self.k, self.n, 1, True,
                        self.k * self.n, self.m * self.k, self.m * self.n)
        if self.kind == "matmul":
            per_head_in = self.m * self.k + self.k * self.n
            return Gemm(self.name, "matmul", self.m, self.k, self.n, self.heads, False,
                        0, self.heads * per_head_in, self.heads * self.m * self.n)
        if self.kind in ("conv", "depthwise"):
            h_out = conv_output_size(self.h, self.kernel, self.stride, self.padding)
            w_out = conv_output_size(self.w, self.kernel, self.stride, self.padding)
            if self.kind == "depthwise":
                groups, k, n = self.c_in, self.kernel * self.kernel, 1
                c_out = self.c_in
            else:
                groups = self.groups
                k = (self.c_in // groups) * self.kernel * self.kernel
                n = self.c_out // groups
                c_out = self.c_out
            return Gemm(self.name, self.kind, h_out * w_out, k, n, groups, True,
                        groups * k * n, self.h * self.w * self.c_in, h_out * w_out * c_out)
        if self.kind == "vector":
            reads = self.input_elements or self.elements
            return Gemm(self.name, "vector", 0, 0, 0, 1, True, 0, reads, self.elements,
                        self.elements * self.ops_per_element)
        raise ValueError(f"unknown layer kind {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Model:
    """A model: its layers and, for built-in models, the published totals it is checked against."""

    name: str
    layers: tuple[Layer, ...]
    description: str = ""
    source: str = ""
    published_macs: float | None = None
    published_params: float | None = None
    extra_params: int = 0  # stored but not GEMM weights: embeddings, biases, norms

    def gemms(self) -> tuple[Gemm, ...]:
        """One lowered GEMM per layer row; `counts` gives how often each repeats."""
        return tuple(layer.lower() for layer in self.layers)

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(layer.count for layer in self.layers)

    @property
    def macs(self) -> int:
        """Multiply-accumulates per inference (one sample)."""
        return sum(g.macs * c for g, c in zip(self.gemms(), self.counts))

    @property
    def params(self) -> int:
        """Stored parameters: GEMM weights plus `extra_params` (embeddings, biases, norms)."""
        weights = sum(g.weight_elements * c for g, c in zip(self.gemms(), self.counts))
        return weights + self.extra_params
