"""The certificate query's terms: filters read from a form or a URL, the rows a page holds, the sort keys."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Annotated, Any, NamedTuple

from pydantic import BeforeValidator, ConfigDict
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.forms import Form, Invalid, Upper, limit, matching, one_of, problem, validated
from data.core.scope import Actor
from data.models import (
    AppStatus,
    Certificate,
    CertificateApplication,
    CertificateType,
    CertStatus,
    CustomsDistrict,
    Declaration,
    DictEntry,
    EntryMethod,
    SigningMethod,
)

PERMISSION = Perm.STATS_VIEW
MAX_PAGE_SIZE = 100
MAX_ROWS = 10_000  # the deepest row reachable by paging; the count is capped there too
COUNT_CAP = MAX_ROWS
MAX_RUNS = 128  # ordered index runs merged for one page; beyond, one scan of the filtered rows is sorted
MAX_REVIEWERS = 50  # officers a reviewer text may name
FEW_DISTRICTS = 16  # up to this many districts in scope, each gets its run without asking whether it has rows
SELECTIVE_PREFIX = 10  # an inspection or certificate no. this long finds few rows: they are sorted, not run
SELECTIVE_ROWS = 2_000  # filters that keep at most this many rows: they are sorted, not run
QUERY_SECONDS = 5.0  # a page or a capped count not read by then is stopped (data.core.budget): no use to anyone
EXACT_COUNT_SECONDS = 30.0  # an exact count, asked for, may read every row
DEEP_SECONDS = 60.0  # a deep page read by offset (its cursor kept by another worker): 1-33 s at page 400 of 10 million

ISSUED, DRAFT = AppStatus.ISSUED.value, AppStatus.DRAFT.value
REVIEW_STATUSES = tuple(s.value for s in AppStatus if s.value != DRAFT)
PENDING_STATUSES = tuple(sorted(s for s in REVIEW_STATUSES if s != ISSUED))  # rows of not-issued applications
ENTRY_METHODS = tuple(m.value for m in EntryMethod)
SIGNING_METHODS = tuple(m.value for m in SigningMethod)
CERT_STATUSES = tuple(c.value for c in CertStatus)


class QueryInvalid(Invalid):
    """The filters cannot be used: filter key -> reason code (bad_date, date_order, unknown, format, too_long)."""


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
    currency: str = ""  # of the goods' declared value (ISO 4217): certificates only
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
        return bool(self.district or self.signing_method or self.cert_status or self.currency or self.issued_from
                    or self.issued_to or self.received_from or self.received_to)


# --- reading filters from a URL or a form ------------------------------------------------------

# URL parameter -> field; the drill-down of the issuance statistics links with the first ten
URL_PARAMETERS = {
    "district": "district", "issue_from": "issued_from", "issue_to": "issued_to",
    "received_from": "received_from", "received_to": "received_to", "type": "cert_type", "dest": "dest_country",
    "entry_method": "entry_method", "signing_method": "signing_method", "status": "cert_status",
    "inspection_no": "inspection_no", "declared_district": "declared_district", "certificate_no": "certificate_no",
    "review_status": "review_statuses", "production_unit": "production_unit", "reviewer": "reviewer",
    "declared_from": "declared_from", "declared_to": "declared_to", "reviewed_from": "reviewed_from",
    "reviewed_to": "reviewed_to", "currency": "currency",
}
DATE_RANGES = {"declared": ("declared_from", "declared_to"), "reviewed": ("reviewed_from", "reviewed_to"),
               "issued": ("issued_from", "issued_to"), "received": ("received_from", "received_to")}
TEXT_LIMITS = {"inspection_no": 15, "certificate_no": 32, "production_unit": 128, "reviewer": 64}  # others: 32
_NUMBER = re.compile(r"[0-9A-Za-z]*\Z")
_DISTRICT = re.compile(r"[0-9]{4}\Z")
_TYPE = re.compile(r"[0-9A-Za-z]{1,4}\Z")
_COUNTRY = re.compile(r"[A-Za-z]{2}\Z")
_CURRENCY = re.compile(r"[A-Za-z]{3}\Z")


def _filter_text(value: Any) -> str:
    """A text filter: empty when not given; a value that is not text is refused ("format")."""
    if value is None or value == [] or value == "":
        return ""
    if not isinstance(value, str):
        raise problem("format")
    return value.strip()


def _filter_day(value: Any) -> date | None:
    """A date filter, ISO (a time after it is ignored)."""
    text = _filter_text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise problem("bad_date") from None


def _review_statuses(value: Any) -> tuple[str, ...]:
    if value is None or value == "" or value == []:
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    statuses = {str(x).strip() for x in items if str(x).strip()}
    if statuses - set(REVIEW_STATUSES):
        raise problem("unknown")
    return tuple(sorted(statuses))


Filter = Annotated[str, BeforeValidator(_filter_text)]
Day = Annotated[date | None, BeforeValidator(_filter_day)]
Short = limit(32)


class QueryFilters(Form):
    """The certificate query's filters as a form or a URL gives them (empty: any); `CertificateQuery` holds
    them once read. A code that exists nowhere is refused against the store by `check_codes`."""

    model_config = ConfigDict(extra="ignore")

    inspection_no: Annotated[Filter, limit(TEXT_LIMITS["inspection_no"]), matching(_NUMBER, "format")] = ""
    district: Annotated[Filter, Short, matching(_DISTRICT, "format")] = ""
    declared_district: Annotated[Filter, Short, matching(_DISTRICT, "format")] = ""
    certificate_no: Annotated[Filter, limit(TEXT_LIMITS["certificate_no"]), matching(_NUMBER, "format")] = ""
    cert_type: Annotated[Filter, Short, matching(_TYPE, "format")] = ""
    review_statuses: Annotated[tuple[str, ...], BeforeValidator(_review_statuses)] = ()
    production_unit: Annotated[Filter, limit(TEXT_LIMITS["production_unit"])] = ""
    dest_country: Annotated[Filter, Upper, Short, matching(_COUNTRY, "format")] = ""
    reviewer: Annotated[Filter, limit(TEXT_LIMITS["reviewer"])] = ""
    entry_method: Annotated[Filter, Short, one_of(ENTRY_METHODS, "unknown")] = ""
    signing_method: Annotated[Filter, Short, one_of(SIGNING_METHODS, "unknown")] = ""
    cert_status: Annotated[Filter, Short, one_of(CERT_STATUSES, "unknown")] = ""
    currency: Annotated[Filter, Upper, Short, matching(_CURRENCY, "format")] = ""
    declared_from: Day = None
    declared_to: Day = None
    reviewed_from: Day = None
    reviewed_to: Day = None
    issued_from: Day = None
    issued_to: Day = None
    received_from: Day = None
    received_to: Day = None

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        """A range whose start is after its end: its end is named (both are kept for the panel to show)."""
        problems: dict[str, str] = {}
        for start, end in DATE_RANGES.values():
            if start in found or end in found:
                continue
            low, high = _filter_day(values.get(start)), _filter_day(values.get(end))
            if low is not None and high is not None and low > high:
                problems[end] = "date_order"
        return problems


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
    form, errors = validated(QueryFilters, values)
    if form is None:  # read again without the filters that cannot be used
        usable = {k: v for k, v in values.items() if errors.get(k, "date_order") == "date_order"}
        form = QueryFilters.model_validate(usable)
    return CertificateQuery(**form.model_dump()), errors


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
    if q.currency and s.get(DictEntry, ("currency", q.currency)) is None:
        errors["currency"] = "unknown"
    if errors:
        raise QueryInvalid(errors)


# --- rows ---------------------------------------------------------------------------------------


class Cursor(NamedTuple):
    """A row's place in a sorted list: whether it lacks the sorted value, the value, its ids."""

    empty: int
    value: Any
    application_id: int
    certificate_id: int  # 0: an application not issued


MAX_ID = 2**31 - 1  # the ids are INTEGER: a larger one bound to them is an error, not "no row"


def cursor_data(cursor: Cursor) -> list:
    """A cursor as JSON can hold it (the browser keeps it for the grid's next block): dates as ISO text."""
    value = cursor.value.isoformat() if isinstance(cursor.value, (date, datetime)) else cursor.value
    return [cursor.empty, value, cursor.application_id, cursor.certificate_id]


def read_cursor(data: Any, sort: str) -> Cursor | None:
    """A cursor kept by the browser (`cursor_data`), read for `sort`; None when it is not one. It is only a place
    in the sorted rows: the page read after it is still the actor's, filtered as asked."""
    if not isinstance(data, list) or len(data) != 4 or sort not in SORTS:
        return None
    empty, value, application_id, certificate_id = data
    if empty not in (0, 1) or not all(type(i) is int and 0 <= i <= MAX_ID for i in (application_id, certificate_id)):
        return None
    if empty or value is None:
        return Cursor(1, None, application_id, certificate_id) if empty and value is None else None
    if not isinstance(value, str) or len(value) > 200:
        return None
    kind = SORTS[sort].type.python_type
    try:
        parsed: Any = (datetime.fromisoformat(value) if kind is datetime
                       else date.fromisoformat(value) if kind is date else value)
    except ValueError:
        return None
    return Cursor(0, parsed, application_id, certificate_id)


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
    sort_value: Any = None  # the sorted column's value as the page was ordered by it (keyset paging's cursor)
    sort_empty: int = 0  # 1: the row has no value of the sorted column (such rows come last)

    @property
    def cursor(self) -> Cursor:
        """Where the page after this row starts (certificate_page's `after`)."""
        return Cursor(int(self.sort_empty), self.sort_value, self.application_id, self.certificate_id or 0)

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

    certificate: Any  # column of a certificate row
    application: Any  # column of an application row (None: empty there)
    certificate_first: bool = False  # ties broken by certificate id first (the issue-date index's own order)
    certificate_lead: str = ""  # "issuing" | "declared" | "declaration": runs per district of that column
    application_lead: bool = False  # runs per declared district and status (the declaration's: per district)
    drive: str = "certificate"  # the table certificate rows are read from: certificate, application, declaration

    @property
    def type(self):
        return self.certificate.type


def nullable(column) -> bool:
    return bool(column.expression.nullable)


SORTS: dict[str, SortKey] = {
    "issue_date": SortKey(C.issue_date, None, certificate_first=True, certificate_lead="issuing"),
    "received_date": SortKey(C.received_date, None, certificate_first=True, certificate_lead="issuing"),
    # numbers begin with their district's code: read per district (its index), not the whole number index
    "certificate_no": SortKey(C.certificate_no, A.certificate_no, certificate_lead="issuing", application_lead=True),
    "inspection_no": SortKey(D.inspection_no, D.inspection_no, drive="declaration", certificate_lead="declaration",
                             application_lead=True),
    "submitted_at": SortKey(A.submitted_at, A.submitted_at, certificate_lead="declared", application_lead=True,
                            drive="application"),
    "reviewed_at": SortKey(A.reviewed_at, A.reviewed_at, certificate_lead="declared", application_lead=True,
                           drive="application"),
    # the columns the grid shows (the application's), read per declared district and status in index order
    "district": SortKey(A.district_code, A.district_code, certificate_lead="declared", application_lead=True,
                        drive="application"),
    "cert_type": SortKey(A.cert_type_code, A.cert_type_code, certificate_lead="declared", application_lead=True,
                         drive="application"),
    "production_unit": SortKey(A.production_unit, A.production_unit, certificate_lead="declared",
                               application_lead=True, drive="application"),
    "dest_country": SortKey(A.dest_country, A.dest_country, certificate_lead="declared", application_lead=True,
                            drive="application"),
}
DEFAULT_SORT = "issue_date"
