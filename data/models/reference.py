"""Reference data: customs districts, code dictionaries, certificate types and formats."""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.models.base import Base


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
