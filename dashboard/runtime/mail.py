"""Delivery of the mail outbox: SMTP when configured, else .eml files in the instance outbox folder."""
from __future__ import annotations

import smtplib
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from dashboard.core.config import Settings
from dashboard.runtime.store import current_store
from data.core.db import transaction
from data.core.mail import pending_mail, record_delivery
from data.models import OutgoingMail


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(idstring=f"certdash-{mail.id}")
    msg.set_content(mail.body)
    return msg


def deliver_pending(sessions: sessionmaker[Session], settings: Settings) -> tuple[int, int]:
    """Send what the outbox holds; return (sent, failed). A failure is kept for a later attempt."""
    sent = failed = 0
    with transaction(sessions) as s:
        for mail in pending_mail(s):
            message = build_message(mail, settings.mail_from)
            try:
                if settings.smtp is None:
                    _write_outbox(settings.instance_path / "outbox", mail, message)
                else:
                    _send_smtp(settings, message)
            except (OSError, smtplib.SMTPException) as exc:
                record_delivery(mail, f"{type(exc).__name__}: {exc}")
                failed += 1
            else:
                record_delivery(mail, None)
                sent += 1
    return sent, failed


def _write_outbox(folder: Path, mail: OutgoingMail, message: EmailMessage) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{mail.id:08d}.eml").write_bytes(bytes(message))


def _send_smtp(settings: Settings, message: EmailMessage) -> None:
    smtp = settings.smtp
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)


def deliver_in_background() -> None:
    """Deliver the outbox in a thread after the request's transaction has committed."""
    sessions, settings = current_store().sessions, current_app.config["CERTDASH_SETTINGS"]
    threading.Thread(target=deliver_pending, args=(sessions, settings), daemon=True, name="mail").start()
