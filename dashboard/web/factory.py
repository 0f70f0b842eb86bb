"""create_app(): the only place that wires settings, store, auth, pages and callbacks together."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dash
import flask_bootstrap
from dash import Dash
from flask import Flask, send_file

from auth.guard import install_guard
from auth.login import init_auth
from auth.session import current_actor
from dashboard.core.config import Settings
from dashboard.jobs import background_manager, bind
from dashboard.runtime.store import EXTENSION, Store
from dashboard.web.certificate_routes import init_certificate_routes
from dashboard.web.dash_callbacks import install_callbacks
from dashboard.web.health import HEALTH_PATHS, init_health, install_headers
from dashboard.web.pages import access_map, register_pages
from dashboard.web.request_log import install_request_log
from dashboard.web.requests import install_request_checks
from dashboard.web.routes import init_routes
from dashboard.web.shell import frame, install_document_language, install_layout_cache
from data.accounts.session_cache import SessionCache
from data.core.db import check_store, make_engine, make_session_factory

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"  # dashboard/assets: scripts and styles Dash serves
BOOTSTRAP_CSS_PATH = "/vendor/bootstrap.min.css"
BOOTSTRAP_CSS_FILE = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css" / "bootstrap.min.css"


def create_app(settings: Settings | None = None) -> Dash:
    """Build the Dash app and its Flask server from settings (environment by default)."""
    settings = settings or Settings.from_env()
    server = Flask(__name__, instance_path=str(settings.instance_path))
    server.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        CERTDASH_SETTINGS=settings,
    )
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    cache = SessionCache(engine.url) if settings.session_cache and engine.dialect.name == "postgresql" else None
    server.extensions[EXTENSION] = Store(engine, make_session_factory(engine), cache)
    install_request_log(server, quiet_paths=HEALTH_PATHS)  # first: every request gets its id
    init_auth(server)
    install_guard(server, access_map(public_paths={BOOTSTRAP_CSS_PATH, *HEALTH_PATHS}), current_actor)
    init_health(server)

    init_routes(server)
    init_certificate_routes(server)

    @server.get(BOOTSTRAP_CSS_PATH)
    def bootstrap_css():  # served from the installed package: the app works without outside network
        return send_file(BOOTSTRAP_CSS_FILE, mimetype="text/css", max_age=86400)

    install_callbacks()

    app = Dash(
        __name__,
        server=server,
        assets_folder=str(ASSETS_DIR),
        use_pages=True,
        pages_folder="",
        title="certdash",
        update_title=None,
        suppress_callback_exceptions=True,
        external_stylesheets=[BOOTSTRAP_CSS_PATH],
        serve_locally=True,
        background_callback_manager=background_manager(settings),
    )
    bind(server, settings)
    install_headers(app)
    install_request_checks(app)
    register_pages()
    app.layout = frame
    install_layout_cache(app)
    install_document_language(app)

    from dashboard.cli import register_cli

    register_cli(server)
    return app


def check_ready(app: Dash) -> None:
    """Raise StoreError unless the app's store is reachable and fully migrated."""
    check_store(app.server.extensions[EXTENSION].engine)


__all__ = ["create_app", "check_ready", "dash"]
