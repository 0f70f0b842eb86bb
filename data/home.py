"""What the home page shows: counts and tasks inside the actor's scope, and their notifications."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.scope import CUSTOMS_HIDDEN_STATUSES, Actor
from data.exchange.inbound_views import InboundCounts, inbound_counts
from data.models import (
    AppStatus,
    Certificate,
    CertificateApplication,
    CustomsDistrict,
    Declaration,
    Enterprise,
    Notification,
)
from data.statistics.rollup import APPLICATION_RECORD, CERTIFICATE_RECORD, DECLARATION_RECORD, STATUS

# statuses that ask something of the actor, by role
TASK_STATUSES: dict[str, tuple[str, ...]] = {
    "enterprise": (AppStatus.RETURNED.value, AppStatus.AWAITING_CONFIRMATION.value, AppStatus.DRAFT.value),
    "enterprise_admin": (AppStatus.RETURNED.value, AppStatus.AWAITING_CONFIRMATION.value, AppStatus.DRAFT.value),
    "officer": (AppStatus.SUBMITTED.value, AppStatus.UNDER_REVIEW.value, AppStatus.CONFIRMED.value,
                AppStatus.APPROVED.value, AppStatus.SUSPENDED.value),
}


@dataclass(frozen=True)
class NotificationView:
    id: int
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    starts_at: datetime


@dataclass(frozen=True)
class HomeSummary:
    applications_by_status: dict[str, int]
    certificates_by_status: dict[str, int]
    declarations: int
    pending_registrations: int | None
    tasks: list[tuple[str, int]]
    notifications: list[NotificationView]
    inbound: InboundCounts | None = None  # officers: certificates from abroad to match, declarations waiting


def home_summary(s: Session, actor: Actor, now: datetime | None = None) -> HomeSummary:
    """Count the actor's records by status and list the notifications addressed to them."""
    actor.require(Perm.HOME_VIEW)
    now = now or datetime.now(timezone.utc)
    apps = status_counts(s, actor, APPLICATION_RECORD, CertificateApplication)
    certs = status_counts(s, actor, CERTIFICATE_RECORD, Certificate)
    declarations = sum(status_counts(s, actor, DECLARATION_RECORD, Declaration).values())
    pending = None
    if actor.is_admin:
        pending = s.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.status == "pending"))
    tasks = [(status, apps.get(status, 0)) for status in TASK_STATUSES.get(actor.kind or actor.role, ())]
    return HomeSummary(apps, certs, declarations or 0, pending, tasks, notifications_for(s, actor, now),
                       inbound_counts(s, actor))


def status_counts(s: Session, actor: Actor, record: str, model) -> dict[str, int]:
    """The actor's records of `model` by status, read from the status rollup (stats_status): the rows of their
    enterprise, or of the districts in their scope without the statuses customs do not see, or all."""
    t = STATUS.table.c
    if actor.is_admin:
        scope: ColumnElement[bool] = true()
    elif actor.is_enterprise and actor.enterprise_id is not None:
        scope = t.enterprise_id == actor.enterprise_id
    elif actor.is_customs and actor.district_codes:
        hidden = CUSTOMS_HIDDEN_STATUSES.get(model.__tablename__, ())
        scope = and_(t.district_code.in_(sorted(actor.district_codes)), t.status.not_in(hidden) if hidden else true())
    else:
        return {}
    rows = s.execute(select(t.status, func.sum(t.count)).where(t.record == record, scope).group_by(t.status))
    return {status: int(n) for status, n in rows if n}


def _reached_districts(s: Session, actor: Actor) -> frozenset[str]:
    """The districts whose notifications reach the actor: their own (customs staff) or their enterprise's,
    and every district above it (a notice to 大连海关 reaches 大连港湾海关 and its enterprises)."""
    code = actor.district_code
    if code is None and actor.is_enterprise and actor.enterprise_id is not None:
        code = s.scalar(select(Enterprise.district_code).where(Enterprise.id == actor.enterprise_id))
    found: set[str] = set()
    while code and code not in found:
        found.add(code)
        code = s.scalar(select(CustomsDistrict.parent_code).where(CustomsDistrict.code == code))
    return frozenset(found)


def notifications_for(s: Session, actor: Actor, now: datetime, limit: int = 10) -> list[NotificationView]:
    """Return published notifications in their time window addressed to the actor's role and district.

    No roles named: every role; a role reaches its users and those of the roles administrators made
    under it (their kind). No districts named: everyone; a district reaches its own users, those of the
    districts below it and the users of the enterprises registered in any of them. With both, both must
    match.
    """
    reached = None
    rows = s.scalars(
        select(Notification)
        .where(
            Notification.published.is_(True),
            Notification.starts_at <= now,
            or_(Notification.ends_at.is_(None), Notification.ends_at > now),
        )
        .order_by(Notification.starts_at.desc())
    )
    views = []
    for n in rows:
        if n.roles and actor.role not in n.roles and (actor.kind or actor.role) not in n.roles:
            continue
        if n.districts:
            reached = _reached_districts(s, actor) if reached is None else reached
            if not reached & set(n.districts):
                continue
        views.append(NotificationView(n.id, n.title_zh, n.title_en, n.body_zh, n.body_en, n.starts_at))
        if len(views) == limit:
            break
    return views
