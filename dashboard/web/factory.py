"""create_app(): the only place that wires settings, store, auth, pages and callbacks together."""
from __future__ import annotations

import functools
from datetime import timedelta
from pathlib import Path

import dash
from dash import Dash
from dash import _callback as dash_callback_registry
import flask_bootstrap
from flask import Flask, send_file

from auth.guard import install_guard
from auth.login import init_auth
from auth.session import current_actor
from dashboard.jobs import background_manager, bind
from dashboard.core.config import Settings
from dashboard.web.pages import access_map, register_pages
from dashboard.web.certificate_routes import init_certificate_routes
from dashboard.web.routes import init_routes
from dashboard.web.shell import frame
from dashboard.runtime.store import EXTENSION, Store
from data.core.db import check_store, make_engine, make_session_factory


ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"  # dashboard/assets: scripts and styles Dash serves
BOOTSTRAP_CSS_PATH = "/vendor/bootstrap.min.css"
BOOTSTRAP_CSS_FILE = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css" / "bootstrap.min.css"


@functools.cache
def _callback_registrations() -> tuple[dict, list]:
    """Import the callback modules once and keep what their decorators registered.

    `dash.callback` registers into process-wide lists that the first app takes and empties; a copy
    lets every app made in this process (tests make many) get the same callbacks.
    """
    import callbacks.admin_dictionaries  # noqa: F401
    import callbacks.admin_districts  # noqa: F401
    import callbacks.admin_roles  # noqa: F401
    import callbacks.admin_users  # noqa: F401
    import callbacks.admin_formats  # noqa: F401
    import callbacks.admin_notifications  # noqa: F401
    import callbacks.admin_parameters  # noqa: F401
    import callbacks.applications  # noqa: F401
    import callbacks.application_form  # noqa: F401
    import callbacks.certificate_templates  # noqa: F401
    import callbacks.certificate_issue  # noqa: F401
    import callbacks.certificates  # noqa: F401
    import callbacks.certificate_query  # noqa: F401
    import callbacks.stats  # noqa: F401
    import callbacks.audit  # noqa: F401
    import callbacks.declarations  # noqa: F401
    import callbacks.declaration_imports  # noqa: F401
    import callbacks.declaration_form  # noqa: F401
    import callbacks.enterprise_settings  # noqa: F401
    import callbacks.party_book  # noqa: F401
    import callbacks.cards  # noqa: F401
    import callbacks.comm  # noqa: F401
    import callbacks.home  # noqa: F401
    import callbacks.ledger  # noqa: F401
    import callbacks.overseas  # noqa: F401
    import callbacks.overseas_users  # noqa: F401
    import callbacks.password  # noqa: F401
    import callbacks.reference  # noqa: F401
    import callbacks.register  # noqa: F401
    import callbacks.registrations  # noqa: F401
    import callbacks.scans  # noqa: F401
    import callbacks.verify  # noqa: F401

    return dict(dash_callback_registry.GLOBAL_CALLBACK_MAP), list(dash_callback_registry.GLOBAL_CALLBACK_LIST)


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
    server.extensions[EXTENSION] = Store(engine, make_session_factory(engine))
    init_auth(server)
    install_guard(server, access_map(public_paths={BOOTSTRAP_CSS_PATH}), current_actor)

    init_routes(server)
    init_certificate_routes(server)

    @server.get(BOOTSTRAP_CSS_PATH)
    def bootstrap_css():  # served from the installed package: the app works without outside network
        return send_file(BOOTSTRAP_CSS_FILE, mimetype="text/css", max_age=86400)

    callback_map, callback_list = _callback_registrations()
    dash_callback_registry.GLOBAL_CALLBACK_MAP.clear()
    # each app its own copy of a background callback's spec: Dash takes its cancel inputs out of it
    # when it sets the app up, and an app made later in the process would get no cancel callback
    dash_callback_registry.GLOBAL_CALLBACK_MAP.update(
        {key: {**spec, "background": dict(spec["background"])} if spec.get("background") else spec
         for key, spec in callback_map.items()})
    dash_callback_registry.GLOBAL_CALLBACK_LIST[:] = callback_list

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
    register_pages()
    app.layout = frame

    from dashboard.cli import register_cli

    register_cli(server)
    return app


def check_ready(app: Dash) -> None:
    """Raise StoreError unless the app's store is reachable and fully migrated."""
    check_store(app.server.extensions[EXTENSION].engine)


__all__ = ["create_app", "check_ready", "dash"]
