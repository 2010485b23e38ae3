"""Options dominated in every figure, removed before the MILP is built.

An option is dominated when another option of the same variable is at least as good in every
figure the cost core and the simulator derive from it, whatever the rest of the design: then
every design using it has a counterpart, differing only there, that is no worse in any
objective and meets every requirement it meets. Removing it keeps an optimum in the space (a
tie may lose its twin). The rules, each from the cost core's own figures:

- PE type p' dominates p when its MAC area, peak MAC energy and operand width are no larger
  and, for every workload, each precision p can run has one p' can run that moves no more
  bytes and spends no more MAC energy on any layer (service time never rises with fewer
  operand bytes: tests/cost/test_properties.py). A PE that runs none of some workload's
  allowed precisions is dropped too (no design with it is valid).
- A workload precision q' dominates q when every remaining PE that runs q also runs q', and
  q' moves no more bytes and spends no more MAC energy on any layer (accuracy is a limit,
  never an objective, so both are allowed alike).
- A memory m' dominates m when it has no less bandwidth and capacity, no more energy per bit,
  peak interface power, PHY area or price, and needs an interposer only if m does.
- For a single-stream workload, more replicas of the same size never help unless the
  objective is throughput: the latency is one query's service time, and extra replicas only
  take cores (and their leakage share).

Energy and cost per inference are rate-weighted averages over the workloads, so with two or more
workloads a faster option can raise them (a fast, energy-hungry workload then weighs more), and a
server's energy is charged at the batch it runs, which a faster design makes smaller: for those
objectives with several workloads or a server, only the replica rule applies
(`_faster_never_hurts`).

Exact ties keep the first option of the grid. The pruned options index a smaller grid; the
MILP, the exact checks and the alternatives all use it, so indices stay consistent.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from synth.cost.chip import PE_AREA_UM2_45NM, PE_CODES, PE_OPERAND_BYTES, PE_PEAK_PJ_45NM
from synth.cost.constants import PE_SUPPORTS
from synth.cost.workload import PRECISION_CODES, layer_bytes, layer_mac_pj
from synth.solve.options import SpaceOptions, WorkloadOptions
from synth.spec.requirements import Objective, Scenario


@dataclasses.dataclass(frozen=True, slots=True)
class Pruned:
    options: SpaceOptions
    notes: tuple[str, ...]  # what was removed and by what, for the certificate


def prune(opts: SpaceOptions) -> Pruned:
    notes: list[str] = []
    if not _faster_never_hurts(opts):
        workloads = tuple(_fewer_replicas(opts, wo, notes) for wo in opts.workloads)
        return Pruned(dataclasses.replace(opts, workloads=workloads), tuple(notes))
    pes = _surviving_pes(opts, notes)
    names = [mem.name for mem in opts.grid.memories]
    beaten = _surviving(list(range(len(names))), lambda a, b: _memory_no_worse(opts, a, b))
    memories = [k for k, by in beaten.items() if by is None]
    notes += [f"memory {names[k]}: dominated by {names[by]}" for k, by in beaten.items() if by is not None]
    grid = dataclasses.replace(opts.grid, precisions=tuple(opts.grid.precisions[p] for p in pes),
                               memories=tuple(opts.grid.memories[k] for k in memories))
    workloads = tuple(_prune_workload(opts, wo, grid.precisions, notes) for wo in opts.workloads)
    return Pruned(dataclasses.replace(opts, grid=grid, workloads=workloads), tuple(notes))


def _faster_never_hurts(opts: SpaceOptions) -> bool:
    """Whether a design no worse in every figure is no worse in the objective. Energy and cost
    per inference average over the workloads weighted by their rates, and a workload whose rate
    follows its speed (single or multi stream, offline without qps) weighs more when faster: with
    two or more workloads, a faster design can score worse (tests/solve/test_prune.py). A server
    is charged at the batch it runs, which shrinks when service gets faster, and the energy per
    inference of a smaller batch can be higher: so not with a server either."""
    per_inference = opts.req.objective in (Objective.min_energy_per_inference, Objective.min_cost_per_inference)
    served = any(wo.workload.scenario is Scenario.server for wo in opts.workloads)
    return not per_inference or (len(opts.workloads) == 1 and not served)


def _fewer_replicas(opts: SpaceOptions, wo: WorkloadOptions, notes: list[str]) -> WorkloadOptions:
    """A single-stream workload runs one replica unless the objective is throughput."""
    if wo.workload.scenario is not Scenario.single_stream or opts.req.objective is Objective.max_throughput:
        return wo
    pairs = tuple(pair for pair in wo.pairs if pair[0] == 1)
    if len(pairs) < len(wo.pairs):
        notes.append(f"workload {wo.workload.name}: single stream: one replica (more only take cores)")
    return dataclasses.replace(wo, pairs=pairs)


def _surviving(indices: list[int], no_worse) -> dict[int, int | None]:
    """Each index -> the index dominating it, or None if it survives (exact ties keep the
    earlier index)."""
    result = {}
    for a in indices:
        result[a] = next((b for b in indices if b != a and no_worse(b, a) and (b < a or not no_worse(a, b))), None)
    return result


def _precision_no_worse(wo: WorkloadOptions, better: str, worse: str) -> bool:
    """`better` moves no more operand bytes and spends no more MAC energy on any layer."""
    sensitive = wo.table.sensitive
    codes = PRECISION_CODES[better], PRECISION_CODES[worse]
    return bool(np.all(layer_bytes(codes[0], sensitive) <= layer_bytes(codes[1], sensitive))
                and np.all(layer_mac_pj(codes[0], sensitive) <= layer_mac_pj(codes[1], sensitive)))


def _surviving_pes(opts: SpaceOptions, notes: list[str]) -> list[int]:
    names = opts.grid.precisions
    runs = lambda p, wo: [q for q in wo.precisions if q in PE_SUPPORTS[names[p]]]  # noqa: E731
    usable = [p for p in range(len(names)) if all(runs(p, wo) for wo in opts.workloads)]
    if not usable:  # infeasible anyway: the MILP's PE rows say so
        return list(range(len(names)))
    notes += [f"PE {names[p]}: runs no allowed precision of some workload" for p in range(len(names))
              if p not in usable]

    def no_worse(a: int, b: int) -> bool:
        ca, cb = PE_CODES[names[a]], PE_CODES[names[b]]
        if not (PE_AREA_UM2_45NM[ca] <= PE_AREA_UM2_45NM[cb] and PE_PEAK_PJ_45NM[ca] <= PE_PEAK_PJ_45NM[cb]
                and PE_OPERAND_BYTES[ca] <= PE_OPERAND_BYTES[cb]):
            return False
        return all(any(_precision_no_worse(wo, qa, qb) for qa in runs(a, wo)) for wo in opts.workloads
                   for qb in runs(b, wo))

    beaten = _surviving(usable, no_worse)
    notes += [f"PE {names[p]}: dominated by {names[by]}" for p, by in beaten.items() if by is not None]
    return [p for p, by in beaten.items() if by is None]


def _memory_no_worse(opts: SpaceOptions, a: int, b: int) -> bool:
    ma, mb = opts.grid.memories[a], opts.grid.memories[b]
    return (ma.bandwidth_gbps >= mb.bandwidth_gbps and ma.capacity_gib >= mb.capacity_gib
            and ma.pj_per_bit <= mb.pj_per_bit
            and ma.bandwidth_gbps * ma.pj_per_bit <= mb.bandwidth_gbps * mb.pj_per_bit
            and ma.phy_area_mm2 <= mb.phy_area_mm2 and ma.cost_usd <= mb.cost_usd
            and ma.needs_interposer <= mb.needs_interposer and ma.background_w <= mb.background_w)


def _prune_workload(opts: SpaceOptions, wo: WorkloadOptions, pes: tuple[str, ...], notes: list[str]):
    name = wo.workload.name
    runnable = [q for q in range(len(wo.precisions)) if any(wo.precisions[q] in PE_SUPPORTS[p] for p in pes)]
    if not runnable:  # infeasible anyway: the MILP's PE rows say so
        return wo
    supporters = lambda q: {p for p in pes if wo.precisions[q] in PE_SUPPORTS[p]}  # noqa: E731
    beaten = _surviving(runnable, lambda a, b: supporters(b) <= supporters(a)
                        and _precision_no_worse(wo, wo.precisions[a], wo.precisions[b]))
    kept = [q for q, by in beaten.items() if by is None]
    notes += [f"workload {name}: precision {wo.precisions[q]}: no remaining PE runs it"
              for q in range(len(wo.precisions)) if q not in runnable]
    notes += [f"workload {name}: precision {wo.precisions[q]}: dominated by {wo.precisions[by]}"
              for q, by in beaten.items() if by is not None]
    index = np.array(kept)
    return dataclasses.replace(
        _fewer_replicas(opts, wo, notes), precisions=tuple(wo.precisions[q] for q in kept),
        traffic=wo.traffic[:, index], traffic_one=wo.traffic_one[index], dram_bytes_min=wo.dram_bytes_min[:, index],
        splits=tuple((cycles, traffic[:, index]) for cycles, traffic in wo.splits),
        weight_bytes=wo.weight_bytes[index], mac_pj=wo.mac_pj[index], accuracy_drop=wo.accuracy_drop[index])
