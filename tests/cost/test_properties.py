"""Properties of the cost core that must hold for every input (hypothesis).

Only true statements are tested. In particular the total cycles of a GEMM are NOT monotone in
the array size: a larger array needs no more folds, but each fold pays 2R + C - 2 cycles of
fill and drain, so a GEMM that already fits gets slower on a bigger array (see
test_bigger_array_can_be_slower, a counter-example kept as a regression).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.cost.chip import PE_CODES, peak_dram_gbps, peak_power_breakdown_w
from synth.cost.constants import NODES_NM, technology
from synth.cost.dvfs import voltage_for_clock
from synth.cost.systolic import IS, OS, WS, fold_count, gemm_cycles
from synth.cost.workload import PRECISION_CODES, LayerTable, batch_figures
from synth.models import Layer, Model

FAST = settings(max_examples=60, deadline=None)
TECH = technology(7)

dims = st.integers(1, 300)
array_dims = st.integers(1, 64)
dataflows = st.sampled_from([WS, OS, IS])


@FAST
@given(m=dims, k=dims, n=dims, rows=array_dims, cols=array_dims, extra=st.integers(1, 64), dataflow=dataflows)
def test_more_rows_or_cols_never_need_more_folds(m, k, n, rows, cols, extra, dataflow):
    folds = fold_count(m, k, n, rows, cols, dataflow)
    assert fold_count(m, k, n, rows + extra, cols, dataflow) <= folds
    assert fold_count(m, k, n, rows, cols + extra, dataflow) <= folds


@FAST
@given(m=dims, k=dims, n=dims, rows=array_dims, cols=array_dims, dataflow=dataflows,
       which=st.sampled_from("mkn"), extra=st.integers(1, 100))
def test_gemm_cycles_non_decreasing_in_each_gemm_dimension(m, k, n, rows, cols, dataflow, which, extra):
    bigger = {"m": m, "k": k, "n": n}
    bigger[which] += extra
    assert gemm_cycles(bigger["m"], bigger["k"], bigger["n"], rows, cols, dataflow) >= \
        gemm_cycles(m, k, n, rows, cols, dataflow)


@FAST
@given(m=dims, k=dims, n=dims, rows=array_dims, cols=array_dims, dataflow=dataflows)
def test_gemm_cycles_at_least_the_ideal(m, k, n, rows, cols, dataflow):
    # A fold holds at most rows x cols PEs busy for T cycles and lasts T + 2R + C - 2 >= T.
    assert gemm_cycles(m, k, n, rows, cols, dataflow) * rows * cols >= m * k * n


def test_bigger_array_can_be_slower():
    # ws, M=4, K=N=8: on 8 x 8 one fold of 2*8 + 8 + 4 - 2 = 26 cycles; on 16 x 16 one fold of
    # 2*16 + 16 + 4 - 2 = 50 cycles. Cycles are not monotone in the array size.
    assert gemm_cycles(4, 8, 8, 8, 8, WS) == 26
    assert gemm_cycles(4, 8, 8, 16, 16, WS) == 50


@FAST
@given(node=st.sampled_from(NODES_NM), low=st.floats(0.05, 1.0), high=st.floats(0.05, 1.0),
       rows=array_dims, cols=array_dims, cores=st.integers(1, 8),
       pe=st.sampled_from(sorted(PE_CODES.values())))
def test_higher_clock_never_lowers_peak_power(node, low, high, rows, cols, cores, pe):
    tech = technology(node)
    low, high = sorted((low * tech.max_clock_ghz, high * tech.max_clock_ghz))

    def peak(clock):
        parts = peak_power_breakdown_w(
            tech, rows=np.array([rows]), cols=np.array([cols]), cores=np.array([cores]), pe=np.array([pe]),
            clock_ghz=np.array([clock]), voltage_v=np.array([voltage_for_clock(tech, clock)]),
            sram_mib=np.array([4.0]), bandwidth_gbps=np.array([51.2]), dram_pj_per_bit=np.array([10.0]),
            die_area_mm2=np.array([50.0]))
        return float(sum(parts.values())[0])

    assert peak(high) >= peak(low) * (1 - 1e-12)


# --- whole-model properties ------------------------------------------------------------------------
gemm_layers = st.builds(lambda m, k, n, count: ("gemm", m, k, n, count),
                        st.integers(1, 40), st.integers(1, 64), st.integers(1, 64), st.integers(1, 3))
vector_layers = st.builds(lambda elements, ops: ("vector", elements, ops, 0, 1),
                          st.integers(1, 500), st.integers(1, 4))
matmul_layers = st.builds(lambda m, k, n, heads: ("matmul", m, k, n, heads),
                          st.integers(1, 16), st.integers(1, 16), st.integers(1, 16), st.integers(1, 4))
layer_specs = st.lists(st.one_of(gemm_layers, vector_layers, matmul_layers), min_size=1, max_size=5)


def _layer(index, spec):
    kind = spec[0]
    if kind == "gemm":
        return Layer(f"l{index}", "gemm", m=spec[1], k=spec[2], n=spec[3], count=spec[4])
    if kind == "vector":
        return Layer(f"l{index}", "vector", elements=spec[1], ops_per_element=spec[2])
    return Layer(f"l{index}", "matmul", m=spec[1], k=spec[2], n=spec[3], heads=spec[4])


def _model(specs):
    return Model("prop", tuple(_layer(i, s) for i, s in enumerate(specs)))


def _figures(model, **hw):
    point = dict(rows=8, cols=8, cores=1, dataflow=WS, clock_ghz=1.0, voltage_v=0.7, sram_mib=4.0,
                 bandwidth_gbps=25.0, dram_pj_per_bit=10.0, batch=1, cores_per_replica=1,
                 precision=PRECISION_CODES["int8"])
    point.update(hw)
    return batch_figures(LayerTable.from_model(model), TECH, **{k: np.array([v]) for k, v in point.items()})


hardware = st.fixed_dictionaries({
    "rows": st.integers(1, 32), "cols": st.integers(1, 32), "cores": st.integers(1, 4),
    "dataflow": dataflows, "clock_ghz": st.floats(0.2, 2.0), "sram_mib": st.floats(0.001, 8.0),
    "bandwidth_gbps": st.floats(1.0, 1000.0),
    "precision": st.sampled_from(sorted(PRECISION_CODES.values())),
})


@FAST
@given(specs=layer_specs, hw=hardware, batch=st.integers(1, 16), extra=st.integers(1, 16))
def test_service_time_non_decreasing_in_batch(specs, hw, batch, extra):
    model = _model(specs)
    cores_per_replica = hw["cores"]
    small = _figures(model, batch=batch, cores_per_replica=cores_per_replica, **hw)
    large = _figures(model, batch=batch + extra, cores_per_replica=cores_per_replica, **hw)
    assert large.service_s[0] >= small.service_s[0] * (1 - 1e-12)


@FAST
@given(specs=layer_specs, hw=hardware, batch=st.integers(1, 16), factor=st.floats(1.0, 100.0))
def test_more_bandwidth_never_increases_service_time(specs, hw, batch, factor):
    model = _model(specs)
    base = _figures(model, batch=batch, **hw)
    hw = dict(hw, bandwidth_gbps=hw["bandwidth_gbps"] * factor)
    faster = _figures(model, batch=batch, **hw)
    assert faster.service_s[0] <= base.service_s[0] * (1 + 1e-12)


@FAST
@given(specs=layer_specs, hw=hardware, batch=st.integers(1, 8),
       precision=st.sampled_from(["int8", "fp16", "bf16", "fp32"]))
def test_energy_adds_over_layers(specs, hw, batch, precision):
    """The dynamic energy of a model is the sum of the energies of its one-layer models.

    This is exactly true for the MAC, SRAM and vector parts when (1) nothing depends on which
    layers share the model: weights are resident in both (SRAM far larger than any generated
    model, so the whole model and each layer fit the weight half: no weight traffic either
    way) and activations never spill; (2) the precision is uniform (int8+fp16 runs a model's
    first and last array layers in fp16, and in a one-layer model every layer is first and
    last). DRAM energy does NOT add: a one-layer model reads its input from and writes its
    output to DRAM, which the full model does only for its first input and last output; it is
    checked separately below.
    """
    model = _model(specs)
    code = PRECISION_CODES[precision]
    hw = dict(hw, sram_mib=1024.0, precision=code)
    whole = _figures(model, batch=batch, **hw)
    singles = [_figures(Model("one", (layer,)), batch=batch, **hw) for layer in model.layers]
    for part in ("mac", "sram", "vector"):
        assert whole.energy_breakdown_j[part][0] == pytest.approx(
            sum(s.energy_breakdown_j[part][0] for s in singles), rel=1e-9, abs=1e-30)
    # DRAM: only the model's input (first layer) and output (last layer) cross, per instance.
    table = LayerTable.from_model(model)
    operand = {"int8": 1, "fp16": 2, "bf16": 2, "fp32": 4}[precision]
    expected_bytes = (table.inputs[0] * table.count[0] + table.outputs[-1] * table.count[-1]) * batch * operand
    assert whole.dram_bytes[0] == expected_bytes


@FAST
@given(specs=layer_specs, hw=hardware, batch=st.integers(1, 16), replica=st.integers(1, 4))
def test_no_plan_draws_more_dram_bandwidth_than_the_tdp_counts(specs, hw, batch, replica):
    """The TDP's DRAM term is min(interface, what the arrays consume) (peak_dram_gbps): a replica
    on c of N cores never draws more than c / N of it over a batch, so replicas together stay
    within it and the peak stays an upper bound of the power at any load."""
    model = _model(specs)
    cores_per_replica = min(replica, hw["cores"])
    fig = _figures(model, batch=batch, cores_per_replica=cores_per_replica, **hw)
    # The PE that runs the workload's precision has its operand width (int8+fp16: the fp16 one).
    limit = peak_dram_gbps(rows=hw["rows"], cols=hw["cols"], cores=hw["cores"], pe=hw["precision"],
                           clock_ghz=hw["clock_ghz"], bandwidth_gbps=hw["bandwidth_gbps"])
    drawn = fig.dram_bytes[0] / fig.service_s[0]
    assert drawn <= float(limit) * 1e9 * cores_per_replica / hw["cores"] * (1 + 1e-9)
