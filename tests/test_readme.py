"""Every command of the README runs as written: the shell commands of its ```sh blocks in
order, in a scratch folder holding a copy of problems/, each with the exit code its comment
promises (0 unless it says `exit N`), and its Python example.

Not run: `pip install ...` (this environment is the installed package) and `python -m pytest`
(the suite that runs this test). A command given twice (the two-command quick start repeats
the tour's solve) runs once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SYNTH = [sys.executable, "-c", "import sys; from synth.cli import run; sys.argv[0] = 'synth'; run()"]


def shell_commands(text: str) -> list[tuple[str, int]]:
    """(command, expected exit code) for each synth command line of the ```sh blocks."""
    found: list[tuple[str, int]] = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            for part in command.split("&&"):
                part = part.strip()
                if not part or part.startswith("pip install") or part.startswith("python -m pytest"):
                    continue
                code = re.search(r"exit (\d+)", comment)
                entry = (part, int(code.group(1)) if code else 0)
                if entry not in found:
                    found.append(entry)
    return found


def python_examples(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


COMMANDS = shell_commands(README)


def test_the_readme_has_the_tour():
    names = {c.split()[1] for c, _ in COMMANDS}
    assert {"models", "check", "schema", "solve", "eval", "serve-curve", "pareto", "tradeoffs", "report"} <= names
    outputs = [c.split("-o ")[1].split()[0] for c, _ in COMMANDS if " -o " in c]
    assert len(outputs) == len(set(outputs)), f"every example writes its own folder: {outputs}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "problems", work / "problems")
    return work


@pytest.mark.slow
@pytest.mark.parametrize(("command", "code"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_readme_command_runs(command, code, workdir):
    args = command.split()
    assert args[0] == "synth", command
    done = subprocess.run(SYNTH + args[1:], cwd=workdir, capture_output=True, text=True, timeout=900)
    assert done.returncode == code, f"{command}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


@pytest.mark.slow
@pytest.mark.parametrize("example", python_examples(README))
def test_readme_python_runs(example, workdir):
    done = subprocess.run([sys.executable, "-c", example], cwd=workdir, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
