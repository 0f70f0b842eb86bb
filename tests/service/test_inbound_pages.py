"""入境证书 for the officers of the port districts: the district a certificate belongs to, the list and the page
(scoped), the manual upload with every reason, linking by hand, the PDF route, the home page's counts."""
from __future__ import annotations

import base64
import dataclasses

import pytest
from sqlalchemy import func, select

from auth.passwords import hash_password
from data.core.scope import AccessDenied, NotFound
from data.exchange.inbound import InboundRefused, receive_sps
from data.exchange.inbound_views import inbound_counts, inbound_view, list_inbound, upload_inbound
from data.models import InboundCertificate, User
from exports.certificate.sps_xml import PdfAttachment
from exports.types import Coded
from layouts.exchange import ids
from tests.conftest import TEST_PASSWORD
from tests.service.test_inbound_matching import entry
from tests.support.certificate_samples import foreign, sample_content
from tests.support.dash_calls import call, component_text
from tests.support.declaration_forms import NOW
from tests.support.world import actor, page_text

pytest_plugins = ["tests.support.declaration_forms"]  # `s`: the app's store with the reference data


def at_port(number: str, port: str, **changes) -> bytes:
    """A Korean certificate naming `port` as the port of unloading."""
    transport = dataclasses.replace(sample_content("C3-1").transport, arrival_port=port)
    return foreign(number, transport=transport, **changes)


@pytest.fixture(autouse=True)
def officer0903(s, users):
    s.add(User(account="officer0903", password_hash=hash_password(TEST_PASSWORD), real_name="officer0903",
               role="officer", district_code="0903", language="zh"))
    s.commit()


def test_a_certificate_belongs_to_its_ports_district_then_to_its_declarations(s, users):
    dalian = receive_sps(s, at_port("KR2026-100001", "DALIAN"), source="hub", now=NOW).certificate
    busan = receive_sps(s, at_port("KR2026-100002", "BUSAN"), source="hub", now=NOW).certificate
    s.commit()
    assert (dalian.unloading_port, dalian.district_code) == ("DALIAN", "0901")
    assert busan.district_code == "0900"  # a port that is not ours: the top customs decides
    declaration = entry(s, cert_no="KR2026-100002", origin_country="KR", district_code="0903",
                        issue_district_code="0903", port_authority_code="0903")
    s.refresh(busan)
    assert busan.declaration_id == declaration.id and busan.district_code == "0903"


def test_officers_see_their_districts_certificates_only(s, users):
    receive_sps(s, at_port("KR2026-100010", "DALIAN"), source="hub", now=NOW)
    receive_sps(s, at_port("KR2026-100011", "BUSAN"), source="hub", now=NOW)
    s.commit()
    officer, other, admin = actor(s, "officer0901"), actor(s, "officer0903"), actor(s, "sysadmin")
    assert [r.certificate_no for r in list_inbound(s, officer).rows] == ["KR2026-100010"]
    assert list_inbound(s, other).rows == []
    with pytest.raises(AccessDenied):  # administrators do not review: the page is the officers'
        list_inbound(s, admin)
    mine = list_inbound(s, officer).rows[0]
    assert inbound_view(s, officer, mine.id).certificate_no == "KR2026-100010"
    with pytest.raises(NotFound):
        inbound_view(s, other, mine.id)
    for forged in ("1 OR 1=1", "-1", "", None, "９"):
        with pytest.raises(NotFound):
            inbound_view(s, officer, forged)
    for account in ("ent_a_oper", "manager0900", "overseas_ru"):
        with pytest.raises(AccessDenied):
            list_inbound(s, actor(s, account))
    assert list_inbound(s, officer, status="unmatched").total == 1 and list_inbound(s, officer, status="matched").total == 0
    assert list_inbound(s, officer, text="100010").total == 1 and list_inbound(s, officer, text="kr2026 100010").total == 1
    assert list_inbound(s, officer, text="%").total == 0
    with pytest.raises(ValueError):
        list_inbound(s, officer, status="everything")


def test_an_upload_is_taken_whole_or_refused_with_every_reason(s, users):
    officer = actor(s, "officer0901")
    before = s.scalar(select(func.count()).select_from(InboundCertificate))
    with pytest.raises(InboundRefused) as refused:
        upload_inbound(s, officer, at_port("KR2026-100020", "BUSAN", to=Coded("JP", "日本", "Japan")))
    assert any("not to China" in str(r) for r in refused.value.reasons)
    with pytest.raises(InboundRefused) as broken:
        upload_inbound(s, officer, b"<rsm:SPSCertificate xmlns:rsm='urn:un:unece:uncefact:data:standard:"
                                   b"SPSCertificate:17'><rsm:Wrong/></rsm:SPSCertificate>")
    assert broken.value.reasons[0].line == 1 and broken.value.reasons[0].message
    s.rollback()
    assert s.scalar(select(func.count()).select_from(InboundCertificate)) == before
    received = upload_inbound(s, officer, at_port("KR2026-100021", "BUSAN"))
    s.commit()
    row = received.certificate
    assert received.outcome == "stored" and row.source == "upload" and row.received_by == officer.user_id
    assert row.district_code == "0901"  # a port not ours: the uploader's own district


def test_home_counts_unmatched_certificates_and_declarations_waiting(s, users):
    officer = actor(s, "officer0901")
    assert inbound_counts(s, officer).unmatched == 0
    receive_sps(s, at_port("KR2026-100030", "DALIAN"), source="hub", now=NOW)
    entry(s, cert_no="KR2026-999999", origin_country="KR")
    s.commit()
    counts = inbound_counts(s, officer)
    assert (counts.unmatched, counts.waiting) == (1, 1)
    assert inbound_counts(s, actor(s, "ent_a_oper")) is None


# --- through the pages --------------------------------------------------------------------------


def data_url(document: bytes) -> str:
    return "data:text/xml;base64," + base64.b64encode(document).decode()


def test_the_pages_list_upload_and_link_by_hand(app, s, users, client_as):
    client = client_as("officer0901")
    declaration = entry(s, origin_country="KR", consignee_en="KOREA SEAFOOD INC.")  # lists no certificate number
    document = at_port("KR2026-100040", "DALIAN")
    upload = call(app, client, ids.INB_UPLOAD_RESULT, {ids.INB_UPLOAD: data_url(document)},
                  trigger=f"{ids.INB_UPLOAD}.contents")
    text = component_text(upload[ids.INB_UPLOAD_RESULT]["children"])
    assert "KR2026-100040" in text and "已通过检查并接收" in text
    row = s.scalar(select(InboundCertificate).where(InboundCertificate.certificate_no == "KR2026-100040"))

    listing = page_text(client, "/inbound")
    assert "KR2026-100040" in listing and "未匹配" in listing
    page = page_text(client, "/inbound/view", f"?id={row.id}")
    assert "KR2026-100040" in page, page[-3000:]
    assert "未附 PDF：XML 本身即为证书。" in page  # what the checks noticed, in the officer's language
    assert [f["code"] for f in row.findings] == ["note_no_pdf"]
    assert declaration.inspection_no in page  # proposed by its consignee
    linked = call(app, client, ids.INBV_CONTENT, {ids.INBV_STATE: {"id": row.id}},
                  trigger=f'{{"declaration":{declaration.id},"type":"{ids.INBV_LINK}"}}.n_clicks',
                  wildcards={ids.INBV_LINK: [({"type": ids.INBV_LINK, "declaration": declaration.id}, 1)]})
    assert "已匹配入境报检单" in component_text(linked[ids.INBV_CONTENT]["children"])
    s.refresh(row)
    assert row.declaration_id == declaration.id
    unlinked = call(app, client, ids.INBV_CONTENT, {ids.INBV_STATE: {"id": row.id}},
                    trigger=f'{{"declaration":{declaration.id},"type":"{ids.INBV_UNLINK}"}}.submit_n_clicks',
                    wildcards={ids.INBV_UNLINK: [({"type": ids.INBV_UNLINK, "declaration": declaration.id}, 1)]})
    assert "尚未匹配" in component_text(unlinked[ids.INBV_CONTENT]["children"])
    s.refresh(row)
    assert row.declaration_id is None
    forged = call(app, client_as("officer0903"), ids.INBV_CONTENT, {ids.INBV_STATE: {"id": row.id}},
                  trigger=f'{{"declaration":{declaration.id},"type":"{ids.INBV_LINK}"}}.n_clicks',
                  wildcards={ids.INBV_LINK: [({"type": ids.INBV_LINK, "declaration": declaration.id}, 1)]})
    assert "无法更改关联" in component_text(forged[ids.INBV_MESSAGE]["children"])  # not their district's
    s.refresh(row)
    assert row.declaration_id is None

    refused = call(app, client, ids.INB_UPLOAD_RESULT, {ids.INB_UPLOAD: data_url(b"<not-xml")},
                   trigger=f"{ids.INB_UPLOAD}.contents")
    said = component_text(refused[ids.INB_UPLOAD_RESULT]["children"])
    assert "文件未被接收" in said and "第 1 行" in said
    empty = call(app, client, ids.INB_UPLOAD_RESULT, {ids.INB_UPLOAD: "data:text/xml;base64,%%%"},
                 trigger=f"{ids.INB_UPLOAD}.contents")
    assert "无法读取" in component_text(empty[ids.INB_UPLOAD_RESULT]["children"])


def test_the_attached_pdf_is_served_to_the_districts_officers_only(s, users, client_as):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    row = receive_sps(s, foreign("KR2026-100051", pdf=PdfAttachment("kr.pdf", pdf)), source="hub",
                      now=NOW).certificate
    s.commit()
    assert row.district_code == "0901"  # unloaded at Dalian
    assert client_as("officer0901").get(f"/files/inbound/{row.id}.pdf").data == pdf
    assert client_as("officer0903").get(f"/files/inbound/{row.id}.pdf").status_code == 404
    assert client_as("ent_a_oper").get(f"/files/inbound/{row.id}.pdf").status_code in (403, 404)
    assert client_as(None).get(f"/files/inbound/{row.id}.pdf").status_code in (302, 401)


def test_every_reason_of_a_refusal_is_said_in_chinese_and_in_english(s, users):
    """Each kind of reason the checks give has its sentence in both languages; the hub still gets English."""
    from dashboard.core.i18n import translator
    from layouts.exchange.inbound import REASON_TEXTS, reason_text

    officer = actor(s, "officer0901")
    documents = {
        "addressed_elsewhere": at_port("KR2026-100060", "DALIAN", to=Coded("JP", "日本", "Japan")),
        "not_well_formed": b"<rsm:SPSCertificate",
        "dtd": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        "wrong_root": b"<certificate/>",
        "schema": b"<rsm:SPSCertificate xmlns:rsm='urn:un:unece:uncefact:data:standard:SPSCertificate:17'/>",
    }
    for code, document in documents.items():
        with pytest.raises(InboundRefused) as refused:
            upload_inbound(s, officer, document)
        finding = next(f for f in refused.value.reasons if f.code == code)
        zh, en = reason_text(translator("zh"), finding), reason_text(translator("en"), finding)
        assert zh != en and zh != finding.message and "{" not in zh + en, (code, zh, en)
    s.rollback()
    assert set(REASON_TEXTS) >= set(documents)
