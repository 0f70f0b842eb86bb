"""A certificate's SPS XML as it stands now, with its PDF embedded; no access check (callers have one)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from data.certificates.content import content_for_application
from data.certificates.verification import replaced_by
from data.models import Certificate, CertificateApplication, as_utc
from exports.certificate.sps_xml import PdfAttachment, sps_certificate_xml


def sps_document(s: Session, cert: Certificate, pdf: bytes, *, public_url: str | None) -> bytes:
    """The SPS Certificate XML of `cert` in its current status, embedding `pdf` (its PDF as served).

    NotExchangeable when the certificate names no importing country or no goods.
    """
    app = s.get_one(CertificateApplication, cert.application_id)
    content = content_for_application(s, app, cert, public_url=public_url)
    return sps_certificate_xml(content, pdf=PdfAttachment(f"{cert.certificate_no}.pdf", pdf),
                               replaced_by=replaced_by(s, cert), status_changed_at=as_utc(cert.status_changed_at))
