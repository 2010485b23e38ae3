"""Lower bounds on energy and cost per inference for the MILP's objective (docs/formulation.md §5).

Energy per inference is (leakage + sum_i rate_i e_i) / sum_i rate_i and cost per inference is
(unit cost + electricity) / (total rate x life) (synth/evaluation.py); neither is linear in the
choices. Each is bounded below by linear rows: the smallest workload's dynamic energy, and
exp-tangents of log(leakage or unit cost) minus an upper bound on log(total rate).
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
import pyomo.environ as pyo
from pyomo.repn import generate_standard_repn

from synth.cost.dvfs import dynamic_energy_scale
from synth.evaluation.objective import SECONDS_PER_YEAR
from synth.solve.options import SpaceOptions
from synth.vocabulary import Objective, Scenario


class DesignMilp(Protocol):
    """What the bound reads of the MILP (synth.solve.milp.DesignMilp): its Pyomo model and the
    per-joint figures it kept; a protocol, so this module does not import the MILP back."""

    model: Any
    objective: Objective
    opts: SpaceOptions
    combos: Any
    joint: Any
    chip_figures: Any

# A server's rate in the exact figures is the simulation's measured throughput, which exceeds the
# offered qps only by sampling noise (relative standard deviation <= 1 % over the >= 10^4 measured
# queries of every run the evaluator makes): 10 % above qps bounds it with a wide margin.
SERVER_RATE_MARGIN = 1.1


def per_inference_bound(milp: DesignMilp):
    """Lower bound on energy (mJ) or cost (USD) per inference (docs/formulation.md §5).

    Energy = (idle + sum_i rate_i e_i) / sum_i rate_i >= idle / total rate + min_i e_i, the idle
    floor being leakage + clock tree + host PHY + DRAM background (_floor_mj):
    e_i is bounded below by workload i's MAC and vector energy at the chosen precision and
    voltage, plus its buffer and DRAM energy bounded at the batch it is charged at
    (options._charged_energy_tables: none for a server); leakage / total rate by
    tangents of exp over log(leakage) - (an upper bound on log total rate). Cost = (unit
    cost + electricity) / (total rate x life) >= unit cost / (total rate x life) + energy x
    price, the first term by the same tangents."""
    m, tech = milp.model, milp.opts.tech
    energy = _energy_bound(milp)
    log_rate = _log_total_rate_upper(milp)
    log_area, log_cost = _log_sizes(milp)
    life_s = tech.service_life_years * SECONDS_PER_YEAR
    # Zero leakage (an override) leaves no leakage term; log 0 has no tangents.
    leak_mj = _exp_lower(milp, math.log(tech.leakage_w_per_mm2 * 1e3) + log_area - log_rate, "leak_mj") \
        if tech.leakage_w_per_mm2 > 0 else 0.0
    leak_mj = leak_mj + _floor_mj(milp, log_rate)
    if milp.objective is Objective.min_energy_per_inference:
        m.energy_lb = pyo.Var(bounds=(0, None))
        m.req.add(m.energy_lb >= energy + leak_mj)
        return m.energy_lb
    capital = _exp_lower(milp, log_cost - log_rate - math.log(life_s), "capital_usd") if life_s > 0 else 0.0
    usd_per_mj = tech.electricity_usd_per_kwh / 3.6e9
    m.cost_lb = pyo.Var(bounds=(0, None))
    m.req.add(m.cost_lb >= capital + usd_per_mj * (energy + leak_mj))
    return m.cost_lb


def _floor_mj(milp: DesignMilp, log_rate):
    """The rest of the idle floor over the total rate (synth.cost.chip.idle_power_w), bounded
    below by tangents of exp like leakage: the clock tree, clock_tree_fraction / (1 +
    clock_tree_fraction) of the joint's f x V^2-scaled power, whose log is linear in the joint
    and clock one-hots; the host PHY and the memory's background, linear in logs per memory."""
    m, g, tech, fig = milp.model, milp.opts.grid, milp.opts.tech, milp.chip_figures
    log_chips = sum(math.log(g.chips[h]) * m.h[h] for h in range(len(g.chips)))
    total = 0.0
    share = tech.clock_tree_fraction / (1 + tech.clock_tree_fraction)
    if share > 0 and np.all(fig["watts_k"] > 0):
        log_clock_w = math.log(share * 1e3) + sum(math.log(float(w)) * m.a[k] for k, w in enumerate(fig["watts_k"])) \
            + sum(math.log(float(f)) * m.u[i] for i, f in enumerate(fig["f_scale"])) + log_chips
        total = total + _exp_lower(milp, log_clock_w - log_rate, "clock_mj")
    constant = [tech.host_phy_power_w + mem.background_w for mem in g.memories]
    if min(constant) > 0:
        log_constant = sum(math.log(c * 1e3) * m.t[i] for i, c in enumerate(constant)) + log_chips
        total = total + _exp_lower(milp, log_constant - log_rate, "uncore_mj")
    return total


def _log_sizes(milp: DesignMilp):
    """Lower bounds on log(system area, mm2) and log(system unit cost, USD): the joint's
    figure with the smallest memory PHY (or the memory's with the smallest joint), plus
    log(chips). Each is at most the log of the exact figure at an integer point."""
    m, g, fig = milp.model, milp.opts.grid, milp.chip_figures
    K, MEM, H = range(len(milp.joint)), range(len(g.memories)), range(len(g.chips))
    log_chips = sum(math.log(g.chips[h]) * m.h[h] for h in H)
    m.log_area = pyo.Var(bounds=(-60, 60))
    m.req.add(m.log_area >= sum(math.log(fig["area_k"][k] + fig["phy"].min()) * m.a[k] for k in K) + log_chips)
    m.req.add(m.log_area >= sum(math.log(fig["area_k"].min() + fig["phy"][i]) * m.t[i] for i in MEM) + log_chips)
    m.log_cost = pyo.Var(bounds=(-60, 60))
    m.req.add(m.log_cost >= sum(math.log(fig["die_k"][k] + fig["fixed"].min()) * m.a[k] for k in K) + log_chips)
    m.req.add(m.log_cost >= sum(math.log(fig["die_m"][i] + fig["fixed"][i]) * m.t[i] for i in MEM) + log_chips)
    return m.log_area, m.log_cost


def _log_total_rate_upper(milp: DesignMilp):
    """An upper bound on log(total rate). Each workload's rate is at most its qps (offline
    with qps), its capacity (offline without), 1 / T(1) (single stream), 8 / T(1) (multi
    stream) or qps x SERVER_RATE_MARGIN (server: the simulation's measured throughput),
    each linear in logs. The total is at most W times the largest. A one-hot `top` picks
    the workload whose bound caps log_rate; log_rate only enters the objective with a
    negative sign, so the minimization picks the largest bound: log_rate <= log W + max_i
    bound_i, which is at least the true log(total rate)."""
    m, o = milp.model, milp.opts
    uppers = []
    for i, wo in enumerate(o.workloads):
        w, b = wo.workload, m.wl[i]
        if w.scenario is Scenario.server:
            uppers.append(math.log(w.qps * SERVER_RATE_MARGIN))
        elif w.scenario is Scenario.offline and w.qps is not None:
            uppers.append(math.log(w.qps))
        elif w.scenario is Scenario.offline:
            uppers.append(b.log_capacity)
        elif w.scenario is Scenario.single_stream:
            uppers.append(-b.theta)
        else:
            uppers.append(math.log(8) - b.theta1)
    if len(uppers) == 1:
        return uppers[0]
    count = len(uppers)
    m.top = pyo.Var(range(count), within=pyo.Binary)
    m.req.add(sum(m.top[i] for i in range(count)) == 1)
    m.log_rate = pyo.Var(bounds=(-80, 80))
    for i, upper in enumerate(uppers):
        m.req.add(m.log_rate <= math.log(count) + upper + 200 * (1 - m.top[i]))
    return m.log_rate


def _exp_lower(milp: DesignMilp, exponent, name: str):
    """A variable >= exp(exponent): tangents of the convex exp at points spaced 0.25 apart
    (within 0.8 % of exp between them) over the range the exponent can take here."""
    m = milp.model
    low, high = _expression_range(exponent)
    # Beyond e^-25 .. e^15 (mJ or USD) the end tangents still bound exp from below; the
    # clip keeps coefficients within HiGHS's range.
    low, high = min(max(low, -25.0), 15.0), max(min(high, 15.0), -25.0)
    points = np.linspace(low, high, max(2, min(160, int(math.ceil((high - low) / 0.25)) + 1)))
    value = pyo.Var(bounds=(0, None))
    setattr(m, name, value)
    y = pyo.Var(bounds=(None, None))
    setattr(m, name + "_exp", y)
    m.req.add(y == exponent)
    for y0 in points:
        m.req.add(value >= math.exp(y0) * (1 + y - y0))
    return value


def _energy_bound(milp: DesignMilp):
    """min_i (workload i's dynamic energy per inference, mJ), bounded below (see above)."""
    o, m, g, tech = milp.opts, milp.model, milp.opts.grid, milp.opts.tech
    vscale = dynamic_energy_scale(tech, o.voltages)
    m.energy_dyn = pyo.Var(bounds=(0, None))
    m.pick = pyo.Var(range(len(o.workloads)), within=pyo.Binary)
    m.req.add(sum(m.pick[i] for i in range(len(o.workloads))) == 1)
    mj_per_byte = [8 * mem.pj_per_bit * 1e-9 for mem in g.memories]
    for i, wo in enumerate(o.workloads):
        b = m.wl[i]
        vector_mj = float(np.sum(wo.table.vector_ops * wo.table.count)) * tech.vector_op_energy_pj_45nm \
            * tech.mac_energy_scale * 1e-9
        e_q = [float(e) * 1e-9 + vector_mj for e in wo.mac_pj]  # mJ at nominal voltage
        # Buffer and DRAM energy at the batch the workload is charged at (options.py).
        sram = {k: float(wo.sram_mj_min[cb]) for k, cb in enumerate(milp.combos[i])}
        top_e = max(e_q) + max(sram.values())
        b.eq = pyo.Var(bounds=(0, top_e))
        b.cons.add(b.eq == sum(e_q[q] * b.bq[j, q] for j in range(len(wo.batches)) for q in range(len(e_q)))
                   + sum(v * b.w[k] for k, v in sram.items()))
        b.equ = pyo.Var(range(len(g.clock_ghz)), bounds=(0, top_e))
        for f in range(len(g.clock_ghz)):
            b.cons.add(b.equ[f] <= top_e * m.u[f])
            b.cons.add(b.equ[f] >= b.eq - top_e * (1 - m.u[f]))
        b.cons.add(sum(b.equ[f] for f in range(len(g.clock_ghz))) == b.eq)
        # DRAM bytes per inference: the replica's traffic of one batch over the batch.
        per_inference = {key: float(wo.dram_bytes_min[key]) for key in b.mem}
        top = max(max(per_inference.values()), 1.0)
        b.dram_bytes = pyo.Var(bounds=(0, top))
        b.cons.add(b.dram_bytes == sum(v * b.mem[key] for key, v in per_inference.items()))
        b.dram_m = pyo.Var(range(len(g.memories)), bounds=(0, top))
        for k in range(len(g.memories)):
            b.cons.add(b.dram_m[k] <= top * m.t[k])
            b.cons.add(b.dram_m[k] >= b.dram_bytes - top * (1 - m.t[k]))
        b.cons.add(sum(b.dram_m[k] for k in range(len(g.memories))) == b.dram_bytes)
        energy = sum(float(vscale[f]) * b.equ[f] for f in range(len(g.clock_ghz))) \
            + sum(mj_per_byte[k] * b.dram_m[k] for k in range(len(g.memories)))
        big = top_e * float(vscale.max()) + top * max(mj_per_byte)
        m.req.add(m.energy_dyn >= energy - big * (1 - m.pick[i]))
    return m.energy_dyn


def _expression_range(expr) -> tuple[float, float]:
    """Lower and upper value of a linear expression over its variables' bounds."""
    repn = generate_standard_repn(expr)
    low = high = float(repn.constant)
    for coef, var in zip(repn.linear_coefs, repn.linear_vars):
        lb, ub = var.bounds
        lb = -1e9 if lb is None else lb
        ub = 1e9 if ub is None else ub
        low += min(coef * lb, coef * ub)
        high += max(coef * lb, coef * ub)
    return low, high
