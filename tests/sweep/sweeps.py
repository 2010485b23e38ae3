"""Helpers of the sweep tests: write a sweep file, run `synth sweep` in a fresh interpreter, read
the results database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
import yaml

ROOT = Path(__file__).parents[2]
PROBLEMS = ROOT / "problems"
CLI = [sys.executable, "-c", "import sys; from synth.cli import main; sys.exit(main(sys.argv[1:]))"]

# 6 variants of the fastest problem (~0.2 s each): 3 infeasible (1 W is below what any design needs).
SMALL = {"name": "mobile-small", "base": str(PROBLEMS / "mobile_face_recognition.yaml"),
         "axes": {"workloads.face.latency_ms": {"min": 10, "max": 60, "num": 3, "scale": "log"},
                  "budgets.power_w": [1, 6]}}
# 8 variants of a problem whose solve takes about a second each.
SLOW = {"name": "ranking-slow", "base": str(PROBLEMS / "search_ranking.yaml"),
        "axes": {"workloads.ranker.qps": [250, 500, 1000, 2000], "technology.node_nm": [7, 5]}}


def write_sweep(folder: Path, document: dict, name: str = "sweep.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def run(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run([*CLI, "sweep", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def popen(*args) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "sweep", *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def rows(db: str | Path, sweep: str | None = None) -> list[dict]:
    url = str(db) if "://" in str(db) else f"sqlite:///{db}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("synth_sweep_variants"):
                return []
            query = "SELECT * FROM synth_sweep_variants" + (" WHERE sweep = :s" if sweep else "") + " ORDER BY idx"
            return [dict(r) for r in conn.execute(sa.text(query), {"s": sweep} if sweep else {}).mappings()]
    finally:
        engine.dispose()
