"""The exchange with other countries: envelopes sent to the ePhyto Hub (the outbox and its tracking) and
the certificates received from abroad."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, utcnow


class HubEnvelope(Base):
    """A certificate's issue, replacement or withdrawal on its way to the importing country through the
    ePhyto Hub: queued in the transaction that changed the certificate, then sent, then tracked.

    `envelope_key` is ours and never changes, so a resend after a crash is recognised as the same
    envelope; `hub_delivery_number` is the hub's once it accepted the envelope. `content_sha256` is the
    SPS XML as it was when queued (a later change of the certificate goes in an envelope of its own).
    """

    __tablename__ = "hub_envelope"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    envelope_key: Mapped[str] = mapped_column(String(36), unique=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), index=True)
    certificate_no: Mapped[str] = mapped_column(String(32))
    district_code: Mapped[str] = mapped_column(ForeignKey("customs_district.code"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    to_country: Mapped[str] = mapped_column(String(2))
    type_code: Mapped[int] = mapped_column(Integer)  # UN/EDIFACT 1001: 851 phytosanitary ...
    status_code: Mapped[int] = mapped_column(Integer)  # UN/EDIFACT 4405: 70 issued, 40 withdrawn
    content_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    state: Mapped[str] = mapped_column(String(24))  # data.exchange.outbox.STATES
    hub_delivery_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column()  # a worker took it for sending
    claim_token: Mapped[str | None] = mapped_column(String(36))  # which worker's round took it
    last_error: Mapped[str | None] = mapped_column(Text)  # why the last attempt did not reach the hub
    hub_message: Mapped[str | None] = mapped_column(Text)  # the hub's error or warning message
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()  # the hub accepted it
    settled_at: Mapped[datetime | None] = mapped_column()  # reached a final state

    __table_args__ = (
        Index("ix_hub_envelope_due", "state", "next_attempt_at"),
    )


class InboundCertificate(Base):
    """A certificate another country issued for goods coming to China (入境证书), received as SPS XML
    from the ePhyto Hub or uploaded by an officer; stored only when it passed every check."""

    __tablename__ = "inbound_certificate"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exporting_country: Mapped[str] = mapped_column(String(2))
    certificate_no: Mapped[str] = mapped_column(String(64))
    type_code: Mapped[str] = mapped_column(String(8))  # UN/EDIFACT 1001
    status_code: Mapped[str] = mapped_column(String(4))  # UN/EDIFACT 4405: 70 issued, 40 withdrawn
    issued_at: Mapped[datetime | None] = mapped_column()
    consignor: Mapped[str] = mapped_column(String(256))
    consignee: Mapped[str] = mapped_column(String(256))
    bl_numbers: Mapped[list] = mapped_column(JSON, default=list)
    containers: Mapped[list] = mapped_column(JSON, default=list)
    goods: Mapped[list] = mapped_column(JSON, default=list)  # [{"seq", "description", "hs_code"}]
    document_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))  # the XML as received
    pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("blob.sha256"))  # the attached certificate PDF
    findings: Mapped[list] = mapped_column(JSON, default=list)  # what the checks noted without refusing
    source: Mapped[str] = mapped_column(String(16))  # hub | upload | command
    envelope_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # the hub's, for duplicates
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", name="fk_inbound_received_by"))
    status_changed_at: Mapped[datetime | None] = mapped_column()
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declaration.id"), index=True)  # matched
    unloading_port: Mapped[str] = mapped_column(String(64), default="")  # as the certificate names it
    # whose officers see it: the matched declaration's district, else the unloading port's, else the top customs
    district_code: Mapped[str | None] = mapped_column(ForeignKey("customs_district.code", name="fk_inbound_district"))

    __table_args__ = (
        UniqueConstraint("exporting_country", "certificate_no", name="uq_inbound_country_number"),
        Index("ix_inbound_received", "received_at"),
        Index("ix_inbound_district_received", "district_code", "received_at"),
    )
