"""Each export run by the real tool, in its own virtualenv (.ci/peer-tools.sh makes them beside the
checkout; SYNTH_SCALESIM_PYTHON / SYNTH_ZIGZAG_PYTHON / SYNTH_ACCELFORGE_PYTHON override). A tool
that is not installed skips, saying why."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest
from onnx_builders import transformer_block
from test_cli_and_exports import _export, tiny_model, write_case

from synth.interop.export_common import write_files
from synth.interop.export_scalesim import export_scalesim
from synth.interop.export_timeloop import export_timeloop
from synth.interop.export_zigzag import export_zigzag

pytestmark = pytest.mark.peer_tools
ROOT = Path(__file__).parents[2]


def tool_python(tool: str, module: str) -> str:
    """The interpreter of a peer tool's venv, or skip saying why it cannot be used."""
    python = os.environ.get(f"SYNTH_{tool.upper()}_PYTHON") or str(ROOT / f".venv-{tool}" / "bin" / "python")
    if not Path(python).exists():
        pytest.skip(f"{tool} is not installed: {python} does not exist (run .ci/peer-tools.sh, or set "
                    f"SYNTH_{tool.upper()}_PYTHON)")
    probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        tail = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"{tool} cannot be imported under {python}: {tail}. .ci/peer-tools.sh reports why it "
                    f"could not be installed (accelforge: its dependency hwcomponents is served for "
                    f"Python >= 3.12 only)")
    return python


SCALESIM_DRIVER = """\
import sys
from scalesim.scale_sim import scalesim
config, topology, layout, out = sys.argv[1:5]
sim = scalesim(save_disk_space=True, verbose=False, config=config, topology=topology, layout=layout,
               input_type_gemm=True)
sim.run_scale(top_path=out)
"""


SCALESIM_CASES = [("tiny", "ws"), ("tiny", "os"), ("tiny", "is"), ("transformer", "ws"), ("transformer", "os")]


@pytest.mark.parametrize("model_name,dataflow", SCALESIM_CASES)
def test_scalesim_compute_cycles_equal_synths_figure(model_name, dataflow, tmp_path):
    python = tool_python("scalesim", "scalesim.scale_sim")
    onnx_model, dims = (tiny_model(), None) if model_name == "tiny" else (transformer_block(hidden=32, heads=2, ffn=64),
                                                                        {"seq": 8})
    files = export_scalesim(_export(*write_case(tmp_path, onnx_model, dataflow=dataflow, dims=dims)))
    out = tmp_path / "exp"
    write_files(files, out)
    (out / "driver.py").write_text(SCALESIM_DRIVER)
    proc = subprocess.run([python, "driver.py", "w.cfg", "w_topology.csv", "w_layout.csv", "out"], cwd=out,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(out / "out" / "w" / "COMPUTE_REPORT.csv", newline="") as f:
        rows = [[cell.strip() for cell in row] for row in csv.reader(f) if row]
    header = rows[0]
    total, stall = header.index("Total Cycles"), header.index("Stall Cycles")
    scalesim = [int(float(r[total])) - int(float(r[stall])) for r in rows[1:]]
    expected = [int(line.split(", ")[2].rstrip(",")) for line in files["w_expected.csv"].splitlines()[1:]]
    assert scalesim == expected


ZIGZAG_DRIVER = """\
import json, sys
from zigzag.api import get_hardware_performance_zigzag
energy, latency, cmes = get_hardware_performance_zigzag(sys.argv[1], sys.argv[2], sys.argv[3], lpf_limit=4,
    dump_folder="zz_out", loma_show_progress_bar=False)
print(json.dumps({"energy": energy, "latency": latency, "layers": len(cmes[0][1]) if cmes else 0}))
"""


@pytest.mark.parametrize("dataflow", ["ws", "os", "is"])
def test_zigzag_accepts_the_export_and_runs(dataflow, tmp_path):
    python = tool_python("zigzag", "zigzag.api")
    export = _export(*write_case(tmp_path, tiny_model(), dataflow=dataflow))
    out = tmp_path / "exp"
    write_files(export_zigzag(export), out)
    (out / "driver.py").write_text(ZIGZAG_DRIVER)
    proc = subprocess.run([python, "driver.py", "w_workload.yaml", "w_accelerator.yaml", "w_mapping.yaml"],
                          cwd=out, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    # no mapping beats a fully used 8x8 array: sum over layers of ceil(MACs / 64) cycles
    ideal = sum(-(-g.m * g.k * g.n // 64) for g in export.workloads[0].gemms)
    assert result["energy"] > 0 and result["latency"] >= ideal


ACCELFORGE_DRIVER = """\
import sys
import accelforge as af
spec = af.Spec.from_yaml(sys.argv[1], sys.argv[2])
print(type(spec).__name__)
"""


def test_accelforge_accepts_the_export(tmp_path):
    python = tool_python("accelforge", "accelforge")
    export = _export(*write_case(tmp_path, tiny_model()))
    out = tmp_path / "exp"
    files = export_timeloop(export)
    write_files(files, out)
    (out / "driver.py").write_text(ACCELFORGE_DRIVER)
    workload = next(name for name in files if name.endswith(".workload.yaml"))
    proc = subprocess.run([python, "driver.py", "arch.yaml", workload], cwd=out, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
