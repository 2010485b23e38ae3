"""YAML features: 1.1-only scalars, tags, aliases, duplicates, encodings, documents."""

from __future__ import annotations

import pytest

from tests.hostile._support import BASE

CASES = {
    "base-60 number": (BASE.replace("latency_ms: 100", "latency_ms: 1:30"),
                       ("workloads[0].latency_ms", "base-60", "90")),
    "base-60 float": (BASE.replace("qps: 100", "qps: 1:30.5"), ("workloads[0].qps", "90.5")),
    "yes as a value": (BASE.replace("name: hostile", "name: yes"), ("name", "quote")),
    "off as a bool": (BASE + "space:\n  memories:\n    - {name: m, bandwidth_gbps: 10, pj_per_bit: 1, "
                      "needs_interposer: off}\n", ("space.memories[0].needs_interposer", "true or false")),
    "on as a key": (BASE + "on: 1\n", ("on", "quote")),
    "leading-zero integer": (BASE + "space:\n  cores: [010]\n", ("space.cores[0]", "10")),
    "python tag": (BASE.replace("name: hostile", "name: !!python/object/apply:os.system [echo hi]"),
                   ("tag", "not allowed")),
    "duplicate key": (BASE + "name: again\n", ("duplicate key", "'name'")),
    "alias bomb": ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                   + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
                             for p, c in zip("abcdefgh", "bcdefghi")), ("alias",)),
    "two documents": (BASE + "---\n" + BASE, ("line",)),
    "deep flow nesting": ("a: " + "[" * 5000 + "]" * 5000 + "\n", ("nest", "24")),
    "infinity": (BASE.replace("latency_ms: 100", "latency_ms: .inf"), ("workloads[0].latency_ms", "finite")),
    "not a number": (BASE.replace("qps: 100", "qps: .nan"), ("workloads[0].qps", "finite")),
    "timestamp as a name": (BASE.replace("name: hostile", "name: 2001-12-14"), ("name", "string")),
    "empty key": (BASE + '"": 1\n', ('"": unknown key',)),
    "a list, not a mapping": ("- 1\n- 2\n", ("mapping",)),
    "empty document": ("", ("empty",)),
}


@pytest.mark.parametrize("name", CASES)
def test_yaml_feature_rejected(name, cli, write):
    text, named = CASES[name]
    cli("check", write(text)).rejected(*named)


def test_nul_bytes(cli, tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(BASE.encode() + b"\x00\x00")
    cli("check", path).rejected("binary")


def test_invalid_utf8(cli, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.replace("hostile", "h\xe9").encode("latin-1"))
    cli("check", path).rejected("UTF-8")


def test_quoted_forms_are_accepted(cli, write):
    text = BASE.replace("name: hostile", 'name: "yes"')
    assert cli("check", write(text)).code == 0
