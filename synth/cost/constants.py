"""Every constant of the cost core, named, with its source, and overridable from the spec.

Tags as in ../shared/data/references.md: [P] primary, [S] secondary, [D] derived here (formula
given), [U] assumption or unconfirmed value. "refs §x" means references.md section x.
A requirements file overrides any scalar by name (`technology: {overrides: {name: value}}`);
per-node tables are resolved to scalars for the chosen node first, so the overridable names
are exactly the fields of `Technology`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from synth.vocabulary import DATAFLOW_NAMES, PRECISION_NAMES

if TYPE_CHECKING:
    from synth.cost.arrays import FloatArray

NODES_NM = (28, 16, 7, 5)
PRECISIONS = PRECISION_NAMES
DATAFLOWS = DATAFLOW_NAMES

# --- 45 nm arithmetic (Horowitz ISSCC 2014, refs §1.1, [S]) --------------------------------
# A MAC is a multiply plus an accumulate-add at the accumulator width (int32 for int8, fp32 for
# the float formats). bf16 multiply: fp16 multiply scaled by mantissa width squared (8/11)^2 [D].
_BF16_MULT_SCALE = (8 / 11) ** 2
MAC_ENERGY_PJ_45NM = {  # pJ per MAC at 45 nm, 0.9 V
    "int8": 0.2 + 0.1,  # 8b int mult + 32b int add
    "fp16": 1.1 + 0.9,  # 16b FP mult + 32b FP add (fp32 accumulate)
    "bf16": 1.1 * _BF16_MULT_SCALE + 0.9,
    "fp32": 3.7 + 0.9,  # 32b FP mult + 32b FP add
}
MAC_AREA_UM2_45NM = {  # um^2 per MAC unit at 45 nm
    "int8": 282 + 137,
    "fp16": 1640 + 4184,
    "bf16": 1640 * _BF16_MULT_SCALE + 4184,
    "fp32": 7700 + 4184,
}
OPERAND_BYTES = {"int8": 1, "fp16": 2, "bf16": 2, "fp32": 4}
ACCUMULATOR_BYTES = 4  # int32 / fp32 partial sums (TPU v1 accumulators are 32-bit, refs §2.1 [P])
# Which workload precisions a PE type runs (a mixed PE "costs the area of both", DESIGN.md).
PE_SUPPORTS = {
    "int8": ("int8",),
    "fp16": ("fp16",),
    "bf16": ("bf16",),
    "fp32": ("fp32",),
    "int8+fp16": ("int8", "fp16", "int8+fp16"),
}
# Workload precision "int8+fp16" = first and last array layers in fp16, the rest int8.

# --- per-node tables --------------------------------------------------------------------------
# Arithmetic energy vs 45 nm at nominal voltage: 7 nm anchored on TPUv4i's published per-op
# table (FP32 mult 1.3 pJ vs 3.7 pJ at 45 nm = 0.35, refs §1.2 [S]); refs §1.3 recommends it
# over gate scaling. 5 nm = 7 nm x 0.85 (hwcomponents, refs §1.3 [S]). 28 and 16 nm are
# log-interpolated in node size between 45 nm (1.0) and 7 nm (0.35) [D]:
# f(node) = 0.35 ** (ln(45/node) / ln(45/7)).
_LOG_SPAN = math.log(45 / 7)
MAC_ENERGY_SCALE = {
    28: 0.35 ** (math.log(45 / 28) / _LOG_SPAN),
    16: 0.35 ** (math.log(45 / 16) / _LOG_SPAN),
    7: 0.35,
    5: 0.35 * 0.85,
}
# SRAM energy vs 45 nm: TPUv4i quotes 7.5 pJ per 8 B for a small SRAM at 7 nm vs 10 pJ at 45 nm
# (refs §1.2 [S]) = 0.75; other nodes log-interpolated the same way [D]; 5 nm x0.95 [U].
SRAM_ENERGY_SCALE = {
    28: 0.75 ** (math.log(45 / 28) / _LOG_SPAN),
    16: 0.75 ** (math.log(45 / 16) / _LOG_SPAN),
    7: 0.75,
    5: 0.75 * 0.95,
}
# Logic area vs 45 nm (Stillmaker & Baas 2017 via nodeScale/hwcomponents, refs §1.3 [S];
# 28 nm [D] linear interpolation; 5 nm [D] x5/7 of 7 nm, hwcomponents rule).
AREA_SCALE = {28: 0.38, 16: 0.19, 7: 0.059, 5: 0.042}
# SRAM macro area, mm^2 per MiB including ports/banking. 28 nm: TPU v1 Unified Buffer, 24 MiB
# "almost a third" of a <=331 mm^2 die = 4.6 [D, refs §1.4]; 16/7/5 nm: "real implementations"
# 1.28/0.45/0.35 mm^2 per MB (chiplet TCO model, refs §1.4 [S]) x 1.048576 MB/MiB [D].
SRAM_MM2_PER_MIB = {28: 4.6, 16: 1.28 * 1.048576, 7: 0.45 * 1.048576, 5: 0.35 * 1.048576}
# Nominal supply voltage: 16 nm 0.85 V (PTM HP), 7 nm 0.75, 5 nm 0.70 (refs §6 [S]); 28 nm 0.90 V [U].
NOMINAL_VOLTAGE_V = {28: 0.90, 16: 0.85, 7: 0.75, 5: 0.70}
# Allowed supply range (DVFS). Lower ends [U]. Upper ends: 28 nm 1.05 V = the TSMC 28HPC+ fast
# corner ffg1p05v (refs §9.5 [S]); 16 nm 1.05 V, 7 and 5 nm 1.00 V [U] (overdrive as GPUs boost).
# The delay fits are evaluated at (1 - guardband) x V, where they stay monotone [D].
MIN_VOLTAGE_V = {28: 0.60, 16: 0.55, 7: 0.50, 5: 0.50}
MAX_VOLTAGE_V = {28: 1.05, 16: 1.05, 7: 1.00, 5: 1.00}
# DVFS anchors: one published (clock GHz, supply V) operating point per node; the Stillmaker
# delay fit gives the curve's shape through it (synth/cost/dvfs.py).
#   28 nm: TPU v1 700 MHz (refs §2.1 [P]) at the 28 nm nominal 0.90 V (TSMC tt0p9v, refs §9.5
#          [S]; the TPU's voltage is not published [U]);
#   16 nm: T4 boost 1.59 GHz (TSMC 12 nm, refs §2.4 [S]) at 1.00 V [U];
#    7 nm: A100 nvidia-smi sample 1080 MHz at 0.7125 V (refs §9.5 [S]);
#    5 nm: the 7 nm anchor x 1.15, TSMC "N5 15 % performance gain" vs N7 (refs §1.3 [S]).
DVFS_ANCHOR = {28: (0.70, 0.90), 16: (1.59, 1.00), 7: (1.08, 0.7125), 5: (1.08 * 1.15, 0.7125)}
# Gate delay vs V (Stillmaker & Baas fits, refs §1.3 [S]): 28 nm uses HP20 (the HP32 fit is not
# monotone above 0.85 V) [D]; 5 nm uses HP7 [D]. Coefficients (a3, a2, a1, a0).
DELAY_FIT = {
    28: (0.0, 34.63, -66.37, 41.15),
    16: (0.0, 24.8, -47.52, 28.87),
    7: (-28.58, 76.6, -70.26, 24.69),
    5: (-28.58, 76.6, -70.26, 24.69),
}


def dvfs_clock_ghz(node_nm: int, anchor_clock_ghz: float, anchor_voltage_v: float, guardband: float,
                   voltage: FloatArray | float) -> FloatArray | float:
    """The DVFS curve (synth/cost/dvfs.py): the clock at supply `voltage`, the Stillmaker delay fit
    of the node evaluated at the signed-off voltage (1 - guardband) x V, through the anchor."""
    a3, a2, a1, a0 = DELAY_FIT[node_nm]
    delay: Callable[[FloatArray | float], FloatArray | float] = lambda v: ((a3 * v + a2) * v + a1) * v + a0  # noqa: E731
    derate = 1.0 - guardband
    return anchor_clock_ghz * delay(derate * anchor_voltage_v) / delay(derate * voltage)


# Highest clock of each node [D]: the DVFS curve at MAX_VOLTAGE_V with the default 10 %
# guardband, rounded down to 1 MHz; 28 nm 0.756, 16 nm 1.610, 7 nm 1.456, 5 nm 1.675 GHz.
MAX_CLOCK_GHZ = {
    node: math.floor(dvfs_clock_ghz(node, *DVFS_ANCHOR[node], 0.10, MAX_VOLTAGE_V[node]) * 1000 + 1e-9) / 1000
    for node in NODES_NM
}
# Wafer price, 300 mm (refs §1.6 [S]): 28 nm ~$3,000 (DigiTimes), 16/12 nm $3,984, 7 nm $9,346,
# 5 nm $16,988 (CSET 2020).
WAFER_COST_USD = {28: 3000.0, 16: 3984.0, 7: 9346.0, 5: 16988.0}
# Random defect density per cm^2 (refs §1.6 [S]): N7 0.09, N5 0.10; 28/16 nm mature 0.10 [U].
DEFECT_DENSITY_PER_CM2 = {28: 0.10, 16: 0.10, 7: 0.09, 5: 0.10}


@dataclass(frozen=True, slots=True)
class Technology:
    """Scalar constants for one node; every field can be overridden by name from the spec."""

    node_nm: int
    mac_energy_scale: float
    sram_energy_scale: float
    area_scale: float
    sram_mm2_per_mib: float
    nominal_voltage_v: float
    min_voltage_v: float
    max_voltage_v: float
    dvfs_anchor_clock_ghz: float
    dvfs_anchor_voltage_v: float
    wafer_cost_usd: float
    defect_density_per_cm2: float
    # Highest clock of the node = the DVFS curve at max_voltage_v; technology() derives it
    # from the anchor unless it is overridden.
    max_clock_ghz: float = 0.0
    # Timing guardband: the logic is signed off at the slow corner, 10 % below the supply
    # (TSMC 28HPC+ ssg0p81v vs tt0p9v, refs §9.5 [S]), so the typical-corner delay fit is
    # evaluated at (1 - voltage_guardband) x V.
    voltage_guardband: float = 0.10
    # SRAM minimum operating voltage: "the traditional 6T SRAM bitcell ... becomes unreliable at
    # voltages below about 700 mV due to process variations" (Boley, Wang, Calhoun, JLPEA 2(2),
    # 2012, §1 [S]). Logic may scale below it; the SRAM arrays then stay on their own rail at this
    # voltage (dual-rail SRAM), so buffer energy scales with max(V, this) [D]; every node [U].
    sram_min_voltage_v: float = 0.70
    # PE area incl. pipeline registers and wiring = MAC area x this. Calibrated on TPU v1: the
    # matrix unit is "a quarter" of a <=331 mm^2 die for 65,536 int8 PEs (refs §2.1 [P]) =
    # 1,263 um^2/PE vs (282+137) um^2 x 0.38 = 159 um^2 of MAC logic at 28 nm [D] -> 7.9.
    pe_area_overhead: float = 82.75e6 / 65536 / ((282 + 137) * 0.38)
    # PE energy incl. operand/psum pipeline registers and wires = MAC energy x this [U]; not
    # refitted with the idle floor: TPU v1's TDP and busy power in docs/validation.md are
    # predictions with it (69 W vs 75 W, 37 W vs 40 W).
    pe_energy_overhead: float = 3.0
    # SRAM read/write energy per 64-bit access at 45 nm: 10 pJ at 8 KB, 100 pJ at 1 MB
    # (Horowitz via secondary copies, refs §1.1 [S]); fitted E = 10 pJ (S / 8 KB)^0.475 [D].
    sram_pj_per_64b_at_8kb: float = 10.0
    sram_energy_size_exponent: float = math.log(10) / math.log(128)
    # Accesses go to one bank; large buffers are banked (TPU v1 UB: 256-byte-wide rows) [U].
    sram_bank_kib: float = 256.0
    # What a designer can build, for refinement's off-grid designs: SRAM in whole banks (above),
    # a clock on the PLL's step and a supply on the regulator's step (rounded up, so the clock is
    # still reached) [U].
    pll_step_mhz: float = 1.0
    regulator_step_mv: float = 5.0
    # Vector unit: one lane per array column per core (activation, pooling, normalization and the
    # depthwise path). Area: TPU v1 compute 30 % minus the matrix unit's quarter = 5 % of
    # <= 331 mm^2 for 256 lanes at 28 nm = 64,650 um^2 / 0.38 [D] (refs §2.1 [P]); energy per op: a
    # 32b FP add at 45 nm (refs §1.1 [S]).
    vector_lane_area_um2_45nm: float = 0.05 * 331.0e6 / 256 / 0.38
    vector_op_energy_pj_45nm: float = 0.9
    # Fixed cycles to dispatch one layer: TPU v1 CISC, CPI 10-20 (refs §2.1 [P]) x ~5-10
    # instructions per layer [D].
    layer_dispatch_cycles: float = 100.0
    # Area outside the named parts (PEs, SRAM, vector lanes, per-core control, memory and host
    # PHYs): routing, power grid and white space. TPU v1 floor plan: data buffers 37 %, compute
    # 30 %, I/O 10 %, control 2 % (refs §2.1 [P]) leave 21 % unlabelled [D].
    overhead_area_fraction: float = 0.21
    # Control (sequencer, instruction buffer, DMA, NoC port) of one core, which grows with the
    # array ports it feeds (rows + cols): TPU v1 control 2 % of a <= 331 mm^2 die at 28 nm for 512
    # ports = 6.62 mm^2 / area_scale 0.38 = 17.4 mm^2 of 45 nm logic per 512 ports [D]; per core:
    # control_area_mm2_45nm x (rows + cols) / 512 x area_scale.
    control_area_mm2_45nm: float = 0.02 * 331.0 / 0.38
    # Leakage per mm^2: McPAT leakage share 15-21 % of total (refs §6 [S]) x TPU v1 busy 40 W over
    # <=331 mm^2 (refs §2.1 [P]) ~ 0.018-0.025 W/mm^2 [D]; kept for every node [U].
    leakage_w_per_mm2: float = 0.02
    # Clock tree, control and uncore power, as a fraction of the peak dynamic power of the PEs,
    # buffers and vector lanes at the same clock and voltage; it runs whenever the chip is on.
    # Calibrated on TPU v1: idle 28 W (refs §2.1 [P]) = leakage 6.9 + DDR3 background 0.6 +
    # PCIe PHY 0.8 + this x 36.3 W of peak dynamic power -> 0.54 [D] (docs/cost-model.md §9). It
    # is then 26 % of the 75 W TDP, as "clock ... at least a quarter of the power budget" (refs §9.3 [S]).
    clock_tree_fraction: float = 0.54
    # Partial sums live in per-column accumulator banks: TPU v1 4 MiB = 4096 x 256 x 32-bit, one
    # 16 KiB bank per column (refs §2.1 [P], [D]); their energy per access is that of such a bank.
    accumulator_bank_kib: float = 16.0
    # Streamed operands are double-buffered: a core keeps this many array tiles of the streamed
    # operand in flight (TPU v1 weight FIFO: 4 tiles of 64 KiB, refs §2.1 [P]; 2 = double buffering).
    stream_buffer_tiles: float = 2.0
    # Fraction of the SRAM left after stream buffers and activations that may hold weights: 1 =
    # per-layer residency; 0 = weights always stream (TPU v1: the Unified Buffer holds
    # activations, weights come from the off-chip Weight Memory through a FIFO, refs §2.1 [P]).
    weight_residency: float = 1.0
    # Host interface (technology.host_interface picks a preset of HOST_INTERFACES; each field can
    # be overridden): link bandwidth (GB/s, 0 = shares the accelerator's memory: no transfer),
    # latency per transfer (us), energy (pJ/bit), PHY area (mm^2, analog: no node scaling), PHY
    # power while linked (W), and the runtime's fixed cost per batch (us).
    host_link_gbps: float = 0.0
    host_link_latency_us: float = 0.0
    host_link_pj_per_bit: float = 0.0
    host_phy_area_mm2: float = 0.0
    host_phy_power_w: float = 0.0
    runtime_overhead_us: float = 16.0
    # Largest die: reticle limit 858 mm^2 (26 x 33 mm) [P, lithography field size]; chiplet
    # model "max die 900 mm^2" (refs §1.6 [S]).
    max_die_area_mm2: float = 858.0
    wafer_diameter_mm: float = 300.0
    # Package and assembly per chip [U]; interposer for HBM: wafer $1,937 (refs §1.6 [S]) over
    # ~ 30 interposers [U].
    package_cost_usd: float = 10.0
    interposer_cost_usd: float = 1937.0 / 30
    # Money over the service life: 3-year depreciation [U]; electricity $0.10/kWh [U].
    service_life_years: float = 3.0
    electricity_usd_per_kwh: float = 0.10

    def voltage_range(self) -> tuple[float, float]:
        return self.min_voltage_v, self.max_voltage_v


OVERRIDABLE = tuple(f.name for f in dataclasses.fields(Technology) if f.name != "node_nm")


def technology(node_nm: int, overrides: dict[str, float] | None = None) -> Technology:
    """The constants of a node, with the spec's overrides applied."""
    base = Technology(
        node_nm=node_nm,
        mac_energy_scale=MAC_ENERGY_SCALE[node_nm],
        sram_energy_scale=SRAM_ENERGY_SCALE[node_nm],
        area_scale=AREA_SCALE[node_nm],
        sram_mm2_per_mib=SRAM_MM2_PER_MIB[node_nm],
        nominal_voltage_v=NOMINAL_VOLTAGE_V[node_nm],
        min_voltage_v=MIN_VOLTAGE_V[node_nm],
        max_voltage_v=MAX_VOLTAGE_V[node_nm],
        dvfs_anchor_clock_ghz=DVFS_ANCHOR[node_nm][0],
        dvfs_anchor_voltage_v=DVFS_ANCHOR[node_nm][1],
        wafer_cost_usd=WAFER_COST_USD[node_nm],
        defect_density_per_cm2=DEFECT_DENSITY_PER_CM2[node_nm],
    )
    tech = dataclasses.replace(base, **cast(dict[str, Any], overrides or {}))  # names and ranges checked by the spec
    if "max_clock_ghz" in (overrides or {}):
        return tech
    # The curve's reach at the top of the voltage range, rounded down to 1 MHz (MAX_CLOCK_GHZ).
    reach = dvfs_clock_ghz(node_nm, tech.dvfs_anchor_clock_ghz, tech.dvfs_anchor_voltage_v, tech.voltage_guardband,
                           tech.max_voltage_v)
    return dataclasses.replace(tech, max_clock_ghz=math.floor(reach * 1000 + 1e-9) / 1000)


# Host interfaces (technology.host_interface): the Technology fields each sets. [S]/[D] per refs §9.1, §9.4:
#   PCIe Gen3 x16 15.75 GB/s/dir, Gen4 x16 31.5, Gen2 x1 0.5 GB/s [D]; latency 300-400 ns [S];
#   low-power Gen3 PHY 50 mW/lane active -> 6.3 pJ/bit [D]; USB 3.0 ~400 MB/s realistic [S].
#   PHY area per lane not found: TPU v1 I/O 10 % of 331 mm^2 = 33.1 mm^2 minus the DDR3 PHY
#   (10 mm^2) = 23.1 mm^2 for PCIe Gen3 x16 and misc I/O [D], 1.44 mm^2 per lane [D]. USB
#   latency and energy are not found: a lane's [U]. Runtime cost per batch: a 4-layer MLP
#   launched as a CUDA graph costs 16 us (refs §9.4 [P]), taken for SoC and PCIe runtimes [U].
#   Edge-class links (USB 3, PCIe Gen2 x1) use the Coral runtime's: a small CNN takes 1.3 ms on
#   the Dev Board (refs §9.4 [S]), of which ~0.3 ms is Python (Dev Board 2.51 ms Python vs
#   2.2 ms C++ on MobileNet v1) and ~0.15 ms its input over PCIe Gen2 x1: ~850 us [D].
HOST_INTERFACES = {
    "on_soc": {},
    "pcie3_x16": {"host_link_gbps": 15.75, "host_link_latency_us": 0.35, "host_link_pj_per_bit": 6.3,
                  "host_phy_area_mm2": 23.1, "host_phy_power_w": 0.8},
    "pcie4_x16": {"host_link_gbps": 31.5, "host_link_latency_us": 0.35, "host_link_pj_per_bit": 6.3,
                  "host_phy_area_mm2": 23.1, "host_phy_power_w": 0.8},
    "pcie2_x1": {"host_link_gbps": 0.5, "host_link_latency_us": 0.35, "host_link_pj_per_bit": 6.3,
                 "host_phy_area_mm2": 1.44, "host_phy_power_w": 0.05, "runtime_overhead_us": 850.0},
    "usb3": {"host_link_gbps": 0.4, "host_link_latency_us": 0.35, "host_link_pj_per_bit": 6.3,
             "host_phy_area_mm2": 1.44, "host_phy_power_w": 0.05, "runtime_overhead_us": 850.0},
}


# --- what an override may be --------------------------------------------------------------------
# Closed ranges [low, high] per overridable constant: wide enough for any real node or price
# (about 100x either side of the defaults), narrow enough that every figure computed from them
# stays finite and positive where it must (no division by zero, no log of 0, no float64
# overflow); tests/spec checks that every overridable name has a range.
OVERRIDE_RANGES: dict[str, tuple[float, float]] = {
    "mac_energy_scale": (1e-3, 100.0),
    "sram_energy_scale": (1e-3, 100.0),
    "area_scale": (1e-3, 100.0),
    "sram_mm2_per_mib": (1e-3, 1e3),
    "nominal_voltage_v": (0.2, 2.0),
    "min_voltage_v": (0.2, 2.0),
    "max_voltage_v": (0.2, 2.0),
    "max_clock_ghz": (0.01, 100.0),
    "wafer_cost_usd": (1.0, 1e7),
    "defect_density_per_cm2": (0.0, 100.0),
    "pe_area_overhead": (0.01, 1e3),
    "pe_energy_overhead": (0.01, 1e3),
    "sram_pj_per_64b_at_8kb": (1e-3, 1e4),
    "sram_energy_size_exponent": (0.0, 2.0),
    "sram_bank_kib": (1.0, 1 << 20),
    "vector_lane_area_um2_45nm": (0.0, 1e6),
    "vector_op_energy_pj_45nm": (0.0, 1e4),
    "layer_dispatch_cycles": (0.0, 1e9),
    "overhead_area_fraction": (0.0, 0.95),
    "leakage_w_per_mm2": (0.0, 10.0),
    "max_die_area_mm2": (1.0, 1e4),
    "wafer_diameter_mm": (50.0, 1000.0),
    "package_cost_usd": (0.0, 1e6),
    "interposer_cost_usd": (0.0, 1e6),
    "service_life_years": (0.01, 100.0),
    "electricity_usd_per_kwh": (0.0, 100.0),
    # The physics of issue 11 (docs/cost-model.md): DVFS anchor and guardband, uncore, buffers,
    # residency, and the host link (0 GB/s: on the SoC, no link).
    "dvfs_anchor_clock_ghz": (0.01, 100.0),
    "dvfs_anchor_voltage_v": (0.2, 2.0),
    "voltage_guardband": (0.0, 0.5),
    "control_area_mm2_45nm": (0.0, 1e3),
    "clock_tree_fraction": (0.0, 10.0),
    "accumulator_bank_kib": (0.125, 1 << 20),
    "stream_buffer_tiles": (1.0, 64.0),
    "weight_residency": (0.0, 1.0),
    "host_link_gbps": (0.0, 1e5),
    "host_link_latency_us": (0.0, 1e6),
    "host_link_pj_per_bit": (0.0, 1e4),
    "host_phy_area_mm2": (0.0, 1e4),
    "host_phy_power_w": (0.0, 1e4),
    "runtime_overhead_us": (0.0, 1e7),
    "sram_min_voltage_v": (0.2, 2.0),
    "pll_step_mhz": (0.001, 1000.0),
    "regulator_step_mv": (0.1, 1000.0),
}


def override_problems(node_nm: int, overrides: dict[str, float]) -> list[tuple[str, str]]:
    """(override name, what must hold and what was given) for every bad override: unknown names,
    values outside OVERRIDE_RANGES, and pairs that must stay ordered once the node's defaults
    fill in what is not overridden (min_voltage_v <= max_voltage_v; a die that fits the wafer)."""
    found: list[tuple[str, str]] = []
    for name, value in overrides.items():
        if name not in OVERRIDE_RANGES:
            continue  # unknown names are reported by the schema
        low, high = OVERRIDE_RANGES[name]
        if not (isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high):
            found.append((name, f"must be within [{low:g}, {high:g}], got {value!r}"))
    if node_nm not in NODES_NM:
        return found
    rejected = {name for name, _ in found}
    tech = technology(node_nm, {k: v for k, v in overrides.items() if k in OVERRIDE_RANGES and k not in rejected})
    if tech.min_voltage_v > tech.max_voltage_v:
        key = "min_voltage_v" if "min_voltage_v" in overrides else "max_voltage_v"
        found.append((key, f"min_voltage_v <= max_voltage_v must hold, got (min_voltage_v="
                           f"{tech.min_voltage_v:g}, max_voltage_v={tech.max_voltage_v:g})"))
    wafer_area = math.pi * (tech.wafer_diameter_mm / 2) ** 2
    if tech.max_die_area_mm2 > wafer_area / 4:
        key = "max_die_area_mm2" if "max_die_area_mm2" in overrides else "wafer_diameter_mm"
        found.append((key, f"max_die_area_mm2 <= a quarter of the wafer's area must hold, got (max_die_area_mm2="
                           f"{tech.max_die_area_mm2:g}, wafer_diameter_mm={tech.wafer_diameter_mm:g})"))
    return found
