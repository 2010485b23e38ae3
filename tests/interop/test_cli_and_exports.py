"""`synth import`, `synth models --show`, `synth export` and `synth solve --export`: what they print
and write, with expected figures computed by hand (SCALE-Sim's closed form, docs/interop.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import onnx
import yaml
from onnx_builders import depthwise_block, model, transformer_block, weight

from synth.api import load_design, load_requirements
from synth.interop.export_common import export_input
from synth.interop.export_scalesim import export_scalesim
from synth.interop.export_timeloop import export_timeloop
from synth.interop.export_zigzag import export_zigzag
from synth.models.onnx.importer import import_onnx
from synth.spec.resolve import resolve_model

ROOT = Path(__file__).parents[2]
CLI = [sys.executable, "-c", "import sys; from synth.cli import main; sys.exit(main(sys.argv[1:]))"]


def tiny_model():
    """conv 3x3 4->8 on 8x8 (pad 1), depthwise 3x3 on 8 channels (6x6 out), flatten, fc 288->10."""
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 8, 8])
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             helper.make_node("Conv", ["r1", "w2"], ["c2"], name="dw", group=8),
             helper.make_node("Flatten", ["c2"], ["f"], name="flat"),
             helper.make_node("MatMul", ["f", "w3"], ["y"], name="fc")]
    return model(nodes, [x], [weight("w1", (8, 4, 3, 3)), weight("w2", (8, 1, 3, 3)), weight("w3", (288, 10))])


def write_case(folder: Path, onnx_model, *, dataflow="ws", batch=2, rows=8, cols=8, dims=None) -> tuple[Path, Path]:
    onnx.save(onnx_model, folder / "m.onnx")
    spec = {"onnx": "m.onnx", **({"dims": dims} if dims else {})}
    (folder / "req.yaml").write_text(yaml.safe_dump({"name": "t", "workloads": [
        {"name": "w", "model": spec, "scenario": "offline"}]}))
    (folder / "design.yaml").write_text(yaml.safe_dump({
        "array_rows": rows, "array_cols": cols, "dataflow": dataflow, "precision": "int8", "clock_ghz": 1.0,
        "sram_mib": 1, "memory": "lpddr5", "workloads": {"w": {"batch": batch}}}))
    return folder / "req.yaml", folder / "design.yaml"


def _export(req_path, design_path):
    return export_input(load_requirements(req_path), load_design(design_path))


def test_import_writes_an_inline_model_a_requirements_file_accepts(tmp_path, run_cli):
    onnx.save(transformer_block(), tmp_path / "block.onnx")
    code, out, err = run_cli("import", tmp_path / "block.onnx", "--dims", "seq=8", "-o", tmp_path / "layers.yaml")
    assert code == 0, err
    assert "q_proj_MatMul" in out and "8 x 64 x 64" in out and "8 x 16 x 8 x4" in out
    inline = yaml.safe_load((tmp_path / "layers.yaml").read_text())
    (tmp_path / "req.yaml").write_text(yaml.safe_dump({"name": "t", "workloads": [
        {"name": "w", "model": inline, "scenario": "offline"}]}))
    req = load_requirements(tmp_path / "req.yaml")
    from_yaml = resolve_model(req.workloads[0].model, req.source, "workloads[0].model")
    imported = import_onnx(tmp_path / "block.onnx", dims={"seq": 8}).model
    assert from_yaml.layers == imported.layers
    assert from_yaml.macs == imported.macs == 401_408


def test_models_show_prints_a_builtin_table(run_cli):
    code, out, _ = run_cli("models", "--show", "mobilenet_v1")
    assert code == 0 and "dw1" in out and "pw13" in out and "12544 x 27 x 32" in out  # conv1: 112*112 x 3*3*3 x 32
    code, _, err = run_cli("models", "--show", "nope")
    assert code == 2 and "built-in model" in err


def test_scalesim_export_hand_computed(tmp_path):
    files = export_scalesim(_export(*write_case(tmp_path, tiny_model())))
    # batch 2 folds into M for layers with weights; GEMM topology rows are "Layer, M, N, K,"
    assert files["w_topology.csv"] == ("Layer, M, N, K,\n000_conv1, 128, 8, 36,\n001_dw_Conv, 72, 1, 9,\n"
                                       "002_fc_MatMul, 2, 10, 288,\n")
    assert files["w_repeats.csv"].splitlines()[2] == "001_dw_Conv, 8, depthwise,"  # one GEMM per channel
    # ws on 8x8: folds = ceil(K/8) * ceil(N/8), each 2R + C + T - 2 = 22 + M cycles
    expected = [5 * (22 + 128), 2 * (22 + 72), 36 * 2 * (22 + 2)]
    rows = [line.split(", ") for line in files["w_expected.csv"].splitlines()[1:]]
    assert [int(r[1]) for r in rows] == expected == [750, 188, 1728]
    assert [int(r[2].rstrip(",")) for r in rows] == [749, 187, 1727]  # SCALE-Sim counts from 0
    cfg = files["w.cfg"]
    for line in ("ArrayHeight = 8", "ArrayWidth = 8", "Dataflow = ws", "FilterSramSzkB = 512",
                 "IfmapSramSzkB = 256", "OfmapSramSzkB = 256", "InterfaceBandwidth = USER",
                 "Bandwidth = 51"):  # LPDDR5 51.2 GB/s at 1 GHz, 1-byte words
        assert line in cfg


def test_matmul_rows_repeat_per_sample_and_head(tmp_path):
    export = _export(*write_case(tmp_path, transformer_block(), batch=2, dims={"seq": 8}))
    gemms = {g.layer: g for g in export.workloads[0].gemms}
    assert (gemms["qk_MatMul"].m, gemms["qk_MatMul"].repeats) == (8, 2 * 4)  # per sample, per head
    assert (gemms["q_proj_MatMul"].m, gemms["q_proj_MatMul"].repeats) == (16, 3)  # batch folded, 3 projections


def test_zigzag_and_timeloop_exports_describe_the_design(tmp_path):
    export = _export(*write_case(tmp_path, tiny_model(), dataflow="os"))
    zz = export_zigzag(export)
    accelerator = yaml.safe_load(zz["w_accelerator.yaml"])
    assert accelerator["operational_array"]["sizes"] == [8, 8]
    assert accelerator["memories"]["global_buffer"]["size"] == 8 * 2**20
    workload = yaml.safe_load(zz["w_workload.yaml"])
    assert [layer["loop_sizes"] for layer in workload] == [[128, 8, 36], [72, 1, 9], [2, 10, 288]]
    mapping = yaml.safe_load(zz["w_mapping.yaml"])
    assert mapping[0]["spatial_mapping"] == {"D1": ["D0, 8"], "D2": ["D1, 8"]}  # os: rows M, cols N
    assert mapping[2]["spatial_mapping"] == {"D1": ["D0, 8"], "D2": ["D1, 1"]}  # capped at N = 1
    tl = export_timeloop(export)
    assert "- !Fanout" in tl["arch.yaml"] and "keep: output" in tl["arch.yaml"]  # os keeps outputs
    assert sorted(tl) == ["arch.yaml", "w/gemm_128x36x8.workload.yaml", "w/gemm_2x288x10.workload.yaml",
                          "w/gemm_72x9x1.workload.yaml", "w/repeats.csv"]
    shape = yaml.safe_load(tl["w/gemm_72x9x1.workload.yaml"])["workload"]["shape"]
    assert shape == {"m": "0 <= m < 72", "n": "0 <= n < 1", "k": "0 <= k < 9"}


def test_export_cli_rejects_an_unknown_target(tmp_path, run_cli):
    req, design = write_case(tmp_path, tiny_model())
    code, _, err = run_cli("export", design, "--req", req, "--to", "maestro", "-o", tmp_path / "x")
    assert code == 2 and "scalesim, timeloop, zigzag" in err


def test_onnx_requirements_solve_end_to_end_with_exports(tmp_path):
    onnx.save(depthwise_block(), tmp_path / "dw.onnx")
    (tmp_path / "req.yaml").write_text(yaml.safe_dump({
        "name": "onnx-e2e", "objective": "min_power", "workloads": [
            {"name": "cam", "model": {"onnx": "dw.onnx"}, "scenario": "single_stream", "latency_ms": 5}],
        "space": {"array_dims": [8, 16], "cores": [1], "dataflows": ["ws"], "precisions": ["int8"],
                  "sram_mib": [1], "memories": ["lpddr5"], "batch": [1], "chips": [1]}}))
    proc = subprocess.run([*CLI, "solve", tmp_path / "req.yaml", "-o", tmp_path / "out", "--no-refine",
                           "--no-tradeoffs", "--export", "scalesim,timeloop,zigzag"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    design = yaml.safe_load((tmp_path / "out" / "design.yaml").read_text())
    assert design["array_rows"] in (8, 16)
    for name in ("scalesim/cam_topology.csv", "timeloop/arch.yaml", "zigzag/cam_workload.yaml"):
        assert (tmp_path / "out" / name).exists(), name
