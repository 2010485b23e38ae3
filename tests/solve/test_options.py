"""The option tables of synth.solve.options against the cost core and hand calculations.

- The claim of `_traffic_table`'s docstring: the table is a lower bound of a replica's DRAM
  traffic at (batch, precision, SRAM share e = SRAM x c / N) for every array shape and dataflow
  (tile padding and stream buffers only add bytes; issue 11), and equals the cost core's traffic
  on a 1 x 1 array. The oracle is the cost core itself (`batch_figures`), called at several
  (SRAM, c, N) triples with the same e and every other hardware figure changed too.
- The share index (`share_keys`, `sram_shares`) on small grids, listed by hand.
- The traffic table of a one-layer model, computed by hand from the traffic rules in the
  docstring of synth/cost/workload.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import synth
from synth.cost.constants import technology
from synth.cost.workload import MIB, PRECISION_CODES, LayerTable, batch_figures
from synth.solve.options import space_options
from synth.spec.resolve import resolve_model

REL = 1e-12
# Three (SRAM MiB, cores per replica c, chip cores N) with the same replica share
# e = SRAM x c / N = 32 MiB: 32 x 1/1, 64 x 2/4, 256 x 1/8.
SAME_SHARE = ((32.0, 1, 1), (64.0, 2, 4), (256.0, 1, 8))
SHARE_MIB = 32.0
# Hardware figures that must not matter for traffic, one set per triple above.
OTHER_HARDWARE = ({"rows": 16, "cols": 16, "dataflow": 0, "clock_ghz": 0.5, "bandwidth_gbps": 10.0},
                  {"rows": 64, "cols": 32, "dataflow": 1, "clock_ghz": 1.0, "bandwidth_gbps": 400.0},
                  {"rows": 128, "cols": 128, "dataflow": 2, "clock_ghz": 1.5, "bandwidth_gbps": 50.0})
BATCHES = (1, 8)
PRECISIONS = ("int8", "bf16")


def _builtin_requirements(model: str) -> dict:
    # Offline: the option tables keep every grid batch (single stream would keep only 1).
    return {"name": f"traffic-{model}", "objective": "min_power", "technology": {"node_nm": 7},
            "workloads": [{"name": "w", "model": model, "scenario": "offline"}],
            "space": {"array_dims": [16], "cores": [1, 2, 4, 8], "dataflows": ["ws"],
                      "precisions": list(PRECISIONS), "clock_ghz": [1.0], "sram_mib": [32, 64, 256],
                      "memories": ["lpddr5"], "batch": list(BATCHES)}}


def _layer_traffic(table: LayerTable, *, sram_mib: float, replica_cores: int, cores: int, batch: int,
                   precision: str, hardware: dict) -> np.ndarray:
    """Per-layer DRAM bytes of one batch on one replica, from the cost core at one point."""
    one = lambda value: np.array([value])  # noqa: E731
    tech = technology(7)
    figures = batch_figures(
        table, tech, rows=one(hardware["rows"]), cols=one(hardware["cols"]), cores=one(float(cores)),
        dataflow=one(hardware["dataflow"]), clock_ghz=one(hardware["clock_ghz"]),
        voltage_v=one(tech.nominal_voltage_v), sram_mib=one(sram_mib),
        bandwidth_gbps=one(hardware["bandwidth_gbps"]), dram_pj_per_bit=one(5.0), batch=one(batch),
        cores_per_replica=one(float(replica_cores)), precision=one(PRECISION_CODES[precision]))
    return np.asarray(figures.layer_dram_bytes)[0]


ONE_BY_ONE = {"rows": 1, "cols": 1, "dataflow": 0, "clock_ghz": 1.0, "bandwidth_gbps": 10.0}


@pytest.mark.parametrize("model", ["resnet50", "bert-base-128"])
def test_dram_traffic_table_bounds_every_shape_at_the_replica_share(model):
    req = synth.load_requirements(_builtin_requirements(model))
    table = LayerTable.from_model(resolve_model(model, "<test>", "model"))
    opts = space_options(req)
    wo = opts.workloads[0]
    assert wo.batches == BATCHES and wo.precisions == PRECISIONS
    e = wo.sram_shares.index(SHARE_MIB)
    # Every (SRAM, c, N) of the grid with e = 32 MiB is listed under that share index.
    sram, cores = opts.grid.sram_mib, opts.grid.cores
    listed = {(sram[r], wo.core_values[ci], cores[n]) for r, ci, n, share in wo.share_keys if share == e}
    assert set(SAME_SHARE) <= listed
    for b, batch in enumerate(BATCHES):
        for q, precision in enumerate(PRECISIONS):
            per_triple = [_layer_traffic(table, sram_mib=s, replica_cores=c, cores=n, batch=batch,
                                         precision=precision, hardware=hw)
                          for (s, c, n), hw in zip(SAME_SHARE, OTHER_HARDWARE)]
            on_one = [_layer_traffic(table, sram_mib=s, replica_cores=c, cores=n, batch=batch,
                                     precision=precision, hardware=ONE_BY_ONE) for (s, c, n) in SAME_SHARE]
            for other in on_one[1:]:  # on a 1 x 1 array the share alone decides the traffic
                np.testing.assert_array_equal(other, on_one[0])
            total = float(np.sum(on_one[0] * table.count))
            assert total > 0
            for shaped in per_triple:  # every real shape moves at least as many bytes
                assert np.all(shaped >= on_one[0])
            if batch == 8 and precision == "int8":
                # Control: another share (256 MiB x 1/8 = 32 MiB is e, 32 MiB x 1/8 = 4 MiB is
                # not) does change the traffic, so the equalities above are not vacuous.
                smaller = _layer_traffic(table, sram_mib=32.0, replica_cores=1, cores=8, batch=batch,
                                         precision=precision, hardware=OTHER_HARDWARE[0])
                assert float(np.sum(smaller * table.count)) > total
            assert math.isclose(float(wo.traffic[b, q, e]), total, rel_tol=REL), (batch, precision)
            if batch == 1:
                assert math.isclose(float(wo.traffic_one[q, e]), total, rel_tol=REL)


def test_a_smaller_share_never_moves_fewer_bytes():
    """Sanity of the share axis: sram_shares ascend and, at fixed batch and precision, traffic
    does not rise with the share (more SRAM only keeps more resident). resnet50's weights
    (25.6 M parameters: ~24 MiB at int8, ~49 MiB at bf16) stream at the smallest share of
    this grid (32 MiB x 1/8 = 4 MiB) and stay resident in the largest (256 MiB, half 128 MiB),
    so those two columns must differ."""
    req = synth.load_requirements(_builtin_requirements("resnet50"))
    wo = space_options(req).workloads[0]
    shares = np.array(wo.sram_shares)
    assert np.all(np.diff(shares) > 0)
    assert shares[0] == 32.0 / 8 and shares[-1] == 256.0
    assert np.all(np.diff(wo.traffic, axis=-1) <= 0)
    assert np.all(wo.traffic[..., 0] > wo.traffic[..., -1])


def _share_requirements(sram_mib: list, cores: list) -> dict:
    return {"name": "shares", "objective": "min_power", "technology": {"node_nm": 7},
            "workloads": [{"name": "w", "model": {"name": "tiny", "layers": [
                {"name": "fc", "type": "gemm", "m": 1, "k": 64, "n": 64}]}, "scenario": "offline"}],
            "space": {"array_dims": [8], "cores": cores, "dataflows": ["ws"], "precisions": ["int8"],
                      "clock_ghz": [1.0], "sram_mib": sram_mib, "memories": ["lpddr5"], "batch": [1]}}


# Hand lists: cores [1, 2, 4] give replica sizes c in {1, 2, 4} (the chip sizes and the powers
# of two up to 4); the (c, N) with c <= N are (1,1) (1,2) (1,4) (2,2) (2,4) (4,4), so
# e = SRAM x c / N takes SRAM x (1, 1/2, 1/4, 1, 1/2, 1).
SHARES_8_16 = {
    # (SRAM, c, N): e
    (8, 1, 1): 8, (8, 1, 2): 4, (8, 1, 4): 2, (8, 2, 2): 8, (8, 2, 4): 4, (8, 4, 4): 8,
    (16, 1, 1): 16, (16, 1, 2): 8, (16, 1, 4): 4, (16, 2, 2): 16, (16, 2, 4): 8, (16, 4, 4): 16,
}
# cores [3, 6]: replica sizes {3, 6} plus the powers of two up to 6, {1, 2, 4}; with c <= N.
SHARES_16_CORES_3_6 = {
    (16, 1, 3): 16 / 3, (16, 1, 6): 16 / 6, (16, 2, 3): 32 / 3, (16, 2, 6): 32 / 6, (16, 3, 3): 16,
    (16, 3, 6): 8, (16, 4, 6): 64 / 6, (16, 6, 6): 16,
}


@pytest.mark.parametrize(("sram_mib", "cores", "core_values", "expected"), [
    ([8, 16], [1, 2, 4], (1, 2, 4), SHARES_8_16),
    ([16], [3, 6], (1, 2, 3, 4, 6), SHARES_16_CORES_3_6),
], ids=["sram-8-16-cores-1-2-4", "sram-16-cores-3-6"])
def test_share_keys_list_every_replica_share(sram_mib, cores, core_values, expected):
    opts = space_options(synth.load_requirements(_share_requirements(sram_mib, cores)))
    wo = opts.workloads[0]
    assert wo.core_values == core_values
    g = opts.grid
    found = {}
    for r, ci, n, e in wo.share_keys:
        key = (g.sram_mib[r], wo.core_values[ci], g.cores[n])
        assert key not in found, f"{key} listed twice"
        found[key] = wo.sram_shares[e]
    assert set(found) == set(expected)
    for key, share in expected.items():
        assert math.isclose(found[key], share, rel_tol=REL), (key, found[key], share)
    assert sorted(wo.sram_shares) == sorted({round(v, 12) for v in expected.values()})


# One gemm, 1 x 1024 @ 1024 x 1024: 1,048,576 weights, 1024 input and 1024 output elements per
# sample; it is the model's only array layer, so it reads the model input and writes the model
# output. The rules (synth/cost/workload.py docstring), with half = share / 2:
#   weights resident (sum of weight bytes <= half)  -> no weight traffic;
#   else the weights stream once per batch (one pass: the batch's input fits the half);
#   activations never spill here (in + out <= half), but model input and output cross DRAM.
WIDE_GEMM = {"name": "wide", "layers": [{"name": "fc", "type": "gemm", "m": 1, "k": 1024, "n": 1024}]}
WEIGHTS = 1024 * 1024


def _hand_traffic(share_mib: float, operand_bytes: int, batch: int) -> float:
    half = share_mib * MIB / 2
    weight_bytes = WEIGHTS * operand_bytes
    weights = 0.0 if weight_bytes <= half else weight_bytes
    return weights + 2 * 1024 * batch * operand_bytes


def test_traffic_table_of_one_gemm_by_hand():
    req = synth.load_requirements({
        "name": "wide", "objective": "min_power", "technology": {"node_nm": 7},
        "workloads": [{"name": "w", "model": WIDE_GEMM, "scenario": "offline"}],
        "space": {"array_dims": [8], "cores": [1], "dataflows": ["ws"], "precisions": ["int8", "fp16"],
                  "clock_ghz": [1.0], "sram_mib": [1, 4], "memories": ["lpddr5"], "batch": [1, 4]}})
    wo = space_options(req).workloads[0]
    assert wo.precisions == ("int8", "fp16") and wo.batches == (1, 4) and wo.sram_shares == (1.0, 4.0)
    # 1 MiB share: half 512 KiB, weights stream at both widths; 4 MiB share: half 2 MiB holds
    # 1 MiB (int8) and exactly 2 MiB (fp16).
    expected = {
        (1, "int8", 1.0): 1_048_576 + 2048, (4, "int8", 1.0): 1_048_576 + 4 * 2048,
        (1, "fp16", 1.0): 2_097_152 + 4096, (4, "fp16", 1.0): 2_097_152 + 4 * 4096,
        (1, "int8", 4.0): 2048, (4, "int8", 4.0): 4 * 2048,
        (1, "fp16", 4.0): 4096, (4, "fp16", 4.0): 4 * 4096,
    }
    for (batch, precision, share), value in expected.items():
        assert value == _hand_traffic(share, 1 if precision == "int8" else 2, batch)
        b, q, e = wo.batches.index(batch), wo.precisions.index(precision), wo.sram_shares.index(share)
        assert math.isclose(float(wo.traffic[b, q, e]), value, rel_tol=REL), (batch, precision, share)
        if batch == 1:
            assert math.isclose(float(wo.traffic_one[q, e]), value, rel_tol=REL)
