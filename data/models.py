"""SQLAlchemy 2.0 typed models of the certdash store.

Field lists follow the manuals in shared/seeds (Jiucheng 3.4 for declarations, Liaoning 5.3/5.8 for
certificate applications, Hebei for enterprise registration). Columns that list pages and
statistics filter on are denormalised onto the row (enterprise, district, type, destination) so
that every scoped query is one indexed table scan, not a join chain.
"""
from __future__ import annotations

import enum
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from auth.permissions import Role  # noqa: F401  (named with the permissions; the models store it)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | None) -> datetime | None:
    """Return a stored moment as an aware UTC datetime (SQLite hands back naive ones)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


class AppStatus(str, enum.Enum):
    """Workflow states of a certificate application (DESIGN.md)."""

    DRAFT = "draft"  # 暂存中
    SUBMITTED = "submitted"  # 申报中
    UNDER_REVIEW = "under_review"  # 审核中
    RETURNED = "returned"  # 退回
    SUSPENDED = "suspended"  # 暂停中
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # 待企业确认
    CONFIRMED = "confirmed"  # 已确认
    APPROVED = "approved"  # 审核通过
    ISSUED = "issued"  # 已签发
    REVOKED = "revoked"  # 已撤销


class CertStatus(str, enum.Enum):
    VALID = "valid"
    REPLACED = "replaced"
    WITHDRAWN = "withdrawn"


class EntryMethod(str, enum.Enum):
    """How an application was filled in (录入方式, Liaoning 5.8.1)."""

    BLANK = "blank"  # 空白证稿录入
    SIMILAR = "similar"  # 相似报检号录入
    TEMPLATE = "template"  # 证稿模板录入
    SMART_IMPORT = "smart_import"  # 智能导入


class SigningMethod(str, enum.Enum):
    CLOUD = "cloud"  # 云签发
    PAPER = "paper"  # ECIQ 打印


class DeclStatus(str, enum.Enum):
    """Jiucheng 3.4.2 queues: 暂存, 保存, 已发送, 已回执."""

    DRAFT = "draft"
    SAVED = "saved"
    SENT = "sent"
    RECEIPTED = "receipted"


# --- reference data -----------------------------------------------------------------------------


class CustomsDistrict(Base):
    """A customs house: 直属海关 (no parent) or 隶属海关 under one."""

    __tablename__ = "customs_district"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("customs_district.code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(256))
    postcode: Mapped[str | None] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[CustomsDistrict | None] = relationship(remote_side=[code], back_populates="children")
    children: Mapped[list[CustomsDistrict]] = relationship(back_populates="parent")


class DictEntry(Base):
    """One entry of a code dictionary (countries, currencies, units, package types, HS codes ...)."""

    __tablename__ = "dict_entry"
    dictionary: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(256))
    name_en: Mapped[str] = mapped_column(String(256))
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class CertificateType(Base):
    """证单类型: 兽医卫生证书 (14), 植物检疫证书 (18) ... with the inspection category it belongs to."""

    __tablename__ = "certificate_type"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(16))  # exit (出境施检) | packaging (包装施检)
    bilingual: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)

    formats: Mapped[list[CertificateFormat]] = relationship(back_populates="cert_type")


class CertificateFormat(Base):
    """证单格式: the field set and layout of one printed form of a certificate type."""

    __tablename__ = "certificate_format"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    cert_type_code: Mapped[str] = mapped_column(ForeignKey("certificate_type.code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    languages: Mapped[str] = mapped_column(String(32), default="zh,en")
    # [{"key": "consignor", "label_zh": ..., "label_en": ..., "required": true, "kind": "text"}, ...]
    fields: Mapped[list] = mapped_column(JSON, default=list)
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    cert_type: Mapped[CertificateType] = relationship(back_populates="formats")


# --- organisations and people -------------------------------------------------------------------


class Enterprise(Base):
    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    org_code: Mapped[str | None] = mapped_column(String(10), index=True)  # 组织机构代码 (XXXXXXXX-X)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(256))
    address_zh: Mapped[str | None] = mapped_column(String(256))
    address_en: Mapped[str | None] = mapped_column(String(256))
    registration_no: Mapped[str | None] = mapped_column(String(10), unique=True)  # 报检注册号
    customs_code: Mapped[str | None] = mapped_column(String(10))  # 海关注册编码
    ciq_code: Mapped[str | None] = mapped_column(String(10))  # 检验检疫编码
    entity_types: Mapped[list] = mapped_column(JSON, default=list)  # forwarder/ship_agent/broker/owner
    district_code: Mapped[str | None] = mapped_column(ForeignKey("customs_district.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    legal_representative: Mapped[str | None] = mapped_column(String(64))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # registration (Hebei single-window manual 2.3): 三证合一 (uscc) or the older kind (org_code)
    registration_kind: Mapped[str] = mapped_column(String(8), default="uscc", server_default="uscc")
    short_name: Mapped[str | None] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    postcode: Mapped[str | None] = mapped_column(String(6))
    profile: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")  # optional codes, bank ...
    submitted_at: Mapped[datetime | None] = mapped_column()
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewed_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", use_alter=True, name="fk_enterprise_reviewed_by"))
    review_comment: Mapped[str | None] = mapped_column(Text)

    contacts: Mapped[list[EnterpriseContact]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="EnterpriseContact.id"
    )
    attachments: Mapped[list[EnterpriseAttachment]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="EnterpriseAttachment.id"
    )


class EnterpriseContact(Base):
    """联系方式: legal representative, general manager, finance contact."""

    __tablename__ = "enterprise_contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(24))  # legal_representative | general_manager | finance
    name: Mapped[str | None] = mapped_column(String(64))
    id_type: Mapped[str | None] = mapped_column(String(16))
    id_number: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    fax: Mapped[str | None] = mapped_column(String(32))
    mobile: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(128))

    enterprise: Mapped[Enterprise] = relationship(back_populates="contacts")


class EnterpriseAttachment(Base):
    """注册资料: a scanned licence or certificate uploaded with the registration."""

    __tablename__ = "enterprise_attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="attachments")


class RoleDef(Base):
    """A role of the role tree; permissions are assigned to roles, users to one role."""

    __tablename__ = "role"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("role.code"))
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    builtin: Mapped[bool] = mapped_column(Boolean, default=True)


class RolePermission(Base):
    __tablename__ = "role_permission"
    role_code: Mapped[str] = mapped_column(ForeignKey("role.code", ondelete="CASCADE"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(12), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(256))
    real_name: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(ForeignKey("role.code"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("customs_district.code"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fax: Mapped[str | None] = mapped_column(String(32))
    mobile: Mapped[str | None] = mapped_column(String(32))
    job_title: Mapped[str | None] = mapped_column(String(64))
    customs_declarant_no: Mapped[str | None] = mapped_column(String(32))  # 报关员号
    inspection_declarant_no: Mapped[str | None] = mapped_column(String(32))  # 报检员号
    organisation: Mapped[str | None] = mapped_column(String(128))  # overseas users: their authority / firm
    country: Mapped[str | None] = mapped_column(String(2))  # overseas users
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", name="fk_app_user_created_by"))
    deleted_at: Mapped[datetime | None] = mapped_column()  # deleted users keep their history and account name

    enterprise: Mapped[Enterprise | None] = relationship(foreign_keys=[enterprise_id])
    district: Mapped[CustomsDistrict | None] = relationship()


class PasswordResetToken(Base):
    """An e-mailed one-time link to set a new password; only the token's hash is stored."""

    __tablename__ = "password_reset_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class CommAccount(Base):
    """The enterprise's bound ECIQ communication account (通信账号); the password is encrypted."""

    __tablename__ = "comm_account"
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    password_encrypted: Mapped[str] = mapped_column(Text)
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)
    bound_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CertificateShare(Base):
    """A certificate an enterprise has shared with one of its overseas users."""

    __tablename__ = "certificate_share"
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True, index=True)
    shared_at: Mapped[datetime] = mapped_column(default=utcnow)
    shared_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class OutgoingMail(Base):
    """An e-mail written in the same transaction as the change it reports, delivered after commit."""

    __tablename__ = "outgoing_mail"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(256))
    subject: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class IcCard(Base):
    __tablename__ = "ic_card"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_no: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    public_key_pem: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | blocked | revoked
    bound_at: Mapped[datetime | None] = mapped_column()


# --- declarations -------------------------------------------------------------------------------


class Declaration(Base):
    """报检单 (Jiucheng 3.4.3): exit or entry declaration of goods."""

    __tablename__ = "declaration"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(5))  # exit | entry
    entry_no: Mapped[str | None] = mapped_column(String(20))  # 录入序号
    inspection_no: Mapped[str | None] = mapped_column(String(15), unique=True)  # 报检号
    inspection_date: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(8))  # 报检类别
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    district_code: Mapped[str] = mapped_column(ForeignKey("customs_district.code"))  # 报检地
    issue_district_code: Mapped[str | None] = mapped_column(String(4))  # 领证地
    port_authority_code: Mapped[str | None] = mapped_column(String(4))  # 口岸机构
    declarant_code: Mapped[str | None] = mapped_column(String(16))  # 报检员编码
    declarant_name: Mapped[str | None] = mapped_column(String(64))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    consignor_code: Mapped[str | None] = mapped_column(String(18))
    consignor_zh: Mapped[str | None] = mapped_column(String(128))
    consignor_en: Mapped[str | None] = mapped_column(String(256))
    consignor_address: Mapped[str | None] = mapped_column(String(256))
    consignee_code: Mapped[str | None] = mapped_column(String(18))
    consignee_zh: Mapped[str | None] = mapped_column(String(128))
    consignee_en: Mapped[str | None] = mapped_column(String(256))
    consignee_address: Mapped[str | None] = mapped_column(String(256))
    trade_mode: Mapped[str | None] = mapped_column(String(8))  # 贸易方式
    transport_mode: Mapped[str | None] = mapped_column(String(2))  # UNECE Rec. 19
    transport_means: Mapped[str | None] = mapped_column(String(64))  # 运输工具名称
    transport_no: Mapped[str | None] = mapped_column(String(64))  # 航次/号码
    departure_port: Mapped[str | None] = mapped_column(String(64))  # 离境口岸 / 启运口岸
    arrival_port: Mapped[str | None] = mapped_column(String(64))  # 到达口岸 / 入境口岸
    dest_country: Mapped[str | None] = mapped_column(String(2))  # 输往国家 (ISO alpha-2)
    origin_country: Mapped[str | None] = mapped_column(String(2))  # 启运国家 (entry)
    contract_no: Mapped[str | None] = mapped_column(String(64))
    bl_no: Mapped[str | None] = mapped_column(String(64))  # 提/运单号
    despatch_date: Mapped[date | None] = mapped_column(Date)  # 发货日期
    arrival_date: Mapped[date | None] = mapped_column(Date)
    storage_place: Mapped[str | None] = mapped_column(String(128))  # 存放地点
    inspection_place_code: Mapped[str | None] = mapped_column(String(4))  # 施检地
    related_inspection_no: Mapped[str | None] = mapped_column(String(15))  # 关联报检号
    related_reason: Mapped[str | None] = mapped_column(String(128))  # 关联理由
    customs_declaration_district: Mapped[str | None] = mapped_column(String(4))  # 报关海关
    legal_inspection: Mapped[bool] = mapped_column(Boolean, default=True)  # 是否法检
    marks: Mapped[str | None] = mapped_column(Text)  # 标记号码
    special_requirements: Mapped[str | None] = mapped_column(Text)
    required_documents: Mapped[list] = mapped_column(JSON, default=list)  # 所需单据
    total_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default=DeclStatus.DRAFT.value)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    sent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    goods: Mapped[list[GoodsLine]] = relationship(
        back_populates="declaration", cascade="all, delete-orphan", order_by="GoodsLine.seq"
    )
    containers: Mapped[list[Container]] = relationship(
        back_populates="declaration", cascade="all, delete-orphan", order_by="Container.seq"
    )
    documents: Mapped[list[DeclarationDocument]] = relationship(
        back_populates="declaration", cascade="all, delete-orphan", order_by="DeclarationDocument.seq"
    )

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        Index("ix_declaration_enterprise_created", "enterprise_id", "created_at"),
        Index("ix_declaration_district_date", "district_code", "inspection_date"),
        Index("ix_declaration_enterprise_status", "enterprise_id", "direction", "status"),
        Index("ix_declaration_district_created", "district_code", "created_at"),
        Index("ix_declaration_enterprise_inspection", "enterprise_id", "inspection_date"),
    )


class GoodsLine(Base):
    __tablename__ = "goods_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    hs_code: Mapped[str] = mapped_column(String(10))
    ciq_code: Mapped[str | None] = mapped_column(String(3))
    name_zh: Mapped[str] = mapped_column(String(256))
    name_en: Mapped[str | None] = mapped_column(String(256))
    spec: Mapped[str | None] = mapped_column(String(256))
    model: Mapped[str | None] = mapped_column(String(128))
    brand: Mapped[str | None] = mapped_column(String(128))
    purpose: Mapped[str | None] = mapped_column(String(32))  # 用途
    origin_country: Mapped[str | None] = mapped_column(String(2))
    origin_place: Mapped[str | None] = mapped_column(String(64))  # 原产地区
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    quantity_unit: Mapped[str | None] = mapped_column(String(3))
    weight: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    weight_unit: Mapped[str | None] = mapped_column(String(3))
    packages: Mapped[int | None] = mapped_column(Integer)
    package_type: Mapped[str | None] = mapped_column(String(2))  # UNECE Rec. 21
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    production_unit: Mapped[str | None] = mapped_column(String(128))  # 生产单位名称
    production_unit_reg_no: Mapped[str | None] = mapped_column(String(32))
    production_date: Mapped[date | None] = mapped_column(Date)
    batch_no: Mapped[str | None] = mapped_column(String(64))

    declaration: Mapped[Declaration] = relationship(back_populates="goods")


class Container(Base):
    __tablename__ = "container"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    spec: Mapped[str | None] = mapped_column(String(8))  # 20GP, 40HC ...
    number: Mapped[str] = mapped_column(String(11), index=True)  # ISO 6346
    count: Mapped[int] = mapped_column(Integer, default=1)
    lcl: Mapped[bool] = mapped_column(Boolean, default=False)  # 拼箱标识
    seal_no: Mapped[str | None] = mapped_column(String(32))

    declaration: Mapped[Declaration] = relationship(back_populates="containers")


class DeclarationDocument(Base):
    """随附单据: a document that goes with the declaration, by its attached-document code."""

    __tablename__ = "declaration_document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    doc_code: Mapped[str] = mapped_column(String(8))  # dictionary attached_document
    doc_no: Mapped[str | None] = mapped_column(String(64))  # the document's own number, if any

    declaration: Mapped[Declaration] = relationship(back_populates="documents")


class PartyBookEntry(Base):
    """收发货人维护 (Jiucheng 3.3.6): an enterprise's consignors and consignees, to fill forms from."""

    __tablename__ = "party_book"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(String(18))
    name_zh: Mapped[str | None] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(256))
    address: Mapped[str | None] = mapped_column(String(256))
    contact: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EnterpriseSetting(Base):
    """One named setting of an enterprise: declaration defaults (默认信息设置), goods-import mapping ..."""

    __tablename__ = "enterprise_setting"
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- certificate applications and certificates --------------------------------------------------


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
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", name="fk_certificate_issued_by"))  # the officer who issued it
    signed_at: Mapped[datetime | None] = mapped_column()  # when the cloud signature was applied

    __table_args__ = (
        Index("ix_cert_replaces", "replaces_id"),
        Index("ix_cert_district_issue", "district_code", "issue_date"),
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


# --- events, notifications, parameters ----------------------------------------------------------


class Event(Base):
    """A receipt (回执) or audit record: every state change and sensitive read."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    code: Mapped[str] = mapped_column(String(48))  # e.g. app.submitted, auth.login_failed
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    district_code: Mapped[str | None] = mapped_column(String(4))
    message: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_event_object", "object_type", "object_id", "at"),
        Index("ix_event_actor_at", "actor_id", "at"),
        Index("ix_event_code_at", "code", "at"),
        Index("ix_event_enterprise_at", "enterprise_id", "at"),
    )


class Notification(Base):
    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(128))
    title_en: Mapped[str] = mapped_column(String(256))
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    roles: Mapped[list] = mapped_column(JSON, default=list)  # empty: every role
    districts: Mapped[list] = mapped_column(JSON, default=list)  # empty: every district
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None] = mapped_column()
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SystemParameter(Base):
    __tablename__ = "system_parameter"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(String(256))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))



class RateLimitHit(Base):
    """Attempts counted per key (e.g. verification requests from one address) and time window."""

    __tablename__ = "rate_limit"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


class LedgerTemplate(Base):
    """A saved choice of ledger columns (企业台账 export template) of one enterprise."""

    __tablename__ = "ledger_template"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))  # exit | entry
    columns: Mapped[list] = mapped_column(JSON, default=list)  # column keys in export order
    file_name: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("enterprise_id", "name", name="uq_ledger_template_name"),)


class NumberSequence(Base):
    """The last number handed out under a prefix (certificate numbers per district, year and type)."""

    __tablename__ = "number_sequence"
    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger)


class LoginChallenge(Base):
    """A one-time challenge for IC-card sign-in: valid until it expires or is used once."""

    __tablename__ = "login_challenge"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column()
    card_no: Mapped[str | None] = mapped_column(String(32))


# --- statistics rollups: kept exact by data/statistics/rollup.py in the transaction of every change --------


class StatsCertificate(Base):
    """Certificates counted per day or month, district and one grouping of dimensions (data/statistics/rollup.py).

    A dimension the grouping does not keep holds "*" (received_date: 0001-01-01); `period` is the
    issue date, or the received date for the groupings counted by received date.
    """

    __tablename__ = "stats_certificate"
    grouping: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)  # d(ay) | m(onth: period is its first day)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    cert_type_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    entry_method: Mapped[str] = mapped_column(String(16), primary_key=True)
    signing_method: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    dest_country: Mapped[str] = mapped_column(String(2), primary_key=True)  # "" when the certificate has none
    received_date: Mapped[date] = mapped_column(Date, primary_key=True)
    certificates: Mapped[int] = mapped_column(Integer, default=0)
    cloud: Mapped[int] = mapped_column(Integer, default=0)  # of which cloud-signed
    printed: Mapped[int] = mapped_column(Integer, default=0)  # of which printed on paper at least once
    copies: Mapped[int] = mapped_column(Integer, default=0)  # paper prints in all (sum of print_count)

    __table_args__ = (
        # the destination filter reads one country's rows (grouping 4), not every country's of the period
        Index("ix_stats_certificate_destination", "dest_country", "grain", "period", "district_code",
              sqlite_where=text("grouping = 4"), postgresql_where=text("grouping = 4")),
        {"sqlite_with_rowid": False},  # SQLite: rows stored in key order, a range read is one scan
    )


class StatsTrend(Base):
    """Certificates per month of issue and certificate type or destination, summed over a whole district
    subtree: one row set per district ("*": all districts), read by the trends page as it is."""

    __tablename__ = "stats_trend"
    root_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the district whose subtree is summed
    dimension: Mapped[str] = mapped_column(String(1), primary_key=True)  # t(ype) | d(estination)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)  # m(onth)
    value: Mapped[str] = mapped_column(String(4), primary_key=True)  # type code, country ("" for none)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    certificates: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = {"sqlite_with_rowid": False}


TURNAROUND_BUCKETS = 52  # data/statistics/rollup.py TURNAROUND_EDGES: 51 upper edges, the last bucket is open


class StatsTurnaround(Base):
    """Approvals per approval day or month and district: count, seconds in all, and a histogram of
    submission-to-approval times (column b00 .. b51 = bucket, edges in data/statistics/rollup.py)."""

    __table__ = Table(
        "stats_turnaround", Base.metadata,
        Column("grain", String(1), primary_key=True),
        Column("period", Date, primary_key=True),
        Column("district_code", String(4), primary_key=True),
        Column("approvals", Integer, nullable=False, default=0),
        Column("seconds", BigInteger, nullable=False, default=0),
        *(Column(f"b{k:02d}", Integer, nullable=False, default=0) for k in range(TURNAROUND_BUCKETS)),
        sqlite_with_rowid=False,
    )


class StatsBacklog(Base):
    """Applications waiting, per district and day of submission, one column per waiting status."""

    __tablename__ = "stats_backlog"
    district_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    submitted_on: Mapped[date] = mapped_column(Date, primary_key=True)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    under_review: Mapped[int] = mapped_column(Integer, default=0)
    suspended: Mapped[int] = mapped_column(Integer, default=0)
    awaiting_confirmation: Mapped[int] = mapped_column(Integer, default=0)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = {"sqlite_with_rowid": False}
