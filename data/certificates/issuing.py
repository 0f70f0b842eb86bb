"""Issuing certificates (approved → issued), their PDFs, paper prints, replacement and withdrawal.

Issuing is one transaction (the caller's): the Certificate row is created, the PDF rendered without
the draft watermark (with the verification URL in its QR code), signed with the issuing district's
key (cloud) or left unsigned for ECIQ paper print, stored content-addressed, the application marked
issued and the receipts written. Anything that fails (render, signature, store, a concurrent
change) raises, and the caller's rollback leaves nothing half-issued.

Who issues, replaces, withdraws and prints: customs staff holding `certificate.sign` whose district
subtree holds the issuing district (the application's declared district). An administrator or an
enterprise role given the permission is still refused: these are acts of the issuing customs house.

Replacement and withdrawal rules (CHANGE_RULES below is the table the page and the report show):

1. The actor holds certificate.sign and is customs staff (else AccessDenied).
2. The certificate's issuing district is in the actor's district subtree; outside it the certificate
   does not exist for them (NotFound).
3. Only a valid certificate: a replaced or withdrawn one cannot be replaced or withdrawn again
   (withdrawal is final, a replaced certificate's successor is the one to change) (not_valid).
4. A reason is required, 4 to 1000 characters (reason_required, reason_too_short, reason_too_long).
5. Only within N days of the issue date: system parameter `certificate.change_days` (default 180,
   1–3650); later, a new application is needed (too_late).
6. A replacement is a NEW certificate of the same application, with a new number, naming the old one
   (replaces_id, printed on the PDF); the old one becomes `replaced` with reason and time; signed the
   same way as the old one unless the officer picks the other way.
7. Of two officers changing the same certificate at once exactly one wins; the other gets not_valid.

Demo certificates have no stored PDF (pdf_sha256 NULL): `certificate_pdf` renders and signs one on
its first request and stores it, so its signing time is that first request, not the issue date.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, NamedTuple

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from auth.permissions import Perm
from dashboard.core.clock import CHINA  # issue and received dates are China's calendar days
from dashboard.core.errors import ConfigError
from data.applications.workflow import (
    EVENT_MESSAGES,
    SIGN_PERMISSION,
    allowed_actions,
    change_reason,
    declaration_follows,
    load_application,
    next_certificate_no,
)
from data.certificates.content import content_for_application, verification_url
from data.certificates.keyring import Keyring, keyring_for
from data.core.db import rowcount
from data.core.files import store_blob
from data.core.paging import Page, clamp_paging
from data.core.scope import AccessDenied, Actor, NotFound, row_scope
from data.exchange.outbox import Delivery, deliveries, queue_change
from data.models import (
    AppStatus,
    Blob,
    Certificate,
    CertificateApplication,
    CertificateShare,
    CertificateType,
    CertStatus,
    CustomsDistrict,
    Declaration,
    Event,
    SigningMethod,
    SystemParameter,
    User,
    as_utc,
)
from data.reference.places import CITIES
from exports.certificate.pdf import render_certificate
from exports.certificate.signing import SigningDistrict, SigningFailed

PDF = "application/pdf"
VIEW_PERMISSIONS = (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, SIGN_PERMISSION, Perm.STATS_VIEW)
PORTAL_PERMISSION = Perm.OVERSEAS_PORTAL
MIN_REASON = 4
CHANGE_DAYS_PARAMETER = "certificate.change_days"
DEFAULT_CHANGE_DAYS = 180
MAX_BATCH = 1000  # applications signed by one batch job
MAX_PAGE_SIZE = 100


def issue_act(application_id: int, version: int, paper: bool) -> dict:
    """What a signer confirms before one certificate is issued: audited, and signed by the IC card when the
    signer confirms with it (auth.card_protocol.confirm_text)."""
    return {"act": "issue", "application_id": application_id, "version": version, "paper": paper}


def replace_act(certificate_no: str, paper: bool) -> dict:
    """What a signer confirms before a certificate is replaced by a new signed one."""
    return {"act": "replace", "certificate_no": certificate_no, "paper": paper}


def batch_act(targets: list[list[int]] | None, paper: bool) -> dict:
    """What a signer confirms before a batch is issued: the (application, version) pairs picked, or every approved
    application in scope (`targets` None); the pairs by their count and SHA-256, which the card signs in full."""
    if targets is None:
        return {"act": "issue_all", "paper": paper}
    listed = json.dumps([[int(a), int(v)] for a, v in targets], separators=(",", ":"))
    return {"act": "issue_batch", "count": len(targets), "applications_sha256": hashlib.sha256(listed.encode()).hexdigest(),
            "paper": paper}

CHANGE_RULES: tuple[tuple[str, str], ...] = (
    ("certificate.sign, customs staff", "AccessDenied"),
    ("issuing district inside the actor's district subtree", "NotFound"),
    ("the certificate is valid (replaced and withdrawn ones are final)", "not_valid"),
    ("a reason of 4 to 1000 characters", "reason_required / reason_too_short / reason_too_long"),
    (f"within {CHANGE_DAYS_PARAMETER} days of the issue date (default {DEFAULT_CHANGE_DAYS})", "too_late"),
)
REFUSALS = (
    "stale_version",  # the application changed since the officer saw it
    "bad_transition",  # not approved (or already issued)
    "number_taken",  # the number from approval already belongs to a certificate
    "no_signing_key",  # no readable key for the issuing district (configuration)
    "signing_failed",  # the signature could not be made
    "render_failed",  # the PDF could not be made
    "not_valid", "reason_required", "reason_too_short", "reason_too_long", "too_late",  # replace / withdraw
    "not_paper",  # only paper certificates are printed through the counter
)


class IssueRefused(ValueError):
    """An issue, replacement, withdrawal or print was refused; `code` is one of REFUSALS."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class Issuer:
    """What issuing needs from the deployment: the districts' signing keys and the public address."""

    keyring: Keyring
    public_url: str

    @classmethod
    def from_settings(cls, settings) -> "Issuer":
        """The deployment's issuer: its keyring (PKCS#12 folder or demo CA, cached per process) and public URL."""
        return cls(keyring_for(settings), settings.public_url)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def china_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(CHINA).date()


def _require_signer(actor: Actor) -> None:
    actor.require(SIGN_PERMISSION)
    if not actor.is_customs:
        raise AccessDenied(f"{SIGN_PERMISSION} is for customs staff")


def _in_district(actor: Actor, district_code: str) -> bool:
    return actor.is_customs and district_code in actor.district_codes


# --- issuing ------------------------------------------------------------------------------------


def issue(s: Session, actor: Actor, application_id: int, *, version: int, issuer: Issuer, paper: bool = False,
          now: datetime | None = None) -> Certificate:
    """Issue the approved application the officer saw at `version`: cloud-signed, or for paper print."""
    _require_signer(actor)
    now = _now(now)
    app = load_application(s, actor, application_id, for_update=True)
    if not _in_district(actor, app.district_code):
        raise NotFound(f"application {application_id}")
    if app.version != version:
        raise IssueRefused("stale_version")
    action = "issue_paper" if paper else "issue"
    if action not in allowed_actions(actor, app):
        raise IssueRefused("bad_transition", status=app.status)
    number = app.certificate_no or next_certificate_no(s, app.district_code, app.cert_type_code, now)
    if s.scalar(select(Certificate.id).where(Certificate.certificate_no == number)) is not None:
        raise IssueRefused("number_taken", number=number)
    method = SigningMethod.PAPER.value if paper else SigningMethod.CLOUD.value
    cert = _new_certificate(s, actor, app, number, method, now)
    app.certificate_no = number
    app.status = AppStatus.ISSUED.value
    try:
        s.flush()  # the application's UPDATE carries "WHERE version = <seen>"
    except StaleDataError:
        raise IssueRefused("stale_version") from None
    pdf = _store_pdf(s, app, cert, issuer, now)
    details = {"certificate_no": number, "signing_method": method, "application_id": app.id,
               "pdf_sha256": cert.pdf_sha256}
    _log(s, actor, "cert.issued", cert, now, f"{EVENT_MESSAGES['cert.issued']}：{number}", details)
    queue_change(s, cert, pdf, public_url=issuer.public_url, now=now)  # to the importing country, by the hub
    s.add(Event(code="app.issued", actor_id=actor.user_id, object_type="application", object_id=str(app.id),
                enterprise_id=app.enterprise_id, district_code=app.district_code, at=now,
                message=f"{EVENT_MESSAGES['app.issued']}：{number}",
                details={"reason": "", "status": app.status, **details}))
    declaration_follows(s, actor, app, "app.issued", now)
    return cert


def _new_certificate(s: Session, actor: Actor, app: CertificateApplication, number: str, method: str,
                     now: datetime, replaces: Certificate | None = None) -> Certificate:
    declaration = s.get(Declaration, app.declaration_id)  # the goods' value as declared, for the statistics
    cert = Certificate(
        certificate_no=number, serial=app.serial, application_id=app.id, enterprise_id=app.enterprise_id,
        district_code=app.district_code, cert_type_code=app.cert_type_code, entry_method=app.entry_method,
        dest_country=app.dest_country, issue_place=issue_place(s, app.district_code), issue_date=china_day(now),
        issued_at=now, received_date=china_day(app.submitted_at) if app.submitted_at else None,
        signing_method=method, print_count=0, verify_token=secrets.token_urlsafe(24),
        status=CertStatus.VALID.value, replaces_id=replaces.id if replaces else None, issued_by=actor.user_id,
        signed_at=now if method == SigningMethod.CLOUD.value else None,
        goods_value=declaration.total_value if declaration else None,
        currency=declaration.currency if declaration and declaration.total_value is not None else None)
    s.add(cert)
    try:
        s.flush()
    except IntegrityError as exc:
        # Another officer issued this certificate number a moment before. PostgreSQL makes the second
        # wait on the application's row lock and then finds its version changed; SQLite has no row locks,
        # so the second reaches the number's unique index instead. The answer is the same on both.
        if "certificate_no" not in str(exc.orig) and "uq_certificate" not in str(exc.orig):
            raise
        raise IssueRefused("stale_version") from None
    return cert


def issue_place(s: Session, district_code: str) -> str:
    """The place printed on the certificate: the district's city in Chinese and English (大连 DALIAN)."""
    if district_code in CITIES:
        return " ".join(CITIES[district_code])
    district = s.get(CustomsDistrict, district_code)
    return " ".join(x for x in (district.name_zh, (district.name_en or "").upper()) if x) if district else ""


def signing_district(s: Session, code: str) -> SigningDistrict:
    """The issuing district with its names and the codes above it (for the key and the certificate subject)."""
    district = s.get(CustomsDistrict, code)
    if district is None:
        return SigningDistrict(code, code, code)
    parents, seen, parent = [], {code}, district.parent_code
    while parent and parent not in seen:
        parents.append(parent)
        seen.add(parent)
        parent = s.scalar(select(CustomsDistrict.parent_code).where(CustomsDistrict.code == parent))
    return SigningDistrict(code, district.name_zh, district.name_en or "", tuple(parents))


def _render(s: Session, app: CertificateApplication, cert: Certificate, issuer: Issuer) -> bytes:
    content = content_for_application(s, app, cert, verify_url=verification_url(
        issuer.public_url, cert.certificate_no, cert.verify_token))
    try:
        return render_certificate(content, draft=False)
    except Exception as exc:  # noqa: BLE001 - any failure of the renderer refuses the issue as one kind
        raise IssueRefused("render_failed", error=exc.__class__.__name__) from exc


def _sign(s: Session, cert: Certificate, pdf: bytes, issuer: Issuer) -> bytes:
    district = signing_district(s, cert.district_code)
    try:
        return issuer.keyring.sign_pdf(
            pdf, district, reason=f"签发证书 Certificate issued: {cert.certificate_no}", location=cert.issue_place,
            signer_name=" ".join(x for x in (district.name_zh, district.name_en) if x))
    except ConfigError as exc:
        raise IssueRefused("no_signing_key", error=str(exc)) from exc
    except SigningFailed as exc:
        raise IssueRefused("signing_failed", error=str(exc)) from exc


def _store_pdf(s: Session, app: CertificateApplication, cert: Certificate, issuer: Issuer, now: datetime) -> bytes:
    """Render (and sign, for cloud) the certificate's PDF, store it and point the certificate at it."""
    if cert.signing_method == SigningMethod.CLOUD.value:
        cert.signed_at = now
    pdf = _render(s, app, cert, issuer)
    if cert.signing_method == SigningMethod.CLOUD.value:
        pdf = _sign(s, cert, pdf, issuer)
    cert.pdf_sha256 = store_blob(s, pdf, PDF)
    s.flush()
    return pdf


def _log(s: Session, actor: Actor, code: str, cert: Certificate, now: datetime, message: str,
         details: dict) -> None:
    s.add(Event(code=code, actor_id=actor.user_id, object_type="certificate", object_id=str(cert.id),
                enterprise_id=cert.enterprise_id, district_code=cert.district_code, at=now, message=message,
                details=details))


# --- the PDF of a certificate, and paper prints ---------------------------------------------------


def _load_certificate(s: Session, actor: Actor, certificate_no: str, *, for_update: bool = False) -> Certificate:
    """Return a certificate the actor may see: their scope, or (overseas users) one shared with them."""
    if not (any(actor.can(p) for p in VIEW_PERMISSIONS) or actor.can(PORTAL_PERMISSION)):
        raise AccessDenied(VIEW_PERMISSIONS[0])
    visible = [row_scope(actor, Certificate)]
    if actor.can(PORTAL_PERMISSION):
        visible.append(portal_visible(actor))
    stmt = select(Certificate).where(Certificate.certificate_no == str(certificate_no or "")[:32], or_(*visible))
    cert = s.scalar(stmt.with_for_update() if for_update else stmt)
    if cert is None:
        raise NotFound(f"certificate {certificate_no}")
    if actor.is_overseas:
        audit_portal_view(s, actor, cert.id, cert.certificate_no, cert.district_code, "file")
    return cert


def portal_visible(actor: Actor) -> ColumnElement[bool]:
    """The certificates an overseas user may open: those shared with them and, for the officials of an
    importing country's authority (Perm.OVERSEAS_COUNTRY), every certificate destined to their country."""
    shared = Certificate.id.in_(select(CertificateShare.certificate_id).where(CertificateShare.user_id == actor.user_id))
    if actor.can(Perm.OVERSEAS_COUNTRY) and actor.country:
        return or_(shared, Certificate.dest_country == actor.country)
    return shared


def audit_portal_view(s: Session, actor: Actor, certificate_id: int, certificate_no: str, district_code: str,
                      what: str) -> None:
    """An overseas user looked at a certificate (its page, or its file: PDF or XML): an audit line, not a receipt."""
    s.add(Event(code="portal.viewed", actor_id=actor.user_id, object_type="certificate_view",
                object_id=str(certificate_id), district_code=district_code, at=datetime.now(timezone.utc),
                message=f"海外端查看证书 Certificate viewed in the overseas portal: {certificate_no}",
                details={"certificate_no": certificate_no, "what": what, "country": actor.country}))


def stored_pdf(s: Session, cert: Certificate, issuer: Issuer, *, now: datetime | None = None) -> bytes:
    """The certificate's stored PDF; one without (demo data) is rendered, signed if cloud, and stored now.

    No access check: for callers that found the certificate through their own (verification by
    number and token, the scoped functions here).
    """
    if cert.pdf_sha256:
        blob = s.get(Blob, cert.pdf_sha256)
        if blob is not None:
            return blob.data
    locked = s.get_one(Certificate, cert.id, with_for_update=True, populate_existing=True)
    if locked.pdf_sha256:  # another request stored it meanwhile
        return s.get_one(Blob, locked.pdf_sha256).data
    app = s.get_one(CertificateApplication, locked.application_id)
    return _store_pdf(s, app, locked, issuer, _now(now))


def certificate_pdf(s: Session, actor: Actor, certificate_no: str, *, issuer: Issuer) -> bytes:
    """Return a certificate's PDF (signed for cloud, unsigned for paper) to anyone who may see it."""
    return stored_pdf(s, _load_certificate(s, actor, certificate_no), issuer)


def print_certificate(s: Session, actor: Actor, certificate_no: str, *, issuer: Issuer,
                      now: datetime | None = None) -> bytes:
    """Return a valid paper certificate's PDF for the ECIQ print and count the print."""
    now = _now(now)
    cert = _officers_certificate(s, actor, certificate_no)
    if cert.signing_method != SigningMethod.PAPER.value:
        raise IssueRefused("not_paper")
    if cert.status != CertStatus.VALID.value:
        raise IssueRefused("not_valid", status=cert.status)
    pdf = stored_pdf(s, cert, issuer, now=now)
    count = s.scalar(update(Certificate).where(Certificate.id == cert.id)
                     .values(print_count=Certificate.print_count + 1).returning(Certificate.print_count))
    _log(s, actor, "cert.printed", cert, now, f"证书已打印（第 {count} 次）：{cert.certificate_no}",
         {"certificate_no": cert.certificate_no, "print_count": count})
    return pdf


# --- replacement and withdrawal -----------------------------------------------------------------


def change_refusal(s: Session, actor: Actor, cert: Certificate, *, now: datetime | None = None) -> str | None:
    """Why the actor may not replace or withdraw this certificate now (None: they may); rules 1-3 and 5."""
    if not actor.can(SIGN_PERMISSION) or not _in_district(actor, cert.district_code):
        return "not_allowed"
    if cert.status != CertStatus.VALID.value:
        return "not_valid"
    if china_day(_now(now)) > cert.issue_date + timedelta(days=change_days(s)):
        return "too_late"
    return None


def change_days(s: Session) -> int:
    """Days after the issue date during which a certificate may be replaced or withdrawn (rule 5)."""
    stored = s.get(SystemParameter, CHANGE_DAYS_PARAMETER)
    text = (stored.value if stored else "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 3650 else DEFAULT_CHANGE_DAYS


def _officers_certificate(s: Session, actor: Actor, certificate_no: str) -> Certificate:
    """Lock a certificate of the signing officer's districts (rules 1 and 2); any other is not found."""
    _require_signer(actor)
    cert = _load_certificate(s, actor, certificate_no, for_update=True)
    if not _in_district(actor, cert.district_code):
        raise NotFound(f"certificate {certificate_no}")
    return cert


def _checked_change(s: Session, actor: Actor, certificate_no: str, reason: str | None, now: datetime
                    ) -> tuple[Certificate, str]:
    cert = _officers_certificate(s, actor, certificate_no)
    refusal = change_refusal(s, actor, cert, now=now)
    if refusal:
        raise IssueRefused(refusal, status=cert.status)
    reason, refusal = change_reason(reason, required=True, shortest=MIN_REASON)
    if refusal:
        raise IssueRefused(refusal)
    return cert, reason


def check_change(s: Session, actor: Actor, certificate_no: str, reason: str | None, now: datetime | None = None) -> str:
    """Raise IssueRefused unless this officer may replace or withdraw the certificate now with this reason; return
    the reason as it would be stored. The certificate page asks before the signer confirms a replacement."""
    return _checked_change(s, actor, certificate_no, reason, _now(now))[1]


def _retire(s: Session, cert: Certificate, status: str, reason: str, now: datetime) -> None:
    """Move a valid certificate to `status`; of two officers doing so at once exactly one wins."""
    changed = rowcount(s.execute(update(Certificate).where(Certificate.id == cert.id,
                                                           Certificate.status == CertStatus.VALID.value)
                                 .values(status=status, status_reason=reason, status_changed_at=now)
                                 .execution_options(synchronize_session=False)))
    if changed != 1:
        raise IssueRefused("not_valid")
    s.refresh(cert)


def _queue_retired(s: Session, cert: Certificate, issuer: Issuer | None, now: datetime) -> None:
    """Tell the importing country, through the hub, that a certificate it received is void."""
    blob = s.get(Blob, cert.pdf_sha256) if cert.pdf_sha256 else None
    if blob is not None:  # a certificate without a stored PDF was never sent anywhere
        queue_change(s, cert, blob.data, public_url=issuer.public_url if issuer else None, now=now)


def withdraw_certificate(s: Session, actor: Actor, certificate_no: str, *, reason: str | None,
                         issuer: Issuer | None = None, now: datetime | None = None) -> Certificate:
    """Withdraw a valid certificate for good; verification shows it as withdrawn, and so does the hub."""
    now = _now(now)
    cert, reason = _checked_change(s, actor, certificate_no, reason, now)
    _retire(s, cert, CertStatus.WITHDRAWN.value, reason, now)
    _log(s, actor, "cert.withdrawn", cert, now, f"{EVENT_MESSAGES['cert.withdrawn']}：{reason}",
         {"certificate_no": cert.certificate_no, "reason": reason})
    _queue_retired(s, cert, issuer, now)
    return cert


def replace_certificate(s: Session, actor: Actor, certificate_no: str, *, reason: str | None, issuer: Issuer,
                        paper: bool | None = None, now: datetime | None = None) -> Certificate:
    """Replace a valid certificate by a new one of the same application, with a new number naming the old."""
    now = _now(now)
    old, reason = _checked_change(s, actor, certificate_no, reason, now)
    _retire(s, old, CertStatus.REPLACED.value, reason, now)
    app = s.get_one(CertificateApplication, old.application_id, with_for_update=True)
    method = old.signing_method if paper is None else (SigningMethod.PAPER.value if paper
                                                       else SigningMethod.CLOUD.value)
    number = next_certificate_no(s, old.district_code, old.cert_type_code, now)
    new = _new_certificate(s, actor, app, number, method, now, replaces=old)
    app.certificate_no = number  # the application's current certificate
    s.flush()
    pdf = _store_pdf(s, app, new, issuer, now)
    _log(s, actor, "cert.replaced", old, now, f"{EVENT_MESSAGES['cert.replaced']}：{reason}",
         {"certificate_no": old.certificate_no, "reason": reason, "replaced_by": number})
    _log(s, actor, "cert.issued", new, now, f"{EVENT_MESSAGES['cert.issued']}：{number}",
         {"certificate_no": number, "signing_method": method, "application_id": app.id,
          "replaces": old.certificate_no, "reason": reason, "pdf_sha256": new.pdf_sha256})
    _queue_retired(s, old, issuer, now)  # the importing country learns the old one is void, then gets the new
    queue_change(s, new, pdf, public_url=issuer.public_url, now=now)
    return new


# --- what the certificate page shows ------------------------------------------------------------


class ChainLink(NamedTuple):
    certificate_no: str
    status: str
    issue_date: date


class HistoryEntry(NamedTuple):
    at: datetime
    code: str
    message: str
    actor: str
    reason: str | None
    details: dict = {}  # the event's values (numbers), for other languages; never mutated


@dataclass(frozen=True)
class CertificateView:
    id: int
    certificate_no: str
    serial: str
    status: str
    status_reason: str | None
    status_changed_at: datetime | None
    cert_type_zh: str
    cert_type_en: str
    district_code: str
    district_zh: str
    district_en: str
    issue_place: str
    issue_date: date
    issued_at: datetime
    received_date: date | None
    signing_method: str
    signed_at: datetime | None
    print_count: int
    entry_method: str
    dest_country: str | None
    application_id: int
    inspection_no: str | None
    consignor: str
    consignee: str
    issued_by: str
    verify_url: str
    replaces: ChainLink | None
    replaced_by: tuple[ChainLink, ...]
    history: tuple[HistoryEntry, ...]
    change_refusal: str | None  # None: the actor may replace or withdraw it now
    may_print: bool  # a valid paper certificate and an officer of its district
    deliveries: tuple[Delivery, ...]  # its envelopes to the ePhyto Hub, oldest first


def certificate_view(s: Session, actor: Actor, certificate_no: str, *, public_url: str,
                     now: datetime | None = None) -> CertificateView:
    """Return one certificate with its chain, history and what the actor may do with it."""
    cert = _load_certificate(s, actor, certificate_no)
    app = s.get_one(CertificateApplication, cert.application_id)
    decl = s.get(Declaration, app.declaration_id)
    ctype = s.get_one(CertificateType, cert.cert_type_code)
    district = s.get(CustomsDistrict, cert.district_code)
    officer = s.get(User, cert.issued_by) if cert.issued_by else None

    def link(c: Certificate) -> ChainLink:
        return ChainLink(c.certificate_no, c.status, c.issue_date)

    replaces = s.get(Certificate, cert.replaces_id) if cert.replaces_id else None
    successors = tuple(link(c) for c in s.scalars(select(Certificate).where(Certificate.replaces_id == cert.id)
                                                  .order_by(Certificate.id)))
    names: dict[int, str] = dict(s.execute(select(User.id, User.real_name).join(
        Event, Event.actor_id == User.id).where(Event.object_type == "certificate",
                                                Event.object_id == str(cert.id))).tuples().all())
    history = tuple(HistoryEntry(as_utc(e.at), e.code, e.message, names.get(e.actor_id, "") if e.actor_id else "",
                                 (e.details or {}).get("reason") or None, dict(e.details or {}))
                    for e in s.scalars(select(Event).where(Event.object_type == "certificate",
                                                           Event.object_id == str(cert.id))
                                       .order_by(Event.at, Event.id)))
    may_sign = actor.can(SIGN_PERMISSION) and _in_district(actor, cert.district_code)
    return CertificateView(
        cert.id, cert.certificate_no, cert.serial, cert.status, cert.status_reason, as_utc(cert.status_changed_at),
        ctype.name_zh, ctype.name_en, cert.district_code, district.name_zh if district else "",
        district.name_en if district else "", cert.issue_place, cert.issue_date, as_utc(cert.issued_at),
        cert.received_date, cert.signing_method, as_utc(cert.signed_at), cert.print_count, cert.entry_method,
        cert.dest_country, app.id, decl.inspection_no if decl else None,
        _both(decl.consignor_zh, decl.consignor_en) if decl else "",
        _both(decl.consignee_zh, decl.consignee_en) if decl else "",
        officer.real_name if officer else "",
        verification_url(public_url, cert.certificate_no, cert.verify_token),
        link(replaces) if replaces else None, successors, history,
        change_refusal(s, actor, cert, now=now) if may_sign else "not_allowed",
        may_sign and cert.signing_method == SigningMethod.PAPER.value and cert.status == CertStatus.VALID.value,
        deliveries(s, cert.id),
    )


def _both(zh: str | None, other: str | None) -> str:
    return " / ".join(x for x in (zh, other) if x)


# --- batch signing ------------------------------------------------------------------------------


class IssuableRow(NamedTuple):
    id: int
    version: int
    certificate_no: str | None
    inspection_no: str | None
    consignor: str
    cert_type_zh: str
    cert_type_en: str
    district_code: str
    approved_at: datetime | None


def _issuable(actor: Actor):
    A = CertificateApplication
    return (A.status == AppStatus.APPROVED.value, row_scope(actor, A),
            A.district_code.in_(sorted(actor.district_codes)))


def issuable_applications(s: Session, actor: Actor, page: int = 0, page_size: int = 25) -> Page[IssuableRow]:
    """One page of the approved, not yet issued applications of the officer's districts, oldest approval first."""
    _require_signer(actor)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    A, D = CertificateApplication, Declaration
    total = s.scalar(select(func.count()).select_from(A).where(*_issuable(actor))) or 0
    rows = s.execute(
        select(A.id, A.version, A.certificate_no, D.inspection_no, D.consignor_zh, D.consignor_en,
               CertificateType.name_zh, CertificateType.name_en, A.district_code, A.approved_at)
        .join(D, D.id == A.declaration_id).join(CertificateType, CertificateType.code == A.cert_type_code)
        .where(*_issuable(actor)).order_by(A.approved_at, A.id).offset(page * page_size).limit(page_size))
    return Page([IssuableRow(r[0], r[1], r[2], r[3], _both(r[4], r[5]), r[6], r[7], r[8], as_utc(r[9]))
                 for r in rows], total, page, page_size)


def all_issuable(s: Session, actor: Actor, limit: int = MAX_BATCH) -> list[tuple[int, int]]:
    """(id, version) of every application the officer could issue now, oldest approval first."""
    _require_signer(actor)
    A = CertificateApplication
    return [tuple(r) for r in s.execute(select(A.id, A.version).where(*_issuable(actor))
                                        .order_by(A.approved_at, A.id).limit(limit))]


@dataclass(frozen=True)
class BatchResult:
    issued: tuple[str, ...]  # certificate numbers
    failed: tuple[tuple[int, str], ...]  # (application id, refusal code)


def issue_batch(s: Session, actor: Actor, targets: Iterable[tuple[int, int]], *, issuer: Issuer,
                paper: bool = False, progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Issue each (application id, version seen) in its own transaction: a failure undoes only its own.

    Commits `s` after every certificate (and rolls back after every failure), so a job stopped
    halfway keeps what it issued. `progress(done, total)` is called after each one.
    """
    _require_signer(actor)
    targets = list(dict.fromkeys((int(a), int(v)) for a, v in targets))[:MAX_BATCH]
    issued, failed = [], []
    for done, (application_id, version) in enumerate(targets, 1):
        try:
            cert = issue(s, actor, application_id, version=version, issuer=issuer, paper=paper)
            number = cert.certificate_no
            s.commit()
            issued.append(number)
        except (IssueRefused, NotFound, AccessDenied) as exc:
            s.rollback()
            failed.append((application_id, getattr(exc, "code", "not_found" if isinstance(exc, NotFound)
                                                   else "not_allowed")))
        except Exception:  # noqa: BLE001 - one certificate's failure (a lost connection ...) must not stop the rest
            s.rollback()
            failed.append((application_id, "failed"))
        if progress is not None:
            progress(done, len(targets))
    return BatchResult(tuple(issued), tuple(failed))
