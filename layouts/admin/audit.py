"""Audit log page: search events by account, kind, object and dates; newest first, paged; a change's values."""
from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import N_, Translator
from data.core.audit import COUNT_CAP, EventRow, changes_of
from data.core.paging import Page
from layouts.admin import ids
from layouts.common import date_range, label_for, page_header, paged_grid
from layouts.events import EVENT_LABELS, event_text

GROUP_LABELS = {  # "*": all (a select shows an empty value as blank)
    "*": N_("All events"),
    "auth.": N_("Sign-in, passwords and cards"),
    "registration.": N_("Registrations"),
    "app.": N_("Applications"),
    "cert.": N_("Certificates"),
    "admin.": N_("Administration"),
}
AUDIT_LABELS = {  # what each event is, in words (the receipts' events are named in layouts/events.py)
    "auth.login": N_("Signed in with a password"),
    "auth.card_login": N_("Signed in with an IC card"),
    "auth.logout": N_("Signed out"),
    "auth.login_failed": N_("Sign-in failed"),
    "auth.card_login_failed": N_("Card sign-in failed"),
    "auth.login_throttled": N_("Sign-in refused: too many attempts"),
    "auth.login_refused_locked": N_("Sign-in refused: account locked"),
    "auth.login_refused_inactive": N_("Sign-in refused: account deactivated"),
    "auth.locked": N_("Account locked after wrong passwords"),
    "auth.password_changed": N_("Password changed"),
    "auth.password_change_refused": N_("Password change refused"),
    "auth.reset_requested": N_("Password reset requested"),
    "auth.reset_refused": N_("Password reset refused"),
    "auth.reset_throttled": N_("Password reset refused: too many requests"),
    "auth.password_reset": N_("Password reset by link"),
    "auth.card_bound": N_("IC card bound"),
    "auth.card_unbound": N_("IC card unbound"),
    "auth.card_blocked": N_("IC card blocked"),
    "admin.user_created": N_("User created"),
    "admin.user_updated": N_("User changed"),
    "admin.user_locked": N_("User locked"),
    "admin.user_unlocked": N_("User unlocked"),
    "admin.user_deactivated": N_("User deactivated"),
    "admin.user_reactivated": N_("User reactivated"),
    "admin.user_reset_sent": N_("Password reset link sent to the user"),
    "admin.role_created": N_("Role created"),
    "admin.role_updated": N_("Role changed"),
    "admin.role_deleted": N_("Role deleted"),
    "admin.role_permissions": N_("Role permissions changed"),
    "admin.district_created": N_("District created"),
    "admin.district_updated": N_("District changed"),
    "admin.district_retired": N_("District retired"),
    "admin.district_reactivated": N_("District reactivated"),
    "admin.district_deleted": N_("District deleted"),
    "registration.submitted": N_("Registration submitted"),
    "registration.approved": N_("Registration approved"),
    "registration.rejected": N_("Registration rejected"),
    "app.deleted": N_("Application deleted"),
    "cert.sign_confirmed": N_("Signer confirmed issuing"),
    "cert.sign_refused": N_("Signer's confirmation refused"),
    "cert.verify_ok": N_("Public verification: found"),
    "cert.verify_failed": N_("Public verification: not found"),
    "cert.verify_limited": N_("Public verification: too many attempts"),
    "cert.verify_upload": N_("Public verification of a PDF file"),
    "enterprise.comm_bound": N_("Communication account bound"),
    "enterprise.comm_unbound": N_("Communication account unbound"),
    "enterprise.certificate_shared": N_("Certificate shared with overseas users"),
    "enterprise.overseas_created": N_("Overseas user created"),
    "enterprise.overseas_updated": N_("Overseas user changed"),
    "enterprise.overseas_enabled": N_("Overseas user enabled"),
    "enterprise.overseas_disabled": N_("Overseas user disabled"),
    "enterprise.overseas_deleted": N_("Overseas user deleted"),
    "portal.viewed": N_("Certificate viewed in the overseas portal"),
    "hub.inbound_refused": N_("Certificate from abroad refused"),
    **EVENT_LABELS,
}
RECORD_LABELS = {  # admin.<record>.<action>: the administrators' reference records
    "dictionary": N_("Dictionary entry"), "format": N_("Certificate format"), "notification": N_("Notification"),
    "parameter": N_("System parameter"), "ledger_template": N_("Ledger template"),
    "target": N_("Statistics target"),
}
ACTION_LABELS = {
    "created": N_("created"), "updated": N_("changed"), "deleted": N_("deleted"), "retired": N_("retired"),
    "reactivated": N_("reactivated"), "published": N_("published"), "unpublished": N_("withdrawn"),
    "saved": N_("saved"), "renamed": N_("renamed"), "set": N_("set"),
}
DETAIL_LABELS = {  # the details' keys, named
    "account": N_("Account"), "addr": N_("Address"), "client": N_("Address"), "application_id": N_("Application"),
    "certificate_no": N_("Certificate No."), "channel": N_("Channel"), "country": N_("Country"),
    "declaration_id": N_("Declaration"), "inspection_no": N_("Inspection no."), "kind": N_("Kind"),
    "reason": N_("Reason"), "serial": N_("Serial"), "status": N_("Status"), "step": N_("Step"), "user_id": N_("User"),
    "what": N_("What"), "card_no": N_("IC card"),
}
PAGE_SIZE = 50
# the kinds of object events are about (free text is accepted too: other pages add their own)
OBJECT_TYPES = ("user", "role", "district", "enterprise", "application", "certificate", "declaration", "account",
                "card", "dict_entry", "certificate_format", "notification", "parameter")


def audit_page(t: Translator) -> html.Div:
    columns = [
        {"headerName": t("Time"), "field": "at", "maxWidth": 200},
        {"headerName": t("Account"), "field": "account", "maxWidth": 140},
        {"headerName": t("Event"), "field": "event", "maxWidth": 260},
        {"headerName": t("Object"), "field": "object", "maxWidth": 160},
        {"headerName": t("Message"), "field": "message"},
        {"headerName": t("Details"), "field": "details"},
    ]
    grid = paged_grid(t, ids.AUDIT_TABLE, ids.AUDIT_PAGER, columns)
    grid.children[0].getRowId = "`${params.data.id}`"
    return html.Div([
        page_header(t("Audit log"), t("Every sign-in, failure, lock, reset, card event and change. "
                                      "Click an event to see the values before and after a change."),
                    html.Div(id=ids.AUDIT_TOTAL, className="text-muted text-nowrap")),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.AUDIT_ACCOUNT, placeholder=t("Account"), maxLength=32, debounce=True), md=2),
            dbc.Col([label_for(t("Events"), ids.AUDIT_GROUP, className="visually-hidden"),
                     dbc.Select(id=ids.AUDIT_GROUP, value="*",
                                options=[{"label": t(label), "value": k} for k, label in GROUP_LABELS.items()])], md=3),
            dbc.Col([dbc.Input(id=ids.AUDIT_OBJECT_TYPE, placeholder=t("Object type"), maxLength=32, debounce=True,
                               list=ids.AUDIT_OBJECT_TYPES),
                     html.Datalist([html.Option(value=v) for v in OBJECT_TYPES], id=ids.AUDIT_OBJECT_TYPES)], md=2),
            dbc.Col(dbc.Input(id=ids.AUDIT_OBJECT, placeholder=t("Object no."), maxLength=64, debounce=True), md=2),
            dbc.Col(date_range(t, ids.AUDIT_DATES), md=3),
        ], className="mb-3 g-2"),
        grid,
        html.Div(id=ids.AUDIT_DETAIL, className="mt-3"),
    ])


def event_name(t: Translator, code: str) -> str:
    """What the event is, in words; an event this page does not know yet by its code."""
    if code in AUDIT_LABELS:
        return t(AUDIT_LABELS[code])
    parts = code.split(".")
    if len(parts) == 3 and parts[0] == "admin" and parts[1] in RECORD_LABELS and parts[2] in ACTION_LABELS:
        return t("{record} {action}", record=t(RECORD_LABELS[parts[1]]), action=t(ACTION_LABELS[parts[2]]))
    return code


def audit_rows(t: Translator, page: Page[EventRow]) -> list[dict]:
    return [{
        "id": r.id, "at": t.datetime(r.at), "account": r.account or "", "code": r.code, "event": event_name(t, r.code),
        "object": f"{r.object_type or ''} {r.object_id or ''}".strip(),
        "message": r.message if t.lang == "zh" or r.code not in EVENT_LABELS else event_text(
            t, r.code, r.message, (r.details or {}).get("reason"), r.details),
        "details": change_summary(r.details) if changes_of(r.details) else details_text(t, r.details),
        "changes": r.details if changes_of(r.details) else None,
    } for r in page.rows]


def details_text(t: Translator, details: dict | None) -> str:
    """An event's details as 'Name: value; ...', named in the page's language."""
    return "; ".join(f"{t(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key}: "
                     f"{act_text(t, value) if key == 'what' else _value(value)}"
                     for key, value in sorted((details or {}).items()) if value not in (None, "", []))


def act_text(t: Translator, what) -> str:
    """What a signer confirmed (data.certificates.issuing.issue_act / batch_act), in words; other values as they are."""
    act = what.get("act") if isinstance(what, dict) else None
    if act not in ("issue", "issue_batch", "issue_all", "replace"):
        return _value(what)
    method = t("Paper (ECIQ print)") if what.get("paper") else t("Cloud signature")
    if act == "issue":
        return t("issue application {id} (version {version}), {method}", id=what.get("application_id"),
                 version=what.get("version"), method=method)
    if act == "replace":
        return t("replace certificate {no} by a new one, {method}", no=what.get("certificate_no"), method=method)
    if act == "issue_batch":
        return t("issue the {n} applications selected, {method}", n=what.get("count"), method=method)
    return t("issue every approved application, {method}", method=method)


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
    title = f"{row.get('at', '')} · {row.get('event') or row.get('code', '')} · {row.get('object', '')}"
    return dbc.Card([dbc.CardHeader(title, className="fw-semibold"), dbc.CardBody(body)], id=ids.AUDIT_DIFF)


def audit_total(t: Translator, page: Page[EventRow]) -> str:
    if page.total > COUNT_CAP:
        return t("More than {n} events", n=t.number(COUNT_CAP))
    return t("{n} events", n=t.number(page.total))


def history_card(t: Translator, rows: list[EventRow], list_id: str) -> dbc.Card:
    """An object's history (经办详细): who changed what and when, with the values before and after."""
    if not rows:
        content = html.P(t("No changes recorded yet."), className="text-muted mb-0")
    else:
        content = html.Ul([html.Li([
            html.Div([html.Span(t.datetime(r.at), className="text-muted me-2"),
                      html.Span(event_name(t, r.code), className="me-2 fw-semibold"),
                      html.Span(r.account or "—", className="small")]),
            change_list(t, r.details),
        ], className="list-group-item") for r in rows], className="list-group list-group-flush", id=list_id)
    return dbc.Card([dbc.CardHeader(t("History"), className="fw-semibold"), dbc.CardBody(content)],
                    className="mt-3")
