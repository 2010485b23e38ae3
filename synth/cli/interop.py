"""`synth import` (an ONNX model's layer table, written as an inline model) and `synth export`
(a design to SCALE-Sim, Timeloop v4 / AccelForge or ZigZag input files)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from synth.cli.common import EXIT_BAD_INPUT, err, fail, out
from synth.errors import Problem, SpecError


def parse_dims(text: str) -> dict[str, int]:
    """`N=1,seq=128` as {"N": 1, "seq": 128}; SpecError naming the bad item."""
    dims: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        if not name or not value.strip().isdigit() or int(value) < 1:
            raise SpecError([Problem("--dims", name or item, f"must be NAME=VALUE with a whole number "
                                     f">= 1, got {item!r}")])
        dims[name.strip()] = int(value)
    return dims


def print_layer_table(console, model, note: str = "") -> None:
    from synth.models.table import layer_rows

    table = Table(title=f"{model.name}: {model.macs / 1e9:.4g} GMAC, {model.params / 1e6:.4g} M params"
                  + (f" ({note})" if note else ""), title_justify="left")
    for column in ("layer", "type", "GEMM M x K x N", "MACs", "weights", "count"):
        table.add_column(column, justify="left" if column in ("layer", "type", "GEMM M x K x N") else "right")
    for row in layer_rows(model):
        table.add_row(row.name, row.type, row.gemm or f"vector {row.vector_ops} ops", f"{row.macs:,}",
                      f"{row.weights:,}", str(row.count))
    console.print(table)


def register_interop_commands(app: typer.Typer) -> None:
    """Add `import` and `export` to the synth CLI."""
    app.command(name="import")(import_command)
    app.command(name="export")(export_command)


def import_command(
    model_file: Annotated[Path, typer.Argument(help="ONNX model file.", show_default=False)],
    dims: Annotated[str, typer.Option("--dims", help="Symbolic dimensions, e.g. N=1,seq=128.")] = "",
    out_file: Annotated[Path | None, typer.Option("-o", "--out", help="Write the layer table as an "
                                                     "inline model (YAML) for a requirements file (default: only print the table).")] = None,
    name: Annotated[str | None, typer.Option(help="Model name (default: the file name).")] = None,
) -> None:
    """Import an ONNX model: print its per-sample layer table; -o writes it as an inline model."""
    import yaml

    from synth.models.onnx.importer import import_onnx
    from synth.models.table import inline_model

    try:
        imported = import_onnx(model_file, key="model", dims=parse_dims(dims) or None, name=name)
    except Exception as exc:  # noqa: BLE001 - mapped to exit codes
        fail(exc)
    shapes = ", ".join(f"{k} {list(v)}" for k, v in imported.input_shapes.items())
    note = f"inputs {shapes}" + (f"; batch pinned to 1 on {', '.join(imported.batch_inputs)}"
                                 if imported.batch_inputs else "")
    print_layer_table(out, imported.model, note)
    if imported.folded_batchnorms or imported.int8_layers:
        out.print(f"{imported.folded_batchnorms} BatchNormalization folded into convolutions; "
                  f"{imported.int8_layers} int8 layer(s) from quantized operators")
    if out_file is not None:
        header = (f"# Inline model imported by `synth import` from {model_file.name} ({note}).\n"
                  f"# Use it in a requirements file as a workload's `model:` (paste this mapping).\n")
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(header + yaml.safe_dump(inline_model(imported.model), sort_keys=False))
        out.print(f"wrote {out_file}")


def export_command(
    design_file: Annotated[Path, typer.Argument(help="Design file (design.yaml from `synth solve -o`).",
                                                show_default=False)],
    req_file: Annotated[Path, typer.Option("--req", help="Requirements file the design was made for.")],
    to: Annotated[str, typer.Option("--to", help="scalesim | timeloop | zigzag (comma-separated for several)")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Directory to write the files into.")],
) -> None:
    """Export a design and its workloads to a peer tool's input files."""
    from synth.api import load_design, load_requirements

    try:
        targets = parse_targets(to)
        req = load_requirements(req_file)
        design = load_design(design_file)
        written = write_exports(req, design, targets, out_dir, design_source=str(design_file))
    except Exception as exc:  # noqa: BLE001 - mapped to exit codes
        fail(exc)
    for path in written:
        out.print(f"wrote {path}")


def parse_targets(text: str) -> tuple[str, ...]:
    from synth.interop.export_common import EXPORT_TARGETS

    targets = tuple(t.strip().lower() for t in text.split(",") if t.strip())
    unknown = [t for t in targets if t not in EXPORT_TARGETS]
    if unknown or not targets:
        raise SpecError([Problem("--to", "", f"must be one or more of {', '.join(EXPORT_TARGETS)}, "
                                 f"got {text!r}")])
    return targets


def write_exports(req, design, targets, out_dir: Path, *, design_source: str = "<design>") -> list[Path]:
    """Write each target's files under out_dir/<target>/; the paths written."""
    from synth.interop.export_common import export_input, write_files
    from synth.interop.exporters import EXPORTERS

    export = export_input(req, design, design_source=design_source)
    written: list[Path] = []
    for target in targets:
        written += write_files(EXPORTERS[target](export), out_dir / target)
    return written


def show_model(name: str) -> None:
    """`synth models --show NAME`: a built-in model's layer table."""
    from synth.models import BUILTIN_MODELS

    if name not in BUILTIN_MODELS:
        err.print(f"error: --show must name a built-in model ({', '.join(BUILTIN_MODELS)}), got {name!r}")
        raise typer.Exit(EXIT_BAD_INPUT)
    print_layer_table(out, BUILTIN_MODELS[name]())


def export_beside_report(req, result, targets_text: str | None, out_dir: Path) -> None:
    """`synth solve -o DIR --export ...`: the chosen design's exports under DIR/<target>/."""
    if not targets_text or result.design is None:
        return
    from synth.api import load_design

    try:
        write_exports(req, load_design(result.design), parse_targets(targets_text), out_dir)
    except Exception as exc:  # noqa: BLE001 - mapped to exit codes
        fail(exc)
