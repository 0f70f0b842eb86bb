"""A ledger export through Celery with Redis: a real redis-server, a real worker (`celery -A app:celery_app
worker`), and the page's background callback asking for the job and polling it as the browser does."""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from dashboard.core.logs import request_context
from tests.conftest import TEST_PASSWORD
from tests.service.test_ledger import add_ledger_records
from tests.support.ports import free_port
from tests.web.test_ledger_jobs import job_payload, request_for, run_background, ticket_for

ROOT = Path(__file__).resolve().parents[2]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the process exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt package redis-server, in the Makefile's APT_TEST)")
    pytest.importorskip("celery")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


@pytest.fixture
def celery_app_and_worker(sqlite_template, tmp_path, redis_url):
    """The web app and one worker, both on the same store, secret, instance folder and broker."""
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app

    store = tmp_path / "celery.sqlite3"
    shutil.copyfile(sqlite_template, store)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{store}", "SECRET_KEY": "celery-test-secret",
           "CERTDASH_INSTANCE": str(tmp_path / "instance"), "CERTDASH_DATA_KEY": Fernet.generate_key().decode(),
           "CELERY_BROKER_URL": redis_url, "PYTHONPATH": str(ROOT)}
    app = create_app(Settings.from_env(env))
    assert type(app._background_manager).__name__ == "CeleryManager"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "--pool=solo",
                               "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat",
                               "-l", "INFO"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield app
    finally:
        _stop(worker)
        log.close()
        app.server.extensions["certdash"].engine.dispose()


def test_a_ledger_export_runs_on_a_celery_worker(celery_app_and_worker, tmp_path):
    from tests.support.world import build_world, sign_in

    app = celery_app_and_worker
    world = build_world(app.server.extensions["certdash"].sessions, TEST_PASSWORD)
    add_ledger_records(app.server.extensions["certdash"].sessions, world)
    client = app.server.test_client()
    assert sign_in(client, "ent_a_oper", TEST_PASSWORD).status_code == 302
    with request_context("celery-click-0001"):  # as in the request that started the export
        job = {"ticket": ticket_for(app, "ent_a_oper", request_for()), "rows": 5}
    try:
        response, _progress = run_background(client, job_payload(job), timeout=90)
    except AssertionError:
        print((tmp_path / "worker.log").read_text())
        raise
    result = response["ledger-result"]["data"]
    assert result["rows"] == 5, result
    download = client.get(f"/files/ledger/{result['token']}")
    assert download.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(download.data)).worksheets[0].max_row == 7
    worker_log = (tmp_path / "worker.log").read_text()
    assert "background_callback_" in worker_log  # the worker ran it, not this process
    # the worker writes JSON lines, and the job's carry the id of the request that asked for it
    entries = [json.loads(line) for line in worker_log.splitlines() if line.startswith("{")]
    job_lines = [e for e in entries if e["logger"] == "dashboard.jobs"]
    assert [e["message"] for e in job_lines] == ["job started", "job finished"], worker_log
    assert {(e["request_id"], e["job"]) for e in job_lines} == {("celery-click-0001", "ledger.export")}
