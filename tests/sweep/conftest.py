"""Fixtures of the sweep tests: a real PostgreSQL server (session-wide, on 127.0.0.1, stopped at
the end) and the sweep files the tests write."""

from __future__ import annotations

import pgcluster
import pytest


@pytest.fixture(scope="session")
def postgres():
    try:
        server = pgcluster.start()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        pgcluster.stop(server)


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory):
    """The small sweep run once end to end on a LocalCluster of 2 workers: (sweep file, out dir, proc)."""
    from sweeps import SMALL, run, write_sweep

    folder = tmp_path_factory.mktemp("small")
    path = write_sweep(folder, SMALL)
    proc = run(path, "-o", folder / "out", "--workers", 2)
    return path, folder / "out", proc
