"""Service time, DRAM traffic and energy of one batch (synth.cost.workload) against hand arithmetic.

The formulas are those of the workload.py docstring (and docs/cost-model.md):

    t_layer   = max(t_compute, t_memory) + layer_dispatch_cycles / f
    t_compute = (array cycles + vector cycles) / f
    t_memory  = DRAM bytes / (bandwidth * cores_per_replica / cores)
    T(B)      = sum over layers of count * t_layer

Weights are resident when the model's weights fit half the SRAM; otherwise each layer's weights
stream from DRAM once per batch (once per activation tile when they exceed the half). The model's
input and output always cross DRAM. Energies use the constants by name.
"""

import math

import numpy as np
import pytest

from synth.cost.constants import ACCUMULATOR_BYTES, MAC_ENERGY_PJ_45NM, technology
from synth.cost.dvfs import dynamic_energy_scale
from synth.cost.systolic import WS
from synth.cost.workload import MIB, PRECISION_CODES, LayerTable, batch_figures, sram_pj_per_bit
from synth.models import Layer, Model

TECH = technology(7)
GHZ = 1.0
DISPATCH_S = TECH.layer_dispatch_cycles / (GHZ * 1e9)  # 100 cycles at 1 GHz = 0.1 us


def run(model, **overrides):
    """batch_figures of `model` for one design point (arrays of shape (1,))."""
    hw = dict(rows=128, cols=128, cores=1, dataflow=WS, clock_ghz=GHZ, voltage_v=TECH.nominal_voltage_v,
              sram_mib=1.0, bandwidth_gbps=10.0, dram_pj_per_bit=10.0, batch=1, cores_per_replica=1,
              precision=PRECISION_CODES["int8"])
    hw.update(overrides)
    table = LayerTable.from_model(model)
    return batch_figures(table, TECH, **{k: np.array([v]) for k, v in hw.items()})


def gemm_model(*layers):
    return Model("test", tuple(layers))


# --- time --------------------------------------------------------------------------------------
def test_memory_bound_layer_streams_its_weights():
    # m=1, k=n=1024 int8: 1 MiB of weights > half of a 1 MiB SRAM -> not resident, streamed once
    # (act_in = 1,024 B fits the half, so one pass). The model's input and output cross DRAM.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model)
    traffic = 1024 * 1024 + 1024 + 1024  # weights + input + output bytes
    memory_s = traffic / 10e9
    # ws on 128 x 128: S_R=K -> 8, S_C=N -> 8 folds of 2*128 + 128 + 1 - 2 = 383 cycles
    compute_s = 8 * 8 * (2 * 128 + 128 + 1 - 2) / 1e9  # 24.5 us < 105 us
    assert fig.dram_bytes[0] == traffic
    assert fig.layer_memory_s[0, 0] == pytest.approx(memory_s, rel=1e-12)
    assert fig.layer_compute_s[0, 0] == pytest.approx(compute_s, rel=1e-12)
    assert fig.service_s[0] == pytest.approx(max(compute_s, memory_s) + DISPATCH_S, rel=1e-12)
    assert fig.service_s[0] == pytest.approx(105.0624e-6 + 0.1e-6, rel=1e-12)


def test_compute_bound_layer():
    # m=256, k=n=512 int8: 256 KiB of weights fit half of 1 MiB -> resident, no weight traffic.
    # DRAM: input 256*512 B + output 256*512 B = 262,144 B at 100 GB/s = 2.62 us.
    # ws on 128 x 128: 4 x 4 folds of 2*128 + 128 + 256 - 2 = 638 cycles = 10,208 cycles.
    model = gemm_model(Layer("fc", "gemm", m=256, k=512, n=512))
    fig = run(model, bandwidth_gbps=100.0)
    compute_s = 16 * (2 * 128 + 128 + 256 - 2) / 1e9
    memory_s = (256 * 512 * 2) / 100e9
    assert compute_s > memory_s
    assert fig.layer_compute_s[0, 0] == pytest.approx(compute_s, rel=1e-12)
    assert fig.layer_memory_s[0, 0] == pytest.approx(memory_s, rel=1e-12)
    assert fig.service_s[0] == pytest.approx(compute_s + DISPATCH_S, rel=1e-12)


def test_resident_weights_cause_no_weight_traffic():
    # The 1 MiB layer of the memory-bound test with 4 MiB of SRAM: 1 MiB <= 2 MiB half.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model, sram_mib=4.0)
    assert fig.dram_bytes[0] == 1024 + 1024  # only the model's input and output


def test_weights_larger_than_the_half_are_reread_per_activation_tile():
    # SRAM 1 KiB -> half = 512 B. m=4, k=n=256 int8: weights 65,536 B > 512 B, act_in = 1,024 B
    # -> ceil(1024 / 512) = 2 passes over the weights. act_in + act_out = 2,048 B > 512 B: spill.
    model = gemm_model(Layer("fc", "gemm", m=4, k=256, n=256))
    fig = run(model, sram_mib=1 / 1024)
    assert fig.dram_bytes[0] == 2 * 256 * 256 + 4 * 256 + 4 * 256


def test_count_repeats_a_layer():
    model = gemm_model(Layer("fc", "gemm", m=256, k=512, n=512, count=3))
    fig = run(model, bandwidth_gbps=100.0)
    assert fig.service_s[0] == pytest.approx(3 * fig.layer_s[0, 0], rel=1e-12)


def test_bandwidth_is_split_by_the_replica_core_share():
    # 4 cores, this replica on 1: it sees a quarter of the bandwidth and of the SRAM.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model, cores=4, cores_per_replica=1, sram_mib=8.0)  # 2 MiB per replica: half 1 MiB
    traffic = 1024 + 1024  # 1 MiB of weights fit the 1 MiB half: resident
    assert fig.layer_memory_s[0, 0] == pytest.approx(traffic / (10e9 / 4), rel=1e-12)


def test_batch_folds_into_m_for_shared_weights():
    # gemm m=1 at batch 4 -> M = 4: ws T = 4 on 8 x 8: ceil(16/8) x ceil(16/8) folds of 2*8+8+4-2.
    model = gemm_model(Layer("fc", "gemm", m=1, k=16, n=16))
    fig = run(model, rows=8, cols=8, batch=4, bandwidth_gbps=1e6)
    assert fig.layer_cycles[0, 0] == 4 * (2 * 8 + 8 + 4 - 2)


def test_vector_layer_runs_one_lane_per_column():
    # 1,000 elements x 3 ops on 8 columns x 1 core: ceil(3000 / 8) = 375 cycles.
    model = gemm_model(Layer("sm", "vector", elements=1000, ops_per_element=3))
    fig = run(model, rows=8, cols=8, bandwidth_gbps=1e6)
    assert fig.layer_cycles[0, 0] == math.ceil(1000 * 3 / 8)


# --- energy ------------------------------------------------------------------------------------
def test_energy_of_a_tiny_model_by_hand():
    # fc: gemm m=2, k=8, n=8 (int8) then act: vector, 16 elements, 1 op each; 8 x 8 ws array,
    # 1 MiB SRAM (bank = min(1 MiB, 256 KiB) = 256 KiB), V = 0.6 V at 7 nm (V_nom 0.75 V).
    model = gemm_model(Layer("fc", "gemm", m=2, k=8, n=8), Layer("act", "vector", elements=16))
    volts, dram_pj_bit = 0.6, 10.0
    fig = run(model, rows=8, cols=8, voltage_v=volts, dram_pj_per_bit=dram_pj_bit)
    vscale = (volts / TECH.nominal_voltage_v) ** 2  # (0.6 / 0.75)^2 = 0.64

    macs = 2 * 8 * 8
    mac_pj = MAC_ENERGY_PJ_45NM["int8"] * TECH.mac_energy_scale * TECH.pe_energy_overhead * vscale
    # Buffer words (ws): A m*k*ceil(n/C) = 16, B k*n = 64, acc m*n*(2*ceil(k/R)-1) = 16.
    # fc bits = (80 operand words x 1 B + 16 acc words x 4 B) x 8; act reads 16 B, writes 16 B.
    buffer_bits = (80 * 1 + 16 * ACCUMULATOR_BYTES) * 8 + (16 + 16) * 8
    pj_per_64b = TECH.sram_pj_per_64b_at_8kb * (256 / 8) ** TECH.sram_energy_size_exponent
    sram_pj = buffer_bits * pj_per_64b / 64 * TECH.sram_energy_scale * vscale
    vector_pj = 16 * 1 * TECH.vector_op_energy_pj_45nm * TECH.mac_energy_scale * vscale
    # DRAM: weights (64 B) resident; the model input (fc's 16 B) and output (act's 16 B).
    dram_pj = (16 + 16) * 8 * dram_pj_bit

    parts = fig.energy_breakdown_j
    assert parts["mac"][0] == pytest.approx(macs * mac_pj * 1e-12, rel=1e-12)
    assert parts["sram"][0] == pytest.approx(sram_pj * 1e-12, rel=1e-12)
    assert parts["vector"][0] == pytest.approx(vector_pj * 1e-12, rel=1e-12)
    assert parts["dram"][0] == pytest.approx(dram_pj * 1e-12, rel=1e-12)
    total = (macs * mac_pj + sram_pj + vector_pj + dram_pj) * 1e-12
    assert fig.energy_j[0] == pytest.approx(total, rel=1e-12)


def test_sram_energy_per_bit_follows_the_horowitz_fit():
    # 10 pJ per 64-bit access at 8 KB, 100 pJ at 1 MB (45 nm): the fit passes through both.
    tech45 = technology(7, {"sram_energy_scale": 1.0, "sram_bank_kib": 1024.0})
    assert sram_pj_per_bit(tech45, 8 / 1024) * 64 == pytest.approx(10.0, rel=1e-12)
    assert sram_pj_per_bit(tech45, 1.0) * 64 == pytest.approx(100.0, rel=1e-12)
    # Above the bank size the energy stops growing (one bank is accessed).
    assert sram_pj_per_bit(TECH, 64.0) == sram_pj_per_bit(TECH, TECH.sram_bank_kib / 1024)


def test_dynamic_energy_scales_with_voltage_squared():
    model = gemm_model(Layer("fc", "gemm", m=2, k=8, n=8))
    low, high = run(model, voltage_v=0.5), run(model, voltage_v=0.75)
    for part in ("mac", "sram", "vector"):
        assert low.energy_breakdown_j[part][0] == pytest.approx(
            high.energy_breakdown_j[part][0] * (0.5 / 0.75) ** 2, rel=1e-12)
    assert low.energy_breakdown_j["dram"][0] == high.energy_breakdown_j["dram"][0]
    assert dynamic_energy_scale(TECH, 0.75) == pytest.approx(1.0)


# --- mixed precision -----------------------------------------------------------------------------
MIXED = PRECISION_CODES["int8+fp16"]


def _three_fc_and_a_vector():
    # First and last ARRAY layers (fc1, fc3) are the sensitive ones; the vector layer is not.
    return gemm_model(*(Layer(f"fc{i}", "gemm", m=1, k=64, n=64) for i in (1, 2, 3)),
                      Layer("act", "vector", elements=64))


def test_mixed_precision_weight_bytes():
    table = LayerTable.from_model(_three_fc_and_a_vector())
    assert list(table.sensitive) == [True, False, True, False]
    # fc1 and fc3 at fp16 (2 B), fc2 at int8 (1 B): 4,096 weights each.
    assert float(table.weight_bytes(MIXED)) == 4096 * 2 + 4096 * 1 + 4096 * 2
    assert float(table.weight_bytes(PRECISION_CODES["int8"])) == 3 * 4096


def test_mixed_precision_streams_fp16_bytes_on_first_and_last_layers():
    # SRAM 2 KiB -> half 1,024 B: no weights fit (4,096 B or more each), every activation does.
    fig = run(_three_fc_and_a_vector(), rows=8, cols=8, sram_mib=2 / 1024, precision=MIXED)
    fc1 = 4096 * 2 + 64 * 2  # fp16 weights + the model's input at fp16
    fc2 = 4096 * 1
    fc3 = 4096 * 2
    act = 64 * 1  # the model's output, written by the (int8) vector layer
    assert fig.dram_bytes[0] == fc1 + fc2 + fc3 + act
    assert fig.layer_memory_s[0, 0] == pytest.approx(fc1 / 10e9, rel=1e-12)


def test_mixed_precision_charges_fp16_mac_energy_on_sensitive_layers():
    fig = run(_three_fc_and_a_vector(), rows=8, cols=8, precision=MIXED)
    per_mac = TECH.mac_energy_scale * TECH.pe_energy_overhead  # V = V_nominal
    expected = 4096 * (MAC_ENERGY_PJ_45NM["fp16"] + MAC_ENERGY_PJ_45NM["int8"]
                       + MAC_ENERGY_PJ_45NM["fp16"]) * per_mac * 1e-12
    assert fig.energy_breakdown_j["mac"][0] == pytest.approx(expected, rel=1e-12)


def test_stored_parameters_outside_gemms_count_as_the_residency_check_counts_them():
    # weight_bytes (memory-capacity check, reported weight_mib) and the residency test of
    # batch_figures must agree on the bytes of `extra_params` (biases, embeddings). Under
    # int8+fp16 the bulk of the model is int8, and batch_figures charges the extras at the
    # smallest operand size of the model's layers: 1 B here (fc2 is int8).
    model = Model("biased", tuple(Layer(f"fc{i}", "gemm", m=1, k=64, n=64) for i in (1, 2, 3)),
                  extra_params=1000)
    table = LayerTable.from_model(model)
    assert float(table.weight_bytes(PRECISION_CODES["int8"])) == 3 * 4096 + 1000
    assert float(table.weight_bytes(PRECISION_CODES["fp16"])) == 2 * (3 * 4096 + 1000)
    mixed_bytes = 4096 * 2 + 4096 * 1 + 4096 * 2 + 1000 * 1  # 21,480 B
    # batch_figures: a weight half of exactly 21,480 B holds the model (resident: only the
    # model's 64 B input at fp16 and 64 B output at fp16 cross DRAM).
    fig = run(model, rows=8, cols=8, sram_mib=2 * mixed_bytes / MIB, precision=MIXED)
    assert fig.dram_bytes[0] == 64 * 2 + 64 * 2
    assert float(table.weight_bytes(MIXED)) == mixed_bytes


# --- depthwise -----------------------------------------------------------------------------------
def test_depthwise_conv_uses_one_array_column():
    # 16 x 16 x 32 channels, 3 x 3, stride 1, padding 1 -> 16 x 16 out: per channel a GEMM of
    # M = 256, K = 9, N = 1. On a 9-row x 8-column ws array each channel is one fold using all 9
    # rows and 1 of 8 columns: 2*9 + 8 + 256 - 2 = 280 cycles; 32 channels one after the other.
    model = gemm_model(Layer("dw", "depthwise", h=16, w=16, c_in=32, c_out=32, kernel=3, padding=1))
    fig = run(model, rows=9, cols=8, bandwidth_gbps=1e6)
    cycles = 32 * (2 * 9 + 8 + 256 - 2)
    assert fig.layer_cycles[0, 0] == cycles
    macs = 256 * 9 * 32
    utilization = macs / (cycles * 9 * 8)  # = (256 / 280) / 8
    assert utilization == pytest.approx(256 / 280 / 8, rel=1e-12)
    assert 0.9 / 8 < utilization <= 1 / 8  # ~ 1 / array columns


def test_mib_is_two_to_the_twenty():
    assert MIB == 1024 * 1024
