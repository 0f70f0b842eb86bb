"""Server routes of public verification and the SPS XML export.

- `GET /verify/<number>?t=<token>`: the address in a certificate's QR code. Anyone may open it: the
  route serves the Dash page shell, and the page (layouts/certificates/verify.py, registered with a path
  template) asks the verification service. The shell is the same for every number.
- `GET /api/v1/verify/<number>?t=<token>`: the same answer as JSON; 404 for a wrong number or token
  (the same body either way), 429 when the address made too many attempts.
- `GET /api/v1/certificates/<number>/sps.xml`: the UN/CEFACT SPS XML of a certificate the signed-in
  user may see (data.certificates.issuing's scope: their enterprise or district, or shared with them).

Each endpoint is listed in dashboard/web/pages.py ROUTE_PERMISSIONS.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, abort, current_app, jsonify, request

from auth.session import current_actor, request_translator
from dashboard.runtime.certificates import current_issuer, verify
from dashboard.runtime.store import session_scope
from data.certificates.sps import certificate_sps_xml
from data.certificates.verification import NOT_FOUND, OK, RATE_LIMITED, PublicCertificate
from data.core.scope import AccessDenied, NotFound
from exports.certificate.sps_xml import NotExchangeable

PAGE_SHELL_ENDPOINT = "/"  # Dash's index view (the same page shell as every Dash page)
# the token is in the address: never sent to another site (this site gets it: the language switch returns here)
REFERRER_POLICY = "same-origin"


def public_json(c: PublicCertificate) -> dict:
    def coded(value):
        return None if value is None else {"code": value.code, "name_zh": value.name_zh, "name_en": value.name_en}

    report = c.signature
    return {
        "certificate_no": c.certificate_no,
        "status": c.status,
        "replaced_by": c.replaced_by,
        "replaces": c.replaces,
        "status_changed_at": c.status_changed_at.isoformat() if c.status_changed_at else None,
        "status_reason": c.status_reason,
        "certificate_type": {"code": c.cert_type_code, "name_zh": c.type_name_zh, "name_en": c.type_name_en},
        "issuing_authority": {"name_zh": c.authority_zh, "name_en": c.authority_en},
        "issue_place": c.issue_place,
        "issue_date": c.issue_date.isoformat(),
        "consignor": {"name_zh": c.consignor_zh, "name_en": c.consignor_en},
        "consignee": {"name_zh": c.consignee_zh, "name_en": c.consignee_en},
        "destination": coded(c.dest_country),
        "goods": [{"seq": g.seq, "description_zh": g.description_zh, "description_en": g.description_en,
                   "hs_code": g.hs_code, "quantity": g.quantity, "quantity_unit": coded(g.quantity_unit),
                   "weight": g.weight, "weight_unit": coded(g.weight_unit), "packages": g.packages,
                   "package_type": coded(g.package_type)} for g in c.goods],
        "signing_method": c.signing_method,
        "pdf_sha256": c.pdf_sha256,
        "signature": None if report is None else {
            "ok": report.ok, "intact": report.intact, "valid": report.valid, "trusted": report.trusted,
            "covers_whole_file": report.whole_file, "signer": report.signer,
            "signed_at": report.signed_at.isoformat() if report.signed_at else None},
    }


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_certificate_routes(server: Flask) -> None:
    @server.get("/verify/<certificate_no>", endpoint="verify_page")
    def verify_page(certificate_no: str):
        """The QR code's address: the Dash page shell; the page itself asks the verification service."""
        response = current_app.make_response(current_app.view_functions[PAGE_SHELL_ENDPOINT]())
        return _private(response)

    @server.get("/api/v1/verify/<certificate_no>", endpoint="verify_api")
    def verify_api(certificate_no: str):
        # t: the QR code's token; code: the short code printed beside it (either verifies)
        outcome = verify(certificate_no, request.args.get("t") or request.args.get("code", ""), "api")
        t = request_translator()
        if outcome.result == OK:
            response = jsonify({"result": OK, "certificate": public_json(outcome.certificate)})
        elif outcome.result == RATE_LIMITED:
            response = jsonify({"result": RATE_LIMITED, "retry_after": outcome.retry_after, "message": t(
                "Too many verification attempts from your address. Please wait {seconds} seconds and try again.",
                seconds=outcome.retry_after)})
            response.status_code = 429
            response.headers["Retry-After"] = str(outcome.retry_after)
        else:
            response = jsonify({"result": NOT_FOUND, "message": t(
                "No certificate matches this number and verification code. Check the address in the QR code, "
                "or ask the certificate's holder.")})
            response.status_code = 404
        return _private(response)

    @server.get("/api/v1/certificates/<certificate_no>/sps.xml", endpoint="certificate_sps_xml")
    def sps_xml(certificate_no: str):
        try:
            with session_scope() as s:
                xml = certificate_sps_xml(s, current_actor(), certificate_no, issuer=current_issuer())
        except (NotFound, AccessDenied):
            abort(404)
        except NotExchangeable as exc:  # an old certificate without an importing country or goods
            response = jsonify({"error": str(exc)})
            response.status_code = 409
            return response
        response = Response(xml, mimetype="application/xml")
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(certificate_no)}.sps.xml"
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
