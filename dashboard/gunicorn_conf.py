"""gunicorn settings: `gunicorn -c python:dashboard.gunicorn_conf app:server`.

The master checks the settings and the store before forking workers, so a missing public address, a
wrong DATABASE_URL or an unmigrated store stops the server with one line instead of a crash loop.
"""
from __future__ import annotations

import os
import sys

import gunicorn.http.wsgi

from dashboard.core.logs import gunicorn_log_config
from dashboard.web.health import SERVER_NAME

gunicorn.http.wsgi.SERVER = SERVER_NAME  # the Server header names no software and no version

bind = os.environ.get("CERTDASH_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 120
logconfig_dict = gunicorn_log_config()  # JSON lines on standard error; the app logs each request itself


def on_starting(server):
    from dashboard.core.config import Settings
    from dashboard.core.errors import ConfigError
    from data.core.db import StoreError, check_store, make_engine

    try:
        settings = Settings.from_env()
        if not settings.public_url_set:
            raise ConfigError("CERTDASH_PUBLIC_URL is not set: certificates' QR codes and e-mailed links need the "
                              "address users reach this site at (e.g. https://certdash.example.gov.cn)")
        engine = make_engine(settings.database_url)
        check_store(engine)
        engine.dispose()
    except (ConfigError, StoreError) as exc:
        print(f"certdash: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)


def post_worker_init(worker):
    """Once a worker has loaded the app: its modules and objects (dash, plotly, pandas, the layouts) leave the
    garbage collector's generations. A full collection scans every tracked object, and during a large pivot
    (thousands of components) those passes took 100-300 ms at a time; now they scan the request's objects."""
    import gc

    gc.freeze()
