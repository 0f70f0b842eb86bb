"""District signing keys: the demo CA in the instance folder, PKCS#12 files in production, clear errors."""
from __future__ import annotations

import io
import multiprocessing
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from reportlab.pdfgen import canvas

from dashboard.core.config import Settings
from dashboard.core.errors import ConfigError
from data.certificates.keyring import DEMO_ROOT_NAME, Keyring, keyring_for
from exports.certificate.signing import SigningDistrict

GANGWAN = SigningDistrict("0901", "大连港湾海关", "Dalian Gangwan Customs", ("0900",))


def a_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "certificate")
    page.showPage()
    page.save()
    return buffer.getvalue()


def validates(pdf: bytes, roots) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=roots)).bottom_line


def test_the_demo_ca_is_made_once_with_private_keys(tmp_path):
    folder = tmp_path / "signing"
    identity = Keyring(demo_folder=folder).signer_for(GANGWAN)
    assert "Dalian Gangwan Customs (0901)" in identity.subject and "0901" in identity.subject
    root = x509.load_pem_x509_certificate((folder / "root-ca.pem").read_bytes())
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == DEMO_ROOT_NAME
    for key in ("root-ca.key", "district-0901.key"):
        assert stat.S_IMODE(os.stat(folder / key).st_mode) == 0o600
    again = Keyring(demo_folder=folder)  # another process, later: the same keys
    assert again.signer_for(GANGWAN).signer.signing_cert.dump() == identity.signer.signing_cert.dump()
    assert again.trust_roots()[0].dump() == root.public_bytes(serialization.Encoding.DER)


def test_each_issuing_district_signs_with_its_own_certificate(tmp_path):
    ring = Keyring(demo_folder=tmp_path / "signing")
    jinpu = SigningDistrict("0903", "金普海关", "Jinpu Customs", ("0900",))
    pdf = a_pdf()
    signed = [ring.sign_pdf(pdf, d, reason="r", location="大连 DALIAN", signer_name="n") for d in (GANGWAN, jinpu)]
    assert all(validates(p, ring.trust_roots()) for p in signed)
    assert ring.signer_for(GANGWAN).subject != ring.signer_for(jinpu).subject


def _make_keys(folder: str, queue) -> None:
    identity = Keyring(demo_folder=Path(folder)).signer_for(GANGWAN)
    queue.put(identity.signer.signing_cert.dump())


def test_processes_creating_the_demo_keys_at_once_agree(tmp_path):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_make_keys, args=(str(tmp_path / "signing"), queue)) for _ in range(4)]
    for w in workers:
        w.start()
    certificates = {queue.get(timeout=60) for _ in workers}
    for w in workers:
        w.join(10)
    assert len(certificates) == 1  # one district certificate (under one root), not four
    assert sorted(p.name for p in (tmp_path / "signing").iterdir() if not p.name.startswith(".")) == [
        "district-0901.key", "district-0901.pem", "root-ca.key", "root-ca.pem"]


# --- production: PKCS#12 per district -----------------------------------------------------------


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def write_p12(folder: Path, code: str, password: bytes, *, ec_key: bool = False) -> x509.Certificate:
    """A CA and a district certificate under it, packed as <code>.p12 with the CA in the chain."""
    now = datetime.now(timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (x509.CertificateBuilder().subject_name(_name("Customs Test CA")).issuer_name(_name("Customs Test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1()) if ec_key else rsa.generate_private_key(65537, 2048)
    cert = (x509.CertificateBuilder().subject_name(_name(f"District {code}")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{code}.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        code.encode(), key, cert, [ca], serialization.BestAvailableEncryption(password)))
    return cert


@pytest.mark.parametrize("ec_key", [False, True])
def test_a_district_without_its_own_file_signs_with_its_parents(tmp_path, ec_key):
    write_p12(tmp_path / "keys", "0900", b"s3cret", ec_key=ec_key)
    ring = Keyring(p12_dir=tmp_path / "keys", p12_password="s3cret")
    identity = ring.signer_for(GANGWAN)
    assert identity.key_code == "0900" and "District 0900" in identity.subject
    signed = ring.sign_pdf(a_pdf(), GANGWAN, reason="r", location="l", signer_name="n")
    assert validates(signed, ring.trust_roots())


def test_a_wrong_password_is_a_clear_configuration_error(tmp_path):
    write_p12(tmp_path / "keys", "0901", b"right")
    with pytest.raises(ConfigError, match=r"0901\.p12.*CERTDASH_SIGNING_P12_PASSWORD"):
        Keyring(p12_dir=tmp_path / "keys", p12_password="wrong").signer_for(GANGWAN)


def test_a_damaged_file_and_a_missing_one_are_configuration_errors(tmp_path):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "0901.p12").write_bytes(b"not a pkcs12 file")
    with pytest.raises(ConfigError, match="cannot read the signing key"):
        Keyring(p12_dir=tmp_path / "keys", p12_password="x").signer_for(GANGWAN)
    with pytest.raises(ConfigError, match="no signing key for district 0930"):
        Keyring(p12_dir=tmp_path / "keys", p12_password="x").signer_for(SigningDistrict("0930", "丹东海关", "Dandong",
                                                                                      ("0900",)))


def test_settings_name_the_key_folder_and_refuse_an_unreadable_one(tmp_path):
    base = {"CERTDASH_INSTANCE": str(tmp_path / "instance"), "SECRET_KEY": "k", "CERTDASH_DATA_KEY": "d"}
    (tmp_path / "keys").mkdir()
    settings = Settings.from_env({**base, "CERTDASH_SIGNING_P12_DIR": str(tmp_path / "keys"),
                                  "CERTDASH_SIGNING_P12_PASSWORD": "pw"})
    assert settings.signing_p12_dir == (tmp_path / "keys").resolve() and settings.signing_p12_password == "pw"
    assert not keyring_for(settings).is_demo
    with pytest.raises(ConfigError, match="CERTDASH_SIGNING_P12_DIR"):
        Settings.from_env({**base, "CERTDASH_SIGNING_P12_DIR": str(tmp_path / "nowhere")})
    demo = Settings.from_env(base)
    assert demo.signing_p12_dir is None
    assert keyring_for(demo) is keyring_for(demo)  # loaded once per process
    assert keyring_for(demo).demo_folder == (tmp_path / "instance" / "signing").resolve()
