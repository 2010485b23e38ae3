"""Fixtures of the hostile cases (helpers in _support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._support import run_cli


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def write(tmp_path):
    def _write(text: str, name: str = "req.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
