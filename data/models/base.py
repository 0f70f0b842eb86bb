"""The declarative base, time helpers and the enumerations the models share."""
from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import overload

from sqlalchemy import DateTime, Table
from sqlalchemy.orm import DeclarativeBase

from auth.permissions import Role  # noqa: F401  (named with the permissions; the models store it)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...


def as_utc(moment: datetime | None) -> datetime | None:
    """Return a stored moment as an aware UTC datetime (SQLite hands back naive ones)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


def table_of(model: type[Base]) -> Table:
    """The model's table, typed as one (the declarative `__table__` is typed as any FromClause)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class AppStatus(str, enum.Enum):
    """Workflow states of a certificate application (DESIGN.md)."""

    DRAFT = "draft"  # 暂存中
    SUBMITTED = "submitted"  # 申报中
    UNDER_REVIEW = "under_review"  # 审核中
    RETURNED = "returned"  # 退回
    SUSPENDED = "suspended"  # 暂停中
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # 待企业确认
    CONFIRMED = "confirmed"  # 已确认
    APPROVED = "approved"  # 审核通过
    ISSUED = "issued"  # 已签发
    REVOKED = "revoked"  # 已撤销


class CertStatus(str, enum.Enum):
    VALID = "valid"
    REPLACED = "replaced"
    WITHDRAWN = "withdrawn"


class EntryMethod(str, enum.Enum):
    """How an application was filled in (录入方式, Liaoning 5.8.1)."""

    BLANK = "blank"  # 空白证稿录入
    SIMILAR = "similar"  # 相似报检号录入
    TEMPLATE = "template"  # 证稿模板录入
    SMART_IMPORT = "smart_import"  # 智能导入


class SigningMethod(str, enum.Enum):
    CLOUD = "cloud"  # 云签发
    PAPER = "paper"  # ECIQ 打印


class DeclStatus(str, enum.Enum):
    """Jiucheng 3.4.2 queues: 暂存, 保存, 已发送, 已回执."""

    DRAFT = "draft"
    SAVED = "saved"
    SENT = "sent"
    RECEIPTED = "receipted"
