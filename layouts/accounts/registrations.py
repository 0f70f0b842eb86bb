"""Registration review page for administrators: the queue with its age, one registration, the decision."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.accounts.registration import REVIEW_PROMISE_WORKING_DAYS, PendingRegistration
from data.models import Enterprise
from layouts.accounts import ids
from layouts.accounts.register import ATTACHMENT_LABELS, ENTITY_LABELS, ID_TYPE_LABELS, POSITION_LABELS
from layouts.common import label_for, page_header

KIND_LABELS = {"uscc": N_("Unified social credit code"), "org_code": N_("Organisation code")}
REVIEW_ERRORS = {
    "district_required": N_("Choose the competent customs district before approving."),
    "reason_required": N_("Give the reason for the rejection; the applicant receives it."),
    "reason_too_long": N_("The reason is too long (at most 1000 characters)."),
    "already_decided": N_("This registration has already been decided by someone else."),
    "not_found": N_("This registration no longer exists."),
}
PROFILE_LABELS = {
    "tax_registration_no": N_("Tax registration no."), "business_registration_no": N_("Business registration no."),
    "bank": N_("Bank"), "bank_account": N_("Bank account"), "eport_card_no": N_("China E-Port card no. (legal person card)"),
    "registered_capital": N_("Registered capital"), "foreign_trade_code": N_("Foreign trade enterprise code"),
    "border_code": N_("Border inspection enterprise code"), "port_code": N_("Port authority enterprise code"),
    "forex_code": N_("Foreign exchange enterprise code"), "enterprise_kind": N_("Enterprise type"),
    "business_scope": N_("Business scope"),
}


def queue_table(t: Translator, rows: list[PendingRegistration]) -> html.Div:
    if not rows:
        return dbc.Alert(t("No registration is waiting for review."), color="light")
    head = html.Thead(html.Tr([html.Th(t(h)) for h in (
        N_("Enterprise"), N_("Kind"), N_("Code"), N_("Account"), N_("Submitted"), N_("Waiting"), "")]))
    body = []
    for r in rows:
        waiting = dbc.Badge(t("{n} working days", n=r.working_days_waiting),
                            color="danger" if r.overdue else "secondary")
        body.append(html.Tr([
            html.Td(r.name_zh), html.Td(t(KIND_LABELS.get(r.kind, r.kind))), html.Td(r.identifier),
            html.Td(r.account), html.Td(t.datetime(r.submitted_at)), html.Td(waiting),
            html.Td(dbc.Button(t("Review"), id={"type": ids.REGREV_OPEN, "index": r.enterprise_id}, size="sm")),
        ]))
    note = html.P(t("Promise: every registration is decided within {n} working days.", n=REVIEW_PROMISE_WORKING_DAYS),
                  className="text-muted small")
    return html.Div([note, dbc.Table([head, html.Tbody(body)], hover=True, size="sm", responsive=True)])


def review_page(t: Translator, rows: list[PendingRegistration]) -> html.Div:
    return html.Div([
        page_header(t("Registration review"), t("Approve or reject enterprise registrations.")),
        html.Div(id=ids.REGREV_MESSAGE),
        html.Div(queue_table(t, rows), id=ids.REGREV_QUEUE),
        html.Div(id=ids.REGREV_DETAIL),
        dcc.Store(id=ids.REGREV_CURRENT),
    ])


def _pairs(t: Translator, items: list[tuple[str, str | None]]) -> html.Dl:
    children = []
    for label, value in items:
        if value:
            children += [html.Dt(t(label), className="col-sm-4"), html.Dd(value, className="col-sm-8")]
    return html.Dl(children, className="row mb-0")


def detail_panel(t: Translator, e: Enterprise, districts: list[tuple[str, str, str]]) -> dbc.Card:
    basics = [
        (N_("Full name of the enterprise (Chinese)"), e.name_zh), (N_("English name"), e.name_en),
        (N_("Short Chinese name"), e.short_name), (N_("Kind"), t(KIND_LABELS.get(e.registration_kind, ""))),
        (N_("Unified social credit code"), e.credit_code), (N_("Organisation code"), e.org_code),
        (N_("Province"), e.province), (N_("City"), e.city), (N_("Address"), e.address_zh),
        (N_("Postcode"), e.postcode), (N_("Customs enterprise code"), e.customs_code),
        (N_("Inspection and quarantine enterprise code"), e.ciq_code),
        (N_("Entity type"), "、".join(t(ENTITY_LABELS.get(x, x)) for x in e.entity_types)),
        (N_("Real name"), e.contact_name), (N_("Telephone"), e.contact_phone), (N_("E-mail"), e.email),
    ] + [(PROFILE_LABELS[k], v) for k, v in e.profile.items() if k in PROFILE_LABELS]
    contacts = dbc.Table(
        [html.Thead(html.Tr([html.Th(t(h)) for h in (N_("Position"), N_("Name"), N_("ID type"), N_("ID number"),
                                                     N_("Telephone"), N_("Mobile phone"), N_("E-mail"))]))]
        + [html.Tbody([html.Tr([html.Td(t(POSITION_LABELS.get(c.position, c.position))), html.Td(c.name),
                                html.Td(t(ID_TYPE_LABELS.get(c.id_type or "", c.id_type or ""))),
                                html.Td(c.id_number), html.Td(c.phone), html.Td(c.mobile), html.Td(c.email)])
                       for c in e.contacts])],
        size="sm", bordered=True,
    ) if e.contacts else html.P(t("No contacts given."), className="text-muted")
    files = html.Ul([html.Li(html.A(f"{t(ATTACHMENT_LABELS.get(a.kind, a.kind))}: {a.filename}",
                                    href=f"/files/registration/{a.id}", target="_blank", rel="noopener"))
                     for a in e.attachments])
    decision = dbc.Row([
        dbc.Col([
            label_for(t("Competent customs district"), ids.REGREV_DISTRICT),
            dbc.Select(id=ids.REGREV_DISTRICT, options=[{"label": f"{c} {t.pick(zh, en)}", "value": c}
                                                      for c, zh, en in districts]),
            dbc.Button(t("Approve"), id=ids.REGREV_APPROVE, color="success", className="mt-2"),
        ], md=5),
        dbc.Col([
            label_for(t("Reason for rejection"), ids.REGREV_REASON),
            dbc.Textarea(id=ids.REGREV_REASON, maxLength=1000, rows=2),
            dbc.Button(t("Reject"), id=ids.REGREV_REJECT, color="danger", className="mt-2"),
        ], md=7),
    ])
    return dbc.Card([
        dbc.CardHeader(e.name_zh, className="fw-semibold"),
        dbc.CardBody([_pairs(t, basics), html.H6(t("Contacts"), className="mt-3"), contacts,
                      html.H6(t("Registration documents")), files, html.Hr(), decision]),
    ], className="mt-3")


ACTION_FAILED = N_("The action failed.")


def decision_message(t: Translator, decided: str | None, error: str | None) -> dbc.Alert | None:
    if error:
        return dbc.Alert(t(REVIEW_ERRORS.get(error, ACTION_FAILED)), color="danger")
    if decided == "approved":
        return dbc.Alert(t("Registration approved; the applicant is told by e-mail."), color="success")
    if decided == "rejected":
        return dbc.Alert(t("Registration rejected; the applicant is told the reason by e-mail."), color="warning")
    return None
