"""The checks on an ONNX file that need no `onnx` package (importing it costs ~1.3 s of CPU): the
file exists, is not empty, within `MAX_FILE_BYTES`, and not another format handed over by mistake."""

from __future__ import annotations

from pathlib import Path

from synth.errors import Problem, SpecError

MAX_FILE_BYTES = 1 << 30  # 1 GiB: the graph plus any weights stored inside the file

# Leading bytes of formats people hand over by mistake, with what they probably are.
_FOREIGN_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (a PyTorch .pt/.pth checkpoint or a Keras .keras file?)"),
    (b"\x89HDF", "an HDF5 file (a Keras .h5 model?)"),
    (b"\x80\x02", "a Python pickle"),
    (b"\x80\x04", "a Python pickle"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"TFL3", "a TensorFlow Lite flatbuffer"),
    (b"\x7fELF", "an executable"),
    (b"GGUF", "a GGUF (llama.cpp) file"),
)


def problem(source: str, key: str, message: str) -> SpecError:
    return SpecError([Problem(source, key, message)])


def check_onnx_file(path: Path, key: str) -> int:
    """The file's size; SpecError when it is missing, a directory, empty or too large."""
    source = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise problem(source, key, "ONNX file not found") from None
    except OSError as exc:
        raise problem(source, key, f"cannot read the ONNX file: {exc.strerror}") from None
    if path.is_dir():
        raise problem(source, key, "is a directory, expected an .onnx file")
    if size == 0:
        raise problem(source, key, "the ONNX file is empty")
    if size > MAX_FILE_BYTES:
        raise problem(source, key, f"the .onnx file must be at most {MAX_FILE_BYTES} bytes (larger models "
                      f"must keep their weights in external data files), got {size}")
    return size


def read_onnx_bytes(path: Path, key: str) -> bytes:
    """The file's bytes once `check_onnx_file` passes and no foreign format is recognised."""
    check_onnx_file(path, key)
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise problem(source, key, f"cannot read the ONNX file: {exc.strerror}") from None
    for magic, what in _FOREIGN_MAGIC:
        if data.startswith(magic):
            raise problem(source, key, f"must be an ONNX model (a ModelProto protobuf), got {what}")
    if _looks_like_text(data[:512]):
        raise problem(source, key, "must be an ONNX model (a binary ModelProto), got a text file")
    return data


def _looks_like_text(head: bytes) -> bool:
    """Printable UTF-8 (a ModelProto starts with the control byte 0x08, its ir_version tag)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\t\r\n" for ch in text)
