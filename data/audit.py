"""Searching the event log (sign-ins, failures, locks, resets, card events, reviews, changes)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from data.models import Event, User
from data.paging import Page, clamp_paging
from data.scope import Actor

MAX_PAGE_SIZE = 200
EVENT_GROUPS = ("auth.", "registration.", "app.", "cert.", "admin.")


@dataclass(frozen=True)
class EventFilter:
    account: str = ""
    code_prefix: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


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


def search_events(s: Session, actor: Actor, f: EventFilter, page: int = 0, page_size: int = 50) -> Page[EventRow]:
    """Return one page of events, newest first, matching the filter."""
    actor.require("admin.audit")
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    who = aliased(User)
    stmt = select(Event, who.account).outerjoin(who, who.id == Event.actor_id)
    if f.account.strip():
        account = f.account.strip().lower()[:32]
        # failed sign-ins of unknown accounts have no actor: they carry the account in details
        stmt = stmt.where((func.lower(who.account) == account) | (Event.object_id == account))
    if f.code_prefix:
        stmt = stmt.where(Event.code.startswith(f.code_prefix[:48], autoescape=True))
    if f.object_id.strip():
        stmt = stmt.where(Event.object_id == f.object_id.strip()[:64])
    if f.date_from:
        stmt = stmt.where(Event.at >= datetime.combine(f.date_from, time.min, tzinfo=timezone.utc))
    if f.date_to:
        stmt = stmt.where(Event.at < datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=timezone.utc))
    total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = s.execute(stmt.order_by(Event.at.desc(), Event.id.desc()).offset(page * page_size).limit(page_size))
    return Page([EventRow(e.id, e.at, account, e.code, e.object_type, e.object_id, e.message, e.details or {})
                      for e, account in rows], total, page, page_size)
