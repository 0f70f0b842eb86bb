"""Enterprise registration (Hebei single-window manual 2.3) and its review by administrators.

Validation happens here, on the server, for every field; the page only shows the reasons next to
the fields. A registration is written in one transaction (enterprise, contacts, scans, its
administrator account, the acknowledgement e-mail) or not at all.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auth.passwords import hash_password, password_problem
from auth.permissions import Perm
from data.core.files import Upload, UploadProblem, check_upload, safe_filename, store_blob
from data.core.forms import (
    AnyText,
    ExactText,
    Form,
    Invalid,
    Required,
    checked_by,
    exact_text,
    limit,
    matching,
    needed,
    one_of,
    problem,
    text_of,
    validated,
)
from data.core.mail import queue_mail
from data.core.rate_limit import note, recent
from data.core.scope import Actor, NotFound
from data.models import (
    Blob,
    CustomsDistrict,
    Enterprise,
    EnterpriseAttachment,
    EnterpriseContact,
    Event,
    Role,
    User,
    as_utc,
)
from data.reference.codes import credit_code_problem, format_org_code, id_card_problem, normalise_code, org_code_problem

ACCOUNT_RE = re.compile(r"^[A-Za-z0-9_]{6,12}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{5,32}$")
POSTCODE_RE = re.compile(r"^\d{6}$")
TEN_CHARS_RE = re.compile(r"^[0-9A-Z]{10}$")

KINDS = ("uscc", "org_code")  # 三证合一企业 | 非三证合一
ENTITY_TYPES = ("forwarder", "ship_agent", "broker", "owner")  # 货代 船代 报关行 货主
CONTACT_POSITIONS = ("legal_representative", "general_manager", "finance")
CONTACT_FIELDS = ("name", "id_type", "id_number", "phone", "fax", "mobile", "email")
ID_TYPES = ("id_card", "passport", "other")
ATTACHMENT_KINDS = ("credit_certificate", "business_licence", "org_code_certificate", "customs_registration",
                    "inspection_registration", "other")
REQUIRED_ATTACHMENTS = {
    "uscc": ("credit_certificate",),
    "org_code": ("business_licence", "org_code_certificate"),
}
PROFILE_FIELDS = ("tax_registration_no", "business_registration_no", "bank", "bank_account", "eport_card_no",
                  "registered_capital", "foreign_trade_code", "border_code", "port_code", "forex_code",
                  "enterprise_kind", "business_scope")
REVIEW_PROMISE_WORKING_DAYS = 2
REGISTRATIONS_PER_ADDRESS_HOUR = 3


@dataclass
class RegistrationInput:
    """What the registration form sends; every value is untrusted text."""

    kind: str = "uscc"
    fields: dict[str, str] = field(default_factory=dict)
    entity_types: list[str] = field(default_factory=list)
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)  # position -> field -> value
    attachments: dict[str, Upload] = field(default_factory=dict)  # kind -> upload

    def value(self, name: str) -> str:
        return (self.fields.get(name) or "").strip()


class RegistrationInvalid(Invalid):
    """The form has errors: field name -> reason code (see layouts/accounts/register.py for the messages)."""


class ReviewError(ValueError):
    """A review action that cannot be done; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _ten_characters(code: str) -> str | None:
    return None if TEN_CHARS_RE.match(normalise_code(code)) else "ten_characters"


def _entity_types(value: Any) -> list[str]:
    chosen = value if isinstance(value, list) else []
    if not chosen or set(chosen) - set(ENTITY_TYPES):
        raise problem("choose_entity_type")
    return chosen


Phone = Annotated[AnyText, matching(PHONE_RE, "phone_format")]
Email = Annotated[AnyText, limit(128), matching(EMAIL_RE, "email_format")]
Profile = Annotated[AnyText, limit(256)]  # kept in the enterprise's profile (JSON)


class RegistrationFields(Form):
    """The registration form's own rules; its identifier by kind (UsccFields, OrgCodeFields), the contacts
    (ContactRow) and the attachments beside it; an identifier or account already registered is checked
    against the store."""

    model_config = ConfigDict(extra="ignore")

    province: Annotated[Required, limit(32)] = ""
    city: Annotated[Required, limit(32)] = ""
    name_zh: Annotated[Required, limit(128)] = ""
    name_en: Annotated[AnyText, limit(256)] = ""
    short_name: Annotated[AnyText, limit(64)] = ""
    address_zh: Annotated[Required, limit(256)] = ""
    postcode: Annotated[AnyText, matching(POSTCODE_RE, "postcode_format")] = ""
    customs_code: Annotated[AnyText, checked_by(_ten_characters)] = ""
    ciq_code: Annotated[AnyText, checked_by(_ten_characters)] = ""
    entity_types: Annotated[list[str], BeforeValidator(_entity_types)] = []
    tax_registration_no: Profile = ""
    business_registration_no: Profile = ""
    bank: Profile = ""
    bank_account: Profile = ""
    eport_card_no: Profile = ""
    registered_capital: Profile = ""
    foreign_trade_code: Profile = ""
    border_code: Profile = ""
    port_code: Profile = ""
    forex_code: Profile = ""
    enterprise_kind: Profile = ""
    business_scope: Annotated[AnyText, limit(1000)] = ""  # the page offers 1,000 characters
    # the enterprise administrator's account
    account: Annotated[Required, matching(ACCOUNT_RE, "account_format")] = ""
    password: Annotated[ExactText, needed()] = ""
    password_confirm: Annotated[ExactText, needed()] = ""
    real_name: Annotated[Required, limit(64)] = ""
    job_title: Annotated[AnyText, limit(64)] = ""
    email: Annotated[Required, limit(128), matching(EMAIL_RE, "email_format")] = ""
    phone: Annotated[Required, matching(PHONE_RE, "phone_format")] = ""
    mobile: Annotated[Required, matching(PHONE_RE, "phone_format")] = ""
    fax: Annotated[Required, matching(PHONE_RE, "phone_format")] = ""
    customs_declarant_no: Annotated[AnyText, limit(32)] = ""
    inspection_declarant_no: Annotated[AnyText, limit(32)] = ""

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        password = exact_text(values, "password")
        if not password or "password" in found:
            return {}
        reason = password_problem(password, text_of(values, "account"))
        if reason:
            return {"password": reason}
        return {"password_confirm": "password_mismatch"} if password != exact_text(values, "password_confirm") else {}


class UsccFields(RegistrationFields):
    """三证合一: the unified social credit code."""

    credit_code: Annotated[Required, checked_by(credit_code_problem)] = ""


class OrgCodeFields(RegistrationFields):
    """非三证合一: the organisation code."""

    org_code: Annotated[Required, checked_by(org_code_problem)] = ""


class ContactRow(Form):
    """One of the enterprise's contacts (legal representative, general manager, finance)."""

    model_config = ConfigDict(extra="ignore")

    name: Annotated[AnyText, limit(64)] = ""
    id_type: Annotated[AnyText, one_of(ID_TYPES, "choose_id_type")] = ""
    id_number: Annotated[AnyText, limit(32)] = ""
    phone: Phone = ""
    fax: Phone = ""
    mobile: Phone = ""
    email: Email = ""

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        number = text_of(values, "id_number")
        if number and "id_number" not in found and text_of(values, "id_type") in ("", "id_card"):
            reason = id_card_problem(number)  # a Chinese identity card number has its check digit
            return {"id_number": reason} if reason else {}
        return {}


FIELDS_OF_KIND: dict[str, type[RegistrationFields]] = {"uscc": UsccFields, "org_code": OrgCodeFields}


@functools.cache
def required_fields(kind: str) -> tuple[str, ...]:
    """The fields a registration of this kind must fill (the page marks them), as its form declares them."""
    _, found = validated(FIELDS_OF_KIND[kind], {})
    return tuple(name for name, reason in found.items() if reason == "required")


def validate_registration(s: Session, form: RegistrationInput) -> dict[str, str]:
    """Return every problem of the form, keyed by field name (empty when it can be submitted)."""
    kind = form.kind if form.kind in KINDS else None
    if kind is None:
        return {"kind": "choose_kind"}
    _, errors = validated(FIELDS_OF_KIND[kind], {**form.fields, "entity_types": form.entity_types})
    if kind == "uscc" and "credit_code" not in errors and s.scalar(select(Enterprise.id).where(
            Enterprise.credit_code == normalise_code(form.value("credit_code")), Enterprise.status != "rejected")):
        errors["credit_code"] = "credit_registered"
    if kind == "org_code" and "org_code" not in errors and s.scalar(select(Enterprise.id).where(
            Enterprise.org_code == format_org_code(form.value("org_code")), Enterprise.status != "rejected")):
        errors["org_code"] = "org_registered"
    account = form.value("account")
    if "account" not in errors and s.scalar(select(User.id).where(func.lower(User.account) == account.lower())):
        errors["account"] = "account_taken"
    for position in CONTACT_POSITIONS:
        _, found = validated(ContactRow, form.contacts.get(position, {}))
        errors.update({f"contacts.{position}.{name}": reason for name, reason in found.items()})
    errors.update(_attachment_problems(kind, form))
    return errors


def _attachment_problems(kind: str, form: RegistrationInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in REQUIRED_ATTACHMENTS[kind]:
        if name not in form.attachments:
            errors[f"attachment.{name}"] = "attachment_required"
    for name, upload in form.attachments.items():
        if name not in ATTACHMENT_KINDS:
            errors[f"attachment.{name}"] = "bad_attachment_kind"
            continue
        try:
            check_upload(upload)
        except UploadProblem as exc:
            errors[f"attachment.{name}"] = f"file_{exc.code}"
    return errors


def submit_registration(s: Session, form: RegistrationInput, *, now: datetime | None = None,
                        remote_addr: str | None = None) -> Enterprise:
    """Validate and store a registration with its administrator account, or raise RegistrationInvalid.

    One client address may submit REGISTRATIONS_PER_ADDRESS_HOUR registrations an hour (sliding): a
    real enterprise registers once; a script filling the review queue waits.
    """
    now = now or datetime.now(timezone.utc)
    from_here = f"register-from:{remote_addr or '-'}"
    if recent(s, from_here, timedelta(hours=1), now) >= REGISTRATIONS_PER_ADDRESS_HOUR:
        raise RegistrationInvalid({"registration": "too_many_registrations"})
    errors = validate_registration(s, form)
    if errors:
        raise RegistrationInvalid(errors)
    note(s, from_here, timedelta(hours=1), now)
    v = form.value
    enterprise = Enterprise(
        registration_kind=form.kind,
        credit_code=normalise_code(v("credit_code")) if form.kind == "uscc" else None,
        org_code=(format_org_code(v("credit_code")[8:17]) if form.kind == "uscc"
                  else format_org_code(v("org_code"))),
        name_zh=v("name_zh"), name_en=v("name_en") or None, short_name=v("short_name") or None,
        address_zh=v("address_zh"), province=v("province"), city=v("city"), postcode=v("postcode") or None,
        customs_code=normalise_code(v("customs_code")) or None, ciq_code=normalise_code(v("ciq_code")) or None,
        entity_types=sorted(set(form.entity_types), key=ENTITY_TYPES.index),
        profile={k: v(k) for k in PROFILE_FIELDS if v(k)},
        status="pending", submitted_at=now, contact_name=v("real_name"), contact_phone=v("phone"),
        email=v("email"),
    )
    legal = form.contacts.get("legal_representative", {})
    enterprise.legal_representative = (legal.get("name") or "").strip() or None
    s.add(enterprise)
    s.flush()
    for position in CONTACT_POSITIONS:
        row = {k: (form.contacts.get(position, {}).get(k) or "").strip() or None for k in CONTACT_FIELDS}
        if any(row.values()):
            s.add(EnterpriseContact(enterprise_id=enterprise.id, position=position, **row))
    for kind, upload in form.attachments.items():
        digest = store_blob(s, upload.content, check_upload(upload))
        s.add(EnterpriseAttachment(enterprise_id=enterprise.id, kind=kind, filename=safe_filename(upload.filename),
                                   blob_sha256=digest, uploaded_at=now))
    admin = User(
        account=v("account").lower(), password_hash=hash_password(form.fields["password"]), real_name=v("real_name"),
        email=v("email"), phone=v("phone"), mobile=v("mobile"), fax=v("fax"), job_title=v("job_title") or None,
        customs_declarant_no=v("customs_declarant_no") or None,
        inspection_declarant_no=v("inspection_declarant_no") or None,
        role=Role.ENTERPRISE_ADMIN.value, enterprise_id=enterprise.id, language="zh", active=True, created_at=now,
    )
    s.add(admin)
    s.flush()
    s.add(Event(code="registration.submitted", actor_id=admin.id, object_type="enterprise",
                object_id=str(enterprise.id), enterprise_id=enterprise.id, at=now,
                message=f"registration of {enterprise.name_zh}", details={"addr": remote_addr, "kind": form.kind}))
    queue_mail(s, admin.email or "", "注册申请已收到 / Registration received",
               f"{enterprise.name_zh}：\n\n您的单一窗口注册申请已收到，"
               f"我们将在 {REVIEW_PROMISE_WORKING_DAYS} 个工作日内完成审核，"
               f"结果将发送到此邮箱。\n账号：{admin.account}\n\n"
               f"Your registration has been received. It will be reviewed within {REVIEW_PROMISE_WORKING_DAYS} "
               f"working days and the result sent to this address.\nAccount: {admin.account}\n")
    return enterprise


# --- review -------------------------------------------------------------------------------------


def working_days_between(start: date, end: date) -> int:
    """Count the working days (Monday to Friday) after `start` up to and including `end`."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for i in range(1, rest + 1):
        if (start + timedelta(days=i)).weekday() < 5:
            count += 1
    return count


@dataclass(frozen=True)
class PendingRegistration:
    enterprise_id: int
    name_zh: str
    kind: str
    identifier: str
    account: str
    submitted_at: datetime
    working_days_waiting: int

    @property
    def overdue(self) -> bool:
        return self.working_days_waiting > REVIEW_PROMISE_WORKING_DAYS


def pending_registrations(s: Session, actor: Actor, now: datetime | None = None) -> list[PendingRegistration]:
    """Return registrations waiting for review, oldest first, with their age in working days."""
    actor.require(Perm.ADMIN_REGISTRATIONS)
    now = now or datetime.now(timezone.utc)
    rows = s.execute(
        select(Enterprise, User.account)
        .join(User, (User.enterprise_id == Enterprise.id) & (User.role == Role.ENTERPRISE_ADMIN.value))
        .where(Enterprise.status == "pending")
        .order_by(Enterprise.submitted_at, Enterprise.id)
    ).all()
    result = []
    for ent, account in rows:
        submitted = as_utc(ent.submitted_at or ent.created_at)
        result.append(PendingRegistration(
            ent.id, ent.name_zh, ent.registration_kind, ent.credit_code or ent.org_code or "", account, submitted,
            working_days_between(submitted.date(), now.date()),
        ))
    return result


def registration_detail(s: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    """Return a registration with contacts and attachments for review."""
    actor.require(Perm.ADMIN_REGISTRATIONS)
    enterprise = s.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"enterprise {enterprise_id}")
    return enterprise


def approve_registration(s: Session, actor: Actor, enterprise_id: int, *, district_code: str,
                         now: datetime | None = None) -> Enterprise:
    """Approve a pending registration under its competent customs district and tell the applicant."""
    actor.require(Perm.ADMIN_REGISTRATIONS)
    now = now or datetime.now(timezone.utc)
    enterprise = _pending(s, enterprise_id)
    district = s.get(CustomsDistrict, district_code) if district_code else None
    if district is None or not district.active:  # a retired district takes no new enterprises
        raise ReviewError("district_required")
    enterprise.status = "approved"
    enterprise.district_code = district_code
    enterprise.reviewed_at = now
    enterprise.reviewed_by = actor.user_id
    enterprise.review_comment = None
    _log_review(s, actor, enterprise, "registration.approved", "", now)
    for admin in _enterprise_admins(s, enterprise.id):
        queue_mail(s, admin.email or "", "注册审核通过 / Registration approved",
                   f"{enterprise.name_zh}：\n\n您的注册申请已审核通过，现在可以使用账号 {admin.account} 登录。\n\n"
                   f"Your registration has been approved. You can now sign in with the account {admin.account}.\n")
    return enterprise


def reject_registration(s: Session, actor: Actor, enterprise_id: int, *, reason: str,
                        now: datetime | None = None) -> Enterprise:
    """Reject a pending registration with a reason the applicant receives by e-mail."""
    actor.require(Perm.ADMIN_REGISTRATIONS)
    now = now or datetime.now(timezone.utc)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("reason_required")
    if len(reason) > 1000:
        raise ReviewError("reason_too_long")
    enterprise = _pending(s, enterprise_id)
    enterprise.status = "rejected"
    enterprise.reviewed_at = now
    enterprise.reviewed_by = actor.user_id
    enterprise.review_comment = reason
    _log_review(s, actor, enterprise, "registration.rejected", reason, now)
    for admin in _enterprise_admins(s, enterprise.id):
        queue_mail(s, admin.email or "", "注册审核未通过 / Registration not approved",
                   f"{enterprise.name_zh}：\n\n您的注册申请未通过审核，原因：{reason}\n请修改后重新注册。\n\n"
                   f"Your registration was not approved. Reason: {reason}\nPlease correct it and register again.\n")
    return enterprise


def _pending(s: Session, enterprise_id: int) -> Enterprise:
    enterprise = s.get(Enterprise, enterprise_id, with_for_update=True)
    if enterprise is None:
        raise NotFound(f"enterprise {enterprise_id}")
    if enterprise.status != "pending":
        raise ReviewError("already_decided")
    return enterprise


def _enterprise_admins(s: Session, enterprise_id: int) -> list[User]:
    return list(s.scalars(select(User).where(User.enterprise_id == enterprise_id,
                                             User.role == Role.ENTERPRISE_ADMIN.value, User.email.is_not(None))))


def _log_review(s: Session, actor: Actor, enterprise: Enterprise, code: str, reason: str, now: datetime) -> None:
    s.add(Event(code=code, actor_id=actor.user_id, object_type="enterprise", object_id=str(enterprise.id),
                enterprise_id=enterprise.id, district_code=enterprise.district_code, at=now,
                message=reason or code, details={"status": enterprise.status}))


@dataclass(frozen=True)
class StoredFile:
    filename: str
    media_type: str
    content: bytes


def registration_attachment(s: Session, actor: Actor, attachment_id: int) -> StoredFile:
    """Return a registration scan for the reviewing administrator."""
    actor.require(Perm.ADMIN_REGISTRATIONS)
    row = s.execute(
        select(EnterpriseAttachment.filename, Blob.media_type, Blob.data)
        .join(Blob, Blob.sha256 == EnterpriseAttachment.blob_sha256)
        .where(EnterpriseAttachment.id == attachment_id)
    ).first()
    if row is None:
        raise NotFound(f"attachment {attachment_id}")
    return StoredFile(*row)


def review_districts(s: Session, actor: Actor) -> list[tuple[str, str, str]]:
    """Return (code, Chinese name, English name) of the active districts an approval can name."""
    actor.require(Perm.ADMIN_REGISTRATIONS)
    return [tuple(r) for r in s.execute(
        select(CustomsDistrict.code, CustomsDistrict.name_zh, CustomsDistrict.name_en)
        .where(CustomsDistrict.active.is_(True)).order_by(CustomsDistrict.code))]
