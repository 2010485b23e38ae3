"""The results database alone (no Dask): the upsert writes one row per variant however often it
is written, finished keys drive resuming, and a database that cannot be opened names the option."""

from __future__ import annotations

import datetime as dt

import pytest

from synth.errors import SpecError
from synth.sweep.db import finished_keys, load_sweep, masked, open_db, save_sweep, upsert_variant


def row(key: str, status: str, idx: int = 0) -> dict:
    now = dt.datetime.now(dt.UTC)
    return {"sweep": "s", "key": key, "idx": idx, "label": f"x={idx}", "axis_values": {"x": idx}, "seed": 0,
            "status": status, "requirements": {"name": "r"}, "started_at": now, "finished_at": now, "attempts": 1}


def test_upsert_writes_each_variant_once_and_counts_attempts(tmp_path):
    db = open_db(tmp_path / "r.sqlite")
    save_sweep(db, "s", {"keys": ["a", "b", "c"]}, ["x"], 3)
    upsert_variant(db, row("a", "optimal", 0))
    upsert_variant(db, row("b", "error", 1))
    upsert_variant(db, row("b", "infeasible", 1))
    upsert_variant(db, row("c", "unknown", 2))
    _, rows = load_sweep(db, None)
    assert [(r["key"], r["status"], r["attempts"]) for r in rows] == [("a", "optimal", 1), ("b", "infeasible", 2),
                                                                        ("c", "unknown", 1)]
    assert finished_keys(db, "s", retry_failed=False) == {"a", "b", "c"}
    assert finished_keys(db, "s", retry_failed=True) == {"a", "b"}
    save_sweep(db, "s", {"keys": ["a"]}, ["x"], 1)  # the sweep redefined: older rows stay out of its outputs
    assert [r["key"] for r in load_sweep(db, "s")[1]] == ["a"]
    db.close()


def test_a_file_that_is_not_a_database_is_named(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SpecError) as caught:
        open_db(path)
    assert str(caught.value).startswith("--db: cannot open")


def test_the_password_is_masked():
    assert masked("postgresql+psycopg://u:topsecret@h:5432/d") == "postgresql+psycopg://u:***@h:5432/d"
    with pytest.raises(SpecError) as caught:
        open_db("nosuchdialect://u:topsecret@h/d")
    assert "topsecret" not in str(caught.value) and "--db" in str(caught.value)
