"""Certificate applications: the list (Liaoning 5.8.1) and one application with receipts and workflow steps."""
from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.applications.listing import ApplicationDetail, ApplicationRow, Named
from data.core.paging import Window
from layouts.applications import ids
from layouts.applications.scans import scans_section
from layouts.common import (
    APP_STATUS_LABELS,
    STATUS_COLUMN,
    CardAccess,
    country_name,
    date_range,
    dropdown_labels,
    page_header,
    paged_grid,
    signing_modal,
    status_badge,
    status_cell,
)
from layouts.events import event_text

PAGE_SIZE = 25
ACTION_LABELS = {
    "submit": N_("Apply"), "open": N_("Accept for review"), "approve": N_("Approve"), "return": N_("Return"),
    "suspend": N_("Suspend"), "resume": N_("Resume"), "request_confirmation": N_("Send draft for confirmation"),
    "confirm": N_("Confirm the draft"), "revoke": N_("Revoke the application"),
    "supplement": N_("Supplementary declaration"),
    "issue": N_("Issue and sign"), "issue_paper": N_("Issue for paper print (ECIQ)"),
}
ACTION_COLORS = {"approve": "success", "return": "warning", "suspend": "secondary", "revoke": "danger",
                 "issue": "success", "issue_paper": "secondary"}
WORKFLOW_ERRORS = {
    "stale_version": N_("Someone else changed this application meanwhile. It has been reloaded: check it and "
                        "act again."),
    "bad_transition": N_("This step is not possible in the application's present status."),
    "reason_required": N_("Give the reason; the enterprise sees it in the receipt."),
    "reason_too_short": N_("The reason is too short (at least 4 characters)."),
    "reason_too_long": N_("The reason is too long (at most 1000 characters)."),
    "not_found": N_("There is no such application among those you may see."),
}
NOT_FOUND = WORKFLOW_ERRORS["not_found"]
ENTRY_LABELS = {"blank": N_("Blank form"), "similar": N_("Similar inspection no."), "template": N_("Template"),
                "smart_import": N_("Smart import")}
ACTION_FAILED = N_("The action failed.")
DECLARATION_LABELS = {
    "inspection_date": N_("Inspection date"), "contract_no": N_("Contract no."), "bl_no": N_("B/L no."),
    "trade_mode": N_("Trade mode"), "transport_mode": N_("Transport mode"), "transport_means": N_("Means of transport"),
    "departure_port": N_("Port of departure"), "arrival_port": N_("Port of arrival"),
    "despatch_date": N_("Date of despatch"), "containers": N_("Container no."), "marks": N_("Marks and numbers"),
}


def list_page(t: Translator, *, review: bool, statuses: list[str] | None = None) -> html.Div:
    """The list of applications; `statuses` preset its status filter (else the queue's or none)."""
    chosen = statuses
    statuses_offered = [{"label": t(label), "value": code} for code, label in APP_STATUS_LABELS.items()]
    default = chosen if chosen else ["submitted", "under_review", "suspended", "confirmed"] if review else []
    columns = [
        {"headerName": t("Inspection no."), "field": "inspection_no", "minWidth": 150, "maxWidth": 170,
         "cellRenderer": "markdown"},
        {"headerName": t("Consignor (Chinese/foreign)"), "field": "consignor", "minWidth": 110},
        {"headerName": t("Consignee (Chinese/foreign)"), "field": "consignee", "minWidth": 110},
        {"headerName": t("Certificate"), "field": "cert_type", "minWidth": 110},
        {"headerName": t("Destination"), "field": "dest_country", "minWidth": 90, "maxWidth": 130},
        {"headerName": t("Inspection date"), "field": "inspection_date", "minWidth": 110, "maxWidth": 140},
        {"headerName": t("Declared district"), "field": "district", "minWidth": 90},
        {"headerName": t("Applied"), "field": "submitted_at", "minWidth": 135},
        {"headerName": t("Reviewed"), "field": "reviewed_at", "minWidth": 135},
        {"headerName": t("Review opinion"), "field": "review_comment", "minWidth": 90},
        {"headerName": t("Status"), **STATUS_COLUMN, "minWidth": 100},
    ]
    title = t("Review queue") if review else t("Certificate applications")
    return html.Div([
        page_header(title, t("Click an inspection no. to open the application, its receipts and its next steps."),
                    None if review else [
                        dcc.Link(t("Certificate templates"), href="/applications/templates"),
                        dbc.Button(t("New application"), id=ids.APPS_NEW, href="/applications/new", color="primary")]),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.APPS_INSPECTION_NO, placeholder=t("Inspection no."), maxLength=15,
                              debounce=True), md=2),
            dbc.Col(dcc.Dropdown(labels=dropdown_labels(t),
                                 id=ids.APPS_STATUS, options=statuses_offered, value=default, multi=True,
                                 placeholder=t("Status")), md=3),
            dbc.Col(date_range(t, ids.APPS_INSPECTION_DATES, label=t("Inspection date")), md=3),
            dbc.Col(date_range(t, ids.APPS_APPLIED_DATES, label=t("Application time")), md=3),
            dbc.Col(html.Div(id=ids.APPS_TOTAL, className="pt-2 text-muted"), md=1),
        ], className="mb-3 g-2"),
        paged_grid(t, ids.APPS_TABLE, ids.APPS_PAGER, columns),
    ])


def list_rows(t: Translator, page: Window[ApplicationRow]) -> list[dict]:
    return [{
        "inspection_no": f"[{markdown_safe(r.inspection_no) or t('(none yet)')}](/applications/view?id={int(r.id)})",
        "consignor": r.consignor, "consignee": r.consignee, "cert_type": t.pick(r.cert_type_zh, r.cert_type_en),
        "dest_country": country_name(t, r.dest_country), "inspection_date": t.date(r.inspection_date),
        "district": f"[{r.district_code}] {t.pick(r.district_zh, r.district_en)}",
        "submitted_at": t.datetime(r.submitted_at), "reviewed_at": t.datetime(r.reviewed_at),
        "review_comment": r.review_comment or "", **status_cell(t, r.status),
    } for r in page.rows]


def markdown_safe(text: str | None) -> str:
    """Keep only letters and digits: the cell is rendered as Markdown."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "")


def detail_page(t: Translator, detail: ApplicationDetail | None, card: CardAccess, message=None) -> html.Div:
    return html.Div([
        html.Div(message, id=ids.APPV_MESSAGE),
        html.Div(detail_body(t, detail), id=ids.APPV_CONTENT),
        dcc.Store(id=ids.APPV_STATE, data={"id": detail.id, "version": detail.version} if detail else None),
        dcc.Store(id=ids.APPV_REASON_FOCUS),
        signing_modal(t, ids.APPV_SIGN, card),
    ])


def signing_summary(t: Translator, d: ApplicationDetail, paper: bool) -> html.Div:
    """What the officer is about to issue and sign, named."""
    facts = [(t("Certificate"), t.pick(d.cert_type_zh, d.cert_type_en)), (t("Application"), str(d.id)),
             (t("Inspection no."), d.inspection_no or "—"), (t("Consignee (Chinese/foreign)"), d.consignee),
             (t("Destination"), _shown(t, d.dest_country)), (t("Goods"), t.number(len(d.goods))),
             (t("Signing"), t("Paper (ECIQ print)") if paper else t("Cloud signature"))]
    return html.Div([
        html.P(t("You are issuing this certificate under your name. Check what it certifies:")),
        html.Dl([x for label, value in facts for x in (html.Dt(label, className="col-sm-4"),
                                                       html.Dd(value, className="col-sm-8"))], className="row"),
        weight_warning(t, d),
    ])


def weight_warning(t: Translator, d: ApplicationDetail) -> dbc.Alert | None:
    """The goods weigh other than the declaration says: the applicant corrects it, the officer sees it."""
    m = d.weight_mismatch
    if m is None:
        return None
    return dbc.Alert(t("The goods of this application weigh {mine} kg in all, but the declaration states {declared} kg. "
                       "Check the weights before the certificate is issued.",
                       mine=t.number(m.application_kg.quantize(Decimal("0.01")).normalize()),
                       declared=t.number(m.declaration_kg.quantize(Decimal("0.01")).normalize())),
                     color="warning", className="weight-mismatch")


def detail_body(t: Translator, d: ApplicationDetail | None):
    if d is None:
        return dbc.Alert(t(NOT_FOUND), color="warning")
    facts = [
        (t("Certificate"), t.pick(d.cert_type_zh, d.cert_type_en)), (t("Format"), d.format_code),
        (t("Inspection no."), d.inspection_no or "—"), (t("Consignor (Chinese/foreign)"), d.consignor),
        (t("Consignee (Chinese/foreign)"), d.consignee), (t("Destination"), _shown(t, d.dest_country)),
        (t("Entry method"), t(ENTRY_LABELS.get(d.entry_method, d.entry_method))),
        (t("Certificate no."), dcc.Link(d.certificate_no, href=f"/certificates/view?no={quote(d.certificate_no)}")
         if d.status == "issued" and d.certificate_no else d.certificate_no or "—"),
    ]
    goods = dbc.Table(
        [html.Thead(html.Tr([html.Th("#"), html.Th(t("HS code")), html.Th(t("Goods")), html.Th(t("Quantity")),
                             html.Th(t("Weight"))]))]
        + [html.Tbody([html.Tr([html.Td(g.seq), html.Td(g.hs_code), html.Td(t.pick(g.name_zh, g.name_en)),
                                html.Td(_amount(t, g.quantity, g.unit)), html.Td(_amount(t, g.weight, g.weight_unit))])
                       for g in d.goods])], size="sm", bordered=True) if d.goods else None
    declaration = html.Dl([x for key, value in d.declaration.items()
                           for x in (html.Dt(t(DECLARATION_LABELS.get(key, key)), className="col-sm-4"),
                                     html.Dd(_shown(t, value), className="col-sm-8"))], className="row small")
    receipts = dbc.ListGroup([
        dbc.ListGroupItem([html.Div(event_text(t, r.code, r.message, r.reason, r.details), className="fw-semibold"),
                           html.Div(t.datetime(r.at), className="small text-muted")])
        for r in d.receipts] or [dbc.ListGroupItem(t("No receipts yet."), className="text-muted")])
    actions = html.Div([
        dbc.Label(t("Reason or supplementary information"), html_for=ids.APPV_REASON, className="small"),
        dbc.Textarea(id=ids.APPV_REASON, rows=2, maxLength=1000,
                     placeholder=t("Reason or supplementary information (required to return, suspend or "
                                   "supplement)")),
        html.Div(id=ids.APPV_REASON_ERROR, className="invalid-feedback d-block mb-2", role="alert"),
        *[dbc.Button(t(ACTION_LABELS[a]), id={"type": ids.APPV_ACTION, "action": a},
                     color=ACTION_COLORS.get(a, "primary"), className="me-2 mb-2") for a in d.actions],
    ]) if d.actions else html.P(t("Nothing for you to do on this application now."), className="text-muted")
    return html.Div([
        page_header(t("Application {id}", id=d.id), None),
        html.Div([status_badge(t, d.status), _edit_link(t, d), preview_link(t, ids.APPV_PREVIEW, d.id)],
                 className="mb-3"),
        weight_warning(t, d),
        dbc.Row([
            dbc.Col([html.Dl([x for label, value in facts for x in (html.Dt(label, className="col-sm-4"),
                                                                     html.Dd(value, className="col-sm-8"))],
                             className="row"), goods, _content(t, d),
                     html.H6(t("Declaration"), className="mt-3"), declaration], md=7),
            dbc.Col([html.H5(t("Receipts")), receipts], md=5),
        ]),
        scans_section(t),
        html.H5(t("Next steps"), className="mt-3"),
        weight_warning(t, d) if d.actions else None,
        actions,
    ])


def _shown(t: Translator, value) -> str:
    """A coded value as '<code> <name>' in the page's language; plain text as it is."""
    if isinstance(value, Named):
        return f"{value.code} {t.pick(value.name_zh, value.name_en)}"
    return value or ""


def _amount(t: Translator, number: str, unit: Named | None) -> str:
    return " ".join(x for x in (number, unit and t.pick(unit.name_zh, unit.name_en)) if x) if number else ""


def _content(t: Translator, d: ApplicationDetail):
    """The certificate's fields as the enterprise filled them, under the format's captions: what the officer
    reviews. Values are shown as text (line breaks kept), never as HTML."""
    rows = [(spec, d.fields.get(spec.get("key"))) for spec in d.field_specs]
    rows = [(spec, value) for spec, value in rows if isinstance(value, str) and value.strip()]
    if not rows:
        return None
    return html.Div([
        html.H6(t("Certificate content"), className="mt-3"),
        html.Dl([x for spec, value in rows for x in (
            html.Dt(t.pick(spec.get("label_zh", ""), spec.get("label_en", "")) or spec.get("key"),
                    className="col-sm-4"),
            html.Dd(value, className="col-sm-8", style={"whiteSpace": "pre-wrap"}))], className="row small"),
    ])


def preview_link(t: Translator, component_id: str, application_id: int) -> dbc.Button:
    """证书预览 (Liaoning 5.3.1, 5.8.1): the certificate PDF as last saved, in a new tab to read and print;
    watermarked 草稿 / DRAFT until approval."""
    return dbc.Button(t("Preview"), id=component_id, href=f"/files/application/{int(application_id)}/preview.pdf",
                      target="_blank", external_link=True, size="sm", color="secondary", outline=True,
                      className="ms-2", title=t("The certificate as last saved, to read and print"))


def _edit_link(t: Translator, d: ApplicationDetail):
    """The enterprise may edit a draft or a returned application: those it may submit."""
    if d.status not in ("draft", "returned") or "submit" not in d.actions:
        return None
    return dbc.Button(t("Edit"), id=ids.APPV_EDIT, href=f"/applications/edit?id={int(d.id)}", size="sm",
                      color="primary", outline=True, className="ms-2")


REASON_CODES = frozenset({"reason_required", "reason_too_short", "reason_too_long"})


def reason_error(t: Translator, code: str) -> str:
    """Why the reason was refused, said under the reason box (where the user acts)."""
    return t(WORKFLOW_ERRORS.get(code, ACTION_FAILED))


def workflow_message(t: Translator, code: str | None, done: str | None = None) -> dbc.Alert | None:
    if code:
        return dbc.Alert(t(WORKFLOW_ERRORS.get(code, ACTION_FAILED)), color="danger")
    if done:
        return dbc.Alert(t("Done: {step}.", step=t(ACTION_LABELS[done])), color="success")
    return None
