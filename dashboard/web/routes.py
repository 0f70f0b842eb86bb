"""Server routes that are not Dash pages: file downloads. Each is listed in dashboard/web/pages.py
ROUTE_PERMISSIONS (checked by the guard) and scopes its data through a data/ service."""
from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from flask import Flask, Response, abort, current_app, request, send_file
from sqlalchemy.orm import Session

from auth.session import check_form_csrf, current_actor, request_translator
from dashboard.runtime.certificates import current_issuer
from dashboard.runtime.store import session_scope
from data.accounts.registration import StoredFile, registration_attachment
from data.applications.scans import scan_file
from data.certificates.content import certificate_content
from data.certificates.issuing import IssueRefused, certificate_pdf, print_certificate
from data.core.scope import AccessDenied, Actor, NotFound
from data.exchange.inbound_views import inbound_pdf
from data.ledger.query import export_file
from exports.certificate.pdf import render_certificate
from exports.tables.import_templates import TEMPLATES, XLSX
from layouts.certificates.view import issue_error


def file_response(filename: str, media_type: str, content: bytes) -> Response:
    """Send stored bytes inline with their recorded type; the browser must not guess another."""
    response = Response(content, mimetype=media_type)
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(fetch: Callable[[Session, Actor | None, int], StoredFile], key: int) -> Response:
    """Send a stored file the data layer finds for the acting user; 404 outside their scope."""
    try:
        with session_scope() as s:
            stored = fetch(s, current_actor(), key)
    except NotFound:
        abort(404)
    return file_response(stored.filename, stored.media_type, stored.content)


def init_routes(server: Flask) -> None:
    @server.get("/files/registration/<int:attachment_id>", endpoint="registration_attachment")
    def registration_file(attachment_id: int):
        return stored_file_response(registration_attachment, attachment_id)

    @server.get("/files/templates/<name>.xlsx", endpoint="import_template")
    def import_template(name: str):
        """An Excel import template (Jiucheng 3.4.5): the same file for everyone who may declare."""
        if name not in TEMPLATES:
            abort(404)
        filename, make = TEMPLATES[name]
        response = Response(make(), mimetype=XLSX)
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @server.get("/files/scan/<int:scan_id>", endpoint="application_scan")
    def application_scan(scan_id: int):
        return stored_file_response(scan_file, scan_id)

    @server.get("/files/application/<int:application_id>/preview.pdf", endpoint="application_preview")
    def application_preview(application_id: int):
        """证书预览 / 打印 (Liaoning 5.3.1, 5.8.1): the application's certificate as last saved, shown inline
        to print; watermarked 草稿 / DRAFT until approval. Issued certificates' signed PDFs are served elsewhere."""
        try:
            with session_scope() as s:
                content = certificate_content(s, current_actor(), application_id=application_id,
                                              public_url=current_app.config["CERTDASH_SETTINGS"].public_url)
        except NotFound:
            abort(404)
        name = content.certificate_no or f"application-{content.application_id}"
        return file_response(f"preview-{name}.pdf", "application/pdf",
                             render_certificate(content, draft=content.is_draft))

    @server.get("/files/ledger/<token>", endpoint="ledger_export")
    def ledger_export(token: str):
        """A finished ledger export (企业台账), sent from disk to the user who asked for it; 404 to anyone else."""
        try:
            found = export_file(server.config["CERTDASH_SETTINGS"].instance_path, current_actor(), token)
        except NotFound:
            abort(404)
        response = send_file(found.path, mimetype=found.media_type, as_attachment=True,
                             download_name=found.filename, max_age=0)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @server.get("/files/certificate/<certificate_no>.pdf", endpoint="certificate_pdf")
    def certificate_file(certificate_no: str):
        """An issued certificate's PDF as stored: signed (cloud) or unsigned (paper); ?download=1 to save it."""
        try:
            with session_scope() as s:
                pdf = certificate_pdf(s, current_actor(), certificate_no, issuer=current_issuer())
        except (NotFound, AccessDenied):
            abort(404)
        response = file_response(f"{certificate_no}.pdf", "application/pdf", pdf)
        if request.args.get("download"):
            response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(certificate_no)}.pdf"
        return response

    @server.get("/files/inbound/<int:inbound_id>.pdf", endpoint="inbound_pdf")
    def inbound_file(inbound_id: int):
        """The PDF a foreign certificate carried, for the officers of its district."""
        try:
            with session_scope() as s:
                pdf = inbound_pdf(s, current_actor(), inbound_id)
        except (NotFound, AccessDenied):
            abort(404)
        return file_response(f"inbound-{inbound_id}.pdf", "application/pdf", pdf)

    @server.post("/files/certificate/<certificate_no>/print", endpoint="certificate_print")
    def certificate_print(certificate_no: str):
        """The ECIQ print of a paper certificate (a form POST with the session's token): counted, then shown."""
        check_form_csrf()
        try:
            with session_scope() as s:
                pdf = print_certificate(s, current_actor(), certificate_no, issuer=current_issuer())
        except (NotFound, AccessDenied):
            abort(404)
        except IssueRefused as exc:
            return Response(issue_error(request_translator(), exc.code), status=409, mimetype="text/plain")
        return file_response(f"{certificate_no}.pdf", "application/pdf", pdf)
