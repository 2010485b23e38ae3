"""Command-line misuse: every option checked before any search, exit 2 naming the option."""

from __future__ import annotations

import time

import pytest

from tests.hostile._support import BASE, ROOT

PROBLEM = ROOT / "problems" / "search_ranking.yaml"


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf"])
def test_pareto_time_limit(value, cli):
    cli("pareto", PROBLEM, "--x", "latency", "--y", "power", "--time-limit", value).rejected("--time-limit")


@pytest.mark.parametrize("value", ["nan", "-1"])
def test_solve_time_limit(value, cli):
    cli("solve", PROBLEM, "--time-limit", value).rejected("--time-limit")


@pytest.mark.parametrize(("args", "named"), [
    (("--trials", "0"), "--trials"),
    (("--method", "magic"), "--method"),
    (("--seed", "-1"), "--seed"),
])
def test_solve_options(args, named, cli):
    cli("solve", PROBLEM, *args).rejected(named)


def _fast(out, *named):
    start = time.perf_counter()
    result = out()
    assert time.perf_counter() - start < 5, "-o must be checked before the search"
    result.rejected(*named)


def test_output_is_an_existing_file(cli, tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("keep me")
    _fast(lambda: cli("solve", PROBLEM, "-o", target), "-o", "existing file")
    assert target.read_text() == "keep me"


def test_output_folder_holds_other_files(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    _fast(lambda: cli("solve", PROBLEM, "-o", tmp_path), "-o", "notes.txt")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_output_under_a_file(cli, tmp_path):
    """Missing folders on the way to -o are made (`-o out/face`), but not below a file."""
    (tmp_path / "afile").write_text("mine")
    _fast(lambda: cli("solve", PROBLEM, "-o", tmp_path / "afile" / "such" / "dir"), "-o", "not a writable folder")
    assert (tmp_path / "afile").read_text() == "mine"


def test_output_is_a_link_to_a_file(cli, tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "file")
    _fast(lambda: cli("solve", PROBLEM, "-o", tmp_path / "link"), "-o")


def test_pareto_output_is_a_file(cli, tmp_path):
    target = tmp_path / "f"
    target.write_text("x")
    _fast(lambda: cli("pareto", PROBLEM, "--x", "latency", "--y", "power", "-o", target), "-o")


def test_report_output_is_a_file(cli, tmp_path):
    result = ROOT / "tests" / "fixtures" / "report" / "search_ranking.json"
    target = tmp_path / "f"
    target.write_text("x")
    cli("report", result, "-o", target).rejected("-o")


@pytest.mark.parametrize("command", ["check", "solve"])
def test_missing_requirements_file(command, cli, tmp_path):
    cli(command, tmp_path / "nope.yaml").rejected("nope.yaml", "file not found")


def test_requirements_is_a_folder(cli, tmp_path):
    cli("check", tmp_path).rejected("directory")


def test_every_problem_in_one_pass(cli, write):
    text = BASE.replace("model: bert-base-128, scenario: server", "model: nosuch, scenario: single_stream") \
        .replace("latency_ms: 100", "latency_ms: -1") + '"": 1\n'
    out = cli("check", write(text))
    out.rejected("workloads[0].latency_ms", "workloads[0].model", "workloads[0].qps", '"": unknown key')
