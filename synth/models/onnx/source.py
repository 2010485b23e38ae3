"""A requirements file's `model: {onnx: path, inputs:, dims:}` as a Model.

The path is taken relative to the requirements file's folder. A missing, empty or oversized file
is reported before the `onnx` package is imported (that import alone costs ~1.3 s of CPU), so
`synth check` stays fast on the common mistakes; errors name the requirements file and key, and
end with the ONNX file.
"""

from __future__ import annotations

from pathlib import Path

from synth.errors import Problem, SpecError
from synth.models.layers import Model
from synth.models.onnx.file import check_onnx_file


def onnx_path(spec, source: str) -> Path:
    path = Path(spec.onnx).expanduser()
    if not path.is_absolute() and source and not source.startswith("<"):
        path = Path(source).resolve().parent / path
    return path


def onnx_model_for_requirements(spec, source: str, key: str) -> Model:
    path = onnx_path(spec, source)
    try:
        check_onnx_file(path, f"{key}.onnx")
        # Imported here, not at the top: only requirements that name an ONNX file pay for `onnx`.
        from synth.models.onnx.importer import import_onnx_cached

        return import_onnx_cached(path, key=key, inputs=spec.inputs, dims=spec.dims).model
    except SpecError as exc:
        raise SpecError([Problem(source, p.path, f"{p.message} (ONNX file {p.source})") if p.source == str(path) else p
                         for p in exc.problems]) from None
