"""Compute cycles and buffer accesses of a GEMM on an R x C systolic array (vectorized).

SCALE-Sim's analytical model (Samajdar et al., "A Systematic Methodology for Characterizing
Scalability of DNN Accelerators using SCALE-Sim", ISPASS 2020): a GEMM of (M x K) @ (K x N)
maps to spatial rows S_R, spatial columns S_C and temporal length T by dataflow

    output stationary (os):  S_R = M, S_C = N, T = K
    weight stationary (ws):  S_R = K, S_C = N, T = M
    input stationary  (is):  S_R = K, S_C = M, T = N

and takes fold_count = ceil(S_R / R) * ceil(S_C / C) folds. A ws or is fold loads the
stationary operand (R cycles), streams T rows skewed over the array (R + C - 2) and drains:
2R + C + T - 2 cycles. An os fold has nothing to preload: T input rows skewed over R - 1 rows
plus C - 1 drain rows, R + C + T - 2 cycles (SCALE-Sim 3.0.0 systolic_compute_os.py,
create_ifmap_demand_mat). SCALE-Sim's simulator counts cycles from 0, so its reported compute
cycles are this count minus one per run; tests/cost/test_systolic.py holds SCALE-Sim runs.
That count (`gemm_cycles`) is the reference convention; the cost model times layers with
`pipelined_gemm_cycles`: the stationary operand is double-buffered (the next fold's preload
overlaps the current fold's stream) and fill and drain are paid once per GEMM, not per fold:

    pipelined = preload + (folds - 1) * max(T, R) + T + R + C - 2

(a fold cannot start before its R-row preload, or before the previous fold's T rows have
entered). One fold gives exactly gemm_cycles; more folds never take longer.
"""

from __future__ import annotations

import numpy as np

from synth.cost.arrays import FloatArray, Numeric
from synth.vocabulary import Dataflow

WS, OS, IS = Dataflow.ws.code, Dataflow.os.code, Dataflow.is_.code
DATAFLOW_CODES = {d.value: d.code for d in Dataflow}


def _ceil_div(a: Numeric, b: Numeric) -> FloatArray:
    """ceil(a / b) for non-negative integers, in float64: exact below 2^53 and, unlike int64
    floor division, vectorized by the CPU (benchmarks/README.md measured ~4x per element)."""
    return np.ceil(np.asarray(a, dtype=np.float64) / b)


def mapping(m: Numeric, k: Numeric, n: Numeric, dataflow: Numeric) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(spatial_rows, spatial_cols, temporal) of a GEMM under each dataflow code."""
    spatial_rows = np.where(dataflow == OS, m, k)
    spatial_cols = np.where(dataflow == IS, m, n)
    temporal = np.where(dataflow == WS, m, np.where(dataflow == OS, k, n))
    return spatial_rows, spatial_cols, temporal


def fold_count(m: Numeric, k: Numeric, n: Numeric, rows: Numeric, cols: Numeric, dataflow: Numeric) -> FloatArray:
    """Number of array folds (tiles) a GEMM needs."""
    spatial_rows, spatial_cols, _ = mapping(m, k, n, dataflow)
    return _ceil_div(spatial_rows, rows) * _ceil_div(spatial_cols, cols)


def gemm_cycles(m: Numeric, k: Numeric, n: Numeric, rows: Numeric, cols: Numeric, dataflow: Numeric) -> FloatArray:
    """Compute cycles of one (m x k) @ (k x n) GEMM, counted from 1 (broadcasts over inputs)."""
    m, k, n = (np.asarray(x, dtype=np.float64) for x in (m, k, n))
    rows, cols = np.asarray(rows, dtype=np.float64), np.asarray(cols, dtype=np.float64)
    spatial_rows, spatial_cols, temporal = mapping(m, k, n, np.asarray(dataflow))
    folds = _ceil_div(spatial_rows, rows) * _ceil_div(spatial_cols, cols)
    preload = np.where(np.asarray(dataflow) == OS, 0, rows)
    return folds * (preload + rows + cols + temporal - 2)


def pipelined_gemm_cycles(m: Numeric, k: Numeric, n: Numeric, rows: Numeric, cols: Numeric,
                          dataflow: Numeric) -> FloatArray:
    """Cycles of one GEMM with double-buffered stationary operands and fill/drain pipelined
    across its folds (module docstring); equals gemm_cycles for a single fold."""
    m, k, n = (np.asarray(x, dtype=np.float64) for x in (m, k, n))
    rows, cols = np.asarray(rows, dtype=np.float64), np.asarray(cols, dtype=np.float64)
    spatial_rows, spatial_cols, temporal = mapping(m, k, n, np.asarray(dataflow))
    folds = _ceil_div(spatial_rows, rows) * _ceil_div(spatial_cols, cols)
    preload = np.where(np.asarray(dataflow) == OS, 0, rows)
    pipelined = preload + (folds - 1) * np.maximum(temporal, rows) + temporal + rows + cols - 2
    return np.where(folds > 0, pipelined, 0.0)


def padded_weight_factor(k: Numeric, n: Numeric, rows: Numeric, cols: Numeric, dataflow: Numeric) -> FloatArray:
    """Weights (k x n) are stored and fetched in array tiles: the dimensions spread over the array
    are padded to whole tiles (ws: K over rows, N over columns; os: N over columns; is: K over
    rows). A 600 x 600 matrix on a 256 x 256 ws array fetches 768 x 768 (590 KB, not 360 KB)."""
    k, n = np.asarray(k, dtype=np.float64), np.asarray(n, dtype=np.float64)
    rows, cols = np.asarray(rows, dtype=np.float64), np.asarray(cols, dtype=np.float64)
    dataflow = np.asarray(dataflow)
    padded_k = np.where(dataflow == OS, k, _ceil_div(k, rows) * rows)
    padded_n = np.where(dataflow == IS, n, _ceil_div(n, cols) * cols)
    return padded_k * padded_n / np.maximum(k * n, 1.0)


def split_gemm_cycles(m: Numeric, k: Numeric, n: Numeric, groups: Numeric, cores: Numeric, rows: Numeric,
                      cols: Numeric, dataflow: Numeric, *, pipelined: bool = False) -> FloatArray:
    """Cycles of `groups` independent GEMMs spread over `cores` arrays, imbalance included.

    With at least as many GEMMs as cores, each core runs ceil(groups / cores) of them. With
    fewer, each GEMM gets cores // groups cores and is split along M or N, whichever is
    faster (ceil division: the slowest core sets the time). pipelined: time each GEMM with
    pipelined_gemm_cycles (the cost model) instead of the SCALE-Sim count.
    """
    m, k, n, groups, cores = (np.asarray(x, dtype=np.float64) for x in (m, k, n, groups, cores))
    per_core = _ceil_div(groups, cores)
    # With groups >= cores, split is 1 and both splits equal the whole GEMM.
    split = np.maximum(np.floor(cores / np.maximum(groups, 1)), 1)
    cycles = pipelined_gemm_cycles if pipelined else gemm_cycles
    split_m = cycles(_ceil_div(m, split), k, n, rows, cols, dataflow)
    split_n = cycles(m, k, _ceil_div(n, split), rows, cols, dataflow)
    return np.where(groups >= cores, per_core, 1.0) * np.minimum(split_m, split_n)


def buffer_words(m: Numeric, k: Numeric, n: Numeric, rows: Numeric, cols: Numeric,
                 dataflow: Numeric) -> tuple[FloatArray, FloatArray]:
    """On-chip buffer words moved for one GEMM: (operand reads, accumulator reads+writes).

    Operand A (m x k, activations) and B (k x n, weights) are re-read once per fold of the
    other dimension; partial sums are written once per output and, when K spans several row
    folds, read back and re-written per extra fold (ws and is accumulate across K folds).
        os: A m*k*ceil(n/C) + B k*n*ceil(m/R);  C m*n
        ws: A m*k*ceil(n/C) + B k*n;            C m*n*(2*ceil(k/R) - 1)
        is: A m*k + B k*n*ceil(m/C);            C m*n*(2*ceil(k/R) - 1)
    """
    m, k, n = (np.asarray(x, dtype=np.float64) for x in (m, k, n))
    rows, cols = np.asarray(rows, dtype=np.float64), np.asarray(cols, dtype=np.float64)
    dataflow = np.asarray(dataflow)
    a_reads = m * k * np.where(dataflow == IS, 1.0, np.ceil(n / cols))
    b_reads = k * n * np.where(dataflow == OS, np.ceil(m / rows),
                               np.where(dataflow == IS, np.ceil(m / cols), 1.0))
    acc = m * n * np.where(dataflow == OS, 1.0, 2.0 * np.ceil(k / rows) - 1.0)
    return a_reads + b_reads, acc


def edge_words_per_cycle(rows: Numeric, cols: Numeric) -> FloatArray:
    """Words one core moves across its array's edges, or through its vector lanes, in a cycle:
    the most data it can take in from memory or give back per cycle, 2 * cols + max(rows, cols).

    Every dataflow has two operand edges and one result edge. The streamed operand enters one
    row per array row (rows words per cycle: ws and os activations, is weights); the stationary
    operand is preloaded one array row per cycle (cols words), at most one R x C tile per
    max(T, R) >= R cycles with double buffering (pipelined_gemm_cycles), or, in os, streams
    from the top at cols words per cycle; results leave one per column per cycle (an os fold
    drains R x C outputs no faster than one fold per R cycles). So the array moves at most
    rows + 2 * cols words per cycle. The vector unit (one lane per column, run after the array,
    never beside it) reads two operands and writes one result per lane and cycle: 3 * cols.
    The larger of the two bounds every cycle."""
    rows, cols = np.asarray(rows, dtype=np.float64), np.asarray(cols, dtype=np.float64)
    return 2 * cols + np.maximum(rows, cols)
