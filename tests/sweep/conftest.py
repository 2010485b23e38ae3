"""Fixtures of the sweep tests: a real PostgreSQL server (session-wide, on 127.0.0.1, stopped at
the end) and the sweep files the tests write."""

from __future__ import annotations

import pytest

import pgcluster


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
