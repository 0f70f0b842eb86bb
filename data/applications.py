"""Lists and details of certificate applications (Liaoning 5.8.1 columns and filters), scoped to the actor."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from data.models import (
    AppStatus,
    ApplicationGoods,
    Container,
    CertificateApplication,
    CertificateType,
    CustomsDistrict,
    Declaration,
)
from data.paging import Window, clamp_paging
from data.scope import AccessDenied, Actor, scope_kind
from data.workflow import Receipt, allowed_actions, load_application, receipts

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


@dataclass(frozen=True)
class ApplicationRow:
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
    if not (actor.can("application.edit") or actor.can("application.review")):
        raise AccessDenied("application.edit")
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    kind, scope_value = scope_kind(actor)
    if kind == "none":
        return Window([], page, page_size, False)
    statuses = tuple(st for st in f.statuses if st in STATUS_VALUES)
    prefix = "".join(ch for ch in f.inspection_no.strip()[:15] if ch.isalnum())
    params = {"scope": scope_value, "statuses": list(statuses), "limit": page_size + 1, "offset": page * page_size,
              "prefix_lo": prefix, "prefix_hi": prefix + "\uffff", "inspection_from": f.inspection_from,
              "inspection_to": f.inspection_to,
              "applied_from": _day_start(f.applied_from) if f.applied_from else None,
              "applied_to": _day_start(f.applied_to + timedelta(days=1)) if f.applied_to else None}
    shape = (kind, bool(statuses), bool(prefix), f.inspection_from is not None, f.inspection_to is not None,
             f.applied_from is not None, f.applied_to is not None, f.oldest_first)
    rows = s.connection().execute(_page_statement(*shape), {k: v for k, v in params.items() if v is not None}).all()
    # no count of a million rows on every view: one row more tells whether a next page exists
    return Window([ApplicationRow(r[0], r[1], _both(r[2], r[3]), _both(r[4], r[5]), *r[6:]) for r in rows[:page_size]],
                  page, page_size, len(rows) > page_size)


STATUS_VALUES = frozenset(x.value for x in AppStatus)


@functools.cache
def _page_statement(kind: str, by_status: bool, by_prefix: bool, inspection_from: bool, inspection_to: bool,
                    applied_from: bool, applied_to: bool, oldest_first: bool):
    """Build, once per combination of filters, the page query with its values as parameters."""
    A, D = CertificateApplication, Declaration
    conditions = []
    if kind == "enterprise":
        conditions.append(A.enterprise_id == bindparam("scope"))
    elif kind == "districts":
        conditions.append(A.district_code.in_(bindparam("scope", expanding=True)))
    if by_status:
        conditions.append(A.status.in_(bindparam("statuses", expanding=True)))
    if by_prefix:  # a range, not LIKE: the unique index on inspection_no serves it on every backend
        conditions += [D.inspection_no >= bindparam("prefix_lo"), D.inspection_no < bindparam("prefix_hi")]
    if inspection_from:
        conditions.append(D.inspection_date >= bindparam("inspection_from"))
    if inspection_to:
        conditions.append(D.inspection_date <= bindparam("inspection_to"))
    applied = A.submitted_at if oldest_first else A.created_at
    if applied_from:
        conditions.append(applied >= bindparam("applied_from", type_=A.created_at.type))
    if applied_to:
        conditions.append(applied < bindparam("applied_to", type_=A.created_at.type))
    order = (A.submitted_at.asc(), A.id.asc()) if oldest_first else (A.created_at.desc(), A.id.desc())
    return (
        select(A.id, D.inspection_no, D.consignor_zh, D.consignor_en, D.consignee_zh, D.consignee_en,
               A.dest_country, D.inspection_date, A.district_code, CustomsDistrict.name_zh, CustomsDistrict.name_en,
               CertificateType.name_zh, CertificateType.name_en, A.created_at, A.submitted_at, A.reviewed_at,
               A.review_comment, A.status)
        .join(D, D.id == A.declaration_id)
        .join(CustomsDistrict, CustomsDistrict.code == A.district_code)
        .join(CertificateType, CertificateType.code == A.cert_type_code)
        .where(*conditions).order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))
    )


def _both(zh: str | None, other: str | None) -> str:
    """发货人(中/外): the Chinese and the foreign name, as the list shows them."""
    return " / ".join(x for x in (zh, other) if x)


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
    dest_country: str | None
    fields: dict
    goods: list[tuple[int, str, str, str | None, str]]  # seq, HS code, name zh, name en, quantity
    review_comment: str | None
    receipts: list[Receipt]
    actions: list[str]
    declaration: dict[str, str]  # the declaration's main facts, for the reviewing officer


def application_detail(s: Session, actor: Actor, application_id: int) -> ApplicationDetail:
    """Return an application with its goods, receipts and the steps the actor may take now."""
    if not (actor.can("application.edit") or actor.can("application.review")):
        raise AccessDenied("application.edit")
    app = load_application(s, actor, application_id)
    decl = s.get(Declaration, app.declaration_id)
    ctype = s.get(CertificateType, app.cert_type_code)
    goods = [(g.seq, g.hs_code, g.name_zh, g.name_en,
              " ".join(str(x) for x in (g.quantity, g.quantity_unit) if x is not None))
             for g in s.scalars(select(ApplicationGoods).where(ApplicationGoods.application_id == app.id)
                                .order_by(ApplicationGoods.seq))]
    return ApplicationDetail(
        app.id, app.version, app.status, app.certificate_no, ctype.name_zh, ctype.name_en, app.format_code,
        app.entry_method, app.needs_confirmation, app.district_code, decl.inspection_no,
        _both(decl.consignor_zh, decl.consignor_en), _both(decl.consignee_zh, decl.consignee_en), app.dest_country,
        dict(app.fields or {}), goods, app.review_comment, receipts(s, actor, app.id), allowed_actions(actor, app),
        _declaration_facts(s, decl),
    )


def _declaration_facts(s: Session, decl: Declaration) -> dict[str, str]:
    containers = s.scalars(select(Container.number).where(Container.declaration_id == decl.id).order_by(Container.seq))
    facts = {
        "inspection_date": decl.inspection_date.isoformat() if decl.inspection_date else "",
        "contract_no": decl.contract_no or "", "bl_no": decl.bl_no or "", "trade_mode": decl.trade_mode or "",
        "transport_mode": decl.transport_mode or "", "transport_means": decl.transport_means or "",
        "departure_port": decl.departure_port or "", "arrival_port": decl.arrival_port or "",
        "despatch_date": decl.despatch_date.isoformat() if decl.despatch_date else "",
        "containers": " ".join(containers), "marks": decl.marks or "",
    }
    return {k: v for k, v in facts.items() if v}
