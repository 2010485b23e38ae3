"""Malformed ONNX input: every case exits 2 from the CLI naming the problem, never a traceback,
and fast (nothing here reads more than a few kB)."""

from __future__ import annotations

import time

import onnx
import pytest
from onnx import TensorProto, helper
from onnx_builders import model, transformer_block, weight

X = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
W = weight("w", (4, 4))


def _graph(nodes, inits=(W,), inputs=(X,)):
    return model(nodes, list(inputs), list(inits))


def _write(path, data):
    if isinstance(data, onnx.ModelProto):
        data = data.SerializeToString()
    path.write_bytes(data)
    return path


def _cycle():
    nodes = [helper.make_node("Relu", ["b"], ["a"], name="first"), helper.make_node("Relu", ["a"], ["b"], name="second"),
             helper.make_node("Add", ["x", "b"], ["y"], name="out")]
    return _graph(nodes, inits=())


def _external(tmp_path, *, create: bytes | None, location="weights.bin", length=3 * 2**30):
    tensor = onnx.TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, 4])
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", str(length))):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    if create is not None:
        (tmp_path / location).write_bytes(create)
    return _graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], inits=(tensor,))


def _valid_bytes():
    return _graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")]).SerializeToString()


# (case id, file contents or a builder taking tmp_path, extra CLI args, words the error must contain)
CASES = [
    ("empty_file", b"", (), ["empty"]),
    ("truncated", lambda t: _valid_bytes()[: len(_valid_bytes()) // 2], (), ["truncated or corrupt"]),
    ("zip_magic", b"PK\x03\x04" + b"\0" * 64, (), ["ZIP archive"]),
    ("hdf5_magic", b"\x89HDF\r\n\x1a\n" + b"\0" * 64, (), ["HDF5"]),
    ("pickle_magic", b"\x80\x04\x95" + b"\0" * 64, (), ["pickle"]),
    ("text_file", b"name: not onnx\nlayers: []\n", (), ["text file"]),
    ("random_bytes", bytes(range(256)) * 4, (), ["ONNX model"]),
    ("no_graph", onnx.ModelProto(ir_version=8).SerializeToString(), (), ["graph"]),
    ("custom_domain_op", _graph([helper.make_node("FusedConv", ["x", "w"], ["y"], name="fused", domain="com.microsoft")]),
     (), ["'fused' (FusedConv)", "com.microsoft"]),
    ("unknown_op", _graph([helper.make_node("FooBar", ["x"], ["y"], name="foo")]), (), ["'foo' (FooBar)"]),
    ("if_node", _graph([helper.make_node("If", ["x"], ["y"], name="branch",
                                         then_branch=helper.make_graph([], "t", [], []),
                                         else_branch=helper.make_graph([], "e", [], []))]),
     (), ["'branch' (If)", "control flow"]),
    ("loop_node", _graph([helper.make_node("Loop", ["", ""], ["y"], name="loop",
                                           body=helper.make_graph([], "b", [], []))]), (), ["'loop' (Loop)"]),
    ("sequence_op", _graph([helper.make_node("SequenceEmpty", [], ["s"], name="seq"),
                            helper.make_node("Relu", ["x"], ["y"], name="r")]), (), ["'seq' (SequenceEmpty)"]),
    ("unknown_dim", transformer_block(), (), ["model.dims.seq", "symbolic dimension 'seq'", "'x'"]),
    ("dims_unknown_symbol", transformer_block(), ("--dims", "seq=8,tokens=4"), ["model.dims.tokens"]),
    ("dims_not_a_number", transformer_block(), ("--dims", "seq=many"), ["NAME=VALUE"]),
    ("external_data_missing", lambda t: _external(t, create=None), (), ["'weights.bin' is missing", "'w'"]),
    ("external_data_short", lambda t: _external(t, create=b"\0" * 64), (), ["truncated?", str(3 * 2**30)]),
    ("external_data_escapes", lambda t: _external(t, create=None, location="../../etc/passwd"), (),
     ["inside the model's folder"]),
    ("cycle", _cycle(), (), ["acyclic", "'first' (Relu)", "'second' (Relu)"]),
    ("dangling_input", _graph([helper.make_node("Add", ["x", "ghost"], ["y"], name="add")]), (),
     ["'add' (Add)", "'ghost'"]),
    ("shapes_do_not_match", _graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                                   inits=(weight("w", (5, 3)),)), (), ["shape inference failed"]),
    ("tensor_produced_twice", _graph([helper.make_node("Relu", ["x"], ["y"], name="a"),
                                      helper.make_node("Relu", ["x"], ["y"], name="b")], inits=()), (),
     ["produced once", "'b' (Relu)"]),
    ("only_weight_work", _graph([helper.make_node("Relu", ["w"], ["y"], name="r")]), (), ["compute something"]),
    ("input_without_shape", _graph([helper.make_node("Relu", ["x"], ["y"], name="r")], inits=(),
                                   inputs=(helper.make_tensor_value_info("x", TensorProto.FLOAT, None),)),
     (), ["model.inputs.x", "declares no tensor shape"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed_onnx_exits_2_naming_the_problem(case, tmp_path, run_cli):
    name, content, args, words = case
    if callable(content):
        content = content(tmp_path)
    path = _write(tmp_path / f"{name}.onnx", content)
    start = time.perf_counter()
    code, out, err = run_cli("import", path, *args)
    assert code == 2, (code, out, err)
    assert "Traceback" not in out + err
    flat = " ".join(err.split())
    for word in words:
        assert word in flat, (word, err)
    assert time.perf_counter() - start < 5


def test_missing_file_and_directory(tmp_path, run_cli):
    code, _, err = run_cli("import", tmp_path / "nope.onnx")
    assert code == 2 and "ONNX file not found" in err
    code, _, err = run_cli("import", tmp_path)
    assert code == 2 and "directory" in err


def test_oversized_file_and_too_many_nodes(tmp_path, run_cli, monkeypatch):
    from synth.models.onnx import file as onnx_file
    from synth.models.onnx import load as onnx_load

    path = _write(tmp_path / "m.onnx", transformer_block())
    monkeypatch.setattr(onnx_file, "MAX_FILE_BYTES", 100)
    code, _, err = run_cli("import", path, "--dims", "seq=8")
    assert code == 2 and "must be at most 100 bytes" in err
    monkeypatch.setattr(onnx_file, "MAX_FILE_BYTES", 1 << 30)
    monkeypatch.setattr(onnx_load, "MAX_NODES", 5)
    code, _, err = run_cli("import", path, "--dims", "seq=8")
    assert code == 2 and "at most 5 nodes" in err


def test_requirements_naming_a_bad_onnx_file_exit_2_with_the_key(tmp_path, run_cli):
    (tmp_path / "req.yaml").write_text("name: t\nworkloads:\n  - name: w\n    model: {onnx: gone.onnx}\n"
                                       "    scenario: offline\n")
    code, _, err = run_cli("check", tmp_path / "req.yaml")
    assert code == 2 and "workloads[0].model.onnx" in err and "not found" in err
    onnx.save(transformer_block(), tmp_path / "t.onnx")
    (tmp_path / "req.yaml").write_text("name: t\nworkloads:\n  - name: w\n    model: {onnx: t.onnx}\n"
                                       "    scenario: offline\n")
    code, _, err = run_cli("check", tmp_path / "req.yaml")
    flat = " ".join(err.split())
    assert code == 2 and "workloads[0].model.dims.seq: must be given (the input 'x' has a symbolic dimension 'seq')" in flat


def test_at_least_twenty_cases():
    assert len(CASES) + 3 >= 20
