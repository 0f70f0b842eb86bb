"""Filling in a certificate application (Liaoning 5.8.1): the four entry methods, saving with checks,
and certificate templates (证稿模板, 5.8.2).

Every value is checked here against the format's field list and the dictionaries; a draft (暂存)
skips only the "required" checks. Text is stored as typed: pages render it as text, never as HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data.goods_rows import known_codes
from data.goods_rows import parse_decimal as _decimal
from data.models import (
    AppStatus,
    ApplicationGoods,
    CertificateApplication,
    CertificateFormat,
    CertificateTemplate,
    Container,
    Declaration,
    Event,
    GoodsLine,
)
from data.scope import Actor, NotFound, row_scope
from data.workflow import EVENT_MESSAGES, WorkflowError, load_application

PERMISSION = "application.edit"
ENTRY_METHODS = ("blank", "similar", "template", "smart_import")
EDITABLE = (AppStatus.DRAFT.value, AppStatus.RETURNED.value)
MAX_GOODS = 999
TEXT_LIMITS = {"text": 500, "multiline": 4000, "packages": 200}
KG_PER_UNIT = {"035": Decimal(1), "036": Decimal("0.001"), "070": Decimal(1000)}  # 千克, 克, 吨
GOODS_COLUMNS = ("hs_code", "name_zh", "name_en", "origin", "quantity", "quantity_unit", "weight", "weight_unit",
                 "packages", "package_type")


class ApplicationInvalid(ValueError):
    """The form has errors: 'fields.<key>' or 'goods.<n>.<column>' -> reason code."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class ApplicationInput:
    """What the application form sends; every value is untrusted."""

    fields: dict[str, str] = field(default_factory=dict)
    goods: list[dict[str, str]] = field(default_factory=list)
    needs_confirmation: bool = False


# --- creating: the four entry methods -----------------------------------------------------------


def new_application(s: Session, actor: Actor, *, declaration_id: int, format_code: str, entry_method: str,
                    similar_inspection_no: str = "", template_id: int | None = None,
                    now: datetime | None = None) -> CertificateApplication:
    """Start a draft application for one of the enterprise's declarations by the chosen entry method."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    now = now or datetime.now(timezone.utc)
    decl = s.scalar(select(Declaration).where(Declaration.id == declaration_id, row_scope(actor, Declaration)))
    if decl is None:
        raise NotFound(f"declaration {declaration_id}")
    fmt = s.get(CertificateFormat, format_code)
    if fmt is None or not fmt.active:
        raise ApplicationInvalid({"format_code": "unknown_format"})
    if entry_method not in ENTRY_METHODS:
        raise ApplicationInvalid({"entry_method": "unknown_entry_method"})
    data = ApplicationInput()
    if entry_method == "smart_import":
        data = from_declaration(s, decl, fmt)
    elif entry_method == "similar":
        data = _from_similar(s, actor, similar_inspection_no)
    elif entry_method == "template":
        data = _from_template(s, enterprise_id, template_id)
    serial = 1 + len(list(s.scalars(select(CertificateApplication.id)
                                    .where(CertificateApplication.declaration_id == decl.id))))
    app = CertificateApplication(
        declaration_id=decl.id, enterprise_id=enterprise_id, district_code=decl.district_code,
        cert_type_code=fmt.cert_type_code, format_code=fmt.code, serial=f"{serial:02d}", entry_method=entry_method,
        needs_confirmation=data.needs_confirmation, status=AppStatus.DRAFT.value, fields={},
        dest_country=decl.dest_country, created_at=now, updated_at=now,
    )
    s.add(app)
    s.flush()
    _store(s, app, _clean(s, fmt, data, draft=True))
    s.add(Event(code="app.created", actor_id=actor.user_id, object_type="application", object_id=str(app.id),
                enterprise_id=enterprise_id, district_code=app.district_code, at=now,
                message=EVENT_MESSAGES["app.created"], details={"entry_method": entry_method}))
    s.flush()
    return app


def from_declaration(s: Session, decl: Declaration, fmt: CertificateFormat) -> ApplicationInput:
    """智能导入: fill the format's fields and the goods from the declaration."""
    lines = list(s.scalars(select(GoodsLine).where(GoodsLine.declaration_id == decl.id).order_by(GoodsLine.seq)))
    containers = list(s.scalars(select(Container).where(Container.declaration_id == decl.id).order_by(Container.seq)))
    weight = sum((line.weight * KG_PER_UNIT[line.weight_unit] for line in lines
                  if line.weight is not None and line.weight_unit in KG_PER_UNIT), Decimal(0))
    packages = sum(line.packages or 0 for line in lines)
    package_type = next((line.package_type for line in lines if line.package_type), "")
    values = {
        "consignor": "\n".join(x for x in (decl.consignor_en or decl.consignor_zh, decl.consignor_address) if x),
        "consignee": "\n".join(x for x in (decl.consignee_en or decl.consignee_zh, decl.consignee_address) if x),
        "description": "; ".join(line.name_en or line.name_zh for line in lines),
        "weight": f"{weight.normalize():f}" if weight else "",
        "origin": next((line.origin_place for line in lines if line.origin_place), ""),
        "marks": decl.marks or "N/M",
        "packages": f"{packages} {package_type}".strip() if packages else "",
        "container_no": " ".join(c.number for c in containers),
        "seal_no": " ".join(c.seal_no for c in containers if c.seal_no),
        "despatch_place": decl.departure_port or "",
        "destination": decl.dest_country or "",
        "conveyance": decl.transport_mode or "",
        "despatch_date": decl.despatch_date.isoformat() if decl.despatch_date else "",
    }
    keys = {f["key"] for f in fmt.fields}
    goods = [{"hs_code": line.hs_code, "name_zh": line.name_zh, "name_en": line.name_en or "",
              "origin": line.origin_place or "", "quantity": _text(line.quantity),
              "quantity_unit": line.quantity_unit or "", "weight": _text(line.weight),
              "weight_unit": line.weight_unit or "", "packages": _text(line.packages),
              "package_type": line.package_type or ""} for line in lines]
    return ApplicationInput({k: v for k, v in values.items() if k in keys and v}, goods)


def _text(value) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _goods_of(app_goods: list[ApplicationGoods]) -> list[dict[str, str]]:
    return [{c: _text(getattr(g, c)) for c in GOODS_COLUMNS} for g in app_goods]


def _from_similar(s: Session, actor: Actor, inspection_no: str) -> ApplicationInput:
    """相似报检号录入: copy the newest application of the enterprise made for that inspection no."""
    inspection_no = (inspection_no or "").strip()
    source = s.scalar(
        select(CertificateApplication).join(Declaration, Declaration.id == CertificateApplication.declaration_id)
        .where(Declaration.inspection_no == inspection_no, row_scope(actor, CertificateApplication))
        .order_by(CertificateApplication.created_at.desc()).limit(1)) if inspection_no else None
    if source is None:
        raise ApplicationInvalid({"similar_inspection_no": "similar_not_found"})
    return ApplicationInput(dict(source.fields or {}), _goods_of(source.goods), source.needs_confirmation)


def _from_template(s: Session, enterprise_id: int, template_id: int | None) -> ApplicationInput:
    template = s.get(CertificateTemplate, template_id) if template_id else None
    if template is None or template.enterprise_id != enterprise_id:
        raise ApplicationInvalid({"template_id": "template_not_found"})
    return ApplicationInput(dict(template.fields), list(template.goods), template.needs_confirmation)


# --- saving -------------------------------------------------------------------------------------


def save_application(s: Session, actor: Actor, application_id: int, data: ApplicationInput, *, version: int,
                     draft: bool, now: datetime | None = None) -> CertificateApplication:
    """Save a draft (暂存: only formats checked) or a complete application (every check); all or nothing."""
    actor.require(PERMISSION)
    app = load_application(s, actor, application_id)
    if app.version != version:
        raise WorkflowError("stale_version")
    if app.status not in EDITABLE:
        raise WorkflowError("bad_transition", action="save", status=app.status)
    fmt = s.get(CertificateFormat, app.format_code)
    cleaned = _clean(s, fmt, data, draft=draft)
    try:
        app.updated_at = now or datetime.now(timezone.utc)
        _store(s, app, cleaned)
    except StaleDataError:
        raise WorkflowError("stale_version") from None
    return app


@dataclass
class _Clean:
    fields: dict[str, str]
    goods: list[dict]
    needs_confirmation: bool


def _clean(s: Session, fmt: CertificateFormat, data: ApplicationInput, *, draft: bool) -> _Clean:
    errors: dict[str, str] = {}
    fields: dict[str, str] = {}
    known = {f["key"]: f for f in fmt.fields}
    codes = known_codes(s, _codes_named(known, data))
    countries, modes = codes["country"], codes["transport_mode"]
    for key in data.fields:
        if key not in known:
            errors[f"fields.{key}"] = "unknown_field"
    for key, spec in known.items():
        raw = data.fields.get(key)
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            if spec.get("required") and not draft:
                errors[f"fields.{key}"] = "required"
            continue
        problem = _field_problem(spec.get("kind", "text"), value, countries, modes)
        if problem:
            errors[f"fields.{key}"] = problem
        else:
            fields[key] = value
    goods, goods_errors = _clean_goods(data.goods, codes)
    errors.update(goods_errors)
    if not draft and not goods:
        errors["goods"] = "goods_required"
    if errors:
        raise ApplicationInvalid(errors)
    return _Clean(fields, goods, bool(data.needs_confirmation))


def _field_problem(kind: str, value: str, countries: set[str], modes: set[str]) -> str | None:
    if kind in TEXT_LIMITS and len(value) > TEXT_LIMITS[kind]:
        return "too_long"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "date_format"
    elif kind == "country" and value not in countries:
        return "choose_country"
    elif kind == "transport_mode" and value not in modes:
        return "choose_transport_mode"
    elif kind == "weight":
        number = _decimal(value)
        if number is None or number <= 0:
            return "positive_number"
    return None


CODE_KINDS = {"country": "country", "transport_mode": "transport_mode"}  # field kind -> dictionary


def _codes_named(known: dict[str, dict], data: ApplicationInput) -> dict[str, set[str]]:
    """Collect, per dictionary, the codes the form uses, so that one query can check them all."""
    wanted: dict[str, set[str]] = {"country": set(), "transport_mode": set(), "hs_code": set(), "unit": set(),
                                   "package_type": set()}
    for key, spec in known.items():
        value = data.fields.get(key)
        if spec.get("kind") in CODE_KINDS and isinstance(value, str) and value.strip():
            wanted[CODE_KINDS[spec["kind"]]].add(value.strip())
    for row in data.goods[:MAX_GOODS]:
        for column, dictionary in (("hs_code", "hs_code"), ("quantity_unit", "unit"), ("weight_unit", "unit"),
                                   ("package_type", "package_type")):
            if row.get(column) not in (None, ""):
                wanted[dictionary].add(str(row[column]).strip())
    return wanted


HS_RE = re.compile(r"^\d{10}$")


def _clean_goods(rows: list[dict], codes: dict[str, set[str]]) -> tuple[list[dict], dict[str, str]]:
    errors: dict[str, str] = {}
    if len(rows) > MAX_GOODS:
        return [], {"goods": "too_many_goods"}
    known_hs, units, package_types = codes["hs_code"], codes["unit"], codes["package_type"]
    cleaned = []
    for n, row in enumerate(rows, start=1):
        value = {c: (str(row.get(c)).strip() if row.get(c) is not None else "") for c in GOODS_COLUMNS}
        where = f"goods.{n}."
        if not HS_RE.match(value["hs_code"]):
            errors[where + "hs_code"] = "hs_format"
        elif value["hs_code"] not in known_hs:
            errors[where + "hs_code"] = "hs_unknown"
        if not value["name_zh"]:
            errors[where + "name_zh"] = "required"
        for column, limit in (("name_zh", 256), ("name_en", 256), ("origin", 64)):
            if len(value[column]) > limit:
                errors[where + column] = "too_long"
        numbers: dict[str, Decimal | None] = {"quantity": None, "weight": None}
        for column in numbers:
            if value[column]:
                number = _decimal(value[column])
                if number is None or number < 0 or number >= Decimal("1e14"):
                    errors[where + column] = "non_negative_number"
                numbers[column] = number
        if value["packages"]:
            if not value["packages"].isdigit() or int(value["packages"]) > 10**9:
                errors[where + "packages"] = "whole_number"
        for column in ("quantity_unit", "weight_unit"):
            if value[column] and value[column] not in units:
                errors[where + column] = "choose_unit"
        if value["package_type"] and value["package_type"] not in package_types:
            errors[where + "package_type"] = "choose_package_type"
        cleaned.append({**value, **numbers})
    return cleaned, errors


def _store(s: Session, app: CertificateApplication, clean: _Clean) -> None:
    app.fields = clean.fields
    app.needs_confirmation = clean.needs_confirmation
    if clean.fields.get("destination"):
        app.dest_country = clean.fields["destination"]
    s.flush()  # the application's own UPDATE (with its version check) goes first
    s.execute(delete(ApplicationGoods).where(ApplicationGoods.application_id == app.id))
    if clean.goods:
        s.execute(insert(ApplicationGoods), [{
            "application_id": app.id, "seq": n, "hs_code": g["hs_code"], "name_zh": g["name_zh"],
            "name_en": g["name_en"] or None, "origin": g["origin"] or None, "quantity": g["quantity"],
            "quantity_unit": g["quantity_unit"] or None, "weight": g["weight"], "weight_unit": g["weight_unit"] or None,
            "packages": int(g["packages"]) if g["packages"] else None, "package_type": g["package_type"] or None,
        } for n, g in enumerate(clean.goods, start=1)])
    s.expire(app, ["goods"])


# --- templates (证稿模板) -------------------------------------------------------------------------


def save_as_template(s: Session, actor: Actor, application_id: int, name: str) -> CertificateTemplate:
    """存为模板: keep an application's fields and goods under a name unique in the enterprise."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ApplicationInvalid({"template_name": "required" if not name else "too_long"})
    if s.scalar(select(CertificateTemplate.id).where(CertificateTemplate.enterprise_id == enterprise_id,
                                                     CertificateTemplate.name == name)):
        raise ApplicationInvalid({"template_name": "template_name_taken"})
    app = load_application(s, actor, application_id)
    template = CertificateTemplate(enterprise_id=enterprise_id, name=name, format_code=app.format_code,
                                   fields=dict(app.fields or {}), goods=_goods_of(app.goods),
                                   needs_confirmation=app.needs_confirmation, created_by=actor.user_id)
    s.add(template)
    s.flush()
    return template


def list_templates(s: Session, actor: Actor, name: str = "") -> list[CertificateTemplate]:
    """Return the enterprise's templates, by name, optionally those whose name contains `name`."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    stmt = select(CertificateTemplate).where(CertificateTemplate.enterprise_id == enterprise_id)
    if name.strip():
        stmt = stmt.where(CertificateTemplate.name.contains(name.strip()[:64], autoescape=True))
    return list(s.scalars(stmt.order_by(CertificateTemplate.name)))


def delete_templates(s: Session, actor: Actor, template_ids: list[int]) -> int:
    """Delete several of the enterprise's templates at once (批量删除); others' ids are ignored."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    return s.execute(delete(CertificateTemplate).where(CertificateTemplate.enterprise_id == enterprise_id,
                                                       CertificateTemplate.id.in_(list(template_ids)))).rowcount
