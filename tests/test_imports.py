"""Imports flow one way (STYLE.md rule 1): every module sits in one layer of LAYERS and imports
only down; the import graph has no cycle; no import hides inside a function (but for the lazy
start-up paths); the core imports no solver library; and `import synth` (and the check/eval
path) does not load Pyomo.

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
SOLVER_LIBRARIES = ("pyomo", "optuna", "highspy")


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


ALL_FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p): p for p in ALL_FILES}

# The layers, top to bottom (pyproject.toml's import-linter contract says the same): a module
# imports only from its own layer's package or from layers below it. Within one line, the
# packages are independent of each other.
LAYERS = (
    ("synth.cli",),
    ("synth.sweep",),
    ("synth.api", "synth.docs"),
    ("synth.report", "synth.solve", "synth.interop"),
    ("synth.evaluation",),
    ("synth.spec",),
    ("synth.serving", "synth.cost"),
    ("synth.models",),
    ("synth.results", "synth.errors"),
    ("synth.vocabulary",),
)
# Imports inside functions are allowed only where they keep start-up light on purpose: the
# package's lazy solver attribute, the CLI's per-command imports, and the `onnx` package, loaded
# only for requirements that name an ONNX file (its import alone costs ~1.3 s).
LAZY_IMPORTS_ALLOWED = ("synth", "synth.cli", "synth.models.onnx.source")


def _layer(module: str) -> tuple[int, str] | None:
    for depth, packages in enumerate(LAYERS):
        for package in packages:
            if _matches(module, (package,)):
                return depth, package
    return None


def _synth_targets(path: Path) -> set[str]:
    """The synth modules `path` imports (a `from pkg import name` resolves to pkg.name when that
    is a module, else pkg)."""
    found = set()
    for target in imported_modules(path):
        if target in MODULES:
            found.add(target)
        elif target.rpartition(".")[0] in MODULES and target.startswith("synth."):
            found.add(target.rpartition(".")[0])
    return found


def _graph() -> dict[str, set[str]]:
    return {name: _synth_targets(path) - {name} for name, path in MODULES.items()}


def test_every_module_has_a_layer():
    missing = sorted(name for name in MODULES if name != "synth" and _layer(name) is None)
    assert not missing, f"modules outside every layer of LAYERS: {missing}"


def test_imports_flow_down_the_layers():
    """Every import, at module level or inside a function, goes to the importer's own package
    or to a lower layer (STYLE.md rule 1)."""
    bad = []
    for name, targets in _graph().items():
        own = _layer(name)
        if own is None:
            continue
        for target in targets:
            theirs = _layer(target)
            if theirs is None:
                continue
            same_package = theirs[1] == own[1]
            if not same_package and theirs[0] <= own[0]:
                bad.append(f"{name} -> {target}")
    assert not bad, "imports against the layers:\n" + "\n".join(sorted(bad))


def test_the_import_graph_has_no_cycle():
    """Tarjan's strongly connected components over every import (inside functions too)."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    # A package's __init__ re-exporting its own submodules is not a cycle of meaning.
    cycles = [c for c in cycles if not _only_package_reexports(c, graph)]
    assert not cycles, f"import cycles: {cycles}"


def _only_package_reexports(component: list[str], graph: dict[str, set[str]]) -> bool:
    """True when every edge back into the component's packages comes from a package __init__."""
    inits = {c for c in component if MODULES[c].name == "__init__.py"}
    trimmed = {c: {t for t in graph[c] if t in component and t not in inits} for c in component}
    seen: set[str] = set()

    def reaches_self(start: str, node: str) -> bool:
        for nxt in trimmed[node]:
            if nxt == start:
                return True
            if nxt not in seen:
                seen.add(nxt)
                if reaches_self(start, nxt):
                    return True
        return False

    return not any((seen.clear() or reaches_self(c, c)) for c in component if c not in inits)


def _function_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    found.append(f"line {inner.lineno}")
    return found


def test_no_imports_hidden_inside_functions():
    """An import inside a function hides a dependency (and often a cycle); only the lazy
    start-up paths of LAZY_IMPORTS_ALLOWED may do it."""
    bad = {name: lines for name, path in MODULES.items()
           if not _matches(name, LAZY_IMPORTS_ALLOWED[1:]) and name != "synth"
           and (lines := _function_imports(path))}
    assert not bad, f"imports inside functions: {bad}"


def test_the_scanner_sees_imports():
    """Guard against a vacuous pass: the solver does import Pyomo, the CLI does import synth.solve,
    and the graph has edges across layers."""
    solver = set().union(*(imported_modules(p) for p in _modules("solve")))
    assert any(_matches(m, ("pyomo",)) for m in solver)
    cli = set().union(*(imported_modules(p) for p in _modules("cli")))
    assert any(_matches(m, ("synth.solve",)) for m in cli)
    graph = _graph()
    assert "synth.evaluation.exact" in graph["synth.solve.plans"] or "synth.evaluation" in graph["synth.solve.plans"]
    assert "synth.vocabulary" in graph["synth.results.evaluation"]


CORE_FILES = [p for part in ("spec", "cost", "models", "serving", "evaluation", "results") for p in _modules(part)]


@pytest.mark.parametrize("path", CORE_FILES, ids=[str(p.relative_to(PACKAGE)) for p in CORE_FILES])
def test_core_imports_no_solver_library(path):
    bad = sorted(m for m in imported_modules(path) if _matches(m, SOLVER_LIBRARIES))
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad} (STYLE.md rule 1)"


def test_vocabulary_imports_nothing_of_synth():
    assert not {m for m in imported_modules(PACKAGE / "vocabulary.py") if m.startswith("synth")}


def test_report_imports_no_solver():
    forbidden = ("synth.solve", "synth.cli", *SOLVER_LIBRARIES)
    bad = {str(p.relative_to(PACKAGE)): sorted(m for m in imported_modules(p) if _matches(m, forbidden))
           for p in _modules("report")}
    assert not any(bad.values()), bad


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
