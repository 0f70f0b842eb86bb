"""The enterprise's ECIQ communication account (通信账号, Hebei declaration manual ch. 4).

The password is stored encrypted (Fernet, with the instance's data key) and never shown again; the
page shows only that an account is bound, which one and since when.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated

from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.forms import AnyText, ExactText, Form, checked_by, matching, needed, validated
from data.core.scope import Actor
from data.models import CommAccount, Event, User

ACCOUNT_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")


class CommAccountError(ValueError):
    """A binding was refused; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _password_length(password: str) -> str | None:
    return "comm_password_required" if len(password) > 64 else None  # the page says: given, at most 64


class CommAccountForm(Form):
    """The account (3 to 64 letters, digits or . _ @ -) and its password (given, at most 64 characters)."""

    account: Annotated[AnyText, needed("comm_account_format"), matching(ACCOUNT_RE, "comm_account_format")] = ""
    password: Annotated[ExactText, needed("comm_password_required"), checked_by(_password_length)] = ""


@dataclass(frozen=True)
class CommAccountView:
    account: str
    bound_at: datetime
    bound_by: str | None


def comm_account(s: Session, actor: Actor) -> CommAccountView | None:
    """Return the actor's enterprise's bound account, without its password."""
    row = s.execute(
        select(CommAccount.account, CommAccount.bound_at, User.real_name)
        .outerjoin(User, User.id == CommAccount.bound_by)
        .where(CommAccount.enterprise_id == actor.own_enterprise(Perm.ENTERPRISE_MANAGE))
    ).first()
    return CommAccountView(*row) if row else None


def bind_comm_account(s: Session, actor: Actor, account: str, password: str, cipher: Fernet, *,
                      now: datetime | None = None) -> None:
    """Bind (or re-bind) the enterprise's communication account, storing the password encrypted."""
    enterprise_id = actor.own_enterprise(Perm.ENTERPRISE_MANAGE)
    form, errors = validated(CommAccountForm, {"account": account, "password": password})
    if form is None:
        raise CommAccountError(next(iter(errors.values())))
    account, password = form.account, form.password
    now = now or datetime.now(timezone.utc)
    row = s.get(CommAccount, enterprise_id) or CommAccount(enterprise_id=enterprise_id)
    row.account = account
    row.password_encrypted = cipher.encrypt(password.encode()).decode()
    row.bound_at = now
    row.bound_by = actor.user_id
    s.add(row)
    s.add(Event(code="enterprise.comm_bound", actor_id=actor.user_id, object_type="enterprise",
                object_id=str(enterprise_id), enterprise_id=enterprise_id, at=now,
                message=f"communication account {account} bound", details={"account": account}))


def unbind_comm_account(s: Session, actor: Actor, *, now: datetime | None = None) -> None:
    """Remove the enterprise's communication account and its stored password."""
    enterprise_id = actor.own_enterprise(Perm.ENTERPRISE_MANAGE)
    row = s.get(CommAccount, enterprise_id)
    if row is None:
        raise CommAccountError("comm_not_bound")
    s.delete(row)
    s.add(Event(code="enterprise.comm_unbound", actor_id=actor.user_id, object_type="enterprise",
                object_id=str(enterprise_id), enterprise_id=enterprise_id, at=now or datetime.now(timezone.utc),
                message=f"communication account {row.account} unbound", details={"account": row.account}))


def comm_password(s: Session, enterprise_id: int, cipher: Fernet) -> str | None:
    """Decrypt the bound password for the ECIQ channel itself (never for display)."""
    row = s.get(CommAccount, enterprise_id)
    return cipher.decrypt(row.password_encrypted.encode()).decode() if row else None
