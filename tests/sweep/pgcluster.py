"""A throwaway PostgreSQL server for tests: initdb into a fresh folder, started with pg_ctl on a
free port of 127.0.0.1 only (no other address, a private socket folder), a role with a password,
stopped and deleted at the end. As root, the server runs as the `postgres` user (initdb refuses
root). `.ci/postgres.sh` installs Debian's `postgresql` when it is missing."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD, DATABASE = "synth", "pw-s3cret-7c1f", "synth"


@dataclass(frozen=True)
class PgServer:
    folder: Path
    port: int
    as_user: tuple[str, ...]

    def url(self, database: str = DATABASE, *, password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str) -> str:
        env = {**os.environ, "PGPASSWORD": PASSWORD}
        done = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
                               "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, env=env,
                              timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    path = shutil.which("pg_ctl")
    return Path(path).parent if path else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start() -> PgServer:
    bin_dir = binaries()
    if bin_dir is None or shutil.which("psql") is None:
        raise FileNotFoundError("PostgreSQL is not installed (run .ci/postgres.sh)")
    as_user: tuple[str, ...] = ("runuser", "-u", "postgres", "--") if os.geteuid() == 0 else ()
    folder = Path(tempfile.mkdtemp(prefix="synth-pg-"))
    folder.chmod(0o755)
    (folder / "pw").write_text(PASSWORD + "\n")
    (folder / "run").mkdir()
    if as_user:
        shutil.chown(folder, "postgres")
        shutil.chown(folder / "pw", "postgres")
        shutil.chown(folder / "run", "postgres")
    port = free_port()
    run = lambda *cmd: subprocess.run([*as_user, *cmd], capture_output=True, text=True, timeout=120)  # noqa: E731
    done = run(str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", USER, f"--pwfile={folder / 'pw'}",
               "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-sync")
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr}")
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {folder / 'run'} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
    done = run(str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-o", options, "-l", str(folder / "log"),
               "-w", "-t", "60", "start")
    if done.returncode != 0:
        log = (folder / "log").read_text() if (folder / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log}")
    server = PgServer(folder, port, as_user)
    server.psql(f"CREATE DATABASE {DATABASE}")
    return server


def stop(server: PgServer) -> None:
    bin_dir = binaries()
    subprocess.run([*server.as_user, str(bin_dir / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate",
                    "-w", "stop"], capture_output=True, text=True, timeout=60)
    shutil.rmtree(server.folder, ignore_errors=True)
