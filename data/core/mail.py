"""The mail outbox: messages are written in the same transaction as the change they report."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import OutgoingMail

MAX_ATTEMPTS = 5


def queue_mail(s: Session, to_address: str, subject: str, body: str) -> OutgoingMail:
    """Add a message to the outbox; it is delivered only if the caller's transaction commits."""
    mail = OutgoingMail(to_address=to_address, subject=subject, body=body)
    s.add(mail)
    return mail


def pending_mail(s: Session, limit: int = 50) -> list[OutgoingMail]:
    """Return undelivered messages, oldest first, that have not used up their attempts."""
    return list(s.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingMail.id)
        .limit(limit)
    ))


def record_delivery(mail: OutgoingMail, error: str | None, now: datetime | None = None) -> None:
    mail.attempts += 1
    if error is None:
        mail.sent_at = now or datetime.now(timezone.utc)
        mail.last_error = None
    else:
        mail.last_error = error[:2000]
