"""Flask CLI commands: `db upgrade|check`, `reference load`, `seed`, `demo`, `certificates list|export`."""
from __future__ import annotations

import os
import secrets
import sys
import time
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from auth.passwords import hash_password
from dashboard.cli.common import app_settings, fail, ready_store
from data.accounts.roles import seed_roles
from data.core.db import describe_url, transaction, upgrade
from data.models import Certificate, CustomsDistrict, User

DEMO_PASSWORD_FILE = "demo-password"


def load_reference_data(store, overwrite: bool = False) -> dict[str, int]:
    """Load roles and every reference dictionary in one transaction."""
    from data.reference.catalog import load_reference

    with transaction(store.sessions) as s:
        counts = {"role": seed_roles(s)}
        counts.update(load_reference(s, overwrite=overwrite))
    return counts


def demo_password(instance: Path) -> str:
    """Return the demo accounts' password for this instance, generating it on first use."""
    path = instance / DEMO_PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    password = "Demo-" + secrets.token_urlsafe(9)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password)
    return password


def generate_demo(store, certificates: int, seed: int, password: str) -> None:
    from data.demo import generate

    started = time.perf_counter()
    with click.progressbar(length=certificates, label="generating demo data", file=sys.stderr) as bar:
        last = [0]

        def progress(done: int, total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        summary = generate(store.engine, certificates=certificates, seed=seed,
                           password_hash=hash_password(password), progress=progress)
    rows = ", ".join(f"{table}={count:,}" for table, count in summary.rows.items())
    click.echo(f"demo data (seed {summary.seed}) in {time.perf_counter() - started:.1f} s: {rows}")


def print_demo_accounts(password: str) -> None:
    from data.demo import DEMO_ACCOUNTS

    click.echo("")
    click.echo("Demo accounts (password for all: %s)" % password)
    for acc in DEMO_ACCOUNTS:
        click.echo(f"  {acc.account:<13} {acc.role:<17} {acc.description_en}")


def register_cli(server: Flask) -> None:
    @server.cli.group("db")
    def db_group():
        """Create or check the store's schema."""

    @db_group.command("upgrade")
    def db_upgrade():
        """Migrate the store to the newest schema."""
        url = app_settings().database_url
        try:
            upgrade(url)
        except Exception as exc:  # the operator gets one line, not a traceback
            fail(f"cannot migrate {describe_url(url)}: {str(exc).splitlines()[0]}")
        click.echo(f"store at head: {describe_url(url)}")

    @db_group.command("check")
    def db_check():
        """Exit non-zero unless the store is reachable and at the newest migration."""
        ready_store()
        click.echo("store ready")

    @server.cli.group("reference")
    def reference_group():
        """Reference dictionaries."""

    @reference_group.command("load")
    @click.option("--overwrite", is_flag=True, help="Replace names edited since the last load.")
    def reference_load(overwrite: bool):
        """Load districts, dictionaries, certificate types and formats (idempotent)."""
        counts = load_reference_data(ready_store(), overwrite=overwrite)
        click.echo("loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items()))

    @server.cli.group("mail")
    def mail_group():
        """The outgoing mail outbox."""

    @mail_group.command("send")
    def mail_send():
        """Deliver the messages waiting in the outbox (SMTP when configured, else instance/outbox)."""
        from dashboard.runtime.mail import deliver_pending

        sent, failed = deliver_pending(ready_store().sessions, app_settings())
        click.echo(f"sent {sent}, failed {failed}")
        if failed:
            sys.exit(1)

    @server.cli.group("stats")
    def stats_group():
        """The statistics rollups."""

    @stats_group.command("rebuild")
    def stats_rebuild():
        """Recompute the statistics rollups from the certificates and applications, in one transaction."""
        from data.statistics.rebuild import rebuild

        store = ready_store()
        started = time.perf_counter()
        with store.engine.begin() as conn:
            counts = rebuild(conn)
        rows = ", ".join(f"{table}={count:,}" for table, count in counts.items())
        click.echo(f"statistics rebuilt in {time.perf_counter() - started:.1f} s: {rows}")

    @server.cli.command("seed")
    @click.option("--certificates", type=click.IntRange(1, 20_000_000), default=20_000, show_default=True)
    @click.option("--seed", "seed_value", type=int, default=1, show_default=True)
    def seed(certificates: int, seed_value: int):
        """Generate deterministic demo data (reference data is loaded first if missing)."""
        store = ready_store()
        with transaction(store.sessions) as s:
            has_reference = s.scalar(select(func.count()).select_from(CustomsDistrict)) > 0
        if not has_reference:
            load_reference_data(store)
        password = demo_password(app_settings().instance_path)
        try:
            generate_demo(store, certificates, seed_value, password)
        except ValueError as exc:
            fail(str(exc))
        print_demo_accounts(password)

    @server.cli.command("demo")
    @click.option("--certificates", type=click.IntRange(1, 20_000_000), default=20_000, show_default=True)
    def demo(certificates: int):
        """Prepare the demo store: migrate, load reference data and demo data if empty, list accounts."""
        settings = app_settings()
        try:
            upgrade(settings.database_url)
        except Exception as exc:
            fail(f"cannot migrate {describe_url(settings.database_url)}: {str(exc).splitlines()[0]}")
        store = ready_store()
        with transaction(store.sessions) as s:
            has_reference = s.scalar(select(func.count()).select_from(CustomsDistrict)) > 0
            has_data = s.scalar(select(func.count()).select_from(Certificate)) > 0
            has_users = s.scalar(select(func.count()).select_from(User)) > 0
        if not has_reference:
            load_reference_data(store)
        password = demo_password(settings.instance_path)
        if not has_data and not has_users:
            generate_demo(store, certificates, 1, password)
        print_demo_accounts(password)

    from dashboard.cli.backup import register_backup_cli
    from dashboard.cli.certificates import register_certificate_cli
    from dashboard.cli.hub import register_hub_cli
    from dashboard.cli.sps import register_sps_cli

    register_certificate_cli(server)
    register_sps_cli(server)
    register_backup_cli(server)
    register_hub_cli(server)
