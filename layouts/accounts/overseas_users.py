"""Overseas users page (Liaoning 5.7.1) for enterprise administrators: list, add, edit, disable, delete."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.accounts.overseas import OVERSEAS_LANGUAGES, OverseasUserRow
from layouts.accounts import ids
from layouts.accounts.register import reason_text
from layouts.common import label_for, page_header

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "ja": "日本語", "ko": "한국어", "vi": "Tiếng Việt", "zh": "中文"}
FORM_FIELDS = (
    ("account", N_("Account"), "text", 12),
    ("real_name", N_("Name"), "text", 64),
    ("organisation", N_("Organisation"), "text", 128),
    ("email", N_("E-mail"), "email", 128),
    ("password", N_("Password"), "password", 64),
    ("password_confirm", N_("Confirm password"), "password", 64),
)
OVERSEAS_REASONS = {"choose_country": N_("Choose the country."), "choose_language": N_("Choose the language.")}


def _field(name: str) -> dict:
    return {"type": ids.OVU_FIELD, "name": name}


def _error(name: str) -> dict:
    return {"type": ids.OVU_ERROR, "name": name}


def reason(t: Translator, code: str) -> str:
    return t(OVERSEAS_REASONS[code]) if code in OVERSEAS_REASONS else reason_text(t, code)


def users_table(t: Translator, rows: list[OverseasUserRow], countries: dict[str, str]) -> html.Div:
    if not rows:
        return dbc.Alert(t("No overseas users yet."), color="light")
    head = html.Thead(html.Tr([html.Th(t(h)) for h in (N_("Account"), N_("Name"), N_("Organisation"), N_("Country"),
                                                         N_("Language"), N_("Status"), N_("Last sign-in"), "")]))
    body = []
    for r in rows:
        actions = html.Div([
            dbc.Button(t("Edit"), id={"type": ids.OVU_EDIT, "index": r.id}, size="sm", color="secondary",
                       outline=True, className="me-1"),
            dbc.Button(t("Disable") if r.active else t("Enable"), id={"type": ids.OVU_TOGGLE, "index": r.id},
                       size="sm", color="warning", outline=True, className="me-1"),
            dcc.ConfirmDialogProvider(
                dbc.Button(t("Delete"), size="sm", color="danger", outline=True),
                id={"type": ids.OVU_DELETE, "index": r.id},
                message=t("Delete the overseas user {account}? They will no longer be able to sign in.",
                          account=r.account)),
        ], className="text-nowrap")
        body.append(html.Tr([
            html.Td(r.account), html.Td(r.real_name), html.Td(r.organisation or ""),
            html.Td(countries.get(r.country or "", r.country or "")), html.Td(LANGUAGE_NAMES.get(r.language, r.language)),
            html.Td(dbc.Badge(t("Active") if r.active else t("Disabled"), color="success" if r.active else "secondary")),
            html.Td(t.datetime(r.last_login_at) if r.last_login_at else "—"), html.Td(actions),
        ]))
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", responsive=True)


def user_form(t: Translator, countries: list[tuple[str, str]]) -> dbc.Card:
    inputs = []
    for name, label, kind, limit in FORM_FIELDS:
        inputs.append(dbc.Col([
            label_for(t(label), _field(name)),
            dbc.Input(id=_field(name), type=kind, maxLength=limit,
                      autoComplete="new-password" if kind == "password" else "off"),
            html.Div(id=_error(name), className="invalid-feedback d-block"),
        ], md=4, className="mb-3"))
    inputs.insert(3, dbc.Col([
        label_for(t("Country"), _field("country")),
        dbc.Select(id=_field("country"), options=[{"label": label, "value": code} for code, label in countries]),
        html.Div(id=_error("country"), className="invalid-feedback d-block"),
    ], md=4, className="mb-3"))
    inputs.insert(4, dbc.Col([
        label_for(t("Language"), _field("language")),
        dbc.Select(id=_field("language"), value="en",
                   options=[{"label": LANGUAGE_NAMES[c], "value": c} for c in OVERSEAS_LANGUAGES]),
        html.Div(id=_error("language"), className="invalid-feedback d-block"),
    ], md=4, className="mb-3"))
    return dbc.Card([
        dbc.CardHeader(html.Span(t("New overseas user"), id=ids.OVU_FORM_TITLE), className="fw-semibold"),
        dbc.CardBody([
            dbc.Row(inputs),
            dbc.FormText(t("When editing, leave the password empty to keep it.")),
            html.Div([
                dbc.Button(t("Save"), id=ids.OVU_SAVE, color="primary", className="me-2"),
                dbc.Button(t("New"), id=ids.OVU_NEW, color="secondary", outline=True),
            ], className="mt-2"),
        ]),
    ], className="mt-3")


def overseas_users_page(t: Translator, rows: list[OverseasUserRow], countries: list[tuple[str, str]]) -> html.Div:
    return html.Div([
        page_header(t("Overseas users"),
                    t("Foreign authorities and buyers who see the certificates you share with them.")),
        html.Div(id=ids.OVU_MESSAGE),
        html.Div(users_table(t, rows, dict(countries)), id=ids.OVU_TABLE),
        user_form(t, countries),
        dcc.Store(id=ids.OVU_EDITING),
    ])


def saved_message(t: Translator, what: str) -> dbc.Alert:
    texts = {"created": N_("Overseas user created."), "updated": N_("Overseas user saved."),
             "enabled": N_("Overseas user enabled."), "disabled": N_("Overseas user disabled; signed out."),
             "deleted": N_("Overseas user deleted."), "not_found": N_("This overseas user no longer exists.")}
    return dbc.Alert(t(texts[what]), color="danger" if what == "not_found" else "success")
