"""Reference data: customs districts, code dictionaries, certificate types and formats.

The lists ship with the project (CSV files in `reference_data/`, the ISO lists of pycountry, and the
certificate definitions below). `load_reference` adds what the store lacks and leaves rows that
administrators have edited alone unless asked to overwrite them.
"""
from __future__ import annotations

import csv
import gettext
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import CertificateFormat, CertificateType, CustomsDistrict, DictEntry

DATA_DIR = Path(__file__).resolve().parent / "reference_data"

DICTIONARIES = (
    "country",
    "currency",
    "unit",
    "package_type",
    "transport_mode",
    "trade_mode",
    "attached_document",
    "hs_code",
)
FIELD_KINDS = ("text", "multiline", "date", "country", "transport_mode", "weight", "packages")


# --- certificate types and formats --------------------------------------------------------------


class CertTypeSpec(NamedTuple):
    """A certificate type (证单类型) as shipped."""

    code: str
    name_zh: str
    name_en: str
    category: str  # exit (出境施检) | packaging (包装施检)
    bilingual: bool = True


class FieldSpec(NamedTuple):
    """One field of a certificate format; stored as a dict in CertificateFormat.fields."""

    key: str
    label_zh: str
    label_en: str
    required: bool
    kind: str


class Layout(NamedTuple):
    """PDF layout parameters of a certificate format."""

    title_zh: str
    title_en: str
    signatory_zh: str
    signatory_en: str
    official_stamp: bool = True
    page_size: str = "A4"
    margins_mm: tuple[int, int, int, int] = (20, 15, 20, 15)  # top, right, bottom, left
    font_size: float = 9.0

    def as_dict(self) -> dict:
        """Return the layout as the JSON object stored on CertificateFormat.layout."""
        top, right, bottom, left = self.margins_mm
        return {
            "page_size": self.page_size,
            "margins_mm": {"top": top, "right": right, "bottom": bottom, "left": left},
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "font_size": self.font_size,
            "official_stamp": self.official_stamp,
            "signatory_zh": self.signatory_zh,
            "signatory_en": self.signatory_en,
        }


class FormatSpec(NamedTuple):
    """A certificate format (证单格式): its field set and layout."""

    code: str
    cert_type_code: str
    name_zh: str
    name_en: str
    languages: str
    fields: tuple[FieldSpec, ...]
    layout: Layout


def _field(key: str, label_zh: str, label_en: str, kind: str = "text", required: bool = True) -> FieldSpec:
    return FieldSpec(key, label_zh, label_en, required, kind)


# Menu order of the Liaoning manual: 5.3.1 .. 5.3.9, then 5.4.1 and 5.4.2. Codes 14, 18 and 99 come
# from the seeds; the others are the project's choice.
CERTIFICATE_TYPES: tuple[CertTypeSpec, ...] = (
    CertTypeSpec("14", "兽医卫生证书", "VETERINARY (HEALTH) CERTIFICATE", "exit"),
    CertTypeSpec("18", "植物检疫证书", "PHYTOSANITARY CERTIFICATE", "exit"),
    CertTypeSpec("16", "卫生证书", "SANITARY CERTIFICATE", "exit"),
    CertTypeSpec("15", "健康证书", "HEALTH CERTIFICATE", "exit"),
    CertTypeSpec("11", "品质证书", "QUALITY CERTIFICATE", "exit"),
    CertTypeSpec("19", "熏蒸/消毒证书", "FUMIGATION/DISINFECTION CERTIFICATE", "exit"),
    CertTypeSpec("99", "其他证书", "OTHER CERTIFICATE", "exit"),
    CertTypeSpec("21", "出境货物换证凭单", "EXIT GOODS EXCHANGE VOUCHER", "exit", bilingual=False),
    CertTypeSpec("17", "动物卫生证书", "ANIMAL HEALTH CERTIFICATE", "exit"),
    CertTypeSpec(
        "31", "包装性能检验结果单", "PACKAGING PERFORMANCE INSPECTION RESULT", "packaging", bilingual=False
    ),
    CertTypeSpec("32", "运输包装鉴定结果单", "TRANSPORT PACKAGING ASSESSMENT RESULT", "packaging", bilingual=False),
)

_CONSIGNOR = _field("consignor", "发货人名称及地址", "Name and Address of Consignor", "multiline")
_CONSIGNEE = _field("consignee", "收货人名称及地址", "Name and Address of Consignee", "multiline")
_DESCRIPTION = _field("description", "品名", "Description of Goods")
_WEIGHT = _field("weight", "报检重量", "Weight Declared", "weight")
_QUANTITY = _field("quantity", "报检数量", "Quantity Declared", "weight")
_QUANTITY_WEIGHT = _field("quantity_weight", "报检数量/重量", "Quantity/Weight Declared", "weight")
_ORIGIN = _field("origin", "产地", "Place of Origin")
_MARKS = _field("marks", "标记及号码", "Mark & No.", "multiline")
_PACKAGES = _field("packages", "包装种类及数量", "Number and Type of Packages", "packages")
_CONTAINER_NO = _field("container_no", "集装箱号", "Container No.", required=False)
_SEAL_NO = _field("seal_no", "封号", "Seal No.", required=False)
_ESTABLISHMENT = _field(
    "establishment",
    "加工厂名称、地址及编号(如果适用)",
    "Name, Address and approval No. of the approved Establishment (if applicable)",
    "multiline",
    required=False,
)
_DESPATCH_PLACE = _field("despatch_place", "启运地", "Place of Despatch")
_DESTINATION = _field("destination", "到达国家及地点", "Country and Place of Destination", "country")
_DESTINATION_COUNTRY = _field("destination", "输往国家或地区", "Country or Region of Destination", "country")
_DESTINATION_PORT = _field("destination_port", "到达口岸", "Port of Destination")
_CONVEYANCE = _field("conveyance", "运输工具", "Means of Conveyance", "transport_mode")
_TRANSPORT_MODE = _field("conveyance", "运输方式", "Mode of Transport", "transport_mode")
_DESPATCH_DATE = _field("despatch_date", "发货日期", "Date of Despatch", "date")
_PRODUCTION_DATE = _field("production_date", "生产日期", "Date of Production", "date", required=False)
_INSPECTION_DATE = _field("inspection_date", "检验日期", "Date of Inspection", "date")
_INSPECTION_RESULTS = _field("inspection_results", "检验结果", "Results of Inspection", "multiline")
_ADDITIONAL_DECLARATION = _field(
    "additional_declaration", "附加声明", "Additional Declaration", "multiline", required=False
)
_VALID_UNTIL = _field("valid_until", "本单有效期", "Valid Until", "date")
_REMARKS = _field("remarks", "备注", "Remarks", "multiline", required=False)


def _treatment(required: bool) -> tuple[FieldSpec, ...]:
    """Return the disinfestation/disinfection treatment block of ISPM 12 and the fumigation form."""
    return (
        _field("treatment_date", "处理日期", "Date of Treatment", "date", required),
        _field("treatment", "处理方法", "Treatment", "text", required),
        _field("chemical", "药剂（有效成分）", "Chemical (active ingredient)", "text", required),
        _field("concentration", "浓度", "Concentration", "text", required),
        _field("duration_temperature", "持续时间及温度", "Duration and Temperature", "text", required),
    )


_VETERINARY_FIELDS = (
    _CONSIGNOR,
    _CONSIGNEE,
    _DESCRIPTION,
    _WEIGHT,
    _ORIGIN,
    _MARKS,
    _PACKAGES,
    _CONTAINER_NO,
    _SEAL_NO,
    _ESTABLISHMENT,
    _DESPATCH_PLACE,
    _DESTINATION,
    _CONVEYANCE,
    _DESPATCH_DATE,
    _field("content", "内容", "Content", "multiline", required=False),
    _REMARKS,
)
_PHYTOSANITARY_FIELDS = (
    _field("npp_country", "致：输入国植物保护组织", "To: Plant Protection Organization(s) of", "country"),
    _CONSIGNOR,
    _CONSIGNEE,
    _field("description", "品名", "Name of Produce"),
    _field("botanical_name", "植物学名", "Botanical Name of Plants"),
    _QUANTITY,
    _PACKAGES,
    _ORIGIN,
    _DESTINATION_PORT,
    _CONVEYANCE,
    _INSPECTION_DATE,
    _field("marks", "标记及号码", "Distinguishing Marks", "multiline"),
    *_treatment(required=False),
    _field("additional_info", "附加信息", "Additional Information", "multiline", required=False),
    _ADDITIONAL_DECLARATION,
)
_FOOD_FIELDS = (
    _CONSIGNOR,
    _CONSIGNEE,
    _DESCRIPTION,
    _WEIGHT,
    _PACKAGES,
    _MARKS,
    _ORIGIN,
    _PRODUCTION_DATE,
    _CONTAINER_NO,
    _SEAL_NO,
    _ESTABLISHMENT,
    _DESPATCH_PLACE,
    _DESTINATION,
    _CONVEYANCE,
    _DESPATCH_DATE,
    _INSPECTION_RESULTS,
    _REMARKS,
)
_QUALITY_FIELDS = (
    _CONSIGNOR,
    _CONSIGNEE,
    _DESCRIPTION,
    _MARKS,
    _QUANTITY_WEIGHT,
    _PACKAGES,
    _CONVEYANCE,
    _DESTINATION,
    _field("inspection_date", "检验日期", "Date of Inspection", "date", required=False),
    _INSPECTION_RESULTS,
    _REMARKS,
)
_FUMIGATION_FIELDS = (
    _CONSIGNOR,
    _CONSIGNEE,
    _DESCRIPTION,
    _ORIGIN,
    _QUANTITY,
    _PACKAGES,
    _DESPATCH_PLACE,
    _DESTINATION_PORT,
    _MARKS,
    _CONVEYANCE,
    *_treatment(required=True),
    _ADDITIONAL_DECLARATION,
    _REMARKS,
)
_GENERAL_FIELDS = (
    _CONSIGNOR,
    _CONSIGNEE,
    _DESCRIPTION,
    _WEIGHT,
    _PACKAGES,
    _MARKS,
    _CONVEYANCE,
    _DESTINATION,
    _field("content", "证明内容", "Content", "multiline"),
    _REMARKS,
)
_ANIMAL_HEALTH_FIELDS = (
    _CONSIGNOR,
    _CONSIGNEE,
    _field("species", "动物种类", "Species of Animals"),
    _field("breed", "品种", "Breed", required=False),
    _field("number", "数量", "Number of Animals"),
    _field("identification", "动物识别标记", "Identification of Animals", "multiline"),
    _ORIGIN,
    _field(
        "premises",
        "出境前隔离检疫场所名称及地址",
        "Name and Address of Pre-export Quarantine Premises",
        "multiline",
    ),
    _DESPATCH_PLACE,
    _DESTINATION,
    _CONVEYANCE,
    _DESPATCH_DATE,
    _field("content", "兽医证明内容", "Veterinary Attestation", "multiline"),
    _REMARKS,
)
_EXCHANGE_VOUCHER_FIELDS = (
    _field("consignor", "发货人", "Consignor", "multiline"),
    _MARKS,
    _DESCRIPTION,
    _field("hs_code", "H.S.编码", "H.S. Code"),
    _QUANTITY_WEIGHT,
    _PACKAGES,
    _field("declared_value", "申报总值", "Total Value Declared"),
    _ORIGIN,
    _field("manufacturer", "生产单位（加工单位）名称", "Name of Manufacturer (Processor)", "multiline"),
    _PRODUCTION_DATE,
    _field("batch_no", "生产批号", "Batch No.", required=False),
    _field(
        "packaging_result_no",
        "包装性能检验结果单号",
        "Packaging Performance Inspection Result No.",
        required=False,
    ),
    _field("contract_no", "合同号", "Contract No.", required=False),
    _field("lc_no", "信用证号", "L/C No.", required=False),
    _CONVEYANCE,
    _DESTINATION_COUNTRY,
    _field("containers", "集装箱规格及数量", "Container Specification and Quantity", required=False),
    _field("inspection_basis", "检验依据", "Basis of Inspection", "multiline"),
    _field("inspection_results", "检验检疫结果", "Results of Inspection and Quarantine", "multiline"),
    _VALID_UNTIL,
    _REMARKS,
)
_PACKAGING_PERFORMANCE_FIELDS = (
    _field("applicant", "申请人", "Applicant", "multiline"),
    _field("packaging_type", "包装容器名称及规格", "Name and Specification of Packaging"),
    _field("un_code", "包装容器标记（UN代码）", "UN Packaging Code"),
    _field("packaging_batch_no", "包装容器批号", "Packaging Batch No.", required=False),
    _field("packaging_manufacturer", "包装容器生产厂", "Manufacturer of Packaging", "multiline"),
    _field("material", "原材料名称及产地", "Raw Material and Origin"),
    _field("packaging_quantity", "包装容器数量", "Quantity of Packagings"),
    _field("goods", "拟装货物名称", "Goods to be Packed"),
    _field("goods_state", "拟装货物状态", "State of Goods to be Packed", required=False),
    _field("dangerous_goods_class", "危险货物类别", "Class of Dangerous Goods", required=False),
    _TRANSPORT_MODE,
    _field("inspection_basis", "检验依据", "Basis of Inspection", "multiline"),
    _field("test_results", "检验结果", "Test Results", "multiline"),
    _field("packaging_user", "包装使用人", "User of Packaging", "multiline", required=False),
    _VALID_UNTIL,
    _REMARKS,
)
_PACKAGING_ASSESSMENT_FIELDS = (
    _field("applicant", "申请人", "Applicant", "multiline"),
    _field("packaging_user", "使用人", "User of Packaging", "multiline"),
    _field("packaging_type", "包装容器名称及规格", "Name and Specification of Packaging"),
    _field("un_code", "包装UN标记", "UN Packaging Mark"),
    _field("material", "包装材料", "Packaging Material"),
    _field(
        "performance_result_no",
        "包装性能检验结果单号",
        "Packaging Performance Inspection Result No.",
    ),
    _field("dangerous_goods", "危险货物名称", "Name of Dangerous Goods"),
    _field("un_number", "联合国编号", "UN Number"),
    _field("dangerous_goods_class", "危险货物类别", "Class of Dangerous Goods"),
    _field("packing_group", "包装类别", "Packing Group"),
    _PACKAGES,
    _field("quantity_weight", "货物数量/重量", "Quantity/Weight of Goods", "weight"),
    _TRANSPORT_MODE,
    _DESTINATION_COUNTRY,
    _field("assessment_basis", "鉴定依据", "Basis of Assessment", "multiline"),
    _field("test_results", "鉴定结果", "Results of Assessment", "multiline"),
    _VALID_UNTIL,
    _REMARKS,
)

_VET = ("官方兽医", "Official Veterinarian")
_PHYTO = ("授权官员", "Authorized Officer")
_OFFICER = ("授权签字人", "Authorized Officer")


def _layout(title_zh: str, title_en: str, signatory: tuple[str, str]) -> Layout:
    return Layout(title_zh, title_en, *signatory)


def _formats() -> tuple[FormatSpec, ...]:
    """Return the shipped formats: one per type, plus English-only ones for the most used types."""
    vet = _layout("兽医(卫生)证书", "VETERINARY (HEALTH) CERTIFICATE", _VET)
    phyto = _layout("植物检疫证书", "PHYTOSANITARY CERTIFICATE", _PHYTO)
    sanitary = _layout("卫生证书", "SANITARY CERTIFICATE", _OFFICER)
    quality = _layout("品质证书", "QUALITY CERTIFICATE", _OFFICER)
    return (
        FormatSpec(
            "C3-1", "14", "兽医(卫生)证书", "Veterinary (Health) Certificate", "zh,en", _VETERINARY_FIELDS, vet
        ),
        FormatSpec(
            "C3-2", "14", "兽医(卫生)证书（英文）", "Veterinary (Health) Certificate (English)", "en",
            _VETERINARY_FIELDS, vet,
        ),
        FormatSpec(
            "C5-1", "18", "植物检疫证书", "Phytosanitary Certificate", "zh,en", _PHYTOSANITARY_FIELDS, phyto
        ),
        FormatSpec(
            "C5-2", "18", "植物检疫证书（英文）", "Phytosanitary Certificate (English)", "en",
            _PHYTOSANITARY_FIELDS, phyto,
        ),
        FormatSpec("C6-1", "16", "卫生证书", "Sanitary Certificate", "zh,en", _FOOD_FIELDS, sanitary),
        FormatSpec(
            "C6-2", "16", "卫生证书（英文）", "Sanitary Certificate (English)", "en", _FOOD_FIELDS, sanitary
        ),
        FormatSpec(
            "C4-1", "15", "健康证书", "Health Certificate", "zh,en", _FOOD_FIELDS,
            _layout("健康证书", "HEALTH CERTIFICATE", _OFFICER),
        ),
        FormatSpec("C1-1", "11", "品质证书", "Quality Certificate", "zh,en", _QUALITY_FIELDS, quality),
        FormatSpec(
            "C1-2", "11", "品质证书（英文）", "Quality Certificate (English)", "en", _QUALITY_FIELDS, quality
        ),
        FormatSpec(
            "C8-1", "19", "熏蒸/消毒证书", "Fumigation/Disinfection Certificate", "zh,en", _FUMIGATION_FIELDS,
            _layout("熏蒸/消毒证书", "FUMIGATION/DISINFECTION CERTIFICATE", _OFFICER),
        ),
        FormatSpec(
            "C99-1", "99", "通用证书", "General Certificate", "zh,en", _GENERAL_FIELDS,
            _layout("证书", "CERTIFICATE", _OFFICER),
        ),
        FormatSpec(
            "E1-1", "21", "出境货物换证凭单", "Exit Goods Exchange Voucher", "zh", _EXCHANGE_VOUCHER_FIELDS,
            _layout("出境货物换证凭单", "EXIT GOODS EXCHANGE VOUCHER", _OFFICER),
        ),
        FormatSpec(
            "C7-1", "17", "动物卫生证书", "Animal Health Certificate", "zh,en", _ANIMAL_HEALTH_FIELDS,
            _layout("动物卫生证书", "ANIMAL HEALTH CERTIFICATE", _VET),
        ),
        FormatSpec(
            "P1-1", "31", "出境货物运输包装性能检验结果单",
            "Exit Transport Packaging Performance Inspection Result", "zh", _PACKAGING_PERFORMANCE_FIELDS,
            _layout(
                "出境货物运输包装性能检验结果单", "TRANSPORT PACKAGING PERFORMANCE INSPECTION RESULT", _OFFICER
            ),
        ),
        FormatSpec(
            "P2-1", "32", "出境危险货物运输包装使用鉴定结果单",
            "Exit Dangerous Goods Transport Packaging Assessment Result", "zh", _PACKAGING_ASSESSMENT_FIELDS,
            _layout(
                "出境危险货物运输包装使用鉴定结果单", "DANGEROUS GOODS TRANSPORT PACKAGING ASSESSMENT RESULT", _OFFICER
            ),
        ),
    )


CERTIFICATE_FORMATS: tuple[FormatSpec, ...] = _formats()


# --- dictionaries -------------------------------------------------------------------------------

# pycountry's zh_CN catalogue has a few typos and non-mainland spellings; these follow GB/T 2659.
_COUNTRY_ZH = MappingProxyType(
    {
        "BD": "孟加拉国",
        "BO": "玻利维亚",
        "GT": "危地马拉",
        "HK": "中国香港",
        "IM": "马恩岛",
        "KG": "吉尔吉斯斯坦",
        "KH": "柬埔寨",
        "MO": "中国澳门",
        "PF": "法属波利尼西亚",
        "TW": "中国台湾",
    }
)
_COUNTRY_EN = MappingProxyType({"TW": "Taiwan, Province of China"})


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _entry(dictionary: str, code: str, name_zh: str, name_en: str, extra: dict | None = None) -> dict:
    return {"dictionary": dictionary, "code": code, "name_zh": name_zh, "name_en": name_en, "extra": extra or {}}


def _translator(domain: str) -> Callable[[str], str]:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext


def _country_rows() -> list[dict]:
    zh = _translator("iso3166-1")
    rows = []
    for c in pycountry.countries:
        common = getattr(c, "common_name", None)
        name_zh = zh(common) if common and zh(common) != common else zh(c.name)
        rows.append(
            _entry(
                "country",
                c.alpha_2,
                _COUNTRY_ZH.get(c.alpha_2, name_zh),
                _COUNTRY_EN.get(c.alpha_2, common or c.name),
                {"alpha_3": c.alpha_3, "numeric": c.numeric},
            )
        )
    return rows


def _currency_rows() -> list[dict]:
    zh = _translator("iso4217")
    return [_entry("currency", c.alpha_3, zh(c.name), c.name, {"numeric": c.numeric}) for c in pycountry.currencies]


def _csv_rows(dictionary: str, file: str, extra: Callable[[dict[str, str]], dict] | None = None) -> list[dict]:
    return [
        _entry(dictionary, r["code"], r["name_zh"], r["name_en"], extra(r) if extra else None)
        for r in _read_csv(file)
    ]


def _dictionary_rows() -> list[dict]:
    return [
        *_country_rows(),
        *_currency_rows(),
        *_csv_rows("unit", "units.csv", lambda r: {"rec20": r["unece_rec20"] or None, "kind": r["kind"]}),
        *_csv_rows("package_type", "package_types.csv"),
        *_csv_rows("transport_mode", "transport_modes.csv"),
        *_csv_rows("trade_mode", "trade_modes.csv"),
        *_csv_rows("attached_document", "attached_documents.csv", lambda r: {"direction": r["direction"]}),
        *_csv_rows(
            "hs_code",
            "hs_codes.csv",
            lambda r: {"unit1": r["unit1"], "unit2": r["unit2"] or None, "cert_types": r["cert_types"].split()},
        ),
    ]


def _district_rows() -> list[dict]:
    """Return the district rows, parents before children so foreign keys hold at every insert."""
    rows: list[dict[str, Any]] = [
        {
            "code": r["code"],
            "parent_code": r["parent_code"] or None,
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "address": r["address"] or None,
            "postcode": r["postcode"] or None,
            "sort": int(r["sort"]),
        }
        for r in _read_csv("districts.csv")
    ]
    parents: dict[str, str | None] = {r["code"]: r["parent_code"] for r in rows}

    def depth(code: str | None) -> int:
        parent = parents.get(code) if code is not None else None
        return 0 if parent is None else 1 + depth(parent)

    return sorted(rows, key=lambda r: depth(r["code"]))


def _type_rows() -> list[dict]:
    return [
        {
            "code": t.code,
            "name_zh": t.name_zh,
            "name_en": t.name_en,
            "category": t.category,
            "bilingual": t.bilingual,
            "sort": sort,
        }
        for sort, t in enumerate(CERTIFICATE_TYPES, start=1)
    ]


def _format_rows() -> list[dict]:
    return [
        {
            "code": f.code,
            "cert_type_code": f.cert_type_code,
            "name_zh": f.name_zh,
            "name_en": f.name_en,
            "languages": f.languages,
            "fields": [field._asdict() for field in f.fields],
            "layout": f.layout.as_dict(),
        }
        for f in CERTIFICATE_FORMATS
    ]


# --- loading ------------------------------------------------------------------------------------


def _merge(
    s: Session,
    model: type[Any],
    key: Callable[[dict], tuple],
    rows: Iterable[dict],
    existing: dict[Any, Any],
    overwrite: bool,
) -> list[Any]:
    """Add the rows whose key is not in `existing`, update the others if overwriting; return the added objects."""
    added = []
    for row in rows:
        obj = existing.get(key(row))
        if obj is None:
            added.append(model(**row))
        elif overwrite:
            for attr, value in row.items():
                setattr(obj, attr, value)
    s.add_all(added)
    return added


def _code_key(row: dict) -> tuple:
    return (row["code"],)


def _entry_key(row: dict) -> tuple:
    return (row["dictionary"], row["code"])


def load_reference(s: Session, *, overwrite: bool = False) -> dict[str, int]:
    """Add the shipped reference rows the store lacks, flush, and return how many were inserted per table.

    Rows already present keep their administrators' edits unless `overwrite` is set, which resets
    them to the shipped values (their `active` flag is never touched). The caller commits.
    """
    counts: dict[str, int] = {}
    models: tuple[tuple[str, Any, list[dict]], ...] = (
        ("customs_district", CustomsDistrict, _district_rows()),
        ("certificate_type", CertificateType, _type_rows()),
        ("certificate_format", CertificateFormat, _format_rows()),
    )
    for table, model, rows in models:
        existing = {(obj.code,): obj for obj in s.scalars(select(model))}
        counts[table] = len(_merge(s, model, _code_key, rows, existing, overwrite))

    entries = {
        (e.dictionary, e.code): e
        for e in s.scalars(select(DictEntry).where(DictEntry.dictionary.in_(DICTIONARIES)))
    }
    added = _merge(s, DictEntry, _entry_key, _dictionary_rows(), entries, overwrite)
    for name in DICTIONARIES:
        counts[name] = sum(1 for e in added if e.dictionary == name)

    s.flush()
    return counts


# --- reads --------------------------------------------------------------------------------------


def dictionary(s: Session, name: str, active_only: bool = True) -> list[DictEntry]:
    """Return the entries of one dictionary ordered by sort, then code."""
    stmt = select(DictEntry).where(DictEntry.dictionary == name)
    if active_only:
        stmt = stmt.where(DictEntry.active.is_(True))
    return list(s.scalars(stmt.order_by(DictEntry.sort, DictEntry.code)))
