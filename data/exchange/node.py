"""The hub node's worker: send what the outbox holds, follow it to the importing country, take in what
other countries sent to China.

One `run_cycle` does the three in turn; `flask hub deliver`, `flask hub pull`, the background loop of
`make run` and the Celery task all call these functions. Each envelope is its own transaction, so a
crash loses at most the step in flight, and that step is safe to do again:

- sending: the envelope is claimed (state `sending`, committed) before the SOAP call and recorded after
  it. A worker that dies in between leaves it claimed; after LEASE the next cycle asks the hub what it
  holds (GetUnderDeliveryEnvelope) and adopts the delivery number it finds, or sends again under the
  same envelope key, which the hub takes as the same envelope. The hub being down puts the envelope
  back with a growing wait (outbox.retry_wait) and ends the cycle's sending; a fault from the hub is a
  refusal (state Refused, with the hub's message) that a person looks at.
- tracking: each envelope on its way is asked about, at first after 10 s, then less often (half its
  age, at most 10 minutes), until the hub gives a final state.
- receiving: each envelope waiting for China is pulled, checked and stored by
  data.exchange.inbound.receive_sps and committed, then acknowledged. A refused one is acknowledged as
  failed, with the reasons, and nothing of it is stored but an audit line. A crash before the
  acknowledgement makes the hub offer the envelope again: it is then a duplicate (same envelope id),
  stored nothing and acknowledged.
"""
from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from data.exchange.hub_client import Header, HubFault, HubUnavailable
from data.exchange.inbound import InboundRefused, Known, receive_sps
from data.exchange.outbox import (
    FINAL_EVENTS,
    FINAL_STATES,
    MAX_ATTEMPTS,
    PENDING,
    QUEUED,
    REFUSED,
    SENDING,
    SENDING_COUNTRY,
    UNDELIVERABLE,
    event,
    retry_wait,
)
from data.models import Blob, Event, HubEnvelope, as_utc, utcnow
from exports.certificate.sps_schema import Finding

LEASE = timedelta(minutes=5)  # a claim older than this is a worker that died while sending
TRACK_FIRST, TRACK_LONGEST = timedelta(seconds=10), timedelta(minutes=10)
BATCH = 500  # envelopes per step of a round
CLAIM = 50  # envelopes claimed at once
RECORD = 25  # answers of the hub written at once
RECEIVE = 25  # envelopes pulled, then stored in one transaction, then acknowledged
log = logging.getLogger(__name__)


class Hub(Protocol):
    """What the worker needs of the hub (data.exchange.hub_client.HubClient)."""

    def deliver(self, *, to_country: str, from_country: str, certificate_type: int, certificate_status: int,
                certificate_no: str, content: str, envelope_key: str) -> Header: ...

    def tracking(self, delivery_number: str) -> Header: ...

    def under_delivery(self) -> list[Header]: ...

    def import_headers(self, country: str) -> list[Header]: ...

    def pull(self, delivery_number: str) -> tuple[Header, str]: ...

    def acknowledge(self, delivery_number: str) -> None: ...

    def acknowledge_failed(self, delivery_number: str, message: str) -> None: ...


@dataclass
class CycleReport:
    sent: int = 0
    retried: int = 0
    refused: int = 0
    undeliverable: int = 0
    recovered: int = 0
    tracked: int = 0
    settled: int = 0
    pulled: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    hub_down: str | None = None  # why the cycle stopped early, when the hub could not be reached
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{name} {value}" for name, value in vars(self).items() if isinstance(value, int) and value]
        text = ", ".join(parts) or "nothing to do"
        return text + (f"; hub unreachable: {self.hub_down}" if self.hub_down else "")


# --- sending ------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    """What became of one claimed envelope in this round, written with the others of its group."""

    envelope: HubEnvelope
    header: Header | None = None
    fault: str | None = None
    down: str | None = None


def _settle(s: Session, envelope: HubEnvelope, state: str, message: str | None, now: datetime,
            report: CycleReport) -> None:
    envelope.state, envelope.settled_at, envelope.claimed_at, envelope.claim_token = state, now, None, None
    if message:
        envelope.hub_message = message[:4000]
    event(s, envelope, FINAL_EVENTS[state], now, message or "", state=state)
    report.settled += 1


def _accepted(s: Session, envelope: HubEnvelope, header: Header, now: datetime, report: CycleReport) -> None:
    envelope.hub_delivery_number = header.delivery_number
    envelope.sent_at, envelope.claimed_at, envelope.claim_token, envelope.last_error = now, None, None, None
    envelope.next_attempt_at = now + TRACK_FIRST
    envelope.state = PENDING
    event(s, envelope, "hub.sent", now, header.delivery_number or "", delivery_number=header.delivery_number)
    if header.tracking in FINAL_STATES:
        _settle(s, envelope, header.tracking or "", header.error_message, now, report)


def _record(s: Session, outcomes: list[_Outcome], now: datetime, report: CycleReport) -> None:
    """Write what the hub answered for a group of envelopes, in one short transaction (no network inside)."""
    for o in outcomes:
        e = o.envelope
        e.attempts += 1
        if o.header is not None:
            _accepted(s, e, o.header, now, report)
            report.sent += 1
        elif o.fault is not None:
            _settle(s, e, REFUSED, o.fault, now, report)
            report.refused += 1
        else:
            e.claimed_at, e.claim_token, e.last_error = None, None, (o.down or "")[:4000]
            if e.attempts >= MAX_ATTEMPTS:
                _settle(s, e, UNDELIVERABLE, o.down, now, report)
                report.undeliverable += 1
            else:
                e.state, e.next_attempt_at = QUEUED, now + retry_wait(e.attempts)
                report.retried += 1
    s.commit()


def _recover(s: Session, hub: Hub, now: datetime, report: CycleReport) -> None:
    """Envelopes claimed by a worker that stopped while sending: adopt what the hub holds, else send again."""
    stale = s.scalars(select(HubEnvelope).where(HubEnvelope.state == SENDING, HubEnvelope.claimed_at < now - LEASE)
                      .order_by(HubEnvelope.id).limit(BATCH)).all()
    if not stale:
        return
    held = {(h.to_country, h.certificate_no, h.certificate_status): h for h in hub.under_delivery()}
    for envelope in stale:
        header = held.get((envelope.to_country, envelope.certificate_no, envelope.status_code))
        if header is not None and header.delivery_number:
            _accepted(s, envelope, header, now, report)
        else:  # not at the hub, or already delivered: the same key again is the same envelope to the hub
            envelope.state, envelope.claimed_at, envelope.claim_token = QUEUED, None, None
            envelope.next_attempt_at = now
        report.recovered += 1
    s.commit()


def _claim(s: Session, now: datetime, limit: int) -> list[HubEnvelope]:
    """Take up to `limit` due envelopes for this round (committed before the hub hears of any)."""
    due = s.scalars(select(HubEnvelope.id).where(HubEnvelope.state == QUEUED, HubEnvelope.next_attempt_at <= now)
                    .order_by(HubEnvelope.next_attempt_at, HubEnvelope.id).limit(limit)).all()
    if not due:
        return []
    token = str(uuid.uuid4())
    s.execute(update(HubEnvelope).where(HubEnvelope.id.in_(due), HubEnvelope.state == QUEUED)
              .values(state=SENDING, claimed_at=now, claim_token=token)
              .execution_options(synchronize_session=False))
    s.commit()
    return list(s.scalars(select(HubEnvelope).where(HubEnvelope.claim_token == token)
                          .order_by(HubEnvelope.next_attempt_at, HubEnvelope.id)
                          .execution_options(populate_existing=True)))


def deliver_due(s: Session, hub: Hub, *, now: datetime | None = None, limit: int = BATCH,
                report: CycleReport | None = None) -> CycleReport:
    """Send the envelopes that are due; stop at the first sign the hub is down.

    Envelopes are claimed CLAIM at a time, and what the hub answered is written RECORD at a time; no
    transaction stays open while the hub is asked. A crash in between leaves envelopes claimed, which
    the round after LEASE recovers (`_recover`).
    """
    now = now or utcnow()
    report = report or CycleReport()
    try:
        _recover(s, hub, now, report)
    except (HubUnavailable, HubFault) as exc:
        s.rollback()
        report.hub_down = str(exc)
        return report
    left = limit
    while left > 0 and report.hub_down is None:
        claimed = _claim(s, now, min(CLAIM, left))
        if not claimed:
            break
        left -= len(claimed)
        contents = dict(s.execute(select(Blob.sha256, Blob.data).where(
            Blob.sha256.in_({e.content_sha256 for e in claimed}))).tuples().all())
        outcomes: list[_Outcome] = []
        for envelope in claimed:
            if report.hub_down is not None:  # not tried: back to the queue as it was
                envelope.state, envelope.claimed_at, envelope.claim_token = QUEUED, None, None
                continue
            try:
                header = hub.deliver(to_country=envelope.to_country, from_country=SENDING_COUNTRY,
                                     certificate_type=envelope.type_code, certificate_status=envelope.status_code,
                                     certificate_no=envelope.certificate_no,
                                     content=contents[envelope.content_sha256].decode("utf-8"),
                                     envelope_key=envelope.envelope_key)
                outcomes.append(_Outcome(envelope, header=header))
            except HubFault as exc:
                outcomes.append(_Outcome(envelope, fault=str(exc)))
            except HubUnavailable as exc:
                outcomes.append(_Outcome(envelope, down=str(exc)))
                report.hub_down = str(exc)
                log.warning("hub unreachable", extra={"envelope": envelope.envelope_key, "error": str(exc)[:300]})
            if len(outcomes) >= RECORD:
                _record(s, outcomes, now, report)
                outcomes = []
        _record(s, outcomes, now, report)
    return report


# --- tracking -----------------------------------------------------------------------------------


def _track_wait(envelope: HubEnvelope, now: datetime) -> timedelta:
    age = now - as_utc(envelope.sent_at or now)
    return min(max(age / 2, TRACK_FIRST), TRACK_LONGEST)


def track_pending(s: Session, hub: Hub, *, now: datetime | None = None, limit: int = BATCH,
                  report: CycleReport | None = None) -> CycleReport:
    """Ask the hub where the envelopes on their way are; record the final ones."""
    now = now or utcnow()
    report = report or CycleReport()
    due = s.scalars(select(HubEnvelope).where(HubEnvelope.state == PENDING, HubEnvelope.next_attempt_at <= now)
                    .order_by(HubEnvelope.next_attempt_at, HubEnvelope.id).limit(limit)).all()
    for envelope in due:
        try:
            header = hub.tracking(envelope.hub_delivery_number or "")
        except HubUnavailable as exc:
            report.hub_down = str(exc)
            break
        except HubFault as exc:
            envelope.hub_message, envelope.next_attempt_at = str(exc)[:4000], now + _track_wait(envelope, now)
            s.commit()
            continue
        report.tracked += 1
        if header.tracking in FINAL_STATES:
            _settle(s, envelope, header.tracking or "", header.error_message, now, report)
        else:
            envelope.next_attempt_at = now + _track_wait(envelope, now)
        s.commit()
    return report


# --- receiving ----------------------------------------------------------------------------------

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _document(content: str) -> bytes:
    """The envelope's text as the bytes the parser reads (its declaration dropped: the text is Unicode now)."""
    return _DECLARATION.sub("", content, count=1).encode("utf-8")


def _refusal_text(reasons: list[Finding]) -> str:
    return "; ".join(str(r) for r in reasons[:20])[:4000]


def pull_inbound(s: Session, hub: Hub, *, now: datetime | None = None, limit: int = BATCH,
                 schema_dir: Path | None = None, report: CycleReport | None = None) -> CycleReport:
    """Take in the envelopes other countries sent to China: store and acknowledge, or acknowledge as failed.

    RECEIVE envelopes at a time are pulled, then checked and stored in one transaction (a refused one
    writes nothing but its audit line), committed, and only then acknowledged. No
    transaction stays open while the hub is asked. A crash before the commit leaves the envelopes
    unacknowledged (the hub offers them again); after it, they are duplicates next time.
    """
    now = now or utcnow()
    report = report or CycleReport()
    try:
        headers = [h for h in hub.import_headers(SENDING_COUNTRY) if h.delivery_number][:limit]
    except (HubUnavailable, HubFault) as exc:
        report.hub_down = str(exc)
        return report
    for first in range(0, len(headers), RECEIVE):
        pulled: list[tuple[str, Header, str]] = []
        for waiting in headers[first:first + RECEIVE]:
            number = waiting.delivery_number or ""
            try:
                header, content = hub.pull(number)
            except HubUnavailable as exc:
                report.hub_down = str(exc)
                break
            except HubFault as exc:
                report.notes.append(f"{number}: {exc}")
                continue
            pulled.append((number, header, content))
        report.pulled += len(pulled)
        documents = [(number, header, _document(content)) for number, header, content in pulled]
        known = Known.ask(s, [number for number, _h, _d in documents],
                          [(h.from_country, h.certificate_no) for _n, h, _d in documents if h.certificate_no],
                          [document for _n, _h, document in documents])
        answers = [(number, _receive(s, number, header, document, now, schema_dir, report, known))
                   for number, header, document in documents]
        s.commit()
        for number, refusal in answers:
            try:
                if refusal is None:
                    hub.acknowledge(number)
                else:
                    hub.acknowledge_failed(number, refusal)
            except HubUnavailable as exc:  # offered again next time: a duplicate then, acknowledged then
                report.hub_down = str(exc)
                break
            except HubFault as exc:
                report.notes.append(f"{number}: {exc}")
        if report.hub_down is not None:
            break
    return report


def _receive(s: Session, number: str, header: Header, document: bytes, now: datetime, schema_dir: Path | None,
             report: CycleReport, known: Known) -> str | None:
    """Check and store one pulled envelope; None when taken, else the reason for the hub.

    receive_sps refuses before it writes anything, so a refused envelope leaves nothing in the transaction.
    """
    try:
        received = receive_sps(s, document, source="hub", envelope_id=number,
                               envelope_header=(header.from_country, header.certificate_no), now=now,
                               schema_dir=schema_dir, known=known)
    except InboundRefused as exc:
        report.rejected += 1
        message = _refusal_text(exc.reasons)
        s.add(Event(code="hub.inbound_refused", actor_id=None, object_type="hub_envelope", object_id=number[:64],
                    at=now, message=f"入境证书被拒收 {header.from_country} {header.certificate_no}：{message}"[:1000],
                    details={"from": header.from_country, "certificate_no": header.certificate_no,
                             "reasons": [str(r) for r in exc.reasons[:50]]}))
        return message
    if received.outcome == "duplicate":
        report.duplicates += 1
    else:
        report.stored += 1
    return None


def run_cycle(s: Session, hub: Hub, *, now: datetime | None = None, schema_dir: Path | None = None,
              send: bool = True, receive: bool = True) -> CycleReport:
    """One round of the node: send what is due, follow what is on its way, take in what waits for China."""
    report = CycleReport()
    if send:
        deliver_due(s, hub, now=now, report=report)
        if report.hub_down is None:
            track_pending(s, hub, now=now, report=report)
    if receive and report.hub_down is None:
        pull_inbound(s, hub, now=now, schema_dir=schema_dir, report=report)
    return report
