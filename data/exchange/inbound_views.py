"""What officers see of the certificates received from abroad (入境证书): the list of their districts', one
certificate with its goods, findings, matching proposals and history, the manual upload, and the counts
their home page shows.

An inbound certificate is seen by the officers of its district (data/exchange/inbound_matching.py moves
it to the district of the declaration it is matched to) and of the districts above it, and by
administrators; by nobody else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.audit import EventRow, object_history
from data.core.like import BACKSLASH, contains_pattern
from data.core.paging import Page, clamp_paging
from data.core.scope import AccessDenied, Actor, NotFound
from data.exchange.inbound import RECEIVED_TYPES, WITHDRAWN, InboundRefused, Received, receive_sps
from data.exchange.inbound_matching import Proposal, count_waiting_declarations, normalised, proposals
from data.models import Declaration, Event, InboundCertificate, as_utc
from data.models.declarations import normalised_number
from data.reference.places import unloading_district
from exports.certificate.sps_schema import Finding

VIEW_PERMISSION = Perm.APPLICATION_REVIEW
STATUS_FILTERS = ("all", "unmatched", "matched", "withdrawn")
MAX_PAGE_SIZE = 100
OBJECT_TYPE = "inbound_certificate"


def _require(actor: Actor | None) -> Actor:
    if actor is None or not actor.can(VIEW_PERMISSION) or not (actor.is_customs or actor.is_admin):
        raise AccessDenied(VIEW_PERMISSION)
    return actor


def inbound_scope(actor: Actor) -> ColumnElement[bool]:
    """The inbound certificates the actor sees: their districts' (administrators: all)."""
    if actor.is_admin:
        return true()
    if actor.is_customs and actor.district_codes:
        return InboundCertificate.district_code.in_(sorted(actor.district_codes))
    return false()


@dataclass(frozen=True)
class InboundRow:
    id: int
    exporting_country: str
    certificate_no: str
    type_code: str
    status_code: str
    consignee: str
    issued_at: datetime | None
    received_at: datetime
    source: str
    district_code: str | None
    inspection_no: str | None  # of the matched entry declaration


def list_inbound(s: Session, actor: Actor | None, *, status: str = "all", text: str = "", page: int = 0,
                 page_size: int = 25) -> Page[InboundRow]:
    """The inbound certificates of the actor's districts, newest first; ValueError for an unknown filter."""
    actor = _require(actor)
    if status not in STATUS_FILTERS:
        raise ValueError(f"unknown status filter {status!r}")
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    conditions = [inbound_scope(actor)]
    if status == "unmatched":
        conditions += [InboundCertificate.declaration_id.is_(None), InboundCertificate.status_code != WITHDRAWN]
    elif status == "matched":
        conditions.append(InboundCertificate.declaration_id.is_not(None))
    elif status == "withdrawn":
        conditions.append(InboundCertificate.status_code == WITHDRAWN)
    text = (text or "").strip()[:64]
    if text:
        pattern = contains_pattern(text.upper())
        conditions.append(or_(func.upper(InboundCertificate.certificate_no).like(pattern, escape=BACKSLASH),
                              func.upper(InboundCertificate.consignee).like(pattern, escape=BACKSLASH),
                              normalised_number(InboundCertificate.certificate_no) == normalised(text)))
    total = s.scalar(select(func.count()).select_from(InboundCertificate).where(*conditions)) or 0
    rows = s.execute(
        select(InboundCertificate, Declaration.inspection_no)
        .outerjoin(Declaration, Declaration.id == InboundCertificate.declaration_id)
        .where(*conditions).order_by(InboundCertificate.received_at.desc(), InboundCertificate.id.desc())
        .offset(page * page_size).limit(page_size)).all()
    return Page([InboundRow(r.id, r.exporting_country, r.certificate_no, r.type_code, r.status_code, r.consignee,
                            as_utc(r.issued_at), as_utc(r.received_at), r.source, r.district_code, inspection_no)
                 for r, inspection_no in rows], total, page, page_size)


@dataclass(frozen=True)
class InboundView:
    id: int
    exporting_country: str
    certificate_no: str
    type_code: str
    type_name: str
    status_code: str
    issued_at: datetime | None
    received_at: datetime
    status_changed_at: datetime | None
    consignor: str
    consignee: str
    bl_numbers: tuple[str, ...]
    containers: tuple[str, ...]
    goods: tuple[dict, ...]
    findings: tuple[Finding, ...]  # what the checks noticed (they let it through)
    source: str
    unloading_port: str
    district_code: str | None
    has_pdf: bool
    declaration_id: int | None
    inspection_no: str | None
    proposals: tuple[Proposal, ...]  # empty once matched
    history: tuple[EventRow, ...]
    may_link: bool


def _finding(stored) -> Finding:
    if isinstance(stored, dict):
        return Finding(0, "", str(stored.get("message", "")), str(stored.get("code", "")),
                       dict(stored.get("values") or {}))
    return Finding(0, "", str(stored))


def _load(s: Session, actor: Actor, inbound_id: object) -> InboundCertificate:
    try:
        key = int(str(inbound_id))
    except ValueError:
        raise NotFound("inbound certificate") from None
    row = s.scalar(select(InboundCertificate).where(InboundCertificate.id == key, inbound_scope(actor)))
    if row is None:
        raise NotFound("inbound certificate")
    return row


def inbound_view(s: Session, actor: Actor | None, inbound_id: object) -> InboundView:
    """One inbound certificate of the actor's districts (NotFound otherwise), with what an officer works with."""
    actor = _require(actor)
    row = _load(s, actor, inbound_id)
    declaration = s.get(Declaration, row.declaration_id) if row.declaration_id else None
    return InboundView(
        row.id, row.exporting_country, row.certificate_no, row.type_code, RECEIVED_TYPES.get(row.type_code, ""),
        row.status_code, as_utc(row.issued_at), as_utc(row.received_at), as_utc(row.status_changed_at),
        row.consignor, row.consignee, tuple(row.bl_numbers or ()), tuple(row.containers or ()),
        tuple(row.goods or ()), tuple(_finding(f) for f in row.findings or ()), row.source, row.unloading_port,
        row.district_code, row.pdf_sha256 is not None, row.declaration_id,
        declaration.inspection_no if declaration else None,
        tuple(proposals(s, actor, row)) if row.declaration_id is None else (),
        tuple(object_history(s, actor, OBJECT_TYPE, str(row.id))), actor.can(VIEW_PERMISSION))


def inbound_pdf(s: Session, actor: Actor | None, inbound_id: object) -> bytes:
    """The PDF attached to an inbound certificate of the actor's districts; NotFound without one."""
    from data.models import Blob

    actor = _require(actor)
    row = _load(s, actor, inbound_id)
    blob = s.get(Blob, row.pdf_sha256) if row.pdf_sha256 else None
    if blob is None:
        raise NotFound("attached PDF")
    return blob.data


def upload_inbound(s: Session, actor: Actor | None, document: bytes) -> Received:
    """An officer's upload of an SPS XML received outside the hub: the same checks, all or nothing.

    InboundRefused with every reason (line, element path and message) when it is not taken. A certificate
    whose unloading port is not one of ours goes to the uploader's district, not to the top customs.
    """
    actor = _require(actor)
    received = receive_sps(s, document, source="upload", received_by=actor.user_id)
    row = received.certificate
    if (received.outcome == "stored" and row.declaration_id is None and actor.district_code
            and unloading_district(row.unloading_port) is None):
        row.district_code = actor.district_code
        s.flush()
    return received


@dataclass(frozen=True)
class InboundCounts:
    unmatched: int  # received, not withdrawn, no declaration yet
    waiting: int  # sent entry declarations listing a certificate not received yet


def inbound_counts(s: Session, actor: Actor | None) -> InboundCounts | None:
    """What the officer's home page says of inbound certificates; None for users who do not work with them."""
    if actor is None or not actor.can(VIEW_PERMISSION) or not (actor.is_customs or actor.is_admin):
        return None
    unmatched = s.scalar(select(func.count()).select_from(InboundCertificate).where(
        inbound_scope(actor), InboundCertificate.declaration_id.is_(None),
        InboundCertificate.status_code != WITHDRAWN)) or 0
    return InboundCounts(unmatched, count_waiting_declarations(s, actor))


def refused_envelopes(s: Session, actor: Actor | None, limit: int = 20) -> list[Event]:
    """The hub envelopes refused lately (administrators only: they belong to no district until read)."""
    if actor is None or not actor.is_admin:
        return []
    return list(s.scalars(select(Event).where(Event.code == "hub.inbound_refused").order_by(Event.at.desc())
                          .limit(limit)))


__all__ = ["InboundRefused", "InboundRow", "InboundView", "InboundCounts", "STATUS_FILTERS", "inbound_counts",
           "inbound_pdf", "inbound_view", "list_inbound", "refused_envelopes", "upload_inbound"]
