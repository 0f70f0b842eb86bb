"""通知管理 (Liaoning 5.2.7): the notifications list, and the form of one: texts, targets, time window."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.admin.notifications import BODY_LIMIT, TITLE_LIMITS, NotificationRow, TargetChoices, local_text
from data.core.paging import Page
from layouts.admin import ids
from layouts.admin.common import picking_grid, toolbar
from layouts.common import dropdown_labels, label_for, page_header

PAGE_SIZE = 20
STATE_LABELS = {"draft": N_("Not published"), "scheduled": N_("Scheduled"), "showing": N_("Showing"),
                "ended": N_("Ended")}
FORM_LABELS = {
    "title_zh": N_("Title (Chinese)"),
    "title_en": N_("Title (English)"),
    "body_zh": N_("Text (Chinese)"),
    "body_en": N_("Text (English)"),
    "roles": N_("Roles"),
    "districts": N_("Customs districts"),
    "starts_at": N_("Shown from"),
    "ends_at": N_("Shown until"),
    "published": N_("Published"),
}
FORM_HINTS = {
    "title_en": N_("Shown to users who read English; empty: the Chinese title."),
    "roles": N_("Empty: every role."),
    "districts": N_("Empty: everyone. A district also reaches the districts below it and the enterprises "
                    "registered there."),
    "starts_at": N_("YYYY-MM-DD HH:MM, China time; empty: now."),
    "ends_at": N_("Empty: no end. A date alone means the end of that day."),
}


def field_id(name: str) -> dict:
    return {"type": ids.ANOTE_FIELD, "name": name}


def error_id(name: str) -> dict:
    return {"type": ids.ANOTE_ERROR, "name": name}


def _control(t: Translator, name: str, choices: TargetChoices):
    if name in ("title_zh", "title_en"):
        return dbc.Input(id=field_id(name), maxLength=TITLE_LIMITS[name], autoComplete="off")
    if name in ("body_zh", "body_en"):
        return dbc.Textarea(id=field_id(name), maxLength=BODY_LIMIT, rows=4)
    if name == "roles":
        return dcc.Dropdown(labels=dropdown_labels(t), id=field_id(name), multi=True, placeholder=t("Every role"),
                            options=[{"label": t.pick(zh, en), "value": code} for code, zh, en in choices.roles])
    if name == "districts":
        return dcc.Dropdown(labels=dropdown_labels(t), id=field_id(name), multi=True, placeholder=t("Everyone"),
                            options=[{"label": f"{code} {t.pick(zh, en)}", "value": code, "disabled": not active}
                                     for code, zh, en, _parent, active in choices.districts])
    if name == "published":
        return dbc.Switch(id=field_id(name), value=False, label=t("Published: shown on the home pages in its window"))
    return dbc.Input(id=field_id(name), maxLength=19, placeholder="2026-01-31 08:00", autoComplete="off")


def notifications_page(t: Translator, choices: TargetChoices) -> html.Div:
    columns = [
        {"headerName": t("Title"), "field": "title"},
        {"headerName": t("Roles"), "field": "roles"},
        {"headerName": t("Customs districts"), "field": "districts"},
        {"headerName": t("Shown from"), "field": "starts_at", "maxWidth": 170},
        {"headerName": t("Shown until"), "field": "ends_at", "maxWidth": 170},
        {"headerName": t("Status"), "field": "state", "maxWidth": 130},
    ]
    grid = picking_grid(t, ids.ANOTE_TABLE, ids.ANOTE_PAGER, columns, "id")
    buttons = toolbar(t, [(ids.ANOTE_NEW, t("New"), "primary"), (ids.ANOTE_EDIT, t("Edit"), "secondary"),
                          (ids.ANOTE_PUBLISH, t("Publish"), "secondary"),
                          (ids.ANOTE_UNPUBLISH, t("Withdraw"), "secondary")],
                      ids.ANOTE_DELETE, t("Delete the selected notification?"))
    fields = []
    for name in FORM_LABELS:
        wide = name in ("body_zh", "body_en", "districts", "published")
        label = None if name == "published" else label_for(
            [t(FORM_LABELS[name]), html.Span(" *", className="text-danger") if name == "title_zh" else None],
            field_id(name))
        fields.append(dbc.Col([label, _control(t, name, choices),
                               dbc.FormText(t(FORM_HINTS[name])) if name in FORM_HINTS else None,
                               html.Div(id=error_id(name), className="invalid-feedback d-block")],
                              md=12 if wide else 6, className="mb-3"))
    return html.Div([
        page_header(t("Manage notifications"), t("Notices shown on the home page of the roles and districts they are "
                                          "published to, within their time window.")),
        html.Div(id=ids.ANOTE_MESSAGE),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.ANOTE_SEARCH, type="search", debounce=True, maxLength=64,
                              placeholder=t("Title")), md=4),
            dbc.Col(html.Div(id=ids.ANOTE_TOTAL, className="pt-2 text-muted"), md=3),
        ], className="mb-2 g-2"),
        html.Div(buttons, className="mb-2"),
        grid,
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(t("New notification"), id=ids.ANOTE_MODAL_TITLE)),
            dbc.ModalBody(dbc.Row(fields)),
            dbc.ModalFooter(dbc.Button(t("Save"), id=ids.ANOTE_SAVE, color="primary")),
        ], id=ids.ANOTE_MODAL, is_open=False, size="lg"),
        dcc.Store(id=ids.ANOTE_EDITING),
        dcc.Store(id=ids.ANOTE_RELOAD, data=0),
    ])


def notification_rows(t: Translator, page: Page[NotificationRow], choices: TargetChoices) -> list[dict]:
    roles = {code: t.pick(zh, en) for code, zh, en in choices.roles}
    districts = {code: t.pick(zh, en) for code, zh, en, _parent, _active in choices.districts}
    return [{"id": n.id, "title": t.pick(n.title_zh, n.title_en),
             "roles": ", ".join(roles.get(r, r) for r in n.roles) or t("Every role"),
             "districts": ", ".join(districts.get(d, d) for d in n.districts) or t("Everyone"),
             "starts_at": local_text(n.starts_at), "ends_at": local_text(n.ends_at),
             "state": t(STATE_LABELS[n.state])} for n in page.rows]


def total_text(t: Translator, page: Page[NotificationRow]) -> str:
    return t("{n} notifications", n=t.number(page.total))


def form_values(n: NotificationRow | None, names: list[str]) -> list:
    if n is None:
        return [[] if name in ("roles", "districts") else False if name == "published" else "" for name in names]
    values = {"title_zh": n.title_zh, "title_en": n.title_en, "body_zh": n.body_zh, "body_en": n.body_en,
              "roles": list(n.roles), "districts": list(n.districts), "starts_at": local_text(n.starts_at),
              "ends_at": local_text(n.ends_at), "published": n.published}
    return [values[name] for name in names]
