"""Validation of SPS Certificate XML against the official UN/CEFACT schema set: bytes in, findings out.

The project ships the schema set it validates with in `sps_xsd/` (SPSCertificate 17p0, RABIE 21,
UDT/QDT 21, D16B code lists; where each file comes from is in `sps_xsd/SOURCE.txt`). An operator may
point `CERTDASH_SPS_SCHEMA_DIR` at a newer set laid out the same way.

Documents from elsewhere are parsed without a DTD, without entities and without network access, so a
billion-laughs document or an external entity is a finding, not a hang or a leak.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent / "sps_xsd"
ENTRY = Path("data/standard/SPSCertificate_17p0.xsd")
RSM = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
PREFIXES = {
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21}": "ram:",
    "{urn:un:unece:uncefact:data:standard:SPSCertificate:17}": "rsm:",
    "{urn:un:unece:uncefact:data:standard:UnqualifiedDataType:21}": "udt:",
}
MAX_BYTES = 50 * 1024 * 1024  # an SPS certificate with its PDF is a few MB
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Finding:
    """One reason a document is not a valid SPS certificate: where (line, element path) and why."""

    line: int
    path: str
    message: str  # in English: what the hub's failed acknowledgement and the command line say
    code: str = ""  # the kind of reason, for a page to say it in the user's language (with `values`)
    values: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = ", ".join(([f"line {self.line}"] if self.line > 0 else []) + ([self.path] if self.path else []))
        return f"{where}: {self.message}" if where else self.message


def _short(text: str) -> str:
    for namespace, prefix in PREFIXES.items():
        text = text.replace(namespace, prefix)
    return text


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


@functools.lru_cache(maxsize=4)
def _schema(folder: str) -> etree.XMLSchema:
    entry = Path(folder) / ENTRY
    if not entry.is_file():
        raise FileNotFoundError(f"no SPS schema at {entry}")
    with _LOCK:  # libxml2 reads the 135 files once per folder and process
        return etree.XMLSchema(etree.parse(str(entry)))


def sps_checked(document: bytes, schema_dir: Path | None = None) -> tuple[list[Finding], Any]:
    """`sps_findings` and, when there are none, the parsed document (for reading it without a second parse)."""
    if len(document) > MAX_BYTES:
        mb = MAX_BYTES // (1024 * 1024)
        return [Finding(0, "", f"the document is larger than {mb} MB", "too_large", {"mb": mb})], None
    if b"<!DOCTYPE" in document[:4096] or b"<!ENTITY" in document:
        return [Finding(1, "", "a document type declaration or entity is not allowed in an SPS certificate", "dtd")], None
    try:
        tree = etree.fromstring(document, safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        return [Finding(line, "", f"not well-formed XML: {exc.msg}", "not_well_formed", {"detail": exc.msg})], None
    if tree.tag != f"{{{RSM}}}SPSCertificate":
        root = _short(tree.tag)
        return [Finding(tree.sourceline or 1, "", f"the root element is {root}, not rsm:SPSCertificate "
                                                   f"in the SPS Certificate 17 namespace", "wrong_root",
                        {"root": root})], None
    schema = _schema(str(schema_dir or SCHEMA_DIR))
    with _LOCK:  # an XMLSchema's error log belongs to one validation at a time
        if schema.validate(tree):
            return [], tree
        return [Finding(e.line, _short(e.path or ""), _short(e.message), "schema", {"detail": _short(e.message)})
                for e in schema.error_log], None


def sps_findings(document: bytes, schema_dir: Path | None = None) -> list[Finding]:
    """Everything that keeps `document` from being a valid SPS Certificate 17 (empty: valid)."""
    return sps_checked(document, schema_dir)[0]


def is_valid_sps(document: bytes, schema_dir: Path | None = None) -> bool:
    return not sps_findings(document, schema_dir)
