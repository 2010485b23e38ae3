"""A run killed at any moment leaves the output folder whole; the largest space stays < 2 GiB.

Both start real `synth` processes (a signal needs one), so they take seconds, not milliseconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from synth.report.schema import read_result
from tests.hostile._support import ROOT

PROBLEM = ROOT / "problems" / "batch_processing.yaml"
OLD = ROOT / "tests" / "fixtures" / "report" / "search_ranking.json"
SYNTH = [sys.executable, "-c", "from synth.cli import run; run()"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _is_complete_new_set(folder: Path) -> bool:
    result = read_result(folder / "result.json")
    if result["requirements"]["name"] != "batch-processing" and "batch" not in result["requirements"]["name"]:
        return False
    design = (folder / "design.yaml").is_file() == (result["design"] is not None)
    md = (folder / "report.md").read_text()
    return design and (folder / "report.html").is_file() and result["requirements"]["name"] in md


def _old_set(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    subprocess.run([*SYNTH, "report", str(OLD), "-o", str(out)], check=True, capture_output=True, timeout=60)
    return out, _snapshot(out)


# (signal, fraction of a full run's wall time): early phases, the search, and the last moments
# where the report is written and the set swapped in.
MOMENTS = [(signal.SIGINT, 0.15), (signal.SIGINT, 0.4), (signal.SIGINT, 0.7), (signal.SIGINT, 0.95),
           (signal.SIGKILL, 0.2), (signal.SIGKILL, 0.5), (signal.SIGKILL, 0.8), (signal.SIGKILL, 0.9),
           (signal.SIGKILL, 0.95), (signal.SIGKILL, 0.98), (signal.SIGKILL, 1.0), (signal.SIGKILL, 1.03),
           (signal.SIGKILL, 1.06)]


def test_killed_runs_leave_the_old_or_the_new_set(tmp_path):
    out, old = _old_set(tmp_path)
    command = [*SYNTH, "solve", str(PROBLEM), "-o", str(out), "--no-refine", "--no-tradeoffs", "--json"]
    subprocess.run(command, capture_output=True, timeout=300)  # warm caches: the runs below are timed
    out.rename(tmp_path / "warm-up")
    out, old = _old_set(tmp_path)
    start = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, timeout=300)
    full = time.perf_counter() - start
    assert finished.returncode == 0, finished.stderr.decode()
    json.loads(finished.stdout, parse_constant=lambda name: pytest.fail(f"{name} in --json output"))
    assert _is_complete_new_set(out)
    out.rename(tmp_path / "first")
    out, old = _old_set(tmp_path)
    seen: list[str] = []
    for i, (sig, fraction) in enumerate(MOMENTS):
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(fraction * full)
        sent = time.perf_counter()
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=60)
        stopped = time.perf_counter() - sent
        if process.returncode not in (0, 3):  # the run ended before the signal: a normal finish
            if sig is signal.SIGINT:
                # 130 once the CLI is loaded; a Ctrl-C while Python still imports it ends the
                # process by SIGINT (a shell shows 130 too)
                assert process.returncode in (130, -signal.SIGINT), stderr.decode()
                assert stopped < 1.0, f"Ctrl-C took {stopped:.2f} s"
                if process.returncode == 130:
                    assert b"Traceback" not in stderr and b"interrupted" in stderr
            else:
                assert process.returncode == -signal.SIGKILL
        if _snapshot(out) == old:
            seen.append("old")
        else:
            assert _is_complete_new_set(out), sorted(_snapshot(out))
            seen.append("new")
            out.rename(tmp_path / f"done-{i}")  # the next moment starts from the old set again
            out, old = _old_set(tmp_path)
    assert "old" in seen, seen
    # the next run cleans what a SIGKILL left beside the folder
    assert subprocess.run(command, capture_output=True, timeout=300).returncode == 0
    assert _is_complete_new_set(out)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".synth-")]


def _largest_space(layers: int) -> str:
    """Near the format's limits: 5.1 M hardware points (8 M allowed; clocks stop at the 7 nm node's 1.456 GHz), hardware points x batch
    sizes (128 M allowed) and ~6 M per-layer table cells (6 M allowed) with `layers` layers."""
    rows = "".join(f"        - {{name: l{i}, type: gemm, m: 64, k: 512, n: 512}}\n" for i in range(layers))
    return ("name: largest\nworkloads:\n  - name: w\n    scenario: server\n    latency_ms: 100\n    qps: 100\n"
            "    model:\n      name: big\n      layers:\n" + rows +
            "space:\n  array_dims: [8, 16, 32, 64, 128, 256, 512, 1024]\n  cores: [1, 2, 4, 8, 16]\n"
            "  clock_ghz: {min: 0.2, max: 1.4, step: 0.1}\n  sram_mib: [0.5, 1, 2, 4, 8, 16, 32, 64, 128]\n"
            "  chips: [1, 2, 3, 4, 5, 6, 7, 8]\n"
            "  batch: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256]\n")


@pytest.mark.bounded
def test_largest_accepted_space_stays_under_2_gib(tmp_path, cli):
    path = tmp_path / "largest.yaml"
    path.write_text(_largest_space(522))
    assert cli("check", path).code == 0
    bigger = tmp_path / "bigger.yaml"
    bigger.write_text(_largest_space(524))
    cli("check", bigger).rejected("table cells")
    # Measured in a child of a child, so that only that run's peak counts.
    measure = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
               "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    run = subprocess.run([sys.executable, "-c", measure, *SYNTH, "solve", str(path), "--no-refine",
                          "--time-limit", "5", "--json"], check=True, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    peak_kib = int(run.stdout.strip())
    assert peak_kib < 2 * 1024 * 1024, f"peak {peak_kib / 1024:.0f} MiB"
