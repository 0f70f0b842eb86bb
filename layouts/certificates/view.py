"""One certificate (/certificates/view): status, facts, the PDF, the replacement chain, history, and the
replacement and withdrawal forms for the officers who may use them."""
from __future__ import annotations

from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.certificates.issuing import CertificateView, ChainLink
from data.core.labels import CERT_STATUS_LABELS
from layouts.applications.listing import ENTRY_LABELS
from layouts.certificates import ids
from layouts.common import CardAccess, country_name, page_header, signing_modal
from layouts.events import event_text

CERT_STATUS_COLORS = {"valid": "success", "replaced": "warning", "withdrawn": "danger"}
SIGNING_LABELS = {"cloud": N_("Cloud signature"), "paper": N_("Paper (ECIQ print)")}
# why issuing, printing, replacing or withdrawing was refused (codes of data.certificates.issuing.REFUSALS)
ISSUE_ERRORS = {
    "number_taken": N_("The certificate number given at approval is already used; ask the administrator."),
    "no_signing_key": N_("There is no signing key for this district; ask the administrator to configure one."),
    "signing_failed": N_("The certificate could not be signed; nothing was issued. Try again."),
    "render_failed": N_("The certificate PDF could not be made; nothing was issued."),
    "not_valid": N_("Only a valid certificate can be replaced, withdrawn or printed; this one is no longer valid."),
    "reason_required": N_("Give the reason; it is shown at verification and in the history."),
    "reason_too_short": N_("The reason is too short (at least 4 characters)."),
    "reason_too_long": N_("The reason is too long (at most 1000 characters)."),
    "too_late": N_("It is too late to change this certificate: changes are possible within {days} days of issue."),
    "not_paper": N_("Only certificates issued for paper print are printed here."),
    "not_allowed": N_("Only officers of the issuing district may change this certificate."),
    "not_found": N_("There is no such certificate among those you may see."),
}
# where an envelope to the ePhyto Hub stands (data.exchange.outbox.STATES); the hub's own word is shown beside
DELIVERY_LABELS = {
    "queued": N_("Waiting to be sent"), "sending": N_("Being sent"),
    "PendingDelivery": N_("At the hub, awaiting delivery"), "Delivered": N_("Delivered"),
    "DeliveredWithWarnings": N_("Delivered with warnings"), "FailedDelivery": N_("Delivery failed"),
    "DeliveredNotReadable": N_("Delivered but not readable"), "EnvelopeNotExists": N_("Unknown to the hub"),
    "Refused": N_("Refused by the hub"), "Undeliverable": N_("Hub unreachable; no more tries"),
}
DELIVERY_COLORS = {"Delivered": "success", "DeliveredWithWarnings": "warning", "PendingDelivery": "info",
                   "queued": "secondary", "sending": "secondary"}  # else: danger
DELIVERY_WHAT = {70: N_("Issued"), 40: N_("Withdrawn")}
NOT_FOUND = ISSUE_ERRORS["not_found"]
CHANGE_FAILED = N_("The change failed.")


def pdf_url(number: str, *, download: bool = False) -> str:
    return f"/files/certificate/{quote(number, safe='')}.pdf" + ("?download=1" if download else "")


def print_url(number: str) -> str:
    return f"/files/certificate/{quote(number, safe='')}/print"


def certificate_link(number: str) -> dcc.Link:
    return dcc.Link(number, href=f"/certificates/view?no={quote(number, safe='')}")


def cert_status_badge(t: Translator, status: str) -> dbc.Badge:
    color = CERT_STATUS_COLORS.get(status, "secondary")
    return dbc.Badge(t(CERT_STATUS_LABELS.get(status, status)), color=color,
                     text_color="dark" if color == "warning" else None, className="me-1")


REASON_CODES = frozenset({"reason_required", "reason_too_short", "reason_too_long"})


def issue_error(t: Translator, code: str, days: int | None = None) -> str:
    if code == "too_late":
        return t(ISSUE_ERRORS[code], days=days or "")
    return t(ISSUE_ERRORS.get(code, CHANGE_FAILED))


def view_page(t: Translator, view: CertificateView | None, *, csrf: str, card: CardAccess,
              days: int | None = None) -> html.Div:
    return html.Div([
        html.Div(id=ids.CERTV_MESSAGE),
        html.Div(view_body(t, view, csrf=csrf, days=days), id=ids.CERTV_CONTENT),
        dcc.Store(id=ids.CERTV_STATE, data={"no": view.certificate_no} if view else None),
        dcc.Store(id=ids.CERTV_REASON_FOCUS),
        signing_modal(t, ids.CERTV_SIGN, card),
    ])


def replacement_summary(t: Translator, certificate_no: str, reason: str, paper: bool) -> html.Div:
    """What the officer is about to sign when replacing a certificate, named."""
    method = SIGNING_LABELS["paper"] if paper else SIGNING_LABELS["cloud"]
    facts = [(t("Replaces"), certificate_no), (t("Reason"), reason), (t("Signing method"), t(method))]
    return html.Div([
        html.P(t("A new certificate with a new number will be issued and signed; certificate {no} will show "
                 "'replaced'.", no=certificate_no)),
        html.Dl([x for label, value in facts for x in (html.Dt(label, className="col-sm-4"),
                                                       html.Dd(value, className="col-sm-8"))], className="row mb-0"),
    ])


def certificate_facts(t: Translator, v: CertificateView) -> list[tuple[str, object]]:
    facts = [
        (t("Certificate"), t.pick(v.cert_type_zh, v.cert_type_en)),
        (t("Serial"), v.serial),
        (t("Issuing authority"), f"[{v.district_code}] {t.pick(v.district_zh, v.district_en)}"),
        (t("Place of issue"), v.issue_place),
        (t("Date of issue"), t.date(v.issue_date)),
        (t("Issued at"), t.datetime(v.issued_at)),
        (t("Received"), t.date(v.received_date)),
        (t("Issuing officer"), v.issued_by or "—"),
        (t("Signing"), t(SIGNING_LABELS.get(v.signing_method, v.signing_method))),
    ]
    if v.signed_at:
        facts.append((t("Signed at"), t.datetime(v.signed_at)))
    if v.signing_method == "paper":
        facts.append((t("Prints"), t.number(v.print_count)))
    facts += [
        (t("Entry method"), t(ENTRY_LABELS.get(v.entry_method, v.entry_method))),
        (t("Destination"), country_name(t, v.dest_country) or "—"),
        (t("Inspection no."), v.inspection_no or "—"),
        (t("Application"), dcc.Link(str(v.application_id), href=f"/applications/view?id={int(v.application_id)}")),
        (t("Consignor (Chinese/foreign)"), v.consignor),
        (t("Consignee (Chinese/foreign)"), v.consignee),
        (t("Verification"), html.A(t("Public verification page"), href=v.verify_url, target="_blank",
                                   rel="noreferrer")),
    ]
    return facts


def _chain(t: Translator, v: CertificateView):
    def item(label: str, link: ChainLink) -> html.Li:
        return html.Li([label, " ", certificate_link(link.certificate_no), " ", cert_status_badge(t, link.status),
                        html.Small(t.date(link.issue_date), className="text-muted")])

    items = ([item(t("Replaces"), v.replaces)] if v.replaces else []) + [
        item(t("Replaced by"), link) for link in v.replaced_by]
    if not items:
        return None
    return html.Div([html.H6(t("Replacement chain"), className="mt-3"), html.Ul(items, id="certv-chain")])


def _history(t: Translator, v: CertificateView):
    return dbc.ListGroup([
        dbc.ListGroupItem([html.Div(event_text(t, h.code, h.message, h.reason, h.details), className="fw-semibold"),
                           html.Div([t.datetime(h.at), (" · " + h.actor) if h.actor else ""],
                                    className="small text-muted")])
        for h in v.history] or [dbc.ListGroupItem(t("No history yet."), className="text-muted")])


def _deliveries(t: Translator, v: CertificateView):
    """The certificate's envelopes to the importing country through the ePhyto Hub, oldest first."""
    if not v.deliveries:
        return None
    items = []
    for d in v.deliveries:
        lines = [html.Div([
            dbc.Badge(t(DELIVERY_LABELS.get(d.state, d.state)), color=DELIVERY_COLORS.get(d.state, "danger"),
                      className="me-2"),
            html.Span(f"{t(DELIVERY_WHAT.get(d.status_code, str(d.status_code)))} → {country_name(t, d.to_country)}"),
            html.Small(f" ({d.state})", className="text-muted")])]
        times = [t("Queued {at}", at=t.datetime(d.created_at))]
        if d.sent_at:
            times.append(t("accepted by the hub {at}", at=t.datetime(d.sent_at)))
        if d.settled_at:
            times.append(t("settled {at}", at=t.datetime(d.settled_at)))
        lines.append(html.Div(" · ".join(times), className="small text-muted"))
        if d.hub_delivery_number:
            lines.append(html.Div(t("Hub delivery number: {no}", no=d.hub_delivery_number), className="small"))
        if d.attempts and d.state in ("queued", "sending"):
            lines.append(html.Div(t("Tries so far: {n}; next try {at}", n=t.number(d.attempts),
                                    at=t.datetime(d.next_attempt_at) if d.next_attempt_at else "-"),
                                  className="small"))
        for label, text in ((t("Last error"), d.last_error), (t("Message from the hub"), d.hub_message)):
            if text:
                lines.append(html.Div(f"{label}: {text}", className="small text-danger text-break"))
        items.append(dbc.ListGroupItem(lines))
    return html.Div([html.H5(t("ePhyto Hub delivery"), className="mt-3"),
                     dbc.ListGroup(items, id="certv-deliveries")])


def _downloads(t: Translator, v: CertificateView, csrf: str):
    buttons = [
        dbc.Button(t("Open / print"), href=pdf_url(v.certificate_no), target="_blank", external_link=True,
                   color="primary", outline=True, size="sm", className="me-2"),
        dbc.Button(t("Download"), href=pdf_url(v.certificate_no, download=True), external_link=True,
                   color="secondary", outline=True, size="sm", className="me-2"),
    ]
    if v.may_print:  # a POST: each print is counted
        buttons.append(html.Form([
            dcc.Input(type="hidden", name="csrf", value=csrf),
            html.Button(t("Print paper certificate (counted)"), type="submit", className="btn btn-sm btn-warning"),
        ], method="POST", action=print_url(v.certificate_no), target="_blank", className="d-inline"))
    return html.Div(buttons, className="mb-3 d-flex align-items-center")


def _change_panel(t: Translator, v: CertificateView, days: int | None):
    if v.change_refusal == "not_allowed":
        return None
    if v.change_refusal:
        return html.Div([html.H5(t("Replace or withdraw"), className="mt-4"),
                         html.P(issue_error(t, v.change_refusal, days), className="text-muted")])
    methods = [{"label": t(label), "value": code} for code, label in SIGNING_LABELS.items()]
    return html.Div([
        html.H5(t("Replace or withdraw"), className="mt-4"),
        html.P(t("A replacement is a new certificate with a new number that names this one; this one then shows "
                 "'replaced'. A withdrawal is final. Either is possible within {days} days of issue.", days=days),
               className="text-muted small"),
        dbc.Textarea(id=ids.CERTV_REASON, rows=2, maxLength=1000, placeholder=t("Reason (required, at least 4 characters)")),
        html.Div(id=ids.CERTV_REASON_ERROR, className="invalid-feedback d-block mb-2", role="alert"),
        dbc.RadioItems(id=ids.CERTV_METHOD, options=methods, value=v.signing_method, inline=True,
                       className="mb-2"),
        dbc.Button(t("Replace with a new certificate"), id=ids.CERTV_REPLACE, color="warning", className="me-2"),
        dcc.ConfirmDialogProvider(
            dbc.Button(t("Withdraw"), color="danger"),
            id=ids.CERTV_WITHDRAW, message=t("Withdraw certificate {no} for good?", no=v.certificate_no)),
    ])


def view_body(t: Translator, v: CertificateView | None, *, csrf: str, days: int | None = None):
    if v is None:
        return dbc.Alert(t(NOT_FOUND), color="warning")
    status_line = [cert_status_badge(t, v.status)]
    if v.status != "valid":
        status_line.append(html.Span([t.datetime(v.status_changed_at), " · ", v.status_reason or ""],
                                     className="text-muted"))
    facts = html.Dl([x for label, value in certificate_facts(t, v) for x in (html.Dt(label, className="col-sm-4"),
                                                                  html.Dd(value, className="col-sm-8"))],
                    className="row")
    return html.Div([
        page_header(t("Certificate {no}", no=v.certificate_no), None),
        html.Div(status_line, className="mb-3", id="certv-status"),
        _downloads(t, v, csrf),
        dbc.Row([
            dbc.Col([facts, _chain(t, v), _deliveries(t, v), html.H5(t("History"), className="mt-3"), _history(t, v),
                     _change_panel(t, v, days)], md=5),
            dbc.Col(html.Iframe(id=ids.CERTV_PREVIEW, src=pdf_url(v.certificate_no), title=t("Certificate PDF"),
                                style={"width": "100%", "height": "900px", "border": "1px solid #dee2e6"}), md=7),
        ]),
    ])


def change_message(t: Translator, code: str | None, *, days: int | None = None, replaced_by: str | None = None,
                   withdrawn: bool = False):
    if code:
        return dbc.Alert(issue_error(t, code, days), color="danger")
    if replaced_by:
        return dbc.Alert([html.Div(t("Replaced by the new certificate {no}.", no=replaced_by)),
                          dcc.Link(t("Open the new certificate"),
                                   href=f"/certificates/view?no={quote(replaced_by, safe='')}")], color="success")
    if withdrawn:
        return dbc.Alert(t("The certificate is withdrawn."), color="success")
    return None

