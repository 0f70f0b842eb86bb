"""What every answer carries and what operators ask: security headers, `/healthz` and `/readyz`.

- `/healthz`: the process answers (no store access). `/readyz`: the store is reachable and at the
  migration the code needs; otherwise 503 with the reason and a Retry-After. Both are public, cheap,
  never cached, and left out of the access log.
- Every response may be framed by the app's own pages only (clickjacking), is not to be sniffed, sends no referrer
  to other sites, and names no server software. HTML pages get a content security policy: scripts and
  styles from the app itself (Dash's inline renderer script by its hash), nothing from elsewhere.
"""
from __future__ import annotations

import functools
import logging
from urllib.parse import urlsplit

from dash import Dash
from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.serving import WSGIRequestHandler

from dashboard.runtime.store import current_store
from data.core.db import StoreError, check_store, head_revision

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
RETRY_AFTER_SECONDS = 5
SERVER_NAME = "certdash"


def page_policy(script_hashes: list[str], connect: tuple[str, ...] = ()) -> str:
    """The content security policy of the app's pages (Dash serves every script and style itself).

    `script_hashes` are Dash's own, quoted ("'sha256-...'"): its renderer and inline clientside scripts.
    `connect` names the other origins the pages may call: the local IC-card agent.
    """
    scripts = " ".join(script_hashes)
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' {scripts}".strip(),
        "style-src 'self' 'unsafe-inline'",  # components set inline styles
        "img-src 'self' data: blob:",  # QR codes and chart exports are data: and blob: URLs
        "font-src 'self' data:",
        " ".join(("connect-src 'self'", *connect)),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",  # the app shows its own PDFs in frames; no other site may
    ))


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{retry}">
<title>暂时无法访问 · Temporarily unavailable</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.6">
<h1>系统暂时无法访问</h1>
<p>数据存储暂时不可用。您的操作没有保存，请在 {retry} 秒后重试，本页也会自动刷新。</p>
<h2 lang="en">Temporarily unavailable</h2>
<p lang="en">The data store cannot be reached at the moment. Nothing was saved: please try again in
{retry} seconds; this page also reloads by itself.</p>
</body></html>
"""
log = logging.getLogger(__name__)


def store_unavailable(exc: Exception) -> Response:
    """The answer while the store cannot be reached (stopped, restarting, a write lock held too long):
    503 with Retry-After, as a page for a browser's page request and as JSON for everything else.
    Nothing is half-written (the request's transaction rolled back); the next request tries again."""
    log.warning("store unavailable: %s", str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200])
    if request.method == "GET" and request.accept_mimetypes.accept_html and not request.path.startswith("/_dash"):
        response = Response(UNAVAILABLE_PAGE.format(retry=RETRY_AFTER_SECONDS), status=503, mimetype="text/html")
    else:
        response = jsonify({"error": "the data store is unavailable; try again shortly"})
        response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _no_store(response)


def init_health(server: Flask) -> None:
    # the driver's "cannot connect / connection lost / database locked" errors; others stay 500s
    server.register_error_handler(OperationalError, store_unavailable)
    server.register_error_handler(InterfaceError, store_unavailable)

    @server.get("/healthz")
    def healthz():
        return _no_store(jsonify({"status": "alive"}))

    @server.get("/readyz")
    def readyz():
        try:
            check_store(current_store().engine)
        except StoreError as exc:
            response = jsonify({"status": "unavailable", "reason": str(exc)})
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return _no_store(response)
        return _no_store(jsonify({"status": "ready", "migration": _head()}))

    _quiet_health_checks()


@functools.cache
def _head() -> str:
    return head_revision()


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def install_headers(app: Dash) -> None:
    """Add the security headers to every response of the app's server."""

    @app.server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers["X-Frame-Options"] = "SAMEORIGIN"
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html" and "Content-Security-Policy" not in headers:
            # asked per page: Dash gathers its inline scripts when it serves the first request
            agent = _origins(app.server.config["CERTDASH_SETTINGS"].card_agent_url)
            headers["Content-Security-Policy"] = page_policy(app.csp_hashes(), agent)
        return response


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's request handler, naming no software and no version in `Server`
    (`python app.py`; gunicorn is told the same in dashboard/gunicorn_conf.py)."""

    def version_string(self) -> str:
        return SERVER_NAME


def _origins(url: str | None) -> tuple[str, ...]:
    """The origin (scheme, host, port) of a URL the pages call, if it is one."""
    parts = urlsplit(url or "")
    return (f"{parts.scheme}://{parts.netloc}",) if parts.scheme in ("http", "https") and parts.netloc else ()


class QuietHealthChecks(logging.Filter):
    """Leave the health probes (every few seconds from an orchestrator) out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(f" {path} " in message or f" {path}?" in message for path in HEALTH_PATHS)


def _quiet_health_checks() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietHealthChecks) for f in logger.filters):
            logger.addFilter(QuietHealthChecks())
