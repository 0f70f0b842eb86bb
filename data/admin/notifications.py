"""通知管理 (Liaoning 5.2.7): add, edit, delete notifications and publish them to roles and/or customs
districts for a time window; the home page (data/home.py) shows each to exactly those users.

Targeting: no role named means every role, no district named means everyone; with both, a user must
match both. A district reaches the users of that district and of every district below it, and the
enterprises registered there. Times are typed in China Standard Time and stored in UTC; the window
is [start, end): shown from the start, no longer at the end.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Any

from pydantic import ConfigDict
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from dashboard.core.clock import CHINA
from data.admin.common import AdminInvalid, delete_recorded, snapshot, text_of
from data.core.audit import record_change
from data.core.forms import AnyText, Flag, Form, Required, limit, validated
from data.core.paging import Page, clamp_paging
from data.core.scope import Actor, NotFound
from data.models import CustomsDistrict, Notification, RoleDef, as_utc

PERMISSION = Perm.ADMIN_NOTIFICATIONS
LOCAL_ZONE = CHINA  # the zone administrators type times in
TITLE_LIMITS = {"title_zh": 128, "title_en": 256}
BODY_LIMIT = 4000
MAX_PAGE_SIZE = 100
MOMENT_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?$")
AUDITED = ("title_zh", "title_en", "body_zh", "body_en", "roles", "districts", "starts_at", "ends_at", "published")

# where a notification stands at a moment
DRAFT, SCHEDULED, SHOWING, ENDED = "draft", "scheduled", "showing", "ended"


@dataclass(frozen=True)
class NotificationRow:
    id: int
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    roles: tuple[str, ...]
    districts: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime | None
    published: bool
    state: str  # draft (not published) | scheduled | showing | ended


def state_at(n: Notification, now: datetime) -> str:
    if not n.published:
        return DRAFT
    if as_utc(n.starts_at) > now:
        return SCHEDULED
    if n.ends_at is not None and as_utc(n.ends_at) <= now:
        return ENDED
    return SHOWING


def _row(n: Notification, now: datetime) -> NotificationRow:
    return NotificationRow(n.id, n.title_zh, n.title_en or "", n.body_zh or "", n.body_en or "",
                           tuple(n.roles or ()), tuple(n.districts or ()), as_utc(n.starts_at), as_utc(n.ends_at),
                           bool(n.published), state_at(n, now))


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def list_notifications(s: Session, actor: Actor, text: str = "", page: int = 0, page_size: int = 20,
                       now: datetime | None = None) -> Page[NotificationRow]:
    """Return one page of notifications whose titles contain `text`, latest start first."""
    actor.require(PERMISSION)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    stmt = select(Notification)
    text = (text or "").strip()[:64]
    if text:
        stmt = stmt.where(or_(Notification.title_zh.icontains(text, autoescape=True),
                              Notification.title_en.icontains(text, autoescape=True)))
    total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = s.scalars(stmt.order_by(Notification.starts_at.desc(), Notification.id.desc())
                     .offset(page * page_size).limit(page_size))
    moment = _now(now)
    return Page([_row(n, moment) for n in rows], total, page, page_size)


def _load(s: Session, notification_id) -> Notification:
    n = s.get(Notification, notification_id) if isinstance(notification_id, int) else None
    if n is None:
        raise NotFound(f"notification {notification_id}")
    return n


def get_notification(s: Session, actor: Actor, notification_id: int, now: datetime | None = None) -> NotificationRow:
    actor.require(PERMISSION)
    return _row(_load(s, notification_id), _now(now))


# --- the time window ------------------------------------------------------------------------------


def parse_moment(text: str, *, end: bool = False) -> datetime | None:
    """Read 'YYYY-MM-DD HH:MM' (or a date alone) typed in China Standard Time; return it in UTC.

    A date alone starts at midnight; as the end of a window it means the end of that day.
    Raises ValueError when the text is not such a moment.
    """
    match = MOMENT_RE.match((text or "").strip())
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute = match.groups()
    day_value = date(int(year), int(month), int(day))
    if hour is None:
        moment = datetime.combine(day_value + timedelta(days=1 if end else 0), time.min, tzinfo=LOCAL_ZONE)
    else:
        moment = datetime.combine(day_value, time(int(hour), int(minute)), tzinfo=LOCAL_ZONE)
    return moment.astimezone(timezone.utc)


def local_text(moment: datetime | None) -> str:
    """A stored moment as the form shows it: 'YYYY-MM-DD HH:MM' in China Standard Time."""
    return as_utc(moment).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") if moment else ""


def _take_moment(values: dict, name: str, errors: dict[str, str], *, end: bool = False) -> datetime | None:
    raw = values.get(name)
    if isinstance(raw, datetime):
        return as_utc(raw)
    text = text_of(values, name)
    if not text:
        return None
    try:
        return parse_moment(text, end=end)
    except ValueError:
        errors[name] = "moment_format"
        return None


# --- checking what the form sends ---------------------------------------------------------------


def _codes(values: dict, name: str) -> list[str]:
    raw = values.get(name)
    typed = raw if isinstance(raw, list) else text_of(values, name).replace(",", " ").split()
    return list(dict.fromkeys(str(c).strip() for c in typed if isinstance(c, str) and c.strip()))


class NotificationForm(Form):
    """A notification's texts and whether it is published; its audience and period are checked beside it
    (against the roles and districts stored, and as moments)."""

    model_config = ConfigDict(extra="ignore")

    title_zh: Annotated[Required, limit(TITLE_LIMITS["title_zh"])] = ""
    title_en: Annotated[AnyText, limit(TITLE_LIMITS["title_en"])] = ""
    body_zh: Annotated[AnyText, limit(BODY_LIMIT)] = ""
    body_en: Annotated[AnyText, limit(BODY_LIMIT)] = ""
    published: Flag = False


def _clean(s: Session, values: dict, now: datetime, current: Notification | None) -> dict:
    form, errors = validated(NotificationForm, values)
    cleaned: dict[str, Any] = form.model_dump() if form else {}
    roles = _codes(values, "roles")
    known_roles = set(s.scalars(select(RoleDef.code).where(RoleDef.code.in_(roles)))) if roles else set()
    if set(roles) - known_roles:
        errors["roles"] = "choose_roles"
    districts = _codes(values, "districts")
    kept = set(current.districts or ()) if current is not None else set()
    usable = set(s.scalars(select(CustomsDistrict.code).where(
        CustomsDistrict.code.in_(districts), or_(CustomsDistrict.active.is_(True), CustomsDistrict.code.in_(kept))
    ))) if districts else set()
    if set(districts) - usable:
        errors["districts"] = "choose_districts"
    cleaned["roles"], cleaned["districts"] = sorted(roles), sorted(districts)
    starts = _take_moment(values, "starts_at", errors)
    ends = _take_moment(values, "ends_at", errors, end=True)
    if starts is None and "starts_at" not in errors:
        starts = now.replace(second=0, microsecond=0)  # left empty: from now on
    if starts is not None and ends is not None and ends <= starts:
        errors["ends_at"] = "end_before_start"
    cleaned["starts_at"], cleaned["ends_at"] = starts, ends
    if errors:
        raise AdminInvalid(errors)
    return cleaned


def _audit(n: Notification) -> dict:
    values = snapshot(n, AUDITED)
    values["starts_at"], values["ends_at"] = as_utc(n.starts_at), as_utc(n.ends_at)  # SQLite reads them naive
    return values


# --- changing -----------------------------------------------------------------------------------


def save_notification(s: Session, actor: Actor, notification_id: int | None, values: dict,
                      now: datetime | None = None) -> NotificationRow:
    """新增 (id None) or 编辑 a notification: titles, texts, targets, window and whether it is published."""
    actor.require(PERMISSION)
    moment = _now(now)
    current = _load(s, notification_id) if notification_id is not None else None
    cleaned = _clean(s, values, moment, current)
    if current is None:
        n = Notification(created_by=actor.user_id, created_at=moment, **cleaned)
        s.add(n)
        s.flush()
        record_change(s, actor, "admin.notification.created", "notification", n.id, None, _audit(n))
        return _row(n, moment)
    before = _audit(current)
    for name, value in cleaned.items():
        setattr(current, name, value)
    s.flush()
    record_change(s, actor, "admin.notification.updated", "notification", current.id, before, _audit(current))
    return _row(current, moment)


def set_published(s: Session, actor: Actor, notification_id: int, published: bool,
                  now: datetime | None = None) -> NotificationRow:
    """Publish (发布) or withdraw a notification; its window and targets stay as they are."""
    actor.require(PERMISSION)
    n = _load(s, notification_id)
    if bool(n.published) != bool(published):
        n.published = bool(published)
        s.flush()
        record_change(s, actor, "admin.notification.published" if published else "admin.notification.unpublished",
                      "notification", n.id, {"published": not published}, {"published": bool(published)})
    return _row(n, _now(now))


def delete_notification(s: Session, actor: Actor, notification_id: int) -> None:
    """Delete a notification; the audit event keeps what it said."""
    actor.require(PERMISSION)
    n = _load(s, notification_id)
    delete_recorded(s, actor, n, "admin.notification.deleted", "notification", notification_id, _audit(n))


@dataclass(frozen=True)
class TargetChoices:
    roles: list[tuple[str, str, str]]  # code, Chinese name, English name
    districts: list[tuple[str, str, str, str | None, bool]]  # code, names, parent, active


def target_choices(s: Session, actor: Actor) -> TargetChoices:
    """The roles and customs districts a notification can be published to."""
    actor.require(PERMISSION)
    roles = [tuple(r) for r in s.execute(select(RoleDef.code, RoleDef.name_zh, RoleDef.name_en).order_by(RoleDef.code))]
    districts = [tuple(r) for r in s.execute(
        select(CustomsDistrict.code, CustomsDistrict.name_zh, CustomsDistrict.name_en, CustomsDistrict.parent_code,
               CustomsDistrict.active).order_by(CustomsDistrict.sort, CustomsDistrict.code))]
    return TargetChoices(roles, districts)
