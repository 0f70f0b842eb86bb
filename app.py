"""certdash entry point: `python app.py` serves the demo; `app:server` is the WSGI app."""
from __future__ import annotations

import os
import sys

from dashboard.core.errors import ConfigError
from data.core.db import StoreError


def _build():
    from dashboard.core.logs import configure_logging
    from dashboard.web.factory import create_app

    try:
        configure_logging()  # JSON lines on standard error (CERTDASH_LOG_FORMAT=text for a terminal)
        return create_app()
    except ConfigError as exc:
        sys.exit(f"certdash: configuration error: {exc}")


app = _build()
server = app.server


def _celery_app(dash_app):
    """The Celery application running background jobs when CELERY_BROKER_URL is set, else None."""
    from dash import CeleryManager

    manager = getattr(dash_app, "_background_manager", None)
    if not isinstance(manager, CeleryManager):
        return None
    from celery.signals import setup_logging

    from dashboard.core.logs import configure_logging

    # the worker writes the same JSON lines as the web app (Celery would install its own format)
    setup_logging.connect(lambda **_: configure_logging(), weak=False)
    celery = manager.handle
    settings = dash_app.server.config["CERTDASH_SETTINGS"]
    if settings.hub is not None:  # the hub node's rounds, on the beat (`celery -A app:celery_app worker -B`)
        from dashboard.runtime.hub import hub_round
        from dashboard.runtime.store import EXTENSION

        @celery.task(name="certdash.hub_cycle", ignore_result=True)
        def hub_cycle():
            hub_round(dash_app.server.extensions[EXTENSION].sessions, settings)

        celery.conf.beat_schedule = {**(celery.conf.beat_schedule or {}),
                                     "certdash-hub": {"task": "certdash.hub_cycle", "schedule": settings.hub.interval}}
    return celery


# workers: `celery -A app:celery_app worker` (same DATABASE_URL, SECRET_KEY and CELERY_BROKER_URL as the web app)
celery_app = _celery_app(app)


def main() -> None:
    from dashboard.web.factory import check_ready
    from dashboard.web.health import QuietRequestHandler

    try:
        check_ready(app)
    except StoreError as exc:
        sys.exit(f"certdash: {exc}")
    host = os.environ.get("CERTDASH_HOST", "127.0.0.1")
    port = int(os.environ.get("CERTDASH_PORT", "8050"))
    print(f"certdash serving on http://{host}:{port}", flush=True)
    settings = server.config["CERTDASH_SETTINGS"]
    if settings.hub is not None and celery_app is None:  # the node's rounds beside the server
        from dashboard.runtime.hub import HubLoop
        from dashboard.runtime.store import EXTENSION

        HubLoop(server.extensions[EXTENSION].sessions, settings).start()
        print(f"certdash hub node: rounds every {settings.hub.interval:g} s with {settings.hub.url}", flush=True)
    app.run(host=host, port=port, debug=False, request_handler=QuietRequestHandler)


if __name__ == "__main__":
    main()
