"""The public verification page: what the QR code of a certificate leads to, in the portal's languages.

Pure: takes the verification outcome (data/certificates/verification.py) and a translator. The "not found" view
never repeats the number or token asked for, so a wrong number and a wrong token look the same.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import DISPLAY_ZONE, N_, Translator
from data.certificates.verification import OK, RATE_LIMITED, PublicCertificate, UploadOutcome, VerifyOutcome
from data.core.files import MAX_UPLOAD_BYTES
from data.core.labels import CERT_STATUS_LABELS
from data.reference.certificate_names import certificate_type_name
from exports.certificate.signature_check import SignatureReport
from exports.types import Coded, Unit
from layouts.certificates import ids
from layouts.certificates.view import cert_status_badge
from layouts.common import label_for, page_header

UPLOAD_PROBLEMS = {
    "empty": N_("The file is empty."),
    "too_large": N_("The file is larger than {mb} MB."),
    "bad_type": N_("The file is not a PDF."),
    "unreadable": N_("The file could not be read. Please choose it again."),
}


def named(t: Translator, value: Coded | Unit | None) -> str:
    """A coded value's name in the page's language (countries in every portal language)."""
    if value is None:
        return ""
    if t.lang not in ("zh", "en") and isinstance(value, Coded) and len(value.code) == 2:
        localised = t.locale.territories.get(value.code)
        if localised:
            return localised
    return t.pick(value.name_zh, value.name_en)


def _amount(t: Translator, number: str, unit: Unit | None) -> str:
    return " ".join(x for x in (number, named(t, unit)) if x) if number else ""


def _row(label: str, value, row_id: str | None = None) -> html.Tr:
    cell = html.Td(value, id=row_id) if row_id else html.Td(value)
    return html.Tr([html.Th(label, className="text-nowrap fw-normal text-muted", style={"width": "30%"}), cell])


def status_line(t: Translator, c: PublicCertificate) -> html.Div:
    """The big answer: valid, replaced (by which certificate) or withdrawn (since when)."""
    badge = html.Span(cert_status_badge(t, c.status), className="fs-5 me-2", id="ver-status")
    if c.status == "replaced":
        text = t("This certificate has been replaced by certificate No. {number}.", number=c.replaced_by or "—")
    elif c.status == "withdrawn":
        day = t.date(c.status_changed_at.astimezone(DISPLAY_ZONE).date()) if c.status_changed_at else "—"
        text = t("This certificate was withdrawn on {date} and is no longer valid.", date=day)
    else:
        text = t("This certificate was issued by the customs authority named below and is valid.")
    reason = html.Div(t("Reason: {reason}", reason=c.status_reason), className="text-muted small mb-3",
                      id="ver-status-reason") if c.status_reason else None
    line = html.Div([badge, html.Span(text, id="ver-status-text")],
                    className=f"d-flex align-items-center {'mb-1' if reason else 'mb-3'}")
    return html.Div([line, reason])


def signature_lines(t: Translator, report: SignatureReport | None, *, paper: bool = False) -> list:
    """What the signature check found, one sentence per fact, good news in green."""
    if report is None:
        return [html.Div(t("Issued on paper: there is no electronic signature to check.") if paper
                         else t("No electronically signed PDF is stored for this certificate."),
                         className="text-muted")]
    if not report.readable:
        return [html.Div(t("The file is damaged: it cannot be read as a PDF."), className="text-danger")]
    if not report.signed:
        return [html.Div(t("The file carries no electronic signature."), className="text-danger")]
    facts = [
        (report.intact and report.valid,
         t("The electronic signature is intact: the signed content has not been changed."),
         t("The electronic signature is broken: the file was changed after it was signed.")),
        (report.whole_file,
         t("The signature covers the whole file."),
         t("Content was added to the file after it was signed.")),
    ]
    if report.intact and report.valid:  # a broken signature says nothing about its signer: only the change is told
        facts.append((report.trusted,
                      t("The signing certificate belongs to a trusted issuing authority."),
                      t("The signing certificate is not issued by a trusted authority.")))
    lines = [html.Div(("✓ " if good else "✗ ") + (yes if good else no),
                      className="text-success" if good else "text-danger") for good, yes, no in facts]
    if report.signer:
        lines.append(html.Div(t("Signed by: {signer}", signer=report.signer), className="small text-muted"))
    if report.signed_at:
        lines.append(html.Div(t("Signed at: {moment}", moment=t.datetime(report.signed_at)),
                              className="small text-muted"))
    return lines


def certificate_card(t: Translator, c: PublicCertificate) -> html.Div:
    type_name = certificate_type_name(c.cert_type_code, c.type_name_zh, c.type_name_en, t.lang)
    rows = [
        _row(t("Certificate no."), c.certificate_no, "ver-number"),
        _row(t("Certificate"), type_name),
        _row(t("Issuing authority"), t.pick(c.authority_zh, c.authority_en)),
        _row(t("Place of issue"), c.issue_place),
        _row(t("Date of issue"), t.date(c.issue_date)),
        _row(t("Consignor"), t.pick(c.consignor_zh, c.consignor_en) or "—"),
        _row(t("Consignee"), t.pick(c.consignee_zh, c.consignee_en) or "—"),
        _row(t("Destination"), named(t, c.dest_country) or "—"),
    ]
    if c.replaces:
        rows.append(_row(t("Replaces certificate"), c.replaces))
    goods_head = html.Thead(html.Tr([html.Th(t("No.")), html.Th(t("Description of goods")), html.Th(t("HS code")),
                                     html.Th(t("Quantity")), html.Th(t("Weight")), html.Th(t("Packages"))]))
    goods = html.Tbody([html.Tr([
        html.Td(g.seq), html.Td(t.pick(g.description_zh, g.description_en)), html.Td(g.hs_code),
        html.Td(_amount(t, g.quantity, g.quantity_unit)), html.Td(_amount(t, g.weight, g.weight_unit)),
        html.Td(" ".join(x for x in (str(g.packages) if g.packages is not None else "", named(t, g.package_type))
                         if x)),
    ]) for g in c.goods])
    signature = signature_lines(t, c.signature, paper=c.signing_method == "paper")
    if c.pdf_sha256:
        signature.append(html.Div([t("SHA-256 of the issued PDF:"), " ", html.Code(c.pdf_sha256, id="ver-sha256")],
                                  className="small mt-1 text-break"))
    return html.Div([
        status_line(t, c),
        dbc.Table(html.Tbody(rows), bordered=False, size="sm", className="mb-3"),
        html.H6(t("Goods")),
        dbc.Table([goods_head, goods], size="sm", bordered=True, responsive=True, className="mb-3") if c.goods
        else html.P("—"),
        html.H6(t("Electronic signature")),
        html.Div(signature, id="ver-signature"),
    ])


def outcome_view(t: Translator, outcome: VerifyOutcome | None) -> html.Div:
    """The verification answer: the certificate, 'not found' (always the same words), or 'wait'."""
    if outcome is None:
        return dbc.Alert(t("Type the number and code above, open the address in the certificate's QR code, or check "
                           "a PDF file below."), color="light")
    if outcome.result == OK and outcome.certificate is not None:
        return certificate_card(t, outcome.certificate)
    if outcome.result == RATE_LIMITED:
        return dbc.Alert(t("Too many verification attempts from your address. Please wait {seconds} seconds and "
                           "try again.", seconds=outcome.retry_after), color="warning", id="ver-limited")
    return dbc.Alert([html.Strong(t("Not found.")), " ",
                      t("No certificate matches this number and verification code. Check the address in the QR "
                        "code, or ask the certificate's holder.")], color="danger", id="ver-not-found")


def upload_view(t: Translator, outcome: UploadOutcome | None, expected_no: str | None) -> html.Div | None:
    """The answer to an uploaded PDF: the issued one or not, and its signature."""
    if outcome is None:
        return None
    if outcome.result == RATE_LIMITED:
        return dbc.Alert(t("Too many verification attempts from your address. Please wait {seconds} seconds and "
                           "try again.", seconds=outcome.retry_after), color="warning")
    if outcome.result != OK:
        message = UPLOAD_PROBLEMS.get(outcome.result, UPLOAD_PROBLEMS["unreadable"])
        return dbc.Alert(t(message, mb=MAX_UPLOAD_BYTES // (1024 * 1024)), color="danger", id="ver-upload-problem")
    number = expected_no or outcome.claimed_no
    if outcome.issued:
        verdict = dbc.Alert(t("This file is byte for byte the issued PDF of certificate No. {number} ({status}).",
                              number=number, status=t(CERT_STATUS_LABELS.get(outcome.issued_status or "", "—"))),
                            color="success", id="ver-upload-verdict")
    elif number:
        verdict = dbc.Alert(t("This file is not the issued PDF of certificate No. {number}: its content differs.",
                              number=number), color="danger", id="ver-upload-verdict")
    else:
        verdict = dbc.Alert(t("This file does not name a certificate number, so it cannot be matched to an issued "
                              "certificate."), color="danger", id="ver-upload-verdict")
    lines = signature_lines(t, outcome.signature)
    if outcome.claimed_no and expected_no and outcome.claimed_no != expected_no:
        lines.append(html.Div(t("The file names certificate No. {number}.", number=outcome.claimed_no),
                              className="text-danger"))
    lines.append(html.Div([t("SHA-256 of this file:"), " ", html.Code(outcome.sha256)],
                          className="small mt-1 text-break"))
    return html.Div([verdict, html.Div(lines)])


def lookup_form(t: Translator, number: str | None) -> dbc.Card:
    """Verification of a paper certificate: its number and the short code printed beside its QR code."""
    return dbc.Card(dbc.CardBody([
        html.H5(t("Verify by number and code")),
        html.P(t("Type the certificate number and the verification code printed beside the QR code on the "
                 "certificate."), className="text-muted"),
        dbc.Row([
            dbc.Col([label_for(t("Certificate No."), ids.VER_TYPED_NUMBER),
                     dbc.Input(id=ids.VER_TYPED_NUMBER, value=number or "", maxLength=40, autoComplete="off")], md=5),
            dbc.Col([label_for(t("Verification code"), ids.VER_TYPED_CODE),
                     dbc.Input(id=ids.VER_TYPED_CODE, maxLength=16, placeholder="ABCD-EFGH", autoComplete="off",
                               n_submit=0)], md=4),
            dbc.Col(dbc.Button(t("Verify"), id=ids.VER_TYPED_SUBMIT, color="primary", n_clicks=0), md=3),
        ], className="g-2 align-items-end"),
    ]), className="mb-3 shadow-sm")


def typed_incomplete(t: Translator) -> dbc.Alert:
    return dbc.Alert(t("Type both the certificate number and the verification code."), color="warning",
                     id="ver-incomplete")


def verify_page(t: Translator, outcome: VerifyOutcome | None, verified_no: str | None,
                number: str | None = None) -> html.Div:
    upload = dcc.Upload(
        html.Div([t("Drop a certificate PDF here, or click to choose one.")], className="py-3"),
        id=ids.VER_UPLOAD, accept="application/pdf,.pdf", max_size=MAX_UPLOAD_BYTES, multiple=False,
        className="text-center text-muted", style={"border": "2px dashed #adb5bd", "borderRadius": "0.375rem",
                                                   "cursor": "pointer"},
    )
    return html.Div([
        page_header(t("Certificate verification"),
                    t("Check that an export inspection and quarantine certificate was issued by China Customs and "
                      "is still valid.")),
        lookup_form(t, number) if verified_no is None else None,
        dbc.Card(dbc.CardBody(html.Div(outcome_view(t, outcome), id=ids.VER_RESULT)), className="mb-3 shadow-sm"),
        dbc.Card(dbc.CardBody([
            html.H5(t("Check a PDF file")),
            html.P(t("Find out whether a PDF you received is exactly the issued certificate and whether its "
                     "electronic signature is intact. The file is checked and not kept."), className="text-muted"),
            upload,
            dcc.Loading(html.Div(id=ids.VER_UPLOAD_RESULT, className="mt-3")),
        ]), className="shadow-sm"),
        dcc.Store(id=ids.VER_CONTEXT, data={"certificate_no": verified_no}),
    ], style={"maxWidth": "60rem"}, className="mx-auto")
