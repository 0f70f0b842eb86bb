"""PAdES signatures of certificate PDFs, with the key and certificate of the issuing district.

This module signs; `data/certificates/keyring.py` finds and keeps the key material, per issuing district:
- production: PKCS#12 files `<district_code>.p12` in the folder named by CERTDASH_SIGNING_P12_DIR
  (password CERTDASH_SIGNING_P12_PASSWORD). A district without its own file signs with the key of
  the nearest district above it (隶属海关 → 直属海关). An unreadable file is a ConfigError.
- demo / embedded (no folder configured): a small CA generated on first need into
  `<instance>/signing/`: the root "certdash Demo Root CA" and one certificate per issuing district
  (RSA 2048, subject naming the district and its code). Keys are written mode 0600 and reused; a
  lock file keeps two processes from creating them at once.

Signatures are PAdES B-B (ETSI.CAdES.detached with the signing-certificate-v2 attribute), SHA-256,
invisible, written by one incremental update. Loaded signers are cached per process (key material
only, never user data): the private key is parsed once, and the space for the signature is measured
once per signer, so that each signature is one pass of pyHanko without its size-estimating dry run.
For RSA keys that space is exact: the signature leaves no padding that a changed byte could hide in.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator.registry import SimpleCertificateStore

FIELD_NAME = "Signature1"
DIGEST = "sha256"
EC_SLACK = 8  # an ECDSA signature's length varies by a few bytes: reserve a little more


class SigningFailed(Exception):
    """The PDF could not be signed (damaged input, a key that refuses to sign)."""


@dataclass(frozen=True)
class SigningDistrict:
    """The issuing district as signing needs it: code, names, and the codes above it (nearest first)."""

    code: str
    name_zh: str
    name_en: str
    parents: tuple[str, ...] = ()

    @property
    def lineage(self) -> tuple[str, ...]:
        return (self.code, *self.parents)


class _KeySigner(signers.SimpleSigner):
    """A pyHanko SimpleSigner that parses its private key once, not on every signature."""

    def __init__(self, *args, private_key, **kwargs):
        super().__init__(*args, **kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}.get(
            digest_algorithm)
        key = self._private_key
        if algorithm is not None and mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), algorithm)
        if algorithm is not None and mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(algorithm))
        return super().sign_raw(data, digest_algorithm)


@dataclass(frozen=True)
class DistrictSigner:
    """One loaded signing identity: the pyHanko signer and the space its signatures take."""

    key_code: str  # the district whose key this is (may be a parent of the issuing district)
    subject: str
    signer: _KeySigner
    reserved: int  # hex digits reserved for the CMS object, measured once when loaded

    def sign(self, pdf: bytes, *, reason: str, location: str, signer_name: str) -> bytes:
        pdf_signer = signers.PdfSigner(_metadata(reason, location, signer_name), signer=self.signer)
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on a damaged PDF
            raise SigningFailed(f"not a readable PDF: {exc}") from exc
        out = io.BytesIO()
        try:
            pdf_signer.sign_pdf(writer, output=out, bytes_reserved=self.reserved)
        except SigningError as exc:
            raise SigningFailed(str(exc)) from exc
        return out.getvalue()


def _metadata(reason: str, location: str, signer_name: str) -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm=DIGEST,
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason or None,
                                        location=location or None, name=signer_name or None)


def _measure(signer: _KeySigner) -> int:
    """Sign a one-page PDF with pyHanko's own estimate and return the CMS size the signer really needs."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    out = io.BytesIO()
    blank = IncrementalPdfFileWriter(io.BytesIO(_blank_pdf()))
    signers.PdfSigner(_metadata("", "", ""), signer=signer).sign_pdf(blank, output=out)
    contents = bytes(PdfFileReader(out).embedded_signatures[0].sig_object["/Contents"])
    used = der_length(contents) or len(contents)
    exact = isinstance(signer._private_key, rsa.RSAPrivateKey)  # RSA signatures have one fixed length
    return 2 * (used if exact else used + EC_SLACK)  # counted in hexadecimal digits


def der_length(data: bytes) -> int | None:
    if len(data) < 2 or data[0] != 0x30:
        return None
    if data[1] < 0x80:
        return 2 + data[1]
    count = data[1] & 0x7F
    return 2 + count + int.from_bytes(data[2:2 + count], "big") if 0 < count <= 4 else None


def _blank_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(200, 200))
    page.showPage()
    page.save()
    return buffer.getvalue()


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def district_signer(key_code: str, key, cert: x509.Certificate, chain: list[x509.Certificate]) -> DistrictSigner:
    registry = SimpleCertificateStore.from_certs([asn1_cert(c) for c in chain])
    # roots stay out of the signature: a verifier trusts its own copy, and an unsigned extra copy
    # would be bytes a changed byte could hide in
    signer = _KeySigner(signing_cert=asn1_cert(cert), signing_key=_asn1_key(key), cert_registry=registry,
                        embed_roots=False, private_key=key)
    return DistrictSigner(key_code, cert.subject.rfc4514_string(), signer, _measure(signer))


def self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject
