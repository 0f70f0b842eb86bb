"""Uploaded files: type recognised by content (never by name), size limits, content-addressed storage."""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from sqlalchemy import bindparam, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from data.models import Blob

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# media type by leading bytes
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
IMAGE_AND_PDF = frozenset({"image/jpeg", "image/png", "image/gif", "image/bmp", "application/pdf"})


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


class UploadProblem(ValueError):
    """An uploaded file is refused; `code` says why (empty, too_large, bad_type, unreadable)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sniff_media_type(content: bytes) -> str | None:
    """Return the media type the bytes really are, or None when not a supported kind."""
    for magic, media_type in _SIGNATURES:
        if content.startswith(magic):
            return media_type
    # BMP: "BM", then the file size (little-endian) in bytes 2-5 and a DIB header size we know
    if content[:2] == b"BM" and len(content) >= 26:
        declared = int.from_bytes(content[2:6], "little")
        header = int.from_bytes(content[14:18], "little")
        if declared == len(content) and header in (12, 40, 52, 56, 64, 108, 124):
            return "image/bmp"
    return None


def decode_data_url(data_url: str | None) -> bytes:
    """Decode the `data:...;base64,...` string a browser upload arrives as."""
    if not data_url or "," not in data_url:
        raise UploadProblem("empty")
    try:
        return base64.b64decode(data_url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise UploadProblem("unreadable") from None


def check_upload(upload: Upload, allowed: frozenset[str] = IMAGE_AND_PDF,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Return the file's media type, or raise UploadProblem saying why it is refused."""
    if not upload.content:
        raise UploadProblem("empty")
    if len(upload.content) > max_bytes:
        raise UploadProblem("too_large")
    media_type = sniff_media_type(upload.content)
    if media_type not in allowed:
        raise UploadProblem("bad_type")
    return media_type


def store_blob(s: Session, content: bytes, media_type: str) -> str:
    """Store bytes once under their SHA-256 and return the digest."""
    digest = hashlib.sha256(content).hexdigest()
    known = s.identity_map.get(identity_key(Blob, digest)) is not None or s.scalar(_BLOB_KNOWN, {"digest": digest})
    if not known:  # asked without loading the bytes of a blob that is there
        s.add(Blob(sha256=digest, size=len(content), media_type=media_type, data=content))
        s.flush()
    return digest


_BLOB_KNOWN = select(literal(True)).where(Blob.sha256 == bindparam("digest"))


def safe_filename(name: str) -> str:
    """Keep the last path part of a client-supplied name, without control characters, at most 255."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?')
    return cleaned[:255] or "file"
