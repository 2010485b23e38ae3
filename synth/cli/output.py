"""Output folders written as a set, atomically.

`synth solve -o DIR` and `synth report -o DIR` write several files that belong together
(result.json, design.yaml, report.md, report.html, plots/). A run that fails or is killed must
not leave a mix of two runs, and a new run must not leave files of an older one behind. So:

1. `check_target(DIR)` before any search: DIR is a folder we can replace, or does not exist
   yet and its parent is a folder we can write (exit 2 naming `-o` otherwise).
2. `OutputSet(DIR)` gives a fresh temporary folder beside DIR (same file system), where the run
   writes everything; nothing in it is a link planted by someone else.
3. `commit()`: swap the temporary folder and DIR in one step (Linux `renameat2` with
   RENAME_EXCHANGE), then delete the old set, now under the temporary name. At every moment DIR
   is the complete old set or the complete new set. Where the exchange is not available, DIR
   is renamed aside and the new set renamed in; if a kill lands between the two renames,
   `recover(DIR)` (run by the next `check_target`) puts the old set back.
   If the run stops before `commit()`, `discard()` deletes the temporary folder.
4. Ctrl-C: `stop_on_interrupt()` (the console script installs it) makes SIGINT end the process
   with exit 130 within a second in any phase, including inside the MILP solver: a watcher thread
   wakes on the signal (Python's C-level handler writes to a wakeup socket even while the main
   thread is inside HiGHS), waits for a commit in progress to finish, deletes the temporary
   folder and exits with os._exit(130). No partial output can remain: nothing is written to DIR
   before commit.

Symlinks: DIR itself may be a link to a folder (it is resolved once, up front); inside it,
nothing is ever opened through a link, because the new set is written into a new folder and the
old folder is removed with `shutil.rmtree`, which does not follow links.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path

from synth.errors import Problem, SpecError

_NEW = ".synth-new-"
_OLD = ".synth-old-"
EXIT_INTERRUPTED = 130
# What synth writes into an output folder; a folder holding anything else is not replaced.
OUTPUT_NAMES = frozenset({"result.json", "design.yaml", "report.md", "report.html", "plots",
                          "pareto.json", "pareto.png"})
_LOCK = threading.Lock()  # held while a set is committed; the interrupt watcher waits for it
_OPEN: set[OutputSet] = set()  # temporary folders to delete if the run is interrupted


def _problem(target: Path, message: str) -> SpecError:
    return SpecError([Problem("<command line>", "-o", f"{message}, got {str(target)!r}")])


def check_target(target: Path) -> Path:
    """The output folder to write, resolved; SpecError naming `-o` if it cannot be one."""
    target = Path(target)
    if target.is_symlink() and not target.is_dir():
        raise _problem(target, "must be a folder (or a new name), not a link to a file or a broken link")
    resolved = target.resolve()
    recover(resolved)
    if resolved.exists() and not resolved.is_dir():
        raise _problem(target, "must be a folder (or a new name), not an existing file")
    parent = resolved.parent
    if not parent.exists():  # `-o out/face`: missing folders are made, inside a writable one
        existing = next(p for p in parent.parents if p.exists())
        if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
            raise _problem(target, f"must be in a folder this user can write; {str(parent)!r} does not exist "
                                   f"and {str(existing)!r} is not a writable folder")
        parent.mkdir(parents=True, exist_ok=True)
    if not parent.is_dir():
        raise _problem(target, f"must be in a folder; {str(parent)!r} is not one")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _problem(target, f"must be in a folder this user can write; {str(parent)!r} is not writable")
    if resolved.exists() and not os.access(resolved, os.W_OK | os.X_OK):
        raise _problem(target, "must be a folder this user can replace")
    if resolved == Path(resolved.anchor):
        raise _problem(target, "must not be the root folder")
    if resolved.is_dir():
        foreign = sorted(p.name for p in resolved.iterdir() if p.name not in OUTPUT_NAMES)
        if foreign:
            listing = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise _problem(target, f"must be a new or empty folder, or one synth wrote (it is replaced as a "
                                   f"whole); it holds other files ({listing})")
    return resolved


def recover(target: Path) -> None:
    """Undo a commit that was cut between its two renames: put the old set back, drop leftovers
    of runs that were killed before their commit."""
    parent, name = target.parent, target.name
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f"{_OLD}{name}-*"))
    for path in parent.glob(f"{_NEW}{name}-*"):
        shutil.rmtree(path, ignore_errors=True)
    if olds and not target.exists() and not target.is_symlink():
        os.rename(olds[-1], target)
        olds = olds[:-1]
    for path in olds:
        shutil.rmtree(path, ignore_errors=True)


class OutputSet:
    """A temporary folder beside `target` that becomes `target` on commit()."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{_NEW}{self.target.name}-", dir=self.target.parent))
        self._done = False

    def path(self, relative: str) -> Path:
        """Where to write `relative` inside the new set (parent folders created)."""
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def commit(self) -> None:
        """Replace the old set by the new one (see the module docstring)."""
        os.chmod(self.folder, 0o755 & ~_umask())
        with _LOCK:
            if self.target.is_dir() and not self.target.is_symlink() and _exchange(self.folder, self.target):
                self._done = True  # the old set is now at self.folder
                shutil.rmtree(self.folder, ignore_errors=True)
                return
            old = None
            if self.target.exists() or self.target.is_symlink():
                old = Path(tempfile.mkdtemp(prefix=f"{_OLD}{self.target.name}-", dir=self.target.parent))
                os.rmdir(old)
                os.rename(self.target, old)
            os.rename(self.folder, self.target)
            self._done = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        if not self._done:
            shutil.rmtree(self.folder, ignore_errors=True)
            self._done = True
        _OPEN.discard(self)

    def __enter__(self) -> OutputSet:
        _OPEN.add(self)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        self.discard()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def stop_on_interrupt() -> None:
    """Make SIGINT (Ctrl-C) end the process with exit 130 within a second, in any phase, leaving
    no partial output (see the module docstring). Call once, from the main thread."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    stderr = os.dup(2)  # Pyomo points fd 2 at a pipe while HiGHS runs; say it on the real stderr
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    signal.signal(signal.SIGINT, lambda *_: None)  # the watcher acts; Python's default would raise later

    def watch() -> None:
        while True:
            data = reader.recv(64)
            if not data:
                return
            if signal.SIGINT in data:
                break
        with _LOCK:  # a commit in progress finishes (milliseconds), then nothing more is written
            for output in list(_OPEN):
                shutil.rmtree(output.folder, ignore_errors=True)
            try:
                os.write(stderr, b"interrupted: stopped with no output written\n")
            finally:
                os._exit(EXIT_INTERRUPTED)

    threading.Thread(target=watch, name="synth-interrupt", daemon=True).start()
    watch.keep = (reader, writer, stderr)  # type: ignore[attr-defined]  # they live with the process


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def stdout_to_stderr():
    """Send whatever the libraries print to file descriptor 1 (HiGHS's banner and log lines,
    written from C) to stderr while the block runs, so that stdout carries only the command's
    own output (one JSON document with --json)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def write_report_set(result: dict, result_file: Path, target: Path) -> list[Path]:
    """`synth report`: report.md, report.html and plots/ as a new set in `target`. When `target`
    is the folder of `result_file`, the set keeps that result.json and its design.yaml (copied
    as regular files; links are not followed) and drops what an older report left there."""
    from synth.report import write_report

    with OutputSet(target) as output:
        written = write_report(result, output.folder)
        source = Path(result_file).resolve().parent
        if source == target:
            for name in ("result.json", "design.yaml"):
                path = source / name
                if path.is_file() and not path.is_symlink():
                    shutil.copyfile(path, output.path(name), follow_symlinks=False)
        output.commit()
    return [target / path.relative_to(output.folder) for path in written]
