"""`flask certificates list|export`: numbers one per line, a certificate's signed PDF and SPS XML into a folder."""
from __future__ import annotations

import hashlib
from xml.etree import ElementTree as ET

from sqlalchemy import select

from data.certificates.issuing import Issuer, issue, withdraw_certificate
from data.models import ApplicationGoods, Certificate, CertificateApplication
from exports.certificate.signature_check import check_pdf_signature
from exports.certificate.sps_xml import RAM, RSM
from tests.service.test_issuing import approved_application, version_of
from tests.support.world import actor


def run(app, *args):
    return app.server.test_cli_runner().invoke(args=list(args))


def issued(app, users, count: int = 1) -> list[str]:
    issuer = Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"])
    numbers = []
    with app.server.extensions["certdash"].sessions() as s:
        for _ in range(count):
            app_id = approved_application(s, users)
            numbers.append(issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id),
                                 issuer=issuer).certificate_no)
            s.commit()
    return numbers


def test_list_prints_every_number_in_order(app, users):
    new = issued(app, users, 2)
    result = run(app, "certificates", "list")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == sorted(["TEST0000", "TEST0001", "TEST0002", *new])


def test_list_filters_by_status_and_limits(app, users):
    number = issued(app, users)[0]
    with app.server.extensions["certdash"].sessions() as s:
        withdraw_certificate(s, actor(s, "officer0901"), number, reason="合同取消 contract cancelled")
        s.commit()
    assert run(app, "certificates", "list", "--status", "withdrawn").output.splitlines() == [number]
    assert run(app, "certificates", "list", "--status", "replaced").output == ""
    assert run(app, "certificates", "list", "--status", "valid", "--limit", "2").output.splitlines() == [
        "TEST0000", "TEST0001"]
    bad = run(app, "certificates", "list", "--status", "lost")
    assert bad.exit_code != 0 and "lost" in bad.output
    assert run(app, "certificates", "list", "--limit", "0").exit_code != 0


def test_export_writes_the_signed_pdf_and_its_sps_xml(app, users, tmp_path):
    number = issued(app, users)[0]
    out = tmp_path / "out" / "certs"
    result = run(app, "certificates", "export", number, "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf, xml = (out / f"{number}.pdf").read_bytes(), (out / f"{number}.sps.xml").read_bytes()
    assert result.output.splitlines() == [str(out / f"{number}.pdf"), str(out / f"{number}.sps.xml")]
    with app.server.extensions["certdash"].sessions() as s:
        cert = s.scalar(select(Certificate).where(Certificate.certificate_no == number))
        assert hashlib.sha256(pdf).hexdigest() == cert.pdf_sha256
    roots = Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"]).keyring.trust_roots()
    assert check_pdf_signature(pdf, roots).ok
    root = ET.fromstring(xml)
    assert root.tag == f"{{{RSM}}}SPSCertificate"
    assert root.findtext(f"{{{RSM}}}SPSExchangedDocument/{{{RAM}}}ID") == number
    assert f"SHA-256 {hashlib.sha256(pdf).hexdigest()}".encode() in xml


def test_export_of_a_demo_certificate_signs_it_first(app, users, tmp_path):
    with app.server.extensions["certdash"].sessions() as s:  # the world's certificate, made exchangeable
        application = s.get(CertificateApplication, users.application_ids["B-0903"])
        application.dest_country = "KR"
        s.add(ApplicationGoods(application_id=application.id, seq=1, hs_code="0303630000", name_zh="冷冻鳕鱼",
                               name_en="FROZEN COD"))
        s.commit()
    result = run(app, "certificates", "export", "TEST0001", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    roots = Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"]).keyring.trust_roots()
    assert check_pdf_signature((tmp_path / "TEST0001.pdf").read_bytes(), roots).ok


def test_export_of_a_certificate_without_goods_says_why_and_writes_nothing(app, users, tmp_path):
    result = run(app, "certificates", "export", "TEST0002", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "certificate TEST0002: an SPS certificate names its importing country and at least one line of goods" in (
        result.output)
    assert not (tmp_path / "x").exists()


def test_export_of_an_unknown_number_fails_clearly_and_writes_nothing(app, users, tmp_path):
    result = run(app, "certificates", "export", "NO-SUCH", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "no certificate numbered 'NO-SUCH'" in result.output
    assert not (tmp_path / "x").exists()
