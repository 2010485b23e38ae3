"""Imports flow one way (STYLE.md rule 1): the spec, the cost core, the models and the serving
layer import nothing from the solver, the refinement, the CLI or the report, nor the solver
libraries; the report imports no solver; the solver imports nothing from the CLI; and
`import synth` (and the check/eval path) does not load Pyomo.

Imports are read from the source with `ast`, so an import inside a function counts as much as
one at the top of a module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "synth"
CORE = ("spec", "cost", "models", "serving")
# The exact evaluator at the package's top level belongs to the core as much as synth/cost.
CORE_MODULES = ("evaluation.py", "results.py", "errors.py")
SOLVER_LIBRARIES = ("pyomo", "optuna", "highspy")
NOT_FROM_CORE = ("synth.solve", "synth.refine", "synth.cli", "synth.report", *SOLVER_LIBRARIES)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, absolute; `from a import b` yields a and a.b (b may be a
    module); importlib.import_module("x") and __import__("x") with a literal name count too."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                found.add(node.args[0].value)
    return found


def _matches(module: str, forbidden: tuple[str, ...]) -> bool:
    return any(module == f or module.startswith(f + ".") for f in forbidden)


def _modules(*parts: str) -> list[Path]:
    root = PACKAGE.joinpath(*parts)
    return sorted(root.rglob("*.py")) if root.is_dir() else []


CORE_FILES = [p for part in CORE for p in _modules(part)] + [PACKAGE / name for name in CORE_MODULES]


def _ids(paths):
    return [str(p.relative_to(PACKAGE)) for p in paths]


def test_the_scanner_sees_imports():
    """Guard against a vacuous pass: the solver does import Pyomo, the CLI does import synth.solve."""
    solver = set().union(*(imported_modules(p) for p in _modules("solve")))
    assert any(_matches(m, ("pyomo",)) for m in solver)
    cli = set().union(*(imported_modules(p) for p in _modules("cli")))
    assert any(_matches(m, ("synth.solve",)) for m in cli)
    assert all(part in {p.parent.name for p in CORE_FILES} for part in CORE)


@pytest.mark.parametrize("path", CORE_FILES, ids=_ids(CORE_FILES))
def test_core_imports_nothing_downstream(path):
    assert path.is_file(), path
    bad = sorted(m for m in imported_modules(path) if _matches(m, NOT_FROM_CORE))
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad} (STYLE.md rule 1)"


REPORT_FILES = _modules("report") + ([PACKAGE / "report.py"] if (PACKAGE / "report.py").is_file() else [])


@pytest.mark.skipif(not REPORT_FILES, reason="no synth/report yet")
@pytest.mark.parametrize("path", REPORT_FILES or [None], ids=_ids(REPORT_FILES) or ["none"])
def test_report_imports_no_solver(path):
    forbidden = ("synth.solve", "synth.refine", "synth.cli", *SOLVER_LIBRARIES)
    bad = sorted(m for m in imported_modules(path) if _matches(m, forbidden))
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad} (STYLE.md rule 1)"


SOLVE_FILES = _modules("solve") + ([PACKAGE / "refine.py"] if (PACKAGE / "refine.py").is_file() else [])


@pytest.mark.parametrize("path", SOLVE_FILES, ids=_ids(SOLVE_FILES))
def test_solver_imports_nothing_from_the_cli(path):
    bad = sorted(m for m in imported_modules(path) if _matches(m, ("synth.cli",)))
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad} (STYLE.md rule 1)"


def _loaded_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\n"
             f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(SOLVER_LIBRARIES)!r})))")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=PACKAGE.parent, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_import_synth_does_not_load_pyomo():
    assert _loaded_after("import synth") == []


def test_check_and_eval_path_does_not_load_the_solver_libraries():
    """load_requirements + evaluate (what `synth check` and `synth eval` do) stay light."""
    code = ("import synth\n"
            "req = synth.load_requirements('problems/mobile_face_recognition.yaml')\n"
            "design = synth.load_design({'array_rows': 16, 'array_cols': 16, 'clock_ghz': 1.0,"
            " 'sram_mib': 2, 'memory': 'lpddr5'})\n"
            "synth.evaluate(req, design)")
    assert _loaded_after(code) == []


def test_the_solver_is_loaded_on_first_use():
    """The lazy attribute does load it: the probe above would notice Pyomo if it were there."""
    assert "pyomo" in _loaded_after("import synth\nsynth.synthesize")
