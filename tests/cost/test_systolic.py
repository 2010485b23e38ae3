"""Systolic fold model (synth.cost.systolic) against hand arithmetic.

The reference is SCALE-Sim's analytical model (Samajdar et al., ISPASS 2020), as written in the
module docstring: a GEMM (M x K) @ (K x N) maps to spatial rows S_R, spatial columns S_C and a
temporal length T,

    os: S_R = M, S_C = N, T = K      ws: S_R = K, S_C = N, T = M      is: S_R = K, S_C = M, T = N

and runs ceil(S_R / R) * ceil(S_C / C) folds of 2R + C + T - 2 cycles each for ws and is (the
stationary operand is preloaded) and R + C + T - 2 for os, counted from 1. Every expected
number below is that formula evaluated by hand.
"""

import numpy as np
import pytest

from synth.cost.systolic import (
    DATAFLOW_CODES,
    IS,
    OS,
    WS,
    buffer_words,
    fold_count,
    gemm_cycles,
    padded_weight_factor,
    pipelined_gemm_cycles,
    split_gemm_cycles,
)

# The running example: M=16, K=12, N=20 on an 8 x 8 array.
M, K, N = 16, 12, 20
R, C = 8, 8


def test_dataflow_codes_name_the_three_dataflows():
    assert DATAFLOW_CODES == {"ws": WS, "os": OS, "is": IS}
    assert len({WS, OS, IS}) == 3


@pytest.mark.parametrize(
    "dataflow, folds, cycles",
    [
        # ws: S_R = K = 12 -> ceil(12/8) = 2; S_C = N = 20 -> ceil(20/8) = 3; T = M = 16
        (WS, 2 * 3, 2 * 3 * (2 * 8 + 8 + 16 - 2)),  # 6 folds x 38 = 228
        # os: S_R = M = 16 -> 2; S_C = N = 20 -> 3; T = K = 12
        (OS, 2 * 3, 2 * 3 * (8 + 8 + 12 - 2)),  # 6 folds x 26 = 156 (no preload)
        # is: S_R = K = 12 -> 2; S_C = M = 16 -> 2; T = N = 20
        (IS, 2 * 2, 2 * 2 * (2 * 8 + 8 + 20 - 2)),  # 4 folds x 42 = 168
    ],
)
def test_small_gemm_folds_and_cycles_by_hand(dataflow, folds, cycles):
    assert fold_count(M, K, N, R, C, dataflow) == folds
    assert gemm_cycles(M, K, N, R, C, dataflow) == cycles


@pytest.mark.parametrize(
    "dataflow, cycles",
    [
        # 8 rows x 4 cols: rows fold S_R, cols fold S_C; a swap of R and C would change these.
        (WS, 2 * 5 * (2 * 8 + 4 + 16 - 2)),  # ceil(12/8)=2 x ceil(20/4)=5 folds of 34 = 340
        (OS, 2 * 5 * (8 + 4 + 12 - 2)),  # ceil(16/8)=2 x ceil(20/4)=5 folds of 22 = 220
        (IS, 2 * 4 * (2 * 8 + 4 + 20 - 2)),  # ceil(12/8)=2 x ceil(16/4)=4 folds of 38 = 304
    ],
)
def test_rectangular_array_uses_rows_for_s_r_and_cols_for_s_c(dataflow, cycles):
    assert gemm_cycles(M, K, N, 8, 4, dataflow) == cycles


@pytest.mark.parametrize("dataflow", [WS, OS, IS])
def test_gemm_that_fits_in_one_fold(dataflow):
    # M = K = N = 8 on 8 x 8: every spatial dimension fits, so one fold: 2R + C + T - 2 for ws
    # and is (preload of R), R + C + T - 2 for os.
    assert fold_count(8, 8, 8, 8, 8, dataflow) == 1
    expected = 8 + 8 + 8 - 2 if dataflow == OS else 2 * 8 + 8 + 8 - 2  # 22 or 30
    assert gemm_cycles(8, 8, 8, 8, 8, dataflow) == expected


def test_one_fold_with_partly_used_array():
    # ws, M=5, K=3, N=2 on 8 x 8: S_R=3 <= 8, S_C=2 <= 8 -> 1 fold; fill/drain still cost the
    # full array: 2*8 + 8 + 5 - 2 = 27 cycles for 30 MACs.
    assert gemm_cycles(5, 3, 2, 8, 8, WS) == 27


def test_gemm_cycles_broadcast_over_dataflows_and_arrays():
    dataflows = np.array([WS, OS, IS])
    np.testing.assert_array_equal(gemm_cycles(M, K, N, R, C, dataflows), [228, 156, 168])
    rows = np.array([8, 16])
    # ws on 8x8: 228; on 16x8: ceil(12/16)=1 x ceil(20/8)=3 folds of 2*16 + 8 + 16 - 2 = 54 -> 162
    np.testing.assert_array_equal(gemm_cycles(M, K, N, rows, 8, WS), [228, 3 * 54])


class TestSplitGemmCycles:
    """Groups of independent GEMMs spread over cores (split_gemm_cycles docstring)."""

    WHOLE_WS = 228  # gemm_cycles(16, 12, 20, 8, 8, ws), by hand above

    def test_as_many_groups_as_cores_run_one_each(self):
        assert split_gemm_cycles(M, K, N, 4, 4, R, C, WS) == self.WHOLE_WS

    def test_imbalance_five_groups_on_four_cores_takes_two_rounds(self):
        # ceil(5 / 4) = 2 GEMMs on the busiest core; three cores idle in the second round.
        assert split_gemm_cycles(M, K, N, 5, 4, R, C, WS) == 2 * self.WHOLE_WS

    def test_eight_groups_on_four_cores(self):
        assert split_gemm_cycles(M, K, N, 8, 4, R, C, WS) == 2 * self.WHOLE_WS

    def test_one_group_on_four_cores_ws_splits_n(self):
        # split = 4 // 1 = 4.
        # along M: M=ceil(16/4)=4 -> ws T=4: 2 x 3 folds of 2*8+8+4-2 = 26 -> 156
        # along N: N=ceil(20/4)=5 -> ws S_C=5: 2 x 1 folds of 2*8+8+16-2 = 38 -> 76
        assert split_gemm_cycles(M, K, N, 1, 4, R, C, WS) == min(6 * 26, 2 * 38)  # 76, N

    def test_one_group_on_four_cores_is_splits_m(self):
        # is: along M: M=4 -> S_C=4: 2 x 1 folds of 2*8+8+20-2 = 42 -> 84
        #     along N: N=5 -> T=5:   2 x 2 folds of 2*8+8+5-2 = 27  -> 108
        assert split_gemm_cycles(M, K, N, 1, 4, R, C, IS) == min(2 * 42, 4 * 27)  # 84, M

    def test_one_group_on_four_cores_os(self):
        # os: along M: M=4 -> S_R=4: 1 x 3 folds of 8+8+12-2 = 26 -> 78
        #     along N: N=5 -> S_C=5: 2 x 1 folds of 26             -> 52
        assert split_gemm_cycles(M, K, N, 1, 4, R, C, OS) == min(3 * 26, 2 * 26)  # 52, N

    def test_two_groups_on_four_cores_get_two_cores_each(self):
        # split = 4 // 2 = 2. ws along M: M=8 -> 6 folds of 2*8+8+8-2 = 30 -> 180;
        # along N: N=10 -> ceil(12/8)=2 x ceil(10/8)=2 folds of 38 -> 152.
        assert split_gemm_cycles(M, K, N, 2, 4, R, C, WS) == min(6 * 30, 4 * 38)  # 152

    def test_three_groups_on_four_cores_leave_one_idle(self):
        # split = 4 // 3 = 1: every GEMM runs whole on its own core.
        assert split_gemm_cycles(M, K, N, 3, 4, R, C, WS) == self.WHOLE_WS

    def test_single_core_runs_groups_back_to_back(self):
        assert split_gemm_cycles(M, K, N, 3, 1, R, C, OS) == 3 * 156


class TestBufferWords:
    """Operand reads and accumulator reads+writes (buffer_words docstring), by hand."""

    @pytest.mark.parametrize(
        "dataflow, operands, accumulator",
        [
            # os: A m*k*ceil(n/C) + B k*n*ceil(m/R);  C m*n
            (OS, 16 * 12 * 3 + 12 * 20 * 2, 16 * 20),  # 576 + 480 = 1056; 320
            # ws: A m*k*ceil(n/C) + B k*n;  C m*n*(2*ceil(k/R) - 1)
            (WS, 16 * 12 * 3 + 12 * 20, 16 * 20 * (2 * 2 - 1)),  # 576 + 240 = 816; 960
            # is: A m*k + B k*n*ceil(m/C);  C m*n*(2*ceil(k/R) - 1)
            (IS, 16 * 12 + 12 * 20 * 2, 16 * 20 * (2 * 2 - 1)),  # 192 + 480 = 672; 960
        ],
    )
    def test_square_array(self, dataflow, operands, accumulator):
        got_operands, got_acc = buffer_words(M, K, N, R, C, dataflow)
        assert got_operands == operands
        assert got_acc == accumulator

    @pytest.mark.parametrize(
        "dataflow, operands, accumulator",
        [
            # 8 rows x 4 cols: ceil(n/C) = ceil(20/4) = 5, ceil(m/R) = 2, ceil(m/C) = 4, ceil(k/R) = 2
            (OS, 16 * 12 * 5 + 12 * 20 * 2, 16 * 20),
            (WS, 16 * 12 * 5 + 12 * 20, 16 * 20 * 3),
            (IS, 16 * 12 + 12 * 20 * 4, 16 * 20 * 3),
        ],
    )
    def test_rectangular_array(self, dataflow, operands, accumulator):
        got_operands, got_acc = buffer_words(M, K, N, 8, 4, dataflow)
        assert got_operands == operands
        assert got_acc == accumulator

    def test_single_k_fold_writes_each_output_once(self):
        # K = 8 <= R: 2*ceil(8/8) - 1 = 1 accumulator access per output in every dataflow.
        for dataflow in (WS, OS, IS):
            _, acc = buffer_words(5, 8, 7, 8, 8, dataflow)
            assert acc == 5 * 7


# --- SCALE-Sim as an independent oracle ----------------------------------------------------------
# "Total Cycles" of COMPUTE_REPORT.csv from SCALE-Sim 3.0.0 (`pip install scalesim`, GEMM input
# mode, 1 MiB SRAMs, USER bandwidth 100: 0 stall cycles reported for every run), recorded by hand
# from the runs, not computed by synth. SCALE-Sim counts cycles from 0, so its figure is
# gemm_cycles - 1: the tests add the 1 back. SCALE-Sim's os fold is T input rows plus C - 1
# drain rows, skewed over R - 1 rows, with no preload (systolic_compute_os.py,
# create_ifmap_demand_mat): R + C + T - 2 cycles, as synth charges; ws and is add the R-cycle
# preload. benchmarks/scalesim_compare.py compares 81 more cases.
SCALE_SIM_3_0_0_REPORTED = [
    # (M, K, N, rows, cols): {dataflow: "Total Cycles", counted from 0}
    ((16, 12, 20, 8, 8), {WS: 227, OS: 155, IS: 167}),
    ((16, 12, 20, 8, 4), {WS: 339, OS: 219, IS: 303}),
    ((5, 3, 2, 8, 8), {WS: 26, OS: 16, IS: 23}),
    ((100, 37, 55, 16, 8), {WS: 2897, OS: 2890, IS: 3626}),
]


@pytest.mark.parametrize("shape, reported", SCALE_SIM_3_0_0_REPORTED)
@pytest.mark.parametrize("dataflow", [WS, IS])
def test_ws_and_is_agree_with_scale_sim(shape, reported, dataflow):
    assert gemm_cycles(*shape, dataflow) == reported[dataflow] + 1


@pytest.mark.parametrize("shape, reported", SCALE_SIM_3_0_0_REPORTED)
def test_os_agrees_with_scale_sim(shape, reported):
    # DESIGN.md: compute cycles "must agree with SCALE-Sim's compute cycles".
    assert gemm_cycles(*shape, OS) == reported[OS] + 1


# --- pipelined folds (the cost model's count; gemm_cycles stays the SCALE-Sim convention) -------
class TestPipelinedGemmCycles:
    def test_single_fold_equals_the_scale_sim_count(self):
        # 5 x 3 x 2 on 8 x 8: one fold in every dataflow, nothing to overlap.
        for dataflow in (WS, OS, IS):
            assert pipelined_gemm_cycles(5, 3, 2, 8, 8, dataflow) == gemm_cycles(5, 3, 2, 8, 8, dataflow)

    def test_ws_double_buffers_the_weights_by_hand(self):
        # M=16, K=12, N=20 on 8 x 8 ws: 2 x 3 = 6 folds of T = 16 rows. The first 8-row preload
        # is exposed; each later fold's preload hides under the previous fold's 16 rows, so folds
        # start max(16, 8) = 16 cycles apart; the last drains R + C - 2 = 14: 8 + 5 x 16 + 16 + 14
        # = 118 cycles against SCALE-Sim's 6 x (16 + 8 + 16 - 2) = 228.
        assert pipelined_gemm_cycles(16, 12, 20, 8, 8, WS) == 8 + 5 * 16 + 16 + 8 + 8 - 2
        assert gemm_cycles(16, 12, 20, 8, 8, WS) == 228

    def test_short_folds_wait_for_the_next_preload(self):
        # T = 2 < R = 8 (ws, M=2): folds start 8 cycles apart (the preload), not 2.
        # K=16, N=16 on 8 x 8: 4 folds: 8 + 3 x 8 + 2 + 14 = 48.
        assert pipelined_gemm_cycles(2, 16, 16, 8, 8, WS) == 8 + 3 * 8 + 2 + 8 + 8 - 2

    def test_os_has_no_preload(self):
        # os: S_R=M=16 -> 2, S_C=N=20 -> 3: 6 folds of T = K = 12, spaced max(12, 8) = 12:
        # 5 x 12 + 12 + 14 = 86 (SCALE-Sim 6 x 26 = 156).
        assert pipelined_gemm_cycles(16, 12, 20, 8, 8, OS) == 5 * 12 + 12 + 8 + 8 - 2

    def test_never_slower_than_scale_sim(self):
        rng = np.random.default_rng(0)
        m, k, n = (rng.integers(1, 700, 300) for _ in range(3))
        rows, cols = (2 ** rng.integers(2, 9, 300) for _ in range(2))
        flow = rng.integers(0, 3, 300)
        assert np.all(pipelined_gemm_cycles(m, k, n, rows, cols, flow) <= gemm_cycles(m, k, n, rows, cols, flow))

    def test_split_gemm_cycles_keeps_the_scale_sim_count_by_default(self):
        assert split_gemm_cycles(16, 12, 20, 1, 1, 8, 8, WS) == 228
        assert split_gemm_cycles(16, 12, 20, 1, 1, 8, 8, WS, pipelined=True) == 118


def test_padded_weight_factor_by_hand():
    # 600 x 600 on 256 x 256: ws pads both to 768 (589,824 / 360,000); os only N; is only K.
    assert padded_weight_factor(600, 600, 256, 256, WS) == pytest.approx(768 * 768 / 360000, rel=1e-12)
    assert padded_weight_factor(600, 600, 256, 256, OS) == pytest.approx(768 / 600, rel=1e-12)
    assert padded_weight_factor(600, 600, 256, 256, IS) == pytest.approx(768 / 600, rel=1e-12)
    assert padded_weight_factor(512, 256, 256, 256, WS) == 1.0
