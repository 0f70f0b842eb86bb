"""Overseas users (Liaoning manual 5.7): kept by their enterprise's administrator; they see only the
certificates the enterprise shares with them, in the overseas portal, in their own language."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from typing import Annotated

from pydantic import ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from auth.passwords import hash_password, password_problem
from auth.permissions import Perm
from data.accounts.registration import ACCOUNT_RE, EMAIL_RE
from data.certificates.issuing import audit_portal_view, portal_visible
from data.core.forms import (
    AnyText,
    ExactText,
    Form,
    Invalid,
    Required,
    exact_text,
    limit,
    matching,
    needed,
    one_of,
    text_of,
    validated,
)
from data.core.scope import Actor, NotFound
from data.models import (
    Blob,
    Certificate,
    CertificateShare,
    CertificateType,
    CustomsDistrict,
    DictEntry,
    Event,
    Role,
    SigningMethod,
    User,
    as_utc,
)
from exports.certificate.signature_check import SignatureReport, check_pdf_signature

OVERSEAS_LANGUAGES = ("en", "ru", "ja", "ko", "vi", "zh")


class OverseasUserInvalid(Invalid):
    """The overseas user form has errors: field name -> reason code."""


@dataclass(frozen=True)
class OverseasUserForm:
    account: str = ""
    real_name: str = ""
    organisation: str = ""
    country: str = ""
    language: str = "en"
    email: str = ""
    password: str = ""
    password_confirm: str = ""


@dataclass(frozen=True)
class OverseasUserRow:
    id: int
    account: str
    real_name: str
    organisation: str | None
    country: str | None
    language: str
    email: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None


def _own_user(s: Session, actor: Actor, user_id: int) -> User:
    """Return one of the actor's enterprise's overseas users; anything else is 'not found'."""
    enterprise_id = actor.own_enterprise(Perm.ENTERPRISE_MANAGE)
    user = s.get(User, user_id, with_for_update=True)
    if (user is None or user.enterprise_id != enterprise_id or user.role != Role.OVERSEAS.value
            or user.deleted_at is not None):
        raise NotFound(f"overseas user {user_id}")
    return user


def list_overseas_users(s: Session, actor: Actor) -> list[OverseasUserRow]:
    """Return the enterprise's overseas users, by account."""
    enterprise_id = actor.own_enterprise(Perm.ENTERPRISE_MANAGE)
    users = s.scalars(select(User).where(User.enterprise_id == enterprise_id, User.role == Role.OVERSEAS.value,
                                         User.deleted_at.is_(None)).order_by(User.account))
    return [OverseasUserRow(u.id, u.account, u.real_name, u.organisation, u.country, u.language, u.email, u.active,
                            u.created_at, u.last_login_at) for u in users]


class OverseasUserRules(Form):
    """An overseas user's own rules (the context says whether it is being created: then a password is
    needed); the account taken and the country are checked against the store."""

    model_config = ConfigDict(extra="ignore")

    account: AnyText = ""  # fixed once created
    real_name: Annotated[Required, limit(64)] = ""
    organisation: Annotated[Required, limit(128)] = ""
    language: Annotated[AnyText, one_of(OVERSEAS_LANGUAGES, "choose_language"), needed("choose_language")] = ""
    email: Annotated[AnyText, limit(128), matching(EMAIL_RE, "email_format")] = ""
    password: ExactText = ""
    password_confirm: ExactText = ""

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        password = exact_text(values, "password")
        if not (context.get("creating") or password):
            return {}
        reason = password_problem(password, text_of(values, "account"))
        if reason:
            return {"password": reason}
        return {"password_confirm": "password_mismatch"} if password != exact_text(values, "password_confirm") else {}


class NewOverseasUserRules(OverseasUserRules):
    account: Annotated[Required, matching(ACCOUNT_RE, "account_format")] = ""


def _problems(s: Session, form: OverseasUserForm, *, creating: bool) -> dict[str, str]:
    _, errors = validated(NewOverseasUserRules if creating else OverseasUserRules, asdict(form),
                          {"creating": creating})
    account = form.account.strip()
    if creating and "account" not in errors and s.scalar(select(User.id).where(
            func.lower(User.account) == account.lower())):
        errors["account"] = "account_taken"
    if not s.scalar(select(DictEntry.code).where(DictEntry.dictionary == "country",
                                                 DictEntry.code == form.country, DictEntry.active.is_(True))):
        errors["country"] = "choose_country"
    return errors


def create_overseas_user(s: Session, actor: Actor, form: OverseasUserForm, *,
                         now: datetime | None = None) -> User:
    """Create an overseas user of the actor's enterprise, or raise OverseasUserInvalid."""
    enterprise_id = actor.own_enterprise(Perm.ENTERPRISE_MANAGE)
    errors = _problems(s, form, creating=True)
    if errors:
        raise OverseasUserInvalid(errors)
    now = now or datetime.now(timezone.utc)
    user = User(account=form.account.strip().lower(), password_hash=hash_password(form.password),
                real_name=form.real_name.strip(), organisation=form.organisation.strip(), country=form.country,
                language=form.language, email=form.email.strip() or None, role=Role.OVERSEAS.value,
                enterprise_id=enterprise_id, created_by=actor.user_id, created_at=now, active=True)
    s.add(user)
    s.flush()
    _log(s, actor, user, "enterprise.overseas_created", {}, now)
    return user


def update_overseas_user(s: Session, actor: Actor, user_id: int, form: OverseasUserForm, *,
                         now: datetime | None = None) -> User:
    """Change an overseas user's details (and password, when one is given)."""
    user = _own_user(s, actor, user_id)
    errors = _problems(s, OverseasUserForm(**{**form.__dict__, "account": user.account}), creating=False)
    if errors:
        raise OverseasUserInvalid(errors)
    before = {"real_name": user.real_name, "organisation": user.organisation, "country": user.country,
              "language": user.language, "email": user.email}
    user.real_name, user.organisation = form.real_name.strip(), form.organisation.strip()
    user.country, user.language, user.email = form.country, form.language, form.email.strip() or None
    if form.password:
        user.password_hash = hash_password(form.password)
        user.session_version = (user.session_version or 1) + 1
    after = {k: getattr(user, k) for k in before}
    _log(s, actor, user, "enterprise.overseas_updated",
         {"before": before, "after": after, "password_changed": bool(form.password)}, now)
    return user


def set_overseas_active(s: Session, actor: Actor, user_id: int, active: bool, *, now: datetime | None = None) -> None:
    """Enable or disable an overseas user; disabling signs them out at once."""
    user = _own_user(s, actor, user_id)
    user.active = active
    if not active:
        user.session_version = (user.session_version or 1) + 1
    _log(s, actor, user, "enterprise.overseas_enabled" if active else "enterprise.overseas_disabled", {}, now)


def delete_overseas_user(s: Session, actor: Actor, user_id: int, *, now: datetime | None = None) -> None:
    """Delete an overseas user: they can no longer sign in; their history and account name are kept."""
    now = now or datetime.now(timezone.utc)
    user = _own_user(s, actor, user_id)
    user.active = False
    user.deleted_at = now
    user.session_version = (user.session_version or 1) + 1
    s.execute(delete(CertificateShare).where(CertificateShare.user_id == user.id))
    _log(s, actor, user, "enterprise.overseas_deleted", {}, now)


def _log(s: Session, actor: Actor, user: User, code: str, details: dict, now: datetime | None) -> None:
    s.add(Event(code=code, actor_id=actor.user_id, object_type="user", object_id=str(user.id),
                enterprise_id=user.enterprise_id, at=now or datetime.now(timezone.utc),
                message=f"overseas user {user.account}", details=details))


# --- the overseas portal ------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedCertificate:
    certificate_no: str
    type_name_zh: str
    type_name_en: str
    issue_date: date
    status: str
    district_zh: str
    district_en: str
    dest_country: str | None
    cert_type_code: str = ""
    replaces_no: str | None = None  # the certificate this one replaces
    replaced_by: str | None = None  # the certificate that replaces this one
    status_changed_at: datetime | None = None  # when replaced or withdrawn


def _shared(actor: Actor):
    """The shared certificates' columns, with the certificates they replace and are replaced by."""
    replaced = aliased(Certificate)
    successor = aliased(Certificate)
    replaced_by = (select(successor.certificate_no).where(successor.replaces_id == Certificate.id)
                   .order_by(successor.id.desc()).limit(1).scalar_subquery())
    return (
        select(Certificate.certificate_no, CertificateType.name_zh, CertificateType.name_en, Certificate.issue_date,
               Certificate.status, CustomsDistrict.name_zh, CustomsDistrict.name_en, Certificate.dest_country,
               Certificate.cert_type_code, replaced.certificate_no, replaced_by, Certificate.status_changed_at)
        .join(CertificateType, CertificateType.code == Certificate.cert_type_code)
        .join(CustomsDistrict, CustomsDistrict.code == Certificate.district_code)
        .outerjoin(replaced, replaced.id == Certificate.replaces_id)
        .where(portal_visible(actor))
    )


def _row(r) -> SharedCertificate:
    number, type_zh, type_en, issued, status, district_zh, district_en, dest, type_code, replaces, replaced_by, changed = r
    return SharedCertificate(number, type_zh, type_en, issued, status, district_zh, district_en, dest, type_code, replaces,
                             replaced_by, as_utc(changed))


def shared_certificates(s: Session, actor: Actor, number: str = "", limit: int = 50) -> list[SharedCertificate]:
    """Return the certificates this overseas user may open (shared with them; for an authority, every one for
    their country), optionally those whose number contains `number`."""
    actor.require(Perm.OVERSEAS_PORTAL)
    stmt = _shared(actor)
    number = (number or "").strip()[:32]
    if number:
        stmt = stmt.where(Certificate.certificate_no.contains(number, autoescape=True))
    rows = s.execute(stmt.order_by(Certificate.issue_date.desc(), Certificate.certificate_no).limit(limit))
    return [_row(r) for r in rows]


def shared_certificate(s: Session, actor: Actor, certificate_no: str) -> SharedCertificate:
    """Return one certificate this overseas user may open, by its exact number (the view is audited); NotFound
    otherwise."""
    actor.require(Perm.OVERSEAS_PORTAL)
    row = s.execute(_shared(actor).add_columns(Certificate.id, Certificate.district_code)
                    .where(Certificate.certificate_no == str(certificate_no or "")[:32])).first()
    if row is None:
        raise NotFound(f"certificate {certificate_no}")
    audit_portal_view(s, actor, row[-2], row[0], row[-1], "page")
    return _row(row[:-2])


def share_certificate(s: Session, actor: Actor, certificate_id: int, user_id: int, *,
                      now: datetime | None = None) -> None:
    """Share one of the enterprise's certificates with one of its overseas users."""
    user = _own_user(s, actor, user_id)
    cert = s.get(Certificate, certificate_id)
    if cert is None or cert.enterprise_id != actor.enterprise_id:
        raise NotFound(f"certificate {certificate_id}")
    if s.get(CertificateShare, (certificate_id, user.id)) is None:
        s.add(CertificateShare(certificate_id=certificate_id, user_id=user.id, shared_by=actor.user_id,
                               shared_at=now or datetime.now(timezone.utc)))
        _log(s, actor, user, "enterprise.certificate_shared", {"certificate_no": cert.certificate_no}, now)


def country_options(s: Session) -> list[tuple[str, str, str]]:
    """Return (code, Chinese name, English name) of the active countries, by code."""
    return [tuple(r) for r in s.execute(
        select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
        .where(DictEntry.dictionary == "country", DictEntry.active.is_(True)).order_by(DictEntry.code))]


def portal_signature(s: Session, actor: Actor, certificate_no: str, trust_roots: list) -> SignatureReport | None:
    """The signature check of a certificate the overseas user may open (None: no signed PDF is stored, as for a
    paper certificate); NotFound when it is not theirs to open."""
    actor.require(Perm.OVERSEAS_PORTAL)
    row = s.execute(select(Certificate.signing_method, Certificate.pdf_sha256).where(
        Certificate.certificate_no == str(certificate_no or "")[:32], portal_visible(actor))).first()
    if row is None:
        raise NotFound(f"certificate {certificate_no}")
    method, digest = row
    blob = s.get(Blob, digest) if digest and method == SigningMethod.CLOUD.value else None
    return check_pdf_signature(blob.data, trust_roots) if blob is not None else None
