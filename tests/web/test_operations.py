"""What every answer carries (frame protection, a content security policy, no banner) and the probes
operators use: /healthz (the process) and /readyz (the store reachable and migrated)."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import text

from dashboard.web.health import QuietHealthChecks, page_policy


def test_pages_forbid_framing_and_outside_scripts(matrix_client):
    login = matrix_client(None).get("/login")
    assert login.status_code == 200 and login.headers["X-Frame-Options"] == "SAMEORIGIN"
    policy = login.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "default-src 'self'" in policy and "'unsafe-eval'" not in policy
    scripts = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'sha256-" in scripts and "'unsafe-inline'" not in scripts  # Dash's inline script by its hash only
    assert login.headers["X-Content-Type-Options"] == "nosniff" and login.headers["Referrer-Policy"] == "same-origin"


def test_json_answers_carry_frame_protection_but_no_page_policy(matrix_client):
    layout = matrix_client(None).get("/_dash-layout")
    assert layout.headers["X-Frame-Options"] == "SAMEORIGIN" and "Content-Security-Policy" not in layout.headers


def test_the_page_policy_lists_the_hashes_and_the_card_agent_it_is_given():
    policy = page_policy(["'sha256-abc='", "'sha256-def='"], ("http://127.0.0.1:53280",))
    assert "script-src 'self' 'sha256-abc=' 'sha256-def='" in policy
    assert "connect-src 'self' http://127.0.0.1:53280;" in policy


def test_the_probes_need_no_sign_in_and_are_never_cached(matrix_client):
    client = matrix_client(None)
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.get_json() == {"status": "alive"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready" and ready.get_json()["migration"]
    assert alive.headers["Cache-Control"] == ready.headers["Cache-Control"] == "no-store"


@pytest.fixture
def unmigrated_app(sqlite_template, tmp_path):
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app

    shutil.copyfile(sqlite_template, tmp_path / "store.sqlite3")
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'store.sqlite3'}", secret_key="ops-" + tmp_path.name,
                              instance_path=tmp_path / "instance", data_key=Fernet.generate_key().decode()))
    yield app
    app.server.extensions["certdash"].engine.dispose()


def test_readiness_fails_with_a_reason_and_a_retry_when_the_store_is_not_at_the_code_s_migration(unmigrated_app):
    client = unmigrated_app.server.test_client()
    assert client.get("/readyz").status_code == 200
    with unmigrated_app.server.extensions["certdash"].engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.get_json()["status"] == "unavailable" and "migration 0001" in answer.get_json()["reason"]
    assert client.get("/healthz").status_code == 200  # the process itself is alive


@pytest.mark.parametrize("line, kept", [
    ('127.0.0.1 - - "GET /healthz HTTP/1.1" 200 -', False),
    ('127.0.0.1 - - "GET /readyz?x=1 HTTP/1.1" 503 -', False),
    ('127.0.0.1 - - "GET /declarations HTTP/1.1" 200 -', True),
])
def test_the_probes_stay_out_of_the_access_log(line, kept):
    import logging

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, line, None, None)
    assert QuietHealthChecks().filter(record) is kept


def test_every_inline_script_a_page_runs_is_allowed_by_its_hash(matrix_client):
    import base64
    import hashlib
    import re

    page = matrix_client(None).get("/login")
    html = re.sub(r"<!--.*?-->", "", page.get_data(as_text=True), flags=re.S)  # IE-only scripts sit in comments
    inline = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
              if "src=" not in attrs and "application/json" not in attrs]
    assert inline  # the renderer's start, at least
    policy = page.headers["Content-Security-Policy"]
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy, body[:60]


def test_a_stopped_postgresql_answers_503_with_a_retry_and_nothing_else_breaks(tmp_path):
    """A store that cannot be reached (nothing listens on its port): pages and callbacks answer 503."""
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app
    from tests.support.ports import free_port
    from tests.support.world import csrf_from

    down = f"postgresql+psycopg://certdash:x@127.0.0.1:{free_port()}/certdash"
    app = create_app(Settings(database_url=down, secret_key="down-" + tmp_path.name, instance_path=tmp_path / "i",
                              data_key=Fernet.generate_key().decode()))
    client = app.server.test_client()
    assert client.get("/healthz").status_code == 200  # the process is alive
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["Retry-After"] == "5"
    signing_in = client.post("/auth/login", data={"account": "sysadmin", "password": "x", "csrf": csrf_from(client)})
    assert signing_in.status_code == 503 and signing_in.headers["Retry-After"] == "5"
    assert signing_in.get_json() == {"error": "the data store is unavailable; try again shortly"}
    api = client.get("/api/v1/verify/TEST0000")
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"


def test_an_unreachable_sqlite_store_answers_503_and_recovers_without_a_restart(unmigrated_app, tmp_path):
    from tests.conftest import TEST_PASSWORD
    from tests.support.world import build_world, sign_in

    sessions = unmigrated_app.server.extensions["certdash"].sessions
    build_world(sessions, TEST_PASSWORD)
    client = unmigrated_app.server.test_client()
    sign_in(client, "ent_a_oper", TEST_PASSWORD)
    assert client.get("/declarations").status_code == 200
    store = tmp_path / "store.sqlite3"
    unmigrated_app.server.extensions["certdash"].engine.dispose()
    store.rename(tmp_path / "moved.sqlite3")
    store.mkdir()  # the path is there but cannot be opened as a database
    try:
        answer = client.get("/declarations", headers={"Accept": "text/html"})
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        page = answer.get_data(as_text=True)
        assert "数据存储暂时不可用" in page and "Temporarily unavailable" in page
        callback = client.post("/_dash-update-component", json={"output": "x.children", "outputs": {},
                                                                 "inputs": [], "state": [], "changedPropIds": []})
        assert callback.status_code == 503
    finally:
        store.rmdir()
        (tmp_path / "moved.sqlite3").rename(store)
        unmigrated_app.server.extensions["certdash"].engine.dispose()
    assert client.get("/declarations").status_code == 200  # back, with the same server


def test_the_development_server_names_no_software(matrix_app):
    """`python app.py` serves with QuietRequestHandler: one Server header, no Werkzeug or Python version."""
    import threading

    import requests
    from werkzeug.serving import make_server

    from dashboard.web.health import QuietRequestHandler

    server = make_server("127.0.0.1", 0, matrix_app.server, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        answer = requests.get(f"http://127.0.0.1:{server.server_port}/healthz", timeout=5)
    finally:
        server.shutdown()
    assert answer.status_code == 200 and answer.raw.headers.getlist("Server") == ["certdash"]
