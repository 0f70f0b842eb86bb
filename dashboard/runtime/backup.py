"""Backup and restore of one deployment: the store and the instance's keys and files.

A backup is a folder:

    manifest.json    what is in it: the store's backend and migration, the rows of every table,
                     and the size and SHA-256 of every file below (the store's own file included)
    store.sqlite3    SQLite: a consistent copy taken with SQLite's online backup (writers go on)
    store.pgdump     PostgreSQL: `pg_dump --format=custom` of a snapshot, whose rows were counted
                     in the same snapshot
    instance/...     the instance folder: the secret and data keys, the demo signing CA and keys,
                     the outbox and finished exports (not the job cache, not the SQLite store)

It is written under a temporary name next to the target and renamed when complete, so a folder
with the target's name is always a whole backup. `restore` checks every file against the manifest
before it touches anything, refuses a store or instance that already holds something else (unless
forced), restores the store in one transaction (`pg_restore --single-transaction`, or SQLite's
backup API into the file), writes the files, then counts the rows again and compares them with the
manifest.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from dashboard.core.config import Settings
from data.core.db import alembic_config, describe_url, make_engine

FORMAT = "certdash-backup/1"
MANIFEST = "manifest.json"
INSTANCE = "instance"
STORE_FILES = {"sqlite": "store.sqlite3", "postgresql": "store.pgdump"}
# what an instance folder holds that is not worth keeping: the background jobs' cache, partial files
SKIPPED_FOLDERS = frozenset({"jobs", "__pycache__"})
SKIPPED_SUFFIXES = (".part", ".tmp", "-journal", "-wal", "-shm")
PRIVATE_FILES = frozenset({"secret_key", "data_key", "demo-password"})


class BackupError(Exception):
    """The backup or restore cannot go on; the message is one line for the operator. Nothing was changed."""


@dataclass
class Manifest:
    backend: str
    migration: str | None
    tables: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: str = ""
    keys: dict[str, str] = field(default_factory=dict)  # fingerprints of the keys in force when it was made

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "created": self.created, "backend": self.backend, "migration": self.migration,
                "tables": self.tables, "files": self.files, "keys": self.keys}

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST
        if not path.is_file():
            raise BackupError(f"{folder} is not a certdash backup: it has no {MANIFEST}")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BackupError(f"{path} is damaged: {exc}") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BackupError(f"{path} is not a {FORMAT} manifest")
        try:
            return cls(backend=str(raw["backend"]), migration=raw["migration"], tables=dict(raw["tables"]),
                       files=dict(raw["files"]), created=str(raw.get("created", "")), keys=dict(raw.get("keys", {})))
        except (KeyError, TypeError, ValueError):
            raise BackupError(f"{path} is incomplete") from None


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    files: int
    warnings: tuple[str, ...]


# --- backup ---------------------------------------------------------------------------------------

def backup(settings: Settings, engine: Engine, out: Path) -> Manifest:
    """Write a backup of the store behind `engine` and of the instance folder into `out`."""
    out = out.resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} exists and is not an empty folder; name a new one")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        backend = engine.url.get_backend_name()
        store_file = work / STORE_FILES[_backend(backend)]
        if backend == "sqlite":
            migration, tables = _backup_sqlite(engine, store_file)
        else:
            migration, tables = _backup_postgresql(engine, store_file)
        manifest = Manifest(backend=backend, migration=migration, tables=tables,
                            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            keys={"secret_key": _fingerprint(settings.secret_key),
                                  "data_key": _fingerprint(settings.data_key)})
        manifest.files[store_file.name] = _describe(store_file)
        for source, relative in _instance_files(settings.instance_path, _sqlite_files(engine)):
            target = work / INSTANCE / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            manifest.files[f"{INSTANCE}/{relative.as_posix()}"] = _describe(target)
        (work / MANIFEST).write_text(json.dumps(manifest.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(work, 0o700)  # it holds the keys
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _backup_sqlite(engine: Engine, target: Path) -> tuple[str | None, dict[str, int]]:
    source = _sqlite_path(engine.url)
    if source is None or not source.exists():
        raise BackupError(f"the store {describe_url(str(engine.url))} is not a file that can be backed up")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one consistent copy, WAL included, while the app goes on writing
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, readable without -wal/-shm
    finally:
        dst.close()
        src.close()
    copy = create_engine(f"sqlite:///{target}")  # no pragmas: the copy stays as it was written
    try:
        with copy.connect() as conn:
            if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
                raise BackupError("the copy of the SQLite store failed its integrity check")
            return _migration(conn), _count_rows(conn)
    finally:
        copy.dispose()


def _backup_postgresql(engine: Engine, target: Path) -> tuple[str | None, dict[str, int]]:
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            # counted and dumped in one snapshot: the manifest's numbers are the dump's
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            tables = _count_rows(conn)
            migration = _migration(conn)
            _run_pg("pg_dump", engine.url, ["--format=custom", "--no-owner", "--no-privileges",
                                             f"--snapshot={snapshot}", f"--file={target}"])
    return migration, tables


# --- restore --------------------------------------------------------------------------------------

def restore(settings: Settings, source: Path, *, force: bool = False) -> Restored:
    """Restore a backup into the store of `settings.database_url` and into its instance folder."""
    source = source.resolve()
    manifest = Manifest.read(source)
    _check_files(source, manifest)
    backend = make_url(settings.database_url).get_backend_name()
    if manifest.backend != backend:
        raise BackupError(f"this backup is of a {manifest.backend} store; DATABASE_URL names a {backend} store")
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}
    if manifest.migration not in known:
        raise BackupError(f"the backup's store is at migration {manifest.migration}, which this code does not know; "
                          "restore it with the version of certdash that made it")
    engine = make_engine(settings.database_url)
    try:
        occupied = _table_names(engine)
        if occupied and not force:
            raise BackupError(f"the store {describe_url(settings.database_url)} already holds {len(occupied)} "
                              "tables; restore into an empty store, or add --force to replace it")
        planned = _planned_files(source, manifest, settings.instance_path, True if force else settings.generated)
        if backend == "sqlite":
            _restore_sqlite(engine, source / STORE_FILES["sqlite"])
        else:
            _restore_postgresql(engine, source / STORE_FILES["postgresql"], clean=bool(occupied))
        for src, target in planned:
            _place(src, target)
        with engine.connect() as conn:
            counted = _count_rows(conn)
        if counted != manifest.tables:
            differ = sorted(t for t in set(counted) | set(manifest.tables) if counted.get(t) != manifest.tables.get(t))
            raise BackupError(f"the restored store differs from the backup in {', '.join(differ[:5])}")
    finally:
        engine.dispose()
    return Restored(manifest, len(planned), tuple(_key_warnings(settings, manifest)))


def _restore_sqlite(engine: Engine, backup_file: Path) -> None:
    target = _sqlite_path(engine.url)
    if target is None:
        raise BackupError("DATABASE_URL names an SQLite store in memory; name a file")
    engine.dispose()
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)  # the whole file in one step, under the target's write lock
    except sqlite3.Error as exc:
        raise BackupError(f"cannot write the store {target}: {exc}") from None
    finally:
        dst.close()
        src.close()


def _restore_postgresql(engine: Engine, dump: Path, *, clean: bool) -> None:
    engine.dispose()
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if clean:
        options += ["--clean", "--if-exists"]
    _run_pg("pg_restore", engine.url, [*options, str(dump)])


# --- files ----------------------------------------------------------------------------------------

def _instance_files(instance: Path, skip: set[Path]) -> Iterator[tuple[Path, Path]]:
    if not instance.is_dir():
        return
    for folder, folders, files in os.walk(instance):
        folders[:] = sorted(f for f in folders if f not in SKIPPED_FOLDERS and not f.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if path.resolve() in skip or name.endswith(SKIPPED_SUFFIXES) or not path.is_file():
                continue
            yield path, path.relative_to(instance)


def _check_files(source: Path, manifest: Manifest) -> None:
    store_name = STORE_FILES.get(manifest.backend)
    if store_name not in manifest.files:
        raise BackupError(f"the backup has no {store_name}")
    for relative, expected in manifest.files.items():
        path = _inside(source, relative)
        if not path.is_file():
            raise BackupError(f"the backup is incomplete: {relative} is missing")
        if _describe(path) != expected:
            raise BackupError(f"the backup is damaged: {relative} does not match its checksum")


def _planned_files(source: Path, manifest: Manifest, instance: Path,
                   replace: bool | frozenset[str]) -> list[tuple[Path, Path]]:
    """The files to write, refusing to replace one that holds something else unless told to
    (`True`: any; a set: those names, e.g. keys this very process made a moment ago)."""
    planned, conflicts = [], []
    for relative, expected in manifest.files.items():
        if not relative.startswith(f"{INSTANCE}/"):
            continue
        name = relative[len(INSTANCE) + 1:]
        target = _inside(instance, name)
        if target.exists() and _describe(target)["sha256"] != expected["sha256"] \
                and not (replace is True or (isinstance(replace, frozenset) and name in replace)):
            conflicts.append(name)
        planned.append((_inside(source, relative), target))
    if conflicts:
        raise BackupError(f"the instance folder {instance} already holds other {', '.join(conflicts[:3])}"
                          f"{' ...' if len(conflicts) > 3 else ''}; restore into a new instance folder, "
                          "or add --force to replace them")
    return planned


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copy2(source, partial)
    if target.name in PRIVATE_FILES or "signing" in target.parts:
        os.chmod(partial, 0o600)
    os.replace(partial, target)


def _inside(root: Path, relative: str) -> Path:
    """`root / relative`, refusing a name from a manifest that would step out of `root`."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise BackupError(f"the backup names a file outside its folder: {relative}")
    return path


def _describe(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _key_warnings(settings: Settings, manifest: Manifest) -> Iterator[str]:
    """Keys set in the environment win over the restored instance's: say when they differ."""
    def in_force(variable: str, file: str, running: str) -> str:
        path = settings.instance_path / file
        value = os.environ.get(variable) or (path.read_text().strip() if path.is_file() else None) or running
        return _fingerprint(value)

    if manifest.keys.get("data_key") not in (None, in_force("CERTDASH_DATA_KEY", "data_key", settings.data_key)):
        yield ("CERTDASH_DATA_KEY differs from the key of the backed-up deployment: the communication "
               "accounts' stored passwords cannot be read until the old key is set again")
    if manifest.keys.get("secret_key") not in (None, in_force("SECRET_KEY", "secret_key", settings.secret_key)):
        yield "SECRET_KEY differs from the backed-up deployment's: every user signs in again"


# --- the store ------------------------------------------------------------------------------------

def _backend(name: str) -> str:
    if name not in STORE_FILES:
        raise BackupError(f"cannot back up a {name} store")
    return name


def _sqlite_path(url: URL) -> Path | None:
    database = url.database
    return Path(database).resolve() if database not in (None, "", ":memory:") else None


def _sqlite_files(engine: Engine) -> set[Path]:
    path = _sqlite_path(engine.url) if engine.url.get_backend_name() == "sqlite" else None
    return {path} if path is not None else set()


def _table_names(engine: Engine) -> list[str]:
    if engine.url.get_backend_name() == "sqlite":
        path = _sqlite_path(engine.url)
        if path is None or not path.exists():  # nothing there yet (connecting would make an empty file)
            return []
    with engine.connect() as conn:
        return inspect(conn).get_table_names()


def _count_rows(conn: Connection) -> dict[str, int]:
    return {name: int(conn.scalar(select(func.count()).select_from(table(name))) or 0)
            for name in sorted(inspect(conn).get_table_names())}


def _migration(conn: Connection) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _run_pg(tool: str, url: URL, arguments: list[str]) -> None:
    """Run pg_dump or pg_restore against the store (the password through the environment, not argv)."""
    binary = _pg_binary(tool)
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    command = [binary, f"--dbname={target}", *arguments]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{tool} failed: {lines[-1] if lines else f'exit code {done.returncode}'}")


def _pg_binary(tool: str) -> str:
    """The newest installed PostgreSQL's own tool (it must not be older than the server), else PATH's."""
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    found = versions[-1] if versions else shutil.which(tool)
    if found is None:
        raise BackupError(f"{tool} is not installed (apt package postgresql-client)")
    return found
