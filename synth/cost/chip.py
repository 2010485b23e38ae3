"""Per-chip area, peak power and unit cost, vectorized over design points (arrays of shape (P,)).

    die area = (PEs + SRAM + vector lanes + per-core control + memory PHY + host PHY)
               / (1 - overhead_area_fraction)
    PE area  = rows * cols * cores * MAC area(PE precision, 45 nm) * area_scale * pe_area_overhead
    peak power = every PE, buffer port and vector lane busy, the clock tree and control
                 (clock_tree_fraction of those), leakage, the host PHY, and the DRAM's
                 background plus access energy at the most bandwidth the chip can draw:
                 min(interface bandwidth, cores * (2 cols + max(rows, cols)) words per
                 cycle * PE operand bytes * f) (`peak_dram_gbps`)
    idle power = leakage + clock tree and control + host PHY + DRAM background (the floor)
    die cost = wafer cost / (dies per wafer * Murphy yield)
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from synth.cost.arrays import FloatArray, Numeric
from synth.cost.constants import ACCUMULATOR_BYTES, MAC_AREA_UM2_45NM, MAC_ENERGY_PJ_45NM, OPERAND_BYTES, Technology
from synth.cost.dvfs import dynamic_energy_scale, sram_voltage_scale
from synth.cost.systolic import edge_words_per_cycle
from synth.cost.workload import accumulator_pj_per_bit, sram_pj_per_bit
from synth.vocabulary import PRECISION_NAMES

PE_NAMES = PRECISION_NAMES  # PE types: one per precision; int8+fp16 is the mixed PE
PE_CODES = {name: code for code, name in enumerate(PE_NAMES)}
# A mixed int8+fp16 PE costs the area of both (DESIGN.md); its peak energy is the fp16 MAC's.
PE_AREA_UM2_45NM = np.array([MAC_AREA_UM2_45NM[p] for p in PE_NAMES[:4]]
                            + [MAC_AREA_UM2_45NM["int8"] + MAC_AREA_UM2_45NM["fp16"]])
PE_PEAK_PJ_45NM = np.array([MAC_ENERGY_PJ_45NM[p] for p in PE_NAMES[:4]] + [MAC_ENERGY_PJ_45NM["fp16"]])
PE_OPERAND_BYTES = np.array([OPERAND_BYTES[p] for p in PE_NAMES[:4]] + [OPERAND_BYTES["fp16"]])


def area_breakdown_mm2(tech: Technology, *, rows: Numeric, cols: Numeric, cores: Numeric, pe: Numeric, sram_mib: Numeric,
                       phy_area_mm2: Numeric) -> dict[str, FloatArray]:
    """Die area by part, mm^2 (arrays of shape (P,))."""
    pes = np.asarray(rows) * np.asarray(cols) * np.asarray(cores)
    parts = {
        "pe_array": pes * PE_AREA_UM2_45NM[np.asarray(pe)] * tech.area_scale * tech.pe_area_overhead * 1e-6,
        "sram": np.asarray(sram_mib, dtype=float) * tech.sram_mm2_per_mib,
        "vector_unit": np.asarray(cols) * np.asarray(cores) * tech.vector_lane_area_um2_45nm * tech.area_scale * 1e-6,
        "control": np.asarray(cores, dtype=float) * (np.asarray(rows) + np.asarray(cols)) / 512
        * tech.control_area_mm2_45nm * tech.area_scale,
        "memory_phy": np.asarray(phy_area_mm2, dtype=float) + 0.0 * pes,
        "host_phy": tech.host_phy_area_mm2 + 0.0 * pes,
    }
    core = sum(parts.values())
    parts["routing_whitespace"] = core * tech.overhead_area_fraction / (1 - tech.overhead_area_fraction)
    return parts


def peak_power_breakdown_w(tech: Technology, *, rows: Numeric, cols: Numeric, cores: Numeric, pe: Numeric, clock_ghz: Numeric,
                           voltage_v: Numeric, sram_mib: Numeric, bandwidth_gbps: Numeric, dram_pj_per_bit: Numeric,
                           die_area_mm2: Numeric, dram_background_w: Numeric = 0.0) -> dict[str, FloatArray]:
    """TDP by part, W: every unit busy every cycle at the PE's most expensive precision.

    Buffers at peak move, per core and cycle, one operand word per array row and column from
    the operand banks and a partial-sum read and write per column in its accumulator bank (the
    array's edges). The clock tree and control draw clock_tree_fraction of the PE, buffer and
    vector power; the DRAM its background plus access energy at `peak_dram_gbps`, the most
    bandwidth the arrays can consume (not the interface's, when that is wider)."""
    rows, cols, cores, pe = (np.asarray(x) for x in (rows, cols, cores, pe))
    freq_hz = np.asarray(clock_ghz) * 1e9
    vscale = dynamic_energy_scale(tech, voltage_v)
    pes = rows * cols * cores
    mac_w = pes * freq_hz * PE_PEAK_PJ_45NM[pe] * tech.mac_energy_scale * tech.pe_energy_overhead * vscale * 1e-12
    per_core = np.asarray(sram_mib) / cores
    operand_pj = cores * (rows + cols) * PE_OPERAND_BYTES[pe] * 8 * sram_pj_per_bit(tech, per_core)
    psum_pj = cores * 2 * cols * ACCUMULATOR_BYTES * 8 * accumulator_pj_per_bit(tech, per_core)
    sram_w = (operand_pj + psum_pj) * freq_hz * sram_voltage_scale(tech, voltage_v) * 1e-12
    vector_w = cols * cores * freq_hz * tech.vector_op_energy_pj_45nm * tech.mac_energy_scale * vscale * 1e-12
    drawn_gbps = peak_dram_gbps(rows=rows, cols=cols, cores=cores, pe=pe, clock_ghz=clock_ghz,
                                bandwidth_gbps=bandwidth_gbps)
    dram_w = drawn_gbps * 1e9 * 8 * np.asarray(dram_pj_per_bit) * 1e-12
    return {
        "pe_array": mac_w, "sram": sram_w, "vector_unit": vector_w,
        "clock_tree": (mac_w + sram_w + vector_w) * tech.clock_tree_fraction,
        "dram": dram_w + np.asarray(dram_background_w, dtype=float) + 0.0 * mac_w,
        "host_phy": tech.host_phy_power_w + 0.0 * mac_w,
        "leakage": leakage_w(tech, die_area_mm2),
    }


def peak_dram_gbps(*, rows: Numeric, cols: Numeric, cores: Numeric, pe: Numeric, clock_ghz: Numeric,
                   bandwidth_gbps: Numeric) -> FloatArray:
    """The most DRAM bandwidth (GB/s) the chip can draw: the interface's, or what its cores can
    consume, whichever is less. Data from DRAM enters a core through its array's edges or its
    vector lanes, at most `edge_words_per_cycle` words of the PE's operand width per cycle
    (synth.cost.systolic); the cost model never lets a layer draw faster (synth.cost.workload),
    so this is an upper bound on the bandwidth of every plan and the TDP stays a function of
    the hardware alone."""
    consumable = np.asarray(cores) * edge_words_per_cycle(rows, cols) * PE_OPERAND_BYTES[np.asarray(pe)] \
        * np.asarray(clock_ghz, dtype=float)
    drawn: FloatArray = np.minimum(np.asarray(bandwidth_gbps, dtype=np.float64), consumable)
    return drawn


def idle_power_w(tech: Technology, peak_parts: dict[str, FloatArray], dram_background_w: Numeric) -> FloatArray:
    """The floor drawn whenever the chip is on: leakage, clock tree and control, host PHY, DRAM
    background (TPU v1 idles at 28 W of 40 W busy, refs §2.1)."""
    return peak_parts["leakage"] + peak_parts["clock_tree"] + peak_parts["host_phy"] \
        + np.asarray(dram_background_w, dtype=np.float64)


def leakage_w(tech: Technology, die_area_mm2: Numeric) -> FloatArray:
    return np.asarray(die_area_mm2, dtype=float) * tech.leakage_w_per_mm2


def dies_per_wafer(tech: Technology, die_area_mm2: Numeric) -> FloatArray:
    """Gross dies on a round wafer: pi r^2 / A - pi d / sqrt(2 A) (standard approximation)."""
    area: FloatArray = np.asarray(die_area_mm2, dtype=float)
    d = tech.wafer_diameter_mm
    return np.maximum(math.pi * (d / 2) ** 2 / area - math.pi * d / np.sqrt(2 * area), 1.0)


def murphy_yield(tech: Technology, die_area_mm2: Numeric) -> FloatArray:
    """Murphy's yield model ((1 - e^-AD) / AD)^2, A in cm^2 (refs §1.6 reproduces AnandTech's 32 %)."""
    ad: FloatArray = np.asarray(die_area_mm2, dtype=float) / 100 * tech.defect_density_per_cm2
    return ((1 - np.exp(-ad)) / np.maximum(ad, 1e-12)) ** 2


def chip_cost_breakdown_usd(tech: Technology, *, die_area_mm2: Numeric, memory_cost_usd: Numeric,
                            needs_interposer: npt.ArrayLike) -> dict[str, FloatArray]:
    die = tech.wafer_cost_usd / (dies_per_wafer(tech, die_area_mm2) * murphy_yield(tech, die_area_mm2))
    return {
        "die": die,
        "memory": np.asarray(memory_cost_usd, dtype=float) + 0.0 * die,
        "package": tech.package_cost_usd + np.where(needs_interposer, tech.interposer_cost_usd, 0.0) + 0.0 * die,
    }
