"""technology.overrides: every constant is range-checked under its own key; pairs stay ordered."""

from __future__ import annotations

import pytest

from synth.cost.constants import OVERRIDABLE, OVERRIDE_RANGES
from tests.hostile._support import BASE


def _with(overrides: str) -> str:
    return BASE + f"technology: {{node_nm: 7, overrides: {{{overrides}}}}}\n"


def test_every_overridable_constant_has_a_range():
    assert set(OVERRIDABLE) == set(OVERRIDE_RANGES)


# Every constant: far above its range, negative, and (where 0 would divide or vanish) zero.
BAD = [(name, value) for name, (low, high) in OVERRIDE_RANGES.items()
       for value in ("1e308", "-1", *(("0", "1e-300") if low > 0 else ()))]


@pytest.mark.parametrize(("name", "value"), BAD, ids=[f"{n}={v}" for n, v in BAD])
def test_override_out_of_range(name, value, cli, write):
    cli("check", write(_with(f"{name}: {value}"))).rejected(f"technology.overrides.{name}", "must be within")


def test_min_voltage_above_max_names_the_key(cli, write):
    out = cli("check", write(_with("min_voltage_v: 0.84, max_voltage_v: 0.6")))
    out.rejected("technology.overrides.min_voltage_v", "min_voltage_v <= max_voltage_v")
    assert "<candidate>" not in out.text


def test_voltage_outside_the_delay_fit(cli, write):
    cli("check", write(_with("max_voltage_v: 1.9"))).rejected("technology.overrides.max_voltage_v", "delay fit")


def test_die_larger_than_the_wafer(cli, write):
    cli("check", write(_with("wafer_diameter_mm: 50, max_die_area_mm2: 5000"))).rejected(
        "technology.overrides.max_die_area_mm2", "wafer")


def test_unknown_constant_suggests_the_name(cli, write):
    cli("check", write(_with("service_life: 3"))).rejected("technology.overrides.service_life", "service_life_years")


def test_string_value(cli, write):
    cli("check", write(_with("wafer_cost_usd: cheap"))).rejected("technology.overrides.wafer_cost_usd")


def test_valid_overrides_pass(cli, write):
    assert cli("check", write(_with("service_life_years: 5, defect_density_per_cm2: 0"))).code == 0
