"""`flask --app app:server sps validate FILE...` (check SPS Certificate XML against the official schema set)
and `sps import FILE...` (receive certificates sent to China outside the hub, all or nothing per file)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from dashboard.cli.common import app_settings, ready_store
from data.core.db import transaction
from data.exchange.inbound import InboundRefused, receive_sps
from exports.certificate.sps_schema import sps_findings


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None after saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        click.echo(f"{path}: cannot read: {exc.strerror or exc}")
        return None


def register_sps_cli(server: Flask) -> None:
    @server.cli.group("sps")
    def sps_group():
        """UN/CEFACT SPS Certificate XML."""

    @sps_group.command("validate")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
    def validate(files: tuple[Path, ...]):
        """Print VALID, or each error with its line and element path, per file; exit 1 on any error."""
        schema_dir = app_settings().sps_schema_dir
        failed = False
        for path in files:
            document = _read(path)
            if document is None:
                failed = True
                continue
            findings = sps_findings(document, schema_dir)
            if not findings:
                click.echo(f"{path}: VALID")
                continue
            failed = True
            click.echo(f"{path}: INVALID ({len(findings)} {'error' if len(findings) == 1 else 'errors'})")
            for finding in findings:
                click.echo(f"  {finding}")
        if failed:
            sys.exit(1)

    @sps_group.command("import")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
    def import_files(files: tuple[Path, ...]):
        """Receive SPS certificates sent to China: each file is checked and stored whole, or refused with every
        reason; exit 1 when any is refused."""
        store = ready_store()
        schema_dir = app_settings().sps_schema_dir
        refused = False
        for path in files:
            document = _read(path)
            if document is None:
                refused = True
                continue
            try:
                with transaction(store.sessions) as s:
                    received = receive_sps(s, document, source="command", schema_dir=schema_dir)
                    row = received.certificate
                    said = f"{row.exporting_country} {row.certificate_no}"
            except InboundRefused as exc:
                refused = True
                click.echo(f"{path}: REFUSED ({len(exc.reasons)} {'reason' if len(exc.reasons) == 1 else 'reasons'})")
                for reason in exc.reasons:
                    click.echo(f"  {reason}")
                continue
            click.echo(f"{path}: {received.outcome} {said}")
        if refused:
            sys.exit(1)
