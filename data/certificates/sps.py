"""A certificate's SPS XML for those who may see it (its scope, or an overseas user it is shared with).

The access check is data.certificates.issuing.certificate_pdf's: the XML embeds exactly the PDF that route
serves, so whoever may read one may read the other, and their SHA-256 agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.certificates.issuing import VIEW_PERMISSIONS, Issuer, certificate_pdf
from data.certificates.sps_document import sps_document
from data.core.scope import AccessDenied, Actor, row_scope
from data.models import Certificate, CertStatus


@dataclass(frozen=True)
class CertificateFiles:
    certificate_no: str
    pdf: bytes
    sps_xml: bytes


def certificate_files(s: Session, actor: Actor, certificate_no: str, *, issuer: Issuer) -> CertificateFiles:
    """The certificate's PDF (signed for cloud) and its SPS XML; NotFound outside the actor's sight."""
    pdf = certificate_pdf(s, actor, certificate_no, issuer=issuer)  # checks permission and scope
    cert = s.scalars(select(Certificate).where(Certificate.certificate_no == str(certificate_no)[:32])).one()
    return CertificateFiles(cert.certificate_no, pdf, sps_document(s, cert, pdf, public_url=issuer.public_url))


def certificate_sps_xml(s: Session, actor: Actor, certificate_no: str, *, issuer: Issuer) -> bytes:
    """The certificate's SPS XML (with its PDF embedded); NotFound outside the actor's sight."""
    return certificate_files(s, actor, certificate_no, issuer=issuer).sps_xml


STREAM_BATCH = 2000  # rows fetched per round trip when listing (a server-side cursor on PostgreSQL)


def certificate_numbers(s: Session, actor: Actor, *, status: str | None = None,
                        limit: int | None = None) -> Iterator[str]:
    """Yield the numbers of the certificates in the actor's scope, in number order, streamed from the store."""
    if not any(actor.can(p) for p in VIEW_PERMISSIONS):
        raise AccessDenied(VIEW_PERMISSIONS[0])
    if status is not None and status not in {c.value for c in CertStatus}:
        raise ValueError(f"unknown certificate status {status!r}")
    stmt = select(Certificate.certificate_no).where(row_scope(actor, Certificate)).order_by(Certificate.certificate_no)
    if status is not None:
        stmt = stmt.where(Certificate.status == status)
    if limit is not None:
        stmt = stmt.limit(limit)
    yield from s.scalars(stmt.execution_options(yield_per=STREAM_BATCH))
