"""A certificate as UN/CEFACT SPS Certificate XML (SPSCertificate:17, RABIE:21): content in, bytes out.

Built from the same `CertificateContent` as the PDF (exports/certificate/pdf.py), so that the two
cannot disagree; everything the PDF prints is in the XML. Where the SPS Certificate has an element
for a value, the value goes there; every other printed value (the format's numbered boxes, the
attestation, the verification address ...) is an `IncludedSPSNote` whose `Subject` is a stable key
(the format field's key, or one of the `NOTE_*` keys below), with `Content` per language
(`languageID` zh / en) and `ContentCode` for coded values.

The document is valid against the official schema set the project ships (exports/certificate/sps_xsd,
checked by exports/certificate/sps_schema.py in the tests for every format, status and goods count):
SPSExchangedDocument (Name, ID, TypeCode, StatusCode, IssueDateTime, IssuerSPSParty, IncludedSPSNote,
ReferenceSPSReferencedDocument, SignatorySPSAuthentication) and SPSConsignment (ConsignorSPSParty,
ConsigneeSPSParty, ExportSPSCountry, LoadingBaseportSPSLocation, ImportSPSCountry,
UnloadingBaseportSPSLocation, ExaminationSPSEvent, MainCarriageSPSTransportMovement,
UtilizedSPSTransportEquipment, IncludedSPSConsignmentItem / IncludedSPSTradeLineItem).

A party has one name in the schema: it is the English name (the exchange language of the hub and of
TRACES), or the Chinese where there is no English; the Chinese names of the parties are kept in
notes (`<role> name`, languageID zh), so nothing printed is lost. Elements that allow several texts
(document and country names, descriptions, notes, clauses) carry both languages.

Codes: TypeCode is UN/EDIFACT 1001 (853 veterinary, 851 phytosanitary, 852 sanitary, 856
inspection certificate for the others); StatusCode is UN/EDIFACT 4405 as the ePhyto Hub and TRACES
use it: 70 issued (an original or a replacement), 40 withdrawn (withdrawn, or replaced: it no longer
stands), with the reason in a note. A replacement refers to the certificate it replaces
(ReferenceSPSReferencedDocument, RelationshipTypeCode AIR "original certificate number"); a replaced
certificate to the one replacing it (ACE "related document number"). Countries are ISO 3166-1
alpha-2; transport modes UN/ECE Rec. 19; units UN/ECE Rec. 20; packages UN/ECE Rec. 21.

Text is made XML-safe: a character XML 1.0 does not allow (a control character typed into a field)
is written as U+FFFD.

Pure: the same content, PDF and moment give the same bytes. Tags are written with literal
prefixes (rsm:, ram:, udt:) declared on the root, so no process-wide namespace registry is touched.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from xml.etree.ElementTree import Element, SubElement, tostring

from exports.types import REPLACED, WITHDRAWN, CertificateContent, Coded, FieldValue, GoodsItem, Party, Unit

RSM = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:21"
NAMESPACES = {"rsm": RSM, "ram": RAM, "udt": UDT}

TYPE_CODES = {"14": "853", "17": "853", "18": "851", "15": "852", "16": "852"}  # else 856
INSPECTION_CERTIFICATE = "856"
STATUS_ISSUED, STATUS_WITHDRAWN = "70", "40"  # UN/EDIFACT 4405
RELATION_ORIGINAL, RELATION_RELATED, RELATION_OWN_PDF = "AIR", "ACE", "ZZZ"  # UN/EDIFACT 1153
PACKAGE_LEVEL = "4"  # UN/EDIFACT 7075: no packaging hierarchy (the packages as declared)
WEIGHT_UNIT_CODES = frozenset({"KGM", "GRM", "TNE", "MGM", "LBR"})

# subjects of the notes that carry printed values without an SPS element of their own
NOTE_REPLACES, NOTE_REPLACED_BY, NOTE_WITHDRAWN = "replaces", "replaced by", "withdrawn"
NOTE_STATUS_REASON = "status reason"
NOTE_FORM_TITLE, NOTE_SERIAL, NOTE_INSPECTION_NO = "form title", "serial", "inspection no"
NOTE_CERTIFICATE_TYPE, NOTE_ISSUE_DATE = "certificate type", "date of issue"  # the national type code; China's day
NOTE_VERIFICATION = "verification url"
NOTE_ISSUING_ADMINISTRATION = "issuing administration"
NOTE_DECLARATION = ("inspection date", "contract no", "bill of lading no", "trade mode", "total value")
NOTE_TRANSPORT = ("departure port", "despatch date", "arrival date")
NOTE_MARKS, NOTE_PRODUCTION_UNIT = "shipping marks", "production unit"


class NotExchangeable(ValueError):
    """The certificate lacks what an SPS certificate must name (an importing country, a line of goods)."""


@dataclass(frozen=True)
class PdfAttachment:
    """The certificate PDF the XML refers to (signed, or unsigned for paper print): embedded whole, with its SHA-256."""

    filename: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class PrintedTexts:
    """What the PDF prints beyond the content model (from exports.certificate.pdf)."""

    administration_zh: str
    administration_en: str
    title_zh: str
    title_en: str
    attestation_zh: str
    attestation_en: str
    signatory_zh: str
    signatory_en: str


def printed_texts(content: CertificateContent) -> PrintedTexts:
    """The title, attestation and signatory the PDF renderer prints for this content."""
    from exports.certificate import pdf

    layout = pdf.clean_layout(content.format.layout)
    zh, en = pdf.ATTESTATIONS.get(content.cert_type.code, pdf.ATTESTATIONS["99"])
    sig = content.signatory
    return PrintedTexts(
        pdf.AUTHORITY_ZH, pdf.AUTHORITY_EN,
        layout["title_zh"] or content.cert_type.name_zh, layout["title_en"] or content.cert_type.name_en,
        layout["attestation_zh"] or zh, layout["attestation_en"] or en,
        sig.title_zh or layout["signatory_zh"] or pdf.DEFAULT_SIGNATORY[0],
        sig.title_en or layout["signatory_en"] or pdf.DEFAULT_SIGNATORY[1])


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text with every character XML 1.0 does not allow written as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _el(parent: Element, tag: str, text: str | None = None, **attributes: str) -> Element:
    child = SubElement(parent, tag, {k: xml_safe(v) for k, v in attributes.items() if v})
    if text is not None:
        child.text = xml_safe(text)
    return child


def _names(parent: Element, tag: str, zh: str, en: str, fallback: str) -> None:
    """A required text in both languages, or `fallback` when there is none."""
    if zh or en:
        _texts(parent, tag, zh, en)
    else:
        _el(parent, tag, fallback)


def _one_name(parent: Element, zh: str, en: str) -> None:
    """The one Name a party has: English, the exchange language, else Chinese."""
    if en:
        _el(parent, "ram:Name", en, languageID="en")
    else:
        _el(parent, "ram:Name", zh or "-", languageID="zh" if zh else "")


def _texts(parent: Element, tag: str, zh: str, en: str) -> None:
    """One element per language that has a text (the same text once, without a language)."""
    if zh and en and zh == en:
        _el(parent, tag, zh)
        return
    for lang, text in (("zh", zh), ("en", en)):
        if text:
            _el(parent, tag, text, languageID=lang)


def _date_time(parent: Element, tag: str, moment: datetime | date) -> None:
    holder = _el(parent, tag)
    if isinstance(moment, datetime):
        _el(holder, "udt:DateTimeString", _utc(moment))
    else:
        _el(holder, "udt:DateTimeString", moment.isoformat(), format="102")


class _Notes:
    """The document's IncludedSPSNote elements, in order, each subject once per value."""

    def __init__(self, parent: Element):
        self.parent = parent
        self.seen: set[tuple[str, str, str]] = set()

    def add(self, subject: str, zh: str = "", en: str = "", code: str = "", tag: str = "ram:IncludedSPSNote",
            parent: Element | None = None) -> None:
        if not (zh or en or code) or (subject, zh, en) in self.seen:
            return
        self.seen.add((subject, zh, en))
        note = _el(parent if parent is not None else self.parent, tag)
        _el(note, "ram:Subject", subject)
        if code:
            _el(note, "ram:ContentCode", code)
        if zh or en:
            _texts(note, "ram:Content", zh, en)
        else:  # a note has content: a coded value alone is its own text
            _el(note, "ram:Content", code)

    def coded(self, subject: str, value: Coded | None) -> None:
        if value is not None:
            self.add(subject, value.name_zh, value.name_en, value.code)


def _field_note(parent: Element, f: FieldValue) -> None:
    """A numbered box of the format, under its field key: the value as entered, and a coded value's names."""
    if not f.value:
        return
    note = _el(parent, "ram:IncludedSPSNote")
    _el(note, "ram:Subject", f.key)
    if f.coded is not None:
        _el(note, "ram:ContentCode", f.coded.code)
    _el(note, "ram:Content", f.day.isoformat() if f.day else f.value)
    if f.coded is not None:
        _texts(note, "ram:Content", f.coded.name_zh, f.coded.name_en)


def _party(parent: Element, tag: str, party: Party) -> None:
    element = _el(parent, tag)
    if party.code:
        _el(element, "ram:ID", party.code)
    _one_name(element, party.name_zh, party.name_en)
    if party.address:
        address = _el(element, "ram:SpecifiedSPSAddress")
        for n, line in enumerate([x.strip() for x in party.address.splitlines() if x.strip()][:5]):
            _el(address, f"ram:Line{('One', 'Two', 'Three', 'Four', 'Five')[n]}", line)


def _country(parent: Element, tag: str, country: Coded) -> Element:
    element = _el(parent, tag)
    _el(element, "ram:ID", country.code)
    _names(element, "ram:Name", country.name_zh, country.name_en, country.code)
    return element


def _measure(parent: Element, tag: str, amount: str, unit: Unit | None) -> None:
    _el(parent, tag, amount, unitCode=(unit.rec20 or unit.code) if unit else "")


def _trade_line(item: Element, g: GoodsItem, export_country: Coded) -> None:
    line = _el(item, "ram:IncludedSPSTradeLineItem")
    _el(line, "ram:SequenceNumeric", str(g.seq))
    _names(line, "ram:Description", g.description_zh, g.description_en, g.hs_code or "-")
    if g.weight:  # the declared weight (报检重量) of the line, as net weight
        _measure(line, "ram:NetWeightMeasure", g.weight, g.weight_unit)
    notes = _Notes(line)
    tag = "ram:AdditionalInformationSPSNote"
    if g.quantity:
        unit = g.quantity_unit
        notes.add("quantity", g.quantity, g.quantity, unit.rec20 or unit.code if unit else "", tag)
        if unit is not None:
            notes.add("quantity unit", unit.name_zh, unit.name_en, unit.code, tag)
    if g.weight_unit is not None:
        notes.add("weight unit", g.weight_unit.name_zh, g.weight_unit.name_en, g.weight_unit.code, tag)
    if g.value:
        notes.add("value", g.value, g.value, g.currency.code if g.currency else "", tag)
        if g.currency is not None:
            notes.add("currency", g.currency.name_zh, g.currency.name_en, g.currency.code, tag)
    if g.package_type is not None:
        notes.add("package type", g.package_type.name_zh, g.package_type.name_en, g.package_type.code, tag)
    packaged = g.package_type is not None and g.packages is not None
    if g.packages is not None and not packaged:  # a package holds its type and count, or is a note
        notes.add("packages", str(g.packages), str(g.packages), tag=tag)
    if g.hs_code:
        classification = _el(line, "ram:ApplicableSPSClassification")
        _el(classification, "ram:SystemID", "HS")
        _el(classification, "ram:SystemName", "Harmonized System")
        _el(classification, "ram:ClassCode", g.hs_code)
        _names(classification, "ram:ClassName", g.description_zh, g.description_en, g.hs_code)
    if g.package_type is not None and g.packages is not None:
        package = _el(line, "ram:PhysicalSPSPackage")
        _el(package, "ram:LevelCode", PACKAGE_LEVEL)
        _el(package, "ram:TypeCode", g.package_type.code, name=g.package_type.name_en)
        _el(package, "ram:ItemQuantity", str(g.packages))
    origin = _country(line, "ram:OriginSPSCountry", g.origin_country or export_country)
    if g.origin:  # the region (省/州) the goods come from, a first-level subdivision
        subdivision = _el(origin, "ram:SubordinateSPSCountrySubDivision")
        _el(subdivision, "ram:Name", g.origin)
        _el(subdivision, "ram:HierarchicalLevelCode", "1")


def _reference(doc: Element, number: str, relation: str, content: CertificateContent, information: str, *,
               issued: datetime | None = None) -> Element:
    reference = _el(doc, "ram:ReferenceSPSReferencedDocument")
    if issued is not None:  # the schema types this one as plain text
        _el(reference, "ram:IssueDateTime", _utc(issued))
    _el(reference, "ram:TypeCode", TYPE_CODES.get(content.cert_type.code, INSPECTION_CERTIFICATE))
    _el(reference, "ram:RelationshipTypeCode", relation)
    _el(reference, "ram:ID", number)
    if information:
        _el(reference, "ram:Information", information)
    return reference


def sps_certificate_xml(content: CertificateContent, *, pdf: PdfAttachment | None, replaced_by: str | None = None,
                        status_changed_at: datetime | None = None) -> bytes:
    """Return the certificate as SPS Certificate XML (UTF-8, with declaration).

    `pdf` is the signed PDF as served (embedded, base64, with its SHA-256); `replaced_by` the
    number of the certificate replacing this one; `status_changed_at` when it was replaced or
    withdrawn.
    """
    if not content.certificate_no:
        raise ValueError("only a numbered certificate exports as SPS XML")
    if content.dest_country is None or not content.goods:
        raise NotExchangeable("an SPS certificate names its importing country and at least one line of goods")
    printed = printed_texts(content)
    root = Element("rsm:SPSCertificate", {f"xmlns:{p}": ns for p, ns in NAMESPACES.items()})
    doc = _el(root, "rsm:SPSExchangedDocument")
    _names(doc, "ram:Name", content.cert_type.name_zh, content.cert_type.name_en, content.cert_type.code)
    _el(doc, "ram:ID", content.certificate_no)
    _el(doc, "ram:TypeCode", TYPE_CODES.get(content.cert_type.code, INSPECTION_CERTIFICATE),
        name=content.cert_type.name_en)
    cancelled = content.status in (REPLACED, WITHDRAWN)
    _el(doc, "ram:StatusCode", STATUS_WITHDRAWN if cancelled else STATUS_ISSUED)
    _date_time(doc, "ram:IssueDateTime", content.moment)
    a = content.authority
    issuer = _el(doc, "ram:IssuerSPSParty")
    _el(issuer, "ram:ID", a.district_code)
    _one_name(issuer, a.name_zh, a.name_en)

    notes = _Notes(doc)
    if content.replaces_no:
        notes.add(NOTE_REPLACES, content.replaces_no, content.replaces_no, content.replaces_no)
    if content.status == REPLACED:
        notes.add(NOTE_REPLACED_BY, replaced_by or "", replaced_by or "", replaced_by or "")
    if content.status == WITHDRAWN:
        day = status_changed_at.astimezone(timezone.utc).date().isoformat() if status_changed_at else ""
        notes.add(NOTE_WITHDRAWN, day, day, "withdrawn")
    if content.status_reason:
        notes.add(NOTE_STATUS_REASON, content.status_reason, content.status_reason)
    notes.add(NOTE_ISSUING_ADMINISTRATION, printed.administration_zh, printed.administration_en)
    notes.add("issuing authority", a.name_zh, a.name_en, a.district_code)
    notes.add("issuing authority parent", a.parent_zh, a.parent_en)
    notes.add("consignor name", content.consignor.name_zh, content.consignor.name_en)
    notes.add("consignee name", content.consignee.name_zh, content.consignee.name_en)
    notes.add(NOTE_CERTIFICATE_TYPE, content.cert_type.name_zh, content.cert_type.name_en, content.cert_type.code)
    notes.add(NOTE_FORM_TITLE, printed.title_zh, printed.title_en, content.format.code)
    if content.issue_date:
        notes.add(NOTE_ISSUE_DATE, content.issue_date.isoformat(), content.issue_date.isoformat())
    notes.add(NOTE_SERIAL, content.serial, content.serial)
    d = content.declaration
    notes.add(NOTE_INSPECTION_NO, d.inspection_no, d.inspection_no)
    if d.inspection_date:
        notes.add(NOTE_DECLARATION[0], d.inspection_date.isoformat(), d.inspection_date.isoformat())
    notes.add(NOTE_DECLARATION[1], d.contract_no, d.contract_no)
    notes.add(NOTE_DECLARATION[2], d.bl_no, d.bl_no)
    notes.coded(NOTE_DECLARATION[3], d.trade_mode)
    notes.add(NOTE_DECLARATION[4], d.total_value, d.total_value, d.currency.code if d.currency else "")
    notes.coded("currency", d.currency)
    for f in content.fields:
        _field_note(doc, f)
    t = content.transport
    notes.coded("transport mode", t.mode)
    if not t.mode:  # a movement needs its mode: without one, the means and voyage are notes
        notes.add("means of transport", t.means, t.means)
        notes.add("voyage", t.voyage, t.voyage)
    for subject, moment in ((NOTE_TRANSPORT[1], t.despatch_date), (NOTE_TRANSPORT[2], t.arrival_date)):
        if moment:
            notes.add(subject, moment.isoformat(), moment.isoformat())
    for c in content.containers:
        notes.add("container type", c.spec, c.spec, c.number)
    loose_seals = [x for x in content.seals if not any(x in c.seal_no.split() for c in content.containers)]
    if loose_seals:  # seals not on any container of the declaration (the format's seal field)
        notes.add("seal no", " ".join(loose_seals), " ".join(loose_seals))
    if content.marks and not any(f.key == "marks" and f.value == content.marks for f in content.fields):
        notes.add(NOTE_MARKS, content.marks, content.marks)
    notes.add(NOTE_PRODUCTION_UNIT, content.production_unit, content.production_unit)
    if content.verify_url:
        notes.add(NOTE_VERIFICATION, content.verify_url, content.verify_url)

    sig = content.signatory
    if content.replaces_no:  # a replacement names the certificate it replaces
        _reference(doc, content.replaces_no, RELATION_ORIGINAL, content, "replaces")
    if content.status == REPLACED and replaced_by:
        _reference(doc, replaced_by, RELATION_RELATED, content, "replaced by")
    if pdf is not None:  # the signed certificate itself, whole
        reference = _reference(doc, content.certificate_no, RELATION_OWN_PDF, content, "",
                               issued=sig.signed_at or content.moment)
        _el(reference, "ram:AttachmentBinaryObject", base64.b64encode(pdf.content).decode("ascii"),
            mimeCode="application/pdf", filename=pdf.filename)
        _el(reference, "ram:Information", f"SHA-256 {pdf.sha256}")

    authentication = _el(doc, "ram:SignatorySPSAuthentication")
    _date_time(authentication, "ram:ActualDateTime", sig.signed_at or content.moment)
    if a.issue_place:
        _el(_el(authentication, "ram:IssueSPSLocation"), "ram:Name", a.issue_place)
    provider = _el(authentication, "ram:ProviderSPSParty")
    _el(provider, "ram:ID", a.district_code)
    _one_name(provider, a.name_zh, a.name_en)
    if sig.officer_name:
        person = _el(provider, "ram:SpecifiedSPSPerson")
        _el(person, "ram:Name", sig.officer_name)
    for clause_id, zh, en in (("attestation", printed.attestation_zh, printed.attestation_en),
                              ("signatory", printed.signatory_zh, printed.signatory_en),
                              ("signing method", sig.method or "", sig.method or "")):
        if zh or en:
            clause = _el(authentication, "ram:IncludedSPSClause")
            _el(clause, "ram:ID", clause_id)
            _texts(clause, "ram:Content", zh, en)

    consignment = _el(root, "rsm:SPSConsignment")
    _party(consignment, "ram:ConsignorSPSParty", content.consignor)
    _party(consignment, "ram:ConsigneeSPSParty", content.consignee)
    _country(consignment, "ram:ExportSPSCountry", content.export_country)
    if t.departure_port:
        _el(_el(consignment, "ram:LoadingBaseportSPSLocation"), "ram:Name", t.departure_port)
    _country(consignment, "ram:ImportSPSCountry", content.dest_country)
    if t.arrival_port:
        _el(_el(consignment, "ram:UnloadingBaseportSPSLocation"), "ram:Name", t.arrival_port)
    # where the consignment was inspected: the issuing district's place (检验检疫地点)
    examination = _el(_el(consignment, "ram:ExaminationSPSEvent"), "ram:OccurrenceSPSLocation")
    _el(examination, "ram:ID", a.district_code)
    _names(examination, "ram:Name", a.issue_place or a.name_zh, a.name_en, a.district_code)
    if t.mode:
        movement = _el(consignment, "ram:MainCarriageSPSTransportMovement")
        if t.voyage:
            _el(movement, "ram:ID", t.voyage)
        _el(movement, "ram:ModeCode", t.mode.code, name=t.mode.name_en)
        if t.means:
            _el(_el(movement, "ram:UsedSPSTransportMeans"), "ram:Name", t.means)
    for c in content.containers:
        equipment = _el(consignment, "ram:UtilizedSPSTransportEquipment")
        _el(equipment, "ram:ID", c.number)
        for seal in c.seal_no.split():
            _el(_el(equipment, "ram:AffixedSPSSeal"), "ram:ID", seal)
    item = _el(consignment, "ram:IncludedSPSConsignmentItem")
    for g in content.goods:
        _trade_line(item, g, content.export_country)
    return tostring(root, encoding="UTF-8", xml_declaration=True)
