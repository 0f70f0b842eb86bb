"""Running the ePhyto Hub node: its client from the settings, one round, and the background loop.

Where the rounds run: `make run` starts `HubLoop` in the server's process when CERTDASH_HUB_URL is set;
with Celery (CELERY_BROKER_URL) a beat schedule runs the `certdash.hub_cycle` task every interval
(app.py); otherwise `flask --app app:server hub run` is the worker. Rounds may overlap across
processes: an envelope is claimed before it is sent (data/exchange/node.py).
"""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from dashboard.core.config import HubConnection, Settings
from data.exchange.hub_client import HubClient, HubSettings
from data.exchange.node import CycleReport, run_cycle

log = logging.getLogger("certdash.hub")
_CLIENTS: dict[HubConnection, HubClient] = {}
_LOCK = threading.Lock()


def hub_client(connection: HubConnection) -> HubClient:
    """The process's client for this connection (the WSDL is read once)."""
    with _LOCK:
        client = _CLIENTS.get(connection)
        if client is None:
            client = HubClient(HubSettings(connection.url, connection.client_cert, connection.client_key,
                                           connection.ca, connection.timeout))
            _CLIENTS[connection] = client
        return client


def hub_round(sessions: sessionmaker[Session], settings: Settings, *, send: bool = True,
              receive: bool = True) -> CycleReport:
    """One round of the node against the configured hub; ValueError when no hub is configured."""
    if settings.hub is None:
        raise ValueError("no hub is configured (CERTDASH_HUB_URL)")
    client = hub_client(settings.hub)
    started = time.perf_counter()
    with sessions() as s:
        report = run_cycle(s, client, schema_dir=settings.sps_schema_dir, send=send, receive=receive)
    level = logging.WARNING if report.hub_down else logging.INFO
    log.log(level, "hub round: %s", report.summary(),
            extra={"ms": round((time.perf_counter() - started) * 1000), "sent": report.sent,
                   "settled": report.settled, "stored": report.stored, "rejected": report.rejected})
    return report


class HubLoop:
    """Rounds of the node every `settings.hub.interval` seconds in a daemon thread, until `stop()`."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings):
        if settings.hub is None:
            raise ValueError("no hub is configured (CERTDASH_HUB_URL)")
        self._sessions, self._settings, self._interval = sessions, settings, settings.hub.interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="certdash-hub", daemon=True)

    def start(self) -> "HubLoop":
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                hub_round(self._sessions, self._settings)
            except Exception:  # noqa: BLE001 - the loop outlives any one round's failure
                log.exception("hub round failed")
            self._stopped.wait(self._interval)
