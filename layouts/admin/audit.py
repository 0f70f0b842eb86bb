"""Audit log page: search events by account, kind, object and dates; newest first, paged; a change's values."""
from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import N_, Translator
from data.core.audit import EventRow, changes_of
from data.core.paging import Page
from layouts.admin import ids
from layouts.common import date_range, label_for, page_header, paged_grid

GROUP_LABELS = {  # "*": all (a select shows an empty value as blank)
    "*": N_("All events"),
    "auth.": N_("Sign-in, passwords and cards"),
    "registration.": N_("Registrations"),
    "app.": N_("Applications"),
    "cert.": N_("Certificates"),
    "admin.": N_("Administration"),
}
PAGE_SIZE = 50
# the kinds of object events are about (free text is accepted too: other pages add their own)
OBJECT_TYPES = ("user", "role", "district", "enterprise", "application", "certificate", "declaration", "account",
                "card", "dict_entry", "certificate_format", "notification", "parameter")


def audit_page(t: Translator) -> html.Div:
    columns = [
        {"headerName": t("Time"), "field": "at", "maxWidth": 200},
        {"headerName": t("Account"), "field": "account", "maxWidth": 140},
        {"headerName": t("Event"), "field": "code", "maxWidth": 230},
        {"headerName": t("Object"), "field": "object", "maxWidth": 160},
        {"headerName": t("Message"), "field": "message"},
        {"headerName": t("Details"), "field": "details"},
    ]
    grid = paged_grid(t, ids.AUDIT_TABLE, ids.AUDIT_PAGER, columns)
    grid.children[0].getRowId = "`${params.data.id}`"
    return html.Div([
        page_header(t("Audit log"), t("Every sign-in, failure, lock, reset, card event and change. "
                                      "Click an event to see the values before and after a change.")),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.AUDIT_ACCOUNT, placeholder=t("Account"), maxLength=32, debounce=True), md=2),
            dbc.Col([label_for(t("Events"), ids.AUDIT_GROUP, className="visually-hidden"),
                     dbc.Select(id=ids.AUDIT_GROUP, value="*",
                                options=[{"label": t(label), "value": k} for k, label in GROUP_LABELS.items()])], md=3),
            dbc.Col([dbc.Input(id=ids.AUDIT_OBJECT_TYPE, placeholder=t("Object type"), maxLength=32, debounce=True,
                               list=ids.AUDIT_OBJECT_TYPES),
                     html.Datalist([html.Option(value=v) for v in OBJECT_TYPES], id=ids.AUDIT_OBJECT_TYPES)], md=2),
            dbc.Col(dbc.Input(id=ids.AUDIT_OBJECT, placeholder=t("Object no."), maxLength=64, debounce=True), md=1),
            dbc.Col(date_range(t, ids.AUDIT_DATES), md=2),
            dbc.Col(html.Div(id=ids.AUDIT_TOTAL, className="pt-2 text-muted"), md=2),
        ], className="mb-3 g-2"),
        grid,
        html.Div(id=ids.AUDIT_DETAIL, className="mt-3"),
    ])


def audit_rows(t: Translator, page: Page[EventRow]) -> list[dict]:
    return [{
        "id": r.id, "at": t.datetime(r.at), "account": r.account or "", "code": r.code,
        "object": f"{r.object_type or ''} {r.object_id or ''}".strip(), "message": r.message,
        "details": change_summary(r.details) if changes_of(r.details) else _json(r.details),
        "changes": r.details if changes_of(r.details) else None,
    } for r in page.rows]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def _value(value) -> str:
    """One value of a change as text: empty ones as a dash, lists one after another, the rest as JSON."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return _json(value)


def change_summary(details: dict) -> str:
    """'key: before → after; ...' on one line, for the list."""
    return "; ".join(f"{c.key}: {_value(c.before)} → {_value(c.after)}" for c in changes_of(details))


def change_list(t: Translator, details: dict | None) -> html.Table | None:
    """The values before and after a change, key by key (None for an event that is not a change)."""
    changes = changes_of(details)
    if not changes:
        return None
    head = html.Thead(html.Tr([html.Th(t("Field")), html.Th(t("Before")), html.Th(t("After"))]))
    body = html.Tbody([html.Tr([html.Td(html.Code(c.key)), html.Td(_value(c.before), className="text-danger"),
                                html.Td(_value(c.after), className="text-success")]) for c in changes])
    return dbc.Table([head, body], size="sm", bordered=True, className="mb-0 mt-1 small audit-changes")


def event_detail(t: Translator, row: dict | None) -> dbc.Card | None:
    """The clicked event: its values before and after, or a note that it changed no values."""
    if not row:
        return None
    table = change_list(t, row.get("changes"))
    body = table if table is not None else html.P(t("This event records no changed values."),
                                                 className="text-muted mb-0")
    title = f"{row.get('at', '')} · {row.get('code', '')} · {row.get('object', '')}"
    return dbc.Card([dbc.CardHeader(title, className="fw-semibold"), dbc.CardBody(body)], id=ids.AUDIT_DIFF)


def audit_total(t: Translator, page: Page[EventRow]) -> str:
    return t("{n} events", n=t.number(page.total))


def history_card(t: Translator, rows: list[EventRow], list_id: str) -> dbc.Card:
    """An object's history (经办详细): who changed what and when, with the values before and after."""
    if not rows:
        content = html.P(t("No changes recorded yet."), className="text-muted mb-0")
    else:
        content = html.Ul([html.Li([
            html.Div([html.Span(t.datetime(r.at), className="text-muted me-2"), html.Code(r.code, className="me-2"),
                      html.Span(r.account or "—", className="small")]),
            change_list(t, r.details),
        ], className="list-group-item") for r in rows], className="list-group list-group-flush", id=list_id)
    return dbc.Card([dbc.CardHeader(t("History"), className="fw-semibold"), dbc.CardBody(content)],
                    className="mt-3")
