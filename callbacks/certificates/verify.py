"""Public verification page glue: verify the number and token of the address, check an uploaded PDF."""
from __future__ import annotations

from dash import Input, Output, State

from auth.guard import PUBLIC
from callbacks.page import PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.certificates import client_address, trust_roots, verify
from data.certificates.verification import OK, UploadOutcome, check_uploaded_pdf
from data.core.files import UploadProblem, decode_data_url
from data.core.scope import Actor
from layouts.certificates import ids
from layouts.certificates.verify import outcome_view, typed_incomplete, upload_view, verify_page


def render(actor: Actor | None, tr: Translator, certificate_no: str | None = None, **query):
    """The page; `certificate_no` comes from the path (/verify/<number>), the token from `?t=`."""
    # the translator is not called `t`: the token arrives as the query parameter t
    if not certificate_no:
        return verify_page(tr, None, None)
    token = str(query.get("t") or "")
    if not token:  # the address typed without the QR code's token: the number waits for its code
        return verify_page(tr, None, None, number=str(certificate_no))
    outcome = verify(str(certificate_no), token, "page")
    verified = outcome.certificate.certificate_no if outcome.result == OK and outcome.certificate else None
    return verify_page(tr, outcome, verified)  # not found never repeats the number asked for


PAGE = PageSpec(
    "verify", "/verify", N_("Certificate verification"), PUBLIC, ids.VER, render, in_menu=False,
    path_template="/verify/<certificate_no>", order=380)


@page_callback(output={"result": Output(ids.VER_RESULT, "children"), "context": Output(ids.VER_CONTEXT, "data")},
               inputs={"clicks": Input(ids.VER_TYPED_SUBMIT, "n_clicks"), "submits": Input(ids.VER_TYPED_CODE, "n_submit"),
                       "number": State(ids.VER_TYPED_NUMBER, "value"), "code": State(ids.VER_TYPED_CODE, "value")},
               prevent_initial_call=True)
def verify_typed(r: PageRequest, clicks, submits, number, code):
    """A paper certificate's number and verification code, typed: the same checks and limits as the QR code."""
    number = number.strip() if isinstance(number, str) else ""
    code = code.strip() if isinstance(code, str) else ""
    if not number or not code:
        return {"result": typed_incomplete(r.t), "context": {"certificate_no": None}}
    outcome = verify(number, code, "page")
    verified = outcome.certificate.certificate_no if outcome.result == OK and outcome.certificate else None
    return {"result": outcome_view(r.t, outcome), "context": {"certificate_no": verified}}


@page_callback(output=Output(ids.VER_UPLOAD_RESULT, "children"),
               inputs={"contents": Input(ids.VER_UPLOAD, "contents"), "filename": State(ids.VER_UPLOAD, "filename"),
                       "context": State(ids.VER_CONTEXT, "data")},
               prevent_initial_call=True)
def check_upload(r: PageRequest, contents, filename, context):
    expected = context.get("certificate_no") if isinstance(context, dict) else None
    expected = expected if isinstance(expected, str) and expected else None
    try:
        content = decode_data_url(contents)
    except UploadProblem as problem:
        return upload_view(r.t, UploadOutcome(problem.code), expected)
    outcome = check_uploaded_pdf(r.s, str(filename or "certificate.pdf"), content, client=client_address(),
                                 trust_roots=trust_roots(), expected_no=expected)
    return upload_view(r.t, outcome, expected)
