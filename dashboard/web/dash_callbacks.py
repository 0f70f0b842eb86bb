"""The one place that touches Dash's private callback registry (`dash._callback`).

`dash.callback` registers into process-wide structures that the first app built takes and empties.
The callbacks package is imported once (dashboard/web/pages.py), so a second app in the same
process (tests build many) would get no callbacks: this module keeps a copy of what the imports
registered and hands every new app its own. tests/unit/test_dash_callbacks.py fails loudly if a Dash
upgrade renames or reshapes these names.
"""
from __future__ import annotations

import functools

from dash import _callback as dash_callback_registry

from dashboard.web.pages import page_specs


@functools.cache
def registered_callbacks() -> tuple[dict, list]:
    """What the callbacks package's decorators registered, copied once (the package is imported first)."""
    page_specs()
    return dict(dash_callback_registry.GLOBAL_CALLBACK_MAP), list(dash_callback_registry.GLOBAL_CALLBACK_LIST)


def install_callbacks() -> None:
    """Put every page callback back into Dash's registry for the app about to be built."""
    callback_map, callback_list = registered_callbacks()
    dash_callback_registry.GLOBAL_CALLBACK_MAP.clear()
    # each app its own copy of a background callback's spec: Dash takes its cancel inputs out of it
    # when it sets the app up, and an app made later in the process would get no cancel callback
    dash_callback_registry.GLOBAL_CALLBACK_MAP.update(
        {key: {**spec, "background": dict(spec["background"])} if spec.get("background") else spec
         for key, spec in callback_map.items()})
    dash_callback_registry.GLOBAL_CALLBACK_LIST[:] = callback_list
