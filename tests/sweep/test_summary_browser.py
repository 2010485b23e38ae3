"""The sweep's summary.html in headless Chromium (as tests/report/test_browser.py does for the
report): loads from file://, logs nothing to the console, paints a page that is not blank, and
its links to the variants' own reports resolve."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from matplotlib.image import imread

sys.path.insert(0, str(Path(__file__).parents[1] / "report"))
from test_browser import browser, console_lines, painted, screenshot  # noqa: E402,F401 - the shared harness

pytestmark = pytest.mark.browser


def test_summary_renders_in_chromium_without_console_errors(browser, small_sweep, tmp_path):  # noqa: F811
    _, out, proc = small_sweep
    assert proc.returncode == 0, proc.stderr
    page = out / "summary.html"
    done, shot = screenshot(browser, page, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr, page) == []
    spread, ink = painted(shot)
    assert imread(shot).shape[0] > 0
    assert spread > 0.05 and ink > 0.05, (spread, ink)
    links = re.findall(r'(?:href|src)="([^"]+)"', page.read_text())
    assert len([link for link in links if link.endswith("report.html")]) == 6
    assert all((out / link).is_file() for link in links), [link for link in links if not (out / link).is_file()]
