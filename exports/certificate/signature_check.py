"""Check the electronic signature of a certificate PDF: bytes and trust roots in, a plain report out.

Pure (no store, no request): the verification page runs it on an uploaded file and on the stored
signed PDF. pyHanko does the work: the signed byte ranges must hash to the signed digest (intact),
the CMS signature must verify with the signer's key (valid), the signer's certificate must chain
to one of the trust roots given (trusted), and the signature must cover the whole file (nothing
appended after signing).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as asn1_x509

from exports.certificate.signing import der_length  # the DER length of the CMS object, as signing measures it

NUMBER_RE = re.compile(r"\b(\d{15})\b")  # district (4) + year (2) + type (2) + sequence (7)


@dataclass(frozen=True)
class SignatureReport:
    """What a PDF's first signature says about itself.

    `readable` is False when the bytes are not a PDF pyHanko can parse; `signed` False when it has
    no signature. `ok` is the bottom line: intact, valid, trusted and covering the whole file.
    """

    readable: bool
    signed: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""  # the signing certificate's subject: common name, unit, organisation
    signed_at: datetime | None = None  # as the signer reports it
    claimed_no: str | None = None  # the certificate number the file names (metadata or signature reason)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file


def _text(value) -> str:
    try:
        return str(value) if value is not None else ""
    except Exception:  # noqa: BLE001 - a damaged string object is simply no text
        return ""


def claimed_number(reader, signature=None) -> str | None:
    """The certificate number the file names: its signature's reason, else its Subject or Title."""
    places = []
    if signature is not None:
        places += [signature.sig_object.get("/Reason"), signature.sig_object.get("/Name")]
    try:
        info = reader.trailer["/Info"]
        places += [info.get("/Subject"), info.get("/Title"), info.get("/Keywords")]
    except Exception:  # noqa: BLE001 - no or damaged document information dictionary
        pass
    for place in places:
        match = NUMBER_RE.search(_text(place))
        if match:
            return match.group(1)
    return None


def check_pdf_signature(content: bytes, trust_roots: list[asn1_x509.Certificate]) -> SignatureReport:
    """Validate the first signature of `content` against `trust_roots` (data.certificates.keyring.Keyring.trust_roots())."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - pyHanko raises many kinds on damaged files
        return SignatureReport(readable=False)
    if not signatures:
        return SignatureReport(readable=True, claimed_no=claimed_number(reader))
    signature = signatures[0]
    claimed = claimed_number(reader, signature)
    signer = _signer_name(signature)
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=list(trust_roots)), skip_diff=True)
    except Exception:  # noqa: BLE001 - a damaged signature dictionary or CMS blob: nothing holds
        return SignatureReport(readable=True, signed=True, signer=signer, claimed_no=claimed)
    return SignatureReport(
        readable=True, signed=True, intact=bool(status.intact) and _clean_padding(signature),
        valid=bool(status.valid),
        trusted=bool(status.trusted), whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=signer, signed_at=status.signer_reported_dt, claimed_no=claimed)


def _signer_name(signature) -> str:
    """The signer as people read it: common name, unit and organisation of the signing certificate."""
    try:
        subject = signature.signer_cert.subject.native
    except Exception:  # noqa: BLE001 - no or a damaged certificate in the signature
        return ""
    parts = [subject.get(k) for k in ("common_name", "organizational_unit_name", "organization_name")]
    return ", ".join(str(p) for p in parts if p) or signature.signer_cert.subject.human_friendly


def _clean_padding(signature) -> bool:
    """The space reserved for the signature holds the signature, then only zeros.

    pyHanko reads the CMS object and ignores what follows it, so a changed byte in the padding
    would otherwise leave the signature 'intact'.
    """
    try:
        contents = bytes(signature.sig_object["/Contents"])
    except Exception:  # noqa: BLE001
        return False
    length = der_length(contents)
    return length is not None and length <= len(contents) and not any(contents[length:])
