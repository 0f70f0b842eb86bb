"""Organisations and people: enterprises, users, roles, cards, shares and the mail outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.models.base import Base, utcnow
from data.models.reference import CustomsDistrict


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


class UserSession(Base):
    """A signed-in browser session: revocable on the server (sign-out, sign out everywhere, timeouts).

    The browser's cookie holds a random token; the store keeps only its SHA-256.
    """

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))  # the client address at sign-in
    agent: Mapped[str | None] = mapped_column(String(256))  # the browser's User-Agent, cut to fit
    ended_at: Mapped[datetime | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(String(16))  # signed_out | everywhere | idle | expired


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
