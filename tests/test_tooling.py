"""The shape of the code, kept by tools (STYLE.md rules 1, 10, 12): the import-linter layers
contract, ruff's lint over the whole tree, mypy strict on the vocabulary, the result records,
the spec and the cost core, and modules under 400 lines. The tools are in the test extra, so a missing one is a
failure, not a skip."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
MAX_MODULE_LINES = 400
STRICT_MODULES = ("synth/vocabulary.py", "synth/results", "synth/spec", "synth/cost")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: `pip install -e '.[test]'` brings it"
    return found


def test_import_linter_contracts_are_kept():
    done = _run(_tool("lint-imports"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "broken" in done.stdout and "0 broken" in done.stdout


def test_ruff_finds_nothing():
    done = _run(_tool("ruff"), "check", "synth", "tests", "benchmarks", "--output-format", "concise")
    assert done.returncode == 0, done.stdout[-3000:]


def test_mypy_strict_on_the_shared_records():
    done = _run(_tool("mypy"), "--follow-imports=silent", *STRICT_MODULES)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("path", sorted((ROOT / "synth").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path):
    lines = len(path.read_text().splitlines())
    assert lines < MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concept"
