"""The cuts of the honesty loop (DESIGN.md): what the MILP learns from each exact check.

After the exact check of a pick, the loop removes that hardware (`cut_hardware`), after a
deterministic rejection every no-faster configuration too (`cut_slower_hardware`), and makes
the service-time bounds exact at the picked combination and valid below it (`tighten`). Every
cut removes only designs already judged or provably no better, so the MILP stays optimistic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synth.solve.milp_choice import Choice
from synth.solve.options import SpaceOptions, combo_service_times
from synth.spec.space import HardwarePoint

# Operand width order of the workload precisions: a wider one is never faster (cost core).
PRECISION_WIDTH = {"int8": 0, "int8+fp16": 1, "fp16": 2, "bf16": 2, "fp32": 3}


class HonestyCuts:
    """Cut methods of DesignMilp (its Pyomo `model` with a `cuts` ConstraintList, and `opts`)."""

    model: Any
    opts: SpaceOptions

    @property
    def _tightened(self) -> set[tuple]:
        return self.__dict__.setdefault("_tightened_keys", set())

    @property
    def requirement_cuts(self) -> list:
        """The rows of cut_hardware and cut_slower_hardware: they rest on exact checks against
        the current requirements, unlike the tightening rows, which are cost-core facts."""
        return self.__dict__.setdefault("_requirement_cuts", [])

    def drop_requirement_cuts(self) -> None:
        """Deactivate every hardware cut (before a re-solve with changed requirements)."""
        for row in self.requirement_cuts:
            row.deactivate()
        self.requirement_cuts.clear()

    def cut_slower_hardware(self, hardware: HardwarePoint) -> None:
        """Remove every hardware configuration no faster than `hardware`: the same shape,
        dataflow, PE, cores and chips with a clock, SRAM and memory bandwidth no higher (and a
        memory no larger). Valid after a deterministic rejection: service time never drops on
        slower hardware, so every plan that failed there fails here."""
        m, g = self.model, self.opts.grid
        shape, dataflow, pe, clock, sram, memory, cores, chips = hardware
        mem = g.memories[memory]
        terms = [m.x[shape], m.y[dataflow], m.z[pe], m.n[cores], m.h[chips],
                 sum(m.u[f] for f in range(len(g.clock_ghz)) if g.clock_ghz[f] <= g.clock_ghz[clock]),
                 sum(m.v[k] for k in range(len(g.sram_mib)) if g.sram_mib[k] <= g.sram_mib[sram]),
                 sum(m.t[k] for k, other in enumerate(g.memories)
                     if other.bandwidth_gbps <= mem.bandwidth_gbps and other.capacity_gib <= mem.capacity_gib)]
        self.requirement_cuts.append(m.cuts.add(sum(terms) <= len(terms) - 1))

    def tighten(self, choice: Choice, i: int) -> bool:
        """Make the service-time bounds of workload i exact for the combination of choices its
        time depends on, at every clock, and valid bounds for every combination that is no
        faster: theta >= log T(B, f) whenever the design has this shape, dataflow and cores per
        replica, at most this SRAM and bandwidth, at least this many cores (a smaller share), a
        batch at least this large and a precision at least this wide. Service time is
        non-increasing in SRAM, bandwidth and share and non-decreasing in batch and operand
        bytes (cost core, tests/cost/test_properties.py), so the cut never excludes anything.
        The right-hand side drops by a valid big-M (largest log time minus theta's lower bound)
        when any indicator is off."""
        key = self._combo_key(choice, i)
        tightened = self._tightened
        if key in tightened:
            return False
        tightened.add(key)
        m, g, b = self.model, self.opts.grid, self.model.wl[i]
        times, times_one = combo_service_times(self.opts, choice, i)
        for theta, table, with_batch in ((b.theta, times, True), (b.theta1, times_one, False)):
            indicators = self._region_indicators(choice, i, with_batch=with_batch)
            mismatch = len(indicators) - sum(indicators)
            logs = np.log(table)
            big = float(logs.max()) - theta.lb  # the row is slack wherever an indicator is off
            m.cuts.add(theta >= sum(float(logs[f]) * m.u[f] for f in range(len(g.clock_ghz))) - big * mismatch)
        return True

    def _combo_key(self, choice: Choice, i: int) -> tuple:
        j, q, r = choice.plans[i]
        return (i, choice.shape, choice.dataflow, self.opts.workloads[i].pairs[r][1], j, q, choice.sram,
                choice.memory, choice.cores)

    def _region_indicators(self, choice: Choice, i: int, *, with_batch: bool) -> list:
        """Indicators of the designs whose workload i runs no faster than in `choice`."""
        m, g, b, wo = self.model, self.opts.grid, self.model.wl[i], self.opts.workloads[i]
        j, q, r = choice.plans[i]
        per_replica = wo.pairs[r][1]
        bw = g.memories[choice.memory].bandwidth_gbps
        width = PRECISION_WIDTH[wo.precisions[q]]
        wider = [qq for qq, name in enumerate(wo.precisions) if PRECISION_WIDTH[name] >= width]
        larger = [jj for jj, batch in enumerate(wo.batches) if batch >= wo.batches[j]] if with_batch \
            else list(range(len(wo.batches)))
        return [
            m.x[choice.shape], m.y[choice.dataflow],
            sum(b.pair[k] for k, (_, c) in enumerate(wo.pairs) if c == per_replica),
            sum(b.bq[jj, qq] for jj in larger for qq in wider),
            sum(m.v[k] for k in range(len(g.sram_mib)) if g.sram_mib[k] <= g.sram_mib[choice.sram]),
            sum(m.t[k] for k in range(len(g.memories)) if g.memories[k].bandwidth_gbps <= bw),
            sum(m.n[k] for k in range(len(g.cores)) if g.cores[k] >= g.cores[choice.cores]),
        ]

    def cut_hardware(self, hardware: HardwarePoint) -> None:
        """Remove every design on this hardware (to list alternatives on distinct hardware)."""
        m = self.model
        shape, dataflow, pe, clock, sram, memory, cores, chips = hardware
        terms = [m.x[shape], m.y[dataflow], m.z[pe], m.u[clock], m.v[sram], m.t[memory], m.n[cores], m.h[chips]]
        self.requirement_cuts.append(m.cuts.add(sum(terms) <= len(terms) - 1))
