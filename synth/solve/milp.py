"""The design-space MILP (Pyomo, solved by HiGHS through pyomo.contrib.solver).

Every discrete choice is a one-hot binary vector; products of choices are joint one-hot
variables tied to their factors by marginal equalities (an exact linearization), and products
of a one-hot with a bounded continuous variable use McCormick rows, which are exact when one
factor is binary. Time is modelled in logarithms, where the product replicas x chips x batch /
service time becomes a sum. Figures come from synth.solve.options; docs/formulation.md has
the full model and why each part is a relaxation (optimistic, never pessimistic).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory

from synth.cost.chip import (
    PE_CODES,
    area_breakdown_mm2,
    chip_cost_breakdown_usd,
    peak_dram_gbps,
    peak_power_breakdown_w,
)
from synth.cost.constants import PE_SUPPORTS
from synth.cost.dvfs import dynamic_energy_scale, sram_voltage_scale
from synth.solve.milp_choice import Choice
from synth.solve.milp_cuts import HonestyCuts
from synth.solve.milp_power import add_power_rows
from synth.solve.options import SpaceOptions
from synth.solve.per_inference import per_inference_bound
from synth.solve.tangents import die_cost_tangents
from synth.vocabulary import Objective, Scenario

# Operand width order: every layer of a wider precision moves at least as many bytes.
SPLIT_WEIGHTS = (0.5,)
# HiGHS settings (TOOLCHAIN.md: pin threads and the seed for determinism; presolve can
# dominate). Measured on problems/ (synthesize with refine off, summed over the eight files):
# presolve on with probing off 23.6 s, presolve off 17.6 s, and with a solution pool of 10
# (fewer stored solutions to manage at the root) 14.8 s. The models are small (hundreds of
# binaries) and solved many times, so the root's extras cost more than they save: without the
# root reduced-cost, RINS and RENS sub-MIPs and with pseudo-costs trusted from the first
# observation (no strong-branching warm-up), HiGHS time over the five problems/ files that
# iterate fell from 5.5-5.9 s to 4.7 s (benchmarks/README.md).
HIGHS_OPTIONS = {"presolve": "off", "threads": 1, "mip_pool_soft_limit": 10, "mip_abs_gap": 1e-12,
                 "mip_heuristic_run_root_reduced_cost": False, "mip_heuristic_run_rins": False,
                 "mip_heuristic_run_rens": False, "mip_pscost_minreliable": 0}
# Strict inequalities (stability) are kept as >= with this margin in log space; the exact check
# decides the boundary, so the margin only has to be smaller than any real difference.
STRICT = 1e-9
HIGHS_MAX_INT = 2_147_483_647  # HiGHS's kHighsIInf: no limit


class DesignMilp(HonestyCuts):
    """The Pyomo model of a space, with a persistent HiGHS solver for cut-and-resolve."""

    def __init__(self, opts: SpaceOptions, *, objective: Objective | None = None, seed: int = 0,
                 focus: int | None = None):
        """focus: for min_latency / max_throughput, count only that workload (diagnosis)."""
        self.opts = opts
        self.objective = objective or opts.req.objective
        self.seed = seed
        self.focus = focus
        self.model = pyo.ConcreteModel()
        self._build()
        self._solver = None

    # ---- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        o, m, g, tech = self.opts, self.model, self.opts.grid, self.opts.tech
        S, D, P = range(len(g.array_shapes)), range(len(g.dataflows)), range(len(g.precisions))
        F, SR, MEM = range(len(g.clock_ghz)), range(len(g.sram_mib)), range(len(g.memories))
        NC, H = range(len(g.cores)), range(len(g.chips))
        m.x = pyo.Var(S, within=pyo.Binary)
        m.y = pyo.Var(D, within=pyo.Binary)
        m.z = pyo.Var(P, within=pyo.Binary)
        m.u = pyo.Var(F, within=pyo.Binary)
        m.v = pyo.Var(SR, within=pyo.Binary)
        m.t = pyo.Var(MEM, within=pyo.Binary)
        m.n = pyo.Var(NC, within=pyo.Binary)
        m.h = pyo.Var(H, within=pyo.Binary)
        m.one_hot = pyo.ConstraintList()
        for var in (m.x, m.y, m.z, m.u, m.v, m.t, m.n, m.h):
            m.one_hot.add(sum(var[i] for i in var) == 1)

        # Chip figures per joint (cores, shape, pe, sram): exact, from the cost core.
        joint = list(itertools.product(NC, S, P, SR))
        rows = np.array([g.array_shapes[s][0] for _, s, _, _ in joint])
        cols = np.array([g.array_shapes[s][1] for _, s, _, _ in joint])
        cores = np.array([g.cores[n] for n, _, _, _ in joint])
        pe = np.array([PE_CODES[g.precisions[p]] for _, _, p, _ in joint])
        sram = np.array([g.sram_mib[r] for _, _, _, r in joint], dtype=float)
        area_parts = area_breakdown_mm2(tech, rows=rows, cols=cols, cores=cores, pe=pe, sram_mib=sram,
                                        phy_area_mm2=np.zeros(len(joint)))
        area_core = sum(area_parts.values())  # includes the overhead share of these parts
        nominal = np.full(len(joint), tech.nominal_voltage_v)
        power = peak_power_breakdown_w(tech, rows=rows, cols=cols, cores=cores, pe=pe, clock_ghz=np.ones(len(joint)),
                                       voltage_v=nominal, sram_mib=sram, bandwidth_gbps=np.zeros(len(joint)),
                                       dram_pj_per_bit=np.zeros(len(joint)), die_area_mm2=np.zeros(len(joint)))
        # The parts that scale with f x V^2, the clock tree's share of each included; the SRAM's
        # voltage scale is taken out (it differs from the logic's below the SRAM's Vmin).
        with_clock = 1 + tech.clock_tree_fraction
        logic_per_ghz = (power["pe_array"] + power["vector_unit"]) * with_clock
        sram_per_ghz = power["sram"] * with_clock / float(sram_voltage_scale(tech, tech.nominal_voltage_v))
        consumable = peak_dram_gbps(rows=rows, cols=cols, cores=cores, pe=pe, clock_ghz=np.ones(len(joint)),
                                    bandwidth_gbps=np.full(len(joint), np.inf))
        watts_per_ghz = logic_per_ghz + sram_per_ghz
        overhead = 1 / (1 - tech.overhead_area_fraction)
        phy = np.array([mem.phy_area_mm2 for mem in g.memories]) * overhead
        keep = [i for i in range(len(joint)) if area_core[i] + phy.min() <= tech.max_die_area_mm2]
        if not keep:
            keep = [int(np.argmin(area_core))]
        self.joint = [joint[i] for i in keep]
        K = range(len(self.joint))
        m.a = pyo.Var(K, within=pyo.Binary)
        m.one_hot.add(sum(m.a[k] for k in K) == 1)
        m.link = pyo.ConstraintList()
        for position, var, size in ((0, m.n, NC), (1, m.x, S), (2, m.z, P), (3, m.v, SR)):
            for i in size:
                m.link.add(sum(m.a[k] for k in K if self.joint[k][position] == i) == var[i])

        area_k = area_core[keep]
        w_k = watts_per_ghz[keep]
        m.area = pyo.Var(bounds=(0, float(area_k.max() + phy.max())))
        m.link.add(m.area == sum(float(area_k[k]) * m.a[k] for k in K) + sum(float(phy[i]) * m.t[i] for i in MEM))
        m.link.add(m.area <= tech.max_die_area_mm2)
        p_max = add_power_rows(self, logic_w=logic_per_ghz[keep], sram_w=sram_per_ghz[keep],
                               consumable_gbps=consumable[keep], area_max=float(area_k.max() + phy.max()))
        # A lower bound of the clock tree's f x V^2 part for the per-inference bounds: the SRAM's
        # voltage scale is never below the logic's.
        f_scale = np.array(g.clock_ghz) * dynamic_energy_scale(tech, o.voltages)
        # Unit cost per chip: die cost (tangent lower bound) + memory + package.
        # Exact die cost: area takes the value area_k + phy_m, so one row per memory option gives
        # cost(area_k + phy_m) when that memory is picked (relaxed by a valid big-M otherwise),
        # plus tangent rows that keep the LP relaxation useful.
        tangents = die_cost_tangents(self.opts, float(area_k.min() + phy.min()), float(area_k.max() + phy.max()))
        fixed = [mem.cost_usd + tech.package_cost_usd + (tech.interposer_cost_usd if mem.needs_interposer else 0)
                 for mem in g.memories]
        die_max = float(chip_cost_breakdown_usd(tech, die_area_mm2=np.array(area_k.max() + phy.max()),
                                                memory_cost_usd=0.0, needs_interposer=False)["die"])
        m.die_cost = pyo.Var(bounds=(0, die_max))
        for slope, intercept in tangents:
            m.link.add(m.die_cost >= slope * m.area + intercept)
        for i in MEM:
            exact = chip_cost_breakdown_usd(tech, die_area_mm2=area_k + phy[i], memory_cost_usd=0.0,
                                            needs_interposer=False)["die"]
            m.link.add(m.die_cost >= sum(float(exact[k]) * m.a[k] for k in K) - die_max * (1 - m.t[i]))
        c_max = die_max + max(fixed)
        # Per-joint figures kept for the per-inference bounds (synth.solve.per_inference).
        self.chip_figures = dict(area_k=area_k, phy=phy, fixed=np.array(fixed), watts_k=w_k, f_scale=f_scale,
                                 die_k=chip_cost_breakdown_usd(
            tech, die_area_mm2=area_k + phy.min(), memory_cost_usd=0.0, needs_interposer=False)["die"],
            die_m=chip_cost_breakdown_usd(tech, die_area_mm2=area_k.min() + phy, memory_cost_usd=0.0,
                                          needs_interposer=False)["die"])
        m.cost = pyo.Var(bounds=(0, c_max))
        m.link.add(m.cost == m.die_cost + sum(fixed[i] * m.t[i] for i in MEM))
        # System figures = chips x chip figures: McCormick on the chips one-hot.
        for name, var, upper in (("sys_power", m.power, p_max), ("sys_idle", m.idle, p_max),
                                 ("sys_area", m.area, float(area_k.max() + phy.max())),
                                 ("sys_cost", m.cost, c_max)):
            per = pyo.Var(H, bounds=(0, upper))
            setattr(m, name + "_h", per)
            for i in H:
                m.link.add(per[i] <= upper * m.h[i])
                m.link.add(per[i] >= var - upper * (1 - m.h[i]))
            m.link.add(sum(per[i] for i in H) == var)
            total = pyo.Var(bounds=(0, upper * max(g.chips)))
            setattr(m, name, total)
            m.link.add(total == sum(g.chips[i] * per[i] for i in H))

        self._workload_blocks()
        self._requirements()
        self._objective()
        m.cuts = pyo.ConstraintList()

    def _workload_blocks(self) -> None:
        o, m, g = self.opts, self.model, self.opts.grid
        log_clock = [math.log(c * 1e9) for c in g.clock_ghz]
        log_bw = [math.log(mem.bandwidth_gbps * 1e9) for mem in g.memories]
        m.wl = pyo.Block(range(len(o.workloads)))
        self.combos: dict[int, list[tuple[int, int, int, int]]] = {}  # per workload: (shape, dataflow, c, batch) of w
        cores_used = 0
        for i, wo in enumerate(o.workloads):
            b = m.wl[i]
            B, Q, PR = range(len(wo.batches)), range(len(wo.precisions)), range(len(wo.pairs))
            b.bq = pyo.Var(B, Q, within=pyo.Binary)
            b.pair = pyo.Var(PR, within=pyo.Binary)
            b.cons = pyo.ConstraintList()
            b.cons.add(sum(b.bq[j, q] for j in B for q in Q) == 1)
            b.cons.add(sum(b.pair[r] for r in PR) == 1)
            core_index = {c: idx for idx, c in enumerate(wo.core_values)}
            combos = [(s, d, c, j) for s in range(len(g.array_shapes)) for d in range(len(g.dataflows))
                      for c in range(len(wo.core_values)) for j in B]
            b.w = pyo.Var(range(len(combos)), within=pyo.Binary)
            b.cons.add(sum(b.w[k] for k in range(len(combos))) == 1)
            for s in range(len(g.array_shapes)):
                b.cons.add(sum(b.w[k] for k, cb in enumerate(combos) if cb[0] == s) == m.x[s])
            for d in range(len(g.dataflows)):
                b.cons.add(sum(b.w[k] for k, cb in enumerate(combos) if cb[1] == d) == m.y[d])
            for c in range(len(wo.core_values)):
                b.cons.add(sum(b.w[k] for k, cb in enumerate(combos) if cb[2] == c)
                           == sum(b.pair[r] for r, (_, cc) in enumerate(wo.pairs) if core_index[cc] == c))
            for j in B:
                b.cons.add(sum(b.w[k] for k, cb in enumerate(combos) if cb[3] == j) == sum(b.bq[j, q] for q in Q))
            # The PE must run the workload's precision.
            for q, name in enumerate(wo.precisions):
                able = [p for p, pe in enumerate(g.precisions) if name in PE_SUPPORTS[pe]]
                b.cons.add(sum(b.bq[j, q] for j in B) <= sum(m.z[p] for p in able))
            cores_used += sum(r * c * b.pair[k] for k, (r, c) in enumerate(wo.pairs))
            # log service time of the chosen batch, and of a batch of one (same shape/dataflow/cores).
            # theta is never below its compute row, so the smallest compute bound is a valid floor.
            bound_time = math.log(1e6)
            fastest = math.log(max(g.clock_ghz) * 1e9)
            b.theta = pyo.Var(bounds=(math.log(float(wo.cycles.min())) - fastest - 1, bound_time))
            b.theta1 = pyo.Var(bounds=(math.log(float(wo.cycles_one.min())) - fastest - 1, bound_time))
            log_cyc = {k: math.log(wo.cycles[cb]) for k, cb in enumerate(combos)}
            log_cyc1 = {k: math.log(wo.cycles_one[cb[0], cb[1], cb[2]]) for k, cb in enumerate(combos)}
            clock_term = sum(log_clock[f] * m.u[f] for f in range(len(g.clock_ghz)))
            b.cons.add(b.theta >= sum(log_cyc[k] * b.w[k] for k in log_cyc) - clock_term)
            b.cons.add(b.theta1 >= sum(log_cyc1[k] * b.w[k] for k in log_cyc1) - clock_term)
            # Memory bound with the replica's exact SRAM and bandwidth share: the replica holds
            # e = SRAM x c / N (joint `sc` over SRAM, cores per replica c and chip cores N, c <= N)
            # and its traffic is exact per (batch, precision, e) (joint `mem`); its memory time is
            # traffic x (N / c) / bandwidth, whose log is linear in the one-hots.
            E = range(len(wo.sram_shares))
            b.sc = pyo.Var(range(len(wo.share_keys)), within=pyo.Binary)
            for r in range(len(g.sram_mib)):
                b.cons.add(sum(b.sc[k] for k, key in enumerate(wo.share_keys) if key[0] == r) == m.v[r])
            for ci, c in enumerate(wo.core_values):
                b.cons.add(sum(b.sc[k] for k, key in enumerate(wo.share_keys) if key[1] == ci)
                           == sum(b.pair[k] for k, (_, cc) in enumerate(wo.pairs) if cc == c))
            for n in range(len(g.cores)):
                b.cons.add(sum(b.sc[k] for k, key in enumerate(wo.share_keys) if key[2] == n) == m.n[n])
            mem_keys = [(j, q, e) for j in B for q in Q for e in E]
            b.mem = pyo.Var(mem_keys, within=pyo.Binary)
            for j in B:
                for q in Q:
                    b.cons.add(sum(b.mem[j, q, e] for e in E) == b.bq[j, q])
            for e in E:
                b.cons.add(sum(b.mem[j, q, e] for j in B for q in Q)
                           == sum(b.sc[k] for k, key in enumerate(wo.share_keys) if key[3] == e))
            share_term = sum(math.log(g.cores[n]) * m.n[n] for n in range(len(g.cores))) \
                - sum(math.log(c) * b.pair[k] for k, (_, c) in enumerate(wo.pairs))
            bandwidth_term = share_term - sum(log_bw[k] * m.t[k] for k in range(len(g.memories)))
            log_traffic = np.log(np.maximum(wo.traffic, 1e-300))
            log_traffic_one = np.log(np.maximum(wo.traffic_one, 1e-300))
            b.cons.add(b.theta >= sum(float(log_traffic[key]) * b.mem[key] for key in mem_keys) + bandwidth_term)
            b.cons.add(b.theta1 >= sum(float(log_traffic_one[key[1:]]) * b.mem[key] for key in mem_keys)
                       + bandwidth_term)
            # Split bounds (weighted AM-GM): a + b >= (a/w)^w (b/(1-w))^(1-w), so with a the compute
            # time of a layer set S and b the memory time of the rest, for every w in (0, 1):
            # theta >= w log a + (1 - w) log b + H(w), H(w) = -w log w - (1 - w) log(1 - w).
            compute_log = lambda table, combos=combos: {  # noqa: E731
                k: math.log(max(table[cb], 1e-300)) for k, cb in enumerate(combos)}
            for cycles_in, traffic_out in wo.splits:
                log_a = compute_log(cycles_in)
                log_b = np.log(np.maximum(traffic_out, 1e-300))
                a_term = sum(log_a[k] * b.w[k] for k in log_a) - clock_term
                b_term = sum(float(log_b[key]) * b.mem[key] for key in mem_keys) + bandwidth_term
                for weight in SPLIT_WEIGHTS:
                    entropy = -weight * math.log(weight) - (1 - weight) * math.log(1 - weight)
                    b.cons.add(b.theta >= weight * a_term + (1 - weight) * b_term + entropy)
            # log(capacity) = log(replicas per chip) + log(chips) + log(batch) - theta.
            b.log_capacity = pyo.Expression(expr=sum(math.log(r) * b.pair[k] for k, (r, _) in enumerate(wo.pairs))
                                            + sum(math.log(g.chips[h]) * m.h[h] for h in range(len(g.chips)))
                                            + sum(math.log(wo.batches[j]) * b.bq[j, q] for j in B for q in Q)
                                            - b.theta)
            b.weight_gib = pyo.Expression(expr=sum(float(wo.weight_bytes[q]) / 2**30 * b.bq[j, q] for j in B for q in Q))
            self.combos[i] = combos
        m.cores_used = pyo.Constraint(expr=cores_used <= sum(g.cores[n] * m.n[n] for n in range(len(g.cores))))
        m.dram_capacity = pyo.Constraint(
            expr=sum(m.wl[i].weight_gib for i in range(len(o.workloads)))
            <= sum(mem.capacity_gib * m.t[k] for k, mem in enumerate(g.memories)))

    def _requirements(self) -> None:
        o, m, req = self.opts, self.model, self.opts.req
        m.req = pyo.ConstraintList()
        # Each requirement's row by (key, workload), so a re-solve can replace its right-hand
        # side (set_requirement; docs/formulation.md §11).
        self.requirement_rows: dict[tuple[str, int | None], object] = {}
        for key in ("power_w", "average_power_w", "area_mm2", "unit_cost_usd"):
            self.set_requirement(key, None, getattr(req.budgets, key))
        for i, wo in enumerate(o.workloads):
            self.set_requirement("latency_ms", i, wo.workload.latency_ms)
            self.set_requirement("qps", i, wo.workload.required_qps)  # headroom included

    def set_requirement(self, key: str, workload: int | None, value: float | None) -> None:
        """Replace the row of one requirement (a budget, or a workload's latency_ms or qps) by
        the row of `value` (None: no row). The persistent solver sees the change on its next solve."""
        m = self.model
        old = self.requirement_rows.pop((key, workload), None)
        if old is not None:
            old.deactivate()
        if value is None:
            return
        if workload is None:
            var = {"power_w": m.sys_power, "average_power_w": m.sys_idle, "area_mm2": m.sys_area,
                   "unit_cost_usd": m.sys_cost}[key]
            row = var <= value
        else:
            b, scenario = m.wl[workload], self.opts.workloads[workload].workload.scenario
            if key == "latency_ms":  # server, multi_stream: no query beats a batch of one
                row = (b.theta if scenario is Scenario.single_stream else b.theta1) <= math.log(value / 1e3)
            elif scenario in (Scenario.server, Scenario.offline):  # qps
                row = b.log_capacity >= math.log(value) + (STRICT if scenario is Scenario.server else 0)
            else:
                return
        self.requirement_rows[(key, workload)] = m.req.add(row)

    def _objective(self) -> None:
        m, name = self.model, self.objective
        if name is Objective.min_power:
            m.obj = pyo.Objective(expr=m.sys_power)
        elif name is Objective.min_area:
            m.obj = pyo.Objective(expr=m.sys_area)
        elif name is Objective.min_unit_cost:
            m.obj = pyo.Objective(expr=m.sys_cost)
        elif name is Objective.min_latency:
            m.lat = pyo.Var(bounds=(-60, 60))
            for i, wo in self._counted():
                theta = m.wl[i].theta if wo.workload.scenario in (Scenario.single_stream, Scenario.offline) \
                    else m.wl[i].theta1
                m.req.add(m.lat >= theta)
            m.obj = pyo.Objective(expr=m.lat)
        elif name is Objective.max_throughput:
            m.tput = pyo.Var(bounds=(-60, 60))
            for i, wo in self._counted():
                m.req.add(m.tput <= m.wl[i].log_capacity - math.log(wo.workload.qps or 1.0))
            m.obj = pyo.Objective(expr=m.tput, sense=pyo.maximize)
        else:  # energy / cost per inference: a lower bound, see docs/formulation.md §5
            m.obj = pyo.Objective(expr=per_inference_bound(self))

    def _counted(self):
        pairs = list(enumerate(self.opts.workloads))
        return pairs if self.focus is None else [pairs[self.focus]]

    # ---- solving -----------------------------------------------------------------------------
    def solve(self, *, time_limit: float | None = None, rel_gap: float = 1e-9, cutoff: float | None = None,
              node_limit: int | None = None):
        """cutoff: prune everything whose objective is not better than this value (the best
        exact design's, in the MILP's units); the solve is then infeasible when nothing beats it.
        node_limit: a work budget (branch-and-bound nodes; the answer does not depend on the
        machine's speed); time_limit is a safety stop."""

        if self._solver is None:
            self._solver = SolverFactory("highs")
        # The persistent solver keeps options between solves: set the bound and the limit every
        # time, to their defaults (infinite) when not given.
        options = {**HIGHS_OPTIONS, "random_seed": self.seed, "mip_rel_gap": rel_gap, "objective_bound": math.inf,
                   "mip_max_nodes": HIGHS_MAX_INT if node_limit is None else node_limit}
        if cutoff is not None:
            # HiGHS reads objective_bound in its minimization sense (the negated objective when
            # maximizing). A margin keeps HiGHS's own tolerances from pruning a tie.
            margin = 1e-7 * max(1.0, abs(cutoff))
            options["objective_bound"] = -(cutoff - margin) if self.objective is Objective.max_throughput \
                else cutoff + margin
        kwargs = dict(solver_options=options, raise_exception_on_nonoptimal_result=False, load_solutions=False,
                      time_limit=math.inf if time_limit is None else max(time_limit, 0.05))
        highs = getattr(self._solver, "_solver_model", None)
        if highs is not None:  # HiGHS would return an unchanged model's old optimum, cutoff or not
            highs.clearSolver()
        return self._solver.solve(self.model, **kwargs)

    def choice(self) -> Choice:
        """Read the loaded solution as indices."""
        m, o = self.model, self.opts
        pick = lambda var: max(var, key=lambda i: pyo.value(var[i]))  # noqa: E731
        plans = []
        for i in range(len(o.workloads)):
            b = m.wl[i]
            j, q = max(b.bq, key=lambda key: pyo.value(b.bq[key]))
            plans.append((j, q, pick(b.pair)))
        return Choice(pick(m.x), pick(m.y), pick(m.z), pick(m.u), pick(m.v), pick(m.t), pick(m.n), pick(m.h),
                      tuple(plans))

    # ---- cuts ------------------------------------------------------------------------------------
    def restrict_chips(self, index: int | None) -> None:
        """Fix the chip count to grid.chips[index] (None: free again)."""
        for k in self.model.h:
            if index is None:
                self.model.h[k].unfix()
            else:
                self.model.h[k].fix(1 if k == index else 0)
