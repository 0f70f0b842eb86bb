"""The overseas portal (Liaoning 5.7): certificates shared with the user, searched by number, previewed,
downloaded as PDF and as UN/CEFACT SPS XML, in the user's language (zh, en, ru, ja, ko, vi)."""
from __future__ import annotations

from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import DISPLAY_ZONE, Translator
from data.accounts.overseas import SharedCertificate
from data.reference.certificate_names import certificate_type_name
from exports.certificate.signature_check import SignatureReport
from layouts.certificates import ids
from layouts.certificates.verify import signature_lines
from layouts.certificates.view import cert_status_badge, pdf_url
from layouts.common import country_name, page_header


def sps_xml_url(number: str) -> str:
    return f"/api/v1/certificates/{quote(number, safe='')}/sps.xml"


def district_name(t: Translator, r: SharedCertificate) -> str:
    return t.pick(r.district_zh, r.district_en)


def replacement_text(t: Translator, r: SharedCertificate) -> str:
    """What became of the certificate, in a sentence ('' for a valid one that replaces nothing)."""
    if r.status == "replaced":
        return t("Replaced by certificate No. {number}.", number=r.replaced_by or "—")
    if r.status == "withdrawn":
        day = t.date(r.status_changed_at.astimezone(DISPLAY_ZONE).date()) if r.status_changed_at else "—"
        return t("Withdrawn on {date}.", date=day)
    if r.replaces_no:
        return t("Replaces certificate No. {number}.", number=r.replaces_no)
    return ""


def results_table(t: Translator, rows: list[SharedCertificate], searched: str) -> html.Div:
    if not rows:
        text = t("No shared certificate matches {number}.", number=searched) if searched else \
            t("No certificate has been shared with you yet.")
        return dbc.Alert(text, color="light")
    head = html.Thead(html.Tr([html.Th(t("Certificate no.")), html.Th(t("Certificate")), html.Th(t("Date of issue")),
                               html.Th(t("Issued by")), html.Th(t("Destination")), html.Th(t("Status"))]))
    body = [html.Tr([
        html.Td(dbc.Button(r.certificate_no, id={"type": ids.OVS_OPEN, "no": r.certificate_no}, color="link",
                           size="sm", className="p-0", title=t("Open"))),
        html.Td(certificate_type_name(r.cert_type_code, r.type_name_zh, r.type_name_en, t.lang)),
        html.Td(t.date(r.issue_date)), html.Td(district_name(t, r)),
        html.Td(country_name(t, r.dest_country)),
        html.Td([cert_status_badge(t, r.status), html.Div(replacement_text(t, r), className="small text-muted")]),
    ]) for r in rows]
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", responsive=True)


def certificate_detail(t: Translator, r: SharedCertificate | None, signature: SignatureReport | None = None,
                       ) -> html.Div | None:
    """The chosen certificate: its status and replacement, its signature check, downloads, and the PDF itself."""
    if r is None:
        return None
    title = certificate_type_name(r.cert_type_code, r.type_name_zh, r.type_name_en, t.lang)
    buttons = html.Div([
        dbc.Button(t("Download PDF"), href=pdf_url(r.certificate_no, download=True), external_link=True,
                   color="primary", size="sm", className="me-2", id="ovs-download-pdf"),
        dbc.Button(t("Download SPS XML"), href=sps_xml_url(r.certificate_no), external_link=True,
                   color="secondary", size="sm", id="ovs-download-xml"),
    ], className="mb-2")
    return dbc.Card(dbc.CardBody([
        html.H5([f"{title} · {r.certificate_no} ", cert_status_badge(t, r.status)], id="ovs-detail-title"),
        html.P(replacement_text(t, r), className="mb-2", id="ovs-detail-status") if replacement_text(t, r) else None,
        html.P(t("Issued by {authority} on {date}.", authority=district_name(t, r), date=t.date(r.issue_date)),
               className="text-muted small"),
        html.Div(signature_lines(t, signature), className="small mb-2", id="ovs-detail-signature"),
        buttons,
        html.Iframe(src=pdf_url(r.certificate_no), id=ids.OVS_PREVIEW, title=t("Certificate PDF"),
                    style={"width": "100%", "height": "75vh", "border": "1px solid #dee2e6"}),
    ]), className="shadow-sm mt-3")


def portal_page(t: Translator, rows: list[SharedCertificate], *, whole_country: bool = False) -> html.Div:
    """`whole_country`: the user is an official of the importing country's authority, who sees all of its
    certificates, not only those shared."""
    return html.Div([
        page_header(t("Certificates destined to your country") if whole_country else t("Certificates shared with you"),
                    t("Search by certificate number. Every certificate can also be verified from its QR code.")),
        dbc.Input(id=ids.OVS_SEARCH, type="search", debounce=True, maxLength=32,
                  placeholder=t("Certificate no."), className="mb-3", style={"maxWidth": "24rem"}),
        html.Div(results_table(t, rows, ""), id=ids.OVS_RESULTS),
        html.Div(id=ids.OVS_DETAIL),
    ])
