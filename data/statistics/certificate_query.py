"""证书查询 (Liaoning 5.9.2): certificates and the applications not yet issued, for district managers.

What a row is. The Liaoning screen lists certificate applications with their review status, some
of them not reviewed yet (no 分证序号, no 审核时间). Here a row is either
- an issued **certificate** (table `certificate`, joined to its application and declaration): one row
  per certificate, so a replaced certificate and its replacement are two rows; or
- an **application not issued yet** (table `certificate_application`, status other than issued and
  draft): submitted, under review, returned, suspended, awaiting/confirmed, approved or revoked.
Drafts were never declared to customs and are never listed.

Filters that only a certificate has (issuing district, signing method, certificate status, issue
and received dates) leave the applications out; a review-status filter without "issued" leaves the
certificates out. The drill-down of the issuance statistics (certificate dimensions only) therefore
lists exactly the certificates its figures count.

Scope, in the query itself: an administrator sees every row; a manager (or officer) the rows of
their district subtree: an application by its declared district (申报关区), a certificate when both
its issuing district and its application's declared district are inside (the workflow issues where
the application was reviewed, so these are the same district; a row straddling two subtrees is shown
to neither manager). A district asked for outside the subtree matches nothing.

Speed. No COUNT per page: a page is read with one row more than shown (`Window.has_more`); a count
capped at `COUNT_CAP` (shown as "10,000+") is taken once per search, an exact count only when asked.
Pages go no deeper than `MAX_ROWS` rows (narrow the filters instead). The page query is written so
that the common sorts read an index in order and stop after the page: the certificates sorted by
issue date are one ordered run of the index (district, issue date) per district in scope, and by
declaration time one run of the index (district, status, submitted) per district (and status, for
the applications); the runs, each cut at the page's depth, are merged. Sorting by inspection no.,
certificate no. or review time reads the unique/plain index of that column. Other sorts sort the
filtered rows. Rows without the sorted column's value (an application has no issue date, one not yet
reviewed no review time) come after the others in both directions and are read only once a page
reaches them. Ties are broken by the row's ids, in the order the index holds them where it can.
Statements are compiled once per shape of the query (data/core/prepared.py).

PostgreSQL keeps equal keys of an index in no particular order, so a run by issue date reads its
district's whole last day to break ties by id; the index certificate (district_code, issue_date, id)
(a superset of ix_cert_district_issue) lets it stop after the page (SQLite's indexes end in the rowid).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, cast, func, literal_column, null, or_, select, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.selectable import Join
from sqlalchemy.sql.visitors import InternalTraversal

from auth.permissions import Perm
from data.models import (
    AppStatus,
    Certificate,
    CertificateApplication,
    CertificateFormat,
    CertificateType,
    CertStatus,
    CustomsDistrict,
    Declaration,
    DictEntry,
    EntryMethod,
    SigningMethod,
    User,
)
from data.core.paging import Window, clamp_paging
from data.core.prepared import Statements, one_of, parameter_names
from data.core.scope import AccessDenied, Actor

PERMISSION = Perm.STATS_VIEW
MAX_PAGE_SIZE = 100
MAX_ROWS = 10_000  # the deepest row reachable by paging; the count is capped there too
COUNT_CAP = MAX_ROWS
MAX_RUNS = 128  # ordered index runs merged for one page; beyond, one scan of the filtered rows is sorted
MAX_REVIEWERS = 50  # officers a reviewer text may name
FEW_DISTRICTS = 16  # up to this many districts in scope, each gets its run without asking whether it has rows
SELECTIVE_PREFIX = 10  # an inspection or certificate no. this long finds few rows: they are sorted, not run
CHINA = ZoneInfo("Asia/Shanghai")  # declaration and review days are China Standard Time days

ISSUED, DRAFT = AppStatus.ISSUED.value, AppStatus.DRAFT.value
REVIEW_STATUSES = tuple(s.value for s in AppStatus if s.value != DRAFT)
PENDING_STATUSES = tuple(sorted(s for s in REVIEW_STATUSES if s != ISSUED))  # rows of not-issued applications
ENTRY_METHODS = tuple(m.value for m in EntryMethod)
SIGNING_METHODS = tuple(m.value for m in SigningMethod)
CERT_STATUSES = tuple(c.value for c in CertStatus)


class QueryInvalid(ValueError):
    """The filters cannot be used: filter key -> reason code (bad_date, date_order, unknown, format, too_long)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CertificateQuery:
    """The filters of the certificate query; empty means "any"."""

    inspection_no: str = ""  # 报检号, prefix
    district: str = ""  # issuing district (签发关区) and its subtree: certificates only
    declared_district: str = ""  # 申报关区 (the application's district) and its subtree
    certificate_no: str = ""  # 证书编号, prefix
    cert_type: str = ""  # 证单代码
    review_statuses: tuple[str, ...] = ()  # 审核状态 (the application's status)
    production_unit: str = ""  # 生产单位, part of the name
    dest_country: str = ""  # 输往国家/地区
    reviewer: str = ""  # 审核人员: account or part of the name
    entry_method: str = ""  # 录入方式
    signing_method: str = ""  # certificates only
    cert_status: str = ""  # valid / replaced / withdrawn: certificates only
    declared_from: date | None = None  # 申报时间
    declared_to: date | None = None
    reviewed_from: date | None = None  # 审核时间
    reviewed_to: date | None = None
    issued_from: date | None = None  # issue date: certificates only
    issued_to: date | None = None
    received_from: date | None = None  # 收单日期: certificates only
    received_to: date | None = None

    @property
    def certificates_only(self) -> bool:
        return bool(self.district or self.signing_method or self.cert_status or self.issued_from or self.issued_to
                    or self.received_from or self.received_to)


# --- reading filters from a URL or a form ------------------------------------------------------

# URL parameter -> field; the drill-down of the issuance statistics links with the first ten
URL_PARAMETERS = {
    "district": "district", "issue_from": "issued_from", "issue_to": "issued_to",
    "received_from": "received_from", "received_to": "received_to", "type": "cert_type", "dest": "dest_country",
    "entry_method": "entry_method", "signing_method": "signing_method", "status": "cert_status",
    "inspection_no": "inspection_no", "declared_district": "declared_district", "certificate_no": "certificate_no",
    "review_status": "review_statuses", "production_unit": "production_unit", "reviewer": "reviewer",
    "declared_from": "declared_from", "declared_to": "declared_to", "reviewed_from": "reviewed_from",
    "reviewed_to": "reviewed_to",
}
DATE_RANGES = {"declared": ("declared_from", "declared_to"), "reviewed": ("reviewed_from", "reviewed_to"),
               "issued": ("issued_from", "issued_to"), "received": ("received_from", "received_to")}
TEXT_LIMITS = {"inspection_no": 15, "certificate_no": 32, "production_unit": 128, "reviewer": 64}
_NUMBER = re.compile(r"[0-9A-Za-z]*")
_DISTRICT = re.compile(r"[0-9]{4}")
_TYPE = re.compile(r"[0-9A-Za-z]{1,4}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


def parse_query(values: Mapping[str, object]) -> CertificateQuery:
    """Read the filters from untrusted values keyed by field name; raise QueryInvalid naming each bad one.

    Dates are ISO (YYYY-MM-DD, a time after it is ignored); a range whose start is after its end is refused.
    """
    query, errors = read_query(values)
    if errors:
        raise QueryInvalid(errors)
    return query


def read_query(values: Mapping[str, object]) -> tuple[CertificateQuery, dict[str, str]]:
    """The filters read, and field -> reason for those that cannot be used (left out, but for a date range
    the wrong way round: its two dates are kept for the panel to show)."""
    errors: dict[str, str] = {}
    found: dict[str, object] = {}
    for f in fields(CertificateQuery):
        raw = values.get(f.name)
        if raw is None or raw == "" or raw == []:
            continue
        if f.name == "review_statuses":
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
            statuses = {str(x).strip() for x in items if str(x).strip()}
            if statuses - set(REVIEW_STATUSES):
                errors[f.name] = "unknown"
            found[f.name] = tuple(sorted(statuses & set(REVIEW_STATUSES)))
            continue
        if not isinstance(raw, str):
            errors[f.name] = "format"
            continue
        text = raw.strip()
        if not text:
            continue
        if f.name.endswith(("_from", "_to")):
            try:
                found[f.name] = date.fromisoformat(text[:10])
            except ValueError:
                errors[f.name] = "bad_date"
            continue
        if f.name == "dest_country":
            text = text.upper()
        reason = _text_problem(f.name, text)
        if reason:
            errors[f.name] = reason
        else:
            found[f.name] = text
    for start, end in DATE_RANGES.values():
        low, high = found.get(start), found.get(end)
        if isinstance(low, date) and isinstance(high, date) and low > high:
            errors[end] = "date_order"  # both kept: the panel shows the pair to put right
    return CertificateQuery(**found), errors


def _text_problem(name: str, text: str) -> str | None:
    if len(text) > TEXT_LIMITS.get(name, 32):
        return "too_long"
    pattern = {"inspection_no": _NUMBER, "certificate_no": _NUMBER, "district": _DISTRICT,
               "declared_district": _DISTRICT, "cert_type": _TYPE, "dest_country": _COUNTRY}.get(name)
    if pattern is not None and not pattern.fullmatch(text):
        return "format"
    allowed = {"entry_method": ENTRY_METHODS, "signing_method": SIGNING_METHODS, "cert_status": CERT_STATUSES}.get(name)
    if allowed is not None and text not in allowed:
        return "unknown"
    return None


def query_from_url(params: Mapping[str, object]) -> tuple[CertificateQuery, str, bool]:
    """Read filters and sort from URL parameters (`sort=-issue_date` sorts descending).

    Unknown parameters are ignored; bad values raise QueryInvalid keyed by field name.
    """
    query = parse_query(fields_of_url(params))
    sort, descending = parse_sort(params.get("sort"))
    return query, sort, descending


def fields_of_url(params: Mapping[str, object]) -> dict[str, object]:
    """URL parameters renamed to filter fields (the unknown ones dropped)."""
    return {field: params[name] for name, field in URL_PARAMETERS.items() if name in params}


def parse_sort(raw: object) -> tuple[str, bool]:
    """`issue_date` or `-issue_date` -> (key, descending); anything else is the default sort."""
    text = raw.strip() if isinstance(raw, str) else ""
    key = text.lstrip("-")
    if key not in SORTS:
        return DEFAULT_SORT, True
    return key, text.startswith("-")


def url_parameters(q: CertificateQuery, sort: str = "", descending: bool = True) -> dict[str, str]:
    """The URL parameters that give back `q` (and the sort) through `query_from_url`."""
    names = {field: name for name, field in URL_PARAMETERS.items()}
    out: dict[str, str] = {}
    for f in fields(CertificateQuery):
        value = getattr(q, f.name)
        if value:
            out[names[f.name]] = (",".join(value) if isinstance(value, tuple)
                                  else value.isoformat() if isinstance(value, date) else str(value))
    if sort in SORTS:
        out["sort"] = f"-{sort}" if descending else sort
    return out


def check_codes(s: Session, actor: Actor, q: CertificateQuery) -> None:
    """Refuse codes that exist nowhere (a district, certificate type or country): QueryInvalid.

    A district that exists but lies outside the actor's subtree is not an error: it matches nothing.
    """
    actor.require(PERMISSION)
    errors: dict[str, str] = {}
    for name in ("district", "declared_district"):
        code = getattr(q, name)
        if code and s.get(CustomsDistrict, code) is None:
            errors[name] = "unknown"
    if q.cert_type and s.get(CertificateType, q.cert_type) is None:
        errors["cert_type"] = "unknown"
    if q.dest_country and s.get(DictEntry, ("country", q.dest_country)) is None:
        errors["dest_country"] = "unknown"
    if errors:
        raise QueryInvalid(errors)


# --- rows ---------------------------------------------------------------------------------------


class QueryRow(NamedTuple):  # a tuple: a page builds up to 100 of them
    application_id: int
    certificate_id: int | None  # None: an application not issued (yet)
    inspection_no: str | None
    serial: str  # 分证序号
    district_code: str  # 申报关区
    district_zh: str
    district_en: str
    issuing_district: str | None
    cert_type: str  # 证单代码
    cert_type_zh: str
    cert_type_en: str
    format_zh: str  # 格式名称
    format_en: str
    production_unit: str | None
    dest_country: str | None
    dest_zh: str | None
    dest_en: str | None
    submitted_at: datetime | None  # 申报时间
    reviewed_at: datetime | None  # 审核时间
    review_status: str
    entry_method: str
    reviewer: str | None
    certificate_no: str | None
    issue_date: date | None
    received_date: date | None
    signing_method: str | None
    cert_status: str | None

    @property
    def key(self) -> str:
        """A stable id of the row: the certificate's, or the application's when none is issued."""
        return f"c{self.certificate_id}" if self.certificate_id is not None else f"a{self.application_id}"


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool  # False: there are at least `value` rows ("10,000+")


# --- sorting ------------------------------------------------------------------------------------

A, C, D = CertificateApplication, Certificate, Declaration


@dataclass(frozen=True)
class SortKey:
    """How a sortable column reads in each kind of row, and which index reads it in order."""

    certificate: object  # column of a certificate row
    application: object | None  # column of an application row (None: empty there)
    certificate_first: bool = False  # ties broken by certificate id first (the issue-date index's own order)
    certificate_lead: str = ""  # "issuing" | "declared": runs per district of that column
    application_lead: bool = False  # runs per declared district and status
    drive: str = "certificate"  # the table certificate rows are read from: certificate, application, declaration
    own_index: bool = False  # an index of the column itself reads the rows in order

    @property
    def type(self):
        return self.certificate.type


def _nullable(column) -> bool:
    return bool(column.expression.nullable)


SORTS: dict[str, SortKey] = {
    "issue_date": SortKey(C.issue_date, None, certificate_first=True, certificate_lead="issuing"),
    "received_date": SortKey(C.received_date, None, certificate_first=True),
    "certificate_no": SortKey(C.certificate_no, A.certificate_no, own_index=True),
    "inspection_no": SortKey(D.inspection_no, D.inspection_no, drive="declaration", own_index=True),
    "submitted_at": SortKey(A.submitted_at, A.submitted_at, certificate_lead="declared", application_lead=True,
                            drive="application"),
    "reviewed_at": SortKey(A.reviewed_at, A.reviewed_at, drive="application", own_index=True),
    "district": SortKey(A.district_code, A.district_code, drive="application"),
    "cert_type": SortKey(C.cert_type_code, A.cert_type_code),
    "production_unit": SortKey(A.production_unit, A.production_unit, drive="application"),
    "dest_country": SortKey(C.dest_country, A.dest_country),
}
DEFAULT_SORT = "issue_date"


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """Everything that changes the SQL of a page (not its values): the key of a prepared statement."""

    scoped: int  # districts in the actor's scope (0: administrator, no scope condition)
    certificates: bool
    pending: int  # statuses of not-issued applications listed (0: none)
    inspection_no: bool
    certificate_no: bool
    issuing: int  # districts of the issuing-district filter
    declared: int  # districts of the declared-district filter
    cert_type: bool
    dest_country: bool
    production_unit: bool
    reviewers: int
    entry_method: bool
    signing_method: bool
    cert_status: bool
    dates: tuple[str, ...]  # names of the date bounds given
    sort: str
    descending: bool
    certificate_runs: int  # ordered index runs for the certificates (0: one sorted scan)
    pending_runs: int  # districts with one run per pending status (0: one sorted scan)
    limit: int
    part: str = "values"  # the rows with the sorted column's value, or those without ("empty")


@dataclass(frozen=True)
class _Plan:
    shape: Shape
    values: dict


def certificate_page(s: Session, actor: Actor, q: CertificateQuery, sort: str = DEFAULT_SORT,
                     descending: bool = True, page: int = 0, page_size: int = 25) -> Window[QueryRow]:
    """Return one page of the certificates and pending applications the actor may see, sorted.

    Ties are broken by the row's own ids, so pages neither repeat nor skip rows. Pages end at MAX_ROWS.
    """
    actor.require(PERMISSION)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    page = min(page, max(0, MAX_ROWS // page_size - 1))
    sort = sort if sort in SORTS else DEFAULT_SORT
    plan = _plan(s, actor, q, sort, bool(descending), page_size)
    if plan is None:
        return Window([], page, page_size, False)
    _without_jit(s)
    shape, limit, offset = plan.shape, page_size + 1, page * page_size
    with_value, without = _parts(shape)
    rows: list = []
    if with_value:  # the rows that have the sorted column's value come first, in both directions
        rows = _PAGES.rows(s, (replace(shape, part="values"),),
                           {**plan.values, "offset": offset, "window": offset + limit})
    if len(rows) < limit and without:  # the page reaches the rows without it: read those only now
        before = 0 if rows or not offset or not with_value else _count_values(s, shape, plan.values, offset)
        start = offset - before if not rows else 0
        rows += _PAGES.rows(s, (replace(shape, part="empty"),),
                            {**plan.values, "offset": start, "window": start + limit})[:limit - len(rows)]
    has_more = len(rows) > page_size and (page + 1) * page_size < MAX_ROWS
    return Window([QueryRow(*r) for r in rows[:page_size]], page, page_size, has_more)


def _parts(shape: Shape) -> tuple[bool, bool]:
    """Whether some rows can have the sorted column's value, and whether some can be without it."""
    key = SORTS[shape.sort]
    with_value = shape.certificates or (shape.pending > 0 and key.application is not None)
    without = ((shape.certificates and _nullable(key.certificate))
               or (shape.pending > 0 and (key.application is None or _nullable(key.application))))
    return with_value, without


def _count_values(s: Session, shape: Shape, values: dict, cap: int) -> int:
    """How many rows have the sorted column's value, counted up to `cap` (where a page starts)."""
    key = SORTS[shape.sort]
    branches = [b for b in (_certificate_rows(shape, counting=True, column=key.certificate),
                            _pending_rows(shape, counting=True, column=key.application)) if b is not None]
    return min(cap, sum(_counted(s, branch, values, cap - 1) for branch in branches))


def count_rows(s: Session, actor: Actor, q: CertificateQuery, cap: int | None = COUNT_CAP) -> Count:
    """Count the rows of a query: up to `cap` (a lower bound beyond it), or exactly with cap=None."""
    actor.require(PERMISSION)
    plan = _plan(s, actor, q, DEFAULT_SORT, True, 1)
    if plan is None:
        return Count(0, True)
    branches = [b for b in (_certificate_rows(plan.shape, counting=True), _pending_rows(plan.shape, counting=True))
                if b is not None]  # every row: with the sorted column's value or without
    _without_jit(s)
    n = sum(_counted(s, branch, plan.values, cap) for branch in branches)
    if cap is not None and n > cap:
        return Count(cap, False)
    return Count(int(n), True)


def _counted(s: Session, rows, values: dict, cap: int | None) -> int:
    """Count one kind of rows, reading at most cap + 1 of them.

    Each kind is cut on its own: under a LIMIT over UNION ALL, PostgreSQL plans the branches for all
    their rows (a hash join of every issued application) instead of stopping early.
    """
    if cap is not None:
        rows = rows.limit(cap + 1)
    return s.execute(select(func.count()).select_from(rows.subquery()), values).scalar_one()


def _without_jit(s: Session) -> None:
    """PostgreSQL: no JIT compilation for this transaction's queries.

    The runs' cost estimates (their upper bounds, not the rows read) pass `jit_above_cost`, and
    compiling a page query took seconds where running it takes milliseconds.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SET LOCAL jit = off"))


def _plan(s: Session, actor: Actor, q: CertificateQuery, sort: str, descending: bool, page_size: int) -> _Plan | None:
    """Resolve scope, districts and reviewers to values; None when nothing can match."""
    if actor.is_admin:
        scope: list[str] | None = None
    elif actor.is_customs and actor.district_codes:
        scope = sorted(actor.district_codes)
    else:
        raise AccessDenied(PERMISSION)
    values: dict[str, object] = {}
    if scope is not None:
        values.update(zip(parameter_names("scope", len(scope)), scope))

    tree = _district_tree(s) if q.district or q.declared_district else {}

    def within(code: str) -> list[str] | None:
        """The district's subtree inside the scope (None: no such filter)."""
        if not code:
            return None
        codes, todo = set(), [code] if code in tree else []
        while todo:
            codes.add(todo[-1])
            todo += [c for c in tree.get(todo.pop(), ()) if c not in codes]
        return sorted(codes if scope is None else codes & set(scope))

    issuing, declared = within(q.district), within(q.declared_district)
    if issuing == [] or declared == []:
        return None  # a district outside the actor's subtree: nothing
    statuses = set(q.review_statuses)
    certificates = not statuses or ISSUED in statuses
    pending = [] if q.certificates_only else sorted(set(PENDING_STATUSES) & statuses if statuses else PENDING_STATUSES)
    if not certificates and not pending:
        return None
    reviewers: list[int] = []
    if q.reviewer:
        reviewers = _reviewer_ids(s, q.reviewer)
        if not reviewers:
            return None
    for name, codes in (("issuing", issuing), ("declared", declared), ("reviewer", reviewers)):
        if codes:
            values.update(zip(parameter_names(name, len(codes)), codes))
    values.update(zip(parameter_names("pending", len(pending)), pending))
    if q.inspection_no:
        values["inspection_lo"], values["inspection_hi"] = q.inspection_no, q.inspection_no + "\uffff"
    if q.certificate_no:
        values["number_lo"], values["number_hi"] = q.certificate_no, q.certificate_no + "\uffff"
    for name in ("cert_type", "dest_country", "entry_method", "signing_method", "cert_status"):
        if getattr(q, name):
            values[name] = getattr(q, name)
    if q.production_unit:
        values["production_unit"] = f"%{_escape_like(q.production_unit)}%"
    dates = []
    for name in ("declared_from", "declared_to", "reviewed_from", "reviewed_to",
                 "issued_from", "issued_to", "received_from", "received_to"):
        day = getattr(q, name)
        if day is None:
            continue
        dates.append(name)
        if name.startswith(("declared", "reviewed")):  # moments: from the day's start to the next day's, in China
            values[name] = _china_day_start(day + timedelta(days=1) if name.endswith("_to") else day)
        else:
            values[name] = day
    # the ordered index runs: one per district (and status) when that many runs stay cheap to merge
    key = SORTS[sort]
    certificate_runs = pending_runs = 0
    if len(q.inspection_no) >= SELECTIVE_PREFIX or len(q.certificate_no) >= SELECTIVE_PREFIX:
        key = replace(key, certificate_lead="", application_lead=False)  # few rows: sorting them beats runs
    if certificates and key.certificate_lead:
        lead_table = C if key.certificate_lead == "issuing" else A
        leads = _with_rows(s, lead_table, (issuing if key.certificate_lead == "issuing" else declared) or scope)
        if len(leads) <= MAX_RUNS:
            certificate_runs = len(leads)
            values.update(zip(parameter_names("crun", len(leads)), leads))
    if pending and key.application_lead:
        leads = _with_rows(s, A, declared or scope)
        if len(leads) * len(pending) <= MAX_RUNS:
            pending_runs = len(leads)
            values.update(zip(parameter_names("prun", len(leads)), leads))
    shape = Shape(
        scoped=len(scope or ()), certificates=certificates, pending=len(pending),
        inspection_no=bool(q.inspection_no), certificate_no=bool(q.certificate_no), issuing=len(issuing or ()),
        declared=len(declared or ()), cert_type=bool(q.cert_type), dest_country=bool(q.dest_country),
        production_unit=bool(q.production_unit), reviewers=len(reviewers), entry_method=bool(q.entry_method),
        signing_method=bool(q.signing_method), cert_status=bool(q.cert_status), dates=tuple(dates), sort=sort,
        descending=descending, certificate_runs=certificate_runs, pending_runs=pending_runs, limit=page_size + 1)
    return _Plan(shape, values)


def _china_day_start(day: date) -> datetime:
    """The moment a China day starts, in UTC (SQLite compares the stored UTC wall-clock text)."""
    return datetime.combine(day, time.min, tzinfo=CHINA).astimezone(timezone.utc)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _with_rows(s: Session, table, districts: list[str] | None) -> list[str]:
    """The districts (of those given; None: all) worth a run: for a few, all of them; for many, those
    that have rows in `table` (an administrator's fifty districts, most of them without certificates)."""
    if districts is not None and len(districts) <= FEW_DISTRICTS:
        return districts
    found = [r[0] for r in _PRESENT.rows(s, (table.__tablename__,), {}) if r[0] is not None]
    return found if districts is None else sorted(set(found) & set(districts))


def _present_statement(table_name: str):
    """A loose scan of a table's district index, one probe per district that has rows (a recursive
    query: neither SQLite nor PostgreSQL skips through an index for DISTINCT by itself)."""
    column = {C.__tablename__: C, A.__tablename__: A}[table_name].district_code
    first = select(func.min(column).label("code")).cte("present", recursive=True)
    following = select(select(func.min(column)).where(column > first.c.code).scalar_subquery()) \
        .where(first.c.code.isnot(None))
    present = first.union_all(following)
    return select(present.c.code)


_PRESENT = Statements(_present_statement)
_DISTRICTS = Statements(lambda: select(CustomsDistrict.code, CustomsDistrict.parent_code))


def _district_tree(s: Session) -> dict[str, list[str]]:
    """Every district with the districts directly under it (a code without children maps to [])."""
    tree: dict[str, list[str]] = {}
    for code, parent in _DISTRICTS.rows(s, (), {}):
        tree.setdefault(code, [])
        if parent:
            tree.setdefault(parent, []).append(code)
    return tree


def _reviewer_ids(s: Session, text: str) -> list[int]:
    """Users a reviewer filter names: the account exactly, or part of the real name."""
    pattern = f"%{_escape_like(text)}%"
    return list(s.scalars(select(User.id).where(or_(func.lower(User.account) == text.lower(),
                                                    User.real_name.like(pattern, escape="\\")))
                          .order_by(User.id).limit(MAX_REVIEWERS)))


# --- writing the statement ----------------------------------------------------------------------


def _value(name: str, column):
    return bindparam(name, type_=column.type)


class _Unindexed(ColumnElement):
    """A column SQLite must not pick an index by (`+column`); other databases see the column itself.

    SQLite's planner, without value statistics, takes (district, status) for selective and starts
    there, then sorts: for a sort that has its own index, the scope and status terms are marked so
    that it reads that index in order and stops after the page.
    """

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column = column
        self.type = column.type


class _InOrder(Join):
    """A join SQLite runs in the order written (CROSS JOIN ... ON); other databases plan it freely.

    Sorted by inspection no., the rows are read from the declaration's unique index in order; SQLite
    would rather scan the certificates and sort them all.
    """

    inherit_cache = True


@compiles(_InOrder, "sqlite")
def _compile_in_order(join, compiler, asfrom=False, from_linter=None, **kw):
    if from_linter:  # as visit_join does: the two sides are joined, not a cartesian product
        from_linter.edges.update(itertools.product(join.left._from_objects, join.right._from_objects))
    return (join.left._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw) + " CROSS JOIN "
            + join.right._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw) + " ON "
            + join.onclause._compiler_dispatch(compiler, from_linter=from_linter, **kw))


@compiles(_Unindexed)
def _compile_plain(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _compile_unindexed(element, compiler, **kw):
    return "+" + compiler.process(element.column, **kw)


def _in(column, prefix: str, count: int):
    return one_of(column, prefix, count)


def _application_side(shape: Shape, loose: bool, led: bool = False) -> list:
    """Conditions on the application (and its declaration) that both kinds of rows share.

    `led`: the run reads one declared district already chosen inside scope and filter; PostgreSQL
    would no longer read the index in order if the district lists were repeated (`= ANY(...)`).
    """
    out = []
    district = _Unindexed(A.district_code) if loose else A.district_code
    if shape.scoped and not led:
        out.append(_in(district, "scope", shape.scoped))
    if shape.declared and not led:
        out.append(_in(district, "declared", shape.declared))
    if shape.inspection_no:  # a range, not LIKE: the unique index serves it
        out += [D.inspection_no >= _value("inspection_lo", D.inspection_no),
                D.inspection_no < _value("inspection_hi", D.inspection_no)]
    if shape.production_unit:
        out.append(A.production_unit.like(_value("production_unit", A.production_unit), escape="\\"))
    if shape.reviewers:
        out.append(_in(A.reviewer_id, "reviewer", shape.reviewers))
    for name, column in (("declared_from", A.submitted_at), ("reviewed_from", A.reviewed_at)):
        if name in shape.dates:
            out.append(column >= _value(name, column))
    for name, column in (("declared_to", A.submitted_at), ("reviewed_to", A.reviewed_at)):
        if name in shape.dates:
            out.append(column < _value(name, column))
    return out


def _copied(shape: Shape, table) -> list:
    """Conditions on what a certificate copies from its application (type, destination, entry method)."""
    out = []
    for name in ("cert_type", "dest_country", "entry_method"):
        if getattr(shape, name):
            column = getattr(table, "cert_type_code" if name == "cert_type" else name)
            out.append(column == _value(name, column))
    if shape.certificate_no:
        out += [table.certificate_no >= _value("number_lo", table.certificate_no),
                table.certificate_no < _value("number_hi", table.certificate_no)]
    return out


def _certificate_side(shape: Shape, loose: bool, led: bool = False) -> list:
    """Conditions on the certificate; `led`: as for `_application_side`, the issuing district's run."""
    out = _copied(shape, C)
    district = _Unindexed(C.district_code) if loose else C.district_code
    if shape.scoped and not led:
        out.append(_in(district, "scope", shape.scoped))
    if shape.issuing and not led:
        out.append(_in(district, "issuing", shape.issuing))
    if shape.signing_method:
        out.append(C.signing_method == _value("signing_method", C.signing_method))
    if shape.cert_status:
        out.append(C.status == _value("cert_status", C.status))
    for name, column, low in (("issued_from", C.issue_date, True), ("issued_to", C.issue_date, False),
                              ("received_from", C.received_date, True), ("received_to", C.received_date, False)):
        if name in shape.dates:
            out.append(column >= _value(name, column) if low else column <= _value(name, column))
    return out


def _needs_declaration(shape: Shape) -> bool:
    return shape.inspection_no or shape.sort == "inspection_no"


def _certificate_rows(shape: Shape, counting: bool = False, column=None):
    """The certificate rows: selects of (application id, certificate id, sort value, empty flag).

    Sorted by a certificate column, the rows are read from the certificate alone (its index in order)
    and the application's conditions checked per row (EXISTS): SQLite would otherwise start from the
    application's (district, status) index and sort everything.
    """
    if not shape.certificates:
        return None
    key = SORTS[shape.sort]
    loose = key.own_index
    issued = (_Unindexed(A.status) if loose else A.status) == literal_column(f"'{ISSUED}'")
    by_issuing = key.certificate_lead == "issuing"

    def conditions_of(led: bool) -> list:
        on_application = [issued, *_application_side(shape, loose, led and not by_issuing)]
        on_certificate = _certificate_side(shape, loose, led and by_issuing)
        if key.drive != "certificate":
            return [*on_application, *on_certificate]
        application = select(literal_column("1")).select_from(A)
        if _needs_declaration(shape):
            application = application.join(D, D.id == A.declaration_id)
        return [*on_certificate, application.where(A.id == C.application_id, *on_application).exists()]

    conditions = conditions_of(False)
    if key.drive == "certificate":
        def base(*columns):
            return select(*columns).select_from(C)
        app_id = C.application_id
    else:

        def base(*columns):
            stmt = select(*columns)
            if key.drive == "declaration":
                return stmt.select_from(_InOrder(_InOrder(D, A, A.declaration_id == D.id), C,
                                                 C.application_id == A.id))
            stmt = stmt.select_from(A)
            if _needs_declaration(shape):
                stmt = stmt.join(D, D.id == A.declaration_id)
            return stmt.join(C, C.application_id == A.id)
        app_id = A.id
    if counting:  # `column`: only the rows that have its value
        having = [column.isnot(None)] if column is not None and _nullable(column) else []
        return base(literal_column("1").label("one")).where(*conditions, *having)
    lead = C.district_code if by_issuing else A.district_code
    led = conditions_of(True)
    leads = [[*led, lead == _value(n, CustomsDistrict.code)] for n in parameter_names("crun", shape.certificate_runs)]
    return _runs(shape, base, conditions, key.certificate, leads, app_id, C.id)


def _pending_rows(shape: Shape, counting: bool = False, column=False):
    """The rows of applications not issued: selects of (application id, 0, sort value, empty flag)."""
    if not shape.pending:
        return None
    key = SORTS[shape.sort]
    loose = key.own_index or key.application is None  # the latter read in the order of application ids
    conditions = [_in(_Unindexed(A.status) if loose else A.status, "pending", shape.pending),
                  *_application_side(shape, loose), *_copied(shape, A)]
    led = [*_application_side(shape, loose, led=True), *_copied(shape, A)]  # district and status: the lead's

    def base(*columns):
        if key.drive == "declaration":
            return select(*columns).select_from(_InOrder(D, A, A.declaration_id == D.id))
        stmt = select(*columns).select_from(A)
        return stmt.join(D, D.id == A.declaration_id) if _needs_declaration(shape) else stmt

    if counting:  # `column`: only the rows that have its value (None: no row has it)
        if column is None:
            return None
        having = [column.isnot(None)] if column is not False and _nullable(column) else []
        return base(literal_column("1").label("one")).where(*conditions, *having)
    leads = [[*led, A.district_code == _value(district, A.district_code), A.status == _value(status, A.status)]
             for district in parameter_names("prun", shape.pending_runs)
             for status in parameter_names("pending", shape.pending)]
    return _runs(shape, base, conditions, key.application, leads, A.id, None)


def _runs(shape: Shape, base, conditions: list, column, leads: list[list], app_id, certificate_id) -> list:
    """Ordered runs of one kind of rows, each cut at the page's depth: the rows with a value (one run per
    lead, each lead its whole condition, or one run), or, for the "empty" part, one run of the rows
    without (they sort after the others in both directions).

    `column` None: the column is empty for this kind of row.
    """
    key = SORTS[shape.sort]
    # ties broken as the merge breaks them, down to the first unique id (an index's own order beyond it)
    ties = ([certificate_id] if key.certificate_first and certificate_id is not None
            else [app_id, certificate_id] if certificate_id is not None else [app_id])
    empty_value = cast(null(), key.type)
    cert = certificate_id if certificate_id is not None else literal_column("0")

    def run(where: list, value, empty: int, rare: bool = False):
        # rows rarely without the value (`rare`): sorting the few found beats walking the primary key in
        # order, which PostgreSQL would choose and then read to the end when none are there
        by = [value, *ties] if empty == 0 else [t + literal_column("0") for t in ties] if rare else ties
        order = [c.desc() if shape.descending else c.asc() for c in by]
        inner = (base(app_id.label("app_id"), cert.label("cert_id"), value.label("v"),
                      literal_column(str(empty)).label("empty"))
                 .where(*where).order_by(*order).limit(bindparam("window", type_=A.id.type)).subquery())
        return select(inner.c.app_id, inner.c.cert_id, inner.c.v, inner.c.empty)

    if shape.part == "empty":
        if column is None:
            return [run(conditions, empty_value, 1)]
        return [run([*conditions, column.is_(None)], empty_value, 1, rare=True)] if _nullable(column) else []
    if column is None:
        return []
    having = [column.isnot(None)] if _nullable(column) else []
    return [run([*lead, *having], column, 0) for lead in leads] or [run([*conditions, *having], column, 0)]


def _page_statement(shape: Shape):
    """The page: the merged runs cut to one page, then the shown columns of those rows."""
    runs = [*(_certificate_rows(shape) or []), *(_pending_rows(shape) or [])]  # `_parts` says there are some
    rows = union_all(*runs).subquery("candidates") if len(runs) > 1 else runs[0].subquery("candidates")
    ties = ("cert_id", "app_id") if SORTS[shape.sort].certificate_first else ("app_id", "cert_id")

    def ordered(source):
        return [source.c.empty.asc(), *[c.desc() if shape.descending else c.asc()
                                        for c in (source.c.v, *[source.c[t] for t in ties])]]

    page = (select(rows.c.app_id, rows.c.cert_id, rows.c.v, rows.c.empty).order_by(*ordered(rows))
            .limit(literal_column(str(int(shape.limit)))).offset(bindparam("offset", type_=A.id.type))
            .subquery("page"))
    district = aliased(CustomsDistrict)
    country = aliased(DictEntry)
    reviewer = aliased(User)
    shown = (
        A.id, C.id, D.inspection_no, func.coalesce(C.serial, A.serial), A.district_code, district.name_zh,
        district.name_en, C.district_code, A.cert_type_code, CertificateType.name_zh, CertificateType.name_en,
        CertificateFormat.name_zh, CertificateFormat.name_en, A.production_unit, A.dest_country, country.name_zh,
        country.name_en, A.submitted_at, A.reviewed_at, A.status, A.entry_method, reviewer.real_name,
        func.coalesce(C.certificate_no, A.certificate_no), C.issue_date, C.received_date, C.signing_method,
        C.status,
    )
    return (select(*shown).select_from(page)
            .join(A, A.id == page.c.app_id)
            .outerjoin(C, C.id == page.c.cert_id)
            .join(D, D.id == A.declaration_id)
            .join(district, district.code == A.district_code)
            .join(CertificateType, CertificateType.code == A.cert_type_code)
            .join(CertificateFormat, CertificateFormat.code == A.format_code)
            .outerjoin(country, and_(country.dictionary == literal_column("'country'"),
                                     country.code == A.dest_country))
            .outerjoin(reviewer, reviewer.id == A.reviewer_id)
            .order_by(*ordered(page)))


_PAGES = Statements(_page_statement)


# --- what the filter panel offers -----------------------------------------------------------------


class Option(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    parent: str | None = None


@dataclass(frozen=True)
class FilterOptions:
    districts: list[Option]  # only those the actor may see, in tree order
    cert_types: list[Option]
    countries: list[Option]


def filter_options(s: Session, actor: Actor) -> FilterOptions:
    """The choices of the filter panel: the actor's districts, certificate types and countries."""
    actor.require(PERMISSION)
    if actor.is_admin:
        scope = None
    elif actor.is_customs and actor.district_codes:
        scope = actor.district_codes
    else:
        raise AccessDenied(PERMISSION)
    stmt = select(CustomsDistrict.code, CustomsDistrict.name_zh, CustomsDistrict.name_en, CustomsDistrict.parent_code)
    if scope is not None:
        stmt = stmt.where(CustomsDistrict.code.in_(sorted(scope)))
    districts = [Option(*r) for r in s.execute(stmt.order_by(CustomsDistrict.code))]
    known = {d.code for d in districts}
    roots = [d for d in districts if d.parent not in known]
    children: dict[str, list[Option]] = {}
    for d in districts:
        if d.parent in known:
            children.setdefault(d.parent, []).append(d)

    def tree(items):
        for d in items:
            yield d
            yield from tree(children.get(d.code, []))

    types = [Option(*r) for r in s.execute(select(CertificateType.code, CertificateType.name_zh,
                                                  CertificateType.name_en)
                                           .order_by(CertificateType.sort, CertificateType.code))]
    countries = [Option(*r) for r in s.execute(select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
                                               .where(DictEntry.dictionary == "country", DictEntry.active.is_(True))
                                               .order_by(DictEntry.sort, DictEntry.code))]
    return FilterOptions(list(tree(roots)), types, countries)

