"""Refinement writes designs a designer can build (synth.solve.refine.Granularity): the clock on
the PLL step, the supply on the regulator step, SRAM in whole banks, the batching timeout on the
timer tick; each step overridable through the technology constants."""

from __future__ import annotations

import math
from pathlib import Path

import optuna
import pytest
import yaml

import synth
from synth.cli import main
from synth.solve.options import space_options
from synth.solve.refine import _suggest

ROOT = Path(__file__).resolve().parents[2]
DATACENTER = ROOT / "problems" / "datacenter_throughput.yaml"


def on_step(value: float, step: float) -> bool:
    return math.isclose(value / step, round(value / step), abs_tol=1e-6)


def test_design_yaml_values_lie_on_the_granularity(tmp_path):
    assert main([ "solve", str(DATACENTER), "-o", str(tmp_path), "--no-tradeoffs"]) == 0
    design = yaml.safe_load((tmp_path / "design.yaml").read_text())
    result = synth.Result.from_dict(__import__("json").loads((tmp_path / "result.json").read_text()))
    assert result.refinement.gain_pct > 0 and "clock_ghz" in result.refinement.changes  # refinement moved it
    assert on_step(design["clock_ghz"], 0.001)  # 1 MHz PLL step
    assert on_step(design["voltage_v"], 0.005)  # 5 mV regulator step
    assert on_step(design["sram_mib"], 0.25)  # whole 256 KiB banks
    for plan in design["workloads"].values():
        assert on_step(plan["batch_timeout_ms"], 0.01)  # 10 us timer


def test_overridden_steps_are_honoured(tmp_path):
    document = yaml.safe_load(DATACENTER.read_text())
    document["technology"]["overrides"] = {"pll_step_mhz": 25, "regulator_step_mv": 20, "sram_bank_kib": 2048}
    path = tmp_path / "coarse.yaml"
    path.write_text(yaml.safe_dump(document))
    req = synth.load_requirements(path)
    opts = space_options(req)
    base = synth.synthesize(req, refine=False, alternatives=0, seed=0).design
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for _ in range(30):
        trial = study.ask()
        design = _suggest(trial, base, opts)
        study.tell(trial, 0.0)
        assert on_step(design["clock_ghz"], 0.025)
        assert on_step(design["voltage_v"], 0.020)
        assert on_step(design["sram_mib"], 2.0)
        # The rounded-up supply still reaches the clock (the design resolves without error).
        synth.evaluate(req, synth.load_design(design))


@pytest.mark.parametrize("key", ["pll_step_mhz", "regulator_step_mv"])
def test_the_steps_are_documented(key):
    assert key in (ROOT / "docs" / "requirements.md").read_text() or key in (ROOT / "docs" / "cost-model.md").read_text()
