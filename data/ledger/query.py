"""企业台账 (Jiucheng 3.8): an enterprise's declarations with their certificates, filtered, paged and streamed.

One ledger row is one certificate of a declaration: a declaration with three certificates gives
three rows (its own columns repeated on each), one without any certificate gives one row whose
certificate columns are empty. Certificates are reached through their application (certificate →
application → declaration); an application not issued (yet) has no certificate and adds no row.
Replaced and withdrawn certificates are rows too, with their status. The ledger lists declarations
by their inspection date (日期(报检)): one without a date is not in it. Rows come newest first
(date, then declaration, then certificate), in the preview and in every export alike.

Scope: an enterprise user's ledger is their own enterprise's; an administrator names the
enterprise. Asking for another enterprise than one's own gives no rows, exactly as an unknown one.

Rows leave this module raw (codes, dates, Decimals), laid out as `[declaration id, currency,
value of column 1, value of column 2, ...]`; the first two feed the export's totals. Turning codes
into labels and writing files is `exports/tables/ledger.py`'s work.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any

from sqlalchemy import and_, exists, func, literal, null, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.audit import record_change
from data.core.forms import AnyText, Form, Invalid, Required, checked, checked_by, limit
from data.core.like import SLASH as LIKE_ESCAPE
from data.core.like import contains_pattern
from data.core.paging import Page, clamp_paging
from data.core.scope import AccessDenied, Actor, NotFound, row_scope
from data.models import (
    Certificate,
    CertificateApplication,
    CertificateType,
    CertStatus,
    CustomsDistrict,
    Declaration,
    DeclStatus,
    DictEntry,
    Enterprise,
    LedgerTemplate,
)

PERMISSION = Perm.LEDGER_EXPORT
DIRECTIONS = ("entry", "exit")
DECL_STATUSES = tuple(s.value for s in DeclStatus)
CERT_STATUSES = tuple(s.value for s in CertStatus)
MAX_PAGE_SIZE = 100
HIDDEN = 2  # leading values of every raw row: declaration id, currency

_D = Declaration.__table__.c
_A = CertificateApplication.__table__.c
_C = Certificate.__table__.c


@dataclass(frozen=True)
class LedgerField:
    """One column the ledger can show: what it reads and how its value is to be taken.

    kind: seq (row number) | text | flag (Y/N) | date | decimal | int | code (shown by a label:
    `lookup` names the table of names from the store, otherwise the label table is the UI's).
    `user_text`: typed in by users (names, numbers of documents): guarded against formula injection.
    `total`: how the totals row sums it: declarations (count of distinct declarations), count (of
    rows with a value), sum, or value (a declaration's value, once per declaration, per currency).
    """

    key: str
    kind: str
    group: str  # declaration | certificate
    source: object | None
    lookup: str | None = None
    user_text: bool = False
    total: str | None = None


def _name(zh, en):
    """The name as declared: the Chinese one, or the foreign one where there is none."""
    return func.coalesce(func.nullif(zh, ""), en)


FIELDS: dict[str, LedgerField] = {f.key: f for f in (
    # the Jiucheng 3.8 list, in its order
    LedgerField("seq", "seq", "declaration", None),
    LedgerField("legal_inspection", "flag", "declaration", _D.legal_inspection),
    LedgerField("enterprise", "code", "declaration", _D.enterprise_id, lookup="enterprise", user_text=True),
    LedgerField("registration_no", "code", "declaration", _D.enterprise_id, lookup="registration"),
    LedgerField("consignee", "text", "declaration", _name(_D.consignee_zh, _D.consignee_en), user_text=True),
    LedgerField("consignor", "text", "declaration", _name(_D.consignor_zh, _D.consignor_en), user_text=True),
    LedgerField("inspection_no", "text", "declaration", _D.inspection_no, total="declarations"),
    LedgerField("contract_no", "text", "declaration", _D.contract_no, user_text=True),
    LedgerField("inspection_date", "date", "declaration", _D.inspection_date),
    LedgerField("bl_no", "text", "declaration", _D.bl_no, user_text=True),
    # more of the declaration (Jiucheng 3.4.3)
    LedgerField("entry_no", "text", "declaration", _D.entry_no),
    LedgerField("declaration_status", "code", "declaration", _D.status),
    LedgerField("declarant", "text", "declaration", _D.declarant_name, user_text=True),
    LedgerField("declarant_code", "text", "declaration", _D.declarant_code, user_text=True),
    LedgerField("district", "code", "declaration", _D.district_code, lookup="district"),
    LedgerField("trade_mode", "code", "declaration", _D.trade_mode, lookup="trade_mode"),
    LedgerField("transport_mode", "code", "declaration", _D.transport_mode, lookup="transport_mode"),
    LedgerField("transport_means", "text", "declaration", _D.transport_means, user_text=True),
    LedgerField("dest_country", "code", "declaration", _D.dest_country, lookup="country"),
    LedgerField("origin_country", "code", "declaration", _D.origin_country, lookup="country"),
    LedgerField("departure_port", "text", "declaration", _D.departure_port, user_text=True),
    LedgerField("arrival_port", "text", "declaration", _D.arrival_port, user_text=True),
    LedgerField("despatch_date", "date", "declaration", _D.despatch_date),
    LedgerField("arrival_date", "date", "declaration", _D.arrival_date),
    LedgerField("total_value", "decimal", "declaration", _D.total_value, total="value"),
    LedgerField("currency", "text", "declaration", _D.currency),
    # the certificate of the row
    LedgerField("certificate_no", "text", "certificate", _C.certificate_no, total="count"),
    LedgerField("cert_type", "code", "certificate", _C.cert_type_code, lookup="cert_type"),
    LedgerField("cert_status", "code", "certificate", _C.status),
    LedgerField("issue_date", "date", "certificate", _C.issue_date),
    LedgerField("signing_method", "code", "certificate", _C.signing_method),
    LedgerField("issue_place", "text", "certificate", _C.issue_place, user_text=True),
    LedgerField("print_count", "int", "certificate", _C.print_count, total="sum"),
)}
ALL_KEYS = tuple(FIELDS)
# the manual's columns (the party is the consignee for entry, the consignor for exit: the Chinese side)
# and the certificate's
_JIUCHENG = ("seq", "legal_inspection", "enterprise", "registration_no", "{party}", "inspection_no", "contract_no",
             "inspection_date", "bl_no", "certificate_no", "cert_type", "cert_status", "issue_date", "signing_method")
DEFAULT_COLUMNS = {d: tuple(k.format(party="consignee" if d == "entry" else "consignor") for k in _JIUCHENG)
                   for d in DIRECTIONS}


class LedgerInvalid(Invalid):
    """The request has errors: field key -> reason code (nothing was written)."""


@dataclass(frozen=True)
class LedgerQuery:
    """The ledger's filters (Jiucheng 3.8 查询条件); every value comes from the browser."""

    direction: str = "entry"
    enterprise_id: int | None = None  # administrators: whose ledger; enterprise users: their own (None)
    party: str = ""  # consignor or consignee: name (Chinese or foreign) or code contains
    declarant: str = ""  # 报检员: name contains, or code
    legal_inspection: str = ""  # Y | N | "" (either)
    date_from: date | None = None
    date_to: date | None = None
    statuses: tuple[str, ...] = ()  # declaration statuses
    cert_types: tuple[str, ...] = ()  # only rows with a certificate of these types
    cert_statuses: tuple[str, ...] = ()  # only rows with a certificate in these states

    def as_json(self) -> dict:
        """The query as plain JSON (for a job ticket or a dcc.Store)."""
        return {"direction": self.direction, "enterprise_id": self.enterprise_id, "party": self.party,
                "declarant": self.declarant, "legal_inspection": self.legal_inspection,
                "date_from": self.date_from.isoformat() if self.date_from else None,
                "date_to": self.date_to.isoformat() if self.date_to else None,
                "statuses": list(self.statuses), "cert_types": list(self.cert_types),
                "cert_statuses": list(self.cert_statuses)}

    @classmethod
    def from_json(cls, data) -> "LedgerQuery":
        """Read a query back from JSON, keeping only values of the right kind (the browser may send anything)."""
        data = data if isinstance(data, dict) else {}

        def text(key: str, limit: int = 64) -> str:
            value = data.get(key)
            return value.strip()[:limit] if isinstance(value, str) else ""

        def day(key: str) -> date | None:
            try:
                return date.fromisoformat(data[key][:10]) if isinstance(data.get(key), str) else None
            except ValueError:
                return None

        def codes(key: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
            values = data.get(key)
            if not isinstance(values, list):
                return ()
            kept = {v[:16] for v in values if isinstance(v, str) and v}
            return tuple(sorted(kept if allowed is None else kept & set(allowed)))

        enterprise = data.get("enterprise_id")
        legal = text("legal_inspection", 1).upper()
        return cls(direction="exit" if data.get("direction") == "exit" else "entry",
                   enterprise_id=enterprise if isinstance(enterprise, int) and not isinstance(enterprise, bool)
                   else None,
                   party=text("party"), declarant=text("declarant"),
                   legal_inspection=legal if legal in ("Y", "N") else "",
                   date_from=day("date_from"), date_to=day("date_to"),
                   statuses=codes("statuses", DECL_STATUSES), cert_types=codes("cert_types"),
                   cert_statuses=codes("cert_statuses", CERT_STATUSES))


def ledger_enterprise(actor: Actor, q: LedgerQuery) -> int | None:
    """Return whose ledger the actor asks for, or None when it is one they may not see (no rows, no error)."""
    actor.require(PERMISSION)
    if actor.is_admin:
        if q.enterprise_id is None:
            raise LedgerInvalid({"enterprise": "required"})
        return q.enterprise_id
    if actor.enterprise_id is None:
        raise AccessDenied(f"{PERMISSION} needs an enterprise")
    if q.enterprise_id is not None and q.enterprise_id != actor.enterprise_id:
        return None
    return actor.enterprise_id


def _conditions(actor: Actor, q: LedgerQuery, enterprise_id: int) -> list:
    conditions = [row_scope(actor, Declaration), _D.enterprise_id == enterprise_id,
                  _D.direction == ("exit" if q.direction == "exit" else "entry"), _D.inspection_date.isnot(None)]
    if q.party:
        pattern = contains_pattern(q.party.lower(), LIKE_ESCAPE)
        conditions.append(func.lower(_D.consignor_zh).like(pattern, escape=LIKE_ESCAPE)
                          | func.lower(_D.consignor_en).like(pattern, escape=LIKE_ESCAPE)
                          | func.lower(_D.consignee_zh).like(pattern, escape=LIKE_ESCAPE)
                          | func.lower(_D.consignee_en).like(pattern, escape=LIKE_ESCAPE)
                          | (_D.consignor_code == q.party) | (_D.consignee_code == q.party))
    if q.declarant:
        pattern = contains_pattern(q.declarant.lower(), LIKE_ESCAPE)
        conditions.append(func.lower(_D.declarant_name).like(pattern, escape=LIKE_ESCAPE)
                          | (_D.declarant_code == q.declarant))
    if q.legal_inspection in ("Y", "N"):
        conditions.append(_D.legal_inspection == (q.legal_inspection == "Y"))
    if q.date_from:
        conditions.append(_D.inspection_date >= q.date_from)
    if q.date_to:
        conditions.append(_D.inspection_date <= q.date_to)
    if q.statuses:
        conditions.append(_D.status.in_(list(q.statuses)))
    if q.cert_types:
        conditions.append(_C.cert_type_code.in_(list(q.cert_types)))
    if q.cert_statuses:
        conditions.append(_C.status.in_(list(q.cert_statuses)))
    return conditions


# declaration → its applications that have a certificate → their certificates. An application without
# one (not issued yet) joins nothing, so a declaration with none still gives its one row. Written as
# two outer joins (not a nested join) so that both stores walk the declarations in the order of
# their (enterprise, inspection date) index and reach the certificates by index, row after row.
_ISSUED = Certificate.__table__.alias("issued")
_ROWS_FROM = Declaration.__table__.outerjoin(
    CertificateApplication.__table__,
    and_(_A.declaration_id == _D.id, exists().where(_ISSUED.c.application_id == _A.id)),
).outerjoin(Certificate.__table__, _C.application_id == _A.id)
_ORDER = (_D.inspection_date.desc(), _D.id.desc(), _C.id)


def check_columns(keys) -> tuple[str, ...]:
    """Return the column keys if they are a non-empty list of known, distinct keys; else LedgerInvalid."""
    if not isinstance(keys, (list, tuple)) or not keys:
        raise LedgerInvalid({"columns": "no_columns"})
    if any(not isinstance(k, str) or k not in FIELDS for k in keys) or len(set(keys)) != len(keys):
        raise LedgerInvalid({"columns": "unknown_column"})
    return tuple(keys)


def _statement(actor: Actor, q: LedgerQuery, keys: Sequence[str]):
    enterprise_id = ledger_enterprise(actor, q)
    if enterprise_id is None:
        return None
    columns: list[Any] = [_D.id, _D.currency, *(FIELDS[k].source if FIELDS[k].source is not None else null() for k in keys)]
    return select(*columns).select_from(_ROWS_FROM).where(and_(*_conditions(actor, q, enterprise_id)))


def count_ledger(s: Session, actor: Actor, q: LedgerQuery, cap: int | None = None) -> int:
    """Count the ledger's rows; with a cap, stop counting past it (returns at most cap + 1)."""
    stmt = _statement(actor, q, ())
    if stmt is None:
        return 0
    stmt = select(literal(1)).select_from(_ROWS_FROM).where(stmt.whereclause)
    if cap is not None:
        stmt = stmt.limit(int(cap) + 1)
    return s.connection().execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


def ledger_page(s: Session, actor: Actor, q: LedgerQuery, page: int = 0, page_size: int = 25,
                count_cap: int = 100_000) -> Page[tuple]:
    """Return one page of raw ledger rows with every column (ALL_KEYS), and the row count (capped)."""
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    stmt = _statement(actor, q, ALL_KEYS)
    if stmt is None:
        return Page([], 0, page, page_size)
    total = count_ledger(s, actor, q, count_cap)
    rows = s.connection().execute(stmt.order_by(*_ORDER).offset(page * page_size).limit(page_size)).all()
    return Page([tuple(r) for r in rows], total, page, page_size)


def stream_ledger(s: Session, actor: Actor, q: LedgerQuery, keys: Sequence[str],
                  chunk: int = 2000) -> Iterator[Sequence]:
    """Yield the ledger's raw rows for the given columns, fetched `chunk` at a time.

    PostgreSQL: a server-side cursor (nothing is held in memory but the chunk). SQLite: the driver
    steps through the result as it is read, `chunk` rows per fetch. Both inside the session's
    transaction, so the rows are one consistent snapshot.
    """
    stmt = _statement(actor, q, check_columns(keys))
    if stmt is None:
        return
    # an option of this statement only (Connection.execution_options would change the connection for good)
    result = s.connection().execute(stmt.order_by(*_ORDER), execution_options={"yield_per": chunk})
    try:
        for part in result.partitions():
            yield from part
    finally:
        result.close()


def lookup_tables(s: Session, language: str, keys: Sequence[str], enterprise_ids: Sequence[int] = ()
                  ) -> dict[str, dict]:
    """Return the names the chosen columns show codes by: lookup name -> {code: name} in the language."""
    wanted: set[str] = {lookup for k in keys if k in FIELDS and (lookup := FIELDS[k].lookup)}
    zh = language == "zh"

    def pick(a: str | None, b: str | None) -> str:
        return (a or b or "") if zh else (b or a or "")

    tables: dict[str, dict] = {}
    if wanted & {"enterprise", "registration"} and enterprise_ids:
        rows = s.execute(select(Enterprise.id, Enterprise.name_zh, Enterprise.name_en, Enterprise.registration_no)
                         .where(Enterprise.id.in_(list(enterprise_ids)))).all()
        tables["enterprise"] = {r.id: pick(r.name_zh, r.name_en) for r in rows}
        tables["registration"] = {r.id: r.registration_no or "" for r in rows}
    if "cert_type" in wanted:
        tables["cert_type"] = {c: pick(a, b) for c, a, b in s.execute(
            select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en))}
    if "district" in wanted:
        tables["district"] = {c: pick(a, b) for c, a, b in s.execute(
            select(CustomsDistrict.code, CustomsDistrict.name_zh, CustomsDistrict.name_en))}
    for dictionary in wanted & {"country", "trade_mode", "transport_mode"}:
        tables[dictionary] = {c: pick(a, b) for c, a, b in s.execute(
            select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en).where(DictEntry.dictionary == dictionary))}
    return tables


def enterprise_choices(s: Session, actor: Actor) -> list[tuple[int, str, str]]:
    """Return the enterprises an administrator may open the ledger of: (id, Chinese name, registration no.)."""
    actor.require(PERMISSION)
    if not actor.is_admin:
        return []
    return [(r.id, r.name_zh, r.registration_no or "") for r in s.execute(
        select(Enterprise.id, Enterprise.name_zh, Enterprise.registration_no).order_by(Enterprise.name_zh,
                                                                                       Enterprise.id))]


def enterprise_name(s: Session, actor: Actor, enterprise_id: int | None) -> str:
    """The Chinese name of the enterprise whose ledger this is (the actor's own for enterprise users)."""
    try:
        eid = ledger_enterprise(actor, LedgerQuery(enterprise_id=enterprise_id))
    except LedgerInvalid:
        return ""
    return (s.scalar(select(Enterprise.name_zh).where(Enterprise.id == eid)) or "") if eid is not None else ""


# --- saved templates (导出模板) ------------------------------------------------------------------

TEMPLATE_NAME_MAX = 64
FILE_NAME_MAX = 100
_FILE_NAME_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    direction: str
    columns: tuple[str, ...]
    file_name: str
    updated_at: datetime


def _file_name_problem(name: str) -> str | None:
    return "bad_characters" if _FILE_NAME_BAD.search(name) or name.startswith(".") else None


class FileNameForm(Form):
    """An export's file name, without extension: safe on every system."""

    file_name: Annotated[AnyText, limit(FILE_NAME_MAX), checked_by(_file_name_problem)] = ""


class TemplateNameForm(Form):
    """A ledger template's name (unique in the enterprise: checked against the store)."""

    name: Annotated[Required, limit(TEMPLATE_NAME_MAX)] = ""


def clean_file_name(name) -> str:
    """Return a file name without extension that is safe on every system, or raise LedgerInvalid."""
    return checked(FileNameForm, {"file_name": name}, LedgerInvalid).file_name


def _template_enterprise(actor: Actor, enterprise_id: int | None) -> int:
    """Whose templates: the administrator's chosen enterprise, or the enterprise user's own (another: NotFound)."""
    eid = ledger_enterprise(actor, LedgerQuery(enterprise_id=enterprise_id))
    if eid is None:
        raise NotFound(f"enterprise {enterprise_id}")
    return eid


def _template_name(s: Session, enterprise_id: int, name, template_id: int | None = None) -> str:
    name = checked(TemplateNameForm, {"name": name}, LedgerInvalid).name
    if s.scalar(select(LedgerTemplate.id).where(LedgerTemplate.enterprise_id == enterprise_id,
                                                LedgerTemplate.name == name,
                                                LedgerTemplate.id != (template_id or 0))):
        raise LedgerInvalid({"name": "duplicate"})
    return name


def list_templates(s: Session, actor: Actor, enterprise_id: int | None = None) -> list[TemplateRow]:
    """Return the enterprise's ledger templates by name."""
    try:
        eid = _template_enterprise(actor, enterprise_id)
    except (NotFound, LedgerInvalid):
        return []
    rows = s.scalars(select(LedgerTemplate).where(LedgerTemplate.enterprise_id == eid).order_by(LedgerTemplate.name))
    return [_row(t) for t in rows]


def _row(t: LedgerTemplate) -> TemplateRow:
    columns = tuple(k for k in (t.columns or []) if isinstance(k, str) and k in FIELDS)
    return TemplateRow(t.id, t.name, t.direction, columns, t.file_name or "", t.updated_at)


def _snapshot(t: LedgerTemplate) -> dict:
    return {"name": t.name, "direction": t.direction, "columns": list(t.columns or []), "file_name": t.file_name}


def _audit(s: Session, actor: Actor, code: str, t: LedgerTemplate, before: dict | None, after: dict | None) -> None:
    if actor.is_admin:  # an administrator acting on an enterprise's templates leaves a trace
        record_change(s, actor, f"admin.ledger_template.{code}", "ledger_template", t.id, before, after,
                      message=t.name, enterprise_id=t.enterprise_id)


def save_template(s: Session, actor: Actor, enterprise_id: int | None, name, direction: str, columns,
                  file_name="", now: datetime | None = None) -> TemplateRow:
    """存为模板: keep the chosen columns and file name under a name unique in the enterprise."""
    eid = _template_enterprise(actor, enterprise_id)
    errors: dict[str, str] = {}
    for check in (lambda: _template_name(s, eid, name), lambda: check_columns(columns),
                  lambda: clean_file_name(file_name)):
        try:
            check()
        except LedgerInvalid as exc:
            errors.update(exc.errors)
    if errors:
        raise LedgerInvalid(errors)
    now = now or datetime.now(timezone.utc)
    template = LedgerTemplate(enterprise_id=eid, name=_template_name(s, eid, name),
                              direction="exit" if direction == "exit" else "entry", columns=list(columns),
                              file_name=clean_file_name(file_name) or None, created_by=actor.user_id,
                              created_at=now, updated_at=now)
    try:
        with s.begin_nested():  # two saves of one name at once: the unique constraint decides, clearly
            s.add(template)
            s.flush()
    except IntegrityError:
        raise LedgerInvalid({"name": "duplicate"}) from None
    _audit(s, actor, "created", template, None, _snapshot(template))
    return _row(template)


def _own_template(s: Session, actor: Actor, enterprise_id: int | None, template_id) -> LedgerTemplate:
    eid = _template_enterprise(actor, enterprise_id)
    template = s.scalar(select(LedgerTemplate).where(LedgerTemplate.id == template_id,
                                                     LedgerTemplate.enterprise_id == eid)) \
        if isinstance(template_id, int) else None
    if template is None:
        raise NotFound(f"ledger template {template_id}")
    return template


def get_template(s: Session, actor: Actor, enterprise_id: int | None, template_id) -> TemplateRow:
    """Return one of the enterprise's templates (NotFound for another's or an unknown id)."""
    return _row(_own_template(s, actor, enterprise_id, template_id))


def update_template(s: Session, actor: Actor, enterprise_id: int | None, template_id, direction: str, columns,
                    file_name="", now: datetime | None = None) -> TemplateRow:
    """Keep the current columns, direction and file name in an existing template (its name stays)."""
    template = _own_template(s, actor, enterprise_id, template_id)
    columns = check_columns(columns)
    file_name = clean_file_name(file_name)
    before = _snapshot(template)
    template.direction = "exit" if direction == "exit" else "entry"
    template.columns = list(columns)
    template.file_name = file_name or None
    template.updated_at = now or datetime.now(timezone.utc)
    s.flush()
    _audit(s, actor, "updated", template, before, _snapshot(template))
    return _row(template)


def rename_template(s: Session, actor: Actor, enterprise_id: int | None, template_id, name,
                    now: datetime | None = None) -> TemplateRow:
    """Give a template another name, unique in the enterprise."""
    template = _own_template(s, actor, enterprise_id, template_id)
    before = _snapshot(template)
    new_name = _template_name(s, template.enterprise_id, name, template.id)
    try:
        with s.begin_nested():
            template.name = new_name
            template.updated_at = now or datetime.now(timezone.utc)
            s.flush()
    except IntegrityError:
        raise LedgerInvalid({"name": "duplicate"}) from None
    _audit(s, actor, "renamed", template, before, _snapshot(template))
    return _row(template)


def delete_template(s: Session, actor: Actor, enterprise_id: int | None, template_id) -> str:
    """Delete one of the enterprise's templates; return its name."""
    template = _own_template(s, actor, enterprise_id, template_id)
    _audit(s, actor, "deleted", template, _snapshot(template), None)
    name = template.name
    s.delete(template)
    s.flush()
    return name


# --- export files kept for their owner ------------------------------------------------------------

EXPORTS_FOLDER = "ledger-exports"
EXPORT_MAX_AGE = 24 * 3600  # seconds a finished export stays downloadable
PARTIAL_MAX_AGE = 6 * 3600  # an export still being written (or cut short) older than this is debris
KEEP_PER_USER = 5
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv", "pdf": "application/pdf"}


@dataclass(frozen=True)
class ExportFile:
    path: Path
    filename: str  # as offered to the browser
    media_type: str


@dataclass
class PendingExport:
    """A file being written for its owner: written under a temporary name, published when complete."""

    folder: Path
    token: str
    fmt: str
    filename: str
    meta: dict = field(default_factory=dict)

    @property
    def partial(self) -> Path:
        return self.folder / f"{self.token}.{self.fmt}.part"

    def publish(self, rows: int) -> str:
        """Make the finished file downloadable; return its token."""
        meta = {"filename": self.filename, "format": self.fmt, "rows": rows, "created": time.time(), **self.meta}
        (self.folder / f"{self.token}.json").write_text(json.dumps(meta, ensure_ascii=False))
        os.replace(self.partial, self.folder / f"{self.token}.{self.fmt}")
        return self.token


def _user_folder(instance: Path, user_id: int) -> Path:
    return Path(instance) / EXPORTS_FOLDER / str(int(user_id))


def new_export(instance: Path, actor: Actor, fmt: str, filename: str) -> PendingExport:
    """Reserve a place for one of the actor's exports (and clear away old files first)."""
    actor.require(PERMISSION)
    if fmt not in MEDIA_TYPES:
        raise LedgerInvalid({"format": "unknown_format"})
    clean_exports(instance)
    folder = _user_folder(instance, actor.user_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return PendingExport(folder, secrets.token_urlsafe(24), fmt, filename)


def export_file(instance: Path, actor: Actor | None, token) -> ExportFile:
    """Return a finished export of the actor's own; anyone else's (or an unknown token) is NotFound."""
    if actor is None or not actor.can(PERMISSION) or not isinstance(token, str) or not _TOKEN.match(token):
        raise NotFound("export")
    folder = _user_folder(instance, actor.user_id)
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        raise NotFound("export") from None
    fmt = meta.get("format")
    path = folder / f"{token}.{fmt}"
    if fmt not in MEDIA_TYPES or not path.is_file():
        raise NotFound("export")
    return ExportFile(path, str(meta.get("filename") or f"ledger.{fmt}"), MEDIA_TYPES[fmt])


def clean_exports(instance: Path, now: float | None = None) -> int:
    """Remove exports past their age, debris of cut-short ones, and all but the newest few of each user."""
    root = Path(instance) / EXPORTS_FOLDER
    if not root.is_dir():
        return 0
    now = now or time.time()
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        finished = []
        for path in folder.iterdir():
            try:
                age = now - path.stat().st_mtime
            except OSError:
                continue
            limit = PARTIAL_MAX_AGE if path.name.endswith(".part") else EXPORT_MAX_AGE
            if age > limit:
                removed += _remove(path)
            elif path.suffix == ".json":
                finished.append((path.stat().st_mtime, path))
        for _mtime, meta in sorted(finished, reverse=True)[KEEP_PER_USER:]:
            for sibling in folder.glob(meta.stem + ".*"):
                if not sibling.name.endswith(".part"):
                    removed += _remove(sibling)
        if not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
    return removed


def _remove(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


# --- the export itself ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportRequest:
    """What one export asks for, as it travels in a job ticket."""

    query: LedgerQuery
    columns: tuple[str, ...]
    fmt: str
    file_name: str
    language: str

    def as_json(self) -> dict:
        return {"query": self.query.as_json(), "columns": list(self.columns), "format": self.fmt,
                "file_name": self.file_name, "language": self.language}

    @classmethod
    def from_json(cls, data) -> "ExportRequest":
        data = data if isinstance(data, dict) else {}
        fmt = data.get("format") if data.get("format") in MEDIA_TYPES else "xlsx"
        language = data.get("language") if isinstance(data.get("language"), str) else "zh"
        return cls(LedgerQuery.from_json(data.get("query")), check_columns(data.get("columns")), fmt,
                   clean_file_name(data.get("file_name")), language)
