"""What every command shares: the app's settings, a one-line failure, a store checked before use."""
from __future__ import annotations

import sys

import click
from flask import current_app

from dashboard.runtime.store import current_store
from data.core.db import StoreError, check_store


def app_settings():
    return current_app.config["CERTDASH_SETTINGS"]


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def ready_store():
    store = current_store()
    try:
        check_store(store.engine)
    except StoreError as exc:
        fail(str(exc))
    return store
