"""Start-up with bad settings or an unready store: one clear line, non-zero exit, nothing created."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from dashboard.core.config import Settings
from dashboard.core.errors import ConfigError
from data.core.db import StoreError, check_store, make_engine
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def run_app(env_extra: dict, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({"CERTDASH_INSTANCE": str(tmp_path / "instance"), "CERTDASH_PORT": "1"}, **env_extra)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("url,fragment", [
    ("mysql://u:p@localhost/db", "supports sqlite and postgresql"),
    ("postgresql://u:p@localhost/db", "must use the psycopg driver"),
    ("not a url", "not a valid database URL"),
])
def test_wrong_database_url_is_one_line_and_creates_nothing(tmp_path, url, fragment):
    result = run_app({"DATABASE_URL": url}, tmp_path, "app.py")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert not (tmp_path / "instance").exists()


def test_unreachable_database_is_one_line(tmp_path):
    port = free_port()  # nothing listens here once the socket closes
    result = run_app({"DATABASE_URL": f"postgresql+psycopg://app:secret@127.0.0.1:{port}/appdb",
                      "SECRET_KEY": "x"}, tmp_path, "app.py")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the database" in lines[0], result.stderr
    assert "secret" not in lines[0]  # the password is never printed


def test_missing_sqlite_store_is_reported_not_created(tmp_path):
    target = tmp_path / "nowhere.sqlite3"
    result = run_app({"DATABASE_URL": f"sqlite:///{target}", "SECRET_KEY": "x"}, tmp_path, "app.py")
    assert result.returncode != 0
    assert "does not exist" in result.stderr and "db upgrade" in result.stderr
    assert not target.exists()


def test_store_at_an_older_migration_is_refused(engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
    with pytest.raises(StoreError, match="is at migration 0000_older, the code needs"):
        check_store(engine)


def test_empty_store_is_refused(tmp_path):
    path = tmp_path / "empty.sqlite3"
    create_engine(f"sqlite:///{path}").connect().close()
    with pytest.raises(StoreError, match="has no certdash tables"):
        check_store(make_engine(f"sqlite:///{path}"))


def test_settings_from_env_generate_a_private_secret(tmp_path):
    instance = tmp_path / "inst"
    first = Settings.from_env({"CERTDASH_INSTANCE": str(instance)})
    second = Settings.from_env({"CERTDASH_INSTANCE": str(instance)})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 48
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0
    assert first.database_url == f"sqlite:///{instance / 'certdash.sqlite3'}"
    assert Settings.from_env({"CERTDASH_INSTANCE": str(instance), "SECRET_KEY": "given"}).secret_key == "given"
    with pytest.raises(ConfigError):
        Settings.from_env({"CERTDASH_INSTANCE": str(instance), "CERTDASH_LANGUAGE": "fr"})
    assert not first.session_cookie_secure
    https = Settings.from_env({"CERTDASH_INSTANCE": str(instance), "CERTDASH_PUBLIC_URL": "https://c.example"})
    assert https.session_cookie_secure and https.public_url == "https://c.example"
    assert len(first.data_key) == 44 and (instance / "data_key").stat().st_mode & 0o077 == 0


def test_cli_upgrade_then_serve_under_gunicorn_on_postgresql(pg_server, tmp_path):
    url = pg_server.create_database()
    env = {"DATABASE_URL": url, "SECRET_KEY": "gunicorn-test", "CERTDASH_PUBLIC_URL": "https://certdash.example"}
    upgraded = run_app(env, tmp_path, "-m", "flask", "--app", "app:server", "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    port = free_port()
    full_env = {**os.environ, **env, "CERTDASH_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:dashboard.gunicorn_conf", "app:server"],
                            cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                login = requests.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):  # the master listens before a worker is up
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
                time.sleep(0.2)
        assert login.status_code == 200 and "_dash-renderer" in login.text or "dash_renderer" in login.text
        home = requests.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=5,
                            headers={"X-Request-Id": "probe-home-0001"})
        assert home.headers["X-Request-Id"] == "probe-home-0001"
        assert home.status_code == 302 and home.headers["Location"].startswith("/login")
        # no software banner, no framing; the probes answer and stay out of the access log
        assert login.headers["Server"] == "certdash" and login.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in login.headers["Content-Security-Policy"]
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json() == {"status": "alive"}
        ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    log = proc.stdout.read()
    assert "/healthz" not in log and "/readyz" not in log
    # the log is JSON lines: gunicorn's own messages and the app's one record per request, with its id
    entries = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert any(e["logger"] == "gunicorn.error" and "Booting worker" in e["message"] for e in entries)
    access = [e for e in entries if e["logger"] == "certdash.access"]
    assert {(e["method"], e["path"], e["status"]) for e in access} >= {("GET", "/login", 200), ("GET", "/", 302)}
    assert [e["request_id"] for e in access if e["path"] == "/"] == ["probe-home-0001"]
    assert login.headers["X-Request-Id"] in {e["request_id"] for e in access if e["path"] == "/login"}


def test_gunicorn_refuses_to_serve_without_a_public_address(pg_server, tmp_path):
    url = pg_server.create_database()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "CERTDASH_BIND": "127.0.0.1:0"}
    env.pop("CERTDASH_PUBLIC_URL", None)
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "python:dashboard.gunicorn_conf", "app:server"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "CERTDASH_PUBLIC_URL is not set" in result.stderr


def test_links_lead_to_where_the_development_server_listens(tmp_path):
    base = {"CERTDASH_INSTANCE": str(tmp_path)}
    assert Settings.from_env(base).public_url == "http://127.0.0.1:8050"
    moved = Settings.from_env({**base, "CERTDASH_PORT": "8123", "CERTDASH_HOST": "127.0.0.2"})
    assert moved.public_url == "http://127.0.0.2:8123" and not moved.public_url_set
    everywhere = Settings.from_env({**base, "CERTDASH_HOST": "0.0.0.0", "CERTDASH_PORT": "9000"})
    assert everywhere.public_url.endswith(":9000") and "0.0.0.0" not in everywhere.public_url
    given = Settings.from_env({**base, "CERTDASH_PORT": "8123", "CERTDASH_PUBLIC_URL": "https://c.example/"})
    assert given.public_url == "https://c.example" and given.public_url_set


def test_gunicorn_refuses_an_unmigrated_store(pg_server, tmp_path):
    url = pg_server.create_database()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "CERTDASH_BIND": "127.0.0.1:0",
           "CERTDASH_PUBLIC_URL": "https://certdash.example"}
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "python:dashboard.gunicorn_conf", "app:server"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "has no certdash tables" in result.stderr


def test_a_worker_freezes_what_loading_the_app_made():
    """The objects a worker holds once the app is loaded leave the collector's passes (gunicorn's
    post_worker_init), so a full collection during a large pivot scans only the request's objects."""
    import gc

    from dashboard import gunicorn_conf

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
