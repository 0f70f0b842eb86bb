"""A valid registration form and small real files, for registration tests."""
from __future__ import annotations

import struct
import zlib

from data.accounts.registration import RegistrationInput
from data.core.files import Upload
from data.reference.codes import credit_code_check, org_code_check


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """Return a real, minimal PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def credit_code(seed: int = 1) -> str:
    org_body = f"{seed:08d}"
    body = "91210200" + org_body + org_code_check(org_body)
    return body + credit_code_check(body)


def valid_form(account: str = "dl_seafood", seed: int = 1, kind: str = "uscc") -> RegistrationInput:
    fields = {
        "province": "辽宁省", "city": "大连市", "name_zh": "大连海晟水产有限公司", "name_en": "Dalian Haisheng Seafood Co., Ltd.",
        "address_zh": "大连市甘井子区海港路 8 号", "postcode": "116000", "account": account,
        "password": "Harbour2026", "password_confirm": "Harbour2026", "real_name": "王海", "email": "wang@example.com",
        "phone": "0411-82730000", "mobile": "13800000000", "fax": "0411-82730001", "ciq_code": "2100600123",
    }
    attachments = {"credit_certificate": Upload("执照.png", png_bytes())}
    if kind == "uscc":
        fields["credit_code"] = credit_code(seed)
    else:
        body = f"{seed:08d}"
        fields["org_code"] = f"{body}-{org_code_check(body)}"
        attachments = {"business_licence": Upload("licence.pdf", pdf_bytes()),
                       "org_code_certificate": Upload("org.png", png_bytes())}
    return RegistrationInput(
        kind=kind, fields=fields, entity_types=["owner", "forwarder"],
        contacts={"legal_representative": {"name": "王大海", "id_type": "id_card", "id_number": "11010519491231002X",
                                           "mobile": "13900000000", "email": "boss@example.com"}},
        attachments=attachments,
    )
