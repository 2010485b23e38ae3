"""report.html in a real browser: headless Chromium loads it from file://, logs nothing to the
page console, and paints a page that is not blank.

The report has no script, so any console message at all is a fault. Chromium writes console
messages to stderr (with --enable-logging=stderr) as lines containing "CONSOLE"; its own
":ERROR:" lines about D-Bus and the GPU in a container are noise and are not the page's.
A control page with a script error checks that this harness does catch console errors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from synth.report import build_report, write_report
from synth.report.html import html_from_report

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "report"
WIDTH, HEIGHT = 1200, 3000


def chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def browser() -> str:
    path = chromium()
    if path is None:
        pytest.skip("Chromium is not installed (neither /usr/bin/chromium nor `chromium` on PATH); "
                    "install it with `apt-get install -y chromium` to run the browser tests")
    return path


def screenshot(browser: str, page: Path, work: Path) -> tuple[subprocess.CompletedProcess, Path]:
    shot = work / "shot.png"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={work / 'profile'}", "--enable-logging=stderr", "--v=0",
               f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=work)
    return done, shot


def console_lines(stderr: str, page: Path) -> list[str]:
    """Lines about the page's console: Chromium's CONSOLE log lines, uncaught exceptions, and
    ERROR lines that name the page."""
    url = page.resolve().as_uri()
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line or "Uncaught" in line or (":ERROR:" in line and url in line)]


def painted(shot: Path) -> tuple[float, float]:
    """(standard deviation of the pixels, fraction of pixels that are not white)."""
    pixels = imread(shot)[:, :, :3]
    return float(pixels.std()), float((pixels < 0.97).any(axis=2).mean())


@pytest.mark.parametrize("name", ["search_ranking", "infeasible_face_recognition"])
def test_report_renders_in_chromium_without_console_errors(browser, tmp_path, name):
    result = json.loads((FIXTURES / f"{name}.json").read_text())
    page = write_report(result, tmp_path / "report")[1]
    done, shot = screenshot(browser, page, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr, page) == []
    assert shot.is_file(), done.stderr[-2000:]
    spread, ink = painted(shot)
    assert imread(shot).shape[:2] == (HEIGHT, WIDTH)
    assert spread > 0.05, f"screenshot looks blank (pixel std {spread:.4f})"
    assert ink > 0.05, f"only {ink:.1%} of the screenshot is not white"


def test_harness_catches_a_console_error(browser, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>")
    done, shot = screenshot(browser, page, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert any("Uncaught" in line for line in console_lines(done.stderr, page)), done.stderr[-2000:]
    spread, ink = painted(shot)
    assert ink < 0.05 and not np.isnan(spread)  # and the blank-page check would flag it


NEW_SECTIONS = ("throughput", "benchmark", "certificate", "architecture-tradeoffs", "pareto")


def test_new_sections_render_in_chromium(browser, tmp_path):
    """Issue 13's sections (headroom and the load plot, the seed's measures, the certificate, the
    architecture trade-offs, the Pareto front with the headline as its star), on their own page
    so that they fill the screenshot: painted, no console message, each figure decoded."""
    result = json.loads((FIXTURES / "search_ranking_tradeoffs.json").read_text())
    report = build_report(result)
    keys = [s.key for s in report.sections]
    assert all(key in keys for key in NEW_SECTIONS), keys
    page = tmp_path / "sections.html"
    page.write_text(html_from_report(replace(report, sections=tuple(s for s in report.sections
                                                                     if s.key in NEW_SECTIONS))))
    html = page.read_text()
    for needle in ("Architecture trade-offs", "The seed&#x27;s measures", "Max QPS within SLA", "Why the search stopped"):
        assert needle in html, needle
    assert html.count('src="data:image/png;base64,') >= 3  # load, architecture, Pareto
    done, shot = screenshot(browser, page, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr, page) == []
    spread, ink = painted(shot)
    assert spread > 0.05 and ink > 0.05, (spread, ink)
