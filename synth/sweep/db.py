"""The results database, through SQLAlchemy 2: a SQLite file or any server SQLAlchemy speaks
(PostgreSQL: postgresql+psycopg://user:password@host/db). One row per variant, written as each
finishes; an upsert keyed by (sweep, key) so that a row is never written twice.

Tables (docs/sweeps.md shows them with every column):
- synth_sweeps: one row per sweep (its name, the sweep file as a mapping, its axis keys).
- synth_sweep_variants: one row per variant.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, ProgrammingError, SQLAlchemyError

from synth.errors import Problem, SpecError

metadata = MetaData()
sweeps = Table(
    "synth_sweeps", metadata,
    Column("name", String(100), primary_key=True),
    Column("spec", JSON, nullable=False),  # the sweep file as a mapping (base included)
    Column("axes", JSON, nullable=False),  # the axis keys, in order
    Column("variants", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
variants = Table(
    "synth_sweep_variants", metadata,
    Column("sweep", String(100), primary_key=True),
    Column("key", String(32), primary_key=True),  # hash of canonical requirements + seed + solve options
    Column("idx", Integer, nullable=False),  # position in the sweep
    Column("label", Text, nullable=False),  # "workloads.ranker.qps=500, technology.node_nm=7"
    Column("axis_values", JSON, nullable=False),  # {axis key: value}
    Column("seed", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),  # optimal | feasible | infeasible | unknown | error
    Column("objective_name", String(40)),
    Column("objective", Float),
    Column("objective_unit", String(16)),
    Column("bound", Float),
    Column("gap", Float),
    Column("design", JSON),
    Column("metrics", JSON),  # headline figures: power, area, cost, latency per workload
    Column("binding", Text),  # infeasible: the requirements in conflict, with what a design needs
    Column("requirements", JSON, nullable=False),
    Column("result", JSON),  # result.to_dict(): re-renders the variant's own report
    Column("worker", String(200)),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("solve_s", Float),  # synthesize() alone
    Column("task_s", Float),  # the whole task on the worker (loading included)
    Column("attempts", Integer, nullable=False, default=1),
    Column("error", Text),
)
FINISHED = ("optimal", "feasible", "infeasible")
FAILED = ("unknown", "error")


def masked(url: str) -> str:
    """The URL with its password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _scrub(text: str, url: str) -> str:
    try:
        password = make_url(url).password
    except ArgumentError:
        return text
    return text.replace(str(password), "***") if password else text


def database_url(target: str | Path) -> str:
    """A URL for `target`: a URL as given, or a SQLite file path."""
    text = str(target)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


@dataclass(frozen=True, slots=True)
class ResultsDb:
    engine: Engine
    url: str  # masked

    def close(self) -> None:
        self.engine.dispose()


def open_db(target: str | Path, *, option: str = "--db", create: bool = True) -> ResultsDb:
    """Open (and create the tables of) the results database; SpecError naming `option` when it
    cannot be opened (never showing the password)."""
    url = database_url(target)
    shown = masked(url)

    def fail(reason: str) -> SpecError:
        return SpecError([Problem(option, "", f"cannot open {shown}: {_scrub(reason, url)}")])

    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[-1]) if ":///" in url else None
        if path is not None and str(path) not in ("", ":memory:"):
            if not path.parent.is_dir():
                raise fail(f"the folder {path.parent} does not exist")
            if not path.exists() and not create:
                raise fail("no such file")
    try:
        kwargs: dict[str, Any] = {}
        if make_url(url).get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 5}
        engine = create_engine(url, **kwargs)
    except (ArgumentError, SQLAlchemyError, ImportError, ValueError) as exc:
        raise fail(_reason(exc)) from None
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                metadata.create_all(conn)
            return ResultsDb(engine=engine, url=shown)
        except (IntegrityError, ProgrammingError) as exc:
            # Clients that open a new database at once race to create the tables; retry.
            if attempt == 4:
                engine.dispose()
                raise fail(_reason(exc)) from None
            time.sleep(0.2 * (attempt + 1))
        except SQLAlchemyError as exc:
            engine.dispose()
            raise fail(_reason(exc)) from None
    raise AssertionError("unreachable")


def _reason(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


_UPSERT_INSERT = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _insert(engine: Engine):
    """The dialect's INSERT with ON CONFLICT (an upsert); SQLite and PostgreSQL only."""
    try:
        return _UPSERT_INSERT[engine.dialect.name]
    except KeyError:  # pragma: no cover - other servers: no upsert in SQLAlchemy's core
        raise NotImplementedError(f"results in {engine.dialect.name} are not supported (SQLite, PostgreSQL)") from None


def save_sweep(db: ResultsDb, name: str, spec: Mapping[str, Any], axes: Iterable[str], count: int) -> None:
    insert = _insert(db.engine)
    row = {"name": name, "spec": dict(spec), "axes": list(axes), "variants": count, "updated_at": _now()}
    stmt = insert(sweeps).values(row)
    stmt = stmt.on_conflict_do_update(index_elements=["name"], set_={k: stmt.excluded[k] for k in row if k != "name"})
    with db.engine.begin() as conn:
        conn.execute(stmt)


def upsert_variant(db: ResultsDb, row: Mapping[str, Any]) -> None:
    """Write one variant's row; a second write of the same (sweep, key) replaces it and counts
    an attempt."""
    insert = _insert(db.engine)
    stmt = insert(variants).values(dict(row))
    update = {k: stmt.excluded[k] for k in row if k not in ("sweep", "key", "attempts")}
    update["attempts"] = variants.c.attempts + 1
    stmt = stmt.on_conflict_do_update(index_elements=["sweep", "key"], set_=update)
    with db.engine.begin() as conn:
        conn.execute(stmt)


def finished_keys(db: ResultsDb, sweep: str, *, retry_failed: bool) -> set[str]:
    """Keys of the variants a re-run skips: every stored row, or only the answered ones."""
    query = select(variants.c.key).where(variants.c.sweep == sweep)
    if retry_failed:
        query = query.where(variants.c.status.in_(FINISHED))
    with db.engine.connect() as conn:
        return {row[0] for row in conn.execute(query)}


def load_sweep(db: ResultsDb, name: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the sweep row, the rows of its variants as last run, by index); `name` may be None when the
    database holds one sweep."""
    with db.engine.connect() as conn:
        names = [r[0] for r in conn.execute(select(sweeps.c.name).order_by(sweeps.c.name))]
        if name is None and len(names) != 1:
            raise SpecError([Problem("--name", "", f"the database holds {len(names)} sweeps "
                                     f"({', '.join(names) or 'none'}): name one")])
        name = name or names[0]
        if name not in names:
            raise SpecError([Problem("--name", "", f"no sweep {name!r} in the database; it holds "
                                     f"{', '.join(names) or 'none'}")])
        sweep = dict(conn.execute(select(sweeps).where(sweeps.c.name == name)).mappings().one())
        rows = [dict(r) for r in conn.execute(select(variants).where(variants.c.sweep == name)
                                              .order_by(variants.c.idx)).mappings()]
    keys = set(sweep["spec"].get("keys") or ())
    if keys:  # rows of an earlier definition of the sweep (another base or axes) stay out
        rows = [row for row in rows if row["key"] in keys]
    return sweep, rows


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
