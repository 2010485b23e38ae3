"""Console tables fit 80 columns without cutting a number, and layer names are shown in full."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from synth.cli.render import _num

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "report" / "search_ranking_tradeoffs.json"


def test_engineering_notation():
    assert _num(4.118e-10) == "411.8e-12"
    assert _num(36990.0) == "36.99e3"
    assert _num(999_960.0) == "1e6"  # rounding carries into the next power of a thousand
    assert _num(1211.4) == "1211" and _num(0.72) == "0.72" and _num(float("inf")) == "inf" and _num(None) == "-"


def test_eval_with_layers_fits_80_columns_and_names_every_layer(tmp_path):
    design = tmp_path / "design.yaml"
    design.write_text(yaml.safe_dump(json.loads(FIXTURE.read_text())["design"]))
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-c", "import sys; from synth.cli import run; run()", "eval",
                           str(ROOT / "problems" / "search_ranking.yaml"), "--design", str(design), "--layers",
                           "--no-max-qps", "--json"], capture_output=True, text=True, env=env, timeout=300)
    names = [layer["name"] for w in json.loads(done.stdout)["workloads"] for layer in w["layers"]]
    done = subprocess.run([sys.executable, "-c", "import sys; from synth.cli import run; run()", "eval",
                           str(ROOT / "problems" / "search_ranking.yaml"), "--design", str(design), "--layers",
                           "--no-max-qps"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in done.stdout
    table = lines[next(i for i, line in enumerate(lines) if line.startswith("Layers of")) + 1:]
    width = next(line for line in table if line.strip().startswith("layer")).index(" x ")
    first_column = "".join(line[:width].strip() for line in table if "───" not in line)
    position = 0
    for name in names:  # every name, in full and in order, once the folded lines are joined
        position = first_column.index(name, position) + len(name)


def test_solve_and_tradeoffs_output_fit_80_columns():
    env = {**os.environ, "COLUMNS": "80"}
    face = str(ROOT / "problems" / "mobile_face_recognition.yaml")
    for args in (["solve", face, "--no-refine"], ["tradeoffs", face, "--axes", "precision,cores"]):
        done = subprocess.run([sys.executable, "-c", "import sys; from synth.cli import run; run()", *args],
                              capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        assert max(len(line) for line in done.stdout.splitlines()) <= 80, done.stdout
        assert "…" not in done.stdout
    assert "int8+fp16" in done.stdout  # the longest precision name, whole


def test_every_option_states_its_default():
    """`--help` shows every default: typer prints `[default: ...]` for a value; an option whose
    default is None (or a flag that is off) says in its help what happens without it."""
    import typer

    from synth.cli import app

    missing = []
    for name, command in typer.main.get_command(app).commands.items():
        for param in command.params:
            if param.param_type_name != "option" or param.required or param.is_flag:
                continue
            if param.default is None and "default" not in (param.help or ""):
                missing.append(f"{name} {param.opts[0]}")
    assert missing == []
