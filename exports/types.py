"""Everything printed on a certificate, as plain data: the PDF renderer and the SPS XML read only this.

The data layer fills it (data/certificates/content.py); exports render it; nothing here touches the store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

EXPORT_COUNTRY = "CN"  # exit certificates are issued in China

# content status: the application's until a certificate exists, then the certificate's
DRAFT, APPROVED, ISSUED, REPLACED, WITHDRAWN = "draft", "approved", "issued", "replaced", "withdrawn"
CONTENT_STATUSES = (DRAFT, APPROVED, ISSUED, REPLACED, WITHDRAWN)


class Coded(NamedTuple):
    """A coded value with its dictionary names (country ISO alpha-2, transport mode Rec. 19, ...)."""

    code: str
    name_zh: str
    name_en: str


class Unit(NamedTuple):
    """A unit of the `unit` dictionary with its UN/ECE Rec. 20 code, when the dictionary has one."""

    code: str
    name_zh: str
    name_en: str
    rec20: str | None


@dataclass(frozen=True)
class CertificateTypeInfo:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class FormatInfo:
    """The certificate format: which languages it prints and its layout values as stored.

    `layout` is CertificateFormat.layout as the administrators left it (unchecked): the renderer
    validates it against exports.certificate.pdf.LAYOUT_PARAMETERS.
    """

    code: str
    name_zh: str
    name_en: str
    languages: tuple[str, ...]  # ("zh", "en"), ("en",), ("zh",)
    layout: dict

    @property
    def bilingual(self) -> bool:
        return "zh" in self.languages and "en" in self.languages


@dataclass(frozen=True)
class FieldValue:
    """One field of the format, in the format's order: its captions and the value entered.

    `value` is the text as stored ('' when empty); `coded` names it when the field holds a code
    (country, transport mode; for a packages field "120 CT" its package type CT); `day` is set for
    date fields with a valid ISO date.
    """

    key: str
    caption_zh: str
    caption_en: str
    kind: str
    required: bool
    value: str
    coded: Coded | None = None
    day: date | None = None


@dataclass(frozen=True)
class GoodsItem:
    seq: int
    hs_code: str
    description_zh: str
    description_en: str
    origin: str  # place of origin as printed (产地)
    origin_country: Coded | None  # from the declaration's goods line with the same seq and HS code
    quantity: str  # '' when none
    quantity_unit: Unit | None
    weight: str
    weight_unit: Unit | None
    packages: int | None
    package_type: Coded | None  # UN/ECE Rec. 21 code
    value: str  # from the declaration's goods line; '' when unknown
    currency: Coded | None


@dataclass(frozen=True)
class Party:
    name_zh: str
    name_en: str
    address: str
    code: str  # the enterprise code on the declaration ('' if none)


@dataclass(frozen=True)
class Transport:
    mode: Coded | None  # UN/ECE Rec. 19
    means: str  # 运输工具名称
    voyage: str  # 航次/号码
    departure_port: str
    arrival_port: str
    despatch_date: date | None
    arrival_date: date | None


@dataclass(frozen=True)
class ContainerInfo:
    number: str  # ISO 6346
    spec: str  # 20GP, 40HC ...
    seal_no: str


@dataclass(frozen=True)
class Authority:
    """The issuing authority: the customs district that issues (or will issue) the certificate."""

    district_code: str
    name_zh: str
    name_en: str
    parent_zh: str  # the 直属海关 above it ('' for a 直属海关 itself)
    parent_en: str
    issue_place: str  # as printed: the certificate's, else the district's names


@dataclass(frozen=True)
class DeclarationFacts:
    inspection_no: str
    inspection_date: date | None
    contract_no: str
    bl_no: str
    trade_mode: Coded | None
    total_value: str
    currency: Coded | None


@dataclass(frozen=True)
class Signatory:
    """Who signs: filled from the certificate when it exists (the signing code may replace it)."""

    title_zh: str  # 官方兽医 / 授权签字人 ... from the format's layout
    title_en: str
    method: str | None = None  # cloud | paper (SigningMethod)
    officer_name: str = ""
    signed_at: datetime | None = None


@dataclass(frozen=True)
class CertificateContent:
    application_id: int
    cert_type: CertificateTypeInfo
    format: FormatInfo
    certificate_no: str | None  # given at approval
    serial: str  # 分证序号
    status: str  # one of CONTENT_STATUSES
    replaces_no: str | None  # the certificate this one replaces
    status_reason: str | None  # why replaced or withdrawn
    authority: Authority
    issue_date: date | None  # the certificate's; at approval the approval day; None for drafts
    consignor: Party
    consignee: Party
    fields: tuple[FieldValue, ...]
    goods: tuple[GoodsItem, ...]
    transport: Transport
    export_country: Coded
    dest_country: Coded | None
    marks: str
    seals: tuple[str, ...]
    containers: tuple[ContainerInfo, ...]
    declaration: DeclarationFacts
    verify_url: str | None  # only once a certificate exists
    signatory: Signatory
    moment: datetime  # when this content was last changed (issue, approval or last save): PDF dates
    production_unit: str = ""
    verify_code: str | None = None  # typed with the number to verify a paper certificate (beside the QR code)
    field_index: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_draft(self) -> bool:
        """A draft until approval: the PDF carries the 草稿 / DRAFT watermark."""
        return self.status == DRAFT

    def field_value(self, key: str) -> FieldValue | None:
        """The format's field `key`, or None if the format has no such field."""
        return self.field_index.get(key)
