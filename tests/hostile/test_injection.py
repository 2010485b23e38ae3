"""User text in outputs: Markdown/HTML injection and control characters are neutralised, and
file names derived from user names never collide."""

from __future__ import annotations

import copy
import json
import re

import pytest

from synth.report import build_report, render_html, render_markdown
from tests.hostile._support import ROOT

GOOD = json.loads((ROOT / "tests" / "fixtures" / "report" / "search_ranking.json").read_text())
NAMES = {
    "newline and heading": "ok\n# Injected heading\n[click](http://evil.example)",
    "script": "<script>alert(1)</script>",
    "control characters": "bell\x07 escape\x1b[31m nul\x00 end",
    "emphasis and table": "**bold** | cell | `code`",
    "link definition": "x\n[a]: http://evil.example",
}


def _with_name(name: str) -> dict:
    data = copy.deepcopy(GOOD)
    data["requirements"]["name"] = name
    return data


@pytest.mark.parametrize("case", NAMES)
def test_markdown_shows_the_name_as_text(case):
    md = render_markdown(_with_name(NAMES[case]))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", md)
    assert "<script>" not in md
    assert not re.search(r"(?<!\\)\]\(http://evil|(?<!\\)\]: http://evil", md)  # escaped: shown as text
    assert [line for line in md.splitlines() if line.startswith("# ")] == [md.splitlines()[0]]
    assert "\n# Injected" not in md


@pytest.mark.parametrize("case", NAMES)
def test_html_escapes_and_strips(case):
    data = _with_name(NAMES[case])
    data["curves"], data["pareto"] = [], None  # no plots to draw: the text is what is tested
    html = render_html(data)
    assert "<script>alert" not in html
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html)


def test_plot_names_of_similar_workloads_differ():
    data = copy.deepcopy(GOOD)
    curve = data["curves"][0]
    data["curves"] = [dict(copy.deepcopy(curve), workload=name) for name in ("img.v1", "img_v1")]
    for name in ("img.v1", "img_v1"):
        w = copy.deepcopy(data["evaluation"]["workloads"][0])
        w["name"] = name
        data["evaluation"]["workloads"].append(w)
        data["requirements"]["workloads"].append(dict(data["requirements"]["workloads"][0], name=name))
    names = [f.name for f in build_report(data).figures]
    assert len(names) == len(set(names)), names
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", n) for n in names)
