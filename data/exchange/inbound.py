"""Certificates other countries issue for goods coming to China (入境证书), received as SPS XML.

`receive_sps` is the one way in, whatever carried the document (the ePhyto Hub, an officer's upload,
`flask sps import`). It checks, in order, and refuses with every reason it found:

1. the document: well-formed, no DTD or entity, the SPS Certificate 17 namespace, valid against the
   schema set (exports/certificate/sps_schema.py);
2. the business rules: addressed to China; a certificate type China receives; a status of issued
   (70) or withdrawn (40); issued neither in the future nor before a withdrawal it would undo; the
   attached PDF, when there is one, matching the SHA-256 its sender stated and, when signed, with a
   signature that is intact and valid (the foreign signer is not in China's trust roots: trust is
   the exchange's business, integrity ours).

A document that passes is stored with the XML as received and its PDF, in the caller's transaction:
all or nothing. The same document again, or the same hub envelope again, stores nothing and says
so (a hub acknowledges it as received). A withdrawal (40) of a certificate already received updates
it; an issued certificate already received under that number with other content is refused.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, tuple_
from sqlalchemy.orm import Session

from data.core.files import store_blob
from data.exchange.inbound_matching import listed_numbers, match_by_number, normalised, port_district
from data.models import Blob, InboundCertificate, as_utc
from data.reference.places import unloading_district
from exports.certificate.signature_check import SignatureReport, check_pdf_signature
from exports.certificate.sps_read import SpsFacts, read_sps
from exports.certificate.sps_schema import Finding, sps_checked

IMPORTING_COUNTRY = "CN"
# UN/EDIFACT 1001 types China receives: phytosanitary, sanitary, veterinary, inspection, and the re-export
# phytosanitary certificate; their names for the officers' pages
RECEIVED_TYPES = {"851": "Phytosanitary certificate", "852": "Sanitary certificate", "853": "Veterinary certificate",
                  "856": "Inspection certificate", "657": "Phytosanitary certificate for re-export"}
ISSUED, WITHDRAWN = "70", "40"
SOURCES = ("hub", "upload", "command")
CLOCK_SKEW = timedelta(days=1)  # an issuing country a time zone ahead may date a certificate tomorrow


# built once: every receipt runs both (keying a statement costs more than running it)
_BY_ENVELOPE = select(InboundCertificate).where(InboundCertificate.envelope_id == bindparam("envelope"))
_ADD_BLOB = insert(cast(Table, Blob.__table__))  # written without the unit of work: see Known.blob
_BY_NUMBER = select(InboundCertificate).where(InboundCertificate.exporting_country == bindparam("country"),
                                              InboundCertificate.certificate_no == bindparam("number"))


class InboundRefused(Exception):
    """The document is not stored; `reasons` says why, each with where in the document when known."""

    def __init__(self, reasons: list[Finding]):
        super().__init__("; ".join(str(r) for r in reasons[:5]))
        self.reasons = reasons


@dataclass
class Known:
    """What the store holds that receiving asks about, asked once for a group of documents (the hub node
    pulls envelopes 25 at a time); receive_sps asks the store itself about anything the group did not name.

    `Known()` names nothing: every question goes to the store. `Known.ask` names a group's envelope ids,
    (exporting country, certificate number) pairs and documents; rows stored while the group is received
    are added, so two envelopes of one group carrying the same certificate are still seen as one.
    """

    envelopes: dict[str, InboundCertificate | None] = field(default_factory=dict)
    certificates: dict[tuple[str, str], InboundCertificate | None] = field(default_factory=dict)
    blobs: dict[str, bool] = field(default_factory=dict)  # digest -> the store holds it
    listed: set[str] | None = None  # normalised numbers some sent entry declaration lists; None: not asked
    districts: dict[str | None, str | None] = field(default_factory=dict)

    @classmethod
    def ask(cls, s: Session, envelope_ids: Iterable[str], numbers: Iterable[tuple[str, str]],
            documents: Iterable[bytes]) -> Known:
        envelope_ids = {e[:64] for e in envelope_ids}
        numbers = {(country, number[:64]) for country, number in numbers}
        known = cls(envelopes=dict.fromkeys(envelope_ids), certificates=dict.fromkeys(numbers),
                    blobs=dict.fromkeys((hashlib.sha256(d).hexdigest() for d in documents), False),
                    listed=listed_numbers(s, {normalised(number) for _country, number in numbers}))
        if envelope_ids or numbers:
            for row in s.scalars(select(InboundCertificate).where(
                    InboundCertificate.envelope_id.in_(envelope_ids)
                    | tuple_(InboundCertificate.exporting_country, InboundCertificate.certificate_no).in_(numbers))):
                known._add(row)
        if known.blobs:
            for digest in s.scalars(select(Blob.sha256).where(Blob.sha256.in_(known.blobs))):
                known.blobs[digest] = True
        return known

    @property
    def grouped(self) -> bool:
        return self.listed is not None

    def _add(self, row: InboundCertificate) -> None:
        if row.envelope_id is not None and row.envelope_id in self.envelopes:
            self.envelopes[row.envelope_id] = row
        if (row.exporting_country, row.certificate_no) in self.certificates:
            self.certificates[(row.exporting_country, row.certificate_no)] = row

    def by_envelope(self, s: Session, envelope_id: str) -> InboundCertificate | None:
        if envelope_id in self.envelopes:
            return self.envelopes[envelope_id]
        return s.scalar(_BY_ENVELOPE, {"envelope": envelope_id})

    def by_number(self, s: Session, country: str, number: str) -> InboundCertificate | None:
        if (country, number) in self.certificates:
            return self.certificates[(country, number)]
        return s.scalar(_BY_NUMBER, {"country": country, "number": number})

    def blob(self, s: Session, content: bytes, media_type: str) -> str:
        digest = hashlib.sha256(content).hexdigest()
        if digest not in self.blobs:
            return store_blob(s, content, media_type)
        if not self.blobs[digest]:  # written at once (the rows naming it wait for the group's flush)
            s.connection().execute(_ADD_BLOB, {"sha256": digest, "size": len(content), "media_type": media_type,
                                               "data": content})
            self.blobs[digest] = True
        return digest

    def district(self, s: Session, port: str | None) -> str | None:
        if port not in self.districts:
            self.districts[port] = port_district(s, port)
        return self.districts[port]

    def match(self, s: Session, row: InboundCertificate) -> None:
        if self.listed is None or normalised(row.certificate_no) in self.listed:
            match_by_number(s, row)


@dataclass(frozen=True)
class Received:
    certificate: InboundCertificate
    outcome: str  # stored | withdrawn | duplicate


def _rule(code: str, message: str, **values) -> Finding:
    return Finding(0, "", message, code, values)


def pdf_report(facts: SpsFacts) -> SignatureReport | None:
    """The signature check of the attached PDF (no trust roots: the foreign signer is not China's), once."""
    pdf = facts.pdf
    return check_pdf_signature(pdf, []) if pdf and pdf.startswith(b"%PDF-") else None


def business_findings(facts: SpsFacts, now: datetime, report: SignatureReport | None = None) -> list[Finding]:
    """What keeps a schema-valid certificate from being one China receives (`report`: pdf_report(facts))."""
    found = []
    if facts.importing_country != IMPORTING_COUNTRY:
        found.append(_rule("addressed_elsewhere", f"the certificate is addressed to {facts.importing_country or 'no country'}, "
                           f"not to China ({IMPORTING_COUNTRY})", country=facts.importing_country or "-"))
    if facts.exporting_country == IMPORTING_COUNTRY:
        found.append(_rule("exported_by_china", "the exporting country is China: this is not an inbound certificate"))
    if facts.type_code not in RECEIVED_TYPES:
        found.append(_rule("unknown_type", f"certificate type {facts.type_code} is not one China receives "
                           f"({', '.join(sorted(RECEIVED_TYPES))})", type=facts.type_code or "-"))
    if facts.status_code not in (ISSUED, WITHDRAWN):
        found.append(_rule("bad_status", f"status {facts.status_code} is neither issued (70) nor withdrawn (40)",
                           status=facts.status_code or "-"))
    if facts.issued_at is None:
        found.append(_rule("no_issue_date", "the issue date and time cannot be read"))
    elif facts.issued_at > now + CLOCK_SKEW:
        found.append(_rule("future_date", f"the certificate is dated {facts.issued_at:%Y-%m-%d}, in the future",
                           date=f"{facts.issued_at:%Y-%m-%d}"))
    if not facts.certificate_no.strip():
        found.append(_rule("no_number", "the certificate has no number"))
    if facts.pdf is not None:
        found += _pdf_findings(facts, report if report is not None else pdf_report(facts))
    return found


def _pdf_findings(facts: SpsFacts, report: SignatureReport | None) -> list[Finding]:
    pdf = facts.pdf or b""
    if not pdf.startswith(b"%PDF-") or report is None:
        return [_rule("pdf_not_pdf", "the attached certificate is not a PDF")]
    if facts.pdf_sha256_stated and hashlib.sha256(pdf).hexdigest() != facts.pdf_sha256_stated:
        return [_rule("pdf_changed", "the attached PDF does not match the SHA-256 its sender stated: it was changed on "
                      "the way")]
    if report.signed and not (report.intact and report.valid):
        return [_rule("pdf_signature_broken", "the attached PDF's signature does not hold: the file was changed after "
                      "signing")]
    return []


def notes(facts: SpsFacts, report: SignatureReport | None) -> list[Finding]:
    """What the checks noticed on a certificate they let through, for the officers who work with it."""
    found = []
    if facts.pdf is None:
        found.append(_rule("note_no_pdf", "no PDF is attached: the XML is the certificate"))
    elif report is not None and not report.signed:
        found.append(_rule("note_pdf_unsigned", "the attached PDF is not electronically signed"))
    elif report is not None:
        found.append(_rule("note_pdf_signed", "the attached PDF's signature is intact; its signer is the exporting "
                                              "country's authority, whose certificate is not among China's roots"))
    if unloading_district(facts.unloading_port) is None:
        found.append(_rule("note_port_unknown", f"the unloading port {facts.unloading_port or '(none)'} is not one of "
                                                "the districts' ports", port=facts.unloading_port or "-"))
    return found


def envelope_findings(facts: SpsFacts, sender: str, certificate_no: str) -> list[Finding]:
    """What makes a hub envelope's header (From, NPPOCertificateNumber) disagree with the certificate it holds."""
    found = []
    if sender and sender != facts.exporting_country:
        found.append(_rule("envelope_sender", f"the envelope comes from {sender} but the certificate was issued by "
                           f"{facts.exporting_country}", sender=sender, country=facts.exporting_country))
    if certificate_no and certificate_no.strip() != facts.certificate_no.strip():
        found.append(_rule("envelope_number", f"the envelope names certificate {certificate_no} but holds "
                           f"{facts.certificate_no}", named=certificate_no, number=facts.certificate_no))
    return found


def receive_sps(s: Session, document: bytes, *, source: str, received_by: int | None = None,
                envelope_id: str | None = None, envelope_header: tuple[str, str] | None = None,
                now: datetime | None = None, schema_dir: Path | None = None, known: Known | None = None) -> Received:
    """Check an SPS certificate sent to China and store it; InboundRefused (nothing written) if it fails.

    `envelope_header`: the (From, NPPOCertificateNumber) of the hub envelope that carried it, which must agree.
    `known`: what a caller receiving a group of documents asked the store once for all of them.
    """
    known = known or Known()
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    now = now or datetime.now(timezone.utc)
    if envelope_id:
        seen = known.by_envelope(s, envelope_id[:64])
        if seen is not None:
            return Received(seen, "duplicate")
    findings, root = sps_checked(document, schema_dir)
    if findings:
        raise InboundRefused(findings)
    facts = read_sps(document, root)
    report = pdf_report(facts)
    findings = business_findings(facts, now, report)
    if envelope_header is not None:
        findings += envelope_findings(facts, *envelope_header)
    if findings:
        raise InboundRefused(findings)
    digest = hashlib.sha256(document).hexdigest()
    existing = known.by_number(s, facts.exporting_country, facts.certificate_no[:64])
    if existing is not None:
        return _update(s, existing, facts, document, digest, envelope_id, now, known)
    if facts.status_code == WITHDRAWN:
        raise InboundRefused([_rule("withdrawn_never_received", f"certificate {facts.certificate_no} of "
                                    f"{facts.exporting_country} is withdrawn, and was never received",
                                    number=facts.certificate_no, country=facts.exporting_country)])
    row = InboundCertificate(
        exporting_country=facts.exporting_country, certificate_no=facts.certificate_no[:64],
        type_code=facts.type_code, status_code=facts.status_code, issued_at=facts.issued_at,
        consignor=facts.consignor[:256], consignee=facts.consignee[:256], bl_numbers=list(facts.bl_numbers),
        containers=list(facts.containers),
        goods=[{"seq": g.seq, "description": g.description, "hs_code": g.hs_code} for g in facts.goods],
        document_sha256=known.blob(s, document, "application/xml"),
        pdf_sha256=known.blob(s, facts.pdf, "application/pdf") if facts.pdf else None,
        findings=[{"code": n.code, "message": n.message, "values": n.values} for n in notes(facts, report)],
        source=source, envelope_id=envelope_id[:64] if envelope_id else None, received_at=now,
        received_by=received_by, unloading_port=facts.unloading_port,
        district_code=known.district(s, facts.unloading_port))
    s.add(row)
    known._add(row)
    known.match(s, row)  # the entry declaration that lists it, if one already does
    if not known.grouped:  # a group's rows are written together when its caller commits
        s.flush()
    return Received(row, "stored")


def _update(s: Session, row: InboundCertificate, facts: SpsFacts, document: bytes, digest: str,
            envelope_id: str | None, now: datetime, known: Known) -> Received:
    if row.document_sha256 == digest:
        return Received(row, "duplicate")
    if facts.status_code == WITHDRAWN and row.status_code == ISSUED:
        row.status_code, row.status_changed_at = WITHDRAWN, now
        row.document_sha256 = known.blob(s, document, "application/xml")
        if envelope_id and row.envelope_id is None:
            row.envelope_id = envelope_id[:64]
            known._add(row)
        s.flush()
        return Received(row, "withdrawn")
    if facts.status_code == ISSUED and row.status_code == WITHDRAWN:
        day = f"{as_utc(row.status_changed_at or row.received_at):%Y-%m-%d}"
        raise InboundRefused([_rule("withdrawn_not_reissued", f"certificate {facts.certificate_no} of "
                                    f"{facts.exporting_country} was withdrawn on {day}; a withdrawn certificate is "
                                    "not issued again", number=facts.certificate_no, country=facts.exporting_country,
                                    date=day)])
    raise InboundRefused([_rule("other_content", f"certificate {facts.certificate_no} of {facts.exporting_country} "
                                "was already received with other content; a change comes as a replacement with a new "
                                "number", number=facts.certificate_no, country=facts.exporting_country)])
