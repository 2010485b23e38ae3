"""Fixtures shared across test folders: a throwaway PostgreSQL server on 127.0.0.1 (session-wide,
stopped at the end; tests/sweep/pgcluster.py starts it), used by the sweep and storage tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "sweep"))
import pgcluster  # noqa: E402 - a helper module of the tests, not a package


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
