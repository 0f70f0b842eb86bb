"""Flask commands for certificates: `certificates list` and `certificates export`.

They act as the system actor below: an administrator-kind Actor holding only `stats.view`, which
sees every certificate (data.core.scope.row_scope) and may read them, nothing more. It is never stored:
no user row stands behind it, so nothing it does may write its id (reading a demo certificate's
PDF the first time renders, signs and stores it, which records no actor).
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from auth.permissions import Perm
from dashboard.cli.common import app_settings, fail, ready_store
from data.certificates.issuing import Issuer
from data.certificates.sps import certificate_files, certificate_numbers
from data.core.db import transaction
from data.core.files import safe_filename
from data.core.scope import Actor, NotFound
from data.models import CertStatus, Role
from exports.certificate.sps_xml import NotExchangeable

SYSTEM_ACTOR = Actor(user_id=0, account="system", real_name="command line", role=Role.ADMIN.value, language="en",
                     enterprise_id=None, district_code=None, district_codes=frozenset(),
                     permissions=frozenset({Perm.STATS_VIEW}))
STATUSES = tuple(s.value for s in CertStatus)


def _write(path: Path, content: bytes) -> None:
    """Write the file whole or not at all (a temporary name, then a rename)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def register_certificate_cli(server: Flask) -> None:
    @server.cli.group("certificates")
    def certificates_group():
        """Issued certificates: list their numbers, export one as signed PDF and SPS XML."""

    @certificates_group.command("list")
    @click.option("--status", type=click.Choice(STATUSES), help="Only certificates in this status.")
    @click.option("--limit", type=click.IntRange(min=1), help="At most this many numbers.")
    def list_certificates(status: str | None, limit: int | None):
        """Print certificate numbers, one per line, in number order (streamed from the store)."""
        store = ready_store()
        with transaction(store.sessions) as s:
            for number in certificate_numbers(s, SYSTEM_ACTOR, status=status, limit=limit):
                click.echo(number)

    @certificates_group.command("export")
    @click.argument("certificate_no")
    @click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
                  help="Folder to write <no>.pdf and <no>.sps.xml into (created if missing).")
    def export_certificate(certificate_no: str, out: Path):
        """Write a certificate's signed PDF and its UN/CEFACT SPS XML into a folder."""
        store = ready_store()
        settings = app_settings()
        try:
            with transaction(store.sessions) as s:
                files = certificate_files(s, SYSTEM_ACTOR, certificate_no, issuer=Issuer.from_settings(settings))
        except NotFound:
            fail(f"no certificate numbered {certificate_no!r}")
        except NotExchangeable as exc:  # nothing is written, nothing kept (the PDF's first signing rolled back)
            fail(f"certificate {certificate_no}: {exc}")
        try:
            out.mkdir(parents=True, exist_ok=True)
            name = safe_filename(files.certificate_no)
            pdf_path, xml_path = out / f"{name}.pdf", out / f"{name}.sps.xml"
            _write(pdf_path, files.pdf)
            _write(xml_path, files.sps_xml)
        except OSError as exc:
            fail(f"cannot write into {out}: {exc.strerror or exc}")
        click.echo(str(pdf_path))
        click.echo(str(xml_path))
