"""The app's layout function: the public frame for anonymous visitors, else the role's frame.

Dash asks for the layout (`/_dash-layout`) on every page load. The frame depends only on the
language, the role, its permissions and the user's name, and on the session's CSRF token, so its
JSON is made once per such key with a placeholder where the token goes, and each answer puts the
session's token in. Who the user is and what they may do is still decided per request (the guard
and `current_actor`); the cache holds nothing secret.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from dash import Dash
from flask import Response, g, has_request_context

from auth.session import csrf_token, current_actor, request_translator
from dashboard.core.i18n import translator
from dashboard.web.pages import menu_for
from layouts.shell import public_frame, signed_in_frame

CSRF_PLACEHOLDER = "certdash-csrf-placeholder-7c1e9f"  # no token looks like it (tokens are url-safe base64)
LAYOUT_ENTRIES = 512
_LAYOUTS: OrderedDict[tuple, bytes] = OrderedDict()
_LOCK = threading.Lock()


def frame():
    """Return the top-level layout for this request."""
    if not has_request_context():  # Dash validating the layout at start-up
        return public_frame(translator("zh"))
    t = request_translator()
    actor = current_actor()
    if actor is None:
        return public_frame(t)
    return signed_in_frame(t, menu=menu_for(actor, t), user_name=actor.real_name, role=actor.role,
                           csrf=g.get("shell_csrf") or csrf_token())


def install_layout_cache(app: Dash) -> None:
    """Serve `/_dash-layout` from the frame's JSON made once per language, role, grants and name."""
    endpoint = app.config.routes_pathname_prefix + "_dash-layout"
    made_by_dash = app.server.view_functions[endpoint]

    def serve_layout() -> Response:
        actor = current_actor()
        lang = request_translator().lang
        key = (lang,) if actor is None else (lang, actor.role, actor.permissions, actor.real_name)
        with _LOCK:
            body = _LAYOUTS.get(key)
            if body is not None:
                _LAYOUTS.move_to_end(key)
        if body is None:
            g.shell_csrf = CSRF_PLACEHOLDER
            body = made_by_dash().get_data()
            with _LOCK:
                _LAYOUTS[key] = body
                while len(_LAYOUTS) > LAYOUT_ENTRIES:
                    _LAYOUTS.popitem(last=False)
        if actor is not None:
            body = body.replace(CSRF_PLACEHOLDER.encode(), csrf_token().encode())
        return Response(body, mimetype="application/json")

    app.server.view_functions[endpoint] = serve_layout


HTML_LANGUAGES = {"zh": "zh-CN", "en": "en", "ru": "ru", "ja": "ja", "ko": "ko", "vi": "vi"}


def install_document_language(app: Dash) -> None:
    """Give the page's <html> the request's language: screen readers read it in that language, the
    browser hyphenates and picks fonts for it, and the date pickers (certdash.js) name months and days in it."""
    made_by_dash = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        html = made_by_dash(**kwargs)
        lang = HTML_LANGUAGES.get(request_translator().lang, "zh-CN") if has_request_context() else "zh-CN"
        return html.replace("<html>", f'<html lang="{lang}">', 1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]
