"""Public verification page glue: verify the number and token of the address, check an uploaded PDF."""
from __future__ import annotations

from dash import Input, Output, State, callback

from auth.guard import PUBLIC
from auth.session import request_translator
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.certificates import client_address, trust_roots, verify
from dashboard.runtime.store import session_scope
from data.certificates.verification import OK, UploadOutcome, check_uploaded_pdf
from data.core.files import UploadProblem, decode_data_url
from data.core.scope import Actor
from layouts.certificates import ids
from layouts.certificates.verify import upload_view, verify_page


def render(actor: Actor | None, tr: Translator, certificate_no: str | None = None, **query):
    """The page; `certificate_no` comes from the path (/verify/<number>), the token from `?t=`."""
    # the translator is not called `t`: the token arrives as the query parameter t
    if not certificate_no:
        return verify_page(tr, None, None)
    outcome = verify(str(certificate_no), str(query.get("t") or ""), "page")
    verified = outcome.certificate.certificate_no if outcome.result == OK and outcome.certificate else None
    return verify_page(tr, outcome, verified)


PAGE = PageSpec(
    "verify", "/verify", N_("Certificate verification"), PUBLIC, ids.VER, render, in_menu=False,
    path_template="/verify/<certificate_no>", order=380)


@callback(Output(ids.VER_UPLOAD_RESULT, "children"), Input(ids.VER_UPLOAD, "contents"),
          State(ids.VER_UPLOAD, "filename"), State(ids.VER_CONTEXT, "data"), prevent_initial_call=True)
def check_upload(contents, filename, context):
    t = request_translator()
    expected = (context or {}).get("certificate_no") if isinstance(context, dict) else None
    expected = expected if isinstance(expected, str) and expected else None
    try:
        content = decode_data_url(contents)
    except UploadProblem as problem:
        return upload_view(t, UploadOutcome(problem.code), expected)
    with session_scope() as s:
        outcome = check_uploaded_pdf(s, str(filename or "certificate.pdf"), content, client=client_address(),
                                     trust_roots=trust_roots(), expected_no=expected)
    return upload_view(t, outcome, expected)
