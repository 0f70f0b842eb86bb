"""Certificates received from abroad (入境证书): the officers' list with the manual upload, and one certificate
with its goods, findings, the entry declaration it belongs to (or the proposals), and its history."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.core.paging import Page
from data.exchange.inbound_matching import Proposal
from data.exchange.inbound_views import InboundRow, InboundView
from exports.certificate.sps_schema import Finding
from layouts.common import country_name, page_header
from layouts.exchange import ids

MAX_XML_BYTES = 20 * 1024 * 1024
STATUS_LABELS = {"all": N_("All"), "unmatched": N_("Not matched to a declaration"),
                 "matched": N_("Matched to a declaration"), "withdrawn": N_("Withdrawn by the exporting country")}
CODE_LABELS = {"70": N_("Issued"), "40": N_("Withdrawn")}
SOURCE_LABELS = {"hub": N_("ePhyto Hub"), "upload": N_("Uploaded by an officer"), "command": N_("Imported by command")}
REASON_LABELS = {"bill_of_lading": N_("same B/L number"), "consignee": N_("same consignee"),
                 "origin_country": N_("same country of origin")}
UPLOAD_RESULTS = {
    "stored": N_("Certificate {no} of {country} was checked and received."),
    "withdrawn": N_("Certificate {no} of {country} is now recorded as withdrawn by the exporting country."),
    "duplicate": N_("Certificate {no} of {country} had been received already; nothing was added."),
}
UPLOAD_PROBLEMS = {"empty": N_("The file is empty."), "unreadable": N_("The file could not be read."),
                   "too_large": N_("The file is larger than 20 MB.")}


def view_url(inbound_id: int) -> str:
    return f"/inbound/view?id={inbound_id}"


def status_badge(t: Translator, status_code: str, matched: bool) -> html.Span:
    withdrawn = status_code == "40"
    badges = [dbc.Badge(t(CODE_LABELS.get(status_code, status_code)), color="danger" if withdrawn else "success",
                        className="me-1")]
    if not withdrawn:
        badges.append(dbc.Badge(t("Matched") if matched else t("Not matched"),
                                color="primary" if matched else "warning", text_color=None if matched else "dark"))
    return html.Span(badges)


def rows_table(t: Translator, page: Page[InboundRow]):
    if not page.rows:
        return html.P(t("No inbound certificates."), className="text-muted")
    head = html.Thead(html.Tr([html.Th(t(h)) for h in (
        N_("Certificate No."), N_("Exporting country"), N_("Status"), N_("Consignee"), N_("Issued"),
        N_("Received"), N_("Entry declaration"))]))
    body = html.Tbody([html.Tr([
        html.Td(dcc.Link(r.certificate_no, href=view_url(r.id))),
        html.Td(country_name(t, r.exporting_country)),
        html.Td(status_badge(t, r.status_code, r.inspection_no is not None)),
        html.Td(r.consignee, className="text-break"),
        html.Td(t.date(r.issued_at.date()) if r.issued_at else ""),
        html.Td(t.datetime(r.received_at), className="text-nowrap"),
        html.Td(r.inspection_no or "—"),
    ]) for r in page.rows])
    return dbc.Table([head, body], size="sm", hover=True, responsive=True, className="align-middle")


def total_text(t: Translator, page: Page[InboundRow]) -> str:
    return t("{n} certificates", n=t.number(page.total))


def waiting_part(t: Translator, waiting: list[tuple[int, str, str]]) -> html.Div:
    """Sent entry declarations listing a certificate that has not come yet: (id, inspection no, certificate no)."""
    body = (dbc.Table([html.Thead(html.Tr([html.Th(t("Inspection No.")), html.Th(t("Certificate No."))])),
                       html.Tbody([html.Tr([html.Td(no), html.Td(cert)]) for _id, no, cert in waiting[:200]])],
                      size="sm")
            if waiting else html.P(t("None."), className="text-muted"))
    return html.Div([html.H5(t("Entry declarations waiting for their certificate from abroad"), className="mt-4"),
                     body], id=ids.INB_WAITING)


def list_page(t: Translator, page: Page[InboundRow], status: str,
              waiting: list[tuple[int, str, str]] | None = None) -> html.Div:
    upload = dcc.Upload(
        html.Div(t("Drop an SPS certificate XML file here, or click to choose one."), className="py-3"),
        id=ids.INB_UPLOAD, accept=".xml,application/xml,text/xml", max_size=MAX_XML_BYTES, multiple=False,
        className="text-center text-muted", style={"border": "2px dashed #adb5bd", "borderRadius": "0.375rem",
                                                   "cursor": "pointer"})
    return html.Div([
        page_header(t("Inbound certificates"),
                    t("Certificates exporting countries issued for goods coming to China, received through the "
                      "ePhyto Hub or uploaded, and the entry declarations they belong to.")),
        dbc.Row([
            dbc.Col([dbc.Label(t("Show"), html_for=ids.INB_STATUS),
                     dbc.Select(id=ids.INB_STATUS, value=status,
                                options=[{"label": t(label), "value": key} for key, label in STATUS_LABELS.items()])],
                    md=4),
            dbc.Col([dbc.Label(t("Certificate No. or consignee"), html_for=ids.INB_SEARCH),
                     dbc.Input(id=ids.INB_SEARCH, type="search", maxLength=64, debounce=True)], md=5),
            dbc.Col(dbc.Button(t("Search"), id=ids.INB_GO, color="primary", className="mt-4"), md=3),
        ], className="mb-3 g-2"),
        html.Div(total_text(t, page), id=ids.INB_TOTAL, className="text-muted small mb-1"),
        html.Div(rows_table(t, page), id=ids.INB_TABLE),
        dbc.Pagination(id=ids.INB_PAGER, max_value=page.page_count, active_page=1, fully_expanded=False,
                       first_last=True, previous_next=True, className="mt-2"),
        waiting_part(t, waiting or []),
        dbc.Card(dbc.CardBody([
            html.H5(t("Receive a certificate sent outside the hub")),
            html.P(t("An SPS certificate XML (UN/CEFACT SPSCertificate 17) received by mail or on a medium is checked "
                     "as the hub's are: the official schema, the importing country, the type, the dates and the "
                     "attached PDF. It is received whole or not at all."), className="text-muted small"),
            upload,
            dcc.Loading(html.Div(id=ids.INB_UPLOAD_RESULT, className="mt-3")),
        ]), className="mt-4 shadow-sm"),
    ])


# why a document was not received (exports.certificate.sps_schema and data.exchange.inbound findings' codes)
REASON_TEXTS = {
    "too_large": N_("The document is larger than {mb} MB."),
    "dtd": N_("A document type declaration (DTD) or entity is not allowed in an SPS certificate."),
    "not_well_formed": N_("The file is not well-formed XML: {detail}"),
    "wrong_root": N_("The root element is {root}, not rsm:SPSCertificate of the SPS Certificate 17 namespace."),
    "schema": N_("Not as the official UN/CEFACT schema requires: {detail}"),
    "addressed_elsewhere": N_("The certificate is addressed to {country}, not to China."),
    "exported_by_china": N_("The exporting country is China: this is not a certificate from abroad."),
    "unknown_type": N_("Certificate type {type} is not one China receives."),
    "bad_status": N_("Status {status} is neither issued (70) nor withdrawn (40)."),
    "no_issue_date": N_("The issue date and time cannot be read."),
    "future_date": N_("The certificate is dated {date}, in the future."),
    "no_number": N_("The certificate has no number."),
    "pdf_not_pdf": N_("The attached certificate is not a PDF."),
    "pdf_changed": N_("The attached PDF does not match the SHA-256 its sender stated: it was changed on the way."),
    "pdf_signature_broken": N_("The attached PDF's signature does not hold: the file was changed after signing."),
    "envelope_sender": N_("The envelope comes from {sender} but the certificate was issued by {country}."),
    "envelope_number": N_("The envelope names certificate {named} but holds {number}."),
    "withdrawn_never_received": N_("Certificate {number} of {country} is withdrawn, and was never received."),
    "withdrawn_not_reissued": N_("Certificate {number} of {country} was withdrawn on {date}; a withdrawn certificate "
                                 "is not issued again."),
    "note_no_pdf": N_("No PDF is attached: the XML is the certificate."),
    "note_pdf_unsigned": N_("The attached PDF is not electronically signed."),
    "note_pdf_signed": N_("The attached PDF's signature is intact; it was made by the exporting country's authority, "
                          "whose certificate is not among China's trust roots."),
    "note_port_unknown": N_("The unloading port {port} is not a port of our districts."),
    "other_content": N_("Certificate {number} of {country} was already received with other content; a change comes "
                        "as a replacement with a new number."),
}


def reason_text(t: Translator, finding: Finding) -> str:
    """A finding in the user's language (the technical detail of a schema error stays as the validator says it)."""
    if finding.code in REASON_TEXTS:
        try:
            return t(REASON_TEXTS[finding.code], **finding.values)
        except (KeyError, IndexError, ValueError):
            return finding.message
    return finding.message


def finding_line(t: Translator, finding: Finding) -> html.Li:
    where = []
    if finding.line > 0:
        where.append(t("line {n}", n=finding.line))
    if finding.path:
        where.append(finding.path)
    return html.Li([html.Span(" · ".join(where) + ": ", className="text-muted") if where else None,
                    reason_text(t, finding)], className="text-break")


def upload_refused(t: Translator, findings: list[Finding]) -> dbc.Alert:
    return dbc.Alert([
        html.Div(t("The file was not received; nothing was stored. Reasons ({n}):", n=t.number(len(findings))),
                 className="fw-semibold mb-1"),
        html.Ol([finding_line(t, f) for f in findings[:100]], className="mb-0 small"),
    ], color="danger", className="mb-0")


def upload_problem(t: Translator, code: str) -> dbc.Alert:
    return dbc.Alert(t(UPLOAD_PROBLEMS.get(code, UPLOAD_PROBLEMS["unreadable"])), color="danger", className="mb-0")


def upload_received(t: Translator, outcome: str, inbound_id: int, number: str, country: str) -> dbc.Alert:
    return dbc.Alert([t(UPLOAD_RESULTS[outcome], no=number, country=country_name(t, country)), " ",
                      dcc.Link(t("Open it"), href=view_url(inbound_id))],
                     color="info" if outcome == "duplicate" else "success", className="mb-0")


# --- one certificate ----------------------------------------------------------------------------


def _proposal_row(t: Translator, p: Proposal) -> html.Tr:
    reasons = [t("container {no}", no=r.split(":", 1)[1]) if r.startswith("container:") else t(REASON_LABELS[r])
               for r in p.reasons if r.startswith("container:") or r in REASON_LABELS]
    return html.Tr([html.Td(p.inspection_no), html.Td("; ".join(reasons)),
                    html.Td(dbc.Button(t("Link"), id={"type": ids.INBV_LINK, "declaration": p.declaration_id},
                                       size="sm", color="primary", outline=True))])


def _declaration_part(t: Translator, v: InboundView):
    if v.declaration_id is not None:
        unlink = dcc.ConfirmDialogProvider(
            dbc.Button(t("Unlink"), color="secondary", outline=True, size="sm", className="ms-2"),
            id={"type": ids.INBV_UNLINK, "declaration": v.declaration_id},
            message=t("Unlink certificate {no} from declaration {decl}?", no=v.certificate_no,
                      decl=v.inspection_no or ""))
        return html.Div([html.H5(t("Entry declaration"), className="mt-4"),
                         html.Div([t("Matched to entry declaration {no}.", no=v.inspection_no or ""),
                                   unlink if v.may_link else None])])
    if not v.proposals:
        return html.Div([html.H5(t("Entry declaration"), className="mt-4"),
                         html.P(t("No entry declaration lists this certificate yet, and none has its B/L number, "
                                  "containers or consignee."), className="text-muted")])
    return html.Div([
        html.H5(t("Entry declaration"), className="mt-4"),
        html.P(t("Not matched yet. Declarations that may be its own, best first:"), className="text-muted"),
        dbc.Table([html.Thead(html.Tr([html.Th(t("Inspection No.")), html.Th(t("Why")), html.Th("")])),
                   html.Tbody([_proposal_row(t, p) for p in v.proposals])], size="sm", className="align-middle"),
    ])


def detail_body(t: Translator, v: InboundView | None):
    if v is None:
        return dbc.Alert(t("There is no such inbound certificate among those you may see."), color="warning")
    facts = [
        (t("Exporting country"), country_name(t, v.exporting_country)),
        (t("Certificate type"), f"{v.type_code} {v.type_name}".strip()),
        (t("Status"), status_badge(t, v.status_code, v.declaration_id is not None)),
        (t("Issued"), t.datetime(v.issued_at) if v.issued_at else "—"),
        (t("Received"), f"{t.datetime(v.received_at)} · {t(SOURCE_LABELS.get(v.source, v.source))}"),
        (t("Consignor"), v.consignor or "—"),
        (t("Consignee"), v.consignee or "—"),
        (t("Unloading port"), v.unloading_port or "—"),
        (t("B/L No."), ", ".join(v.bl_numbers) or "—"),
        (t("Containers"), ", ".join(v.containers) or "—"),
    ]
    if v.status_changed_at:
        facts.append((t("Withdrawn on"), t.datetime(v.status_changed_at)))
    goods = dbc.Table([
        html.Thead(html.Tr([html.Th(t("No.")), html.Th(t("HS code")), html.Th(t("Description"))])),
        html.Tbody([html.Tr([html.Td(g.get("seq", "")), html.Td(g.get("hs_code", "")),
                             html.Td(g.get("description", ""), className="text-break")]) for g in v.goods]),
    ], size="sm")
    return html.Div([
        page_header(t("Inbound certificate {no}", no=v.certificate_no), None),
        html.Dl([x for label, value in facts for x in (html.Dt(label, className="col-sm-3"),
                                                       html.Dd(value, className="col-sm-9"))], className="row"),
        html.A(t("Open the attached PDF"), href=f"/files/inbound/{v.id}.pdf", target="_blank",
               className="btn btn-sm btn-outline-primary mb-3") if v.has_pdf else None,
        html.H5(t("Goods")), goods,
        html.Div([html.H5(t("Notes of the checks")), html.Ul([html.Li(reason_text(t, f)) for f in v.findings])])
        if v.findings else None,
        _declaration_part(t, v),
        html.H5(t("History"), className="mt-4"),
        dbc.ListGroup([dbc.ListGroupItem([html.Div(e.message or e.code), html.Small(
            f"{t.datetime(e.at)} · {e.account or ''}", className="text-muted")]) for e in v.history]
                      or [dbc.ListGroupItem(t("No history yet."), className="text-muted")]),
    ])


def detail_page(t: Translator, v: InboundView | None) -> html.Div:
    return html.Div([
        dcc.Link(t("← Inbound certificates"), href="/inbound", className="small"),
        html.Div(id=ids.INBV_MESSAGE, className="mt-2"),
        html.Div(detail_body(t, v), id=ids.INBV_CONTENT),
        dcc.Store(id=ids.INBV_STATE, data={"id": v.id if v else None}),
    ])


def link_message(t: Translator, linked: bool | None) -> dbc.Alert | None:
    if linked is None:
        return None
    return dbc.Alert(t("Linked.") if linked else t("Unlinked."), color="success", dismissable=True, duration=4000)


def link_refused(t: Translator) -> dbc.Alert:
    return dbc.Alert(t("The link could not be changed: the certificate or the declaration is outside your districts."),
                     color="danger")
