"""A model's layer table (what `synth import` and `synth models --show` print) and its form as
an inline model of a requirements file (synth/spec/requirements.py, InlineModel)."""

from __future__ import annotations

from dataclasses import dataclass

from synth.models.layers import Layer, Model


@dataclass(frozen=True, slots=True)
class TableRow:
    name: str
    type: str
    gemm: str  # "M x K x N" per sample, "x G" when G GEMMs; "" for vector layers
    macs: int  # per sample, for one instance (times `count` for the row's total)
    weights: int
    count: int
    vector_ops: int


def layer_rows(model: Model) -> tuple[TableRow, ...]:
    rows = []
    for layer in model.layers:
        gemm = layer.lower()
        shape = "" if gemm.kind == "vector" else f"{gemm.m} x {gemm.k} x {gemm.n}" + (
            f" x{gemm.groups}" if gemm.groups > 1 else "")
        rows.append(TableRow(layer.name, layer.kind, shape, gemm.macs, gemm.weight_elements, layer.count,
                             gemm.vector_ops))
    return tuple(rows)


def layer_spec(layer: Layer) -> dict:
    """One layer as a requirements-file `layers:` entry (defaults left out)."""
    spec: dict = {"name": layer.name, "type": layer.kind}
    if layer.kind in ("gemm", "matmul"):
        spec.update(m=layer.m, k=layer.k, n=layer.n)
        if layer.kind == "matmul" and layer.heads != 1:
            spec["heads"] = layer.heads
    elif layer.kind in ("conv", "depthwise"):
        spec.update(h=layer.h, w=layer.w)
        if layer.kind == "depthwise":
            spec["channels"] = layer.c_in
        else:
            spec.update(c_in=layer.c_in, c_out=layer.c_out)
        spec["kernel"] = layer.kernel
        for key, default in (("stride", 1), ("padding", 0)):
            if getattr(layer, key) != default:
                spec[key] = getattr(layer, key)
        if layer.kind == "conv" and layer.groups != 1:
            spec["groups"] = layer.groups
    else:
        spec["elements"] = layer.elements
        if layer.ops_per_element != 1:
            spec["ops_per_element"] = layer.ops_per_element
        if layer.input_elements:
            spec["input_elements"] = layer.input_elements
    if layer.count != 1:
        spec["count"] = layer.count
    return spec


def inline_model(model: Model) -> dict:
    """The `model:` mapping a requirements file accepts for this model."""
    data: dict = {"name": model.name, "layers": [layer_spec(layer) for layer in model.layers]}
    if model.extra_params:
        data["extra_params"] = model.extra_params
    return data
