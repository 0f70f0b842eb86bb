"""Certificate applications, their scans, templates and goods, and the certificates issued from them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.models.base import AppStatus, Base, CertStatus, EntryMethod, utcnow

# The applications a certificate search lists besides the issued ones: every status but issued and draft (a draft
# is the enterprise's own). Written out, as the certificate query writes it, so that its runs read the indexes below.
UNDER_REVIEW_EXCLUDED = (AppStatus.DRAFT.value, AppStatus.ISSUED.value)
# (not NOT IN: PostgreSQL writes an index's NOT IN back in a form that, run again, builds another expression, and a
# bulk load builds its indexes again from what PostgreSQL writes back)
UNDER_REVIEW_CONDITION = " AND ".join(f"status <> '{status}'" for status in UNDER_REVIEW_EXCLUDED)
# the certificate query's runs of those applications, one run per declared district in each sort's order (by
# district: ties by id), where a run per district and status read a page's depth of rows from each of eight
# statuses (migration 0036)
UNDER_REVIEW_INDEXES = {
    "ix_app_under_review_id": ("district_code", "id"),
    "ix_app_under_review_submitted": ("district_code", "submitted_at", "id"),
    "ix_app_under_review_reviewed": ("district_code", "reviewed_at", "id"),
    "ix_app_under_review_type": ("district_code", "cert_type_code", "id"),
    "ix_app_under_review_dest": ("district_code", "dest_country", "id"),
    "ix_app_under_review_unit": ("district_code", "production_unit", "id"),
    "ix_app_under_review_number": ("district_code", "certificate_no", "id"),
}


class CertificateApplication(Base):
    """证书申领: one certificate of one type requested against a declaration."""

    __tablename__ = "certificate_application"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    district_code: Mapped[str] = mapped_column(ForeignKey("customs_district.code"))  # 申报关区
    cert_type_code: Mapped[str] = mapped_column(ForeignKey("certificate_type.code"))
    format_code: Mapped[str] = mapped_column(ForeignKey("certificate_format.code"))
    serial: Mapped[str] = mapped_column(String(3), default="01")  # 分证序号
    entry_method: Mapped[str] = mapped_column(String(16), default=EntryMethod.BLANK.value)
    needs_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)  # 需确认后拟制
    status: Mapped[str] = mapped_column(String(24), default=AppStatus.DRAFT.value)
    version: Mapped[int] = mapped_column(Integer, default=1)
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    dest_country: Mapped[str | None] = mapped_column(String(2))
    production_unit: Mapped[str | None] = mapped_column(String(128))
    submitted_at: Mapped[datetime | None] = mapped_column()
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column()
    certificate_no: Mapped[str | None] = mapped_column(String(32))  # given at approval
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    goods: Mapped[list[ApplicationGoods]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationGoods.seq"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_app_enterprise_status_created", "enterprise_id", "status", "created_at"),
        Index("ix_app_district_status_submitted", "district_code", "status", "submitted_at"),
        # the certificate query's runs per declared district and status, sorted by district (ties by id), by
        # certificate type, destination or production unit (migration 0024)
        Index("ix_app_district_status_id", "district_code", "status", "id"),
        Index("ix_app_district_status_type", "district_code", "status", "cert_type_code", "id"),
        Index("ix_app_district_status_dest", "district_code", "status", "dest_country", "id"),
        Index("ix_app_district_status_unit", "district_code", "status", "production_unit", "id"),
        Index("ix_app_district_status_number", "district_code", "status", "certificate_no", "id"),  # (0026)
        Index("ix_app_district_status_reviewed", "district_code", "status", "reviewed_at", "id"),  # (0028)
        # a certificate's application checked by id (status, declared district) from a narrow index, not the wide
        # row: the count of a common destination read 10,000 of them (migration 0035)
        Index("ix_app_id_status_district", "id", "status", "district_code"),
        *(Index(name, *columns, sqlite_where=text(UNDER_REVIEW_CONDITION),
                postgresql_where=text(UNDER_REVIEW_CONDITION)) for name, columns in UNDER_REVIEW_INDEXES.items()),
        Index("ix_app_type_created", "cert_type_code", "created_at"),
        Index("ix_app_reviewed", "reviewed_at"),
        UniqueConstraint("certificate_no", name="uq_certificate_application_certificate_no"),
    )


class ApplicationScan(Base):
    """单证扫描件: a scanned PDF or image uploaded with a certificate application."""

    __tablename__ = "application_scan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("certificate_application.id", ondelete="CASCADE"),
                                                index=True)
    doc_code: Mapped[str] = mapped_column(String(8))  # dictionary attached_document
    filename: Mapped[str] = mapped_column(String(255))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateTemplate(Base):
    """证稿模板: an enterprise's saved certificate draft (fields and goods) to start new applications from."""

    __tablename__ = "certificate_template"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    format_code: Mapped[str] = mapped_column(ForeignKey("certificate_format.code"))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    goods: Mapped[list] = mapped_column(JSON, default=list)
    needs_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("enterprise_id", "name", name="uq_certificate_template_name"),)


class ApplicationGoods(Base):
    """A goods line as printed on the certificate (may differ in wording from the declaration)."""

    __tablename__ = "application_goods"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("certificate_application.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    hs_code: Mapped[str] = mapped_column(String(10))
    name_zh: Mapped[str] = mapped_column(String(256))
    name_en: Mapped[str | None] = mapped_column(String(256))
    origin: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    quantity_unit: Mapped[str | None] = mapped_column(String(3))
    weight: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    weight_unit: Mapped[str | None] = mapped_column(String(3))
    packages: Mapped[int | None] = mapped_column(Integer)
    package_type: Mapped[str | None] = mapped_column(String(2))

    application: Mapped[CertificateApplication] = relationship(back_populates="goods")


class Certificate(Base):
    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_no: Mapped[str] = mapped_column(String(32), unique=True)
    serial: Mapped[str] = mapped_column(String(3), default="01")
    application_id: Mapped[int] = mapped_column(ForeignKey("certificate_application.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    district_code: Mapped[str] = mapped_column(ForeignKey("customs_district.code"))  # issuing district
    cert_type_code: Mapped[str] = mapped_column(ForeignKey("certificate_type.code"))
    entry_method: Mapped[str] = mapped_column(String(16))
    dest_country: Mapped[str | None] = mapped_column(String(2))
    issue_place: Mapped[str] = mapped_column(String(64))
    issue_date: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column()
    received_date: Mapped[date | None] = mapped_column(Date)  # 收单日期 (application received)
    signing_method: Mapped[str] = mapped_column(String(8))
    pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("blob.sha256"))
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    verify_token: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=CertStatus.VALID.value)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column()
    # the officer who issued it
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", name="fk_certificate_issued_by"))
    signed_at: Mapped[datetime | None] = mapped_column()  # when the cloud signature was applied
    # the goods' value as declared when it was issued (the declaration's total), for the statistics by currency
    goods_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217 alpha-3

    __table_args__ = (
        Index("ix_cert_replaces", "replaces_id"),
        Index("ix_cert_district_issue_id", "district_code", "issue_date", "id"),  # the query's runs, ties by id
        Index("ix_cert_district_number", "district_code", "certificate_no"),  # by number, per district (0026)
        Index("ix_cert_dest_district_issue", "dest_country", "district_code", "issue_date", "id"),  # (0030)
        Index("ix_cert_district_received_id", "district_code", "received_date", "id"),  # by received date (0024)
        Index("ix_cert_enterprise_issue", "enterprise_id", "issue_date"),
        Index("ix_cert_type_issue", "cert_type_code", "issue_date"),
        Index("ix_cert_status", "status"),
    )


class Blob(Base):
    """Content-addressed file (scans, signed PDFs)."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
