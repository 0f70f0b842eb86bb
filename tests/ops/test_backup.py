"""`flask backup` and `flask restore`: a backup restored into a fresh store and instance holds every record
(row for row) and every signed PDF still validates in pdfsig; a damaged backup, an occupied store or
instance, a backend mismatch are refused with one line and nothing changed."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, inspect, select

from dashboard.core.config import Settings
from dashboard.runtime.backup import BackupError, backup, restore
from data.core.db import make_engine
from data.core.rate_limit import note
from data.models import Blob, Certificate
from tests.conftest import TEST_PASSWORD
from tests.ops.test_cli_certificates import issued
from tests.service.test_issuing import needs_pdfsig

ROOT = Path(__file__).resolve().parents[2]


def run(app, *args):
    return app.server.test_cli_runner().invoke(args=list(args))


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows in primary-key order."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            digests = {}
            for name in sorted(inspect(conn).get_table_names()):
                tbl = Table(name, MetaData(), autoload_with=conn)
                order = list(tbl.primary_key.columns) or list(tbl.columns)
                digest = hashlib.sha256()
                count = 0
                for row in conn.execute(select(tbl).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                digests[name] = (count, digest.hexdigest())
            return digests
    finally:
        engine.dispose()


def instance_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "jobs" not in p.relative_to(folder).parts and not p.name.startswith("certdash.sqlite3")}


def nss_trusting(root_pem: Path, folder: Path) -> Path:
    folder.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{folder}", "-n", "restored-root", "-t", "CT,C,C", "-i", str(root_pem)],
                   check=True)
    return folder


def pdfsig_valid(pdf: bytes, nss: Path, path: Path) -> bool:
    path.write_bytes(pdf)
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True)
    report = done.stdout + done.stderr
    return "Signature is Valid." in report and "Certificate is Trusted." in report and "Total document signed" in report


def empty_store_like(url: str, tmp_path: Path, request) -> str:
    """A fresh, empty store on the same backend as `url` (no tables at all)."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored' / 'store.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    fresh = server.create_database()
    request.addfinalizer(lambda: server.drop_database(fresh))
    return fresh


@needs_pdfsig
def test_a_backup_restored_into_a_fresh_store_holds_every_record_and_valid_signatures(app, users, settings, tmp_path,
                                                                                      request):
    numbers = issued(app, users, 3)
    sessions = app.server.extensions["certdash"].sessions
    stop = threading.Event()

    def keep_writing():  # the app goes on working while the backup is taken
        while not stop.is_set():
            with sessions() as s:
                note(s, "backup-test", timedelta(hours=1))
                s.commit()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = run(app, "backup", "--out", str(tmp_path / "backup"))
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "backup of the" in result.output and "files" in result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["certificate"] >= 3 and manifest["migration"]
    assert "instance/signing/root-ca.pem" in manifest["files"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".backup.")]  # no work folder left behind

    # a fresh deployment: an empty store and an empty instance folder
    fresh = Settings(database_url=empty_store_like(settings.database_url, tmp_path, request),
                     secret_key=settings.secret_key, instance_path=tmp_path / "restored-instance",
                     data_key=settings.data_key)
    from dashboard.web.factory import create_app

    target = create_app(fresh)
    try:
        restored = run(target, "restore", str(tmp_path / "backup"))
        assert restored.exit_code == 0, restored.output
        assert "each table's count checked" in restored.output and "warning" not in restored.output
    finally:
        target.server.extensions["certdash"].engine.dispose()

    # every record: what the backup counted, row for row the same as the source had then
    after = table_digests(fresh.database_url)
    assert {name: count for name, (count, _digest) in after.items()} == manifest["tables"]
    source_now = table_digests(settings.database_url)
    # the writer kept counting in rate_limit after the backup; every other table is unchanged since
    assert {n: d for n, d in after.items() if n != "rate_limit"} == {
        n: d for n, d in source_now.items() if n != "rate_limit"}
    # the instance's keys and files, byte for byte
    assert instance_files(fresh.instance_path) == instance_files(settings.instance_path)
    assert oct((fresh.instance_path / "signing" / "root-ca.key").stat().st_mode & 0o777) == "0o600"

    # every signed PDF still validates, against the restored instance's own root
    nss = nss_trusting(fresh.instance_path / "signing" / "root-ca.pem", tmp_path / "nss")
    engine = make_engine(fresh.database_url)
    try:
        with engine.connect() as conn:
            pdfs = conn.execute(select(Certificate.certificate_no, Blob.data)
                                .join(Blob, Blob.sha256 == Certificate.pdf_sha256)).all()
    finally:
        engine.dispose()
    assert {number for number, _pdf in pdfs} >= set(numbers)
    for number, pdf in pdfs:
        assert pdfsig_valid(pdf, nss, tmp_path / f"{number}.pdf"), number

    # and the restored deployment serves: a user of the backup signs in
    restored_app = create_app(fresh)
    try:
        from tests.support.world import sign_in

        response = sign_in(restored_app.server.test_client(), "officer0901", TEST_PASSWORD)
        assert response.status_code == 302 and "/login" not in response.headers["Location"]
    finally:
        restored_app.server.extensions["certdash"].engine.dispose()


@pytest.fixture
def sqlite_backup(tmp_path, sqlite_template):
    """A small SQLite deployment with one issued certificate, and its backup."""
    from cryptography.fernet import Fernet

    from dashboard.web.factory import create_app
    from tests.support.world import build_world

    store = tmp_path / "source.sqlite3"
    shutil.copyfile(sqlite_template, store)
    settings = Settings(database_url=f"sqlite:///{store}", secret_key="backup-secret",
                        instance_path=tmp_path / "instance", data_key=Fernet.generate_key().decode())
    app = create_app(settings)
    users = build_world(app.server.extensions["certdash"].sessions, TEST_PASSWORD)
    issued(app, users, 1)
    backup(settings, app.server.extensions["certdash"].engine, tmp_path / "backup")
    yield app, settings, tmp_path / "backup", users
    app.server.extensions["certdash"].engine.dispose()


def fresh_sqlite(tmp_path: Path, settings: Settings) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'fresh' / 'store.sqlite3'}", secret_key=settings.secret_key,
                    instance_path=tmp_path / "fresh-instance", data_key=settings.data_key)


@pytest.mark.parametrize("damage, said", [
    ("flip a byte of the store", "store.sqlite3 does not match its checksum"),
    ("lose a key", "instance/signing/root-ca.key is missing"),
    ("step outside", "names a file outside its folder"),
    ("no manifest", "is not a certdash backup"),
    ("garbled manifest", "manifest.json is damaged"),
])
def test_a_damaged_backup_is_refused_before_anything_is_written(sqlite_backup, tmp_path, damage, said):
    _app, settings, folder, _users = sqlite_backup
    manifest_path = folder / "manifest.json"
    if damage == "flip a byte of the store":
        data = bytearray((folder / "store.sqlite3").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (folder / "store.sqlite3").write_bytes(bytes(data))
    elif damage == "lose a key":
        (folder / "instance" / "signing" / "root-ca.key").unlink()
    elif damage == "step outside":
        manifest = json.loads(manifest_path.read_text())
        manifest["files"]["instance/../../../etc/passwd"] = {"size": 1, "sha256": "0" * 64}
        manifest_path.write_text(json.dumps(manifest))
    elif damage == "no manifest":
        manifest_path.unlink()
    else:
        manifest_path.write_text("{not json")
    fresh = fresh_sqlite(tmp_path, settings)
    with pytest.raises(BackupError, match=said):
        restore(fresh, folder)
    assert not (tmp_path / "fresh").exists() and not fresh.instance_path.exists()


def test_an_occupied_store_or_instance_is_kept_unless_forced(sqlite_backup, tmp_path):
    app, settings, folder, users = sqlite_backup
    backed_up = table_digests(settings.database_url)
    issued(app, users, 1)  # work done after the backup
    app.server.extensions["certdash"].engine.dispose()
    with pytest.raises(BackupError, match="already holds .* tables; restore into an empty store, or add --force"):
        restore(settings, folder)
    assert table_digests(settings.database_url) != backed_up  # untouched: the later work is still there

    # an empty store but an instance folder holding another deployment's signing root
    fresh = fresh_sqlite(tmp_path, settings)
    (fresh.instance_path / "signing").mkdir(parents=True)
    (fresh.instance_path / "signing" / "root-ca.pem").write_text("another deployment")
    with pytest.raises(BackupError, match="already holds other signing/root-ca.pem"):
        restore(fresh, folder)
    assert (fresh.instance_path / "signing" / "root-ca.pem").read_text() == "another deployment"
    assert not (tmp_path / "fresh").exists()  # the store was not written either

    done = restore(settings, folder, force=True)  # back to the backup's moment
    assert done.files >= 4 and table_digests(settings.database_url) == backed_up


def test_a_backup_goes_to_a_new_folder_and_is_whole_or_absent(sqlite_backup, tmp_path, monkeypatch):
    app, settings, _folder, _users = sqlite_backup
    engine = app.server.extensions["certdash"].engine
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "note.txt").write_text("keep me")
    with pytest.raises(BackupError, match="is not an empty folder"):
        backup(settings, engine, tmp_path / "used")
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["note.txt"]

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dashboard.runtime.backup.shutil.copy2", disk_full)
    with pytest.raises(OSError):
        backup(settings, engine, tmp_path / "half")
    assert not (tmp_path / "half").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".half.")]


def test_a_backup_restores_only_into_the_same_kind_of_store(sqlite_backup, tmp_path):
    _app, settings, folder, _users = sqlite_backup
    elsewhere = Settings(database_url="postgresql+psycopg://certdash@127.0.0.1:1/none", secret_key="x",
                         instance_path=tmp_path / "pg-instance", data_key=settings.data_key)
    with pytest.raises(BackupError, match="this backup is of a sqlite store; DATABASE_URL names a postgresql store"):
        restore(elsewhere, folder)


def test_a_backup_from_newer_code_is_refused(sqlite_backup, tmp_path):
    _app, settings, folder, _users = sqlite_backup
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["migration"] = "0099"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="migration 0099, which this code does not know"):
        restore(fresh_sqlite(tmp_path, settings), folder)


def test_the_commands_on_postgresql_from_the_shell(pg_server, tmp_path):
    """As an operator runs them: `flask --app app:server ...` with settings from the environment; the
    restoring deployment's first start made keys of its own, which the backup's replace."""
    source_url, target_url = pg_server.create_database(), pg_server.create_database()
    base = {**os.environ, "CERTDASH_LOG_FORMAT": "text", "PYTHONPATH": str(ROOT)}
    for variable in ("SECRET_KEY", "CERTDASH_DATA_KEY", "DATABASE_URL", "CERTDASH_INSTANCE"):
        base.pop(variable, None)
    source = {**base, "DATABASE_URL": source_url, "CERTDASH_INSTANCE": str(tmp_path / "source")}
    target = {**base, "DATABASE_URL": target_url, "CERTDASH_INSTANCE": str(tmp_path / "target")}

    def flask(env, *args):
        return subprocess.run([sys.executable, "-m", "flask", "--app", "app:server", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    try:
        assert flask(source, "demo", "--certificates", "50").returncode == 0
        number = flask(source, "certificates", "list", "--limit", "1").stdout.strip()
        assert flask(source, "certificates", "export", number, "--out", str(tmp_path / "before")).returncode == 0
        made = flask(source, "backup", "--out", str(tmp_path / "b"))
        assert made.returncode == 0, made.stderr
        assert (tmp_path / "b" / "store.pgdump").stat().st_size > 0
        again = flask(source, "backup", "--out", str(tmp_path / "b"))
        assert again.returncode == 1 and again.stderr.strip().splitlines()[-1].startswith("error: ")

        restored = flask(target, "restore", str(tmp_path / "b"))
        assert restored.returncode == 0, restored.stderr
        assert "warning" not in restored.stderr
        assert flask(target, "db", "check").stdout.strip() == "store ready"
        assert table_digests(target_url) == table_digests(source_url)
        for key in ("secret_key", "data_key", "demo-password"):
            assert (tmp_path / "target" / key).read_text() == (tmp_path / "source" / key).read_text()
        # the PDF signed before the backup is the one the restored deployment hands out
        assert flask(target, "certificates", "export", number, "--out", str(tmp_path / "after")).returncode == 0
        assert (tmp_path / "after" / f"{number}.pdf").read_bytes() == (tmp_path / "before" / f"{number}.pdf").read_bytes()
        twice = flask(target, "restore", str(tmp_path / "b"))
        assert twice.returncode == 1 and "add --force" in twice.stderr
    finally:
        pg_server.drop_database(source_url)
        pg_server.drop_database(target_url)
