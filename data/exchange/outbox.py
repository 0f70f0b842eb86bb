"""The hub node's outbox: certificate changes waiting for, or on, their way to the ePhyto Hub.

Which destinations take certificates through the hub is the administrator's setting, per country, in
the country dictionary (`hub_exchange`: "phyto" for phytosanitary certificates only, as the ePhyto Hub
carries; "all" for every SPS certificate type, where the importing NPPO accepts them; empty: none).

`queue_change` is called by issuing, replacing and withdrawing, in their transaction: the certificate's
change and its envelope are stored together or not at all. An envelope holds the SPS XML as it was at
that moment, under a key of ours that never changes. Only electronically (cloud) signed certificates
travel: a paper certificate travels on paper. A withdrawal or replacement is sent only for a
certificate that went through the hub before (the importing country knows no other).

States: queued → sending → PendingDelivery → Delivered | DeliveredWithWarnings | FailedDelivery |
DeliveredNotReadable | EnvelopeNotExists (the hub's tracking words), or Refused (the hub answered
the envelope with an error) or Undeliverable (the hub stayed unreachable for MAX_ATTEMPTS tries).
A refused or undeliverable envelope can be queued again (`requeue`). The worker is data/exchange/node.py.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.certificates.sps_document import sps_document
from data.core.files import store_blob
from data.models import Certificate, CertStatus, DictEntry, Event, HubEnvelope, SigningMethod, as_utc
from exports.certificate.sps_xml import INSPECTION_CERTIFICATE, STATUS_ISSUED, STATUS_WITHDRAWN, TYPE_CODES

HUB_SETTING = "hub_exchange"  # the key in the country dictionary's extras
HUB_MODES = ("phyto", "all")
PHYTO_TYPES = frozenset({"851", "657"})  # UN/EDIFACT 1001: phytosanitary, and for re-export
SENDING_COUNTRY = "CN"

QUEUED, SENDING = "queued", "sending"
PENDING, DELIVERED, WARNINGS = "PendingDelivery", "Delivered", "DeliveredWithWarnings"
FAILED, NOT_READABLE, NOT_EXISTS = "FailedDelivery", "DeliveredNotReadable", "EnvelopeNotExists"
REFUSED, UNDELIVERABLE = "Refused", "Undeliverable"
TRACKING_STATES = (PENDING, DELIVERED, WARNINGS, FAILED, NOT_READABLE, NOT_EXISTS)  # the hub's words
FINAL_STATES = frozenset({DELIVERED, WARNINGS, FAILED, NOT_READABLE, NOT_EXISTS, REFUSED, UNDELIVERABLE})
STATES = (QUEUED, SENDING, *TRACKING_STATES, REFUSED, UNDELIVERABLE)
REQUEUEABLE = frozenset({REFUSED, UNDELIVERABLE, FAILED, NOT_READABLE, NOT_EXISTS})

MAX_ATTEMPTS = 24  # with the backoff below: about a day of trying
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)

EVENT_MESSAGES = {
    "hub.queued": "已排队，将经 ePhyto Hub 发送至进口国",
    "hub.sent": "ePhyto Hub 已接收，等待投递",
    "hub.delivered": "已投递至进口国",
    "hub.delivered_with_warnings": "已投递至进口国（有警告）",
    "hub.failed": "投递失败",
    "hub.refused": "ePhyto Hub 拒收",
    "hub.undeliverable": "多次无法连接 ePhyto Hub，已停止重试",
    "hub.requeued": "已重新排队发送",
}
FINAL_EVENTS = {DELIVERED: "hub.delivered", WARNINGS: "hub.delivered_with_warnings", FAILED: "hub.failed",
                NOT_READABLE: "hub.failed", NOT_EXISTS: "hub.failed", REFUSED: "hub.refused",
                UNDELIVERABLE: "hub.undeliverable"}


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 30 s, doubling, at most two hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def hub_mode(s: Session, country: str | None) -> str:
    """The administrator's setting for `country`: "phyto", "all" or "" (certificates do not go by the hub)."""
    if not country:
        return ""
    entry = s.get(DictEntry, ("country", country))
    mode = (entry.extra or {}).get(HUB_SETTING, "") if entry is not None and entry.active else ""
    return mode if mode in HUB_MODES else ""


def sps_type(cert_type_code: str) -> str:
    """The certificate type's UN/EDIFACT 1001 code, as the SPS XML states it."""
    return TYPE_CODES.get(cert_type_code, INSPECTION_CERTIFICATE)


def _travels(s: Session, cert: Certificate) -> bool:
    mode = hub_mode(s, cert.dest_country)
    return mode == "all" or (mode == "phyto" and sps_type(cert.cert_type_code) in PHYTO_TYPES)


def event(s: Session, envelope: HubEnvelope, code: str, now: datetime, detail: str = "", **details) -> None:
    """A line of the certificate's history (its receipts) about this envelope."""
    message = EVENT_MESSAGES[code] + (f"：{detail}" if detail else "")
    s.add(Event(code=code, actor_id=None, object_type="certificate", object_id=str(envelope.certificate_id),
                enterprise_id=envelope.enterprise_id, district_code=envelope.district_code, at=now,
                message=message[:1000], details={"envelope": envelope.envelope_key, "to": envelope.to_country,
                                                 "certificate_no": envelope.certificate_no, **details}))


def queue_change(s: Session, cert: Certificate, pdf: bytes, *, public_url: str | None, now: datetime) -> HubEnvelope | None:
    """Queue `cert`'s current status for the hub when it goes there; None when it does not."""
    if cert.signing_method != SigningMethod.CLOUD.value or not cert.dest_country:
        return None
    if cert.status == CertStatus.VALID.value:
        if not _travels(s, cert):
            return None
        status = STATUS_ISSUED
    else:  # replaced or withdrawn: only a certificate the importing country received from the hub
        sent_before = s.scalar(select(HubEnvelope.id).where(HubEnvelope.certificate_id == cert.id,
                                                            HubEnvelope.status_code == int(STATUS_ISSUED))
                               .limit(1))
        if sent_before is None:
            return None
        status = STATUS_WITHDRAWN
    document = sps_document(s, cert, pdf, public_url=public_url)
    envelope = HubEnvelope(
        envelope_key=str(uuid.uuid4()), certificate_id=cert.id, certificate_no=cert.certificate_no,
        district_code=cert.district_code, enterprise_id=cert.enterprise_id, to_country=cert.dest_country,
        type_code=int(sps_type(cert.cert_type_code)), status_code=int(status),
        content_sha256=store_blob(s, document, "application/xml"), state=QUEUED, attempts=0,
        next_attempt_at=now, created_at=now)
    s.add(envelope)
    s.flush()
    event(s, envelope, "hub.queued", now, f"{cert.dest_country} ({'签发' if status == STATUS_ISSUED else '撤销'})",
          status=status)
    return envelope


def requeue(s: Session, envelope: HubEnvelope, now: datetime) -> bool:
    """Send a refused, failed or undeliverable envelope again (same key, same content); False if it is not one."""
    if envelope.state not in REQUEUEABLE:
        return False
    envelope.state, envelope.attempts, envelope.next_attempt_at = QUEUED, 0, now
    envelope.hub_delivery_number = None
    envelope.claimed_at = envelope.settled_at = envelope.sent_at = None
    envelope.last_error = envelope.hub_message = None
    event(s, envelope, "hub.requeued", now)
    s.flush()
    return True


@dataclass(frozen=True)
class Delivery:
    """One envelope of a certificate, as the certificate page shows it."""

    envelope_key: str
    to_country: str
    status_code: int
    state: str
    hub_delivery_number: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    hub_message: str | None
    created_at: datetime
    sent_at: datetime | None
    settled_at: datetime | None


def deliveries(s: Session, certificate_id: int) -> tuple[Delivery, ...]:
    """The envelopes of one certificate, oldest first (the caller checked the actor may see it)."""
    return tuple(Delivery(e.envelope_key, e.to_country, e.status_code, e.state, e.hub_delivery_number, e.attempts,
                          as_utc(e.next_attempt_at) if e.state in (QUEUED, SENDING) else None, e.last_error,
                          e.hub_message, as_utc(e.created_at), as_utc(e.sent_at), as_utc(e.settled_at))
                 for e in s.scalars(select(HubEnvelope).where(HubEnvelope.certificate_id == certificate_id)
                                    .order_by(HubEnvelope.id)))
