"""Issuing certificates in a batch (/certificates/issue): the approved applications of the officer's
districts, picked by check box or all at once, signed by a background job with a progress bar."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import Translator
from data.certificates.issuing import BatchResult, IssuableRow
from data.core.paging import Page
from layouts.applications.listing import ACTION_FAILED, WORKFLOW_ERRORS
from layouts.certificates import ids
from layouts.certificates.view import ISSUE_ERRORS, SIGNING_LABELS, certificate_link
from layouts.common import CardAccess, page_header, paged_grid, signing_modal

PAGE_SIZE = 25


def issue_page(t: Translator, card: CardAccess) -> html.Div:
    columns = [
        {"headerName": t("Application"), "field": "link", "cellRenderer": "markdown", "maxWidth": 130},
        {"headerName": t("Certificate no."), "field": "certificate_no", "minWidth": 170},
        {"headerName": t("Inspection no."), "field": "inspection_no", "minWidth": 170},
        {"headerName": t("Consignor (Chinese/foreign)"), "field": "consignor", "minWidth": 160},
        {"headerName": t("Certificate"), "field": "cert_type", "minWidth": 150},
        {"headerName": t("Declared district"), "field": "district_code", "maxWidth": 130},
        {"headerName": t("Approved"), "field": "approved_at", "minWidth": 150},
    ]
    grid = paged_grid(t, ids.CERTI_TABLE, ids.CERTI_PAGER, columns)
    table = grid.children[0]
    table.dashGridOptions = {**table.dashGridOptions,
                             "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True,
                                              "enableClickSelection": False}}
    table.getRowId = "`${params.data.id}`"
    methods = [{"label": t(label), "value": code} for code, label in SIGNING_LABELS.items()]
    return html.Div([
        page_header(t("Issue certificates"),
                    t("Approved applications of your districts, oldest approval first. Each certificate is "
                      "rendered, signed with the district's key and stored on its own: one that fails does not "
                      "undo the others.")),
        dbc.Row([
            dbc.Col(dbc.RadioItems(id=ids.CERTI_METHOD, options=methods, value="cloud", inline=True), md=6),
            dbc.Col(html.Div(id=ids.CERTI_TOTAL, className="text-muted text-end"), md=6),
        ], className="mb-2"),
        grid,
        html.Div([
            dbc.Button(t("Issue the selected"), id=ids.CERTI_SIGN_SELECTED, color="primary", className="me-2"),
            dbc.Button(t("Issue all approved"), id=ids.CERTI_SIGN_ALL, color="success", className="me-2"),
            dbc.Button(t("Cancel"), id=ids.CERTI_CANCEL, color="secondary", outline=True, disabled=True),
        ], className="my-3 d-flex align-items-center"),
        dbc.Progress(id=ids.CERTI_PROGRESS, value=0, label="", striped=True, className="mb-3",
                     style={"height": "1.5rem"}),
        html.Div(id=ids.CERTI_MESSAGE),
        html.Div(id=ids.CERTI_RESULT),
        dcc.Store(id=ids.CERTI_JOB),
        dcc.Store(id=ids.CERTI_DONE, data=0),
        signing_modal(t, ids.CERTI_SIGN, card),
    ])


def batch_summary(t: Translator, count: int, paper: bool, every: bool) -> html.Div:
    """What the officer is about to issue and sign in one run, named."""
    what = (t("every approved application of your districts: {n} now (at most 1000 in one run)", n=t.number(count))
            if every else t("the {n} applications you selected", n=t.number(count)))
    return html.Div([
        html.P(t("You are issuing certificates under your name for {what}.", what=what)),
        html.P(t("Signing: {method}", method=t("Paper (ECIQ print)") if paper else t("Cloud signature")),
               className="text-muted"),
    ])


def issuable_rows(t: Translator, page: Page[IssuableRow]) -> list[dict]:
    return [{
        "id": r.id, "version": r.version, "link": f"[{int(r.id)}](/applications/view?id={int(r.id)})",
        "certificate_no": r.certificate_no or "", "inspection_no": r.inspection_no or "", "consignor": r.consignor,
        "cert_type": t.pick(r.cert_type_zh, r.cert_type_en), "district_code": r.district_code,
        "approved_at": t.datetime(r.approved_at),
    } for r in page.rows]


def total_text(t: Translator, total: int) -> str:
    return t("{n} approved, not yet issued", n=t.number(total))


def progress_label(t: Translator, done: int, total: int) -> str:
    return t("{done} of {total}", done=t.number(done), total=t.number(total))


def _reason(t: Translator, code: str) -> str:
    text = ISSUE_ERRORS.get(code) or WORKFLOW_ERRORS.get(code) or ACTION_FAILED
    return t(text, days="") if code == "too_late" else t(text)


def batch_result(t: Translator, result: BatchResult | None, *, refused: bool = False) -> html.Div:
    if refused or result is None:
        return dbc.Alert(t("The batch could not start: reload the page and try again."), color="danger")
    issued = html.Div([
        html.Div(t("Issued: {n}", n=t.number(len(result.issued))), className="fw-semibold"),
        html.Ul([html.Li(certificate_link(no)) for no in result.issued], id="certi-issued"),
    ]) if result.issued else html.Div(t("Nothing was issued."), className="text-muted")
    failed = html.Div([
        html.Div(t("Not issued: {n}", n=t.number(len(result.failed))), className="fw-semibold text-danger"),
        html.Ul([html.Li([dcc.Link(str(app_id), href=f"/applications/view?id={int(app_id)}"), " — ",
                          _reason(t, code)]) for app_id, code in result.failed], id="certi-failed"),
    ]) if result.failed else None
    return dbc.Alert([issued, failed], color="warning" if result.failed else "success")


def nothing_selected(t: Translator) -> dbc.Alert:
    return dbc.Alert(t("Select the applications to issue first."), color="warning")

