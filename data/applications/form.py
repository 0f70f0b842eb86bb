"""Filling in a certificate application (Liaoning 5.8.1): the four entry methods, saving with checks,
and certificate templates (证稿模板, 5.8.2).

Every value is checked here against the format's field list and the dictionaries; a draft (暂存)
skips only the "required" checks. Text is stored as typed: pages render it as text, never as HTML.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, NamedTuple, Protocol

from pydantic import Field, PlainValidator, StringConstraints, ValidationError, create_model
from sqlalchemy import Text, bindparam, case, delete, insert, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from auth.permissions import Perm
from data.applications.workflow import EVENT_MESSAGES, WorkflowError, load_application, transition
from data.core.creation import created_before, keep_token, usable_token
from data.core.forms import AnyText, Form, Invalid, checked_by, limit, needed, problem, text_of, validated
from data.core.numbers import next_value
from data.core.prepared import Statements, loaded, scope_condition, scope_parameters
from data.core.scope import Actor, NotFound, row_scope
from data.declarations.goods import KG_PER_UNIT, known_codes
from data.declarations.goods import parse_decimal as _decimal
from data.models import (
    ApplicationGoods,
    ApplicationScan,
    AppStatus,
    CertificateApplication,
    CertificateFormat,
    CertificateTemplate,
    Container,
    Declaration,
    DeclStatus,
    EntryMethod,
    Event,
    GoodsLine,
    table_of,
)
from exports.names import latin_place

PERMISSION = Perm.APPLICATION_EDIT
ENTRY_METHODS = ("blank", "similar", "template", "smart_import")
EDITABLE = (AppStatus.DRAFT.value, AppStatus.RETURNED.value)
ELIGIBLE_DECLARATION_STATUSES = (DeclStatus.SENT.value, DeclStatus.RECEIPTED.value)  # sent: it has its 报检号
MAX_GOODS = 999
TEXT_LIMITS = {"text": 500, "multiline": 4000, "packages": 200}
GOODS_COLUMNS = ("hs_code", "name_zh", "name_en", "origin", "quantity", "quantity_unit", "weight", "weight_unit",
                 "packages", "package_type")


class ApplicationInvalid(Invalid):
    """The form has errors: 'fields.<key>' or 'goods.<n>.<column>' -> reason code."""


@dataclass
class ApplicationInput:
    """What the application form sends; every value is untrusted."""

    fields: dict[str, str] = field(default_factory=dict)
    goods: list[dict[str, str]] = field(default_factory=list)
    needs_confirmation: bool = False


# --- creating: the four entry methods -----------------------------------------------------------


def new_application(s: Session, actor: Actor, *, declaration_id: int, format_code: str, entry_method: str,
                    similar_inspection_no: str = "", template_id: int | None = None,
                    needs_confirmation: bool = False, now: datetime | None = None,
                    form_token: str | None = None) -> CertificateApplication:
    """Start a draft application for one of the enterprise's declarations by the chosen entry method.

    `needs_confirmation` (需确认后拟制) is set if asked or if the copied application or template had it.
    The new-application form carries a one-time `form_token`: submitted again, it gets the draft its
    first submission created and creates no other.
    """
    enterprise_id = actor.own_enterprise(PERMISSION)
    now = now or datetime.now(timezone.utc)
    token = usable_token(form_token)
    if (earlier := created_before(s, "application", enterprise_id, token)) is not None:
        return load_application(s, actor, earlier)
    decl = s.scalar(select(Declaration).where(Declaration.id == declaration_id, row_scope(actor, Declaration)))
    if decl is None:
        raise NotFound(f"declaration {declaration_id}")
    if decl.direction != "exit" or decl.status not in ELIGIBLE_DECLARATION_STATUSES:
        raise ApplicationInvalid({"declaration_id": "declaration_not_sent"})
    fmt = s.get(CertificateFormat, format_code)
    if fmt is None or not fmt.active:
        raise ApplicationInvalid({"format_code": "unknown_format"})
    if entry_method not in ENTRY_METHODS:
        raise ApplicationInvalid({"entry_method": "unknown_entry_method"})
    data = ApplicationInput()
    if entry_method == "smart_import":
        data = from_declaration(s, decl, fmt)
    elif entry_method == "similar":
        data = _from_similar(s, actor, similar_inspection_no, fmt)
    elif entry_method == "template":
        data = _from_template(s, enterprise_id, template_id, fmt.code)
    data.needs_confirmation = data.needs_confirmation or bool(needs_confirmation)
    app = _create_draft(s, actor, decl, fmt, entry_method, data, now, {"entry_method": entry_method})
    keep_token(s, "application", enterprise_id, token, app.id, now)
    return app


def _highest_serial(s: Session, declaration_id: int) -> int:
    serials = s.scalars(select(CertificateApplication.serial).where(CertificateApplication.declaration_id == declaration_id))
    return max((int(x) for x in serials if x and x.isdigit()), default=0)


def _create_draft(s: Session, actor: Actor, decl: Declaration, fmt: CertificateFormat, entry_method: str,
                  data: ApplicationInput, now: datetime, details: dict) -> CertificateApplication:
    """Add a draft for the declaration with the checked values and its receipt; the next 分证序号."""
    serial = next_value(s, f"serial:{decl.id}", lambda: _highest_serial(s, decl.id))
    app = CertificateApplication(
        declaration_id=decl.id, enterprise_id=decl.enterprise_id, district_code=decl.district_code,
        cert_type_code=fmt.cert_type_code, format_code=fmt.code, serial=f"{serial:02d}", entry_method=entry_method,
        needs_confirmation=data.needs_confirmation, status=AppStatus.DRAFT.value, fields={},
        dest_country=decl.dest_country, created_at=now, updated_at=now,
    )
    s.add(app)
    s.flush()
    _store(s, app, clean_input(s, fmt, data, draft=True))
    s.add(Event(code="app.created", actor_id=actor.user_id, object_type="application", object_id=str(app.id),
                enterprise_id=app.enterprise_id, district_code=app.district_code, at=now,
                message=EVENT_MESSAGES["app.created"], details=details))
    s.flush()
    return app


_HAN = re.compile(r"[\u3400-\u9fff]")


def _written_in(english: bool, zh: str | None, en: str | None) -> str:
    """The text for a field in English (`english`) or Chinese: the other language's only when it is written
    in the field's script (a Chinese address has no place in an English field: left for the applicant)."""
    first, other = (en, zh) if english else (zh, en)
    if first:
        return first
    if other and (not english or not _HAN.search(other)):
        return other
    return ""


def _place(english: bool, place: str | None) -> str:
    """A place for a field: in English, a Chinese place name in the Latin alphabet (大连 -> DALIAN)."""
    return latin_place(place or "") if english else (place or "")


def from_declaration(s: Session, decl: Declaration, fmt: CertificateFormat) -> ApplicationInput:
    """智能导入: fill the format's fields and the goods from the declaration, in the certificate's language.

    A certificate printed in English (alone or beside Chinese: what the importing country reads) gets the
    English names, and nothing Chinese the declaration holds in no other language; a Chinese one gets
    the Chinese. Weights are summed in kilograms from any weight unit. Packages are counted with their kind's
    code ("200 CT"), which the certificate prints by its name in its languages (纸箱 / Carton) and the SPS XML
    sends as the code.
    """
    english = "en" in {x.strip() for x in (fmt.languages or "zh,en").split(",")}
    lines = list(s.scalars(select(GoodsLine).where(GoodsLine.declaration_id == decl.id).order_by(GoodsLine.seq)))
    containers = list(s.scalars(select(Container).where(Container.declaration_id == decl.id).order_by(Container.seq)))
    weight = sum((line.weight * KG_PER_UNIT[line.weight_unit] for line in lines
                  if line.weight is not None and line.weight_unit in KG_PER_UNIT), Decimal(0))
    kilograms = f"{weight.normalize():f}" if weight else ""
    packages = sum(line.packages or 0 for line in lines)
    package_type = next((line.package_type for line in lines if line.package_type), "")

    def party(zh: str | None, en: str | None, address: str | None) -> str:
        return "\n".join(x for x in (_written_in(english, zh, en), _written_in(english, address, None)) if x)

    values = {
        "consignor": party(decl.consignor_zh, decl.consignor_en, decl.consignor_address),
        "consignee": party(decl.consignee_zh, decl.consignee_en, decl.consignee_address),
        "description": _fit("; ".join(x for x in (_written_in(english, line.name_zh, line.name_en) for line in lines)
                                      if x)),
        "weight": kilograms,
        "quantity": kilograms,
        "quantity_weight": kilograms,
        "origin": _place(english, next((line.origin_place for line in lines if line.origin_place), "")),
        "marks": decl.marks or "N/M",
        "packages": f"{packages} {package_type}".strip() if packages else "",  # "200 CT": printed by its name
        "container_no": _fit(" ".join(c.number for c in containers)),
        "seal_no": _fit(" ".join(c.seal_no for c in containers if c.seal_no)),
        "despatch_place": _place(english, decl.departure_port),
        "destination": decl.dest_country or "",
        "conveyance": decl.transport_mode or "",
        "despatch_date": decl.despatch_date.isoformat() if decl.despatch_date else "",
    }
    keys = {f["key"] for f in fmt.fields}
    goods = [{"hs_code": line.hs_code, "name_zh": line.name_zh, "name_en": line.name_en or "",
              "origin": line.origin_place or "", "quantity": value_text(line.quantity),
              "quantity_unit": line.quantity_unit or "", "weight": value_text(line.weight),
              "weight_unit": line.weight_unit or "", "packages": value_text(line.packages),
              "package_type": line.package_type or ""} for line in lines]
    return ApplicationInput({k: v for k, v in values.items() if k in keys and v}, goods)


def _fit(text: str, limit: int = TEXT_LIMITS["text"]) -> str:
    """Cut an imported text to what its field holds, marking the cut: many goods lines or containers make long ones."""
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def value_text(value) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def goods_rows_of(app_goods: list[ApplicationGoods]) -> list[dict[str, str]]:
    return [{c: value_text(getattr(g, c)) for c in GOODS_COLUMNS} for g in app_goods]


def _from_similar(s: Session, actor: Actor, inspection_no: str, fmt: CertificateFormat) -> ApplicationInput:
    """相似报检号录入: copy the enterprise's newest application for that inspection no., of this format if any.

    Only the fields this format has are taken: an application of another format may have others.
    """
    inspection_no = (inspection_no or "").strip()
    A = CertificateApplication
    source = s.scalar(
        select(A).join(Declaration, Declaration.id == A.declaration_id)
        .where(Declaration.inspection_no == inspection_no, row_scope(actor, A))
        .order_by(case((A.format_code == fmt.code, 0), else_=1), A.created_at.desc(), A.id.desc())
        .limit(1)) if inspection_no else None
    if source is None:
        raise ApplicationInvalid({"similar_inspection_no": "similar_not_found"})
    keys = {f["key"] for f in fmt.fields}
    return ApplicationInput({k: v for k, v in (source.fields or {}).items() if k in keys}, goods_rows_of(source.goods),
                            source.needs_confirmation)


def _from_template(s: Session, enterprise_id: int, template_id: int | None, format_code: str) -> ApplicationInput:
    template = s.get(CertificateTemplate, template_id) if template_id else None
    if template is None or template.enterprise_id != enterprise_id:
        raise ApplicationInvalid({"template_id": "template_not_found"})
    if template.format_code != format_code:
        raise ApplicationInvalid({"template_id": "template_other_format"})
    return ApplicationInput(dict(template.fields), list(template.goods), template.needs_confirmation)


# --- saving -------------------------------------------------------------------------------------


def save_application(s: Session, actor: Actor, application_id: int, data: ApplicationInput, *, version: int,
                     draft: bool, now: datetime | None = None) -> CertificateApplication:
    """Save a draft (暂存: only formats checked) or a complete application (every check); all or nothing."""
    actor.require(PERMISSION)
    app, fmt = _application_to_save(s, actor, application_id)
    if app.version != version:
        raise WorkflowError("stale_version")
    if app.status not in EDITABLE:
        raise WorkflowError("bad_transition", action="save", status=app.status)
    cleaned = clean_input(s, fmt, data, draft=draft)
    try:
        _store(s, app, cleaned, now or datetime.now(timezone.utc))
    except StaleDataError:
        raise WorkflowError("stale_version") from None
    return app


class _FormatFields(NamedTuple):
    fields: list[dict]  # what `clean_input` reads of a CertificateFormat


class FormatFields(Protocol):
    """What checking an application needs of its format: the field list (a CertificateFormat has it)."""

    @property
    def fields(self) -> Any: ...


def _application_to_save(s: Session, actor: Actor, application_id: int
                         ) -> tuple[CertificateApplication, _FormatFields]:
    """The application in the actor's scope (what `load_application` returns) and its format's field list.

    One prepared statement reads both: an ORM query would cost several times the save's own work. The
    object gets the columns a save needs; others load on access, as expired attributes do.
    """
    scope, params = scope_parameters(actor)
    rows = _APPLICATION_TO_SAVE.rows(s, scope, {**params, "id": application_id})
    if not rows:
        raise NotFound(f"application {application_id}")
    *values, fields = rows[0]
    app = loaded(s, CertificateApplication, dict(zip(SAVE_ATTRIBUTES, values)))
    return app, _format_fields(fields) if isinstance(fields, str) else _FormatFields(fields)


SAVE_ATTRIBUTES = ("id", "version", "status", "format_code", "dest_country", "needs_confirmation", "enterprise_id",
                   "district_code", "declaration_id", "cert_type_code", "serial", "entry_method")


@functools.lru_cache(maxsize=64)
def _format_fields(text: str) -> _FormatFields:
    """A format's field list from its stored JSON text, parsed once per text (a changed format is new text)."""
    return _FormatFields(json.loads(text))


def _application_to_save_statement(kind: str, scopes: int):
    A = CertificateApplication
    # the field list as stored (text on SQLite; drivers that parse JSON themselves hand back the list)
    return (select(*(getattr(A, key) for key in SAVE_ATTRIBUTES), type_coerce(CertificateFormat.fields, Text))
            .join(CertificateFormat, CertificateFormat.code == A.format_code)
            .where(A.id == bindparam("id", type_=A.id.type), scope_condition(A, kind, scopes)))


_APPLICATION_TO_SAVE = Statements(_application_to_save_statement)


@dataclass
class _Clean:
    fields: dict[str, str]
    columns: list[list]  # the goods, typed, column by column in GOODS_COLUMNS order
    needs_confirmation: bool

    @property
    def goods(self) -> list[dict]:
        return [dict(zip(GOODS_COLUMNS, line)) for line in zip(*self.columns)]


def clean_input(s: Session, fmt: FormatFields, data: ApplicationInput, *, draft: bool) -> _Clean:
    known = {f["key"]: f for f in fmt.fields}
    raw_fields = data.fields if isinstance(data.fields, dict) else {}
    columns = _goods_columns(data.goods) if len(data.goods) <= MAX_GOODS else None
    codes = known_codes(s, _codes_named(known, data, columns))
    form, found = validated(fields_form(_shape(fmt.fields), draft), raw_fields)
    for key, spec in known.items():
        kind = spec.get("kind")
        value = text_of(raw_fields, key)
        if value and key not in found and kind in CODE_KINDS and value not in codes[CODE_KINDS[kind]]:
            found[key] = f"choose_{kind}"
    errors = {f"fields.{key}": reason for key, reason in found.items()}
    fields = {key: value for key, value in form.model_dump(by_alias=True).items() if value} if form else {}
    typed, goods_errors = _clean_goods(columns, codes) if columns is not None else ([], {"goods": "too_many_goods"})
    errors.update(goods_errors)
    if not draft and not (columns and columns["hs_code"]):
        errors["goods"] = "goods_required"
    if errors:
        raise ApplicationInvalid(errors)
    return _Clean(fields, typed, bool(data.needs_confirmation))


def _shape(fields: list[dict]) -> tuple[tuple[str, str, bool], ...]:
    """What checking needs of a format's field list: each key with its kind and whether it is required."""
    return tuple((f["key"], f.get("kind", "text"), bool(f.get("required"))) for f in fields)


def _iso_date_problem(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return "date_format"
    return None


def _weight_problem(value: str) -> str | None:
    number = _decimal(value)
    return "positive_number" if number is None or number <= 0 else None


FIELD_RULES: dict[str, Any] = {  # the kind of a format's field -> what its text must be (beyond required)
    **{kind: limit(size) for kind, size in TEXT_LIMITS.items()},
    "date": checked_by(_iso_date_problem),
    "weight": checked_by(_weight_problem),
}  # country, transport_mode: a code of its dictionary, checked against the store


@functools.lru_cache(maxsize=128)
def fields_form(shape: tuple[tuple[str, str, bool], ...], draft: bool) -> type[Form]:
    """The form of a certificate format's fields (as text, stored as typed); a draft (暂存) needs none.

    The format's keys are the form's aliases: a key may be any name the format editor allows, even one
    a pydantic model has for itself (`json`, `copy`).
    """
    definitions: dict[str, Any] = {}
    for n, (key, kind, required) in enumerate(shape):
        rules = [AnyText, *([FIELD_RULES[kind]] if kind in FIELD_RULES else []), *([needed()] if required and not draft else [])]
        definitions[f"field_{n}"] = (Annotated[tuple(rules)] if len(rules) > 1 else AnyText, Field("", alias=key))
    return create_model("FormatFieldsForm", __base__=Form, **definitions)


CODE_KINDS = {"country": "country", "transport_mode": "transport_mode"}  # field kind -> dictionary


def _codes_named(known: dict[str, dict], data: ApplicationInput,
                 columns: dict[str, list[str]] | None) -> dict[str, set[str]]:
    """Collect, per dictionary, the codes the form uses, so that one query can check them all."""
    wanted: dict[str, set[str]] = {"country": set(), "transport_mode": set(), "hs_code": set(), "unit": set(),
                                   "package_type": set()}
    for key, spec in known.items():
        value = data.fields.get(key)
        if spec.get("kind") in CODE_KINDS and isinstance(value, str) and value.strip():
            wanted[CODE_KINDS[spec["kind"]]].add(value.strip())
    if columns:
        wanted["hs_code"].update(columns["hs_code"])
        wanted["unit"].update(columns["quantity_unit"], columns["weight_unit"])
        wanted["package_type"].update(columns["package_type"])
    for codes in wanted.values():
        codes.discard("")
    return wanted


HS_RE = re.compile(r"^\d{10}$")
MAX_NUMBER = Decimal("1e14")


def _goods_columns(rows: list[dict]) -> dict[str, list[str]]:
    """The goods rows column by column, as stripped texts ('' for anything missing)."""
    return {c: ["" if (v := row.get(c)) is None else str(v).strip() for row in rows] for c in GOODS_COLUMNS}


def _amount(text: str) -> Decimal | None:
    """A quantity or weight as typed: None when empty; a number from 0 below 1e14."""
    if text.isdigit() and text.isascii() and len(text) <= 14:  # the common case, plainly in range
        return Decimal(text)
    if not text:
        return None
    number = _decimal(text)
    if number is None or not 0 <= number < MAX_NUMBER:
        raise problem("non_negative_number")
    return number


def _packages(text: str) -> int | None:
    """Packages as typed: None when empty; a whole number up to 10^9."""
    if not text:
        return None
    if not (text.isdecimal() and text.isascii() and len(text) <= 10) or int(text) > 10**9:
        raise problem("whole_number")
    return int(text)


class GoodsColumns(Form):
    """The application's goods, column by column (stripped text per line, as `_goods_columns` gives them):
    a form has up to 999 lines and every cell is checked, in pydantic's core where a rule allows it.
    The codes (HS, units, package types) are checked against the store beside it."""

    hs_code: list[Annotated[str, StringConstraints(pattern=HS_RE.pattern)]]  # a mismatch: "hs_format"
    name_zh: list[Annotated[str, StringConstraints(min_length=1, max_length=256)]]
    name_en: list[Annotated[str, StringConstraints(max_length=256)]]
    origin: list[Annotated[str, StringConstraints(max_length=64)]]
    quantity: list[Annotated[Decimal | None, PlainValidator(_amount)]]
    quantity_unit: list[str]
    weight: list[Annotated[Decimal | None, PlainValidator(_amount)]]
    weight_unit: list[str]
    packages: list[Annotated[int | None, PlainValidator(_packages)]]
    package_type: list[str]


CELL_REASONS = {"string_pattern_mismatch": "hs_format", "string_too_short": "required", "string_too_long": "too_long"}
# the order in which one line's problems are listed
PROBLEM_ORDER = ("hs_code", "name_zh", "name_en", "origin", "quantity", "weight", "packages", "quantity_unit",
                 "weight_unit", "package_type")


def _clean_goods(columns: dict[str, list[str]], codes: dict[str, set[str]]) -> tuple[list[list], dict[str, str]]:
    """Check the goods (columns from `_goods_columns`); return the columns typed for the store, and the errors.

    Typed: quantity and weight as Decimal, packages as int, empty optional texts as None. Errors are
    named line by line, as the form shows them: 'goods.<line>.<column>' -> reason.
    """
    problems: dict[str, dict[int, str]] = {column: {} for column in PROBLEM_ORDER}
    try:
        goods = GoodsColumns.model_validate(columns)
    except ValidationError as exc:
        goods = None
        for error in exc.errors():
            column, line = error["loc"][0], error["loc"][1]
            problems[str(column)].setdefault(int(line), CELL_REASONS.get(error["type"], error["type"]))
    known_hs, units, package_types = codes["hs_code"], codes["unit"], codes["package_type"]
    for column, known, reason in (("hs_code", known_hs, "hs_unknown"), ("quantity_unit", units, "choose_unit"),
                                  ("weight_unit", units, "choose_unit"), ("package_type", package_types,
                                                                          "choose_package_type")):
        if not known.issuperset(set(columns[column]) - {""}):
            found = problems[column]
            for i, code in enumerate(columns[column]):
                if code and code not in known and i not in found:
                    found[i] = reason
    if goods is None or any(problems.values()):
        errors = {f"goods.{i + 1}.{column}": found[i]
                  for i in sorted(set().union(*problems.values())) for column, found in problems.items() if i in found}
        return [], errors
    typed: list[list[Any]] = [
        goods.hs_code, goods.name_zh, [v or None for v in goods.name_en], [v or None for v in goods.origin],
        goods.quantity, [v or None for v in goods.quantity_unit], goods.weight, [v or None for v in goods.weight_unit],
        goods.packages, [v or None for v in goods.package_type]]
    return typed, {}


def _store(s: Session, app: CertificateApplication, clean: _Clean, now: datetime | None = None) -> None:
    """Write the checked values: the application's UPDATE (with its version check), then its goods.

    Plain prepared statements, not the unit of work: a 50-line save is a handful of statements whose
    ORM bookkeeping would cost several times their database time. The loaded object is kept in step.
    """
    s.flush()  # pending changes of the application (a new draft's INSERT) go first
    values = {"fields": clean.fields, "needs_confirmation": clean.needs_confirmation,
              "dest_country": clean.fields.get("destination") or app.dest_country,
              "updated_at": now or datetime.now(timezone.utc)}
    if _UPDATE_APPLICATION.execute(s, (), {**values, "id": app.id, "seen": app.version}) != 1:
        raise StaleDataError(f"application {app.id} changed since version {app.version}")
    for key, value in values.items():
        set_committed_value(app, key, value)
    set_committed_value(app, "version", app.version + 1)
    _DELETE_GOODS.execute(s, (), {"application_id": app.id})
    lines = len(clean.columns[0]) if clean.columns else 0
    if lines:
        INSERT_GOODS.get(s).execute_columns(s, [[app.id] * lines, range(1, lines + 1), *clean.columns])
    s.expire(app, ["goods"])


def _update_application():
    table = table_of(CertificateApplication)
    A = table.c
    return (update(table)
            .where(A.id == bindparam("id", type_=A.id.type), A.version == bindparam("seen", type_=A.version.type))
            .values(version=A.version + 1, fields=bindparam("fields", type_=A.fields.type),
                    needs_confirmation=bindparam("needs_confirmation", type_=A.needs_confirmation.type),
                    dest_country=bindparam("dest_country", type_=A.dest_country.type),
                    updated_at=bindparam("updated_at", type_=A.updated_at.type)))


def _delete_goods():
    return delete(table_of(ApplicationGoods)).where(
        ApplicationGoods.application_id == bindparam("application_id", type_=ApplicationGoods.application_id.type))


_UPDATE_APPLICATION = Statements(_update_application)
_DELETE_GOODS = Statements(_delete_goods)
INSERT_GOODS = Statements(lambda: insert(table_of(ApplicationGoods)).inline(),
                           column_keys=("application_id", "seq", "hs_code", "name_zh", "name_en", "origin", "quantity",
                                        "quantity_unit", "weight", "weight_unit", "packages", "package_type"))


# --- copying, applying, deleting a draft --------------------------------------------------------

DELETED_MESSAGE = "证书申请草稿已删除"


def copy_application(s: Session, actor: Actor, application_id: int, now: datetime | None = None
                     ) -> CertificateApplication:
    """复制: start a new draft for the same declaration and format with the application's fields and goods."""
    actor.own_enterprise(PERMISSION)
    source = load_application(s, actor, application_id)
    decl = s.get_one(Declaration, source.declaration_id)
    data = ApplicationInput(dict(source.fields or {}), goods_rows_of(source.goods), source.needs_confirmation)
    return _create_draft(s, actor, decl, s.get_one(CertificateFormat, source.format_code), EntryMethod.SIMILAR.value,
                         data, now or datetime.now(timezone.utc),
                         {"entry_method": EntryMethod.SIMILAR.value, "copied_from": source.id})


def apply_application(s: Session, actor: Actor, application_id: int, data: ApplicationInput, *, version: int,
                      now: datetime | None = None) -> CertificateApplication:
    """申报: save with every check, then take the workflow's `submit` step; both or neither."""
    now = now or datetime.now(timezone.utc)
    app = save_application(s, actor, application_id, data, version=version, draft=False, now=now)
    return transition(s, actor, app.id, "submit", version=app.version, now=now)


def delete_draft(s: Session, actor: Actor, application_id: int, *, version: int, now: datetime | None = None) -> None:
    """Delete a draft (暂存中) of the enterprise, as seen at `version`; the deletion is logged."""
    actor.own_enterprise(PERMISSION)
    app = load_application(s, actor, application_id)
    if app.version != version:
        raise WorkflowError("stale_version")
    if app.status != AppStatus.DRAFT.value:
        raise WorkflowError("bad_transition", action="delete", status=app.status)
    s.add(Event(code="app.deleted", actor_id=actor.user_id, object_type="application", object_id=str(app.id),
                enterprise_id=app.enterprise_id, district_code=app.district_code,
                at=now or datetime.now(timezone.utc), message=DELETED_MESSAGE,
                details={"declaration_id": app.declaration_id, "serial": app.serial}))
    s.execute(delete(ApplicationScan).where(ApplicationScan.application_id == app.id))
    s.delete(app)
    try:
        s.flush()  # DELETE ... WHERE version = <seen>: a concurrent save makes it match nothing
    except StaleDataError:
        raise WorkflowError("stale_version") from None
