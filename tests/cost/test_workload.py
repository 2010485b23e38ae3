"""Service time, DRAM traffic and energy of one batch (synth.cost.workload) against hand arithmetic.

The formulas are those of the workload.py and mapping.py docstrings (and docs/cost-model.md):

    t_compute = (array cycles + vector cycles) / f        (pipelined folds)
    t_memory  = DRAM bytes / (bandwidth * cores_per_replica / cores)
    t_layer   = max(t_c, t_m) + min(t_c, t_m) / folds + layer_dispatch_cycles / f
    T(B)      = sum over layers of count * t_layer + host transfer + runtime overhead (16 us)

The SRAM holds stream buffers (2 array tiles per core), the largest activation working set, then
weights per layer, smallest first. On an SoC (the default host interface) the model's input and
output cross DRAM. Energies use the constants by name.
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
RUNTIME_S = 16e-6  # runtime overhead per batch (a CUDA-graph launch, refs §9.4)


def run(model, tech=TECH, **overrides):
    """batch_figures of `model` for one design point (arrays of shape (1,))."""
    hw = dict(rows=128, cols=128, cores=1, dataflow=WS, clock_ghz=GHZ, voltage_v=TECH.nominal_voltage_v,
              sram_mib=1.0, bandwidth_gbps=10.0, dram_pj_per_bit=10.0, batch=1, cores_per_replica=1,
              precision=PRECISION_CODES["int8"])
    hw.update(overrides)
    table = LayerTable.from_model(model)
    return batch_figures(table, tech, **{k: np.array([v]) for k, v in hw.items()})


def gemm_model(*layers):
    return Model("test", tuple(layers))


# --- time --------------------------------------------------------------------------------------
def test_a_core_draws_dram_no_faster_than_its_array_edges_take_data():
    # fc m=1, k=n=64 int8 on 8 x 8 ws at 1 GHz, 1 KiB of SRAM (weights stream) and 1 TB/s of
    # interface: the core takes at most 2 x 8 + 8 = 24 words of 1 B per cycle, 24 GB/s. DRAM
    # bytes: 64 x 64 weights + 64 input + 64 output (an SoC's model input and output) = 4,224 B.
    fig = run(gemm_model(Layer("fc", "gemm", m=1, k=64, n=64)), rows=8, cols=8, sram_mib=1 / 1024,
              bandwidth_gbps=1000.0)
    assert fig.layer_dram_bytes[0, 0] == 4224
    assert fig.layer_memory_s[0, 0] == pytest.approx(4224 / 24e9, rel=1e-12)
    # fp16: 2-byte words, 48 GB/s; 8,448 bytes take the same time.
    wide = run(gemm_model(Layer("fc", "gemm", m=1, k=64, n=64)), rows=8, cols=8, sram_mib=1 / 1024,
               bandwidth_gbps=1000.0, precision=PRECISION_CODES["fp16"])
    assert wide.layer_memory_s[0, 0] == pytest.approx(8448 / 48e9, rel=1e-12)
    # With a slower interface (10 GB/s) the interface binds.
    slow = run(gemm_model(Layer("fc", "gemm", m=1, k=64, n=64)), rows=8, cols=8, sram_mib=1 / 1024)
    assert slow.layer_memory_s[0, 0] == pytest.approx(4224 / 10e9, rel=1e-12)


def test_memory_bound_layer_streams_its_weights():
    # m=1, k=n=1024 int8, 1 MiB SRAM on 128 x 128: stream buffers 2 x 128 x 128 x 1 B = 32 KiB,
    # activations 2 KiB, leaving 1,013,760 B < 1 MiB of weights: streamed once. The model's
    # input and output cross DRAM.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model)
    traffic = 1024 * 1024 + 1024 + 1024  # weights + input + output bytes
    memory_s = traffic / 10e9
    # ws on 128 x 128: 8 x 8 = 64 folds of T = 1; pipelined: 128 preload + 63 x max(1, 128)
    # + 1 + 128 + 128 - 2 = 8,447 cycles (SCALE-Sim: 64 x 383 = 24,512)
    compute_s = (128 + 63 * 128 + 1 + 128 + 128 - 2) / 1e9
    assert fig.dram_bytes[0] == traffic
    assert fig.layer_memory_s[0, 0] == pytest.approx(memory_s, rel=1e-12)
    assert fig.layer_compute_s[0, 0] == pytest.approx(compute_s, rel=1e-12)
    # overlapped chunk by chunk (8 x 8 = 64 weight tiles): one chunk's compute is exposed
    layer_s = memory_s + compute_s / 64 + DISPATCH_S
    assert fig.layer_s[0, 0] == pytest.approx(layer_s, rel=1e-12)
    assert fig.service_s[0] == pytest.approx(layer_s + RUNTIME_S, rel=1e-12)


def test_compute_bound_layer():
    # m=256, k=n=512 int8, 1 MiB SRAM: 1 MiB - 32 KiB stream buffers - 256 KiB activations
    # = 736 KiB hold the 256 KiB of weights: resident. DRAM: input 256*512 B + output 256*512 B
    # = 262,144 B at 100 GB/s = 2.62 us. ws on 128 x 128: 16 folds of T = 256, pipelined
    # 128 + 15 x 256 + 256 + 128 + 128 - 2 = 4,478 cycles.
    model = gemm_model(Layer("fc", "gemm", m=256, k=512, n=512))
    fig = run(model, bandwidth_gbps=100.0)
    compute_s = (128 + 15 * 256 + 256 + 128 + 128 - 2) / 1e9
    memory_s = (256 * 512 * 2) / 100e9
    assert compute_s > memory_s
    assert fig.layer_compute_s[0, 0] == pytest.approx(compute_s, rel=1e-12)
    assert fig.layer_memory_s[0, 0] == pytest.approx(memory_s, rel=1e-12)
    assert fig.service_s[0] == pytest.approx(compute_s + memory_s / 16 + DISPATCH_S + RUNTIME_S, rel=1e-12)


def test_without_room_for_stream_buffers_transfers_do_not_overlap():
    # 16 KiB of SRAM < 2 x 128 x 128 B of stream buffers: compute and DRAM time add up.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model, sram_mib=16 / 1024)
    layer = fig.layer_compute_s[0, 0] + fig.layer_memory_s[0, 0] + DISPATCH_S
    assert fig.layer_s[0, 0] == pytest.approx(layer, rel=1e-12)


def test_padded_tiles_are_fetched_whole():
    # 600 x 600 int8 weights on a 256 x 256 ws array: ceil(600/256) = 3 tiles each way, so
    # 768 x 768 = 589,824 B cross DRAM, not 360,000 (issue 11). 1 MiB SRAM: 1 MiB - 128 KiB of
    # stream buffers - 1.2 KB of activations leaves 917 KB, but weight_residency 0 streams them.
    tech = technology(7, {"weight_residency": 0.0})
    model = gemm_model(Layer("fc", "gemm", m=1, k=600, n=600))
    fig = run(model, tech=tech, rows=256, cols=256)
    assert fig.dram_bytes[0] == 768 * 768 + 600 + 600
    # os pads only N over the columns (K is temporal): 600 x 768; is pads only K: 768 x 600.
    assert run(model, tech=tech, rows=256, cols=256, dataflow=1).dram_bytes[0] == 600 * 768 + 1200
    assert run(model, tech=tech, rows=256, cols=256, dataflow=2).dram_bytes[0] == 768 * 600 + 1200


def test_residency_is_decided_per_layer_smallest_first():
    # Three layers of 4,096 / 16,384 / 65,536 int8 weights (m=1) on an 8 x 8 array with 32 KiB:
    # 32,768 - 128 B stream buffers - 512 B largest activations (256 in + 256 out) = 32,128 B:
    # the two small layers (20,480 B) stay, the 64 KiB one streams.
    model = gemm_model(Layer("a", "gemm", m=1, k=64, n=64), Layer("b", "gemm", m=1, k=256, n=64),
                       Layer("c", "gemm", m=1, k=256, n=256))
    fig = run(model, rows=8, cols=8, sram_mib=32 / 1024)
    assert list(fig.layer_resident[0]) == [True, True, False]
    assert fig.dram_bytes[0] == 65536 + 64 + 256  # c's weights + the model's input and output
    # All or nothing per model would have streamed all three: the per-layer choice saves 20 KiB.
    assert fig.dram_bytes[0] < 4096 + 16384 + 65536


def test_resident_weights_cause_no_weight_traffic():
    # The 1 MiB layer of the memory-bound test with 4 MiB of SRAM: 1 MiB <= 2 MiB half.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model, sram_mib=4.0)
    assert fig.dram_bytes[0] == 1024 + 1024  # only the model's input and output


def test_weights_are_reread_per_activation_tile_when_activations_spill():
    # 8 x 8 array, SRAM 1 KiB: 128 B of stream buffers leave 896 B. m=4, k=n=256 int8: act_in +
    # act_out = 2,048 B > 896 B, so activations spill and nothing is resident; the weights
    # (65,536 B) are re-read per activation tile of 448 B: ceil(1,024 / 448) = 3 passes.
    model = gemm_model(Layer("fc", "gemm", m=4, k=256, n=256))
    fig = run(model, rows=8, cols=8, sram_mib=1 / 1024)
    assert fig.dram_bytes[0] == 3 * 256 * 256 + 4 * 256 + 4 * 256


def test_count_repeats_a_layer():
    model = gemm_model(Layer("fc", "gemm", m=256, k=512, n=512, count=3))
    fig = run(model, bandwidth_gbps=100.0)
    assert fig.service_s[0] == pytest.approx(3 * fig.layer_s[0, 0] + RUNTIME_S, rel=1e-12)


def test_host_link_carries_the_input_and_output():
    # PCIe Gen3 x16: 15.75 GB/s, 0.35 us per transfer. The model's 1,024 B input and output go
    # over the link into SRAM (not through DRAM): 2 x 0.35 us + 2,048 B / 15.75 GB/s + 16 us.
    tech = technology(7, {"host_link_gbps": 15.75, "host_link_latency_us": 0.35, "host_link_pj_per_bit": 6.3})
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model, tech=tech, sram_mib=4.0)
    assert fig.dram_bytes[0] == 0.0  # resident weights, input and output over the link
    host_s = 2 * 0.35e-6 + 2048 / 15.75e9
    assert fig.service_s[0] == pytest.approx(fig.layer_s[0, 0] + host_s + RUNTIME_S, rel=1e-12)
    assert fig.energy_breakdown_j["host"][0] == pytest.approx(2048 * 8 * 6.3e-12, rel=1e-12)


def test_bandwidth_is_split_by_the_replica_core_share():
    # 4 cores, this replica on 1: it sees a quarter of the bandwidth and of the SRAM.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    fig = run(model, cores=4, cores_per_replica=1, sram_mib=8.0)  # 2 MiB per replica: half 1 MiB
    traffic = 1024 + 1024  # 1 MiB of weights fit the 1 MiB half: resident
    assert fig.layer_memory_s[0, 0] == pytest.approx(traffic / (10e9 / 4), rel=1e-12)


def test_batch_folds_into_m_for_shared_weights():
    # gemm m=1 at batch 4 -> M = 4: ws T = 4 on 8 x 8, 2 x 2 = 4 folds, pipelined: the next
    # fold's 8-row preload overlaps this fold's 4 rows, so folds start 8 cycles apart:
    # 8 + 3 x 8 + 4 + 8 + 8 - 2 = 50 cycles (SCALE-Sim: 4 x (2*8 + 8 + 4 - 2) = 104).
    model = gemm_model(Layer("fc", "gemm", m=1, k=16, n=16))
    fig = run(model, rows=8, cols=8, batch=4, bandwidth_gbps=1e6)
    assert fig.layer_cycles[0, 0] == 8 + 3 * 8 + 4 + 8 + 8 - 2


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
    # Operands (80 words x 1 B) and the vector layer's 16 B in + 16 B out use a 256 KiB bank;
    # the 16 partial sums of 4 B a 16 KiB accumulator bank.
    operand_bits = (80 * 1 + 16 + 16) * 8
    acc_bits = 16 * ACCUMULATOR_BYTES * 8
    pj_per_64b = TECH.sram_pj_per_64b_at_8kb * (256 / 8) ** TECH.sram_energy_size_exponent
    acc_pj_per_64b = TECH.sram_pj_per_64b_at_8kb * (16 / 8) ** TECH.sram_energy_size_exponent
    # The SRAM rail stays at its 0.70 V minimum when the logic runs at 0.6 V: (0.70 / 0.75)^2.
    sram_vscale = (0.70 / TECH.nominal_voltage_v) ** 2
    sram_pj = (operand_bits * pj_per_64b + acc_bits * acc_pj_per_64b) / 64 * TECH.sram_energy_scale * sram_vscale
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
    for part in ("mac", "vector"):
        assert low.energy_breakdown_j[part][0] == pytest.approx(
            high.energy_breakdown_j[part][0] * (0.5 / 0.75) ** 2, rel=1e-12)
    # The SRAM does not follow the logic below its minimum operating voltage (0.70 V).
    assert low.energy_breakdown_j["sram"][0] == pytest.approx(
        high.energy_breakdown_j["sram"][0] * (0.70 / 0.75) ** 2, rel=1e-12)
    at_vmin = run(model, voltage_v=0.70)
    assert low.energy_breakdown_j["sram"][0] == pytest.approx(at_vmin.energy_breakdown_j["sram"][0], rel=1e-12)
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
DW = Layer("dw", "depthwise", h=16, w=16, c_in=32, c_out=32, kernel=3, padding=1)


def test_depthwise_packs_channels_across_columns():
    # 16 x 16 x 32 channels, 3 x 3, stride 1, padding 1: per channel M = 256, K = 9, N = 1.
    # On a 72 x 8 ws array, floor(72 / 9) = 8 channels share a fold (block-diagonal GEMM
    # 256 x 72 x 8, one fold): 72 + 256 + 72 + 8 - 2 = 406 cycles, ceil(32 / 8) = 4 folds in a
    # row: 1,624 cycles. The vector lanes would need ceil(256 x 9 x 32 / 8) = 9,216.
    fig = run(gemm_model(DW), rows=72, cols=8, bandwidth_gbps=1e6)
    assert fig.layer_cycles[0, 0] == 4 * (72 + 256 + 72 + 8 - 2)
    macs = 256 * 9 * 32
    assert macs / (fig.layer_cycles[0, 0] * 72 * 8) == pytest.approx(73728 / (1624 * 576), rel=1e-12)  # 7.9 %


def test_depthwise_runs_on_the_vector_lanes_when_they_are_faster():
    # 64 x 64: 7 channels per fold, ceil(32 / 7) = 5 GEMMs of 256 x 63 x 7 at 64 + 256 + 64 + 64
    # - 2 = 446 cycles = 2,230; one MAC per lane per cycle on 64 lanes: 256 x 9 x 32 / 64 = 1,152.
    fig = run(gemm_model(DW), rows=64, cols=64, bandwidth_gbps=1e6)
    assert fig.layer_cycles[0, 0] == 256 * 9 * 32 / 64
    # One channel per column (the old mapping) would take 32 x (128 + 64 + 256 - 2) = 14,272.
    assert fig.layer_cycles[0, 0] < 32 * (2 * 64 + 64 + 256 - 2) / 10


def test_mib_is_two_to_the_twenty():
    assert MIB == 1024 * 1024


def test_overlapped_layer_time_never_drops_with_the_batch():
    # os on a memory-bound layer: more rows mean more folds, but the exposed share is per
    # weight tile (fixed), so the layer's time cannot shrink as the batch grows.
    model = gemm_model(Layer("fc", "gemm", m=1, k=1024, n=1024))
    times = [run(model, dataflow=1, rows=16, cols=16, batch=b).layer_s[0, 0] for b in (1, 2, 4, 8, 16, 32, 64)]
    assert all(later >= earlier for earlier, later in zip(times, times[1:]))
