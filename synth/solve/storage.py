"""The refinement study's storage: opened and checked before any search, keyed by content.

`--storage` is a journal file path (several processes on one machine) or a database URL that
Optuna's RDBStorage accepts (postgresql+psycopg://user:password@host/db across machines).
- It is opened and checked first: a bad URL, a missing folder, an unreachable server or a
  corrupted journal is a StorageError (a SpecError whose source is `--storage`), which names
  what is wrong and never shows a password. A corrupted journal is left as it is.
- The study's name holds a hash of the requirements' content, so two different files that share
  a name never share a study.
- Whatever a study holds, a design read from it is adopted only if it lies in the requirements'
  own space (`in_space`), and then only after the exact model accepts it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, ProgrammingError, SQLAlchemyError

from synth.errors import Problem, SpecError

OPTION = "--storage"
SCHEMA_ATTEMPTS = 5
MAX_JOURNAL_CHECK_BYTES = 256 << 20  # journals beyond this are checked on their first 256 MiB


class StorageError(SpecError):
    """The study storage cannot be used: bad input, exit 2 at the command line."""

    def __init__(self, message: str):
        super().__init__([Problem(OPTION, "", message)])


@dataclass(frozen=True, slots=True)
class StudyStorage:
    backend: Any  # None (in memory) or an Optuna storage
    name: str  # how results show it: "memory", "journal:PATH" or the URL with its password masked


def masked_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<a URL that does not parse>"


def _scrub(text: str, url: str) -> str:
    try:
        password = make_url(url).password
    except Exception:  # noqa: BLE001 - an unparseable URL has no password to hide
        return text
    return text.replace(str(password), "***") if password else text


def open_storage(spec: str | None) -> StudyStorage:
    """The storage `spec` names, opened and checked; raises StorageError."""
    if spec is None:
        return StudyStorage(None, "memory")
    if not isinstance(spec, str) or not spec.strip():
        raise StorageError(f"must be a journal file path or a database URL, got {spec!r}")
    if "://" in spec:
        return _open_database(spec)
    return _open_journal(Path(spec))


def _open_database(url: str) -> StudyStorage:
    shown = masked_url(url)
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, ValueError) as exc:
        raise StorageError(f"{shown} is not a database URL SQLAlchemy can use: "
                           f"{_scrub(str(exc), url)}") from None
    except ImportError as exc:
        raise StorageError(f"{shown}: the database driver is not installed ({exc.name or exc})") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        kwargs = {"connect_args": {"connect_timeout": 5}}
    elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).resolve().parent
        if not folder.is_dir():
            raise StorageError(f"{shown}: the folder {folder} does not exist")
    for attempt in range(SCHEMA_ATTEMPTS):
        try:
            return StudyStorage(optuna.storages.RDBStorage(url, engine_kwargs=kwargs), shown)
        except (IntegrityError, ProgrammingError) as exc:
            # Processes that open a new database at once race to create Optuna's tables (PostgreSQL:
            # "duplicate key ... pg_type_typname_nsp_index"); the loser finds them on a retry.
            if attempt + 1 == SCHEMA_ATTEMPTS:
                raise StorageError(f"cannot open {shown}: {_scrub(_first_line(exc), url)}") from None
            time.sleep(0.2 * (attempt + 1))
        except (SQLAlchemyError, ImportError, ValueError, OSError, RuntimeError) as exc:
            raise StorageError(f"cannot open {shown}: {_scrub(_first_line(exc), url)}") from None
    raise AssertionError("unreachable")


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    return (str(inner).strip().splitlines() or [type(inner).__name__])[0]


def check_journal(path: Path) -> None:
    """A journal must be a regular file of JSON lines, each an Optuna operation; raises StorageError
    (and leaves the file untouched) otherwise."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise StorageError(f"{path} must be a regular journal file, but it is a "
                           f"{'symbolic link' if path.is_symlink() else 'folder or device'}")
    if not path.parent.is_dir():
        raise StorageError(f"the folder {path.parent} of the journal {path} does not exist")
    if not path.exists():
        if not os.access(path.parent, os.W_OK):
            raise StorageError(f"cannot create the journal {path}: the folder is not writable")
        return
    if not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(f"the journal {path} must be readable and writable")
    with open(path, "rb") as stream:
        data = stream.read(MAX_JOURNAL_CHECK_BYTES)
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    if tail and len(data) < MAX_JOURNAL_CHECK_BYTES:
        raise StorageError(f"the journal {path} is corrupted: its last line is cut short "
                           f"(line {len(complete) + 1}); left unchanged")
    for number, line in enumerate(complete, start=1):
        try:
            entry = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            entry = None
        if not isinstance(entry, dict) or "op_code" not in entry:
            raise StorageError(f"the journal {path} is corrupted: line {number} is not an Optuna journal "
                               "entry; left unchanged")


def _open_journal(path: Path) -> StudyStorage:
    check_journal(path)
    try:
        return StudyStorage(JournalStorage(JournalFileBackend(str(path))), f"journal:{path}")
    except (OSError, ValueError) as exc:
        raise StorageError(f"cannot open the journal {path}: {exc}") from None


def content_hash(requirements) -> str:
    """A hash of the requirements' canonical content (16 hex digits)."""
    data = requirements.model_dump(mode="json", exclude_none=True, warnings=False)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def study_name(requirements, seed: int) -> str:
    """The refinement study of these requirements (by name and content) and seed."""
    return f"synth-refine-{requirements.name}-{content_hash(requirements)}-seed{seed}"


def _on(values, wanted) -> bool:
    return any(v == wanted or (isinstance(v, float) and isinstance(wanted, (int, float))
                               and math.isclose(v, wanted, rel_tol=1e-9)) for v in values)


def in_space(opts, design: Mapping[str, Any]) -> bool:
    """Whether a design read from a study lies in the requirements' own space: its discrete
    hardware on the grid, clock, SRAM and batches within the grid's range, the same workloads."""
    g, req = opts.grid, opts.req
    try:
        memory = design["memory"] if isinstance(design["memory"], str) else design["memory"]["name"]
        clock, sram = float(design["clock_ghz"]), float(design["sram_mib"])
        checks = (
            _on(g.array_shapes, (design["array_rows"], design["array_cols"])),
            _on(g.dataflows, design["dataflow"]), _on(g.precisions, design["precision"]),
            _on([m.name for m in g.memories], memory), _on(g.cores, design["cores"]),
            _on(g.chips, design.get("chips", 1)),
            min(g.clock_ghz) - 1e-9 <= clock <= max(g.clock_ghz) + 1e-9,
            min(g.sram_mib) - 1e-9 <= sram <= max(g.sram_mib) + 1e-9,
            set(design["workloads"]) == {w.name for w in req.workloads},
            all(min(g.batch) <= int(plan.get("batch", 1)) <= max(g.batch) for plan in design["workloads"].values()),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return all(checks)
