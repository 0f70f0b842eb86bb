"""Inbound certificates matched to entry declarations (入境报检), as China e-Cert matches them.

- **By number.** An entry declaration lists the exporting country's certificate among its attached
  documents (兽医卫生证书, 植物检疫证书 … with the document's number). When exactly one declaration
  lists the number of a received certificate of that kind, the two are linked, whichever came first:
  `match_by_number` runs when a certificate is received and when a declaration is sent.
- **Proposed.** Otherwise an officer is shown the entry declarations of their districts that share the
  bill of lading, containers or consignee with the certificate, best first, and links one by hand
  (`link_inbound`); a link by hand is audited.
- **Missing.** An entry declaration that lists a certificate nobody has received yet is on the officer's
  list of declarations waiting for their certificate (`waiting_declarations`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.audit import record_change
from data.core.scope import AccessDenied, Actor, NotFound, row_scope
from data.models import Container, CustomsDistrict, Declaration, DeclarationDocument, InboundCertificate
from data.models.declarations import normalised_number
from data.reference.places import HOME_CUSTOMS, unloading_district

# attached-document codes of the certificates an exporting country issues, by UN/EDIFACT 1001 type
CERTIFICATE_DOCUMENTS = {"853": ("101006", "101008"), "851": ("101007",), "657": ("101007",), "852": ("101009",),
                         "856": ("101006", "101007", "101008", "101009")}
ALL_CERTIFICATE_DOCUMENTS = tuple(sorted({c for codes in CERTIFICATE_DOCUMENTS.values() for c in codes}))
LINK_PERMISSION = Perm.APPLICATION_REVIEW
SENT_STATUSES = ("sent", "receipted")
PROPOSALS = 10


def normalised(number: str | None) -> str:
    """A document number as people type it: no spaces, dashes, slashes, dots or underscores, upper case."""
    return re.sub(r"[\s\-/._]", "", number or "").upper()


def _normalised_column(column) -> ColumnElement[str]:
    """`normalised` in SQL (for stored numbers without tabs or line breaks, as forms keep them)."""
    return normalised_number(column)


@dataclass(frozen=True)
class Proposal:
    declaration_id: int
    inspection_no: str
    score: int
    reasons: tuple[str, ...]  # bill_of_lading | container:<no> | consignee | origin_country


@functools.cache
def _by_number(codes: tuple[str, ...]):
    """The sent entry declarations listing a certificate number among documents of `codes`: built once per codes
    (an inbound certificate is matched on every receipt; building and keying the statement cost more than running it)."""
    return (select(Declaration.id).join(DeclarationDocument, DeclarationDocument.declaration_id == Declaration.id)
            .where(Declaration.direction == "entry", Declaration.status.in_(SENT_STATUSES),
                   DeclarationDocument.doc_code.in_(codes),
                   _normalised_column(DeclarationDocument.doc_no) == bindparam("number"),
                   or_(Declaration.origin_country.is_(None), Declaration.origin_country == bindparam("country")))
            .distinct())


def match_by_number(s: Session, inbound: InboundCertificate) -> int | None:
    """Link the certificate to the one sent entry declaration that lists its number; return its id."""
    if inbound.declaration_id is not None:
        return inbound.declaration_id
    codes = CERTIFICATE_DOCUMENTS.get(inbound.type_code, ALL_CERTIFICATE_DOCUMENTS)
    found = s.scalars(_by_number(tuple(codes)), {"number": normalised(inbound.certificate_no),
                                                 "country": inbound.exporting_country}).all()
    if len(found) != 1:
        return None
    _link(s, inbound, found[0])
    return found[0]


def _link(s: Session, inbound: InboundCertificate, declaration_id: int | None) -> None:
    """Link (or, with None, unlink) and move the certificate to the district that now receives it."""
    inbound.declaration_id = declaration_id
    district = s.scalar(select(Declaration.district_code).where(Declaration.id == declaration_id)) \
        if declaration_id is not None else None
    inbound.district_code = district or port_district(s, inbound.unloading_port)
    s.flush()


def match_declaration(s: Session, declaration_id: int) -> list[int]:
    """When an entry declaration is sent: link the received certificates it lists; return their ids."""
    declaration = s.get(Declaration, declaration_id)
    if declaration is None or declaration.direction != "entry":
        return []
    numbers = {normalised(d.doc_no) for d in declaration.documents
               if d.doc_code in ALL_CERTIFICATE_DOCUMENTS and normalised(d.doc_no)}
    linked = []
    for inbound in s.scalars(select(InboundCertificate).where(InboundCertificate.declaration_id.is_(None))):
        if normalised(inbound.certificate_no) in numbers and match_by_number(s, inbound) == declaration_id:
            linked.append(inbound.id)
    return linked


def proposals(s: Session, actor: Actor, inbound: InboundCertificate) -> list[Proposal]:
    """The sent entry declarations in the actor's scope most likely to be this certificate's, best first."""
    containers = [c for c in inbound.containers if c]
    bls = [normalised(b) for b in inbound.bl_numbers if normalised(b)]
    consignee = (inbound.consignee or "").strip().upper()
    conditions: list[ColumnElement[bool]] = []
    if bls:
        conditions.append(_normalised_column(Declaration.bl_no).in_(bls))
    if containers:
        conditions.append(Declaration.id.in_(select(Container.declaration_id).where(Container.number.in_(containers))))
    if consignee:
        conditions.append(or_(func.upper(Declaration.consignee_en) == consignee,
                              func.upper(Declaration.consignee_zh) == consignee))
    if not conditions:
        return []
    rows = s.scalars(select(Declaration).where(
        and_(Declaration.direction == "entry", Declaration.status.in_(SENT_STATUSES), row_scope(actor, Declaration),
             or_(*conditions))).limit(200)).all()
    found = []
    for d in rows:
        reasons = []
        if d.bl_no and normalised(d.bl_no) in bls:
            reasons.append("bill_of_lading")
        reasons += [f"container:{c.number}" for c in d.containers if c.number in containers]
        if consignee and consignee in ((d.consignee_en or "").strip().upper(), (d.consignee_zh or "").strip().upper()):
            reasons.append("consignee")
        if d.origin_country == inbound.exporting_country:
            reasons.append("origin_country")
        score = sum(3 if r == "bill_of_lading" else 2 if r.startswith("container:") else 1 for r in reasons)
        found.append(Proposal(d.id, d.inspection_no or "", score, tuple(reasons)))
    return sorted(found, key=lambda p: (-p.score, p.declaration_id))[:PROPOSALS]


def link_inbound(s: Session, actor: Actor, inbound_id: int, declaration_id: int | None) -> InboundCertificate:
    """An officer links a received certificate to an entry declaration of their districts (None: unlinks)."""
    actor.require(LINK_PERMISSION)
    inbound = s.get(InboundCertificate, inbound_id)
    if inbound is None:
        raise NotFound("inbound certificate")
    if inbound.declaration_id is not None and s.scalar(
            select(Declaration.id).where(Declaration.id == inbound.declaration_id, row_scope(actor, Declaration))) is None:
        raise AccessDenied("the certificate is linked to a declaration outside your districts")
    if declaration_id is not None:
        target = s.scalar(select(Declaration).where(Declaration.id == declaration_id, Declaration.direction == "entry",
                                                    row_scope(actor, Declaration)))
        if target is None:
            raise NotFound("entry declaration")
    before = {"declaration_id": inbound.declaration_id}
    _link(s, inbound, declaration_id)
    record_change(s, actor, "inbound.linked" if declaration_id else "inbound.unlinked", "inbound_certificate",
                  inbound.id, before, {"declaration_id": declaration_id})
    return inbound


def waiting_declarations(s: Session, actor: Actor) -> list[tuple[int, str, str]]:
    """Sent entry declarations of the actor's scope listing a certificate not received yet:
    (declaration id, inspection no, the certificate number they list)."""
    rows = s.execute(_waiting(select(Declaration.id, Declaration.inspection_no, DeclarationDocument.doc_no), actor)
                     .order_by(Declaration.id)).all()
    return [(r.id, r.inspection_no or "", r.doc_no or "") for r in rows]


def count_waiting_declarations(s: Session, actor: Actor) -> int:
    """How many declarations `waiting_declarations` lists (counted by the store, for the home page)."""
    return s.scalar(_waiting(select(func.count(func.distinct(Declaration.id))), actor)) or 0


def _waiting(query: Select, actor: Actor) -> Select:
    received = select(InboundCertificate.id).where(InboundCertificate.declaration_id == Declaration.id)
    return (query.select_from(Declaration)
            .join(DeclarationDocument, DeclarationDocument.declaration_id == Declaration.id)
            .where(Declaration.direction == "entry", Declaration.status.in_(SENT_STATUSES),
                   row_scope(actor, Declaration), DeclarationDocument.doc_code.in_(ALL_CERTIFICATE_DOCUMENTS),
                   ~received.exists()))


def port_district(s: Session, port: str | None) -> str | None:
    """The district receiving a certificate for `port` until it is matched; for a port not ours, the direct
    customs of our districts (places.HOME_CUSTOMS), or the first top-level customs of a store without it."""
    for code in (unloading_district(port), HOME_CUSTOMS):
        if code is not None and s.get(CustomsDistrict, code) is not None:
            return code
    return s.scalar(_TOP_DISTRICT)


_TOP_DISTRICT = select(CustomsDistrict.code).where(CustomsDistrict.parent_code.is_(None)).order_by(
    CustomsDistrict.code).limit(1)



def listed_numbers(s: Session, numbers: set[str]) -> set[str]:
    """Which of these normalised certificate numbers some sent entry declaration lists among its documents
    (asked once for a group of received certificates, so that the others skip `match_by_number`)."""
    if not numbers:
        return set()
    column = _normalised_column(DeclarationDocument.doc_no)
    return set(s.scalars(
        select(column).distinct().join(Declaration, DeclarationDocument.declaration_id == Declaration.id)
        .where(Declaration.direction == "entry", Declaration.status.in_(SENT_STATUSES),
               DeclarationDocument.doc_code.in_(ALL_CERTIFICATE_DOCUMENTS), column.in_(numbers))))
