"""Filling in a declaration (出境/入境报检, Jiucheng 3.4.3 and 3.4.5): new, open, copy, delete,
暂存 (draft: formats only), 保存 (every required field of the direction) and 保存并发送 (saved, then
sent with an inspection number).

The main fields, goods lines, containers and attached documents (随附单据) are saved together or
not at all, against the version the form was opened at (optimistic lock: of two tabs saving, one
wins and the other is told). Sent declarations are read-only. Everything belongs to the actor's own
enterprise; other enterprises' ids behave as unknown ones. Text is stored as typed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, ConfigDict, create_model
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from auth.permissions import Perm
from dashboard.core.clock import CHINA_FIXED as CHINA
from data.accounts.registration import PHONE_RE
from data.core.creation import created_before, keep_token, usable_token
from data.core.forms import (
    AnyText,
    Form,
    Invalid,
    checked_by,
    limit,
    matching,
    needed,
    one_of,
    problem,
    text_of,
    validated,
)
from data.core.numbers import next_value
from data.core.scope import Actor, NotFound, row_scope
from data.declarations import party_book
from data.declarations.defaults import GOODS_DEFAULTS, Choice, category_codes, choices, declaration_defaults
from data.declarations.goods import (
    CONTAINER_COLUMNS,
    GOODS_COLUMNS,
    Cell,
    clean_containers,
    clean_goods_lines,
    known_codes,
    parse_date,
    totals,
)
from data.exchange.inbound_matching import match_declaration
from data.models import (
    CertificateApplication,
    CertificateType,
    Container,
    CustomsDistrict,
    Declaration,
    DeclarationDocument,
    DeclStatus,
    DictEntry,
    Enterprise,
    Event,
    GoodsLine,
)
from data.reference.codes import normalise_code

PERMISSION = Perm.DECLARATION_EDIT
DIRECTIONS = ("exit", "entry")
EDITABLE = (DeclStatus.DRAFT.value, DeclStatus.SAVED.value)
MODES = ("draft", "save", "send")  # 暂存, 保存, 保存并发送
MAX_DOCUMENTS = 99
TEXT_LIMIT = 4000  # Text columns (marks, special requirements)
EVENT_MESSAGES = {"decl.sent": "报检单已发送，报检号 {inspection_no}，等待海关接收"}
BOTH = frozenset(DIRECTIONS)
EXIT = frozenset({"exit"})
ENTRY = frozenset({"entry"})


@dataclass(frozen=True)
class FieldSpec:
    key: str  # the Declaration column
    kind: str  # text | multiline | date | phone | party_code | inspection_no | category | district
    #            | country | trade_mode | transport_mode | certificate_types
    directions: frozenset[str] = BOTH  # the directions whose form has the field
    required: frozenset[str] = frozenset()  # the directions where 保存 needs it


# Jiucheng 3.4.3: 单证信息 and 其他单证信息, in the form's order. Starred fields are required.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("inspection_date", "date", BOTH, BOTH),  # 报检日期
    FieldSpec("category", "category", BOTH, BOTH),  # 报检类别
    FieldSpec("contact_name", "text", BOTH, BOTH),  # 联系人
    FieldSpec("contact_phone", "phone", BOTH, BOTH),  # 联系电话
    FieldSpec("declarant_name", "text"),  # 报检员名称
    FieldSpec("declarant_code", "text"),  # 报检员编码
    FieldSpec("consignor_code", "party_code", BOTH, EXIT),  # 发货人代码
    FieldSpec("consignor_zh", "text", BOTH, EXIT),  # 发货人中文
    FieldSpec("consignor_en", "text", BOTH, BOTH),  # 发货人英文
    FieldSpec("consignor_address", "text", BOTH, EXIT),  # 发货人地址
    FieldSpec("consignee_code", "party_code", BOTH, ENTRY),  # 收货人代码
    FieldSpec("consignee_zh", "text", BOTH, ENTRY),  # 收货人中文
    FieldSpec("consignee_en", "text"),  # 收货人英文
    FieldSpec("consignee_address", "text", BOTH, BOTH),  # 收货人地址
    FieldSpec("district_code", "district", BOTH, BOTH),  # 报检地
    FieldSpec("inspection_place_code", "district", BOTH, EXIT),  # 施检地
    FieldSpec("issue_district_code", "district", BOTH, BOTH),  # 领证地
    FieldSpec("port_authority_code", "district", BOTH, BOTH),  # 口岸机构
    FieldSpec("customs_declaration_district", "district", BOTH, BOTH),  # 报关海关
    FieldSpec("trade_mode", "trade_mode", BOTH, BOTH),  # 贸易方式
    FieldSpec("transport_mode", "transport_mode", BOTH, BOTH),  # 运输方式
    FieldSpec("transport_means", "text", BOTH, BOTH),  # 运输工具
    FieldSpec("transport_no", "text", BOTH, BOTH),  # 号码
    FieldSpec("contract_no", "text"),  # 合同号
    FieldSpec("bl_no", "text", BOTH, ENTRY),  # 提/运单号
    FieldSpec("origin_country", "country", ENTRY, ENTRY),  # 启运国家
    FieldSpec("departure_port", "text", BOTH, BOTH),  # 离境口岸 / 启运口岸
    FieldSpec("arrival_port", "text", BOTH, BOTH),  # 到达口岸 / 入境口岸
    FieldSpec("dest_country", "country", EXIT, EXIT),  # 输往国家
    FieldSpec("despatch_date", "date", EXIT, EXIT),  # 发货日期
    FieldSpec("arrival_date", "date", ENTRY, ENTRY),  # 到货日期
    FieldSpec("storage_place", "text", BOTH, BOTH),  # 存放地点
    FieldSpec("related_inspection_no", "inspection_no"),  # 关联报检号
    FieldSpec("related_reason", "text"),  # 关联理由
    FieldSpec("marks", "multiline", BOTH, BOTH),  # 标记及号码
    FieldSpec("special_requirements", "multiline"),  # 特殊要求
    FieldSpec("required_documents", "certificate_types"),  # 所需单据
)
FIELD_SPECS = {f.key: f for f in FIELDS}
DICTIONARY_KINDS = {"country": "country", "trade_mode": "trade_mode", "transport_mode": "transport_mode"}
DOCUMENT_COLUMNS = ("doc_code", "doc_no")


class DeclarationInvalid(Invalid):
    """The form has errors: a field key, 'goods.<n>.<column>', 'containers.<n>.<column>',
    'documents.<n>.<column>' or a section name -> reason code."""


class DeclarationRefused(ValueError):
    """The action is not possible now; `code`: stale_version, read_only, not_deletable, has_applications."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class DeclarationInput:
    """What the declaration form sends; every value is untrusted."""

    fields: dict = field(default_factory=dict)
    goods: list = field(default_factory=list)
    containers: list = field(default_factory=list)
    documents: list = field(default_factory=list)


@dataclass
class DeclarationForm:
    """A declaration as the form shows it: values as text, with what the page needs around them."""

    id: int | None
    version: int | None
    direction: str
    status: str
    entry_no: str
    inspection_no: str
    sent_at: datetime | None
    enterprise_name: str
    registration_no: str
    data: DeclarationInput
    goods_defaults: dict[str, str]

    @property
    def read_only(self) -> bool:
        return self.status not in EDITABLE


# --- reading ------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def _enterprise(s: Session, enterprise_id: int) -> Enterprise:
    return s.get_one(Enterprise, enterprise_id)


def _goods_defaults(s: Session, actor: Actor, direction: str) -> dict[str, str]:
    return {k: v for k, v in declaration_defaults(s, actor, direction).items() if k in GOODS_DEFAULTS}


def load_declaration(s: Session, actor: Actor, declaration_id: int) -> Declaration:
    """Return one of the actor's enterprise's declarations; others' ids raise the same NotFound as unknown ones."""
    actor.own_enterprise(PERMISSION)
    decl = s.scalar(select(Declaration).where(Declaration.id == declaration_id, row_scope(actor, Declaration)))
    if decl is None:
        raise NotFound(f"declaration {declaration_id}")
    return decl


def _input_of(decl: Declaration) -> DeclarationInput:
    fields: dict[str, str | list[str]] = {f.key: _text(getattr(decl, f.key)) for f in FIELDS
                                          if decl.direction in f.directions and f.kind != "certificate_types"}
    fields["required_documents"] = [str(c) for c in decl.required_documents or []]
    goods = [{c: _text(getattr(g, c)) for c in GOODS_COLUMNS} for g in decl.goods]
    containers = [{c: (bool(ct.lcl) if c == "lcl" else _text(getattr(ct, c))) for c in CONTAINER_COLUMNS}
                  for ct in decl.containers]
    documents = [{"doc_code": d.doc_code, "doc_no": d.doc_no or ""} for d in decl.documents]
    return DeclarationInput(fields, goods, containers, documents)


def open_declaration(s: Session, actor: Actor, declaration_id: int) -> DeclarationForm:
    """Return a stored declaration of the enterprise for the form."""
    decl = load_declaration(s, actor, declaration_id)
    ent = _enterprise(s, decl.enterprise_id)
    return DeclarationForm(decl.id, decl.version, decl.direction, decl.status, decl.entry_no or "",
                           decl.inspection_no or "", decl.sent_at, ent.name_zh, ent.registration_no or "",
                           _input_of(decl), _goods_defaults(s, actor, decl.direction))


def new_declaration(s: Session, actor: Actor, direction: str, today: date | None = None) -> DeclarationForm:
    """Return a blank, unsaved declaration filled with the enterprise's defaults (默认信息设置)."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    if direction not in DIRECTIONS:
        raise DeclarationInvalid({"direction": "unknown_direction"})
    ent = _enterprise(s, enterprise_id)
    defaults = declaration_defaults(s, actor, direction)
    fields: dict[str, str | list[str]] = {f.key: defaults.get(f.key, "") for f in FIELDS
                                          if direction in f.directions and f.kind != "certificate_types"}
    fields["required_documents"] = []
    fields["inspection_date"] = (today or datetime.now(CHINA).date()).isoformat()
    fields["district_code"] = fields["district_code"] or ent.district_code or ""
    fields["contact_name"] = fields["contact_name"] or ent.contact_name or ""
    fields["contact_phone"] = fields["contact_phone"] or ent.contact_phone or ""
    fields["marks"] = fields["marks"] or "N/M"
    party = {"code": ent.credit_code or "", "zh": ent.name_zh or "", "en": ent.name_en or "",
             "address": ent.address_zh or ""}
    own = "consignor" if direction == "exit" else "consignee"  # the enterprise ships out / receives
    for key, value in party.items():
        fields[f"{own}_{key}"] = fields.get(f"{own}_{key}") or value
    goods_defaults = {k: v for k, v in defaults.items() if k in GOODS_DEFAULTS}
    return DeclarationForm(None, None, direction, DeclStatus.DRAFT.value, "", "", None, ent.name_zh,
                           ent.registration_no or "", DeclarationInput(fields), goods_defaults)


def copy_form(s: Session, actor: Actor, source_id: int) -> DeclarationForm:
    """复制单证: an unsaved form with the content of one of the enterprise's declarations, without its
    numbers, status and relations to earlier sendings."""
    form = open_declaration(s, actor, source_id)
    form.id = form.version = None
    form.status, form.entry_no, form.inspection_no, form.sent_at = DeclStatus.DRAFT.value, "", "", None
    form.data.fields["inspection_date"] = datetime.now(CHINA).date().isoformat()
    return form


def copy_declaration(s: Session, actor: Actor, source_id: int, now: datetime | None = None) -> Declaration:
    """复制单证 and keep the copy at once as a new draft."""
    form = copy_form(s, actor, source_id)
    return save_declaration(s, actor, None, form.data, direction=form.direction, version=None, mode="draft",
                            now=now)


# --- checking -----------------------------------------------------------------------------------


def column_limit(key: str) -> int:
    return getattr(Declaration.__table__.columns[key].type, "length", None) or TEXT_LIMIT


def _as_list(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace("，", ",").split(",")
    if not isinstance(raw, (list, tuple)):
        return []
    return [str(x).strip() for x in raw if isinstance(x, (str, int)) and str(x).strip()]


def _party_code_problem(code: str) -> str | None:
    reason = party_book.code_problem(code)
    return ("credit_code_format" if len(code) == 18 else reason) if reason else None


def _inspection_no_problem(number: str) -> str | None:
    return None if len(number) == 15 and number.isdigit() else "inspection_no_format"


def _day(value: Any) -> date | None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        raise problem("date_format")
    return day


NORMALISED_KINDS = ("country", "category", "district", "party_code")  # codes typed in any case and spacing


def _field_type(spec: FieldSpec, direction: str) -> Any:
    """The declared type of one main field of a declaration of this direction."""
    if spec.kind == "date":
        return Annotated[date | None, BeforeValidator(_day)]
    rules: list[Any] = [AnyText]
    if spec.kind in NORMALISED_KINDS:
        rules.append(AfterValidator(normalise_code))
    rules.append(limit(column_limit(spec.key)))
    if spec.kind == "phone":
        rules.append(matching(PHONE_RE, "phone_format"))
    elif spec.kind == "party_code":
        rules.append(checked_by(_party_code_problem))
    elif spec.kind == "inspection_no":
        rules.append(checked_by(_inspection_no_problem))
    elif spec.kind == "category":
        rules.append(one_of(tuple(category_codes(direction)), "choose_category"))
    return Annotated[tuple(rules)]


class DeclarationFields(Form):
    """A declaration's main fields (单证信息) as one direction's form has them; `fields_form` declares them
    from FIELDS. The codes of districts and dictionaries are checked against the store beside it."""

    required_keys: ClassVar[tuple[str, ...]] = ()
    required_documents: Any = None  # certificate types: checked against the store

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        return {key: "required" for key in cls.required_keys if key not in found and not text_of(values, key)}


@functools.cache
def fields_form(direction: str, draft: bool) -> type[DeclarationFields]:
    """The main fields of a declaration of `direction`; a draft (暂存) needs none of them."""
    specs = [f for f in FIELDS if direction in f.directions and f.kind != "certificate_types"]
    fields: dict[str, Any] = {f.key: (_field_type(f, direction), None if f.kind == "date" else "") for f in specs}
    form = create_model(f"{direction.title()}Declaration{'Draft' if draft else ''}Fields", __base__=DeclarationFields,
                        **fields)
    form.required_keys = () if draft else tuple(f.key for f in specs if direction in f.required)
    return form


def _clean_fields(s: Session, direction: str, raw_fields: dict, *, draft: bool
                  ) -> tuple[dict[str, object], dict[str, str]]:
    raw_fields = raw_fields if isinstance(raw_fields, dict) else {}
    form, found = validated(fields_form(direction, draft), raw_fields)
    errors = {key[:64]: reason for key, reason in found.items()}
    specs = {f.key: f for f in FIELDS if direction in f.directions}
    texts = {key: normalise_code(text_of(raw_fields, key)) for key, spec in specs.items()
             if key not in errors and (spec.kind == "district" or spec.kind in DICTIONARY_KINDS)}
    wanted = {dictionary: {texts[k] for k, spec in specs.items() if spec.kind == kind and texts.get(k)}
              for kind, dictionary in DICTIONARY_KINDS.items()}
    codes = known_codes(s, wanted)
    district_wanted = sorted({texts[k] for k, spec in specs.items() if spec.kind == "district" and texts.get(k)})
    districts = set(s.scalars(select(CustomsDistrict.code).where(CustomsDistrict.code.in_(district_wanted),
                                                                 CustomsDistrict.active.is_(True)))) \
        if district_wanted else set()
    for key, text in texts.items():
        kind = specs[key].kind
        if text and kind == "district" and text not in districts:
            errors[key] = "choose_district"
        elif text and kind in DICTIONARY_KINDS and text not in codes[DICTIONARY_KINDS[kind]]:
            errors[key] = f"choose_{kind}"
    cleaned: dict[str, object] = {}
    if form is not None:
        typed = form.model_dump(exclude={"required_documents"})
        cleaned = {key: value if value != "" else None for key, value in typed.items()}
    if "required_documents" in specs:
        wanted_types = _as_list(raw_fields.get("required_documents"))
        known_types = set(s.scalars(select(CertificateType.code).where(
            CertificateType.code.in_(wanted_types), CertificateType.active.is_(True)))) if wanted_types else set()
        if len(wanted_types) > 30 or any(code not in known_types for code in wanted_types):
            errors["required_documents"] = "choose_certificate_type"
        cleaned["required_documents"] = list(dict.fromkeys(wanted_types))
    return cleaned, errors


class DocumentRow(Form):
    """One attached document (随附单据): its kind (a code of the direction's documents) and number."""

    model_config = ConfigDict(extra="ignore")

    doc_code: Annotated[Cell, needed()] = ""
    doc_no: Annotated[Cell, limit(64)] = ""


def _clean_documents(s: Session, direction: str, rows, *, draft: bool) -> tuple[list[dict], dict[str, str]]:
    rows = rows if isinstance(rows, list) else []
    filled = [(n, row) for n, row in enumerate(rows, start=1)
              if isinstance(row, dict) and any(str(row.get(c) or "").strip() for c in ("doc_code", "doc_no"))]
    if len(filled) > MAX_DOCUMENTS:
        return [], {"documents": "too_many_documents"}
    checked = [(n, *validated(DocumentRow, row)) for n, row in filled]
    wanted = sorted({form.doc_code for _, form, _ in checked if form is not None})
    allowed = set(s.scalars(select(DictEntry.code).where(
        DictEntry.dictionary == "attached_document", DictEntry.active.is_(True), DictEntry.code.in_(wanted),
        func.coalesce(DictEntry.extra["direction"].as_string(), "") == direction))) if wanted else set()
    errors: dict[str, str] = {}
    cleaned, seen = [], set()
    for n, form, found in checked:
        if form is not None:
            if form.doc_code not in allowed:
                found["doc_code"] = "choose_document"
            elif (form.doc_code, form.doc_no) in seen:
                found["doc_code"] = "duplicate_document"
            seen.add((form.doc_code, form.doc_no))
            cleaned.append({"doc_code": form.doc_code, "doc_no": form.doc_no or None})
        errors.update({f"documents.{n}.{column}": reason for column, reason in found.items()})
    if not draft and not filled:
        errors["documents"] = "documents_required"
    return cleaned, errors


@dataclass
class _Clean:
    fields: dict[str, object]
    goods: list[dict]
    containers: list[dict]
    documents: list[dict]


def check_declaration(s: Session, direction: str, data: DeclarationInput, *, draft: bool) -> _Clean:
    """Check everything the form sent; raise DeclarationInvalid with every problem, or return typed values."""
    fields, errors = _clean_fields(s, direction, data.fields, draft=draft)
    goods, goods_errors = clean_goods_lines(s, data.goods if isinstance(data.goods, list) else [], draft=draft)
    containers, container_errors = clean_containers(data.containers if isinstance(data.containers, list) else [],
                                                    draft=draft)
    documents, document_errors = _clean_documents(s, direction, data.documents, draft=draft)
    errors.update(goods_errors)
    errors.update(container_errors)
    errors.update(document_errors)
    if not draft and not goods and "goods" not in errors:
        errors["goods"] = "goods_required"
    if errors:
        raise DeclarationInvalid(errors)
    return _Clean(fields, goods, containers, documents)


# --- saving -------------------------------------------------------------------------------------


def save_declaration(s: Session, actor: Actor, declaration_id: int | None, data: DeclarationInput, *,
                     version: int | None, mode: str, direction: str | None = None,
                     now: datetime | None = None, form_token: str | None = None) -> Declaration:
    """暂存 (mode draft), 保存 (save) or 保存并发送 (send) a declaration; a new one when the id is None.

    All or nothing: on any error nothing is written (the caller's transaction rolls back). A new
    declaration's form carries a one-time `form_token`: submitted again, it gets the declaration its
    first submission created and creates no other.
    """
    enterprise_id = actor.own_enterprise(PERMISSION)
    if mode not in MODES:
        raise DeclarationRefused("unknown_mode")
    now = now or datetime.now(timezone.utc)
    token = usable_token(form_token)
    if declaration_id is None and (earlier := created_before(s, "declaration", enterprise_id, token)) is not None:
        return load_declaration(s, actor, earlier)
    if declaration_id is None:
        if direction not in DIRECTIONS:
            raise DeclarationInvalid({"direction": "unknown_direction"})
        decl = None
    else:
        decl = load_declaration(s, actor, declaration_id)
        if decl.status not in EDITABLE:
            raise DeclarationRefused("read_only")
        if decl.version != version:
            raise DeclarationRefused("stale_version")
        direction = decl.direction
    clean = check_declaration(s, direction, data, draft=mode == "draft")
    if decl is None:
        district = clean.fields.get("district_code") or _enterprise(s, enterprise_id).district_code
        if not district:
            raise DeclarationInvalid({"district_code": "required"})
        decl = Declaration(direction=direction, enterprise_id=enterprise_id, district_code=district,
                           status=DeclStatus.DRAFT.value, created_at=now, updated_at=now)
        s.add(decl)
        s.flush()
        decl.entry_no = f"W{'E' if direction == 'exit' else 'I'}{now.astimezone(CHINA):%y%m%d}{decl.id:08d}"
        keep_token(s, "declaration", enterprise_id, token, decl.id, now)
    try:
        decl.status = DeclStatus.DRAFT.value if mode == "draft" else DeclStatus.SAVED.value
        if mode == "send":
            _send(s, actor, decl, now)
        _store(s, decl, clean, now)  # one UPDATE of the declaration, carrying "WHERE version = <seen>"
    except StaleDataError:
        raise DeclarationRefused("stale_version") from None
    if mode == "send" and direction == "entry":  # the certificates it lists that the exchange already brought
        match_declaration(s, decl.id)
    if mode != "draft":
        for who in ("consignor", "consignee"):
            party_book.remember_party(s, enterprise_id, code=getattr(decl, f"{who}_code"),
                                      name_zh=getattr(decl, f"{who}_zh"), name_en=getattr(decl, f"{who}_en"),
                                      address=getattr(decl, f"{who}_address"))
    return decl


def _store(s: Session, decl: Declaration, clean: _Clean, now: datetime) -> None:
    for key, value in clean.fields.items():
        if key == "district_code" and not value:
            continue  # a draft keeps its district: the column is never empty
        setattr(decl, key, value if key != "required_documents" else (value or []))
    summary = totals(clean.goods)
    currencies = [c for c in summary["value"] if c]
    if len(currencies) == 1 and len(summary["value"]) == 1:
        decl.currency, decl.total_value = currencies[0], summary["value"][currencies[0]]
    else:
        decl.currency, decl.total_value = None, None
    decl.updated_at = now
    s.flush()  # the declaration's own UPDATE (with its version check) goes first
    for model in (GoodsLine, Container, DeclarationDocument):
        s.execute(delete(model).where(model.declaration_id == decl.id))
    for model, rows in ((GoodsLine, clean.goods), (Container, clean.containers),
                        (DeclarationDocument, clean.documents)):
        if rows:
            s.execute(insert(model), [{"declaration_id": decl.id, "seq": n, **row}
                                      for n, row in enumerate(rows, start=1)])
    s.expire(decl, ["goods", "containers", "documents"])


def _send(s: Session, actor: Actor, decl: Declaration, now: datetime) -> None:
    decl.status = DeclStatus.SENT.value
    decl.sent_at = now
    if not decl.inspection_no:
        decl.inspection_no = next_inspection_no(s, decl.direction, decl.district_code, now)
    s.add(Event(code="decl.sent", actor_id=actor.user_id, object_type="declaration", object_id=str(decl.id),
                enterprise_id=decl.enterprise_id, district_code=decl.district_code, at=now,
                message=EVENT_MESSAGES["decl.sent"].format(inspection_no=decl.inspection_no),
                details={"inspection_no": decl.inspection_no, "status": decl.status}))


def inspection_prefix(direction: str, district_code: str, now: datetime) -> str:
    """`1` entry / `2` exit, the district's first two digits, the two-digit year (China time)."""
    return f"{'1' if direction == 'entry' else '2'}{district_code[:2]}{now.astimezone(CHINA):%y}"


def next_inspection_no(s: Session, direction: str, district_code: str, now: datetime) -> str:
    """Hand out the next 15-digit inspection number; concurrent senders never get the same one."""
    prefix = inspection_prefix(direction, district_code, now)

    def highest_in_store() -> int:
        highest = s.scalar(select(func.max(Declaration.inspection_no)).where(
            Declaration.inspection_no.startswith(prefix, autoescape=True), func.length(Declaration.inspection_no) == 15))
        return int(highest[len(prefix):]) if highest and highest.isdigit() else 0

    return f"{prefix}{next_value(s, f'decl:{prefix}', highest_in_store):010d}"


# --- deleting and receipts ----------------------------------------------------------------------


def delete_declaration(s: Session, actor: Actor, declaration_id: int) -> None:
    """删除单证: only a draft or saved declaration of the enterprise, and only without applications."""
    decl = load_declaration(s, actor, declaration_id)
    if decl.status not in EDITABLE:
        raise DeclarationRefused("not_deletable")
    if s.scalar(select(CertificateApplication.id).where(CertificateApplication.declaration_id == decl.id).limit(1)):
        raise DeclarationRefused("has_applications")
    s.delete(decl)
    s.flush()


@dataclass(frozen=True)
class DeclarationReceipt:
    at: datetime
    code: str
    message: str
    details: dict = field(default_factory=dict, compare=False)  # the event's values, for other languages


def declaration_receipts(s: Session, actor: Actor, declaration_id: int) -> list[DeclarationReceipt]:
    """查看回执: the declaration's receipts, oldest first."""
    load_declaration(s, actor, declaration_id)
    rows = s.scalars(select(Event).where(Event.object_type == "declaration", Event.object_id == str(declaration_id))
                     .order_by(Event.at, Event.id))
    return [DeclarationReceipt(e.at, e.code, e.message, dict(e.details or {})) for e in rows]


# --- what the form's lists offer ------------------------------------------------------------------


def form_choices(s: Session, actor: Actor, direction: str) -> dict[str, list[Choice]]:
    """The codes the form's lists offer: dictionaries, districts, certificate types, and the attached
    documents of the direction."""
    found = choices(s, actor)
    found["unit"], found["attached_document"] = [], []
    for dictionary, code, zh, en, extra in s.execute(
            select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en, DictEntry.extra)
            .where(DictEntry.dictionary.in_(("unit", "attached_document")), DictEntry.active.is_(True))
            .order_by(DictEntry.dictionary, DictEntry.sort, DictEntry.code)):
        if dictionary == "unit" or (extra or {}).get("direction") == direction:
            found[dictionary].append((code, zh, en))
    found["certificate_type"] = [tuple(r) for r in s.execute(
        select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en)
        .where(CertificateType.active.is_(True)).order_by(CertificateType.code))]
    return found


def hs_entry(s: Session, actor: Actor, code: str) -> tuple[str, str, str] | None:
    """An HS code's Chinese and English names and its first legal unit, to fill a goods line from."""
    actor.require(Perm.REFERENCE_VIEW)
    entry = s.get(DictEntry, ("hs_code", code)) if isinstance(code, str) and code.isdigit() else None
    if entry is None or not entry.active:
        return None
    return entry.name_zh, entry.name_en, str((entry.extra or {}).get("unit1") or "")
