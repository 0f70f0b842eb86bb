"""The one use of Dash's private callback registry (dashboard/web/dash_callbacks.py): it fails here first on an upgrade."""
from __future__ import annotations

from dash import _callback as dash_callback_registry

from dashboard.web.dash_callbacks import registered_callbacks


def test_dash_still_keeps_its_process_wide_callback_registry_where_we_read_it():
    assert isinstance(dash_callback_registry.GLOBAL_CALLBACK_MAP, dict)
    assert isinstance(dash_callback_registry.GLOBAL_CALLBACK_LIST, list)
    callback_map, callback_list = registered_callbacks()
    assert len(callback_map) == len(callback_list) > 100
    assert all({"inputs", "output"} <= set(spec) for spec in callback_map.values())


def test_every_app_built_in_a_process_gets_every_page_callback(sqlite_template, tmp_path):
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app

    apps = []
    for n in range(2):
        folder = tmp_path / str(n)
        folder.mkdir()
        (folder / "store.sqlite3").write_bytes(sqlite_template.read_bytes())
        app = create_app(Settings(database_url=f"sqlite:///{folder / 'store.sqlite3'}", secret_key=f"k{n}",
                                  instance_path=folder / "instance", data_key=Fernet.generate_key().decode()))
        app.server.test_client().get("/login")  # Dash takes the registry on the first request
        apps.append(app)
    expected = set(registered_callbacks()[0])
    assert all(expected <= set(app.callback_map) for app in apps)
    for app in apps:
        app.server.extensions["certdash"].engine.dispose()
