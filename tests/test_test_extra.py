"""The test extra lists every package a test imports (a fresh venv with `.[test]` runs them all)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirement_names(specs: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in specs}


def _imported_top_level() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "importorskip"
                  and node.args and isinstance(node.args[0], ast.Constant)):
                names.add(str(node.args[0].value).split(".")[0])
    return names


def test_every_imported_package_is_declared():
    local = {"synth", "tests", "conftest"} | {p.stem for p in (ROOT / "tests").rglob("*.py")}
    declared = _requirement_names(PROJECT["dependencies"]) | _requirement_names(
        PROJECT["optional-dependencies"]["test"])
    to_dist = packages_distributions()
    missing = {}
    for name in sorted(_imported_top_level() - local - set(sys.stdlib_module_names)):
        dists = {d.lower().replace("_", "-") for d in to_dist.get(name, [name])}
        if not dists & declared:
            missing[name] = sorted(dists)
    assert not missing, f"imported by tests but not in [project.optional-dependencies].test: {missing}"


def test_linters_are_in_the_test_extra():
    assert {"ruff", "mypy", "import-linter", "jsonschema"} <= _requirement_names(
        PROJECT["optional-dependencies"]["test"])
