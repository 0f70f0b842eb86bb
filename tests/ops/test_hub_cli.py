"""`flask hub deliver|pull|run|status|requeue`, the hub settings, and the background loop of `make run`,
against the hub simulator."""
from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from sqlalchemy import select

from dashboard.core.config import HubConnection, Settings, hub_connection
from dashboard.core.errors import ConfigError
from dashboard.runtime.hub import HubLoop
from data.certificates.issuing import Issuer
from data.exchange.hub_client import HubClient, HubSettings
from data.exchange.node import deliver_due
from data.models import HubEnvelope, InboundCertificate
from tests.service.test_hub import envelopes, hub_world, issued
from tests.support.certificate_samples import foreign

pytest_plugins = ["tests.support.hub_fixtures"]


@pytest.fixture
def settings(settings, pki, simulator):
    """The suite's settings with the simulator as the hub (rounds every 0.2 s for the loop)."""
    return dataclasses.replace(settings, hub=HubConnection(simulator.url, pki.client_cert, pki.client_key, pki.ca,
                                                           interval=0.2, timeout=5))


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        hub_world(session)
        yield session


@pytest.fixture
def issuer(app):
    return Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"])


def run(app, *args):
    return app.server.test_cli_runner().invoke(args=["hub", *args])


def test_deliver_then_status_then_pull(app, s, users, issuer, hub):
    cert = issued(s, users, issuer)
    assert run(app, "status").output.splitlines() == ["queued: 1"]
    result = run(app, "deliver")
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert envelopes(s, cert)[0].state == "PendingDelivery"
    assert run(app, "status").output.splitlines() == ["PendingDelivery: 1"]

    hub.offer(foreign("KR2026-000901"), certificate_no="KR2026-000901")
    result = run(app, "pull")
    assert result.exit_code == 0 and "stored 1" in result.output, result.output
    assert s.scalar(select(InboundCertificate.source).where(InboundCertificate.certificate_no == "KR2026-000901")) == "hub"


def test_a_hub_that_is_down_is_said_and_exits_1(app, s, users, issuer, hub):
    issued(s, users, issuer)
    hub.outage(1)
    result = run(app, "deliver")
    assert result.exit_code == 1 and "hub unreachable" in result.output and "retried 1" in result.output


def test_requeue_sends_a_refused_envelope_again(app, s, users, issuer, hub):
    cert = issued(s, users, issuer)
    hub.state.inactive.add("RU")
    assert "refused 1" in run(app, "deliver").output
    assert run(app, "requeue", "NO-SUCH").exit_code == 1
    result = run(app, "requeue", cert.certificate_no)
    assert result.exit_code == 0 and envelopes(s, cert)[0].envelope_key in result.output
    again = run(app, "requeue", cert.certificate_no)
    assert again.exit_code == 1 and "no envelope" in again.output
    hub.state.inactive.clear()
    assert "sent 1" in run(app, "run", "--once").output
    assert envelopes(s, cert)[0].state == "PendingDelivery"


def test_without_a_hub_the_commands_say_what_to_set(settings, users):
    from dashboard.web.factory import create_app

    bare = create_app(dataclasses.replace(settings, hub=None))
    try:
        result = bare.server.test_cli_runner().invoke(args=["hub", "deliver"])
        assert result.exit_code == 1 and "CERTDASH_HUB_URL" in result.output
    finally:
        bare.server.extensions["certdash"].engine.dispose()


def test_the_background_loop_delivers_and_follows_until_stopped(app, s, users, issuer, hub):
    cert = issued(s, users, issuer)
    loop = HubLoop(app.server.extensions["certdash"].sessions, app.server.config["CERTDASH_SETTINGS"]).start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and envelopes(s, cert)[0].state != "PendingDelivery":
            time.sleep(0.1)
    finally:
        loop.stop()
    [envelope] = envelopes(s, cert)
    assert envelope.state == "PendingDelivery" and envelope.hub_delivery_number in hub.state.envelopes


def test_hub_settings_are_all_or_none_and_checked(tmp_path, pki):
    base = {"CERTDASH_INSTANCE": str(tmp_path / "instance")}
    assert Settings.from_env(base).hub is None
    full = {**base, "CERTDASH_HUB_URL": "https://hub.example/hub/DeliveryService", "CERTDASH_HUB_CERT": str(pki.client_cert),
            "CERTDASH_HUB_KEY": str(pki.client_key), "CERTDASH_HUB_CA": str(pki.ca), "CERTDASH_HUB_INTERVAL": "15"}
    connection = hub_connection(full)
    assert connection is not None and connection.interval == 15 and connection.ca == pki.ca.resolve()
    for changes, fragment in [
        ({"CERTDASH_HUB_URL": ""}, "without CERTDASH_HUB_URL"),
        ({"CERTDASH_HUB_URL": "http://hub.example/"}, "TLS"),
        ({"CERTDASH_HUB_KEY": ""}, "CERTDASH_HUB_KEY"),
        ({"CERTDASH_HUB_CA": str(tmp_path / "missing.pem")}, "not a readable file"),
        ({"CERTDASH_HUB_INTERVAL": "soon"}, "not a number"),
        ({"CERTDASH_HUB_TIMEOUT": "0"}, "between"),
    ]:
        with pytest.raises(ConfigError, match=fragment):
            Settings.from_env({**full, **changes})


def test_two_workers_at_once_send_each_envelope_once(app, s, users, issuer, hub, pki):
    """Two rounds at the same moment (the loop and a command, or two Celery workers): each envelope is claimed by
    one of them and reaches the hub once."""
    for _ in range(6):
        issued(s, users, issuer)
    sessions = app.server.extensions["certdash"].sessions
    start = threading.Barrier(2)
    reports = []

    def worker():
        client = HubClient(HubSettings(hub.url, pki.client_cert, pki.client_key, pki.ca, timeout=5))
        with sessions() as own:
            start.wait()
            reports.append(deliver_due(own, client))
        client.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.sent for r in reports) == 6 and hub.state.calls_of("DeliverEnvelope") == 6
    assert len(hub.state.sent_by("CN")) == 6
    assert {e.state for e in s.scalars(select(HubEnvelope).execution_options(populate_existing=True))} == {
        "PendingDelivery"}


def test_the_development_server_runs_the_rounds_beside_it(sqlite_template, tmp_path, hub, pki):
    """`make run` serves with `python app.py`: with a hub configured, the node's loop runs in that process."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from cryptography.fernet import Fernet

    from dashboard.web.factory import create_app
    from tests.conftest import TEST_PASSWORD
    from tests.ops.test_ledger_celery import _stop
    from tests.support.ports import free_port
    from tests.support.world import build_world

    store = tmp_path / "dev.sqlite3"
    shutil.copyfile(sqlite_template, store)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{store}", "SECRET_KEY": "dev-hub-secret",
           "CERTDASH_INSTANCE": str(tmp_path / "instance"), "CERTDASH_DATA_KEY": Fernet.generate_key().decode(),
           "CERTDASH_PORT": str(free_port()), "CERTDASH_HUB_URL": hub.url, "CERTDASH_HUB_CERT": str(pki.client_cert),
           "CERTDASH_HUB_KEY": str(pki.client_key), "CERTDASH_HUB_CA": str(pki.ca), "CERTDASH_HUB_INTERVAL": "0.3"}
    env.pop("CELERY_BROKER_URL", None)
    app = create_app(Settings.from_env(env))
    sessions = app.server.extensions["certdash"].sessions
    world = build_world(sessions, TEST_PASSWORD)
    with sessions() as s:
        hub_world(s)
        number = issued(s, world, Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"])).certificate_no
    app.server.extensions["certdash"].engine.dispose()
    root = Path(__file__).resolve().parents[2]
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "app.py"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not hub.state.sent_by("CN"):
            time.sleep(0.2)
    finally:
        _stop(server)
        log.close()
    output = (tmp_path / "server.log").read_text()
    assert [e.certificate_no for e in hub.state.sent_by("CN")] == [number], output[-3000:]
    assert "certdash hub node: rounds every 0.3 s" in output
