"""A throw-away PostgreSQL server for the test run, started and stopped by the suite itself."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.ports import free_port


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed or the server would not start."""


@dataclass
class PgServer:
    admin_url: str
    data_dir: Path | None = None
    bin_dir: Path | None = None
    port: int | None = None

    def pause(self) -> None:
        """Stop the server as an outage would (fast shutdown: sessions are cut), keeping its data."""
        assert self.data_dir is not None and self.bin_dir is not None, "only a server this run started"
        _run_as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])

    def resume(self) -> None:
        """Start a paused server again on the same port."""
        assert self.data_dir is not None and self.bin_dir is not None and self.port is not None
        _start_cluster(self.bin_dir, self.data_dir, self.port)

    def stop(self) -> None:
        if self.data_dir is None:
            return
        _run_as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def create_database(self, template: str | None = None) -> str:
        """Create an empty database (optionally a copy of `template`) and return its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        eng = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        eng.dispose()
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `create_database`, closing what still connects to it."""
        name = make_url(url).database
        eng = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        eng.dispose()


def _run_as_owner(cmd: list[str]) -> subprocess.CompletedProcess:
    # initdb refuses to run as root: as root, run the server as the `postgres` system user
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


def _start_cluster(bin_dir: Path, data_dir: Path, port: int) -> None:
    _run_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(data_dir / "server.log"), "-w",
                   "-o", f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                         "-c synchronous_commit=off -c full_page_writes=off", "start"])


def start_postgres() -> PgServer:
    """Start a private PostgreSQL cluster on a free loopback port (or use CERTDASH_TEST_PG_URL)."""
    if os.environ.get("CERTDASH_TEST_PG_URL"):
        return PgServer(os.environ["CERTDASH_TEST_PG_URL"])
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise PostgresUnavailable("PostgreSQL server binaries not found (apt package `postgresql`)")
    bin_dir = Path(candidates[-1]).parent
    data_dir = Path(tempfile.mkdtemp(prefix="certdash-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
    port = free_port()
    try:
        _run_as_owner([str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust",
                       "-E", "UTF8", "--locale=C.UTF-8"])
        _start_cluster(bin_dir, data_dir, port)
    except subprocess.CalledProcessError as exc:
        log = (data_dir / "server.log").read_text() if (data_dir / "server.log").exists() else ""
        shutil.rmtree(data_dir, ignore_errors=True)
        raise PostgresUnavailable(f"PostgreSQL did not start: {exc.stderr or exc.stdout}\n{log}") from None
    server = PgServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", data_dir, bin_dir, port)
    deadline = time.monotonic() + 20
    while True:
        try:
            eng = create_engine(server.admin_url)
            with eng.connect():
                pass
            eng.dispose()
            return server
        except Exception:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.2)
