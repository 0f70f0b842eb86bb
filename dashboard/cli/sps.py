"""`flask --app app:server sps validate FILE...`: check SPS Certificate XML against the official schema set."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from dashboard.cli.common import app_settings
from exports.certificate.sps_schema import sps_findings


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
            try:
                document = path.read_bytes()
            except OSError as exc:
                click.echo(f"{path}: cannot read: {exc.strerror or exc}")
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
