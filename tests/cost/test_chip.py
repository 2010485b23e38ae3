"""Area, peak power, dies per wafer, yield, die cost (synth.cost.chip) and DVFS (synth.cost.dvfs).

Expected values are the documented formulas worked by hand, and published checks from
../shared/data/references.md (section 1.6: Murphy yield; section 6: Stillmaker V-f tables).
"""

import dataclasses
import math

import numpy as np
import pytest

from synth.cost.chip import (
    PE_CODES,
    area_breakdown_mm2,
    chip_cost_breakdown_usd,
    dies_per_wafer,
    idle_power_w,
    murphy_yield,
    peak_power_breakdown_w,
)
from synth.cost.constants import NODES_NM, technology
from synth.cost.dvfs import clock_at_voltage, dynamic_energy_scale, voltage_for_clock

TECH7 = technology(7)
# PE area overhead: TPU v1's matrix unit, "a quarter" of a <= 331 mm^2 die, holds 65,536 int8
# PEs, against (282 + 137) um^2 of 45 nm int8 MAC logic x 0.38 (28 nm area scale).
PE_UM2_28NM = 331 / 4 * 1e6 / 65536  # 1,262.7 um^2 per PE at 28 nm


def one(x):
    return np.array([x])


def _area(tech, pe="int8", rows=32, cols=32, cores=4, sram_mib=8.0, phy=2.3):
    parts = area_breakdown_mm2(tech, rows=one(rows), cols=one(cols), cores=one(cores),
                               pe=one(PE_CODES[pe]), sram_mib=one(sram_mib), phy_area_mm2=one(phy))
    return {k: float(v[0]) for k, v in parts.items()}


class TestArea:
    def test_breakdown_by_hand_at_7nm(self):
        # 32 x 32 x 4 cores int8, 8 MiB, LPDDR PHY 2.3 mm^2.
        parts = _area(TECH7)
        pe = 32 * 32 * 4 * PE_UM2_28NM * (0.059 / 0.38) * 1e-6  # rescale the 28 nm PE to 7 nm
        sram = 8 * 0.45 * 1.048576  # 0.45 mm^2/MB x 1.048576 MB/MiB
        # one lane per column: TPU v1's non-matrix compute, 5 % of 331 mm^2 over 256 lanes at 28 nm
        vector = 32 * 4 * (0.05 * 331e6 / 256) * (0.059 / 0.38) * 1e-6
        # TPU v1's 2 % control for 512 array ports, per core and port, rescaled to 7 nm
        control = 4 * (32 + 32) / 512 * 0.02 * 331 * (0.059 / 0.38)
        phy = 2.3
        core = pe + sram + vector + control + phy  # on_soc: no host PHY
        assert parts["pe_array"] == pytest.approx(pe, rel=1e-12)
        assert parts["sram"] == pytest.approx(sram, rel=1e-12)
        assert parts["vector_unit"] == pytest.approx(vector, rel=1e-12)
        assert parts["control"] == pytest.approx(control, rel=1e-12)
        assert parts["memory_phy"] == pytest.approx(phy, rel=1e-12)
        assert parts["host_phy"] == 0.0
        # routing and white space: the 21 % of TPU v1's floor plan left unlabelled
        assert parts["routing_whitespace"] == pytest.approx(core * 0.21 / 0.79, rel=1e-12)
        assert sum(parts.values()) == pytest.approx(core / 0.79, rel=1e-12)

    def test_many_cores_pay_for_their_control(self):
        # Same PEs in 1 core of 128 x 128 (256 ports) or 16 cores of 32 x 32 (16 x 64 = 1,024
        # ports): four times the control, 17.42 x 0.059 mm^2 per 512 ports.
        one_core = _area(TECH7, rows=128, cols=128, cores=1, phy=0.0)
        many = _area(TECH7, rows=32, cols=32, cores=16, phy=0.0)
        assert many["pe_array"] == pytest.approx(one_core["pe_array"], rel=1e-12)
        per_port = 0.02 * 331 / 0.38 * 0.059 / 512
        assert one_core["control"] == pytest.approx(256 * per_port, rel=1e-12)
        assert many["control"] == pytest.approx(1024 * per_port, rel=1e-12)

    def test_host_interface_adds_its_phy(self):
        tech = technology(7, {"host_phy_area_mm2": 23.1})
        assert _area(tech)["host_phy"] == 23.1

    def test_tpu_v1_matrix_unit_is_the_calibration_anchor(self):
        parts = _area(technology(28), rows=256, cols=256, cores=1, sram_mib=28, phy=10.0)
        assert parts["pe_array"] == pytest.approx(331 / 4, rel=1e-12)  # 82.75 mm^2
        assert parts["sram"] == pytest.approx(28 * 4.6, rel=1e-12)

    def test_fp16_pe_area_by_hand(self):
        int8 = _area(TECH7)["pe_array"]
        fp16 = _area(TECH7, pe="fp16")["pe_array"]
        # area ratio = (1640 + 4184) / (282 + 137): fp16 mult + fp32 add vs int8 mult + int32 add
        assert fp16 / int8 == pytest.approx((1640 + 4184) / (282 + 137), rel=1e-12)

    def test_mixed_pe_costs_the_area_of_both(self):
        int8 = _area(TECH7)["pe_array"]
        fp16 = _area(TECH7, pe="fp16")["pe_array"]
        assert _area(TECH7, pe="int8+fp16")["pe_array"] == pytest.approx(int8 + fp16, rel=1e-12)


class TestPeakPower:
    def test_breakdown_by_hand(self):
        # 16 x 16 x 2 cores int8 at 7 nm, 1 GHz, 0.6 V, 4 MiB (2 MiB per core -> bank 256 KiB),
        # 51.2 GB/s at 10 pJ/bit, die 10 mm^2.
        tech = TECH7
        parts = peak_power_breakdown_w(
            tech, rows=one(16), cols=one(16), cores=one(2), pe=one(PE_CODES["int8"]),
            clock_ghz=one(1.0), voltage_v=one(0.6), sram_mib=one(4.0), bandwidth_gbps=one(51.2),
            dram_pj_per_bit=one(10.0), die_area_mm2=one(10.0))
        vscale = (0.6 / 0.75) ** 2
        mac = 16 * 16 * 2 * 1e9 * (0.2 + 0.1) * 0.35 * tech.pe_energy_overhead * vscale * 1e-12
        # per core and cycle: (16 + 16) int8 operands from a 256 KiB bank, 16 psum reads + 16
        # psum writes of 4 B from 16 KiB accumulator banks
        exponent = math.log(10) / math.log(128)
        operand_pj = 2 * (16 + 16) * 1 * 8 * 10 * (256 / 8) ** exponent / 64 * 0.75
        psum_pj = 2 * 2 * 16 * 4 * 8 * 10 * (16 / 8) ** exponent / 64 * 0.75
        sram = (operand_pj + psum_pj) * 1e9 * (0.70 / 0.75) ** 2 * 1e-12  # SRAM rail held at its 0.70 V Vmin
        vector = 16 * 2 * 1e9 * 0.9 * 0.35 * vscale * 1e-12
        clock = (mac + sram + vector) * 0.54  # clock tree and control
        # the arrays can consume 2 cores x (2 x 16 + 16) words x 1 B x 1 GHz = 96 GB/s > 51.2: the interface's
        dram = 51.2e9 * 8 * 10 * 1e-12  # 4.096 W
        leakage = 10 * 0.02
        assert float(parts["pe_array"][0]) == pytest.approx(mac, rel=1e-12)
        assert float(parts["sram"][0]) == pytest.approx(sram, rel=1e-12)
        assert float(parts["vector_unit"][0]) == pytest.approx(vector, rel=1e-12)
        assert float(parts["clock_tree"][0]) == pytest.approx(clock, rel=1e-12)
        assert float(parts["dram"][0]) == pytest.approx(dram, rel=1e-12)
        assert float(parts["leakage"][0]) == pytest.approx(leakage, rel=1e-12)
        assert float(parts["host_phy"][0]) == 0.0

    def test_idle_floor_by_hand(self):
        # The floor: leakage + clock tree + host PHY + DRAM background, nothing that moves data.
        tech = technology(7, {"host_phy_power_w": 0.8})
        parts = peak_power_breakdown_w(
            tech, rows=one(16), cols=one(16), cores=one(1), pe=one(PE_CODES["int8"]), clock_ghz=one(1.0),
            voltage_v=one(0.75), sram_mib=one(1.0), bandwidth_gbps=one(10.0), dram_pj_per_bit=one(10.0),
            die_area_mm2=one(5.0), dram_background_w=0.25)
        expected = 5.0 * 0.02 + float(parts["clock_tree"][0]) + 0.8 + 0.25
        assert float(idle_power_w(tech, parts, 0.25)[0]) == pytest.approx(expected, rel=1e-12)
        assert float(parts["dram"][0]) == pytest.approx(10e9 * 8 * 10e-12 + 0.25, rel=1e-12)

    def test_dram_at_the_bandwidth_the_arrays_can_consume(self):
        # 8 x 8 int8, 1 core, 0.4 GHz on LPDDR4 (34.1 GB/s, 13.5 pJ/bit): per cycle the array takes
        # 8 operand words on its rows and 8 on its columns and gives 8 results (2 x 8 + 8 = 24 B),
        # 24 B x 0.4 GHz = 9.6 GB/s < 34.1: 9.6e9 x 8 x 13.5e-12 = 1.0368 W, plus the background.
        def dram_w(rows, cols, pe="int8", cores=1, clock=0.4):
            parts = peak_power_breakdown_w(
                TECH7, rows=one(rows), cols=one(cols), cores=one(cores), pe=one(PE_CODES[pe]), clock_ghz=one(clock),
                voltage_v=one(0.5), sram_mib=one(1.0), bandwidth_gbps=one(34.1), dram_pj_per_bit=one(13.5),
                die_area_mm2=one(1.0), dram_background_w=0.18)
            return float(parts["dram"][0])
        assert dram_w(8, 8) == pytest.approx(9.6e9 * 8 * 13.5e-12 + 0.18, rel=1e-12)
        # fp16 words are 2 B: 19.2 GB/s; the mixed PE moves fp16 words too.
        assert dram_w(8, 8, "fp16") == pytest.approx(19.2e9 * 8 * 13.5e-12 + 0.18, rel=1e-12)
        assert dram_w(8, 8, "int8+fp16") == dram_w(8, 8, "fp16")
        # 4 rows x 16 cols: 2 x 16 + 16 = 48 words (the vector lanes' 3 per column bind);
        # 16 rows x 4 cols: 2 x 4 + 16 = 24 words.
        assert dram_w(4, 16) == pytest.approx(48 * 0.4e9 * 8 * 13.5e-12 + 0.18, rel=1e-12)
        assert dram_w(16, 4) == pytest.approx(24 * 0.4e9 * 8 * 13.5e-12 + 0.18, rel=1e-12)
        # 4 cores of 32 x 32 at 1 GHz could take 384 GB/s: the interface's 34.1 GB/s binds.
        assert dram_w(32, 32, cores=4, clock=1.0) == pytest.approx(34.1e9 * 8 * 13.5e-12 + 0.18, rel=1e-12)

    def test_mixed_pe_peaks_at_the_fp16_mac(self):
        def mac_w(pe):
            parts = peak_power_breakdown_w(
                TECH7, rows=one(8), cols=one(8), cores=one(1), pe=one(PE_CODES[pe]), clock_ghz=one(1.0),
                voltage_v=one(0.75), sram_mib=one(1.0), bandwidth_gbps=one(10.0),
                dram_pj_per_bit=one(10.0), die_area_mm2=one(1.0))
            return float(parts["pe_array"][0])
        assert mac_w("int8+fp16") == pytest.approx(mac_w("fp16"), rel=1e-12)
        assert mac_w("fp16") / mac_w("int8") == pytest.approx((1.1 + 0.9) / (0.2 + 0.1), rel=1e-12)


class TestWafer:
    def test_dies_per_wafer_by_hand(self):
        # 300 mm wafer, 100 mm^2 die: pi * 150^2 / 100 - pi * 300 / sqrt(200) = 706.86 - 66.64
        expected = math.pi * 150 ** 2 / 100 - math.pi * 300 / math.sqrt(2 * 100)
        assert float(dies_per_wafer(TECH7, 100.0)) == pytest.approx(expected, rel=1e-12)
        assert expected == pytest.approx(640.2, abs=0.1)

    def test_a_die_larger_than_the_wafer_formula_still_counts_one(self):
        assert float(dies_per_wafer(TECH7, 60000.0)) == 1.0

    def test_murphy_yield_by_hand(self):
        # 7 nm D0 = 0.09 /cm^2, 200 mm^2 = 2 cm^2: A*D0 = 0.18
        ad = 2.0 * 0.09
        assert float(murphy_yield(TECH7, 200.0)) == pytest.approx(((1 - math.exp(-ad)) / ad) ** 2, rel=1e-12)

    def test_murphy_reproduces_the_published_n5_test_chip_yield(self):
        # references.md section 1.6: D0 = 1.271 /cm^2, 100 mm^2 die -> 32.0 % (AnandTech).
        tech = technology(7, {"defect_density_per_cm2": 1.271})
        assert float(murphy_yield(tech, 100.0)) == pytest.approx(0.320, abs=0.0005)
        same = dataclasses.replace(TECH7, defect_density_per_cm2=1.271)
        assert float(murphy_yield(same, 100.0)) == pytest.approx(0.320, abs=0.0005)

    def test_die_cost_by_hand(self):
        # 7 nm, 100 mm^2: $9,346 / (640.2 dies x Murphy yield at A*D0 = 0.09); package $10; no HBM.
        area = 100.0
        dies = math.pi * 150 ** 2 / area - math.pi * 300 / math.sqrt(2 * area)
        yield_ = ((1 - math.exp(-0.09)) / 0.09) ** 2
        parts = chip_cost_breakdown_usd(TECH7, die_area_mm2=one(area), memory_cost_usd=16.0,
                                        needs_interposer=False)
        assert float(parts["die"][0]) == pytest.approx(9346 / (dies * yield_), rel=1e-12)
        assert float(parts["memory"][0]) == 16.0
        assert float(parts["package"][0]) == 10.0

    def test_hbm_adds_an_interposer(self):
        parts = chip_cost_breakdown_usd(TECH7, die_area_mm2=one(100.0), memory_cost_usd=144.0,
                                        needs_interposer=True)
        assert float(parts["package"][0]) == pytest.approx(10.0 + 1937 / 30, rel=1e-12)


class TestDvfs:
    @pytest.mark.parametrize("node", NODES_NM)
    def test_voltage_for_clock_is_monotone(self, node):
        tech = technology(node)
        clocks = np.linspace(0.05, tech.max_clock_ghz, 200)
        volts = voltage_for_clock(tech, clocks)
        assert np.all(np.diff(volts) >= 0)
        assert volts[0] == tech.min_voltage_v  # slower than clock(V_min): the floor
        assert np.all((volts >= tech.min_voltage_v) & (volts <= tech.max_voltage_v))

    @pytest.mark.parametrize("node", NODES_NM)
    def test_max_voltage_reaches_the_max_clock(self, node):
        # max_clock_ghz is the curve's reach at max_voltage_v, rounded down to 1 MHz.
        tech = technology(node)
        reach = clock_at_voltage(tech, tech.max_voltage_v)
        assert reach - 1e-3 <= tech.max_clock_ghz <= reach
        volts = voltage_for_clock(tech, tech.max_clock_ghz)  # the curve is flat near the top at 28/16 nm
        assert volts <= tech.max_voltage_v
        assert clock_at_voltage(tech, volts) == pytest.approx(tech.max_clock_ghz, rel=1e-3)

    @pytest.mark.parametrize("node, clock, volts", [(28, 0.70, 0.90), (7, 1.08, 0.7125)])
    def test_published_operating_points_are_on_the_curve(self, node, clock, volts):
        # TPU v1 700 MHz at the 28 nm nominal 0.9 V; A100 1080 MHz at 0.7125 V (refs §2.1, §9.5).
        tech = technology(node)
        assert voltage_for_clock(tech, clock) == pytest.approx(volts, abs=2e-3)
        assert clock_at_voltage(tech, volts) == pytest.approx(clock, rel=1e-12)

    def test_guardband_evaluates_the_fit_at_the_slow_corner(self):
        # With g = 0.10 the typical-corner fit runs at 0.9 x V: the ratio of two clocks is the
        # fit's ratio at 0.9 x those voltages (HP20 fit at 28 nm, coefficients of refs §1.3).
        tech = technology(28)
        delay = lambda v: 34.63 * v * v - 66.37 * v + 41.15  # noqa: E731
        ratio = clock_at_voltage(tech, 1.0) / clock_at_voltage(tech, 0.8)
        assert ratio == pytest.approx(delay(0.72) / delay(0.9), rel=1e-12)

    @pytest.mark.parametrize("node", NODES_NM)
    def test_clock_at_voltage_increases_over_the_range(self, node):
        tech = technology(node)
        clocks = clock_at_voltage(tech, np.linspace(tech.min_voltage_v, tech.max_voltage_v, 100))
        assert np.all(np.diff(clocks) > 0)

    @pytest.mark.parametrize("node", NODES_NM)
    def test_voltage_for_clock_inverts_clock_at_voltage(self, node):
        tech = technology(node)
        for volts in np.linspace(tech.min_voltage_v, tech.max_voltage_v, 7):
            assert voltage_for_clock(tech, clock_at_voltage(tech, volts)) == pytest.approx(volts, abs=2e-3)

    @pytest.mark.parametrize("volts, published", [(0.50, 0.63), (0.55, 0.73), (0.60, 0.82),
                                                  (0.65, 0.92), (0.75, 1.07), (0.80, 1.13)])
    def test_hp7_frequency_ratios_match_references_section_6(self, volts, published):
        # f / f_nom relative to 0.70 V, HP7 fit (7 nm); without guardband the curve is the fit.
        tech = technology(7, {"voltage_guardband": 0.0})
        ratio = clock_at_voltage(tech, volts) / clock_at_voltage(tech, 0.70)
        assert ratio == pytest.approx(published, rel=0.02)

    @pytest.mark.parametrize("volts, published", [(0.60, 0.69), (0.70, 0.82), (0.80, 0.95)])
    def test_hp16_frequency_ratios_match_references_section_6(self, volts, published):
        tech = technology(16, {"voltage_guardband": 0.0})  # HP16 fit, V_nom 0.85 V
        ratio = clock_at_voltage(tech, volts) / clock_at_voltage(tech, 0.85)
        assert ratio == pytest.approx(published, rel=0.02)

    @pytest.mark.parametrize("volts, published", [(0.50, 0.49), (0.60, 0.71), (0.80, 1.37)])
    def test_v_squared_energy_approximates_the_stillmaker_energy_fit(self, volts, published):
        # The model scales dynamic energy by (V / V_nom)^2; references.md section 6 gives the
        # Stillmaker energy fit for HP7 (V_nom 0.70 V). They agree within 10 % over 0.5-0.8 V
        # (a known simplification, docs/cost-model.md).
        tech = technology(7, {"nominal_voltage_v": 0.70})
        assert float(dynamic_energy_scale(tech, volts)) == pytest.approx(published, rel=0.10)
