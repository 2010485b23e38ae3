"""`synth tradeoffs REQ`: the seed's architecture trade-offs for a requirements file: the best
design with each array size, PE precision, core count (and the clock it needs) and batch size,
each row a solve with that one variable fixed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from synth.cli.common import EXIT_BAD_INPUT, err, fail, out, quiet_libraries
from synth.cli.progress import progress_bar
from synth.cli.render import print_architecture
from synth.errors import Problem, SpecError

AXES_HELP = "Comma-separated: array, precision, cores, batch."


def tradeoffs(
    file: Annotated[Path, typer.Argument(help="Requirements file (YAML).", show_default=False)],
    axes: Annotated[str, typer.Option("--axes", help=AXES_HELP)] = "array,precision,cores,batch",
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Seed of the solver and simulator.")] = 0,
    max_milp_solves: Annotated[int, typer.Option(min=1, help="Work budget of each row: MILP solves.")] = 8,
    milp_max_nodes: Annotated[int, typer.Option(min=1, help="Work budget of each row: branch-and-bound "
                                                "nodes per MILP solve.")] = 500,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Safety stop for all rows, seconds "
                                              "(a row it cuts short says it is not proven).")] = 600.0,
    out_dir: Annotated[Path | None, typer.Option("-o", "--out", help="Write tradeoffs.json and "
                                                    "tradeoffs.png here (default: print only).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
) -> None:
    """The best design with each array size, precision, core count and batch size (exact rows)."""
    from synth.api import load_requirements
    from synth.results import to_json
    from synth.solve.architecture import AXES, architecture_tradeoffs
    from synth.solve.tradeoffs import RESOLVE

    chosen = tuple(a.strip() for a in axes.split(",") if a.strip())
    unknown = [a for a in chosen if a not in AXES]
    if unknown or not chosen:
        fail(SpecError([Problem("<command line>", "--axes", f"must be within {list(AXES)}, got {axes!r}")]))
    if not time_limit > 0:
        err.print(f"error: --time-limit must be > 0 seconds, got {time_limit}")
        raise typer.Exit(EXIT_BAD_INPUT)
    quiet_libraries()
    budget = RESOLVE.with_changes(max_milp_solves=max_milp_solves, milp_max_nodes=milp_max_nodes)
    with progress_bar(enabled=not as_json) as step:
        try:
            req = load_requirements(file)
            rows = architecture_tradeoffs(req, seed=seed, budget=budget, axes=chosen, time_limit_s=time_limit,
                                          progress=step)
        except Exception as exc:  # noqa: BLE001 - mapped to exit codes
            fail(exc)
    if out_dir is not None:
        from synth.report.blocks import Figure
        from synth.report.plots import render_png

        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "tradeoffs.json").write_text(json.dumps(to_json(rows), indent=2))
        data = {"rows": to_json(rows), "unit": req.objective.unit, "chosen": {},
                "titles": {"array": "Systolic array size", "precision": "PE precision",
                           "cores": "Core count and the clock it needs", "batch": "Batch size"}}
        (out_dir / "tradeoffs.png").write_bytes(render_png(Figure("tradeoffs", "", "", "architecture", data)))
    if as_json:
        print(json.dumps(to_json(rows), indent=2))
        return
    out.print(f"objective {req.objective.value} ({req.objective.unit}); each row: the best design with that "
              f"value fixed, work budget {max_milp_solves} MILP solves x {milp_max_nodes} nodes", soft_wrap=False)
    print_architecture(out, rows, req.objective.unit)
    if out_dir is not None:
        out.print(f"wrote {out_dir}/tradeoffs.json and {out_dir}/tradeoffs.png")
