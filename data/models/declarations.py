"""Declarations (报检单) with their goods lines, containers and documents; the party book and enterprise settings."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from data.models.base import Base, DeclStatus, table_of, utcnow


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
        Index("ix_declaration_district_inspection", "district_code", "inspection_no"),  # the query by 报检号 (0026)
        Index("ix_declaration_district_direction_status", "district_code", "direction", "status"),
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


NUMBER_SEPARATORS = (" ", "-", "/", ".", "_")


def normalised_number(column) -> ColumnElement[str]:
    """A stored document number as people compare them: no spaces, dashes, slashes, dots or underscores, upper
    case. The constants are written into the SQL (not bound), so that the expression indexes below serve it."""
    for separator in NUMBER_SEPARATORS:
        column = func.replace(column, text(f"'{separator}'"), text("''"))
    return func.upper(column)


# an inbound certificate finds the entry declaration listing its number, and a B/L number its declaration,
# by one index probe
Index("ix_declaration_document_number", normalised_number(table_of(DeclarationDocument).c.doc_no))
Index("ix_declaration_bl_number", normalised_number(table_of(Declaration).c.bl_no))


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
