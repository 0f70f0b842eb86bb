"""The facts of an SPS Certificate XML received from another country: bytes in, facts out.

Call it on a document `sps_findings` found valid; it parses with the same safe parser (no DTD, no
entities, no network). It reads what an importing authority works with: the number, type, status
and issue moment, the exporting and importing countries, the parties, the transport documents and
containers, the goods, and the attached certificate PDF with the SHA-256 the sender stated for it.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from lxml import etree

from exports.certificate.sps_schema import safe_parser

RSM = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:21"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT}
SHA256_RE = re.compile(r"SHA-256\s+([0-9a-fA-F]{64})")
BL_SUBJECTS = frozenset({"bill of lading no", "bill of lading", "b/l", "transport document"})


@dataclass(frozen=True)
class GoodsLine:
    seq: str
    description: str
    hs_code: str


@dataclass(frozen=True)
class SpsFacts:
    certificate_no: str
    type_code: str
    status_code: str
    issued_at: datetime | None
    exporting_country: str
    importing_country: str
    consignor: str
    consignee: str
    bl_numbers: tuple[str, ...] = ()
    containers: tuple[str, ...] = ()
    goods: tuple[GoodsLine, ...] = ()
    pdf: bytes | None = None
    pdf_sha256_stated: str | None = None
    references: tuple[tuple[str, str], ...] = field(default=())  # (relationship code, referenced number)
    unloading_port: str = ""  # UN/LOCODE when given, else the port's name


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _name(element, path: str) -> str:
    """The English name where there is one, else the first."""
    names = element.findall(path, NS)
    for name in names:
        if name.get("languageID") == "en" and (name.text or "").strip():
            return name.text.strip()
    return next(((n.text or "").strip() for n in names if (n.text or "").strip()), "")


def _moment(text: str) -> datetime | None:
    text = text.strip()
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S", "%Y-%m-%d",
                    "%Y%m%d"):
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return None


def read_sps(document: bytes, root=None) -> SpsFacts:
    """The facts of a schema-valid SPS certificate (ValueError if it is not one); `root`: it, parsed already."""
    if root is None:
        root = etree.fromstring(document, safe_parser())
    doc = root.find("rsm:SPSExchangedDocument", NS)
    consignment = root.find("rsm:SPSConsignment", NS)
    if doc is None or consignment is None:
        raise ValueError("not an SPS certificate")
    pdf, stated = None, None
    references = []
    for reference in doc.findall("ram:ReferenceSPSReferencedDocument", NS):
        references.append((_text(reference, "ram:RelationshipTypeCode"), _text(reference, "ram:ID")))
        for attachment in reference.findall("ram:AttachmentBinaryObject", NS):
            if pdf is None and (attachment.get("mimeCode") or "").lower() == "application/pdf":
                try:
                    pdf = base64.b64decode("".join((attachment.text or "").split()), validate=True)
                except (binascii.Error, ValueError):
                    pdf = b""  # undecodable: the rules say so
                found = SHA256_RE.search(_text(reference, "ram:Information"))
                stated = found.group(1).lower() if found else None
    bl_numbers = []
    for note in doc.findall("ram:IncludedSPSNote", NS):
        if _text(note, "ram:Subject").lower() in BL_SUBJECTS:
            bl_numbers += [(c.text or "").strip() for c in note.findall("ram:Content", NS) if (c.text or "").strip()]
    goods = tuple(
        GoodsLine(_text(line, "ram:SequenceNumeric"), _name(line, "ram:Description"),
                  _text(line, "ram:ApplicableSPSClassification/ram:ClassCode"))
        for line in consignment.findall("ram:IncludedSPSConsignmentItem/ram:IncludedSPSTradeLineItem", NS))
    return SpsFacts(
        certificate_no=_text(doc, "ram:ID"),
        type_code=_text(doc, "ram:TypeCode"),
        status_code=_text(doc, "ram:StatusCode"),
        issued_at=_moment(_text(doc, "ram:IssueDateTime/udt:DateTimeString")),
        exporting_country=_text(consignment, "ram:ExportSPSCountry/ram:ID").upper(),
        importing_country=_text(consignment, "ram:ImportSPSCountry/ram:ID").upper(),
        consignor=_name(consignment, "ram:ConsignorSPSParty/ram:Name"),
        consignee=_name(consignment, "ram:ConsigneeSPSParty/ram:Name"),
        bl_numbers=tuple(dict.fromkeys(bl_numbers)),
        containers=tuple(dict.fromkeys(_text(e, "ram:ID") for e in
                                       consignment.findall("ram:UtilizedSPSTransportEquipment", NS))),
        goods=goods,
        pdf=pdf,
        pdf_sha256_stated=stated,
        references=tuple(references),
        unloading_port=(_text(consignment, "ram:UnloadingBaseportSPSLocation/ram:ID")
                        or _name(consignment, "ram:UnloadingBaseportSPSLocation/ram:Name"))[:64],
    )
