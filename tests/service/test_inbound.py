"""Certificates sent to China (入境证书) as SPS XML: checked (schema, business rules, the attached PDF) and
stored whole, or refused with every reason and nothing written; duplicates and withdrawals; the command."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from data.exchange.inbound import InboundRefused, receive_sps
from data.models import Blob, Certificate, InboundCertificate
from exports.certificate.sps_xml import PdfAttachment
from exports.types import Coded
from tests.ops.test_cli_certificates import issued
from tests.support.certificate_samples import foreign

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)
JAPAN = Coded("JP", "日本", "Japan")


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def counts(s) -> tuple[int, int]:
    return (s.scalar(select(func.count()).select_from(InboundCertificate)),
            s.scalar(select(func.count()).select_from(Blob)))


def signed_pdf(app, users) -> bytes:
    number = issued(app, users)[0]
    with app.server.extensions["certdash"].sessions() as session:
        cert = session.scalar(select(Certificate).where(Certificate.certificate_no == number))
        return session.get(Blob, cert.pdf_sha256).data


def test_a_certificate_sent_to_china_is_stored_with_what_an_officer_works_with(s):
    received = receive_sps(s, foreign(), source="upload", now=NOW)
    s.commit()
    row = received.certificate
    assert received.outcome == "stored" and row.id is not None
    assert (row.exporting_country, row.certificate_no, row.type_code, row.status_code) == (
        "KR", "KR2026-000123", "853", "70")
    assert row.consignee and row.containers == ["TGHU1234567"] and len(row.goods) == 2
    assert row.goods[0]["hs_code"] == "0303630000" and row.source == "upload" and row.pdf_sha256 is None
    assert s.get(Blob, row.document_sha256).data == foreign()


def test_an_attached_signed_pdf_is_checked_and_kept(app, users, s):
    pdf = signed_pdf(app, users)
    received = receive_sps(s, foreign(pdf=PdfAttachment("kr.pdf", pdf)), source="hub", envelope_id="env-1", now=NOW)
    s.commit()
    assert received.outcome == "stored" and s.get(Blob, received.certificate.pdf_sha256).data == pdf
    assert [f["code"] for f in received.certificate.findings] == ["note_pdf_signed"]  # intact, by a foreign signer


@pytest.mark.parametrize("how", ["changed on the way", "changed after signing"])
def test_a_tampered_pdf_is_refused(app, users, s, how):
    pdf = bytearray(signed_pdf(app, users))
    at = pdf.index(b"/Contents") - 200  # inside the signed part of the file
    pdf[at] = ord("X") if pdf[at] != ord("X") else ord("Y")
    document = foreign(pdf=PdfAttachment("kr.pdf", bytes(pdf)))
    if how == "changed on the way":  # the sender's stated SHA-256 is of the original
        original = hashlib.sha256(signed_pdf(app, users)).hexdigest()
        document = document.replace(hashlib.sha256(bytes(pdf)).hexdigest().encode(), original.encode())
    before = counts(s)
    with pytest.raises(InboundRefused) as refused:
        receive_sps(s, document, source="hub", now=NOW)
    assert how in str(refused.value)
    s.rollback()
    assert counts(s) == before


@pytest.mark.parametrize("document, said", [
    (lambda: foreign(to=JAPAN), "addressed to JP, not to China"),
    (lambda: foreign().replace(b">853</ram:TypeCode>", b">380</ram:TypeCode>"), "type 380 is not one China receives"),
    (lambda: foreign(status="withdrawn"), "is withdrawn, and was never received"),
    (lambda: foreign(moment=datetime(2026, 5, 1, tzinfo=timezone.utc)), "in the future"),
    (lambda: b"<not-xml", "not well-formed XML"),
    (lambda: b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", "entity"),
    (lambda: foreign().replace(b"<ram:ExaminationSPSEvent>", b"<ram:Nope>").replace(
        b"</ram:ExaminationSPSEvent>", b"</ram:Nope>"), "ram:Nope"),
])
def test_what_china_does_not_receive_is_refused_with_the_reason_and_nothing_written(s, document, said):
    before = counts(s)
    with pytest.raises(InboundRefused) as refused:
        receive_sps(s, document(), source="upload", now=NOW)
    assert said in str(refused.value)
    s.rollback()
    assert counts(s) == before


def test_the_same_document_or_envelope_is_received_once(s):
    first = receive_sps(s, foreign(), source="hub", envelope_id="env-7", now=NOW)
    again = receive_sps(s, foreign(), source="upload", now=NOW)
    envelope = receive_sps(s, b"anything at all", source="hub", envelope_id="env-7", now=NOW)  # not even read
    s.commit()
    assert (first.outcome, again.outcome, envelope.outcome) == ("stored", "duplicate", "duplicate")
    assert again.certificate.id == envelope.certificate.id == first.certificate.id
    assert counts(s)[0] == 1


def test_a_withdrawal_updates_the_certificate_and_nothing_brings_it_back(s):
    receive_sps(s, foreign(), source="hub", now=NOW)
    withdrawn = receive_sps(s, foreign(status="withdrawn", status_reason="contract cancelled"), source="hub", now=NOW)
    s.commit()
    assert withdrawn.outcome == "withdrawn" and withdrawn.certificate.status_code == "40"
    with pytest.raises(InboundRefused, match="was withdrawn on 2026-03-20"):
        receive_sps(s, foreign(marks="OTHER MARKS"), source="hub", now=NOW)
    s.rollback()


def test_other_content_under_a_number_already_received_is_refused(s):
    receive_sps(s, foreign(), source="hub", now=NOW)
    s.commit()
    with pytest.raises(InboundRefused, match="already received with other content"):
        receive_sps(s, foreign(marks="OTHER MARKS"), source="hub", now=NOW)
    s.rollback()
    assert counts(s)[0] == 1


def test_the_import_command_stores_each_good_file_and_says_why_for_each_bad_one(app, users, tmp_path):
    good, bad = tmp_path / "good.xml", tmp_path / "bad.xml"
    good.write_bytes(foreign(moment=datetime(2026, 1, 5, tzinfo=timezone.utc)))
    bad.write_bytes(foreign("KR2026-000999", to=JAPAN))
    result = app.server.test_cli_runner().invoke(args=["sps", "import", str(good), str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{good}: stored KR KR2026-000123"
    assert lines[1] == f"{bad}: REFUSED (1 reason)" and "addressed to JP" in lines[2]
    again = app.server.test_cli_runner().invoke(args=["sps", "import", str(good)])
    assert again.exit_code == 0 and again.output == f"{good}: duplicate KR KR2026-000123\n"
