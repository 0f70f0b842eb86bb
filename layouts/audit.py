"""Audit log page: search events by account, kind, object and dates; newest first, paged."""
from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.i18n import N_, Translator
from data.audit import EventRow
from data.paging import Page
from layouts.common import date_range, page_header, paged_grid

GROUP_LABELS = {
    "": N_("All events"),
    "auth.": N_("Sign-in, passwords and cards"),
    "registration.": N_("Registrations"),
    "app.": N_("Applications"),
    "cert.": N_("Certificates"),
    "admin.": N_("Administration"),
}
PAGE_SIZE = 50


def audit_page(t: Translator) -> html.Div:
    columns = [
        {"headerName": t("Time"), "field": "at", "maxWidth": 200},
        {"headerName": t("Account"), "field": "account", "maxWidth": 140},
        {"headerName": t("Event"), "field": "code", "maxWidth": 230},
        {"headerName": t("Object"), "field": "object", "maxWidth": 160},
        {"headerName": t("Message"), "field": "message"},
        {"headerName": t("Details"), "field": "details"},
    ]
    return html.Div([
        page_header(t("Audit log"), t("Every sign-in, failure, lock, reset, card event and change.")),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.AUDIT_ACCOUNT, placeholder=t("Account"), maxLength=32, debounce=True), md=2),
            dbc.Col(dbc.Select(id=ids.AUDIT_GROUP, value="",
                               options=[{"label": t(label), "value": k} for k, label in GROUP_LABELS.items()]), md=3),
            dbc.Col(dbc.Input(id=ids.AUDIT_OBJECT, placeholder=t("Object no."), maxLength=64, debounce=True), md=2),
            dbc.Col(date_range(t, ids.AUDIT_DATES), md=3),
            dbc.Col(html.Div(id=ids.AUDIT_TOTAL, className="pt-2 text-muted"), md=2),
        ], className="mb-3 g-2"),
        paged_grid(t, ids.AUDIT_TABLE, ids.AUDIT_PAGER, columns),
    ])


def audit_rows(t: Translator, page: Page[EventRow]) -> list[dict]:
    return [{
        "at": t.datetime(r.at), "account": r.account or "", "code": r.code,
        "object": f"{r.object_type or ''} {r.object_id or ''}".strip(), "message": r.message,
        "details": json.dumps(r.details, ensure_ascii=False, sort_keys=True) if r.details else "",
    } for r in page.rows]


def audit_total(t: Translator, page: Page[EventRow]) -> str:
    return t("{n} events", n=t.number(page.total))
