"""User administration (Liaoning manual 5.2.3): search, create, edit, reset password, lock, deactivate.

Every change is written with its audit event (data.core.audit.record_change) in the caller's
transaction. Users are read and changed within the actor's row scope (a system administrator's
is everything). Two guards keep the system administrable: nobody locks or deactivates
themselves, and no change may leave no active, unlocked user whose role holds `admin.roles`.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated

from pydantic import ConfigDict, ValidationInfo, field_validator
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from auth.passwords import hash_password, password_problem
from auth.permissions import Perm
from data.accounts.overseas import OVERSEAS_LANGUAGES
from data.accounts.registration import EMAIL_RE, PHONE_RE
from data.accounts.roles import role_permissions
from data.accounts.signin import ACCOUNT_RE, request_password_reset
from data.admin.rules import (
    AdminInvalid,
    AdminRefused,
    end_sessions,
    ensure_an_administrator_remains,
    in_actor_scope,
    lock_administrators,
    organisation_problems,
)
from data.core.audit import record_change
from data.core.forms import (
    AnyText,
    ExactText,
    Form,
    Required,
    exact_text,
    limit,
    matching,
    problem,
    text_of,
    validated,
)
from data.core.like import contains_pattern
from data.core.paging import Page, clamp_paging
from data.core.scope import Actor, NotFound, district_subtree, role_kind, row_scope
from data.models import (
    CustomsDistrict,
    DictEntry,
    Enterprise,
    Event,
    PasswordResetToken,
    Role,
    RoleDef,
    User,
    as_utc,
)

PERMISSION = Perm.ADMIN_USERS
MAX_PAGE_SIZE = 200
USER_STATUSES = ("active", "locked", "deactivated", "deleted")
UI_LANGUAGES = ("zh", "en")  # the whole UI speaks these (dashboard.core.i18n.LANGUAGES); overseas users more
LOCK_HOURS = (1, 24, 24 * 7, 24 * 30)  # the lock durations an administrator may choose
TIMELINE_LIMIT = 200
# the fields of a user shown in the audit trail (never the password hash)
AUDITED = ("account", "real_name", "role", "district_code", "enterprise_id", "email", "phone", "mobile", "language",
           "job_title", "organisation", "country", "active", "locked_until", "deleted_at")


@dataclass(frozen=True)
class UserFilter:
    text: str = ""  # account or name contains
    status: str = ""  # one of USER_STATUSES, or "" for all
    district_code: str = ""  # this district and those below it
    enterprise_id: int | None = None
    role: str = ""
    created_from: date | None = None
    created_to: date | None = None


@dataclass(frozen=True)
class UserRow:
    id: int
    account: str
    real_name: str
    role: str
    role_zh: str
    role_en: str
    status: str
    district_code: str | None
    district_zh: str | None
    district_en: str | None
    enterprise_id: int | None
    enterprise_zh: str | None
    enterprise_en: str | None
    email: str | None
    created_at: datetime
    last_login_at: datetime | None
    locked_until: datetime | None


@dataclass(frozen=True)
class UserForm:
    """What the create and edit forms send; the account is fixed once created."""

    account: str = ""
    real_name: str = ""
    role: str = ""
    district_code: str = ""
    enterprise_id: int | None = None
    email: str = ""
    phone: str = ""
    mobile: str = ""
    language: str = "zh"
    job_title: str = ""
    organisation: str = ""  # overseas users: their authority or firm
    country: str = ""  # overseas users
    password: str = ""  # empty on creation: an e-mailed link lets the user choose one
    password_confirm: str = ""


@dataclass(frozen=True)
class UserDetail:
    id: int
    form: UserForm  # the stored values, as the edit form shows them (no password)
    kind: str | None
    status: str
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None
    deleted_at: datetime | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    code: str
    actor_account: str | None
    by_user: bool  # the user acted (True) or was acted upon (False)
    message: str
    details: dict


def user_status(user: User, now: datetime) -> str:
    """Return the user's status: deleted, deactivated, locked or active."""
    if user.deleted_at is not None:
        return "deleted"
    if not user.active:
        return "deactivated"
    locked = as_utc(user.locked_until)
    return "locked" if locked and locked > now else "active"


def _status_clause(status: str, now: datetime):
    not_locked = or_(User.locked_until.is_(None), User.locked_until <= now)
    return {
        "deleted": User.deleted_at.is_not(None),
        "deactivated": and_(User.deleted_at.is_(None), User.active.is_(False)),
        "locked": and_(User.deleted_at.is_(None), User.active.is_(True), User.locked_until > now),
        "active": and_(User.deleted_at.is_(None), User.active.is_(True), not_locked),
    }.get(status)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def search_users(s: Session, actor: Actor, f: UserFilter, page: int = 0, page_size: int = 25, *,
                 now: datetime | None = None) -> Page[UserRow]:
    """Return one page of the users in the actor's scope matching the filter, by account."""
    actor.require(PERMISSION)
    now = now or datetime.now(timezone.utc)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    district = aliased(CustomsDistrict)
    stmt = (select(User, RoleDef.name_zh, RoleDef.name_en, district.name_zh, district.name_en, Enterprise.name_zh,
                   Enterprise.name_en)
            .join(RoleDef, RoleDef.code == User.role)
            .outerjoin(district, district.code == User.district_code)
            .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
            .where(row_scope(actor, User)))
    text = f.text.strip()[:64].lower()
    if text:
        pattern = contains_pattern(text)
        stmt = stmt.where(or_(func.lower(User.account).like(pattern, escape="\\"),
                              func.lower(User.real_name).like(pattern, escape="\\")))
    clause = _status_clause(f.status, now)
    if clause is not None:
        stmt = stmt.where(clause)
    if f.district_code:
        stmt = stmt.where(User.district_code.in_(sorted(district_subtree(s, f.district_code)) or [f.district_code]))
    if f.enterprise_id is not None:
        stmt = stmt.where(User.enterprise_id == f.enterprise_id)
    if f.role:
        stmt = stmt.where(User.role == f.role)
    if f.created_from:
        stmt = stmt.where(User.created_at >= _start_of(f.created_from))
    if f.created_to:
        stmt = stmt.where(User.created_at < _start_of(f.created_to + timedelta(days=1)))
    total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = s.execute(stmt.order_by(User.account).offset(page * page_size).limit(page_size))
    return Page([UserRow(u.id, u.account, u.real_name, u.role, rzh, ren, user_status(u, now), u.district_code, dzh,
                         den, u.enterprise_id, ezh, een, u.email, u.created_at, u.last_login_at,
                         as_utc(u.locked_until))
                 for u, rzh, ren, dzh, den, ezh, een in rows], total, page, page_size)




def _load(s: Session, actor: Actor, user_id: int, *, for_update: bool = True) -> User:
    """Return a user inside the actor's scope; anything else is 'not found'."""
    actor.require(PERMISSION)
    stmt = select(User).where(User.id == user_id, row_scope(actor, User))
    user = s.scalar(stmt.with_for_update() if for_update else stmt)
    if user is None:
        raise NotFound(f"user {user_id}")
    return user


def _snapshot(user: User) -> dict:
    return {name: getattr(user, name) for name in AUDITED}


def _form_of(user: User) -> UserForm:
    return UserForm(account=user.account, real_name=user.real_name, role=user.role,
                    district_code=user.district_code or "", enterprise_id=user.enterprise_id, email=user.email or "",
                    phone=user.phone or "", mobile=user.mobile or "", language=user.language,
                    job_title=user.job_title or "", organisation=user.organisation or "", country=user.country or "")


def user_detail(s: Session, actor: Actor, user_id: int, *, now: datetime | None = None) -> UserDetail:
    """Return one user of the actor's scope, as the edit form shows it."""
    user = _load(s, actor, user_id, for_update=False)
    now = now or datetime.now(timezone.utc)
    return UserDetail(user.id, _form_of(user), role_kind(s, user.role), user_status(user, now),
                      as_utc(user.locked_until), user.created_at, user.last_login_at, user.deleted_at)


class UserRules(Form):
    """The user form's own rules. The validation context gives `kind`, the chosen role's kind (overseas
    users need an organisation and speak more languages), and `creating`; what depends on the store
    (the account taken, the role, the organisation, the actor's scope, the country) is checked beside it."""

    model_config = ConfigDict(extra="ignore")  # the organisation fields: checked against the store

    account: AnyText = ""  # fixed once created
    role: Required = ""  # a role of the store, in the actor's scope: checked beside the form
    real_name: Annotated[Required, limit(64)] = ""
    job_title: Annotated[AnyText, limit(64)] = ""
    email: Annotated[AnyText, limit(128), matching(EMAIL_RE, "email_format")] = ""
    phone: Annotated[AnyText, matching(PHONE_RE, "phone_format")] = ""
    mobile: Annotated[AnyText, matching(PHONE_RE, "phone_format")] = ""
    language: AnyText = ""
    organisation: Annotated[AnyText, limit(128)] = ""
    password: ExactText = ""
    password_confirm: ExactText = ""

    @field_validator("language")
    @classmethod
    def _spoken(cls, language: str, info: ValidationInfo) -> str:
        overseas = (info.context or {}).get("kind") == Role.OVERSEAS.value
        if language not in (OVERSEAS_LANGUAGES if overseas else UI_LANGUAGES):
            raise problem("choose_language")
        return language

    @field_validator("organisation")
    @classmethod
    def _overseas_authority(cls, organisation: str, info: ValidationInfo) -> str:
        if not organisation and (info.context or {}).get("kind") == Role.OVERSEAS.value:
            raise problem("required")
        return organisation

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        password, confirm = exact_text(values, "password"), exact_text(values, "password_confirm")
        if password or confirm:
            reason = password_problem(password, text_of(values, "account"))
            if reason:
                return {"password": reason}
            return {"password_confirm": "password_mismatch"} if password != confirm else {}
        if context.get("creating") and not text_of(values, "email"):
            return {"email": "email_for_link"}  # no password: the user is mailed a link to choose one
        return {}


class NewUserRules(UserRules):
    """A new user's form: the account is typed here, once."""

    account: Annotated[Required, matching(ACCOUNT_RE, "account_format")] = ""


def _problems(s: Session, actor: Actor, form: UserForm, *, creating: bool,
              kept: tuple[str | None, int | None] = (None, None)) -> tuple[dict[str, str], str | None]:
    """Check a user form; return the errors by field and the kind of the chosen role."""
    errors: dict[str, str] = {}
    kind = None
    if form.role and s.get(RoleDef, form.role) is None:  # none chosen: the form's rules say it is required
        errors["role"] = "unknown_role"
    elif form.role:
        kind = role_kind(s, form.role)
        # an importing country's authority (a role granting overseas.country) belongs to no enterprise
        country_wide = kind == Role.OVERSEAS.value and Perm.OVERSEAS_COUNTRY in role_permissions(s, form.role)
        errors.update(organisation_problems(s, Role.ADMIN.value if country_wide else kind, form.district_code or None,
                                            form.enterprise_id, kept=kept))
        if "role" not in errors and "district_code" not in errors and "enterprise_id" not in errors \
                and not in_actor_scope(actor, form.district_code or None, form.enterprise_id):
            errors["role"] = "outside_your_scope"
    _, found = validated(NewUserRules if creating else UserRules, _fields(form), {"kind": kind, "creating": creating})
    errors.update({name: reason for name, reason in found.items() if name not in errors})
    account = form.account.strip()
    if creating and "account" not in errors and s.scalar(select(User.id).where(
            func.lower(User.account) == account.lower())):
        errors["account"] = "account_taken"
    if kind == Role.OVERSEAS.value and not s.scalar(select(DictEntry.code).where(
            DictEntry.dictionary == "country", DictEntry.code == form.country, DictEntry.active.is_(True))):
        errors["country"] = "choose_country"
    return errors, kind


def _apply(user: User, form: UserForm, kind: str | None) -> None:
    overseas = kind == Role.OVERSEAS.value
    user.real_name = form.real_name.strip()
    user.role = form.role
    user.district_code = form.district_code or None
    user.enterprise_id = form.enterprise_id
    user.email = form.email.strip() or None
    user.phone = form.phone.strip() or None
    user.mobile = form.mobile.strip() or None
    user.language = form.language
    user.job_title = form.job_title.strip() or None
    user.organisation = form.organisation.strip() if overseas else None
    user.country = form.country if overseas else None


def create_user(s: Session, actor: Actor, form: UserForm, *, base_url: str, now: datetime | None = None) -> User:
    """Create a user; without a password the user is e-mailed a link to choose one."""
    actor.require(PERMISSION)
    now = now or datetime.now(timezone.utc)
    errors, kind = _problems(s, actor, form, creating=True)
    if errors:
        raise AdminInvalid(errors)
    # no password given: an unusable random one until the user sets theirs with the e-mailed link
    password = form.password or secrets.token_urlsafe(32)
    user = User(account=form.account.strip().lower(), password_hash=hash_password(password), active=True,
                created_by=actor.user_id, created_at=now, session_version=1, failed_attempts=0)
    _apply(user, form, kind)
    s.add(user)
    s.flush()
    record_change(s, actor, "admin.user_created", "user", user.id, None, _snapshot(user),
                  message=user.account, district_code=user.district_code, enterprise_id=user.enterprise_id)
    if not form.password:
        _send_reset_link(s, user, base_url, now)
    return user


def update_user(s: Session, actor: Actor, user_id: int, form: UserForm, *, now: datetime | None = None) -> User:
    """Change a user's details, role and organisation (and password, when one is given)."""
    now = now or datetime.now(timezone.utc)
    actor.require(PERMISSION)
    lock_administrators(s)
    user = _load(s, actor, user_id)
    if user.deleted_at is not None:
        raise AdminRefused("user_deleted")
    if user.id == actor.user_id and form.role != user.role:
        raise AdminRefused("own_role")
    errors, kind = _problems(s, actor, UserForm(**{**_fields(form), "account": user.account}), creating=False,
                             kept=(user.district_code, user.enterprise_id))
    if errors:
        raise AdminInvalid(errors)
    before = _snapshot(user)
    _apply(user, form, kind)
    after = _snapshot(user)
    if form.password:
        user.password_hash = hash_password(form.password)
        user.failed_attempts = 0
        end_sessions(user)
        after["password"] = "changed"  # the fact, never the value
    ensure_an_administrator_remains(s, now)
    record_change(s, actor, "admin.user_updated", "user", user.id, before, after, message=user.account,
                  district_code=user.district_code, enterprise_id=user.enterprise_id)
    return user


def _fields(form) -> dict:
    return {f.name: getattr(form, f.name) for f in fields(form)}


def _send_reset_link(s: Session, user: User, base_url: str, now: datetime) -> None:
    """E-mail the user a one-time link to set a password (the self-service reset mechanism)."""
    if not user.email:
        raise AdminRefused("no_email")
    request_password_reset(s, user.account, base_url=base_url, now=now)
    s.flush()
    sent = s.scalar(select(PasswordResetToken.token_hash).where(PasswordResetToken.user_id == user.id,
                                                                 PasswordResetToken.created_at == now))
    if sent is None:
        raise AdminRefused("reset_throttled")


def send_password_reset(s: Session, actor: Actor, user_id: int, *, base_url: str,
                        now: datetime | None = None) -> None:
    """E-mail a user a one-time link to set a new password; the old one works until then."""
    now = now or datetime.now(timezone.utc)
    user = _load(s, actor, user_id)
    if user.deleted_at is not None or not user.active:
        raise AdminRefused("reset_inactive")
    _send_reset_link(s, user, base_url, now)
    record_change(s, actor, "admin.user_reset_sent", "user", user.id, None, {"email": user.email},
                  message=user.account, district_code=user.district_code, enterprise_id=user.enterprise_id)


def lock_user(s: Session, actor: Actor, user_id: int, hours: int, *, now: datetime | None = None) -> User:
    """Lock a user for a while: sign-ins are refused and open sessions end."""
    now = now or datetime.now(timezone.utc)
    if hours not in LOCK_HOURS:
        raise AdminInvalid({"lock_hours": "choose_lock_time"})
    user = _changeable(s, actor, user_id)
    before = _snapshot(user)
    user.locked_until = now + timedelta(hours=hours)
    end_sessions(user)
    ensure_an_administrator_remains(s, now)
    return _logged(s, actor, user, "admin.user_locked", before)


def unlock_user(s: Session, actor: Actor, user_id: int, *, now: datetime | None = None) -> User:
    """Lift a lock (an administrator's or the failed-attempts one)."""
    user = _load(s, actor, user_id)
    before = _snapshot(user)
    user.locked_until = None
    user.failed_attempts = 0
    return _logged(s, actor, user, "admin.user_unlocked", before)


def set_user_active(s: Session, actor: Actor, user_id: int, active: bool, *, now: datetime | None = None) -> User:
    """Deactivate a user (open sessions end; history kept) or reactivate them."""
    now = now or datetime.now(timezone.utc)
    user = _changeable(s, actor, user_id) if not active else _load(s, actor, user_id)
    if user.deleted_at is not None:
        raise AdminRefused("user_deleted")
    before = _snapshot(user)
    user.active = active
    end_sessions(user)
    ensure_an_administrator_remains(s, now)
    return _logged(s, actor, user, "admin.user_reactivated" if active else "admin.user_deactivated", before)


def _changeable(s: Session, actor: Actor, user_id: int) -> User:
    """Return a user the actor may lock or deactivate: anyone in scope but themselves."""
    actor.require(PERMISSION)
    lock_administrators(s)
    user = _load(s, actor, user_id)
    if user.id == actor.user_id:
        raise AdminRefused("not_yourself")
    return user


def _logged(s: Session, actor: Actor, user: User, code: str, before: dict) -> User:
    record_change(s, actor, code, "user", user.id, before, _snapshot(user), message=user.account,
                  district_code=user.district_code, enterprise_id=user.enterprise_id)
    return user


def user_timeline(s: Session, actor: Actor, user_id: int, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """Return the events the user caused or underwent (sign-ins, changes, reviews ...), newest first."""
    user = _load(s, actor, user_id, for_update=False)
    who = aliased(User)
    rows = s.execute(
        select(Event, who.account).outerjoin(who, who.id == Event.actor_id)
        .where(or_(Event.actor_id == user.id, and_(Event.object_type == "user", Event.object_id == str(user.id))))
        .order_by(Event.at.desc(), Event.id.desc()).limit(limit))
    return [TimelineEntry(e.at, e.code, account, e.actor_id == user.id, e.message, e.details or {})
            for e, account in rows]


# --- choices for the forms ----------------------------------------------------------------------


def role_choices(s: Session, actor: Actor) -> list[tuple[str, str, str, str | None]]:
    """Return (code, Chinese name, English name, kind) of every role, by code."""
    actor.require(PERMISSION)
    return [(code, zh, en, role_kind(s, code)) for code, zh, en in
            s.execute(select(RoleDef.code, RoleDef.name_zh, RoleDef.name_en).order_by(RoleDef.code))]


def enterprise_choices(s: Session, actor: Actor, text: str = "", *, keep: int | None = None,
                       limit: int = 20) -> list[tuple[int, str, str | None, str | None]]:
    """Return (id, Chinese name, English name, credit code) of approved enterprises matching `text`.

    `keep` is an enterprise already chosen: it is always among the choices, so the picker shows it.
    """
    actor.require(PERMISSION)
    text = (text or "").strip()[:64].lower()
    stmt = select(Enterprise.id, Enterprise.name_zh, Enterprise.name_en, Enterprise.credit_code).where(
        Enterprise.status == "approved", row_scope(actor, Enterprise))
    if text:
        pattern = contains_pattern(text)
        stmt = stmt.where(or_(func.lower(Enterprise.name_zh).like(pattern, escape="\\"),
                              func.lower(Enterprise.name_en).like(pattern, escape="\\"),
                              func.lower(Enterprise.credit_code).like(pattern, escape="\\")))
    found = [tuple(r) for r in s.execute(stmt.order_by(Enterprise.name_zh, Enterprise.id).limit(limit))]
    if keep is not None and all(r[0] != keep for r in found):
        kept = s.execute(select(Enterprise.id, Enterprise.name_zh, Enterprise.name_en, Enterprise.credit_code)
                         .where(Enterprise.id == keep)).first()
        if kept is not None:
            found.insert(0, tuple(kept))
    return found


def country_choices(s: Session, actor: Actor) -> list[tuple[str, str, str]]:
    """Return (code, Chinese name, English name) of the active countries, for overseas users."""
    actor.require(PERMISSION)
    return [tuple(r) for r in s.execute(
        select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
        .where(DictEntry.dictionary == "country", DictEntry.active.is_(True)).order_by(DictEntry.code))]
