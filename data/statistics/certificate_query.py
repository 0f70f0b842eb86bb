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
Filters that keep few rows (at most SELECTIVE_ROWS, bounded by counting each kind of row on its own
table, where the filter's index finds them: a rare destination) have them sorted instead: each run
would read its district to the end looking for them.
Statements are compiled once per shape of the query (data/core/prepared.py).

PostgreSQL keeps equal keys of an index in no particular order, so a run by issue date would read its
district's whole last day to break ties by id; the index certificate (district_code, issue_date, id)
(ix_cert_district_issue_id, migration 0020) lets it stop after the page (SQLite's indexes end in the rowid).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from data.core.budget import time_budget
from data.core.db import serial_plans
from data.core.like import contains_pattern
from data.core.paging import Window, clamp_paging
from data.core.prepared import Statements, parameter_names
from data.core.scope import AccessDenied, Actor
from data.models import (
    Certificate,
    CertificateApplication,
    CertificateType,
    CustomsDistrict,
    Declaration,
    User,
)
from data.reference.lookup import active_entries
from data.statistics.certificate_filters import (
    COUNT_CAP,
    DEEP_SECONDS,
    DEFAULT_SORT,
    EXACT_COUNT_SECONDS,
    FEW_DISTRICTS,
    ISSUED,
    MAX_PAGE_SIZE,
    MAX_REVIEWERS,
    MAX_ROWS,
    MAX_RUNS,
    PENDING_STATUSES,
    PERMISSION,
    QUERY_SECONDS,
    SELECTIVE_PREFIX,
    SELECTIVE_ROWS,
    SORTS,
    A,
    C,
    CertificateQuery,
    Count,
    Cursor,
    D,
    QueryRow,
    nullable,
)
from data.statistics.certificate_sql import (
    PAGES,
    Shape,
    bounding_rows,
    certificate_rows,
    china_day_start,
    filtered,
    page_plan,
    pending_rows,
    runs_per_district,
)


@dataclass(frozen=True)
class PagePlan:
    shape: Shape
    values: dict


def certificate_page(s: Session, actor: Actor, q: CertificateQuery, sort: str = DEFAULT_SORT,
                     descending: bool = True, page: int = 0, page_size: int = 25,
                     after: Cursor | None = None) -> Window[QueryRow]:
    """Return one page of the certificates and pending applications the actor may see, sorted.

    Ties are broken by the row's own ids, so pages neither repeat nor skip rows. Pages end at MAX_ROWS.
    A page not read within QUERY_SECONDS (a filter and a sort no index serves together) raises TooSlow; one read
    by offset (page > 0 without `after`) within DEEP_SECONDS: it reads every row before it, as many as MAX_ROWS.
    With `after` (the cursor of the last row of page - 1, `QueryRow.cursor`) the page is read by keyset: each
    index run starts after that row instead of reading and skipping the rows of the pages before, so a deep
    page costs what the first one does.
    """
    actor.require(PERMISSION)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    page = min(page, max(0, MAX_ROWS // page_size - 1))
    sort = sort if sort in SORTS else DEFAULT_SORT
    by_offset = page > 0 and after is None  # a block whose cursor this process does not hold: all rows before it
    with time_budget(s, DEEP_SECONDS if by_offset else QUERY_SECONDS):
        return _page(s, actor, q, sort, bool(descending), page, page_size, after)


def _page(s: Session, actor: Actor, q: CertificateQuery, sort: str, descending: bool, page: int, page_size: int,
          after: Cursor | None) -> Window[QueryRow]:
    plan = plan_page(s, actor, q, sort, descending, page_size)
    if plan is None:
        return Window([], page, page_size, False)
    shape, limit, offset = plan.shape, page_size + 1, page * page_size
    with_value, without = _parts(shape)
    if after is not None and page > 0:
        return _page_after(s, plan, after, page, page_size, with_value, without)
    rows: list = []
    if with_value:  # the rows that have the sorted column's value come first, in both directions
        rows = _read(s, replace(shape, part="values"), {**plan.values, "offset": offset, "window": offset + limit})
    if len(rows) < limit and without:  # the page reaches the rows without it: read those only now
        before = 0 if rows or not offset or not with_value else _count_values(s, shape, plan.values, offset)
        start = offset - before if not rows else 0
        rows += _read(s, replace(shape, part="empty"),
                      {**plan.values, "offset": start, "window": start + limit})[:limit - len(rows)]
    has_more = len(rows) > page_size and (page + 1) * page_size < MAX_ROWS
    return Window([QueryRow(*r) for r in rows[:page_size]], page, page_size, has_more)


def _read(s: Session, shape: Shape, values: dict) -> list:
    """The rows of one part of a page, planned as `page_plan` says."""
    return PAGES.rows(s, (shape,), values, plan=page_plan(shape))


def _page_after(s: Session, plan: PagePlan, after: Cursor, page: int, page_size: int, with_value: bool,
                without: bool) -> Window[QueryRow]:
    """A page read by keyset: the rows after `after`, first those with the sorted value, then those without."""
    limit = page_size + 1
    ids = {"after_app": after.application_id, "after_cert": after.certificate_id}
    rows: list = []
    if with_value and not after.empty:
        shape = replace(plan.shape, part="values", after="values")
        rows = _read(s, shape, {**plan.values, **ids, "after_v": after.value, "offset": 0, "window": limit})
    if len(rows) < limit and without:
        shape = replace(plan.shape, part="empty", after="empty" if after.empty else "")
        rows += _read(s, shape, {**plan.values, **ids, "offset": 0, "window": limit})[:limit - len(rows)]
    has_more = len(rows) > page_size and (page + 1) * page_size < MAX_ROWS
    return Window([QueryRow(*r) for r in rows[:page_size]], page, page_size, has_more)


def _parts(shape: Shape) -> tuple[bool, bool]:
    """Whether some rows can have the sorted column's value, and whether some can be without it."""
    key = SORTS[shape.sort]
    with_value = shape.certificates or (shape.pending > 0 and key.application is not None)
    without = ((shape.certificates and nullable(key.certificate))
               or (shape.pending > 0 and (key.application is None or nullable(key.application))))
    return with_value, without


def _count_values(s: Session, shape: Shape, values: dict, cap: int) -> int:
    """How many rows have the sorted column's value, counted up to `cap` (where a page starts)."""
    key = SORTS[shape.sort]
    branches = [b for b in (certificate_rows(shape, counting=True, column=key.certificate),
                            pending_rows(shape, counting=True, column=key.application)) if b is not None]
    return min(cap, sum(_counted(s, branch, values, cap - 1) for branch in branches))


def count_rows(s: Session, actor: Actor, q: CertificateQuery, cap: int | None = COUNT_CAP) -> Count:
    """Count the rows of a query: up to `cap` (a lower bound beyond it), or exactly with cap=None.

    Raises TooSlow past QUERY_SECONDS (an exact count: EXACT_COUNT_SECONDS).
    """
    actor.require(PERMISSION)
    with time_budget(s, QUERY_SECONDS if cap is not None else EXACT_COUNT_SECONDS):
        plan = plan_page(s, actor, q, DEFAULT_SORT, True, 1, runs=False)
        if plan is None:
            return Count(0, True)
        branches = [b for b in (certificate_rows(plan.shape, counting=True), pending_rows(plan.shape, counting=True))
                    if b is not None]  # every row: with the sorted column's value or without
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


def plan_page(s: Session, actor: Actor, q: CertificateQuery, sort: str, descending: bool, page_size: int,
              runs: bool = True) -> PagePlan | None:
    """Resolve scope, districts and reviewers to values; None when nothing can match.

    `runs`: read the rows in ordered index runs where that pays (a page); False: one scan (a count).
    """
    if actor.is_admin:
        scope: list[str] | None = None
    elif actor.is_customs and actor.district_codes:
        scope = sorted(actor.district_codes)
    else:
        raise AccessDenied(PERMISSION)
    serial_plans(s)
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
    for name in ("cert_type", "dest_country", "entry_method", "signing_method", "cert_status", "currency"):
        if getattr(q, name):
            values[name] = getattr(q, name)
    if q.production_unit:
        values["production_unit"] = contains_pattern(q.production_unit)
    dates = []
    for name in ("declared_from", "declared_to", "reviewed_from", "reviewed_to",
                 "issued_from", "issued_to", "received_from", "received_to"):
        day = getattr(q, name)
        if day is None:
            continue
        dates.append(name)
        if name.startswith(("declared", "reviewed")):  # moments: from the day's start to the next day's, in China
            values[name] = china_day_start(day + timedelta(days=1) if name.endswith("_to") else day)
        else:
            values[name] = day
    shape = Shape(
        scoped=len(scope or ()), certificates=certificates, pending=len(pending),
        inspection_no=bool(q.inspection_no), certificate_no=bool(q.certificate_no), issuing=len(issuing or ()),
        declared=len(declared or ()), cert_type=bool(q.cert_type), dest_country=bool(q.dest_country),
        production_unit=bool(q.production_unit), reviewers=len(reviewers), entry_method=bool(q.entry_method),
        signing_method=bool(q.signing_method), cert_status=bool(q.cert_status), currency=bool(q.currency),
        dates=tuple(dates), sort=sort,
        descending=descending, certificate_runs=0, pending_runs=0, limit=page_size + 1)
    if scope is None and filtered(shape):
        # an administrator's filtered rows are read district by district as well: every row has a district (a
        # foreign key), and the indexes that find a filter's few rows start with it (PostgreSQL 15 does not skip
        # through an index's first column: a rare destination's waiting applications read the whole index)
        scope = sorted(tree or _district_tree(s))
        values.update(zip(parameter_names("scope", len(scope)), scope))
        shape = replace(shape, scoped=len(scope))
    if not runs:
        return PagePlan(shape, values)
    # the ordered index runs: one per district (and status) when that many runs stay cheap to merge
    key = SORTS[sort]
    certificate_leads: list[str] = []
    pending_leads: list[str] = []
    if len(q.inspection_no) >= SELECTIVE_PREFIX or len(q.certificate_no) >= SELECTIVE_PREFIX:
        key = replace(key, certificate_lead="", application_lead=False)  # few rows: sorting them beats runs
    by_declaration = key.certificate_lead == "declaration"
    if certificates and key.certificate_lead:
        lead_table = C if key.certificate_lead == "issuing" else D if by_declaration else A
        districts = (issuing if key.certificate_lead == "issuing" else declared) or scope
        if key.certificate_lead == "issuing" and declared:
            # a certificate is issued in its application's district (data.certificates.issuing): a run of another
            # district finds nothing and read that district to its end looking (seconds at ten million)
            districts = sorted(set(districts or declared) & set(declared))
        leads = _with_rows(s, lead_table, districts)
        if len(leads) <= MAX_RUNS:
            certificate_leads = leads
    if pending and key.application_lead:
        leads = _with_rows(s, D if by_declaration else A, declared or scope)
        if len(leads) * runs_per_district(len(pending), key) <= MAX_RUNS:
            pending_leads = leads
    if (certificate_leads or pending_leads) and filtered(shape) and _few(s, shape, values):
        return PagePlan(shape, values)  # few rows: sorting them beats runs that read past the others'
    values.update(zip(parameter_names("crun", len(certificate_leads)), certificate_leads))
    values.update(zip(parameter_names("prun", len(pending_leads)), pending_leads))
    return PagePlan(replace(shape, certificate_runs=len(certificate_leads), pending_runs=len(pending_leads)), values)


def _few(s: Session, shape: Shape, values: dict) -> bool:
    """Whether the filters keep at most SELECTIVE_ROWS rows, by counting single-table bounds up to there.

    A run reads its district's index in order and checks the filters row by row until it has a page: for a
    filter that keeps one row in ten thousand (a rare destination) each run read its district to the end,
    seconds at ten million certificates. Those few rows, found by the filter's own index and sorted, take
    milliseconds.
    """
    left = SELECTIVE_ROWS
    for bounds in bounding_rows(shape):
        found = left + 1
        for rows in bounds:  # the smallest bound counts; once one is within what is left, the others need not
            found = min(found, _counted(s, rows, values, left))
            if found <= left:
                break
        left -= found
        if left < 0:
            return False
    return True


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
    tables: dict[str, type[Certificate] | type[CertificateApplication] | type[Declaration]] = {
        C.__tablename__: C, A.__tablename__: A, D.__tablename__: D}
    column = tables[table_name].district_code
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
    pattern = contains_pattern(text)
    return list(s.scalars(select(User.id).where(or_(func.lower(User.account) == text.lower(),
                                                    User.real_name.like(pattern, escape="\\")))
                          .order_by(User.id).limit(MAX_REVIEWERS)))


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
    currencies: list[Option]


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
    countries, currencies = ([Option(*r) for r in active_entries(s, name)] for name in ("country", "currency"))
    return FilterOptions(list(tree(roots)), types, countries, currencies)
