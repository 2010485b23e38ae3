"""Calibration against published silicon: a TPU v1-like design (Jouppi et al., ISCA 2017).

Published figures (references.md section 2.1, all [P]): 256 x 256 int8 MACs at 700 MHz, 92 TOPS
peak, 28 nm, die "<= half the Haswell die" (<= 331 mm^2), TDP 75 W, idle 28 W, busy 40 W, 28 MiB
on chip, DDR3 34 GB/s. The fixtures describe that chip serving MLP0 offline at batch 200.
Tolerances are 15 % (issue 11); benchmarks/validate.py and tests/validation hold the full table.
"""

from pathlib import Path

import pytest

import synth

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TPU_V1_DIE_MM2 = 331.0  # <= half of Haswell's 662 mm^2
TPU_V1_TDP_W = 75.0
TPU_V1_IDLE_W = 28.0
TPU_V1_BUSY_W = 40.0


@pytest.fixture(scope="module")
def tpu_v1():
    req = synth.load_requirements(FIXTURES / "tpu_v1_req.yaml")
    design = synth.load_design(FIXTURES / "tpu_v1_design.yaml")
    return synth.evaluate(req, design)


def test_peak_tops_is_92(tpu_v1):
    # 2 ops per MAC x 65,536 MACs x 0.7e9 Hz = 91.75e12 ops/s; the paper rounds to 92.
    assert tpu_v1.chip.peak_tops == pytest.approx(2 * 65536 * 0.7e9 / 1e12, rel=1e-12)
    assert round(tpu_v1.chip.peak_tops) == 92


def test_area_within_15_percent_of_the_published_die(tpu_v1):
    # The floor-plan shares calibrate the area constants (docs/cost-model.md §5): this checks the
    # arithmetic. The design has no PCIe PHY here (the fixture's host interface is on_soc).
    assert tpu_v1.chip.area_mm2 == pytest.approx(TPU_V1_DIE_MM2, rel=0.15)


def test_peak_power_within_15_percent_of_the_tdp(tpu_v1):
    assert tpu_v1.chip.power_w["peak"] == pytest.approx(TPU_V1_TDP_W, rel=0.15)


def test_idle_floor_within_15_percent_of_the_published_idle(tpu_v1):
    # clock_tree_fraction is calibrated on this figure with the PCIe PHY's 0.8 W included
    # (benchmarks/validate.py); without it the floor is 0.8 W lower.
    assert tpu_v1.chip.power_w["idle"] == pytest.approx(TPU_V1_IDLE_W, rel=0.15)
    assert tpu_v1.chip.power_w["idle"] < tpu_v1.chip.power_w["average"] < tpu_v1.chip.power_w["peak"]


def test_runs_at_the_28nm_nominal_voltage(tpu_v1):
    assert tpu_v1.chip.voltage_v == pytest.approx(0.90)


def test_dvfs_gives_the_published_operating_point_without_a_voltage():
    # Without voltage_v, 700 MHz at 28 nm comes out at the nominal 0.90 V (the DVFS anchor).
    req = synth.load_requirements(FIXTURES / "tpu_v1_req.yaml")
    design = synth.load_design({**yaml_design(), "voltage_v": None})
    assert synth.evaluate(req, design).chip.voltage_v == pytest.approx(0.90, abs=2e-3)


def yaml_design() -> dict:
    import yaml

    return yaml.safe_load((FIXTURES / "tpu_v1_design.yaml").read_text())


def test_every_overridable_constant_is_documented():
    # docs/cost-model.md lists every constant by its code name (STYLE.md: docs from the source).
    from synth.cost import constants, memory

    text = (Path(__file__).resolve().parents[2] / "docs" / "cost-model.md").read_text()
    names = list(constants.OVERRIDABLE) + [
        "MAC_ENERGY_PJ_45NM", "MAC_AREA_UM2_45NM", "OPERAND_BYTES", "ACCUMULATOR_BYTES", "PE_SUPPORTS",
        "MAC_ENERGY_SCALE", "SRAM_ENERGY_SCALE", "AREA_SCALE", "SRAM_MM2_PER_MIB", "NOMINAL_VOLTAGE_V",
        "MIN_VOLTAGE_V", "MAX_VOLTAGE_V", "MAX_CLOCK_GHZ", "DVFS_ANCHOR", "HOST_INTERFACES", "DELAY_FIT",
        "WAFER_COST_USD", "_BACKGROUND_W", "_LPDDR_W_PER_GBPS", "_DDR_W_PER_GBPS",
        "DEFECT_DENSITY_PER_CM2", "_BF16_MULT_SCALE", "_DDR_USD_PER_GIB", "_HBM_USD_PER_GIB",
    ] + list(memory.CATALOG)
    missing = [name for name in names if f"`{name}`" not in text]
    assert not missing, f"docs/cost-model.md does not document {missing}"
