"""Shared fixtures of the interop tests: the builders' directory on sys.path, a CLI runner."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def run_cli(capsys):
    """`synth ARGS` in this process (the console script's main()): (exit code, stdout, stderr)."""
    from synth.cli import main

    def run(*args):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
