"""Searching the event log (sign-ins, failures, locks, resets, card events, reviews, changes)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from auth.permissions import Perm
from data.core.paging import Page, clamp_paging
from data.core.scope import Actor
from data.models import Event, User

MAX_PAGE_SIZE = 200
COUNT_CAP = 10_000  # events counted for the total; past it the page says "more than"
EVENT_GROUPS = ("auth.", "registration.", "app.", "cert.", "admin.")


@dataclass(frozen=True)
class EventFilter:
    account: str = ""
    code_prefix: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    object_type: str = ""  # user, role, district, enterprise, application ... ("" any)


@dataclass(frozen=True)
class EventRow:
    id: int
    at: datetime
    account: str | None
    code: str
    object_type: str | None
    object_id: str | None
    message: str
    details: dict


def search_events(s: Session, actor: Actor, f: EventFilter, page: int = 0, page_size: int = 50,
                  count_cap: int | None = COUNT_CAP) -> Page[EventRow]:
    """Return one page of events, newest first, matching the filter; the total stops at `count_cap` + 1 (the log
    grows by millions of events: counting them all on every view took seconds)."""
    actor.require(Perm.ADMIN_AUDIT)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    who = aliased(User)
    where: list = []
    if f.account.strip():
        account = f.account.strip().lower()[:32]
        # failed sign-ins of unknown accounts have no actor: they carry the account in details
        where.append((func.lower(who.account) == account) | (Event.object_id == account))
    if f.code_prefix:
        where.append(Event.code.startswith(f.code_prefix[:48], autoescape=True))
    if f.object_type.strip():
        where.append(Event.object_type == f.object_type.strip()[:32])
    if f.object_id.strip():
        where.append(Event.object_id == f.object_id.strip()[:64])
    if f.date_from:
        where.append(Event.at >= datetime.combine(f.date_from, time.min, tzinfo=timezone.utc))
    if f.date_to:
        where.append(Event.at < datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=timezone.utc))
    stmt = select(Event, who.account).outerjoin(who, who.id == Event.actor_id).where(*where)
    counted = stmt if f.account.strip() else select(Event.id).where(*where)  # the join adds no rows
    if count_cap is not None:
        counted = counted.limit(count_cap + 1)
    total = s.scalar(select(func.count()).select_from(counted.subquery())) or 0
    rows = s.execute(stmt.order_by(Event.at.desc(), Event.id.desc()).offset(page * page_size).limit(page_size))
    return Page([EventRow(e.id, e.at, account, e.code, e.object_type, e.object_id, e.message, e.details or {})
                      for e, account in rows], total, page, page_size)


# the history of an administered object is part of the page that administers it (经办详细, 操作历史)
OBJECT_PERMISSIONS = {"user": Perm.ADMIN_USERS, "role": Perm.ADMIN_ROLES, "district": Perm.ADMIN_DISTRICTS,
                      "dict_entry": Perm.ADMIN_DICTIONARIES, "certificate_format": Perm.ADMIN_FORMATS,
                      "notification": Perm.ADMIN_NOTIFICATIONS, "parameter": Perm.ADMIN_PARAMETERS,
                      "inbound_certificate": Perm.APPLICATION_REVIEW}


def object_history(s: Session, actor: Actor, object_type: str, object_id: str, limit: int = 50) -> list[EventRow]:
    """Return the events about one administered object, newest first, for the page that administers it."""
    permission = OBJECT_PERMISSIONS.get(object_type)
    if permission is None:
        actor.require(Perm.ADMIN_AUDIT)
    else:
        actor.require(permission)
    who = aliased(User)
    rows = s.execute(select(Event, who.account).outerjoin(who, who.id == Event.actor_id)
                     .where(Event.object_type == object_type, Event.object_id == str(object_id)[:64])
                     .order_by(Event.at.desc(), Event.id.desc()).limit(limit))
    return [EventRow(e.id, e.at, account, e.code, e.object_type, e.object_id, e.message, e.details or {})
            for e, account in rows]


@dataclass(frozen=True)
class Change:
    key: str
    before: object
    after: object


def changes_of(details: dict | None) -> list[Change]:
    """Return the (key, before, after) lines of a change event's details, by key; [] for other events."""
    if not isinstance(details, dict) or not ({"before", "after"} & set(details)):
        return []
    stored_before, stored_after = details.get("before"), details.get("after")
    before: dict = stored_before if isinstance(stored_before, dict) else {}
    after: dict = stored_after if isinstance(stored_after, dict) else {}
    return [Change(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))]


def _plain(value):
    """A JSON-safe copy of a value for the event's details (dates as ISO text, sets as sorted lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record_change(s: Session, actor: Actor, code: str, object_type: str, object_id: str | int,
                  before: dict | None, after: dict | None, *, message: str = "",
                  district_code: str | None = None, enterprise_id: int | None = None) -> Event:
    """Write the audit event of an administrative change, with the values before and after it.

    `before` is None for a creation and `after` None for a deletion; for an edit only the keys
    whose values differ are kept, so the log shows what changed. Written in the caller's
    transaction: the change and its record commit or roll back together.
    """
    old, new = _plain(before), _plain(after)
    if old is not None and new is not None:
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        old = {k: old.get(k) for k in changed}
        new = {k: new.get(k) for k in changed}
    event = Event(actor_id=actor.user_id, code=code[:48], object_type=object_type[:32], object_id=str(object_id)[:64],
                  district_code=district_code, enterprise_id=enterprise_id, message=message,
                  details={"before": old, "after": new})
    s.add(event)
    return event
