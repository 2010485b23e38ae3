"""Time and energy of one batch of a workload on one replica, vectorized over design points.

Arrays of design points have shape (P,); the layer table has shape (L,); per-layer results
broadcast to (P, L). Symbols (docs/cost-model.md):

    t_compute = (array cycles + vector cycles) / f      (synth.cost.mapping: pipelined folds,
                                                          depthwise on array or lanes)
    t_memory  = DRAM bytes / min(bandwidth * cores_per_replica / cores,
                                 cores_per_replica * edge words per cycle * operand bytes * f)
    t_layer   = max(t_c, t_m) + min(t_c, t_m) / chunks + dispatch_cycles / f  (stream buffers fit)
              = t_c + t_m + dispatch_cycles / f                               (they do not)
    service time T(B) = sum over layers of count * t_layer + host transfer + runtime overhead

SRAM per replica S = sram_mib * cores_per_replica / cores holds stream buffers, the largest
activation working set, then weights per layer (synth.cost.mapping.layer_traffic). Resident
weights are read from DRAM once, at load time, not per inference; the others stream once per
batch in padded array tiles. Activations spill to DRAM when a layer's input plus output exceed
what is left; the model's input and output always cross DRAM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from synth.cost.arrays import FloatArray, Numeric
from synth.cost.constants import ACCUMULATOR_BYTES, MAC_ENERGY_PJ_45NM, OPERAND_BYTES, Technology
from synth.cost.dvfs import dynamic_energy_scale, sram_voltage_scale
from synth.cost.mapping import batch_shapes, layer_compute_cycles, layer_traffic, overlapped_time
from synth.cost.systolic import buffer_words, edge_words_per_cycle
from synth.models import Model
from synth.vocabulary import PRECISION_NAMES

# Workload precision codes (index into PRECISION_NAMES); 4 = int8 with fp16 first/last layers.
PRECISION_CODES = {name: code for code, name in enumerate(PRECISION_NAMES)}
_BYTES = np.array([OPERAND_BYTES[p] for p in PRECISION_NAMES[:4]], dtype=float)
_MAC_PJ = np.array([MAC_ENERGY_PJ_45NM[p] for p in PRECISION_NAMES[:4]])
MIB = float(1 << 20)


@dataclass(frozen=True, slots=True)
class LayerTable:
    """A model's layers as arrays of shape (L,)."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    m: np.ndarray
    k: np.ndarray
    n: np.ndarray
    groups: np.ndarray
    shares_weights: np.ndarray  # bool: batch folds into M
    weights: np.ndarray  # weight elements
    inputs: np.ndarray  # input elements per sample
    outputs: np.ndarray  # output elements per sample
    vector_ops: np.ndarray
    count: np.ndarray
    sensitive: np.ndarray  # bool: first/last array layer (fp16 under int8+fp16)
    model_input: np.ndarray  # bool: reads the model's input from DRAM
    model_output: np.ndarray  # bool: writes the model's output to DRAM
    extra_param_elements: int  # stored parameters outside the GEMMs (embeddings...)

    @classmethod
    def from_model(cls, model: Model) -> LayerTable:
        gemms = model.gemms()
        column: Callable[[str], np.ndarray] = lambda attr: np.array([getattr(g, attr) for g in gemms], dtype=np.int64)  # noqa: E731
        array_layers = [i for i, g in enumerate(gemms) if g.kind != "vector"]
        sensitive = np.zeros(len(gemms), dtype=bool)
        if array_layers:
            sensitive[[array_layers[0], array_layers[-1]]] = True
        first, last = np.zeros(len(gemms), dtype=bool), np.zeros(len(gemms), dtype=bool)
        first[0], last[-1] = True, True
        return cls(
            names=tuple(g.name for g in gemms), kinds=tuple(g.kind for g in gemms),
            m=column("m"), k=column("k"), n=column("n"), groups=column("groups"),
            shares_weights=np.array([g.batch_shares_weights for g in gemms]),
            weights=column("weight_elements"), inputs=column("input_elements"),
            outputs=column("output_elements"), vector_ops=column("vector_ops"),
            count=np.array(model.counts, dtype=np.int64), sensitive=sensitive,
            model_input=first, model_output=last, extra_param_elements=model.extra_params,
        )

    @property
    def macs_per_sample(self) -> int:
        return int(np.sum(self.m * self.k * self.n * self.groups * self.count))

    def weight_bytes(self, precision_code: Numeric) -> np.ndarray:
        """Bytes of all stored parameters at a precision code (array or scalar)."""
        code = np.asarray(precision_code)
        operand = layer_bytes(code.reshape(-1, 1), self.sensitive[None, :])
        total: np.ndarray = np.sum(self.weights[None, :] * operand * self.count[None, :], axis=1)
        total = total + self.extra_param_elements * operand.min(axis=1)
        return total.reshape(code.shape)


def layer_bytes(code: np.ndarray, sensitive: np.ndarray) -> np.ndarray:
    """Operand bytes of each layer: int8+fp16 runs sensitive layers in fp16."""
    mixed = code == 4
    base = _BYTES[np.where(mixed, 0, np.minimum(code, 3))]
    return np.where(mixed & sensitive, _BYTES[1], base)


def layer_mac_pj(code: np.ndarray, sensitive: np.ndarray) -> np.ndarray:
    mixed = code == 4
    base = _MAC_PJ[np.where(mixed, 0, np.minimum(code, 3))]
    return np.where(mixed & sensitive, _MAC_PJ[1], base)


@dataclass(frozen=True, slots=True)
class BatchFigures:
    """One batch on one replica: time and dynamic energy, per point (P,) and per layer (P, L)."""

    service_s: np.ndarray
    energy_j: np.ndarray  # dynamic energy of the whole batch
    dram_bytes: np.ndarray
    layer_dram_bytes: np.ndarray  # per layer instance
    layer_cycles: np.ndarray  # array + vector cycles per layer instance
    layer_compute_s: np.ndarray
    layer_memory_s: np.ndarray
    layer_s: np.ndarray  # per layer instance, dispatch included
    energy_breakdown_j: dict[str, np.ndarray]
    overhead_s: np.ndarray | None = None  # per batch: host transfer and runtime, in service_s
    layer_resident: np.ndarray | None = None  # (P, L) bool: the layer's weights stay on chip


def batch_figures(table: LayerTable, tech: Technology, *, rows: Numeric, cols: Numeric, cores: Numeric,
                  dataflow: Numeric, clock_ghz: Numeric, voltage_v: Numeric, sram_mib: Numeric,
                  bandwidth_gbps: Numeric, dram_pj_per_bit: Numeric, batch: Numeric, cores_per_replica: Numeric,
                  precision: Numeric) -> BatchFigures:
    """Service time and dynamic energy of one batch; every keyword is an array of shape (P,)."""
    col: Callable[[Numeric], np.ndarray] = lambda x: np.asarray(x)[:, None] if np.ndim(x) else np.asarray(x)  # noqa: E731
    rows, cols, cores, dataflow = col(rows), col(cols), col(cores), col(dataflow)
    freq_hz = col(clock_ghz) * 1e9
    batch, replica_cores, code = col(batch), col(cores_per_replica), col(precision)
    share = replica_cores / cores

    m_total, g_total = batch_shapes(table, batch)
    array_cycles, vector_cycles, chunks = layer_compute_cycles(
        table, rows=rows, cols=cols, cores_per_replica=replica_cores, dataflow=dataflow, batch=batch)
    cycles = array_cycles + vector_cycles
    compute_s = cycles / freq_hz

    operand_bytes = layer_bytes(code, table.sensitive)
    sram_bytes = col(sram_mib) * MIB * share
    flow = layer_traffic(table, tech, rows=rows, cols=cols, dataflow=dataflow, sram_bytes=sram_bytes,
                         batch=batch, operand_bytes=operand_bytes, cores_per_replica=replica_cores)
    traffic = flow.bytes
    act_in = table.inputs * batch * operand_bytes
    act_out = table.outputs * batch * operand_bytes
    # A replica draws its share of the interface, but no faster than its cores consume data:
    # edge_words_per_cycle words of the layer's operand width per core and cycle (what makes
    # synth.cost.chip.peak_dram_gbps an upper bound on every plan's DRAM bandwidth).
    ingest = replica_cores * edge_words_per_cycle(rows, cols) * operand_bytes * freq_hz
    memory_s = traffic / np.minimum(col(bandwidth_gbps) * 1e9 * share, ingest)
    layer_s = overlapped_time(compute_s, memory_s, chunks, flow.overlap) + tech.layer_dispatch_cycles / freq_hz
    count = table.count.astype(np.float64)
    # Host: the batch's input and output cross the host link (none on an SoC), plus the
    # runtime's fixed cost per batch.
    host_bytes = np.sum((act_in * table.model_input + act_out * table.model_output), axis=-1)
    host_bytes = np.broadcast_to(host_bytes, layer_s.shape[:1])
    if tech.host_link_gbps > 0:
        host_s = 2 * tech.host_link_latency_us * 1e-6 + host_bytes / (tech.host_link_gbps * 1e9)
    else:
        host_s = np.zeros_like(host_bytes, dtype=float)
    overhead_s = host_s + tech.runtime_overhead_us * 1e-6
    service_s = layer_s @ count + overhead_s  # layer sums as a matrix product (benchmarks/README.md)

    vscale = dynamic_energy_scale(tech, col(voltage_v))
    macs = m_total * table.k * table.n * g_total
    mac_j = macs * layer_mac_pj(code, table.sensitive) * tech.mac_energy_scale * tech.pe_energy_overhead
    operand_words, acc_words = buffer_words(m_total, table.k, table.n, rows, cols, dataflow)
    sram_j = (operand_words * operand_bytes * g_total * 8 + (table.vector_ops > 0) * (act_in + act_out) * 8) \
        * sram_pj_per_bit(tech, col(sram_mib) / cores) \
        + acc_words * ACCUMULATOR_BYTES * g_total * 8 * accumulator_pj_per_bit(tech, col(sram_mib) / cores)
    vector_j = table.vector_ops * batch * tech.vector_op_energy_pj_45nm * tech.mac_energy_scale
    dram_j = traffic * 8 * col(dram_pj_per_bit)
    parts: dict[str, Any] = {  # Any: typeshed's sum() knows numbers, not arrays
        "mac": np.broadcast_to(mac_j, layer_s.shape) @ count * np.ravel(vscale) * 1e-12,
        "sram": np.broadcast_to(sram_j, layer_s.shape) @ count * np.ravel(sram_voltage_scale(tech, col(voltage_v)))
        * 1e-12,
        "vector": np.broadcast_to(vector_j, layer_s.shape) @ count * np.ravel(vscale) * 1e-12,
        "dram": np.broadcast_to(dram_j, layer_s.shape) @ count * 1e-12,
        "host": host_bytes * 8 * tech.host_link_pj_per_bit * 1e-12 * (tech.host_link_gbps > 0),
    }
    return BatchFigures(
        service_s=service_s,
        energy_j=sum(parts.values()),
        dram_bytes=np.broadcast_to(traffic, layer_s.shape) @ count,
        layer_dram_bytes=np.broadcast_to(traffic, layer_s.shape),
        layer_cycles=cycles, layer_compute_s=compute_s, layer_memory_s=memory_s, layer_s=layer_s,
        energy_breakdown_j=parts, overhead_s=overhead_s,
        layer_resident=np.broadcast_to(flow.resident, layer_s.shape),
    )


def sram_pj_per_bit(tech: Technology, sram_mib_per_core: Numeric) -> FloatArray:
    """Energy per bit of one SRAM access at the node's nominal voltage.

    E_64b(S) = 10 pJ * (S / 8 KB)^0.475 at 45 nm (Horowitz fit, constants.py), S = one bank:
    min(SRAM per core, bank size)."""
    bank_kib: FloatArray = np.minimum(np.asarray(sram_mib_per_core, dtype=float) * 1024, tech.sram_bank_kib)
    per_64b = tech.sram_pj_per_64b_at_8kb * (bank_kib / 8) ** tech.sram_energy_size_exponent
    return per_64b / 64 * tech.sram_energy_scale


def accumulator_pj_per_bit(tech: Technology, sram_mib_per_core: Numeric) -> FloatArray:
    """Energy per bit of a partial-sum access: the accumulators sit in per-column banks of
    accumulator_bank_kib (or the whole SRAM per core if smaller)."""
    bank_mib = np.minimum(np.asarray(sram_mib_per_core, dtype=float), tech.accumulator_bank_kib / 1024)
    return sram_pj_per_bit(tech, bank_mib)
