"""The 403 and 404 pages."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import Translator
from layouts import ids


def _error(title: str, text: str, home: str) -> html.Div:
    return html.Div(
        [
            html.H2(title, id=ids.ERROR_TITLE, className="mt-4"),
            html.P(text, className="text-muted"),
            dbc.Button(home, href="/", color="primary"),
        ]
    )


def forbidden(t: Translator) -> html.Div:
    return _error(t("403 · Access denied"), t("Your role does not give access to this page."), t("Back to home"))


def not_found(t: Translator) -> html.Div:
    return _error(t("404 · Page not found"), t("There is no page at this address."), t("Back to home"))
