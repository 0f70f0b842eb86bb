"""Creating once per form: a new-record form carries a one-time token; the first submission keeps it
with what it created, a second one (a double click, a second tab, a retry) gets that record back.

Two submissions at the same moment meet at the token's primary key: the second fails to insert it
and is answered as a repeat, whichever store holds the data.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.models import CreationToken

TOKEN_LIMIT = 64


def new_form_token() -> str:
    """A token for a form that creates a record (put it in the form's state)."""
    return secrets.token_urlsafe(24)


def usable_token(token: object) -> str | None:
    """The token as a page sent it, if it can be one."""
    return token if isinstance(token, str) and 16 <= len(token) <= TOKEN_LIMIT else None


def created_before(s: Session, kind: str, enterprise_id: int, token: str | None) -> int | None:
    """The id of what an earlier submission of this form created, if any."""
    if token is None:
        return None
    return s.scalar(select(CreationToken.object_id).where(
        CreationToken.token == token, CreationToken.kind == kind, CreationToken.enterprise_id == enterprise_id))


class RepeatedSubmission(Exception):
    """Another submission of the same form created the record at the same moment."""


def keep_token(s: Session, kind: str, enterprise_id: int, token: str | None, object_id: int, now: datetime) -> None:
    """Keep the form's token with the record just created (in the creating transaction)."""
    if token is None:
        return
    s.add(CreationToken(token=token, kind=kind, enterprise_id=enterprise_id, object_id=object_id, created_at=now))
    try:
        s.flush()
    except IntegrityError:  # the other submission kept it first: this transaction rolls back whole
        raise RepeatedSubmission(kind) from None
