"""UN/CEFACT SPS Certificate XML: valid against the official schema set for every format, status and goods
count, everything the PDF prints, one name per party (the Chinese in notes), status and replacement as the
peers use them, XML-safe text, the embedded PDF's SHA-256 the one served; the authorized route."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from datetime import date, datetime, timezone
from xml.etree import ElementTree as ET

import pytest

from exports.certificate.sps_schema import sps_findings
from exports.certificate.sps_xml import (
    RAM,
    RSM,
    UDT,
    NotExchangeable,
    PdfAttachment,
    printed_texts,
    sps_certificate_xml,
)
from exports.types import Coded, Unit
from tests.support.certificate_samples import FORMAT_CODES, sample_content

NS = {"rsm": RSM, "ram": RAM, "udt": UDT}
PDF = PdfAttachment("0901261400000123.pdf", b"%PDF-1.7 signed bytes")
# parts of the content that are not printed values: internal ids, the format's own settings, captions
# (the XML's element names stand for them), flags, and the content's own status word
NOT_PRINTED = {"application_id", "layout", "languages", "field_index", "key", "caption_zh", "caption_en", "kind",
               "required", "status", "name_zh@format", "name_en@format"}


def parse(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)


def texts_of(root: ET.Element) -> set[str]:
    """Every element text and attribute value of the document."""
    found = set()
    for element in root.iter():
        if element.text and element.text.strip():
            found.add(element.text.strip())
        found.update(v for v in element.attrib.values() if v)
    return found


def printed_values(value, path: str = "") -> list[tuple[str, str]]:
    """(where, text) of every printed value of the content, dates as ISO days, numbers as digits."""
    out: list[tuple[str, str]] = []
    if value is None or value == "" or isinstance(value, bool):
        return out
    if isinstance(value, datetime):
        return [(path, value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))]
    if isinstance(value, date):
        return [(path, value.isoformat())]
    if isinstance(value, (str, int)):
        return [(path, str(value))]
    if isinstance(value, (Coded, Unit)):
        return [(f"{path}.{k}", v) for k, v in value._asdict().items() if v]
    if isinstance(value, (tuple, list)):
        for n, item in enumerate(value):
            out += printed_values(item, f"{path}[{n}]")
        return out
    if dataclasses.is_dataclass(value):
        owner = type(value).__name__.lower().replace("info", "")
        for f in dataclasses.fields(value):
            if f.name in NOT_PRINTED or f"{f.name}@{owner}" in NOT_PRINTED:
                continue
            out += printed_values(getattr(value, f.name), f"{path}.{f.name}")
        return out
    if isinstance(value, dict):
        return out
    raise TypeError(f"{path}: {type(value)}")


def found(text: str, texts: set[str]) -> bool:
    """A value is in the XML whole, or (multi-line values such as addresses) line by line."""
    if text in texts:
        return True
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return len(lines) > 1 and all(line in texts for line in lines)


@pytest.mark.parametrize("format_code", FORMAT_CODES)
def test_every_printed_value_of_every_format_is_in_the_xml(format_code):
    content = sample_content(format_code)
    root = parse(sps_certificate_xml(content, pdf=PDF))
    texts = texts_of(root)
    missing = [(where, text) for where, text in printed_values(content) if not found(text, texts)]
    assert not missing, missing
    printed = printed_texts(content)  # what the renderer prints beyond the content: titles, attestation ...
    for text in dataclasses.astuple(printed):
        assert found(text, texts), text


def test_the_document_is_well_formed_and_in_the_sps_namespaces():
    xml = sps_certificate_xml(sample_content("C3-1"), pdf=PDF)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = parse(xml)
    assert root.tag == f"{{{RSM}}}SPSCertificate"
    assert [child.tag for child in root] == [f"{{{RSM}}}SPSExchangedDocument", f"{{{RSM}}}SPSConsignment"]
    for element in root.iter():
        namespace = element.tag[1:].split("}")[0]
        assert namespace in (RSM, RAM, UDT), element.tag
        if namespace == RSM:
            assert element is root or element in list(root)
    assert b'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21"' in xml


def test_the_elements_come_in_the_schema_order():
    root = parse(sps_certificate_xml(sample_content("C3-1"), pdf=PDF))
    document = [child.tag.split("}")[1] for child in root.find("rsm:SPSExchangedDocument", NS)]
    order = ["Name", "ID", "TypeCode", "StatusCode", "IssueDateTime", "IssuerSPSParty", "IncludedSPSNote",
             "ReferenceSPSReferencedDocument", "SignatorySPSAuthentication"]
    assert [order.index(tag) for tag in document] == sorted(order.index(tag) for tag in document)
    assert set(document) == set(order)
    consignment = [child.tag.split("}")[1] for child in root.find("rsm:SPSConsignment", NS)]
    assert consignment == ["ConsignorSPSParty", "ConsigneeSPSParty", "ExportSPSCountry", "LoadingBaseportSPSLocation",
                           "ImportSPSCountry", "UnloadingBaseportSPSLocation", "ExaminationSPSEvent",
                           "MainCarriageSPSTransportMovement", "UtilizedSPSTransportEquipment",
                           "IncludedSPSConsignmentItem"]
    line = root.find(".//ram:IncludedSPSTradeLineItem", NS)
    tags = [child.tag.split("}")[1] for child in line]
    assert tags[:2] == ["SequenceNumeric", "Description"] and tags[-3:] == [
        "ApplicableSPSClassification", "PhysicalSPSPackage", "OriginSPSCountry"]


def test_the_document_facts_and_the_consignment():
    content = sample_content("C3-1", goods_lines=2)
    root = parse(sps_certificate_xml(content, pdf=PDF))
    doc = root.find("rsm:SPSExchangedDocument", NS)
    assert doc.findtext("ram:ID", namespaces=NS) == content.certificate_no
    assert doc.findtext("ram:TypeCode", namespaces=NS) == "853"  # UN/EDIFACT 1001: veterinary certificate
    assert doc.findtext("ram:StatusCode", namespaces=NS) == "70"  # UN/EDIFACT 4405: issued
    assert doc.findtext("ram:IssueDateTime/udt:DateTimeString", namespaces=NS) == "2026-03-09T08:00:00Z"
    assert [n.get("languageID") for n in doc.findall("ram:Name", NS)] == ["zh", "en"]
    assert [(n.get("languageID"), n.text) for n in doc.findall("ram:IssuerSPSParty/ram:Name", NS)] == [
        ("en", "Dalian Gangwan Customs")]  # one name per party, in the exchange language
    signatory = doc.find("ram:SignatorySPSAuthentication", NS)
    assert signatory.findtext("ram:ProviderSPSParty/ram:SpecifiedSPSPerson/ram:Name", namespaces=NS) == "王海"
    consignment = root.find("rsm:SPSConsignment", NS)
    assert consignment.findtext("ram:ExportSPSCountry/ram:ID", namespaces=NS) == "CN"
    assert consignment.findtext("ram:ImportSPSCountry/ram:ID", namespaces=NS) == "KR"
    assert consignment.findtext("ram:MainCarriageSPSTransportMovement/ram:ModeCode", namespaces=NS) == "1"
    equipment = consignment.find("ram:UtilizedSPSTransportEquipment", NS)
    assert equipment.findtext("ram:ID", namespaces=NS) == "TGHU1234567"
    assert equipment.findtext("ram:AffixedSPSSeal/ram:ID", namespaces=NS) == "S-99"
    lines = consignment.findall("ram:IncludedSPSConsignmentItem/ram:IncludedSPSTradeLineItem", NS)
    assert [x.findtext("ram:SequenceNumeric", namespaces=NS) for x in lines] == ["1", "2"]
    first = lines[0]
    assert {d.get("languageID"): d.text for d in first.findall("ram:Description", NS)} == {
        "zh": "冷冻鳕鱼片 第1批", "en": "FROZEN COD FILLETS LOT 1"}
    assert first.findtext("ram:ApplicableSPSClassification/ram:ClassCode", namespaces=NS) == "0303630000"
    weight = first.find("ram:NetWeightMeasure", NS)
    assert (weight.text, weight.get("unitCode")) == ("1000.5", "KGM")  # UN/ECE Rec. 20
    package = first.find("ram:PhysicalSPSPackage", NS)
    assert [package.findtext(f"ram:{x}", namespaces=NS) for x in ("LevelCode", "TypeCode", "ItemQuantity")] == [
        "4", "CT", "100"]  # Rec. 21 package type
    assert first.findtext("ram:OriginSPSCountry/ram:ID", namespaces=NS) == "CN"


def _notes(root: ET.Element) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for note in root.findall("rsm:SPSExchangedDocument/ram:IncludedSPSNote", NS):
        notes.setdefault(note.findtext("ram:Subject", namespaces=NS), []).extend(
            c.text for c in note.findall("ram:Content", NS))
    return notes


def _references(root: ET.Element) -> list[tuple[str, str, str]]:
    return [(r.findtext("ram:RelationshipTypeCode", namespaces=NS), r.findtext("ram:ID", namespaces=NS),
             r.findtext("ram:Information", namespaces=NS) or "")
            for r in root.findall("rsm:SPSExchangedDocument/ram:ReferenceSPSReferencedDocument", NS)]


def test_status_and_replacement_are_as_the_hub_and_traces_send_them():
    status = "rsm:SPSExchangedDocument/ram:StatusCode"
    replacing = dataclasses.replace(sample_content("C3-1"), replaces_no="0901261400000100")
    root = parse(sps_certificate_xml(replacing, pdf=PDF))
    assert _notes(root)["replaces"] == ["0901261400000100"]
    assert root.findtext(status, namespaces=NS) == "70"  # a replacement is issued
    assert _references(root)[0] == ("AIR", "0901261400000100", "replaces")  # 1153: original certificate number

    replaced = dataclasses.replace(sample_content("C3-1"), status="replaced", status_reason="品名有误")
    root = parse(sps_certificate_xml(replaced, pdf=PDF, replaced_by="0901261400000200"))
    assert _notes(root)["replaced by"] == ["0901261400000200"]
    assert _notes(root)["status reason"] == ["品名有误"]
    assert root.findtext(status, namespaces=NS) == "40"  # no longer stands
    assert _references(root)[0] == ("ACE", "0901261400000200", "replaced by")

    withdrawn = dataclasses.replace(sample_content("C3-1"), status="withdrawn")
    root = parse(sps_certificate_xml(withdrawn, pdf=PDF,
                                     status_changed_at=datetime(2026, 3, 12, 3, 0, tzinfo=timezone.utc)))
    assert _notes(root)["withdrawn"] == ["2026-03-12"]
    assert root.findtext(status, namespaces=NS) == "40"
    assert [r[0] for r in _references(root)] == ["ZZZ"]  # only the signed PDF itself


@pytest.mark.parametrize("format_code", FORMAT_CODES)
@pytest.mark.parametrize("status", ["valid", "replacing", "replaced", "withdrawn"])
def test_every_format_and_status_is_valid_against_the_official_schema(format_code, status):
    content = sample_content(format_code, goods_lines=3)
    changes = {"replacing": {"replaces_no": "0901261400000100"}, "replaced": {"status": "replaced"},
               "withdrawn": {"status": "withdrawn", "status_reason": "合同取消"}}.get(status, {})
    content = dataclasses.replace(content, **changes)
    xml = sps_certificate_xml(content, pdf=PDF, replaced_by="0901261400000200" if status == "replaced" else None,
                              status_changed_at=datetime(2026, 3, 12, tzinfo=timezone.utc))
    assert sps_findings(xml) == []


@pytest.mark.parametrize("goods_lines", [1, 2, 40])
def test_any_goods_count_and_no_pdf_is_valid(goods_lines):
    xml = sps_certificate_xml(sample_content("P1-1", goods_lines=goods_lines), pdf=None)
    assert sps_findings(xml) == []
    assert len(parse(xml).findall(".//ram:IncludedSPSTradeLineItem", NS)) == goods_lines


def test_sparse_content_is_still_valid():
    """A line without packages, weight or origin region, a consignment without transport: still valid."""
    content = sample_content("C99-1")
    goods = [dataclasses.replace(g, packages=None, package_type=None, weight="", weight_unit=None, origin="",
                                 description_en="", hs_code="") for g in content.goods]
    transport = dataclasses.replace(content.transport, mode=None, means="M/V HAI", voyage="V001", departure_port="",
                                    arrival_port="")
    sparse = dataclasses.replace(content, goods=tuple(goods), transport=transport, containers=())
    xml = sps_certificate_xml(sparse, pdf=None)
    assert sps_findings(xml) == []
    notes = _notes(parse(xml))
    assert notes["means of transport"] == ["M/V HAI"] and notes["voyage"] == ["V001"]


def test_each_party_has_one_name_and_its_chinese_name_is_kept_in_a_note():
    content = sample_content("C3-1")
    root = parse(sps_certificate_xml(content, pdf=PDF))
    consignor = root.findall("rsm:SPSConsignment/ram:ConsignorSPSParty/ram:Name", NS)
    assert [(n.get("languageID"), n.text) for n in consignor] == [("en", content.consignor.name_en)]
    assert _notes(root)["consignor name"] == [content.consignor.name_zh, content.consignor.name_en]
    assert content.consignor.name_zh
    chinese_only = dataclasses.replace(content, consignor=dataclasses.replace(content.consignor, name_en=""))
    root = parse(sps_certificate_xml(chinese_only, pdf=PDF))
    consignor = root.findall("rsm:SPSConsignment/ram:ConsignorSPSParty/ram:Name", NS)
    assert [(n.get("languageID"), n.text) for n in consignor] == [("zh", content.consignor.name_zh)]


def test_a_control_character_typed_into_a_field_keeps_the_xml_well_formed_and_valid():
    content = sample_content("C3-1")
    goods = (dataclasses.replace(content.goods[0], description_en="FROZEN\x01 COD\x0b"),) + content.goods[1:]
    hostile = dataclasses.replace(content, goods=goods, marks="N/M\x00", consignor=dataclasses.replace(
        content.consignor, name_en="Haisheng\x1f Co"))
    xml = sps_certificate_xml(hostile, pdf=PDF)
    assert sps_findings(xml) == []
    texts = texts_of(parse(xml))
    assert "FROZEN\ufffd COD\ufffd" in texts and "Haisheng\ufffd Co" in texts and "N/M\ufffd" in texts


def test_a_certificate_without_an_importing_country_or_goods_is_not_exchangeable():
    content = sample_content("C3-1")
    for broken in (dataclasses.replace(content, dest_country=None), dataclasses.replace(content, goods=())):
        with pytest.raises(NotExchangeable):
            sps_certificate_xml(broken, pdf=PDF)


def test_the_signed_pdf_is_embedded_with_its_sha256():
    root = parse(sps_certificate_xml(sample_content("C3-1"), pdf=PDF))
    reference = root.find("rsm:SPSExchangedDocument/ram:ReferenceSPSReferencedDocument", NS)
    attachment = reference.find("ram:AttachmentBinaryObject", NS)
    assert attachment.get("mimeCode") == "application/pdf" and attachment.get("filename") == PDF.filename
    assert base64.b64decode(attachment.text) == PDF.content
    assert reference.findtext("ram:Information", namespaces=NS) == f"SHA-256 {hashlib.sha256(PDF.content).hexdigest()}"


def test_the_same_content_gives_the_same_bytes_and_text_is_escaped():
    content = sample_content("C3-1")
    assert sps_certificate_xml(content, pdf=PDF) == sps_certificate_xml(content, pdf=PDF)
    hostile = dataclasses.replace(content, consignor=dataclasses.replace(content.consignor,
                                                                         name_en="<script>alert(1)</script> & Co"))
    xml = sps_certificate_xml(hostile, pdf=PDF)
    assert b"<script>" not in xml and b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in xml
    assert "<script>alert(1)</script> & Co" in texts_of(parse(xml))


def test_a_draft_has_no_xml():
    with pytest.raises(ValueError):
        sps_certificate_xml(sample_content("C3-1", issued=False), pdf=None)


# --- the route ----------------------------------------------------------------------------------


def _issued(app, users):
    """A cloud-signed certificate of enterprise A (district 0901), issued with the app's own keys."""
    from data.certificates.issuing import Issuer, issue
    from tests.service.test_issuing import approved_application, version_of
    from tests.support.world import actor

    with app.server.extensions["certdash"].sessions() as s:
        app_id = approved_application(s, users)
        cert = issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id),
                     issuer=Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"]))
        s.commit()
        return cert.certificate_no, cert.pdf_sha256, cert.id


def _share(app, users, cert_id: int, account: str = "overseas_ru") -> None:
    from data.models import CertificateShare

    with app.server.extensions["certdash"].sessions() as s:
        s.add(CertificateShare(certificate_id=cert_id, user_id=users.user_ids[account]))
        s.commit()


def test_the_xml_embeds_exactly_the_pdf_the_route_serves(app, users, client_as):
    number, sha, _id = _issued(app, users)
    client = client_as("ent_a_oper")
    response = client.get(f"/api/v1/certificates/{number}/sps.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"].endswith(f"{number}.sps.xml")
    served = client.get(f"/files/certificate/{number}.pdf").data
    root = parse(response.data)
    reference = root.find("rsm:SPSExchangedDocument/ram:ReferenceSPSReferencedDocument", NS)
    claimed = re.fullmatch(r"SHA-256 ([0-9a-f]{64})", reference.findtext("ram:Information", namespaces=NS)).group(1)
    assert claimed == hashlib.sha256(served).hexdigest() == sha
    assert base64.b64decode(reference.findtext("ram:AttachmentBinaryObject", namespaces=NS)) == served
    verify_url = next(c.text for n in root.findall(".//ram:IncludedSPSNote", NS)
                      if n.findtext("ram:Subject", namespaces=NS) == "verification url"
                      for c in n.findall("ram:Content", NS))
    assert f"/verify/{number}?t=" in verify_url


# who gets a certificate of enterprise A issued in 0901, as XML and as PDF (overseas_ru once shared)
SCOPE = {None: 401, "ent_a_oper": 200, "ent_a_admin": 200, "ent_b_oper": 404, "officer0901": 200,
         "manager0900": 200, "manager0903": 404, "sysadmin": 200, "overseas_ru": 404}


@pytest.mark.parametrize("account,status", SCOPE.items())
def test_the_xml_and_pdf_routes_follow_the_scope(app, users, client_as, account, status):
    number, _sha, _id = _issued(app, users)
    client = client_as(account)
    assert client.get(f"/api/v1/certificates/{number}/sps.xml").status_code == status
    assert client.get(f"/files/certificate/{number}.pdf").status_code == status


def test_overseas_users_get_the_xml_and_pdf_of_certificates_shared_with_them(app, users, client_as):
    number, _sha, cert_id = _issued(app, users)
    other, _sha2, _id2 = _issued(app, users)
    _share(app, users, cert_id)
    client = client_as("overseas_ru")
    assert client.get(f"/api/v1/certificates/{number}/sps.xml").status_code == 200
    assert client.get(f"/files/certificate/{number}.pdf").status_code == 200
    assert client.get(f"/api/v1/certificates/{other}/sps.xml").status_code == 404  # not shared
    assert client.get(f"/files/certificate/{other}.pdf").status_code == 404
    assert client.get("/api/v1/certificates/NOSUCHNUMBER/sps.xml").status_code == 404
