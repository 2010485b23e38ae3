"""The MILP's peak-power and idle-floor rows (synth.cost.chip, exact at every integer point).

Peak power of a chip (`peak_power_breakdown_w`) is

    logic(joint) * f * (V(f) / V_nom)^2 + sram(joint) * f * (max(V(f), V_min SRAM) / V_nom)^2
    + pj_per_bit * 8 * min(bandwidth, consumable(joint) * f) + background + leakage + host PHY

with the clock tree's share folded into `logic` and `sram`, and consumable(joint) = cores *
(2 cols + max(rows, cols)) * PE operand bytes (GB/s per GHz, `peak_dram_gbps`). Products of the
joint (cores, shape, PE, SRAM) one-hot with the clock one-hot are McCormick rows on a binary
factor, exact at integer points. The minimum of the interface's and the arrays' bandwidth takes
one binary `saturated`: the DRAM term is at least the interface's power when it is set and at
least the consumable bandwidth's power when it is not; the solver takes the smaller, which is
the exact minimum, so the rows never cut off a design (docs/formulation.md §3).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from synth.cost.dvfs import dynamic_energy_scale, sram_voltage_scale


def _times_clock(m: Any, name: str, weights: np.ndarray, clocks) -> list:
    """Variables w_f = (sum_k weights_k a_k) * u_f for every clock f (McCormick, exact)."""
    top = float(max(weights.max(), 0.0))
    total = pyo.Var(bounds=(0, top))
    per_clock = pyo.Var(clocks, bounds=(0, top))
    setattr(m, name, total)
    setattr(m, name + "_u", per_clock)
    m.link.add(total == sum(float(weights[k]) * m.a[k] for k in range(len(weights))))
    for f in clocks:
        m.link.add(per_clock[f] <= top * m.u[f])
        m.link.add(per_clock[f] >= total - top * (1 - m.u[f]))
    m.link.add(sum(per_clock[f] for f in clocks) == total)
    return [per_clock[f] for f in clocks]


def add_power_rows(milp: Any, *, logic_w: np.ndarray, sram_w: np.ndarray, consumable_gbps: np.ndarray,
                   area_max: float) -> float:
    """Add `m.power` (peak, per chip) and `m.idle` (the floor) to milp.model; return the upper
    bound used for both. logic_w and sram_w are the joint's f x V^2-scaled power (clock tree
    included) per GHz at the nominal voltage; consumable_gbps the joint's bandwidth per GHz."""
    m, g, tech, voltages = milp.model, milp.opts.grid, milp.opts.tech, milp.opts.voltages
    clocks = range(len(g.clock_ghz))
    clock = np.array(g.clock_ghz, dtype=float)
    logic_scale = clock * dynamic_energy_scale(tech, voltages)
    sram_scale = clock * sram_voltage_scale(tech, voltages)
    logic_u = _times_clock(m, "e", logic_w, clocks)
    sram_u = _times_clock(m, "es", sram_w, clocks)
    dynamic = sum(float(logic_scale[f]) * logic_u[f] + float(sram_scale[f]) * sram_u[f] for f in clocks)
    consumable_u = _times_clock(m, "bw_arrays", consumable_gbps, clocks)
    # DRAM access power: pj_per_bit * 8 * min(bandwidth, consumable * f), W per GB/s = 8 pJ/bit * 1e-3.
    w_per_gbps = [8 * mem.pj_per_bit * 1e-3 for mem in g.memories]
    interface_w = [mem.bandwidth_gbps * w for mem, w in zip(g.memories, w_per_gbps)]
    arrays_max_gbps = float(consumable_gbps.max() * clock.max())
    m.saturated = pyo.Var(within=pyo.Binary)
    m.dram_w = pyo.Var(bounds=(0, max(interface_w)))
    m.link.add(m.dram_w >= sum(interface_w[i] * m.t[i] for i in range(len(g.memories)))
               - max(interface_w) * (1 - m.saturated))
    arrays_gbps = sum(float(clock[f]) * consumable_u[f] for f in clocks)
    for i, w in enumerate(w_per_gbps):  # the chosen memory's row binds; the others are slack
        top = w * arrays_max_gbps  # the row's largest right side: a valid big-M, no larger
        m.link.add(m.dram_w >= w * arrays_gbps - top * m.saturated - top * (1 - m.t[i]))
    background = sum(mem.background_w * m.t[i] for i, mem in enumerate(g.memories))
    static = tech.leakage_w_per_mm2 * m.area + tech.host_phy_power_w
    p_max = float(max(logic_w.max() * logic_scale.max() + sram_w.max() * sram_scale.max(), 0.0)
                  + max(interface_w) + max(mem.background_w for mem in g.memories)
                  + tech.leakage_w_per_mm2 * area_max + tech.host_phy_power_w)
    m.power = pyo.Var(bounds=(0, p_max))
    m.link.add(m.power == dynamic + m.dram_w + background + static)
    # The idle floor (synth.cost.chip.idle_power_w), exact: leakage, the clock tree's share of the
    # f x V^2 part, the host PHY and the memory's background. The average power at any load is at
    # least this, so budgets.average_power_w bounds it (a necessary condition).
    clock_share = tech.clock_tree_fraction / (1 + tech.clock_tree_fraction)
    m.idle = pyo.Var(bounds=(0, p_max))
    m.link.add(m.idle == clock_share * dynamic + background + static)
    return p_max
