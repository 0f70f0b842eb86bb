"""The overseas portal (Liaoning 5.7): certificates shared with the user, searched by number."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.i18n import Translator
from data.overseas import SharedCertificate
from layouts.common import CERT_STATUS_LABELS, page_header

STATUS_COLORS = {"valid": "success", "replaced": "warning", "withdrawn": "danger"}


def results_table(t: Translator, rows: list[SharedCertificate], searched: str) -> html.Div:
    if not rows:
        text = t("No shared certificate matches {number}.", number=searched) if searched else \
            t("No certificate has been shared with you yet.")
        return dbc.Alert(text, color="light")
    head = html.Thead(html.Tr([html.Th(t("Certificate no.")), html.Th(t("Certificate")), html.Th(t("Date of issue")),
                               html.Th(t("Issued by")), html.Th(t("Destination")), html.Th(t("Status"))]))
    body = [html.Tr([
        html.Td(r.certificate_no), html.Td(r.type_name_zh if t.lang == "zh" else r.type_name_en),
        html.Td(t.date(r.issue_date)), html.Td(r.district_zh if t.lang == "zh" else r.district_en),
        html.Td(r.dest_country or ""),
        html.Td(dbc.Badge(t(CERT_STATUS_LABELS.get(r.status, r.status)), color=STATUS_COLORS.get(r.status, "info"))),
    ]) for r in rows]
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", responsive=True)


def portal_page(t: Translator, rows: list[SharedCertificate]) -> html.Div:
    return html.Div([
        page_header(t("Certificates shared with you"),
                    t("Search by certificate number. Every certificate can also be verified from its QR code.")),
        dbc.Input(id=ids.OVS_SEARCH, type="search", debounce=True, maxLength=32,
                  placeholder=t("Certificate no."), className="mb-3", style={"maxWidth": "24rem"}),
        html.Div(results_table(t, rows, ""), id=ids.OVS_RESULTS),
    ])
