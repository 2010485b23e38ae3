"""How a layer maps onto a replica's arrays: compute cycles, DRAM traffic, residency, overlap.

Arrays of design points have shape (P, 1) and the layer table (L,); results broadcast to (P, L).

Compute (`layer_compute_cycles`): every GEMM is timed with `pipelined_gemm_cycles` (double-buffered
stationary operand, fill and drain once per GEMM). A depthwise layer (C channels, K = kh*kw,
N = 1 each) takes the faster of two mappings a compiler has:
- on the array, channels packed across columns as a block-diagonal GEMM: p = min(C_cols,
  floor(R / K)) channels per fold, each in its own column and its own K rows, so a fold is the
  GEMM (M, K*p, p) and the layer ceil(G / p) of them;
- on the vector lanes (one per array column and core), one MAC per lane per cycle:
  ceil(M * K * G / (cols * cores)) cycles.

Residency (`layer_traffic`): the replica's SRAM S holds, first, the stream buffers that
double-buffer streamed operands (`stream_buffer_tiles` array tiles per core), then the largest
activation working set of the model (input plus output of one layer at the batch), then as
many layers' weights as fit, chosen greedily per layer: benefit per byte is the same for every
layer that streams once per batch, so layers are taken smallest first (the most layers per
byte), as a prefix of a fixed order (so residency only grows with S). The rest stream from
DRAM once per batch, in padded array tiles (`padded_weight_factor`), and once per activation
tile when the layer's activations spill. The model's input and output cross DRAM only on an
SoC (no host link). Overlap: with stream buffers in place, a layer's
DRAM transfers overlap its compute chunk by chunk, t = max(c, m) + min(c, m) / chunks (one
chunk's transfer or compute is exposed, a chunk being one array tile of the weights); without them (S below the reserve), t = c + m.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from synth.cost.arrays import Numeric
from synth.cost.constants import Technology
from synth.cost.systolic import padded_weight_factor, split_gemm_cycles

MIB = float(1 << 20)


class LayerArrays(Protocol):
    """What the mapping reads of a `synth.cost.workload.LayerTable` (that module imports this one)."""

    @property
    def kinds(self) -> tuple[str, ...]: ...
    @property
    def m(self) -> np.ndarray: ...
    @property
    def k(self) -> np.ndarray: ...
    @property
    def n(self) -> np.ndarray: ...
    @property
    def groups(self) -> np.ndarray: ...
    @property
    def shares_weights(self) -> np.ndarray: ...
    @property
    def weights(self) -> np.ndarray: ...
    @property
    def inputs(self) -> np.ndarray: ...
    @property
    def outputs(self) -> np.ndarray: ...
    @property
    def vector_ops(self) -> np.ndarray: ...
    @property
    def count(self) -> np.ndarray: ...
    @property
    def model_input(self) -> np.ndarray: ...
    @property
    def model_output(self) -> np.ndarray: ...
    @property
    def extra_param_elements(self) -> int: ...


def depthwise_mask(table: LayerArrays) -> np.ndarray:
    return np.array([kind == "depthwise" for kind in table.kinds], dtype=bool)


def batch_shapes(table: LayerArrays, batch: Numeric) -> tuple[np.ndarray, np.ndarray]:
    """(M, groups) of every layer at a batch: the batch folds into M when weights are shared."""
    m_total = np.where(table.shares_weights, batch * table.m, table.m)
    g_total = np.where(table.shares_weights, table.groups, table.groups * batch)
    return m_total, g_total


def layer_compute_cycles(table: LayerArrays, *, rows: Numeric, cols: Numeric, cores_per_replica: Numeric, dataflow: Numeric,
                         batch: Numeric) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(array cycles, vector cycles, chunks) of every layer instance of one batch on a replica;
    chunks = weight tiles, ceil(K / R) x ceil(N / C) x groups (packed folds for depthwise)."""
    m_total, g_total = batch_shapes(table, batch)
    generic = split_gemm_cycles(m_total, table.k, table.n, g_total, cores_per_replica, rows, cols, dataflow,
                                pipelined=True)
    # Transfers overlap compute chunk by chunk: a chunk is one array tile of the weights (DMA
    # unit), so their number does not grow with the batch and layer time stays monotone in it.
    chunks = np.ceil(table.k / rows) * np.ceil(table.n / cols) * table.groups
    depthwise = depthwise_mask(table)
    if depthwise.any():
        per_fold = np.clip(np.floor(rows / np.maximum(table.k, 1)), 1, cols)
        packed_groups = np.ceil(g_total / per_fold)
        on_array = split_gemm_cycles(m_total, table.k * per_fold, per_fold, packed_groups, cores_per_replica,
                                     rows, cols, dataflow, pipelined=True)
        on_lanes = np.ceil(m_total * table.k * g_total / (cols * cores_per_replica))
        generic = np.where(depthwise, np.minimum(on_array, on_lanes), generic)
        chunks = np.where(depthwise, np.ceil(table.groups / per_fold), chunks)
    vector = np.ceil(table.vector_ops * batch / (cols * cores_per_replica))
    return generic, vector, np.maximum(chunks, 1.0)


@dataclass(frozen=True, slots=True)
class Traffic:
    """DRAM bytes per layer instance of one batch, and whether transfers overlap compute."""

    bytes: np.ndarray  # (P, L)
    resident: np.ndarray  # (P, L) bool: the layer's weights stay on chip
    overlap: np.ndarray  # (P, 1) bool: stream buffers fit


def layer_traffic(table: LayerArrays, tech: Technology, *, rows: Numeric, cols: Numeric, dataflow: Numeric,
                  sram_bytes: Numeric, batch: Numeric, operand_bytes: np.ndarray, cores_per_replica: Numeric) -> Traffic:
    """DRAM traffic with per-layer residency (module docstring); sram_bytes is the replica's S."""
    reserve = tech.stream_buffer_tiles * rows * cols * np.max(operand_bytes, axis=-1, keepdims=True) \
        * cores_per_replica
    free = sram_bytes - reserve
    act_in = table.inputs * batch * operand_bytes
    act_out = table.outputs * batch * operand_bytes
    working = np.max(act_in + act_out, axis=-1, keepdims=True)
    stored = table.weights * operand_bytes  # compact on chip
    extra = table.extra_param_elements * np.min(operand_bytes, axis=-1, keepdims=True)
    capacity = np.maximum(free - working, 0.0) * tech.weight_residency - extra
    order = np.argsort(table.weights, kind="stable")  # fixed: smallest layers first
    cumulative = np.cumsum((stored * table.count)[..., order], axis=-1)
    resident = np.empty(np.broadcast_shapes(cumulative.shape, np.shape(capacity)), dtype=bool)
    resident[..., order] = cumulative <= capacity
    resident &= table.weights[None, :] > 0
    spills = act_in + act_out > free
    passes = np.where(spills, np.maximum(1.0, np.ceil(act_in / np.maximum(free / 2, 1.0))), 1.0)
    depthwise = depthwise_mask(table)
    padding = np.where(depthwise, 1.0, padded_weight_factor(table.k, table.n, rows, cols, dataflow))
    weight_traffic = np.where(resident, 0.0, stored * padding * passes)
    # The model's input and output cross DRAM on an SoC (the host shares it); over a host link
    # they are written to and read from the SRAM directly (TPU v1: PCIe into the Unified Buffer).
    shared = tech.host_link_gbps <= 0
    act_traffic = (np.where(spills | (table.model_input & shared), act_in, 0.0)
                   + np.where(spills | (table.model_output & shared), act_out, 0.0))
    return Traffic(weight_traffic + act_traffic, resident, free >= 0)


def overlapped_time(compute_s: np.ndarray, memory_s: np.ndarray, chunks: np.ndarray, overlap: np.ndarray) -> np.ndarray:
    """Layer time from compute and DRAM time: chunk-by-chunk overlap when stream buffers fit."""
    hidden: np.ndarray = np.maximum(compute_s, memory_s) + np.minimum(compute_s, memory_s) / chunks
    return np.where(overlap, hidden, compute_s + memory_s)
