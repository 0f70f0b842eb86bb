"""`flask --app app:server hub ...`: the ePhyto Hub node from the command line.

deliver   send the envelopes that are due and follow those on their way (one round)
pull      take in the envelopes waiting for China (one round)
run       both, every CERTDASH_HUB_INTERVAL seconds, until stopped (the worker without Celery)
status    the outbox by state
requeue   send a certificate's refused, failed or undeliverable envelopes again
"""
from __future__ import annotations

import time

import click
from flask import Flask
from sqlalchemy import func, select

from dashboard.cli.common import app_settings, fail, ready_store
from dashboard.runtime.hub import hub_round
from data.core.db import transaction
from data.exchange.outbox import requeue
from data.models import HubEnvelope, utcnow


def register_hub_cli(server: Flask) -> None:
    @server.cli.group("hub")
    def hub_group():
        """The ePhyto Hub node: deliver, track, pull, acknowledge."""

    def _round(send: bool, receive: bool) -> None:
        settings = app_settings()
        if settings.hub is None:
            fail("no hub is configured: set CERTDASH_HUB_URL, CERTDASH_HUB_CERT, CERTDASH_HUB_KEY and CERTDASH_HUB_CA")
        report = hub_round(ready_store().sessions, settings, send=send, receive=receive)
        click.echo(report.summary())
        for note in report.notes:
            click.echo(f"  {note}")
        if report.hub_down:
            raise SystemExit(1)

    @hub_group.command("deliver")
    def deliver():
        """Send the envelopes that are due and ask after those on their way; exit 1 if the hub is unreachable."""
        _round(True, False)

    @hub_group.command("pull")
    def pull():
        """Take in, check, store and acknowledge the envelopes waiting for China; exit 1 if the hub is unreachable."""
        _round(False, True)

    @hub_group.command("run")
    @click.option("--once", is_flag=True, help="one round, then stop")
    def run(once: bool):
        """Rounds of deliver and pull every CERTDASH_HUB_INTERVAL seconds until interrupted."""
        settings = app_settings()
        if settings.hub is None:
            fail("no hub is configured: set CERTDASH_HUB_URL, CERTDASH_HUB_CERT, CERTDASH_HUB_KEY and CERTDASH_HUB_CA")
        store = ready_store()
        while True:
            report = hub_round(store.sessions, settings)
            click.echo(report.summary())
            if once:
                return
            time.sleep(settings.hub.interval)

    @hub_group.command("status")
    def status():
        """How many envelopes are in each state."""
        store = ready_store()
        with store.sessions() as s:
            rows = s.execute(select(HubEnvelope.state, func.count()).group_by(HubEnvelope.state)
                             .order_by(HubEnvelope.state)).tuples().all()
        if not rows:
            click.echo("the outbox is empty")
        for state, count in rows:
            click.echo(f"{state}: {count}")

    @hub_group.command("requeue")
    @click.argument("certificate_no")
    def requeue_certificate(certificate_no: str):
        """Queue a certificate's refused, failed or undeliverable envelopes again (same envelope, same content)."""
        store = ready_store()
        with transaction(store.sessions) as s:
            envelopes = s.scalars(select(HubEnvelope).where(HubEnvelope.certificate_no == certificate_no[:32])
                                  .order_by(HubEnvelope.id)).all()
            if not envelopes:
                fail(f"certificate {certificate_no} has no envelope for the hub")
            now = utcnow()
            again = [e.envelope_key for e in envelopes if requeue(s, e, now)]
        if not again:
            fail(f"no envelope of {certificate_no} is refused, failed or undeliverable")
        click.echo(f"queued again: {', '.join(again)}")
