"""Public verification of a certificate: number + token (the QR code) or number + verification code (typed
from a paper certificate: data.certificates.content.verification_code), no sign-in.

Rules:
- A wrong number and a wrong token are the same answer (`NOT_FOUND`): one indexed look-up by
  number, then a constant-time comparison of the token (against a dummy when the number is
  unknown), so neither the answer nor its timing tells which part was wrong.
- Every attempt counts against the client address (table `rate_limit`): by default 30 a minute and
  300 an hour, set by the system parameters `verify.per_minute` and `verify.per_hour`. A refused
  attempt still counts and is answered `RATE_LIMITED` with the seconds to wait.
- Every attempt is an Event (`cert.verify_ok`, `cert.verify_failed`, the first refusal of a window
  `cert.verify_limited`; uploads `cert.verify_upload`) with the number asked for and the client
  address, never the token.
- Only what the public may read is returned: status (with the replacing number or the withdrawal
  date, and the officer's reason, which the issuing page tells the officer is shown here), issuing
  authority, issue date, consignor and consignee names (no addresses), a goods summary, and the
  check of the stored signed PDF.

Callers commit the session even for refusals, so that the attempt is counted and logged.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.certificates.content import content_for_application, normalised_code, verification_code
from data.core.files import MAX_UPLOAD_BYTES, Upload, UploadProblem, check_upload
from data.core.rate_limit import Limit, hit, parameter_int
from data.models import Certificate, CertificateApplication, CertStatus, Event, SigningMethod
from exports.certificate.signature_check import SignatureReport, check_pdf_signature
from exports.types import Coded, Unit

OK, NOT_FOUND, RATE_LIMITED = "ok", "not_found", "rate_limited"
PER_MINUTE_PARAMETER, PER_HOUR_PARAMETER = "verify.per_minute", "verify.per_hour"
DEFAULT_PER_MINUTE, DEFAULT_PER_HOUR = 30, 300
MAX_NUMBER, MAX_TOKEN = 32, 128
PDF_ONLY = frozenset({"application/pdf"})
_DUMMY_TOKEN = "0" * 32  # compared with when the number is unknown: the same work either way

# The stored PDF of a certificate (data.certificates.issuing.stored_pdf with the deployment's issuer: demo
# certificates without one are rendered and signed on first request). Given by the caller, so that
# this module does not depend on the signing keys.
PdfSource = Callable[[Session, Certificate], bytes]


@dataclass(frozen=True)
class GoodsSummary:
    seq: int
    description_zh: str
    description_en: str
    hs_code: str
    quantity: str
    quantity_unit: Unit | None
    weight: str
    weight_unit: Unit | None
    packages: int | None
    package_type: Coded | None


@dataclass(frozen=True)
class PublicCertificate:
    """What anyone holding the number and token may read about a certificate."""

    certificate_no: str
    status: str  # valid | replaced | withdrawn
    replaced_by: str | None  # the certificate that replaces this one
    replaces: str | None  # the certificate this one replaces
    status_changed_at: datetime | None  # when replaced or withdrawn (aware, UTC)
    status_reason: str | None  # why it was replaced or withdrawn
    cert_type_code: str
    type_name_zh: str
    type_name_en: str
    authority_zh: str
    authority_en: str
    issue_place: str
    issue_date: date
    consignor_zh: str
    consignor_en: str
    consignee_zh: str
    consignee_en: str
    dest_country: Coded | None
    goods: tuple[GoodsSummary, ...]
    signing_method: str  # cloud | paper
    pdf_sha256: str | None
    signature: SignatureReport | None  # None: no electronically signed PDF (paper, or none stored)


@dataclass(frozen=True)
class VerifyOutcome:
    result: str  # OK | NOT_FOUND | RATE_LIMITED
    certificate: PublicCertificate | None = None
    retry_after: int = 0


@dataclass(frozen=True)
class UploadOutcome:
    result: str  # OK | RATE_LIMITED | the UploadProblem code (empty, too_large, bad_type, unreadable)
    sha256: str = ""
    claimed_no: str | None = None  # the number the file names
    issued: bool = False  # byte for byte the stored signed PDF of the certificate it names
    issued_status: str | None = None  # that certificate's status, when `issued`
    signature: SignatureReport | None = None
    retry_after: int = 0


def rate_limits(s: Session) -> tuple[Limit, ...]:
    """The verification limits per client address, from the system parameters."""
    return (Limit(parameter_int(s, PER_MINUTE_PARAMETER, DEFAULT_PER_MINUTE), 60),
            Limit(parameter_int(s, PER_HOUR_PARAMETER, DEFAULT_PER_HOUR), 3600))


def _limited(s: Session, client: str, channel: str, now: datetime) -> int:
    """Count the attempt; return 0 when allowed, else the seconds to wait (the first refusal is logged)."""
    decision = hit(s, f"verify:{client}", rate_limits(s), now)
    if not decision.allowed and decision.first_refusal:
        _log(s, "cert.verify_limited", None, client, channel, now, {})
    return decision.retry_after


def _log(s: Session, code: str, cert: Certificate | None, client: str, channel: str, now: datetime,
         details: dict) -> None:
    s.add(Event(code=code, actor_id=None, object_type="certificate",
                object_id=str(cert.id) if cert is not None else None,
                enterprise_id=cert.enterprise_id if cert is not None else None,
                district_code=cert.district_code if cert is not None else None, at=now,
                message="public verification",
                details={"client": client[:64], "channel": channel, **details}))


def _find(s: Session, number: str, secret: str) -> Certificate | None:
    """The certificate with this number and token (or short verification code), or None; the same work for
    either mistake."""
    cert = s.scalar(select(Certificate).where(Certificate.certificate_no == number))
    token = (cert.verify_token if cert is not None else None) or _DUMMY_TOKEN
    code = normalised_code(secret)
    if code is not None:  # a code is 8 characters; a token is 32 or more
        matches = secrets.compare_digest(code.encode(), verification_code(token).encode())
    else:
        matches = secrets.compare_digest(secret.encode(), token.encode())
    return cert if cert is not None and matches else None


def verify_certificate(s: Session, number: str, token: str, *, client: str, channel: str,
                       trust_roots: list, pdf_source: PdfSource | None = None,
                       now: datetime | None = None) -> VerifyOutcome:
    """Answer a verification request (page or API) for `number` with `token` (or the verification code) from
    `client`. The number is taken as people type it: spaces around it and inside it are dropped."""
    now = now or datetime.now(timezone.utc)
    number = "".join((number or "").split())[:MAX_NUMBER]
    token = (token or "").strip()[:MAX_TOKEN]
    wait = _limited(s, client, channel, now)
    if wait:
        return VerifyOutcome(RATE_LIMITED, retry_after=wait)
    cert = _find(s, number, token) if number and token else None
    if cert is None:
        _log(s, "cert.verify_failed", None, client, channel, now, {"certificate_no": number})
        return VerifyOutcome(NOT_FOUND)
    _log(s, "cert.verify_ok", cert, client, channel, now, {"certificate_no": cert.certificate_no})
    return VerifyOutcome(OK, public_certificate(s, cert, trust_roots=trust_roots, pdf_source=pdf_source))


def replaced_by(s: Session, cert: Certificate) -> str | None:
    """The number of the newest certificate that replaces `cert`, if any."""
    return s.scalar(select(Certificate.certificate_no).where(Certificate.replaces_id == cert.id)
                    .order_by(Certificate.id.desc()).limit(1))


def public_certificate(s: Session, cert: Certificate, *, trust_roots: list,
                       pdf_source: PdfSource | None = None) -> PublicCertificate:
    """The public view of a certificate already found by number and token."""
    content = content_for_application(s, s.get_one(CertificateApplication, cert.application_id), cert, verify_url="-")
    cloud = cert.signing_method == SigningMethod.CLOUD.value
    pdf = pdf_source(s, cert) if cloud and pdf_source is not None else None  # paper: nothing signed to check
    signature = check_pdf_signature(pdf, trust_roots) if pdf else None
    changed = cert.status_changed_at
    if changed is not None and changed.tzinfo is None:
        changed = changed.replace(tzinfo=timezone.utc)
    goods = tuple(GoodsSummary(g.seq, g.description_zh, g.description_en, g.hs_code, g.quantity, g.quantity_unit,
                               g.weight, g.weight_unit, g.packages, g.package_type) for g in content.goods)
    return PublicCertificate(
        certificate_no=cert.certificate_no, status=cert.status,
        replaced_by=replaced_by(s, cert) if cert.status == CertStatus.REPLACED.value else None,
        replaces=content.replaces_no,
        status_changed_at=changed if cert.status != CertStatus.VALID.value else None,
        status_reason=cert.status_reason if cert.status != CertStatus.VALID.value else None,
        cert_type_code=content.cert_type.code, type_name_zh=content.cert_type.name_zh,
        type_name_en=content.cert_type.name_en,
        authority_zh=content.authority.name_zh, authority_en=content.authority.name_en,
        issue_place=content.authority.issue_place, issue_date=cert.issue_date,
        consignor_zh=content.consignor.name_zh, consignor_en=content.consignor.name_en,
        consignee_zh=content.consignee.name_zh, consignee_en=content.consignee.name_en,
        dest_country=content.dest_country, goods=goods, signing_method=cert.signing_method,
        pdf_sha256=hashlib.sha256(pdf).hexdigest() if pdf else None, signature=signature)


def check_uploaded_pdf(s: Session, filename: str, content: bytes, *, client: str, trust_roots: list,
                       expected_no: str | None = None, now: datetime | None = None) -> UploadOutcome:
    """Tell whether an uploaded file is byte for byte an issued certificate PDF, and whether its signature holds.

    `expected_no` is the certificate the page was opened for (already verified with its token);
    without it, the number the file names is looked up. Either way only a file whose SHA-256 is
    the stored signed PDF's counts as the issued one.
    """
    now = now or datetime.now(timezone.utc)
    wait = _limited(s, client, "upload", now)
    if wait:
        return UploadOutcome(RATE_LIMITED, retry_after=wait)
    try:
        check_upload(Upload(filename, content), allowed=PDF_ONLY, max_bytes=MAX_UPLOAD_BYTES)
    except UploadProblem as problem:
        _log(s, "cert.verify_upload", None, client, "upload", now, {"refused": problem.code})
        return UploadOutcome(problem.code)
    digest = hashlib.sha256(content).hexdigest()
    report = check_pdf_signature(content, trust_roots)
    number = (expected_no or report.claimed_no or "")[:MAX_NUMBER]
    cert = s.scalar(select(Certificate).where(Certificate.certificate_no == number)) if number else None
    issued = cert is not None and cert.pdf_sha256 == digest
    _log(s, "cert.verify_upload", cert if issued else None, client, "upload", now,
         {"sha256": digest, "claimed_no": report.claimed_no, "issued": issued, "signature_ok": report.ok})
    return UploadOutcome(OK, digest, report.claimed_no, issued, cert.status if cert is not None and issued else None, report)
