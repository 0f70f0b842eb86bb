"""Events, notifications, system parameters, rate limits, ledger templates, number sequences, login challenges."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, utcnow


class Event(Base):
    """A receipt (回执) or audit record: every state change and sensitive read."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    code: Mapped[str] = mapped_column(String(48))  # e.g. app.submitted, auth.login_failed
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    district_code: Mapped[str | None] = mapped_column(String(4))
    message: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_event_object", "object_type", "object_id", "at"),
        Index("ix_event_actor_at", "actor_id", "at"),
        Index("ix_event_code_at", "code", "at"),
        Index("ix_event_enterprise_at", "enterprise_id", "at"),
        Index("ix_event_at", "at", "id"),  # the audit log, newest first
    )


class Notification(Base):
    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(128))
    title_en: Mapped[str] = mapped_column(String(256))
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    roles: Mapped[list] = mapped_column(JSON, default=list)  # empty: every role
    districts: Mapped[list] = mapped_column(JSON, default=list)  # empty: every district
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None] = mapped_column()
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessRevision(Base):
    """One counter that database triggers raise whenever a role, a role's permissions or a customs
    district changes (migration 0012), however the change is written. A signed-in request reads it
    with the user's row, so the permissions and district subtrees a worker keeps in memory are
    used only while they are current."""

    __tablename__ = "access_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SystemParameter(Base):
    __tablename__ = "system_parameter"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(String(256))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))



class CreationToken(Base):
    """A form's one-time token, kept with what its first submission created: a second submission of the
    same form (a double click, a second tab) finds it and creates nothing."""

    __tablename__ = "creation_token"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # declaration | application
    enterprise_id: Mapped[int] = mapped_column(Integer)
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateLimitHit(Base):
    """Attempts counted per key (e.g. verification requests from one address) and time window."""

    __tablename__ = "rate_limit"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


class LedgerTemplate(Base):
    """A saved choice of ledger columns (企业台账 export template) of one enterprise."""

    __tablename__ = "ledger_template"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))  # exit | entry
    columns: Mapped[list] = mapped_column(JSON, default=list)  # column keys in export order
    file_name: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("enterprise_id", "name", name="uq_ledger_template_name"),)


class NumberSequence(Base):
    """The last number handed out under a prefix (certificate numbers per district, year and type)."""

    __tablename__ = "number_sequence"
    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger)


class LoginChallenge(Base):
    """A one-time challenge for IC-card sign-in: valid until it expires or is used once."""

    __tablename__ = "login_challenge"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column()
    card_no: Mapped[str | None] = mapped_column(String(32))
