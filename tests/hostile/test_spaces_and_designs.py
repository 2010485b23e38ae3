"""Huge spaces and models are rejected at load with the size and the limit; bad design files."""

from __future__ import annotations

import time

import pytest

from tests.hostile._support import BASE

AXES = ("array_dims", "cores", "sram_mib", "batch", "chips")
EVERY_AXIS_1024 = BASE + "space:\n" + "".join(f"  {a}: {{min: 1, max: 1024, step: 1}}\n" for a in AXES)
LIST_256 = "[" + ", ".join(str(i) for i in range(1, 257)) + "]"
SIX_LISTS = BASE + "space:\n" + "".join(f"  {a}: {LIST_256}\n" for a in ("array_dims", "cores", "sram_mib",
                                                                         "chips")) \
    + "  clock_ghz: [" + ", ".join(f"{0.2 + i * 0.007:.3f}" for i in range(256)) + "]\n" \
    + "  memories: [lpddr5, hbm2e]\n"
RECTANGLES = BASE + "space: {array_rows: {}, array_cols: {}}\n"
LAYERS = "".join(f"        - {{name: l{i}, type: gemm, m: 64, k: 512, n: 512}}\n" for i in range(2000))
BIG_MODEL = ("name: big\nworkloads:\n  - name: w\n    scenario: offline\n    model:\n      name: m\n      layers:\n"
             + LAYERS + "space:\n  cores: {min: 1, max: 16}\n  batch: [1, 2, 4, 8, 16, 32, 64]\n")

CASES = {
    "every axis 1..1024": (EVERY_AXIS_1024, ("space", "8,000,000")),
    "six 256-value lists": (SIX_LISTS, ("space", "hardware points", "8,000,000")),
    "rectangular defaults": (RECTANGLES, ("space", "hardware points")),
    "2,000 layers over a wide space": (BIG_MODEL, ("workloads[0].model", "table cells", "6,000,000")),
    "range of 1e6 values": (BASE + "space: {clock_ghz: {min: 0.2, max: 2.0, step: 0.000001}}\n",
                            ("space.clock_ghz", "1024")),
    "list of 257 values": (BASE + "space: {cores: [" + ", ".join(str(i) for i in range(1, 258)) + "]}\n",
                           ("space.cores", "256")),
    "batch range above the simulator": (BASE + "space: {batch: {min: 1, max: 65536}}\n", ("space.batch", "2000")),
    "16 workloads over a wide space": (
        "name: many\nworkloads:\n" + "".join(f"  - {{name: w{i}, model: resnet50, scenario: offline}}\n"
                                              for i in range(16))
        + "space: {cores: {min: 1, max: 8}, chips: {min: 1, max: 4}, batch: {min: 1, max: 1024}}\n",
        ("space", "128,000,000")),
}


@pytest.mark.parametrize("name", CASES)
def test_huge_space_rejected_at_load(name, cli, write):
    text, named = CASES[name]
    start = time.perf_counter()
    cli("check", write(text)).rejected(*named)
    assert time.perf_counter() - start < 5  # at load, not after minutes of expansion


DESIGN = "array_rows: 128\narray_cols: 128\ncores: 4\nclock_ghz: 1.0\nsram_mib: 16\n"
DESIGNS = {
    "unknown key": (DESIGN + "turbo: true\n", ("turbo", "unknown key")),
    "batch above the simulator": (DESIGN + "workloads: {ranker: {batch: 4000}}\n",
                                  ("workloads.ranker.batch", "2000")),
    "workload not in the requirements": (DESIGN + "workloads: {other: {batch: 2}}\n", ("workloads.other",)),
    "voltage outside the node": (DESIGN + "voltage_v: 3.0\n", ("voltage_v",)),
    "clock 1e308": (DESIGN.replace("clock_ghz: 1.0", "clock_ghz: 1e308"), ("clock_ghz",)),
    "a list": ("- 1\n", ("mapping",)),
    "cores per replica above cores": (DESIGN + "workloads: {ranker: {cores_per_replica: 64}}\n",
                                      ("workloads.ranker.cores_per_replica",)),
}


@pytest.mark.parametrize("name", DESIGNS)
def test_bad_design_file(name, cli, write):
    text, named = DESIGNS[name]
    req, design = write(BASE), write(text, "design.yaml")
    cli("eval", req, "--design", design, "--no-max-qps").rejected(*named)


def test_design_is_a_folder(cli, write, tmp_path):
    cli("eval", write(BASE), "--design", tmp_path).rejected("directory")
