"""Bad sweep files: each is exit 2 from `synth sweep`, names the key path, shows no traceback,
and starts no work (no output folder, no database). Every problem of a file is reported at once."""

from __future__ import annotations

import pytest
from sweeps import PROBLEMS, run, write_sweep

RANKING = str(PROBLEMS / "search_ranking.yaml")


def doc(**changes):
    document = {"base": RANKING, "axes": {"workloads.ranker.qps": [500, 1000]}}
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


CASES = {  # name: (sweep document, text that stderr must contain)
    "axis-not-a-list": (doc(axes={"workloads.ranker.qps": "many"}), "axes.workloads.ranker.qps"),
    "axis-empty-list": (doc(axes={"workloads.ranker.qps": []}), "axes.workloads.ranker.qps"),
    "range-min-above-max": (doc(axes={"workloads.ranker.latency_ms": {"min": 200, "max": 25, "num": 4}}),
                            "axes.workloads.ranker.latency_ms"),
    "log-range-from-zero": (doc(axes={"workloads.ranker.latency_ms": {"min": 0, "max": 25, "num": 4,
                                                                      "scale": "log"}}),
                            "axes.workloads.ranker.latency_ms.min"),
    "range-without-num": (doc(axes={"workloads.ranker.latency_ms": {"min": 20, "max": 25}}),
                          "axes.workloads.ranker.latency_ms.num"),
    "range-unknown-key": (doc(axes={"workloads.ranker.latency_ms": {"min": 20, "max": 25, "num": 2, "step": 1}}),
                          "axes.workloads.ranker.latency_ms.step"),
    "range-bad-scale": (doc(axes={"workloads.ranker.latency_ms": {"min": 20, "max": 25, "num": 2, "scale": "ln"}}),
                        "axes.workloads.ranker.latency_ms.scale"),
    "unknown-top-key": (doc(axes={"budget.power_w": [10, 20]}), "axes.budget.power_w"),
    "unknown-workload": (doc(axes={"workloads.nosuch.qps": [10, 20]}), "axes.workloads.nosuch.qps"),
    "workload-index-out-of-range": (doc(axes={"workloads.3.qps": [10, 20]}), "axes.workloads.3.qps"),
    "unknown-requirement-key": (doc(axes={"workloads.ranker.qsp": [10, 20]}), "axes.workloads.ranker.qsp"),
    "negative-qps": (doc(axes={"workloads.ranker.qps": [500, -5]}), "axes.workloads.ranker.qps"),
    "unknown-objective": (doc(axes={"objective": ["min_power", "min_speed"]}), "axes.objective"),
    "unknown-node": (doc(axes={"technology.node_nm": [7, 3]}), "axes.technology.node_nm"),
    "the-name-is-swept": (doc(axes={"name": ["a", "b"]}), "axes.name"),
    "duplicate-values": (doc(axes={"workloads.ranker.qps": [500, 500]}), "axes.workloads.ranker.qps"),
    "too-many-variants": (doc(axes={"workloads.ranker.qps": {"min": 1, "max": 1e4, "num": 2000},
                                    "workloads.ranker.latency_ms": {"min": 1, "max": 100, "num": 10}}),
                          "max_variants"),
    "max-variants-zero": (doc(max_variants=0), "max_variants"),
    "max-variants-huge": (doc(max_variants=10**9), "max_variants"),
    "base-missing": (doc(base="no/such/file.yaml"), "base"),
    "base-invalid": (doc(base={"name": "x", "objective": "min_power", "workloads": []}), "base"),
    "unknown-sweep-key": (doc(axis={"workloads.ranker.qps": [1]}), "axis"),
    "negative-seed": (doc(seed=-1), "seed"),
    "axes-and-variants": (doc(variants=[{"workloads.ranker.qps": 5}]), "variants"),
    "variant-value-a-list": (doc(axes=None, variants=[{"budgets.power_w": [1, 2]}]), "variants[0].budgets.power_w"),
    "sample-count-zero": (doc(sample={"count": 0}), "sample.count"),
    "bad-solve-method": (doc(solve={"method": "magic"}), "solve.method"),
    "no-axes": (doc(axes=None), "axes"),
    "bad-name": (doc(name="a/b"), "name"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_sweep_file_is_exit_2_naming_the_key(tmp_path, case):
    document, named = CASES[case]
    path = write_sweep(tmp_path, document)
    proc = run(path, "-o", tmp_path / "out")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert named in proc.stderr, proc.stderr
    assert "sweep.yaml" in proc.stderr or "base" in named, proc.stderr
    assert not (tmp_path / "out").exists()  # nothing started


def test_every_problem_is_reported_at_once(tmp_path):
    path = write_sweep(tmp_path, doc(seed=-1, axes={"workloads.ranker.qps": "many", "technology.node_nm": [3]}))
    proc = run(path, "--check")
    assert proc.returncode == 2
    for named in ("seed", "axes.workloads.ranker.qps", "axes.technology.node_nm"):
        assert named in proc.stderr, proc.stderr


def test_check_shows_the_number_of_variants(tmp_path):
    path = write_sweep(tmp_path, doc(axes={"workloads.ranker.qps": [500, 1000, 2000], "technology.node_nm": [7, 5]}))
    proc = run(path, "--check")
    assert proc.returncode == 0, proc.stderr
    assert "6 variant(s)" in proc.stdout


def test_a_bad_variant_anywhere_stops_the_sweep_before_any_work(tmp_path):
    # Only the last variant breaks (qps 0); nothing may run.
    path = write_sweep(tmp_path, doc(axes={"workloads.ranker.qps": [500, 1000, 0]}))
    proc = run(path, "-o", tmp_path / "out")
    assert proc.returncode == 2 and "axes.workloads.ranker.qps" in proc.stderr and "variant 2" in proc.stderr
    assert not (tmp_path / "out").exists()
