"""字典管理 (Liaoning 5.2.5): search, add, edit, retire and reactivate the entries of every code
dictionary, certificate types included; delete only what no record uses.

A code is the key records store, so it never changes once added: to replace one, add the new code
and retire the old. Retired entries stay in the table — old records keep showing their names —
but pickers and checks of new input offer only active ones (every reader filters on `active`).
Nothing caches dictionary rows between requests (see `data.declarations.goods.known_codes`), so an edit is
seen by the next request of every worker without any invalidation.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple

from pydantic import BeforeValidator, ConfigDict, create_model
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.admin.common import (
    MAX_SORT,
    AdminInvalid,
    InUse,
    delete_recorded,
    exists,
    json_mentions,
    text_of,
)
from data.core.audit import record_change
from data.core.forms import AnyText, Flag, Form, Required, Upper, limit, matching, one_of, validated, whole_number
from data.core.like import contains_pattern
from data.core.paging import Page, clamp_paging
from data.core.scope import Actor, NotFound
from data.declarations.defaults import DEFAULT_FIELDS
from data.exchange.outbox import HUB_MODES, HUB_SETTING
from data.models import (
    ApplicationGoods,
    ApplicationScan,
    Certificate,
    CertificateApplication,
    CertificateFormat,
    CertificateTemplate,
    CertificateType,
    Declaration,
    DeclarationDocument,
    DictEntry,
    EnterpriseSetting,
    GoodsLine,
    User,
)
from data.reference.catalog import DICTIONARIES

PERMISSION = Perm.ADMIN_DICTIONARIES
CERTIFICATE_TYPE = "certificate_type"  # kept in its own table (CertificateType), edited here like the others
ADMIN_DICTIONARIES = DICTIONARIES + (CERTIFICATE_TYPE,)
STATUSES = ("all", "active", "retired")
MAX_PAGE_SIZE = 200
UNIT_KINDS = ("quantity", "weight", "length", "area", "volume", "other")
DIRECTIONS = ("exit", "entry")
CATEGORIES = ("exit", "packaging")  # 出境施检 | 包装施检


class CodeRule(NamedTuple):
    pattern: re.Pattern
    reason: str  # the reason code the page explains (which format the code must have)
    upper: bool = False  # typed letters are taken in capitals


# What a code of each dictionary looks like; every pattern also fits the columns that store it.
CODE_RULES: dict[str, CodeRule] = {
    "country": CodeRule(re.compile(r"^[A-Z]{2}$"), "code_country", upper=True),  # ISO 3166-1 alpha-2
    "currency": CodeRule(re.compile(r"^[A-Z]{3}$"), "code_currency", upper=True),  # ISO 4217
    "unit": CodeRule(re.compile(r"^\d{3}$"), "code_unit"),  # CIQ unit codes 001 ...
    "package_type": CodeRule(re.compile(r"^[0-9A-Z]{2}$"), "code_package_type", upper=True),  # UNECE Rec. 21
    "transport_mode": CodeRule(re.compile(r"^\d$"), "code_transport_mode"),  # UNECE Rec. 19
    "trade_mode": CodeRule(re.compile(r"^\d{4}$"), "code_trade_mode"),  # customs trade modes 0110 ...
    "attached_document": CodeRule(re.compile(r"^\d{6}$"), "code_attached_document"),
    "hs_code": CodeRule(re.compile(r"^\d{10}$"), "code_hs"),  # 10-digit HS (CIQ) codes
    CERTIFICATE_TYPE: CodeRule(re.compile(r"^\d{2,4}$"), "code_certificate_type"),
}
NAME_LIMITS = {CERTIFICATE_TYPE: (64, 128)}  # the certificate_type table's columns; dict_entry: 256 both
DEFAULT_NAME_LIMITS = (256, 256)


class ExtraField(NamedTuple):
    """A dictionary's own attribute, kept in DictEntry.extra (certificate types: their columns)."""

    key: str
    kind: str  # text | choice | unit | cert_types | flag
    required: bool = False
    pattern: re.Pattern | None = None
    choices: tuple[str, ...] = ()


_NUMERIC3 = re.compile(r"^\d{3}$")
EXTRA_FIELDS: dict[str, tuple[ExtraField, ...]] = {
    "country": (ExtraField("alpha_3", "text", pattern=re.compile(r"^[A-Z]{3}$")),
                ExtraField("numeric", "text", pattern=_NUMERIC3),
                ExtraField(HUB_SETTING, "choice", choices=HUB_MODES)),  # certificates sent by the ePhyto Hub
    "currency": (ExtraField("numeric", "text", pattern=_NUMERIC3),),
    "unit": (ExtraField("kind", "choice", True, choices=UNIT_KINDS),
             ExtraField("rec20", "text", pattern=re.compile(r"^[0-9A-Z]{2,3}$"))),
    "attached_document": (ExtraField("direction", "choice", True, choices=DIRECTIONS),),
    "hs_code": (ExtraField("unit1", "unit", True), ExtraField("unit2", "unit"),
                ExtraField("cert_types", "cert_types")),
    CERTIFICATE_TYPE: (ExtraField("category", "choice", True, choices=CATEGORIES),
                       ExtraField("bilingual", "flag")),
}
UPPER_EXTRAS = frozenset({"alpha_3", "rec20"})


class UnknownDictionary(ValueError):
    """The dictionary named does not exist."""


@dataclass(frozen=True)
class EntryRow:
    dictionary: str
    code: str
    name_zh: str
    name_en: str
    extra: dict
    sort: int
    active: bool


# --- where codes are used -----------------------------------------------------------------------


class Use(NamedTuple):
    """One place that stores a dictionary's codes, and how to ask whether it holds a given one."""

    place: str  # "<table>.<column>": what the page names when it refuses a deletion
    check: Callable[[Session, str], bool]
    indexed: bool  # True when the question is one index probe; False: a scan when the code is unused


def _column(model, name: str, indexed: bool = False) -> Use:
    column = getattr(model, name)
    return Use(f"{model.__tablename__}.{name}", lambda s, code: exists(s, column == code, table=model), indexed)


def _format_keys(s: Session, kind: str) -> list[str]:
    """The field keys that hold codes of this kind in any certificate format (a small table)."""
    keys: set[str] = set()
    for fields in s.scalars(select(CertificateFormat.fields)):
        keys.update(f["key"] for f in fields or () if isinstance(f, dict) and f.get("kind") == kind and f.get("key"))
    return sorted(keys)


def _fields_of_kind(model, kind: str) -> Use:
    """Application or template fields of a coded kind (country, transport_mode), by JSON path."""
    def check(s: Session, code: str) -> bool:
        keys = _format_keys(s, kind)
        return bool(keys) and exists(s, or_(*(model.fields[k].as_string() == code for k in keys)), table=model)

    return Use(f"{model.__tablename__}.fields", check, False)


def _template_goods(*columns: str) -> Use:
    def holds(code: str):
        return lambda goods: isinstance(goods, list) and any(
            isinstance(g, dict) and any(g.get(c) == code for c in columns) for g in goods)

    return Use("certificate_template.goods", lambda s, code: json_mentions(
        s, CertificateTemplate.goods, code, table=CertificateTemplate, holds=holds(code)), False)


def _settings(kind: str) -> Use:
    keys = sorted({f.key for fields in DEFAULT_FIELDS.values() for f in fields if f.kind == kind})

    def check(s: Session, code: str) -> bool:
        return exists(s, or_(*(EnterpriseSetting.value[k].as_string() == code for k in keys)), table=EnterpriseSetting)

    return Use("enterprise_setting.value", check, False)


def _hs_units() -> Use:
    hs = DictEntry.dictionary == "hs_code"
    return Use("dict_entry.hs_code", lambda s, code: exists(
        s, hs, or_(DictEntry.extra["unit1"].as_string() == code, DictEntry.extra["unit2"].as_string() == code),
        table=DictEntry), True)


def _hs_certificate_types() -> Use:
    def check(s: Session, code: str) -> bool:
        return json_mentions(s, DictEntry.extra, code, DictEntry.dictionary == "hs_code", table=DictEntry,
                             holds=lambda extra: isinstance(extra, dict) and code in (extra.get("cert_types") or ()))

    return Use("dict_entry.hs_code", check, True)


def _required_documents() -> Use:
    def check(s: Session, code: str) -> bool:
        return json_mentions(s, Declaration.required_documents, code, table=Declaration,
                             holds=lambda value: isinstance(value, list) and code in value)

    return Use("declaration.required_documents", check, False)


# The columns are those of data/models.py that store each dictionary's codes. `indexed` False marks
# the slow ones at scale: without an index on the column, proving that a code is NOT used reads the
# whole table (a used code is usually found in the first rows).
USES: dict[str, tuple[Use, ...]] = {
    "country": (
        _column(Declaration, "dest_country"), _column(Declaration, "origin_country"),
        _column(GoodsLine, "origin_country"), _column(CertificateApplication, "dest_country"),
        _column(Certificate, "dest_country"), _column(User, "country"),
        _fields_of_kind(CertificateApplication, "country"), _fields_of_kind(CertificateTemplate, "country"),
        _settings("country"),
    ),
    "currency": (_column(Declaration, "currency"), _column(GoodsLine, "currency"), _settings("currency")),
    "unit": (
        _column(GoodsLine, "quantity_unit"), _column(GoodsLine, "weight_unit"),
        _column(ApplicationGoods, "quantity_unit"), _column(ApplicationGoods, "weight_unit"),
        _template_goods("quantity_unit", "weight_unit"), _hs_units(),
    ),
    "package_type": (
        _column(GoodsLine, "package_type"), _column(ApplicationGoods, "package_type"),
        _template_goods("package_type"), _settings("package_type"),
    ),
    "transport_mode": (
        _column(Declaration, "transport_mode"), _fields_of_kind(CertificateApplication, "transport_mode"),
        _fields_of_kind(CertificateTemplate, "transport_mode"), _settings("transport_mode"),
    ),
    "trade_mode": (_column(Declaration, "trade_mode"), _settings("trade_mode")),
    "attached_document": (_column(DeclarationDocument, "doc_code"), _column(ApplicationScan, "doc_code")),
    "hs_code": (_column(GoodsLine, "hs_code"), _column(ApplicationGoods, "hs_code"), _template_goods("hs_code")),
    CERTIFICATE_TYPE: (
        _column(CertificateFormat, "cert_type_code", indexed=True),
        _column(CertificateApplication, "cert_type_code", indexed=True),  # ix_app_type_created
        _column(Certificate, "cert_type_code", indexed=True),  # ix_cert_type_issue
        _hs_certificate_types(), _required_documents(),
    ),
}


def entry_uses(s: Session, actor: Actor, dictionary: str, code: str) -> list[str]:
    """Return the places (table.column) that hold this code; empty when nothing uses it."""
    actor.require(PERMISSION)
    _known(dictionary)
    return [use.place for use in USES[dictionary] if use.check(s, code)]


# --- reading ------------------------------------------------------------------------------------


def _known(dictionary: str) -> str:
    if dictionary not in ADMIN_DICTIONARIES:
        raise UnknownDictionary(dictionary)
    return dictionary


def _row(dictionary: str, obj) -> EntryRow:
    if dictionary == CERTIFICATE_TYPE:
        extra = {"category": obj.category, "bilingual": bool(obj.bilingual)}
        return EntryRow(dictionary, obj.code, obj.name_zh, obj.name_en, extra, obj.sort or 0, bool(obj.active))
    return EntryRow(dictionary, obj.code, obj.name_zh, obj.name_en, dict(obj.extra or {}), obj.sort or 0,
                    bool(obj.active))


def _model(dictionary: str):
    return CertificateType if dictionary == CERTIFICATE_TYPE else DictEntry




def list_entries(s: Session, actor: Actor, dictionary: str, text: str = "", status: str = "all", page: int = 0,
                 page_size: int = 25) -> Page[EntryRow]:
    """Return one page of a dictionary's entries whose code starts with, or names contain, `text`.

    `status` is all, active or retired. Ordered as the pickers order them: sort position, then code.
    """
    actor.require(PERMISSION)
    _known(dictionary)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    model = _model(dictionary)
    stmt = select(model)
    if model is DictEntry:
        stmt = stmt.where(DictEntry.dictionary == dictionary)
    if status == "active":
        stmt = stmt.where(model.active.is_(True))
    elif status == "retired":
        stmt = stmt.where(model.active.is_(False))
    text = (text or "").strip()[:64]
    if text:
        pattern = contains_pattern(text.lower())
        stmt = stmt.where(or_(model.code.startswith(text.upper() if CODE_RULES[dictionary].upper else text,
                                                    autoescape=True),
                              func.lower(model.name_zh).like(pattern, escape="\\"),
                              func.lower(model.name_en).like(pattern, escape="\\")))
    total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = s.scalars(stmt.order_by(model.sort, model.code).offset(page * page_size).limit(page_size))
    return Page([_row(dictionary, obj) for obj in rows], total, page, page_size)


def _load(s: Session, dictionary: str, code: str):
    key = code if dictionary == CERTIFICATE_TYPE else (dictionary, code)
    obj = s.get(_model(dictionary), key) if isinstance(code, str) and code else None
    if obj is None:
        raise NotFound(f"{dictionary} {code}")
    return obj


def get_entry(s: Session, actor: Actor, dictionary: str, code: str) -> EntryRow:
    """Return one entry of a dictionary, active or retired."""
    actor.require(PERMISSION)
    return _row(dictionary, _load(s, _known(dictionary), code))


# --- checking what the form sends ---------------------------------------------------------------


def normalise_code(dictionary: str, text: str) -> str:
    text = (text or "").strip()
    return text.upper() if CODE_RULES[dictionary].upper else text


class EntryForm(Form):
    """What every dictionary's form has; `entry_form` adds the code (new entries) and the dictionary's own
    attributes. The page sends every box it shows (the code too, fixed, when editing): others are ignored."""

    model_config = ConfigDict(extra="ignore")

    sort: Annotated[int, whole_number(MAX_SORT, "sort_number")] = 0


def _code_list(value: Any) -> list[str]:
    """Certificate type codes as a multi-select sends them (a list) or typed (comma or space separated)."""
    typed = value if isinstance(value, list) else (value if isinstance(value, str) else "").replace(",", " ").split()
    return list(dict.fromkeys(c.strip() for c in typed if isinstance(c, str) and c.strip()))


def _extra_field(spec: ExtraField) -> tuple[Any, Any]:
    """The declared type and default of a dictionary's own attribute."""
    if spec.kind == "flag":
        return Flag, False
    if spec.kind == "cert_types":
        return Annotated[list[str], BeforeValidator(_code_list)], []  # known codes: checked against the store
    rules: list[Any] = [Required if spec.required else AnyText]
    if spec.key in UPPER_EXTRAS:
        rules.append(Upper)
    if spec.kind == "choice":
        rules.append(one_of(spec.choices, "choose_one"))
    elif spec.pattern is not None:
        rules.append(matching(spec.pattern, "format"))
    return (Annotated[tuple(rules)] if len(rules) > 1 else rules[0]), ""  # a type built from the spec


@functools.cache
def entry_form(dictionary: str, new: bool) -> type[EntryForm]:
    """The form of one dictionary's entries: its name limits, code format and attributes, declared."""
    zh_limit, en_limit = NAME_LIMITS.get(dictionary, DEFAULT_NAME_LIMITS)
    fields: dict[str, Any] = {
        "name_zh": (Annotated[Required, limit(zh_limit)], ""),
        "name_en": (Annotated[Required, limit(en_limit)], ""),
        **{spec.key: _extra_field(spec) for spec in EXTRA_FIELDS.get(dictionary, ())},
    }
    if new:
        rule = CODE_RULES[dictionary]
        code_rules = (Required, Upper, matching(rule.pattern, rule.reason)) if rule.upper else (
            Required, matching(rule.pattern, rule.reason))
        fields["code"] = (Annotated[code_rules], "")
    return create_model(f"{dictionary.title().replace('_', '')}Entry{'New' if new else ''}Form",
                        __base__=EntryForm, **fields)


def _clean(s: Session, dictionary: str, values: dict, *, new: bool, kept: dict | None = None) -> tuple[str, dict]:
    """Check a form's values; return the code (new entries) and the values to store, or raise AdminInvalid.

    `kept` is the entry's present attributes: a unit it already names stays acceptable after that unit
    is retired; only new choices must be active.
    """
    form, errors = validated(entry_form(dictionary, new), values)
    for spec in EXTRA_FIELDS.get(dictionary, ()):
        if spec.key not in errors and (reason := _store_problem(s, spec, values, (kept or {}).get(spec.key))):
            errors[spec.key] = reason
    if form is None or errors:
        raise AdminInvalid(errors)
    typed = form.model_dump()
    extra = {spec.key: typed[spec.key] if spec.kind in ("flag", "cert_types") else typed[spec.key] or None
             for spec in EXTRA_FIELDS.get(dictionary, ())}
    return typed.get("code", ""), {"name_zh": typed["name_zh"], "name_en": typed["name_en"], "sort": typed["sort"],
                                   "extra": extra}


def _store_problem(s: Session, spec: ExtraField, values: dict, kept=None) -> str | None:
    """What the store says of an attribute the form accepted: unknown certificate types, a retired unit."""
    if spec.kind == "cert_types":
        codes = _code_list(values.get(spec.key))
        known = set(s.scalars(select(CertificateType.code).where(CertificateType.code.in_(codes)))) if codes else set()
        return "choose_certificate_types" if set(codes) - known else None
    text = text_of(values, spec.key)
    if spec.kind == "unit" and text and text != kept and not s.scalar(select(DictEntry.code).where(
            DictEntry.dictionary == "unit", DictEntry.code == text, DictEntry.active.is_(True))):
        return "choose_unit"
    return None


def _apply(dictionary: str, obj, cleaned: dict) -> None:
    obj.name_zh, obj.name_en, obj.sort = cleaned["name_zh"], cleaned["name_en"], cleaned["sort"]
    if dictionary == CERTIFICATE_TYPE:
        obj.category = cleaned["extra"]["category"]
        obj.bilingual = bool(cleaned["extra"]["bilingual"])
    else:
        # attributes the page does not edit are kept; those it edits and left empty are dropped
        merged = {**(obj.extra or {}), **cleaned["extra"]}
        obj.extra = {k: v for k, v in merged.items() if v not in (None, "", [])}


def _audit_values(row: EntryRow) -> dict:
    return {"name_zh": row.name_zh, "name_en": row.name_en, "sort": row.sort, "active": row.active, **row.extra}


def _object_id(dictionary: str, code: str) -> str:
    return f"{dictionary}:{code}"


# --- changing -----------------------------------------------------------------------------------


def create_entry(s: Session, actor: Actor, dictionary: str, values: dict) -> EntryRow:
    """Add an entry (新增): the code in the dictionary's format and not already present, even retired."""
    actor.require(PERMISSION)
    _known(dictionary)
    code, cleaned = _clean(s, dictionary, values, new=True)
    model = _model(dictionary)
    existing = s.get(model, code if model is CertificateType else (dictionary, code))
    if existing is not None:
        raise AdminInvalid({"code": "code_taken" if existing.active else "code_retired"})
    obj = CertificateType(code=code, active=True) if model is CertificateType else DictEntry(
        dictionary=dictionary, code=code, active=True, extra={})
    _apply(dictionary, obj, cleaned)
    s.add(obj)
    try:
        s.flush()
    except IntegrityError:  # added by someone else since the check above
        raise AdminInvalid({"code": "code_taken"}) from None
    row = _row(dictionary, obj)
    record_change(s, actor, "admin.dictionary.created", "dict_entry", _object_id(dictionary, code), None,
                  _audit_values(row))
    return row


def update_entry(s: Session, actor: Actor, dictionary: str, code: str, values: dict) -> EntryRow:
    """Edit an entry's names, sort position and attributes; its code stays (records store it)."""
    actor.require(PERMISSION)
    obj = _load(s, _known(dictionary), code)
    before = _row(dictionary, obj)
    if "code" in values and normalise_code(dictionary, text_of(values, "code")) not in ("", code):
        raise AdminInvalid({"code": "code_fixed"})
    _, cleaned = _clean(s, dictionary, values, new=False, kept=before.extra)
    _apply(dictionary, obj, cleaned)
    s.flush()
    row = _row(dictionary, obj)
    record_change(s, actor, "admin.dictionary.updated", "dict_entry", _object_id(dictionary, code),
                  _audit_values(before), _audit_values(row))
    return row


def set_entry_active(s: Session, actor: Actor, dictionary: str, code: str, active: bool) -> EntryRow:
    """Retire (停用) or reactivate an entry; a retired one is no longer offered for new records."""
    actor.require(PERMISSION)
    obj = _load(s, _known(dictionary), code)
    if bool(obj.active) == bool(active):
        return _row(dictionary, obj)
    obj.active = bool(active)
    s.flush()
    record_change(s, actor, "admin.dictionary.reactivated" if active else "admin.dictionary.retired", "dict_entry",
                  _object_id(dictionary, code), {"active": not active}, {"active": bool(active)})
    return _row(dictionary, obj)


def delete_entry(s: Session, actor: Actor, dictionary: str, code: str) -> None:
    """Delete an entry no record uses; raise InUse naming where it is used (retire it instead)."""
    actor.require(PERMISSION)
    obj = _load(s, _known(dictionary), code)
    places = entry_uses(s, actor, dictionary, code)
    if places:
        raise InUse(places)
    delete_recorded(s, actor, obj, "admin.dictionary.deleted", "dict_entry", _object_id(dictionary, code),
                    _audit_values(_row(dictionary, obj)))


def form_choices(s: Session, actor: Actor) -> dict[str, list[tuple[str, str, str]]]:
    """What the entry form offers: active units (legal units of HS codes) and every certificate type."""
    actor.require(PERMISSION)
    units = s.execute(select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
                      .where(DictEntry.dictionary == "unit", DictEntry.active.is_(True))
                      .order_by(DictEntry.sort, DictEntry.code)).all()
    types = s.execute(select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en)
                      .order_by(CertificateType.sort, CertificateType.code)).all()
    return {"units": [tuple(r) for r in units], "cert_types": [tuple(r) for r in types]}
