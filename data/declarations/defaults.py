"""默认信息设置 (Jiucheng 3.3.1): the values a new declaration of the enterprise starts with.

Three sections, each stored as one EnterpriseSetting row (`defaults.common`, `defaults.exit`,
`defaults.entry`) whose value maps a field key to its text. A field's key is the Declaration column
it fills, or, for goods defaults, the GoodsLine column every new goods line starts with.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import create_model
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.accounts.registration import PHONE_RE
from data.core.forms import AnyText, Form, Invalid, Upper, limit, matching, one_of, text_of, validated
from data.core.scope import Actor
from data.declarations.goods import PURPOSES, PURPOSES_EN, known_codes
from data.models import CustomsDistrict, DictEntry, Enterprise, EnterpriseSetting

# Defaults are an enterprise-wide convenience, not an authorisation: every operator who may declare
# for the enterprise may also set what its declarations start with, as in Jiucheng, where the
# settings page belongs to each declaring user. Nothing set here skips a check of the declaration.
PERMISSION = Perm.DECLARATION_EDIT
SECTIONS = ("common", "exit", "entry")
DIRECTIONS = ("exit", "entry")
DICTIONARY_KINDS = ("transport_mode", "trade_mode", "currency", "package_type", "country")

# 报检类别 of the CIQ declaration: (code, Chinese, English); 24 as the generated demo data uses it
INSPECTION_CATEGORIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "exit": (("21", "出境一般报检", "Exit, general"),
             ("22", "出境换证报检", "Exit, certificate exchange"),
             ("23", "出境预检报检", "Exit, pre-inspection"),
             ("24", "出境电子转单报检", "Exit, electronic transfer")),
    "entry": (("11", "入境一般报检", "Entry, general"),
              ("12", "入境流向报检", "Entry, destination inspection"),
              ("13", "异地施检报检", "Entry, inspection elsewhere")),
}


@dataclass(frozen=True)
class DefaultField:
    key: str  # the Declaration column it fills, or the goods-line column when `goods`
    kind: str  # text | phone | district | category | purpose | one of DICTIONARY_KINDS
    limit: int  # the stored column's length
    goods: bool = False


def _f(key: str, kind: str, limit: int, goods: bool = False) -> DefaultField:
    return DefaultField(key, kind, limit, goods)


# The registration no. (报检登记号) heads the common section on the page; it is the enterprise's own
# (Enterprise.registration_no), shown read-only and never stored here.
DEFAULT_FIELDS: dict[str, tuple[DefaultField, ...]] = {
    "common": (
        _f("contact_name", "text", 64),  # 联系人
        _f("contact_phone", "phone", 32),  # 联系电话
        _f("transport_mode", "transport_mode", 2),  # 运输方式
        _f("trade_mode", "trade_mode", 8),  # 贸易方式
        _f("currency", "currency", 3, goods=True),  # 货币单位 (also the declaration's total)
        _f("package_type", "package_type", 2, goods=True),  # 包装种类
        _f("purpose", "purpose", 32, goods=True),  # 用途 (a CIQ purpose code)
        _f("storage_place", "text", 128),  # 货物存放地点
    ),
    "exit": (
        _f("production_unit_reg_no", "text", 32, goods=True),  # 生产单位注册号
        _f("production_unit", "text", 128, goods=True),  # 生产单位中文名
        _f("departure_port", "text", 64),  # 出境离境口岸
        _f("category", "category", 8),  # 出境报检类别
        _f("district_code", "district", 4),  # 报检地
        _f("inspection_place_code", "district", 4),  # 施检地
        _f("port_authority_code", "district", 4),  # 口岸机构
        _f("origin_place", "text", 64, goods=True),  # 原产地
        _f("issue_district_code", "district", 4),  # 领证地
        _f("dest_country", "country", 2),  # 输往国家
    ),
    "entry": (
        _f("arrival_port", "text", 64),  # 入境口岸
        _f("category", "category", 8),  # 入境报检类别
        _f("district_code", "district", 4),  # 报检地
        _f("inspection_place_code", "district", 4),  # 施检地
        _f("port_authority_code", "district", 4),  # 口岸机构
        _f("issue_district_code", "district", 4),  # 领证地
        _f("origin_country", "country", 2),  # 启运国家
    ),
}
GOODS_DEFAULTS = frozenset(f.key for fields in DEFAULT_FIELDS.values() for f in fields if f.goods)


class DefaultsInvalid(Invalid):
    """The section has errors: field key -> reason code."""


def setting_name(section: str) -> str:
    return f"defaults.{section}"


def _stored(s: Session, enterprise_id: int, section: str) -> dict[str, str]:
    """Return a section's stored values, keeping only the fields it still has."""
    row = s.get(EnterpriseSetting, (enterprise_id, setting_name(section)))
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    keys = {f.key for f in DEFAULT_FIELDS[section]}
    return {k: v for k, v in value.items() if k in keys and isinstance(v, str) and v}


def section_values(s: Session, actor: Actor, section: str) -> dict[str, str]:
    """Return one section's stored values (for the settings page)."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    if section not in SECTIONS:
        raise DefaultsInvalid({"section": "unknown_section"})
    return _stored(s, enterprise_id, section)


def registration_no(s: Session, actor: Actor) -> str:
    """Return the enterprise's own 报检登记号, shown read-only on the settings page."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    return s.scalar(select(Enterprise.registration_no).where(Enterprise.id == enterprise_id)) or ""


def declaration_defaults(s: Session, actor: Actor, direction: str) -> dict[str, str]:
    """Return the common and the direction's defaults, keyed by Declaration column / goods default name."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    if direction not in DIRECTIONS:
        raise DefaultsInvalid({"direction": "unknown_direction"})
    return {**_stored(s, enterprise_id, "common"), **_stored(s, enterprise_id, direction)}


Choice = tuple[str, str, str]  # code, Chinese name, English name


def choices(s: Session, actor: Actor) -> dict[str, list[Choice]]:
    """Return the codes each coded kind of field offers: dictionary entries and active districts, by code."""
    actor.own_enterprise(PERMISSION)
    found: dict[str, list[Choice]] = {kind: [] for kind in DICTIONARY_KINDS}
    for dictionary, code, zh, en in s.execute(
            select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
            .where(DictEntry.dictionary.in_(DICTIONARY_KINDS), DictEntry.active.is_(True))
            .order_by(DictEntry.dictionary, DictEntry.sort, DictEntry.code)):
        found[dictionary].append((code, zh, en))
    found["district"] = [tuple(r) for r in s.execute(
        select(CustomsDistrict.code, CustomsDistrict.name_zh, CustomsDistrict.name_en)
        .where(CustomsDistrict.active.is_(True)).order_by(CustomsDistrict.code))]
    found["purpose"] = [(code, zh, PURPOSES_EN[code]) for code, zh in PURPOSES.items()]
    return found


def category_codes(direction: str) -> frozenset[str]:
    return frozenset(code for code, _zh, _en in INSPECTION_CATEGORIES.get(direction, ()))


CODED_KINDS = ("district", "category", "purpose")  # besides the dictionaries: codes, typed in any case


def _default_type(spec: DefaultField, section: str) -> Any:
    """What a default of this kind must be; a code is one of its list's (each fits its column), however long."""
    if spec.kind in DICTIONARY_KINDS or spec.kind == "district":
        return Annotated[AnyText, Upper]  # a code of the store: checked beside the form
    if spec.kind == "category":
        return Annotated[AnyText, Upper, one_of(tuple(sorted(category_codes(section))), "choose_category")]
    if spec.kind == "purpose":
        return Annotated[AnyText, Upper, one_of(tuple(PURPOSES), "choose_purpose")]
    if spec.kind == "phone":
        return Annotated[AnyText, limit(spec.limit), matching(PHONE_RE, "phone_format")]
    return Annotated[AnyText, limit(spec.limit)]


@functools.cache
def section_form(section: str) -> type[Form]:
    """The form of one section of the defaults (默认信息设置), declared from DEFAULT_FIELDS."""
    definitions: dict[str, Any] = {f.key: (_default_type(f, section), "") for f in DEFAULT_FIELDS[section]}
    return create_model(f"{section.title()}DefaultsForm", __base__=Form, **definitions)


def clean_section(s: Session, section: str, values: dict) -> dict[str, str]:
    """Check a section as typed; return the values to store or raise DefaultsInvalid with every problem."""
    fields = {f.key: f for f in DEFAULT_FIELDS[section]}
    form, errors = validated(section_form(section), values if isinstance(values, dict) else {})
    typed = {key: text_of(values, key).upper() for key, spec in fields.items()
             if key not in errors and (spec.kind in DICTIONARY_KINDS or spec.kind == "district") and text_of(values, key)}
    known = known_codes(s, {kind: {v for k, v in typed.items() if fields[k].kind == kind} for kind in DICTIONARY_KINDS})
    districts = {v for k, v in typed.items() if fields[k].kind == "district"}
    if districts:
        districts = set(s.scalars(select(CustomsDistrict.code).where(CustomsDistrict.code.in_(sorted(districts)),
                                                                     CustomsDistrict.active.is_(True))))
    for key, text in typed.items():
        kind = fields[key].kind
        if kind in DICTIONARY_KINDS and text not in known[kind]:
            errors[key] = f"choose_{kind}"
        elif kind == "district" and text not in districts:
            errors[key] = "choose_district"
    if form is None or errors:
        raise DefaultsInvalid(errors)
    return {key: value for key, value in form.model_dump().items() if value}


def save_defaults(s: Session, actor: Actor, section: str, values: dict[str, str]) -> dict[str, str]:
    """Replace one section's defaults of the enterprise; all or nothing. Returns what was stored."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    if section not in SECTIONS:
        raise DefaultsInvalid({"section": "unknown_section"})
    cleaned = clean_section(s, section, values)
    row = s.get(EnterpriseSetting, (enterprise_id, setting_name(section)))
    if row is None:
        row = EnterpriseSetting(enterprise_id=enterprise_id, name=setting_name(section))
        s.add(row)
    row.value = cleaned
    row.updated_at = datetime.now(timezone.utc)
    s.flush()
    return cleaned
