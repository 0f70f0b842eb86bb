"""`flask sps validate FILE...` and the schema check under it: VALID, or each error with its line and path;
hostile documents (DTD, entities, billion laughs, another namespace, not XML) are findings, not hangs."""
from __future__ import annotations

import dataclasses
import shutil

import pytest

from dashboard.core.config import Settings
from dashboard.core.errors import ConfigError
from exports.certificate.sps_schema import SCHEMA_DIR, sps_findings
from exports.certificate.sps_xml import PdfAttachment, sps_certificate_xml
from tests.support.certificate_samples import sample_content

PDF = PdfAttachment("x.pdf", b"%PDF-1.7 x")


def valid_xml() -> bytes:
    return sps_certificate_xml(sample_content("C3-1"), pdf=PDF)


def run(app, *args):
    return app.server.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    from cryptography.fernet import Fernet

    from dashboard.web.factory import create_app

    store = tmp_path / "store.sqlite3"
    shutil.copyfile(sqlite_template, store)
    app = create_app(Settings(database_url=f"sqlite:///{store}", secret_key="x", instance_path=tmp_path / "i",
                              data_key=Fernet.generate_key().decode()))
    yield app
    app.server.extensions["certdash"].engine.dispose()


def test_valid_and_invalid_files_are_told_apart_with_each_error(sqlite_app, tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(valid_xml())
    bad = tmp_path / "bad.xml"
    bad.write_bytes(valid_xml().replace(b"<ram:StatusCode>70</ram:StatusCode>", b"<ram:StatusCode>70</ram:StatusCode>"
                                        b"<ram:StatusCode>40</ram:StatusCode>", 1))
    assert run(sqlite_app, "sps", "validate", str(good)).output == f"{good}: VALID\n"
    result = run(sqlite_app, "sps", "validate", str(good), str(bad), str(tmp_path / "missing.xml"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{good}: VALID" and lines[1] == f"{bad}: INVALID (1 error)"
    assert "/rsm:SPSCertificate/rsm:SPSExchangedDocument/ram:StatusCode[2]" in lines[2]
    assert "This element is not expected" in lines[2] and lines[2].startswith("  line ")
    assert lines[3].startswith(f"{tmp_path / 'missing.xml'}: cannot read")


@pytest.mark.parametrize("document, said", [
    (b"not xml at all", "not well-formed XML"),
    (b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'x'>]><r>&a;</r>", "document type declaration or entity"),
    (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;'>]>"
     b"<lolz>&lol2;</lolz>", "document type declaration or entity"),
    (b"<?xml version='1.0'?><!DOCTYPE r SYSTEM 'file:///etc/passwd'><r/>", "document type declaration"),
    (b"<SPSCertificate xmlns='urn:example:other'/>", "not rsm:SPSCertificate in the SPS Certificate 17 namespace"),
    (b"<a><b></a>", "not well-formed XML"),
])
def test_hostile_or_foreign_documents_are_findings(document, said):
    findings = sps_findings(document)
    assert findings and said in str(findings[0])


def test_a_missing_mandatory_element_names_its_path():
    document = valid_xml().replace(b"<ram:ExaminationSPSEvent>", b"<ram:Ignored>").replace(
        b"</ram:ExaminationSPSEvent>", b"</ram:Ignored>")
    findings = sps_findings(document)
    assert findings and "rsm:SPSConsignment" in findings[0].path and "ram:Ignored" in findings[0].message


def test_an_operator_may_point_at_another_schema_set(tmp_path):
    newer = tmp_path / "sps-xsd"
    shutil.copytree(SCHEMA_DIR, newer)
    settings = Settings.from_env({"CERTDASH_INSTANCE": str(tmp_path / "i"), "CERTDASH_SPS_SCHEMA_DIR": str(newer)})
    assert settings.sps_schema_dir == newer.resolve()
    assert sps_findings(valid_xml(), settings.sps_schema_dir) == []
    with pytest.raises(ConfigError, match="CERTDASH_SPS_SCHEMA_DIR"):
        Settings.from_env({"CERTDASH_INSTANCE": str(tmp_path / "i"), "CERTDASH_SPS_SCHEMA_DIR": str(tmp_path)})


def test_the_shipped_schema_set_names_its_sources():
    source = (SCHEMA_DIR / "SOURCE.txt").read_text()
    assert "matsubo/uncefact" in source and "agrocalidadaws/intercom" in source
    assert len(list(SCHEMA_DIR.rglob("*.xsd"))) == 135


def test_the_exported_goods_text_survives_the_round_trip():
    content = sample_content("C3-1")
    goods = (dataclasses.replace(content.goods[0], description_en="A & B <C> \"D\""),) + content.goods[1:]
    document = sps_certificate_xml(dataclasses.replace(content, goods=goods), pdf=PDF)
    assert sps_findings(document) == [] and b"A &amp; B &lt;C&gt; \"D\"" in document
