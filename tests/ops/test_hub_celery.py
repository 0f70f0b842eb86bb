"""The hub node's rounds on a Celery worker's beat: a real redis-server, a real worker with its embedded beat
(`celery -A app:celery_app worker -B`), the hub simulator over TLS; a certificate issued in the web app's process
reaches the hub without anyone running a command."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

from sqlalchemy import select

from data.certificates.issuing import Issuer, issue
from data.core.db import transaction
from data.models import DictEntry, HubEnvelope
from tests.conftest import TEST_PASSWORD
from tests.ops.test_ledger_celery import ROOT, _stop, redis_url  # noqa: F401 - redis_url is a fixture
from tests.service.test_issuing import approved_application, version_of
from tests.support.world import actor

pytest_plugins = ["tests.support.hub_fixtures"]


def test_the_worker_beat_delivers_what_the_web_app_queued(sqlite_template, tmp_path, redis_url, hub, pki):  # noqa: F811
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app
    from tests.support.world import build_world

    store = tmp_path / "hub.sqlite3"
    shutil.copyfile(sqlite_template, store)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{store}", "SECRET_KEY": "celery-hub-secret",
           "CERTDASH_INSTANCE": str(tmp_path / "instance"), "CERTDASH_DATA_KEY": Fernet.generate_key().decode(),
           "CELERY_BROKER_URL": redis_url, "PYTHONPATH": str(ROOT), "CERTDASH_HUB_URL": hub.url,
           "CERTDASH_HUB_CERT": str(pki.client_cert), "CERTDASH_HUB_KEY": str(pki.client_key),
           "CERTDASH_HUB_CA": str(pki.ca), "CERTDASH_HUB_INTERVAL": "0.5"}
    app = create_app(Settings.from_env(env))
    sessions = app.server.extensions["certdash"].sessions
    world = build_world(sessions, TEST_PASSWORD)
    with transaction(sessions) as s:
        s.merge(DictEntry(dictionary="country", code="RU", name_zh="俄罗斯", name_en="Russia",
                          extra={"hub_exchange": "all"}))
    with sessions() as s:
        app_id = approved_application(s, world)
        number = issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id),
                       issuer=Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"])).certificate_no
        s.commit()
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "-B",
                               "-s", str(tmp_path / "beat-schedule"), "--pool=solo", "--concurrency=1",
                               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        state = "queued"
        while time.monotonic() < deadline and state in ("queued", "sending"):
            time.sleep(0.5)
            with sessions() as s:
                state = s.scalar(select(HubEnvelope.state).where(HubEnvelope.certificate_no == number))
    finally:
        _stop(worker)
        log.close()
        app.server.extensions["certdash"].engine.dispose()
    worker_log = (tmp_path / "worker.log").read_text()
    assert state in ("PendingDelivery", "Delivered"), worker_log[-3000:]
    assert [e.certificate_no for e in hub.state.sent_by("CN")] == [number]
    rounds = [json.loads(line) for line in worker_log.splitlines() if line.startswith("{") and "hub round" in line]
    assert rounds and rounds[0]["logger"] == "certdash.hub", worker_log[-3000:]

