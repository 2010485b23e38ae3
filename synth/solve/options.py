"""The discrete design space as option tables, with per-option figures from the cost core.

Everything here is exact (from the vectorized cost core) or a documented lower bound on
time; the MILP (milp.py) combines these figures linearly. Bounds used (each a necessary
condition, docs/formulation.md):

- compute bound: T(B) >= sum over layers of count * (array + vector + dispatch cycles) / f,
  since each layer's time (overlapped or not, synth.cost.mapping) + dispatch >= compute +
  dispatch, and the host transfer and runtime overhead of a batch are >= 0;
- memory bound: T(B) >= DRAM bytes with the replica's SRAM share (SRAM x c / N) /
  (bandwidth * c / N), since a layer's time is at least its memory time; the bytes are taken
  on a 1 x 1 array (no tile padding, the smallest stream buffers), a lower bound for every shape;
- split bounds: T(B) >= compute time of a layer set S + memory time of the other layers.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from synth.cost.accuracy import accuracy_drop_pct
from synth.cost.constants import ACCUMULATOR_BYTES, PE_SUPPORTS, Technology, technology
from synth.cost.dvfs import voltage_for_clock
from synth.cost.mapping import layer_compute_cycles
from synth.cost.systolic import DATAFLOW_CODES, buffer_words
from synth.cost.workload import (
    PRECISION_CODES,
    LayerTable,
    accumulator_pj_per_bit,
    batch_figures,
    layer_mac_pj,
    sram_pj_per_bit,
)
from synth.spec.requirements import Requirements, Scenario, Workload
from synth.spec.resolve import accuracy_table, resolve_model
from synth.spec.space import Grid, design_grid


@dataclass(frozen=True, slots=True)
class WorkloadOptions:
    """One workload's choices and precomputed figures."""

    workload: Workload
    table: LayerTable
    model_name: str
    batches: tuple[int, ...]
    precisions: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]  # (replicas per chip, cores per replica)
    cycles: np.ndarray  # [shape, dataflow, core option, batch] compute-bound cycles of one batch
    core_values: tuple[int, ...]  # cores-per-replica values indexing cycles' third axis
    cycles_one: np.ndarray  # [shape, dataflow, core option] the same for a batch of one
    # The replica's SRAM share e = SRAM x c / N (c cores per replica of N) takes the values
    # sram_shares (MiB); share_keys lists every (SRAM idx, core option idx, chip cores idx,
    # share idx) with c <= N. DRAM traffic depends on (batch, precision, e) only, and the replica's
    # memory time is traffic x (N / c) / bandwidth.
    sram_shares: tuple[float, ...]
    share_keys: tuple[tuple[int, int, int, int], ...]
    traffic: np.ndarray  # [batch, precision, share] DRAM bytes of one batch of a replica
    traffic_one: np.ndarray  # [precision, share] the same for a batch of one
    splits: tuple[tuple[np.ndarray, np.ndarray], ...]
    # Lower bounds on the buffer (SRAM) energy per inference at nominal voltage, mJ, [shape,
    # dataflow, core option, batch], and on the DRAM bytes per inference of a replica, [batch,
    # precision, share], at the batch the workload is charged at (_charged_energy_tables).
    sram_mj_min: np.ndarray
    dram_bytes_min: np.ndarray
    weight_bytes: np.ndarray  # [precision] stored parameter bytes
    mac_pj: np.ndarray  # [precision] MAC energy per inference at nominal V (45 nm pJ x scales)
    accuracy_drop: np.ndarray  # [precision]


@dataclass(frozen=True, slots=True)
class SpaceOptions:
    """The whole discrete space with its figures."""

    req: Requirements
    tech: Technology
    grid: Grid
    voltages: np.ndarray  # [clock] lowest voltage reaching each grid clock
    workloads: tuple[WorkloadOptions, ...]

    @property
    def design_points(self) -> float:
        """Number of distinct designs in the space (hardware x every workload's plans)."""
        points = float(self.grid.hardware_points)
        for w in self.workloads:
            points *= len(w.batches) * len(w.precisions) * len(w.pairs)
        return points


def _batches(workload: Workload, grid: Grid) -> tuple[int, ...]:
    if workload.scenario is Scenario.single_stream:
        return (1,)
    if workload.scenario is Scenario.multi_stream:
        small = tuple(b for b in grid.batch if b <= 8)
        return small or (min(grid.batch),)
    return grid.batch


def _precisions(workload: Workload, grid: Grid, model_name: str) -> tuple[str, ...]:
    runnable = {q for pe in grid.precisions for q in PE_SUPPORTS[pe]}
    table = accuracy_table(workload)
    limit = workload.max_accuracy_drop_pct
    ok = [q for q in ("int8", "int8+fp16", "fp16", "bf16", "fp32") if q in runnable
          and (limit is None or accuracy_drop_pct(model_name, q, table) <= limit + 1e-9)]
    return tuple(ok)


def _pairs(grid: Grid) -> tuple[tuple[int, int], ...]:
    most = max(grid.cores)
    per_replica = sorted({c for c in grid.cores} | {2**i for i in range(int(math.log2(most)) + 1)})
    return tuple((r, c) for c in per_replica for r in range(1, most // c + 1))


def workload_options(req: Requirements, tech: Technology, grid: Grid, index: int) -> WorkloadOptions:
    workload = req.workloads[index]
    model = resolve_model(workload.model, req.source, f"workloads[{index}].model")
    table = LayerTable.from_model(model)
    name = model.name if isinstance(workload.model, str) else ""
    batches, precisions, pairs = _batches(workload, grid), _precisions(workload, grid, name), _pairs(grid)
    core_values = tuple(sorted({c for _, c in pairs}))
    layer_cycles = _layer_cycles(table, tech, grid, core_values, batches)
    cycles = np.sum(layer_cycles * table.count, axis=-1)
    cycles_one = _cycles_table(table, tech, grid, core_values, (1,))[..., 0]
    shares, share_keys = _sram_shares(grid, core_values)
    layer_traffic = _traffic_table(table, tech, grid, (1,) + batches, precisions, core_values, shares, share_keys)
    traffic = np.sum(layer_traffic * table.count, axis=-1)
    splits = _splits(table, grid, layer_cycles, layer_traffic[1:], shares)
    sram_mj_min, dram_bytes_min = _charged_energy_tables(workload, table, tech, grid, core_values, batches,
                                                         traffic[1:], precisions, shares, share_keys)
    codes = np.array([PRECISION_CODES[q] for q in precisions], dtype=int)
    mac_pj = _mac_pj_per_inference(table, tech, codes)
    return WorkloadOptions(
        workload=workload, table=table, model_name=name, batches=batches, precisions=precisions, pairs=pairs,
        cycles=cycles, cycles_one=cycles_one, core_values=core_values, sram_shares=shares,
        share_keys=share_keys, traffic=traffic[1:], traffic_one=traffic[0], splits=splits, sram_mj_min=sram_mj_min,
        dram_bytes_min=dram_bytes_min, weight_bytes=np.atleast_1d(table.weight_bytes(codes)).astype(float), mac_pj=mac_pj,
        accuracy_drop=np.array([accuracy_drop_pct(name, q, accuracy_table(workload)) for q in precisions]))


def _mac_pj_per_inference(table: LayerTable, tech: Technology, codes: np.ndarray) -> np.ndarray:
    macs = table.m * table.k * table.n * table.groups * table.count
    per_layer = layer_mac_pj(codes[:, None], table.sensitive[None, :])
    return np.sum(per_layer * macs, axis=1) * tech.mac_energy_scale * tech.pe_energy_overhead


def _charged_energy_tables(workload: Workload, table: LayerTable, tech: Technology, grid: Grid, core_values,
                           batches, traffic: np.ndarray, precisions, shares, share_keys):
    """(SRAM mJ, DRAM bytes) per inference, bounded below, at the batch each plan batch B is
    charged at: single stream and offline run B itself; multi-stream runs min(ceil(8 / R), B)
    for R replicas, so the least over batches 1..B bounds it; a server's mean batch can be any
    size up to B and neither figure is monotone in the batch, so 0."""
    scenario = workload.scenario
    if scenario is Scenario.multi_stream:
        sizes = tuple(range(1, max(batches) + 1))
        picks = [b - 1 for b in batches]
        sram = np.minimum.accumulate(_sram_energy_table(table, tech, grid, core_values, sizes), axis=-1)[..., picks]
        every = _traffic_table(table, tech, grid, sizes, precisions, core_values, shares, share_keys)
        per_inference = np.sum(every * table.count, axis=-1) / np.array(sizes, dtype=float)[:, None, None]
        return sram, np.minimum.accumulate(per_inference, axis=0)[picks]
    sram = _sram_energy_table(table, tech, grid, core_values, batches)
    dram = traffic / np.array(batches, dtype=float)[:, None, None]
    if scenario is Scenario.server:
        return np.zeros_like(sram), np.zeros_like(dram)
    return sram, dram


def _sram_energy_table(table: LayerTable, tech: Technology, grid: Grid, core_values, batches) -> np.ndarray:
    """Buffer energy per inference (mJ, nominal voltage) for every (shape, dataflow, core
    option, batch), at 1-byte operands and the cheapest bank any design of the space has (the
    smallest operand or accumulator bank): never above the cost core's figure (wider operands
    and larger banks only add energy)."""
    combos = list(itertools.product(range(len(grid.array_shapes)), grid.dataflows, core_values, batches))
    rows = np.array([grid.array_shapes[s][0] for s, _, _, _ in combos])[:, None]
    cols = np.array([grid.array_shapes[s][1] for s, _, _, _ in combos])[:, None]
    flow = np.array([DATAFLOW_CODES[d] for _, d, _, _ in combos])[:, None]
    batch = np.array([b for _, _, _, b in combos])[:, None]
    m_total = np.where(table.shares_weights, batch * table.m, table.m)
    g_total = np.where(table.shares_weights, table.groups, table.groups * batch)
    operand, accumulator = buffer_words(m_total, table.k, table.n, rows, cols, flow)
    bits = (operand * 1 + accumulator * ACCUMULATOR_BYTES) * g_total * 8
    bits = bits + (table.vector_ops > 0) * (table.inputs + table.outputs) * batch * 8
    per_core = min(grid.sram_mib) / max(grid.cores)
    smallest_bank = min(float(sram_pj_per_bit(tech, per_core)), float(accumulator_pj_per_bit(tech, per_core)))
    per_inference = (bits @ table.count.astype(float)) / batch[:, 0] * smallest_bank * 1e-9
    return per_inference.reshape(len(grid.array_shapes), len(grid.dataflows), len(core_values), len(batches))


SPLIT_RATIOS = (0.3, 1.0, 3.0)


def _splits(table: LayerTable, grid: Grid, layer_cycles: np.ndarray, layer_traffic: np.ndarray, shares):
    """Layer sets S that are compute-bound at reference designs (the middle of each grid, at
    several ratios of clock to bandwidth). Any S gives a valid bound, since each layer's time
    is at least its compute time and at least its memory time; sets matching where the real
    bottlenecks are give tight ones."""
    if layer_traffic.shape[1] == 0:  # no precision: nothing to bound
        return ()
    mid = lambda n: n // 2  # noqa: E731
    clock = grid.clock_ghz[mid(len(grid.clock_ghz))] * 1e9
    bandwidth = sorted(m.bandwidth_gbps for m in grid.memories)[mid(len(grid.memories))] * 1e9
    compute = layer_cycles[mid(layer_cycles.shape[0]), 0, 0, -1] / clock
    # One core per replica on the fewest-core chip: share SRAM / N, bandwidth / N.
    fewest = min(grid.cores)
    share = shares.index(round(grid.sram_mib[mid(len(grid.sram_mib))] / fewest, 12))
    memory = layer_traffic[-1, 0, share] * fewest / bandwidth
    found, seen = [], set()
    for ratio in SPLIT_RATIOS:
        members = compute >= ratio * memory
        key = tuple(members)
        if key in seen or members.all() or not members.any():
            continue
        seen.add(key)
        cycles_in = np.sum(layer_cycles * (table.count * members), axis=-1)
        traffic_out = np.sum(layer_traffic * (table.count * ~members), axis=-1)
        found.append((cycles_in, traffic_out))
    return tuple(found)


def _sram_shares(grid: Grid, core_values) -> tuple[tuple[float, ...], tuple[tuple[int, int, int, int], ...]]:
    """The replica SRAM shares e = SRAM x c / N of the space and the (SRAM, c, N) giving each."""
    triples = [(r, ci, n, grid.sram_mib[r] * c / cores) for r in range(len(grid.sram_mib))
               for ci, c in enumerate(core_values) for n, cores in enumerate(grid.cores) if c <= cores]
    shares = tuple(sorted({round(e, 12) for *_, e in triples}))
    return shares, tuple((r, ci, n, shares.index(round(e, 12))) for r, ci, n, e in triples)


def _traffic_table(table: LayerTable, tech: Technology, grid: Grid, batches, precisions, core_values,
                   shares, share_keys) -> np.ndarray:
    """DRAM bytes of each layer instance of one batch on a replica, for every (batch, precision,
    SRAM share e): [batch, precision, share, layer]. Computed by the cost core at every (SRAM, c,
    N) giving the share (the replica holds SRAM x c / N) and reduced by the minimum over them, so
    the table is a lower bound even if traffic depended on more than e; for the cost core it does
    not (the values agree; tests/solve/test_options.py)."""
    combos = list(itertools.product(batches, precisions, share_keys))
    size = len(combos)
    fig = batch_figures(table, tech, rows=np.ones(size), cols=np.ones(size),
                        cores=np.array([grid.cores[n] for *_, (_, _, n, _) in combos], dtype=float),
                        dataflow=np.zeros(size, dtype=int), clock_ghz=np.ones(size),
                        voltage_v=np.full(size, tech.nominal_voltage_v),
                        sram_mib=np.array([grid.sram_mib[r] for *_, (r, _, _, _) in combos], dtype=float),
                        bandwidth_gbps=np.ones(size), dram_pj_per_bit=np.zeros(size),
                        batch=np.array([b for b, *_ in combos]),
                        cores_per_replica=np.array([core_values[ci] for *_, (_, ci, _, _) in combos], dtype=float),
                        precision=np.array([PRECISION_CODES[q] for _, q, _ in combos], dtype=int))
    per_key = fig.layer_dram_bytes.reshape(len(batches), len(precisions), len(share_keys), len(table.count))
    out = np.full((len(batches), len(precisions), len(shares), per_key.shape[-1]), np.inf)
    for k, (*_, e) in enumerate(share_keys):
        out[:, :, e] = np.minimum(out[:, :, e], per_key[:, :, k])
    return out


def _cycles_table(table: LayerTable, tech: Technology, grid: Grid, core_values, batches) -> np.ndarray:
    """Compute-bound cycles of one batch for every (shape, dataflow, cores per replica, batch)."""
    per_layer = _layer_cycles(table, tech, grid, core_values, batches)
    return np.sum(per_layer * table.count, axis=-1)


def _layer_cycles(table: LayerTable, tech: Technology, grid: Grid, core_values, batches) -> np.ndarray:
    """Cycles (dispatch included) of each layer instance: [shape, dataflow, core option, batch, layer]."""
    combos = list(itertools.product(range(len(grid.array_shapes)), grid.dataflows, core_values, batches))
    rows = np.array([grid.array_shapes[s][0] for s, _, _, _ in combos])[:, None]
    cols = np.array([grid.array_shapes[s][1] for s, _, _, _ in combos])[:, None]
    flow = np.array([DATAFLOW_CODES[d] for _, d, _, _ in combos])[:, None]
    cores = np.array([c for _, _, c, _ in combos])[:, None]
    batch = np.array([b for _, _, _, b in combos])[:, None]
    array_cycles, vector_cycles, _ = layer_compute_cycles(table, rows=rows, cols=cols, cores_per_replica=cores,
                                                          dataflow=flow, batch=batch)
    cycles = array_cycles + vector_cycles + tech.layer_dispatch_cycles
    return cycles.reshape(len(grid.array_shapes), len(grid.dataflows), len(core_values), len(batches), -1)


def space_options(req: Requirements) -> SpaceOptions:
    tech = technology(req.node_nm, req.technology.overrides)
    grid = design_grid(req, tech, req.source)
    voltages = np.atleast_1d(voltage_for_clock(tech, np.array(grid.clock_ghz)))
    workloads = tuple(workload_options(req, tech, grid, i) for i in range(len(req.workloads)))
    return SpaceOptions(req, tech, grid, voltages, workloads)



def without_precision(opts: SpaceOptions) -> list[str]:
    """Workloads no PE of the grid can run within their accuracy limit: nothing is feasible."""
    return [wo.workload.name for wo in opts.workloads if not wo.precisions]


def combo_service_times(opts: SpaceOptions, choice, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact service time of workload i's batch and of a batch of one, at every grid clock,
    for the shape, dataflow, SRAM, memory, cores and plan of `choice` (cost core)."""
    g, wo = opts.grid, opts.workloads[i]
    j, q, r = choice.plans[i]
    rows, cols = g.array_shapes[choice.shape]
    memory = g.memories[choice.memory]
    clocks = np.array(g.clock_ghz * 2)
    size = clocks.size
    fig = batch_figures(
        wo.table, opts.tech, rows=np.full(size, rows), cols=np.full(size, cols),
        cores=np.full(size, g.cores[choice.cores]),
        dataflow=np.full(size, DATAFLOW_CODES[g.dataflows[choice.dataflow]]), clock_ghz=clocks,
        voltage_v=np.concatenate([opts.voltages, opts.voltages]), sram_mib=np.full(size, g.sram_mib[choice.sram]),
        bandwidth_gbps=np.full(size, memory.bandwidth_gbps), dram_pj_per_bit=np.full(size, memory.pj_per_bit),
        batch=np.repeat([wo.batches[j], 1], len(g.clock_ghz)), cores_per_replica=np.full(size, wo.pairs[r][1]),
        precision=np.full(size, PRECISION_CODES[wo.precisions[q]]))
    half = len(g.clock_ghz)
    return fig.service_s[:half], fig.service_s[half:]
