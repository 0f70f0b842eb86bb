"""Lists and details of certificate applications (Liaoning 5.8.1 columns and filters), scoped to the actor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from sqlalchemy import bindparam, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.applications.consistency import WeightMismatch, weight_mismatch
from data.applications.workflow import Receipt, allowed_actions, load_application, receipts
from data.core.labels import both_names
from data.core.paging import Window, clamp_paging
from data.core.prepared import Statements, one_of, parameter_names, scope_condition, scope_parameters
from data.core.scope import AccessDenied, Actor
from data.models import (
    ApplicationGoods,
    AppStatus,
    CertificateApplication,
    CertificateFormat,
    CertificateType,
    Container,
    CustomsDistrict,
    Declaration,
    DictEntry,
)

MAX_PAGE_SIZE = 100
REVIEW_QUEUE = (AppStatus.SUBMITTED.value, AppStatus.UNDER_REVIEW.value, AppStatus.SUSPENDED.value,
                AppStatus.CONFIRMED.value, AppStatus.AWAITING_CONFIRMATION.value)


@dataclass(frozen=True)
class ApplicationFilter:
    inspection_no: str = ""
    statuses: tuple[str, ...] = ()
    inspection_from: date | None = None
    inspection_to: date | None = None
    applied_from: date | None = None
    applied_to: date | None = None
    oldest_first: bool = False  # the review queue works oldest first


class ApplicationRow(NamedTuple):  # a tuple: pages build 25-100 of them per view
    id: int
    inspection_no: str | None
    consignor: str
    consignee: str
    dest_country: str | None
    inspection_date: date | None
    district_code: str
    district_zh: str
    district_en: str
    cert_type_zh: str
    cert_type_en: str
    created_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_comment: str | None
    status: str


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def list_applications(s: Session, actor: Actor, f: ApplicationFilter, page: int = 0,
                      page_size: int = 25) -> Window[ApplicationRow]:
    """Return one page of the applications the actor may see, newest first (or oldest first for review)."""
    if not (actor.can(Perm.APPLICATION_EDIT) or actor.can(Perm.APPLICATION_REVIEW)):
        raise AccessDenied(Perm.APPLICATION_EDIT)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    scope, params = scope_parameters(actor)
    if scope[0] == "none":
        return Window([], page, page_size, False)
    statuses = sorted({st for st in f.statuses if st in STATUS_VALUES})
    prefix = f.inspection_no.strip()[:15]
    if not prefix.isalnum():
        prefix = "".join(ch for ch in prefix if ch.isalnum())
    # Without filters on the declaration, the page is read index-first: one ordered run of the index
    # (enterprise, status, created) or (district, status, submitted) per scope value and status, merged.
    # Statuses are the workflow's own: an unfiltered list is the merge of all of them.
    index_ordered = (scope[0], f.oldest_first) in (("enterprise", False), ("districts", True))
    merged = (index_ordered and not prefix and f.inspection_from is None and f.inspection_to is None
              and max(1, scope[1]) * len(statuses or STATUS_ORDER) <= MAX_MERGED_RUNS)
    if merged and not statuses:
        statuses = list(STATUS_ORDER)
    params.update(offset=page * page_size, window=(page + 1) * page_size + 1)
    params.update(zip(parameter_names("status", len(statuses)), statuses))
    if prefix:
        params["prefix_lo"], params["prefix_hi"] = prefix, prefix + "\uffff"
    if f.inspection_from:
        params["inspection_from"] = f.inspection_from
    if f.inspection_to:
        params["inspection_to"] = f.inspection_to
    if f.applied_from:
        params["applied_from"] = _day_start(f.applied_from)
    if f.applied_to:
        params["applied_to"] = _day_start(f.applied_to + timedelta(days=1))
    shape = (*scope, len(statuses), bool(prefix), f.inspection_from is not None, f.inspection_to is not None,
             f.applied_from is not None, f.applied_to is not None, f.oldest_first, page_size + 1, merged)
    rows = _PAGES.rows(s, shape, params)
    # no count of a million rows on every view: one row more tells whether a next page exists
    return Window([ApplicationRow(r[0], r[1], _both(r[2], r[3]), _both(r[4], r[5]), *r[6:]) for r in rows[:page_size]],
                  page, page_size, len(rows) > page_size)


STATUS_VALUES = frozenset(x.value for x in AppStatus)
STATUS_ORDER = tuple(sorted(STATUS_VALUES))
MAX_MERGED_RUNS = 64  # index runs merged for one page; beyond, one scan of the scope sorts instead


def _page_statement(kind: str, scopes: int, statuses: int, by_prefix: bool, inspection_from: bool,
                    inspection_to: bool, applied_from: bool, applied_to: bool, oldest_first: bool, limit: int,
                    merged: bool):
    """Write the page query of one combination of filters, every value a parameter (prepared once)."""
    A, D = CertificateApplication, Declaration
    applied = A.submitted_at if oldest_first else A.created_at

    def ordered(column):
        return column.asc() if oldest_first else column.desc()

    def value(name: str, column):
        return bindparam(name, type_=column.type)

    conditions = []
    if by_prefix:  # a range, not LIKE: the unique index on inspection_no serves it on every backend
        conditions += [D.inspection_no >= value("prefix_lo", D.inspection_no),
                       D.inspection_no < value("prefix_hi", D.inspection_no)]
    if inspection_from:
        conditions.append(D.inspection_date >= value("inspection_from", D.inspection_date))
    if inspection_to:
        conditions.append(D.inspection_date <= value("inspection_to", D.inspection_date))
    if applied_from:
        conditions.append(applied >= value("applied_from", A.created_at))
    if applied_to:
        conditions.append(applied < value("applied_to", A.created_at))
    shown = (A.id, D.inspection_no, D.consignor_zh, D.consignor_en, D.consignee_zh, D.consignee_en, A.dest_country,
             D.inspection_date, A.district_code, CustomsDistrict.name_zh, CustomsDistrict.name_en,
             CertificateType.name_zh, CertificateType.name_en, A.created_at, A.submitted_at, A.reviewed_at,
             A.review_comment, A.status)
    if not merged:
        if statuses:
            conditions.append(one_of(A.status, "status", statuses))
        return (select(*shown).join(D, D.id == A.declaration_id)
                .join(CustomsDistrict, CustomsDistrict.code == A.district_code)
                .join(CertificateType, CertificateType.code == A.cert_type_code)
                .where(scope_condition(A, kind, scopes), *conditions).order_by(ordered(applied), ordered(A.id))
                .limit(literal_column(str(int(limit)))).offset(value("offset", A.id)))
    lead, leads = ((A.enterprise_id, [value("scope", A.enterprise_id)]) if kind == "enterprise" else
                   (A.district_code, [value(n, A.district_code) for n in parameter_names("scope", scopes)]))
    runs = []
    for scope_value in leads:
        for status in parameter_names("status", statuses):
            run = (select(A.id.label("id"), applied.label("at"))  # the whole scope rule too, not only its lead
                   .where(lead == scope_value, A.status == value(status, A.status), scope_condition(A, kind, scopes),
                          *conditions)
                   .order_by(ordered(applied), ordered(A.id)).limit(value("window", A.id)).subquery())
            runs.append(select(run.c.id, run.c.at))
    candidates = (union_all(*runs) if len(runs) > 1 else runs[0]).subquery("candidates")
    page = (select(candidates.c.id, candidates.c.at).order_by(ordered(candidates.c.at), ordered(candidates.c.id))
            .limit(literal_column(str(int(limit)))).offset(value("offset", A.id)).subquery("page"))
    return (select(*shown).select_from(page).join(A, A.id == page.c.id).join(D, D.id == A.declaration_id)
            .join(CustomsDistrict, CustomsDistrict.code == A.district_code)
            .join(CertificateType, CertificateType.code == A.cert_type_code)
            .order_by(ordered(page.c.at), ordered(page.c.id)))


_PAGES = Statements(_page_statement)


def _both(zh: str | None, other: str | None) -> str:
    """发货人(中/外): the Chinese and the foreign name, as the list shows them."""
    return both_names(zh, other)


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    version: int
    status: str
    certificate_no: str | None
    cert_type_zh: str
    cert_type_en: str
    format_code: str
    entry_method: str
    needs_confirmation: bool
    district_code: str
    inspection_no: str | None
    consignor: str
    consignee: str
    dest_country: Named | str | None
    fields: dict
    goods: list[GoodsShown]
    review_comment: str | None
    receipts: list[Receipt]
    actions: list[str]
    declaration: dict[str, Fact]  # the declaration's main facts, for the reviewing officer
    field_specs: tuple[dict, ...] = ()  # the format's fields (key, label_zh, label_en, kind), in order
    weight_mismatch: WeightMismatch | None = None  # the goods weigh other than the declaration says


class Named(NamedTuple):
    """A coded value with its dictionary names, shown as '<code> <name>'."""

    code: str
    name_zh: str
    name_en: str


Fact = str | Named


class GoodsShown(NamedTuple):
    seq: int
    hs_code: str
    name_zh: str
    name_en: str | None
    quantity: str  # the number as typed, without trailing zeros
    unit: Named | None
    weight: str
    weight_unit: Named | None


def application_detail(s: Session, actor: Actor, application_id: int) -> ApplicationDetail:
    """Return an application with its goods, receipts and the steps the actor may take now."""
    if not (actor.can(Perm.APPLICATION_EDIT) or actor.can(Perm.APPLICATION_REVIEW)):
        raise AccessDenied(Perm.APPLICATION_EDIT)
    app = load_application(s, actor, application_id)
    decl = s.get_one(Declaration, app.declaration_id)
    ctype = s.get_one(CertificateType, app.cert_type_code)
    fmt = s.get_one(CertificateFormat, app.format_code)
    lines = list(s.scalars(select(ApplicationGoods).where(ApplicationGoods.application_id == app.id)
                           .order_by(ApplicationGoods.seq)))
    names = _names(s, {"unit": {c for g in lines for c in (g.quantity_unit, g.weight_unit) if c},
                       "trade_mode": {c for c in (decl.trade_mode,) if c},
                       "transport_mode": {c for c in (decl.transport_mode,) if c},
                       "country": {c for c in (app.dest_country,) if c}})
    units = names["unit"]
    goods = [GoodsShown(g.seq, g.hs_code, g.name_zh, g.name_en, _number(g.quantity), units.get(g.quantity_unit or ""),
                        _number(g.weight), units.get(g.weight_unit or "")) for g in lines]
    return ApplicationDetail(
        app.id, app.version, app.status, app.certificate_no, ctype.name_zh, ctype.name_en, app.format_code,
        app.entry_method, app.needs_confirmation, app.district_code, decl.inspection_no,
        _both(decl.consignor_zh, decl.consignor_en), _both(decl.consignee_zh, decl.consignee_en),
        names["country"].get(app.dest_country or "") or app.dest_country,
        dict(app.fields or {}), goods, app.review_comment, receipts(s, actor, app.id), allowed_actions(actor, app),
        _declaration_facts(s, decl, names), tuple(dict(f) for f in (fmt.fields or ()) if isinstance(f, dict)),
        weight_mismatch(s, app),
    )


def _number(value) -> str:
    return "" if value is None else f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def _names(s: Session, wanted: dict[str, set[str]]) -> dict[str, dict[str, Named]]:
    """Look up the names of the coded values shown, in one query."""
    found: dict[str, dict[str, Named]] = {name: {} for name in wanted}
    conditions = [(DictEntry.dictionary == name) & DictEntry.code.in_(sorted(codes))
                  for name, codes in wanted.items() if codes]
    if conditions:
        for dictionary, code, zh, en in s.execute(
                select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
                .where(or_(*conditions))):
            found[dictionary][code] = Named(code, zh, en)
    return found


def _declaration_facts(s: Session, decl: Declaration, names: dict[str, dict[str, Named]]) -> dict[str, Fact]:
    containers = s.scalars(select(Container.number).where(Container.declaration_id == decl.id).order_by(Container.seq))

    def coded(dictionary: str, code: str | None) -> Fact:
        return names[dictionary].get(code) or code or "" if code else ""

    facts = {
        "inspection_date": decl.inspection_date.isoformat() if decl.inspection_date else "",
        "contract_no": decl.contract_no or "", "bl_no": decl.bl_no or "",
        "trade_mode": coded("trade_mode", decl.trade_mode), "transport_mode": coded("transport_mode", decl.transport_mode),
        "transport_means": decl.transport_means or "",
        "departure_port": decl.departure_port or "", "arrival_port": decl.arrival_port or "",
        "despatch_date": decl.despatch_date.isoformat() if decl.despatch_date else "",
        "containers": " ".join(containers), "marks": decl.marks or "",
    }
    return {k: v for k, v in facts.items() if v}
