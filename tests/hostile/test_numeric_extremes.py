"""Numbers at the edges of float64 and int64: rejected at the boundary, naming the key."""

from __future__ import annotations

import pytest

from tests.hostile._support import BASE


def _inline(layer: str) -> str:
    return ("name: big\nworkloads:\n  - name: w\n    scenario: single_stream\n    model:\n      name: m\n"
            f"      layers:\n        - {layer}\n")


MEMORY = "space:\n  memories:\n    - {{name: m, bandwidth_gbps: {bw}, pj_per_bit: {pj}}}\n"
CASES = {
    "gemm beyond int64": (_inline("{name: l, type: gemm, m: 3000000, k: 3000000, n: 3000000}"),
                          ("workloads[0].model.layers[0]", "1e+15")),
    "conv of 1e7": (_inline("{name: l, type: conv, h: 10000000, w: 10000000, c_in: 10000000, "
                            "c_out: 10000000, kernel: 3}"), ("workloads[0].model.layers[0]",)),
    "integer beyond int64": (_inline("{name: l, type: gemm, k: 100000000000000000000000, n: 8}"),
                             ("workloads[0].model.layers[0].k", "10000000")),
    "layer count 1e6": (_inline("{name: l, type: gemm, k: 8, n: 8, count: 1000000}"),
                        ("workloads[0].model.layers[0].count", "1000")),
    "extra params 1e13": (_inline("{name: l, type: gemm, k: 8, n: 8}") + "      extra_params: 10000000000000\n",
                          ("workloads[0].model.extra_params",)),
    "latency 1e-300": (BASE.replace("latency_ms: 100", "latency_ms: 1e-300"), ("workloads[0].latency_ms", "1e-06")),
    "latency 1e308": (BASE.replace("latency_ms: 100", "latency_ms: 1e308"), ("workloads[0].latency_ms",)),
    "latency negative": (BASE.replace("latency_ms: 100", "latency_ms: -5"), ("workloads[0].latency_ms: must be > 0",)),
    "qps 1e308": (BASE.replace("qps: 100", "qps: 1e308"), ("workloads[0].qps",)),
    "power budget 1e308": (BASE + "budgets: {power_w: 1e308}\n", ("budgets.power_w",)),
    "area budget 1e-300": (BASE + "budgets: {area_mm2: 1e-300}\n", ("budgets.area_mm2",)),
    "memory bandwidth 1e-300": (BASE + MEMORY.format(bw="1e-300", pj=1), ("space.memories[0].bandwidth_gbps",)),
    "memory energy 1e308": (BASE + MEMORY.format(bw=10, pj="1e308"), ("space.memories[0].pj_per_bit",)),
    "clock 1e-300": (BASE + "space: {clock_ghz: [1e-300]}\n", ("space.clock_ghz[0]",)),
    "sram 1e308": (BASE + "space: {sram_mib: [1e308]}\n", ("space.sram_mib[0]",)),
    "percentile 100": (BASE.replace("qps: 100", "qps: 100, percentile: 100"), ("workloads[0].percentile",)),
    "accuracy drop 1e308": (BASE.replace("qps: 100", "qps: 100, max_accuracy_drop_pct: 1e308"),
                            ("workloads[0].max_accuracy_drop_pct",)),
    "server batch above the simulator's limit": (BASE + "space: {batch: [4096]}\n", ("space.batch", "2000")),
    "boolean as a number": (BASE.replace("qps: 100", "qps: true"), ("workloads[0].qps",)),
}


@pytest.mark.parametrize("name", CASES)
def test_extreme_number_rejected(name, cli, write):
    text, named = CASES[name]
    cli("check", write(text)).rejected(*named)


def test_gemm_at_the_limit_counts_exactly(write):
    """The largest accepted gemm: its MAC count is exact (Python ints vs the model's count)."""
    import synth
    from synth.spec.resolve import resolve_model

    req = synth.load_requirements(write(_inline("{name: l, type: gemm, m: 100000, k: 100000, n: 100000}")))
    model = resolve_model(req.workloads[0].model, "<test>", "model")
    assert model.macs == 100000 ** 3
