"""Fixtures of the sweep tests: the sweep files the tests write (the PostgreSQL server is in
tests/conftest.py)."""

from __future__ import annotations

import pytest

# `postgres` (a real server) comes from tests/conftest.py.


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory):
    """The small sweep run once end to end on a LocalCluster of 2 workers: (sweep file, out dir, proc)."""
    from sweeps import SMALL, run, write_sweep

    folder = tmp_path_factory.mktemp("small")
    path = write_sweep(folder, SMALL)
    proc = run(path, "-o", folder / "out", "--workers", 2)
    return path, folder / "out", proc
