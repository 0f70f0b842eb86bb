"""The certificate query's SQL: the shape of a page (the key of its prepared statement) and the statement it compiles to."""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Join
from sqlalchemy.sql.visitors import InternalTraversal

from dashboard.core.clock import CHINA
from data.core.prepared import Plan, Statements, one_of, parameter_names
from data.models import (
    CertificateFormat,
    CertificateType,
    CustomsDistrict,
    DictEntry,
    User,
)
from data.models.applications import UNDER_REVIEW_EXCLUDED
from data.statistics.certificate_filters import ISSUED, PENDING_STATUSES, SORTS, A, C, D, nullable


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
    currency: bool
    dates: tuple[str, ...]  # names of the date bounds given
    sort: str
    descending: bool
    certificate_runs: int  # ordered index runs for the certificates (0: one sorted scan)
    pending_runs: int  # districts with one run per pending status (0: one sorted scan)
    limit: int
    part: str = "values"  # the rows with the sorted column's value, or those without ("empty")
    after: str = ""  # keyset paging: the page starts after a row with the value ("values") or without ("empty")


def china_day_start(day: date) -> datetime:
    """The moment a China day starts, in UTC (SQLite compares the stored UTC wall-clock text)."""
    return datetime.combine(day, time.min, tzinfo=CHINA).astimezone(timezone.utc)




# --- writing the statement ----------------------------------------------------------------------


def _value(name: str, column):
    return bindparam(name, type_=column.type)


class _Unindexed(ColumnElement):
    """A column SQLite must not pick an index by (`+column`); other databases see the column itself.

    SQLite's planner, without value statistics, takes (district, status) for selective and starts
    there, then sorts: for rows read in another index's order (waiting applications by id, when the
    sort's column is empty for them), the scope and status terms are marked so that it reads that
    index in order and stops after the page.
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


def _joined(left, right, on, in_order: bool) -> Join:
    """A join SQLite runs in the order written where the rows are read in runs of the left side's index in order;
    else one it plans freely (a few rows found by a filter's index: reading declarations in order found them last)."""
    return (_InOrder if in_order else Join)(left, right, on)


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


def _copied(shape: Shape, table, destination_indexed: bool = True) -> list:
    """Conditions on what a certificate copies from its application (type, destination, entry method).

    `destination_indexed` False: SQLite must not pick an index by the destination (`_Unindexed`).
    """
    out = []
    for name in ("cert_type", "dest_country", "entry_method"):
        if getattr(shape, name):
            column = getattr(table, "cert_type_code" if name == "cert_type" else name)
            term = _Unindexed(column) if name == "dest_country" and not destination_indexed else column
            out.append(term == _value(name, column))
    if shape.certificate_no:
        out += [table.certificate_no >= _value("number_lo", table.certificate_no),
                table.certificate_no < _value("number_hi", table.certificate_no)]
    return out


def _certificate_side(shape: Shape, led: bool = False, destination_indexed: bool = True) -> list:
    """Conditions on the certificate; `led`: as for `_application_side`, the issuing district's run."""
    out = _copied(shape, C, destination_indexed)
    if shape.scoped and not led:
        out.append(_in(C.district_code, "scope", shape.scoped))
    if shape.issuing and not led:
        out.append(_in(C.district_code, "issuing", shape.issuing))
    if shape.signing_method:
        out.append(C.signing_method == _value("signing_method", C.signing_method))
    if shape.cert_status:
        out.append(C.status == _value("cert_status", C.status))
    if shape.currency:
        out.append(C.currency == _value("currency", C.currency))
    for name, column, low in (("issued_from", C.issue_date, True), ("issued_to", C.issue_date, False),
                              ("received_from", C.received_date, True), ("received_to", C.received_date, False)):
        if name in shape.dates:
            out.append(column >= _value(name, column) if low else column <= _value(name, column))
    return out


def _pinned(shape: Shape) -> list:
    """The sorted column, when a filter fixes the certificate's copy of it, fixed on the application's column too.

    Sorted by destination (or type) and filtered by one, every row has that value: a certificate's run reads the
    application index of (district, status, destination) from that value on, where it read every destination
    sorting after it first (at ten million certificates, past the statement timeout). A certificate copies its
    application's type and destination when issued, and an issued application is not edited again.
    """
    name = shape.sort if shape.sort in ("dest_country", "cert_type") else ""
    if not name or not getattr(shape, name):
        return []
    column = getattr(A, "cert_type_code" if name == "cert_type" else name)
    return [column == _value(name, column)]


def _needs_declaration(shape: Shape) -> bool:
    return shape.inspection_no or shape.sort == "inspection_no"


def certificate_rows(shape: Shape, counting: bool = False, column=None):
    """The certificate rows: selects of (application id, certificate id, sort value, empty flag).

    Sorted by a certificate column, the rows are read from the certificate alone (its index in order)
    and the application's conditions checked per row (EXISTS): SQLite would otherwise start from the
    application's (district, status) index and sort everything.
    """
    if not shape.certificates:
        return None
    key = SORTS[shape.sort]
    issued = A.status == literal_column(f"'{ISSUED}'")
    by_issuing = key.certificate_lead == "issuing"
    by_declaration = key.certificate_lead == "declaration"  # the application's scope is checked as well

    def conditions_of(led: bool) -> list:
        on_application = [issued, *_application_side(shape, False, led and not by_issuing and not by_declaration),
                          *(_pinned(shape) if led else [])]
        # a run in another order than the issue date's reads its sort's index: SQLite, knowing only how many
        # certificates a destination has on average, took the destination's index and sorted a common one's
        on_certificate = _certificate_side(shape, led and by_issuing, not led or shape.sort == "issue_date")
        if key.drive != "certificate":
            return [*on_application, *on_certificate]
        application: Select[Any] = select(literal_column("1")).select_from(A)
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
                runs = bool(shape.certificate_runs)
                return stmt.select_from(_joined(_joined(D, A, A.declaration_id == D.id, runs), C,
                                                C.application_id == A.id, runs))
            stmt = stmt.select_from(A)
            if _needs_declaration(shape):
                stmt = stmt.join(D, D.id == A.declaration_id)
            return stmt.join(C, C.application_id == A.id)
        app_id = A.id
    if counting:  # `column`: only the rows that have its value
        having = [column.isnot(None)] if column is not None and nullable(column) else []
        return base(literal_column("1").label("one")).where(*conditions, *having)
    lead = C.district_code if by_issuing else D.district_code if by_declaration else A.district_code
    led = conditions_of(True)
    leads = [([*led, lead == b], (lead, b)) for b in (_value(n, CustomsDistrict.code)
                                                     for n in parameter_names("crun", shape.certificate_runs))]
    return _runs(shape, base, conditions, key.certificate, leads, app_id, C.id)


def bounding_rows(shape: Shape) -> list[list]:
    """For each kind of row, selects of one table whose rows include all of that kind's (bounds from above).

    The certificates are bounded by their own conditions and by their applications', each bound only where
    the filters narrow it (beyond the scope); the applications not issued by themselves. Counted up to a few
    thousand, a bound reads one index where the filter has one (a destination, a status), where the page's
    rows would be read through their joins.
    """
    out = []
    if shape.certificates:
        scope = 1 if shape.scoped else 0
        own, applications = _certificate_side(shape), _application_side(shape, False)
        certificates: Select[Any] = select(literal_column("1").label("one")).select_from(C).where(*own)
        application: Select[Any] = select(literal_column("1").label("one")).select_from(A)
        if _needs_declaration(shape):
            application = application.join(D, D.id == A.declaration_id)
        application = application.where(A.status == literal_column(f"'{ISSUED}'"), *applications)
        bounds = [rows for rows, conditions in ((certificates, own), (application, applications))
                  if len(conditions) > scope]
        out.append(bounds or [certificates])
    pending = pending_rows(shape, counting=True)
    if pending is not None:
        out.append([pending])
    return out


def pending_rows(shape: Shape, counting: bool = False, column=False):
    """The rows of applications not issued: selects of (application id, 0, sort value, empty flag)."""
    if not shape.pending:
        return None
    key = SORTS[shape.sort]
    loose = key.application is None  # read in the order of application ids
    conditions = [_in(_Unindexed(A.status) if loose else A.status, "pending", shape.pending),
                  *_application_side(shape, loose), *_copied(shape, A)]
    # district and status: the lead's; the destination's index only for runs in the destination's order (SQLite took
    # it in others, then sorted a common destination's applications)
    led = [*_application_side(shape, loose, led=True), *_copied(shape, A, shape.sort == "dest_country")]

    def base(*columns):
        if key.drive == "declaration":
            return select(*columns).select_from(_joined(D, A, A.declaration_id == D.id, bool(shape.pending_runs)))
        stmt = select(*columns).select_from(A)
        return stmt.join(D, D.id == A.declaration_id) if _needs_declaration(shape) else stmt

    if counting:  # `column`: only the rows that have its value (None: no row has it)
        if column is None:
            return None
        having = [column.isnot(None)] if column is not False and nullable(column) else []
        return base(literal_column("1").label("one")).where(*conditions, *having)
    if key.certificate_lead == "declaration":  # one run per declaration district, its statuses checked per row
        leads = [([*conditions, D.district_code == b], (D.district_code, b))
                 for b in (_value(district, D.district_code) for district in parameter_names("prun", shape.pending_runs))]
    else:  # a run per declared district, and per status unless all the statuses under review are (`_UNDER_REVIEW`)
        statuses = ([_UNDER_REVIEW] if shape.pending == len(PENDING_STATUSES)
                    else [A.status == _value(status, A.status) for status in parameter_names("pending", shape.pending)])
        leads = [([*led, A.district_code == b, status], (A.district_code, b))
                 for b in (_value(district, A.district_code) for district in parameter_names("prun", shape.pending_runs))
                 for status in statuses]
    return _runs(shape, base, conditions, key.application, leads, A.id, None)


# every status a search lists but issued, written as the partial indexes of those applications are
# (data/models/applications.py), so that a run of them reads its district's rows from one index, in order
_UNDER_REVIEW = and_(*(A.status != literal_column(f"'{status}'") for status in UNDER_REVIEW_EXCLUDED))


def runs_per_district(pending: int, key) -> int:
    """How many runs of applications not issued read one district: one per status listed, or a single run over the
    applications under review when the search lists all of them (the unfiltered search)."""
    return 1 if key.certificate_lead == "declaration" or pending == len(PENDING_STATUSES) else pending


def _runs(shape: Shape, base, conditions: list, column, leads: list[tuple[list, tuple]], app_id,
          certificate_id) -> list:
    """Ordered runs of one kind of rows, each cut at the page's depth: the rows with a value (one run per
    lead, each lead its whole condition and its (district column, value), or one run), or, for the "empty"
    part, one run of the rows without (they sort after the others in both directions).

    `column` None: the column is empty for this kind of row.
    """
    key = SORTS[shape.sort]
    # ties broken as the merge breaks them, down to the first unique id (an index's own order beyond it)
    ties = ([certificate_id] if key.certificate_first and certificate_id is not None
            else [app_id, certificate_id] if certificate_id is not None else [app_id])
    empty_value = cast(null(), key.type)
    cert = certificate_id if certificate_id is not None else literal_column("0")

    def after(value, empty: int, lead: tuple | None) -> list:
        """Keyset paging: the rows after the cursor's in the merged order (value, then the ids as the merge breaks
        ties: certificate id first for the issue-date sorts, else application id), as a row-value comparison
        the run's index reads as a range."""
        if shape.after != ("values" if empty == 0 else "empty"):
            return []
        merged = ("cert", "app") if key.certificate_first else ("app", "cert")
        own = {"app": app_id, "cert": cert}
        names = [name for name in merged if not (key.certificate_first and name == "app" and certificate_id is not None)]
        mine = [*([value] if empty == 0 else []), *(own[n] for n in names)]
        theirs = [*([bindparam("after_v", type_=key.type)] if empty == 0 else []),
                  *(bindparam(f"after_{n}", type_=A.id.type) for n in names)]
        # the value's own bound as well: a row value mixing tables (the declaration's number, the application's
        # and certificate's ids) is checked after the joins, and the run read its index from the top; and the
        # value with the application's id, which an index of (district, status, value, id) starts at: rows
        # sharing the cursor's value (review times to the second) were read and dropped after the joins
        bound = []
        if empty == 0:
            bound.append(value <= theirs[0] if shape.descending else value >= theirs[0])
            if names == ["app", "cert"]:
                pair, cut = tuple_(value, app_id), tuple_(theirs[0], theirs[1])
                bound.append(pair <= cut if shape.descending else pair >= cut)
            if names == ["app", "cert"] and lead is not None and value is lead[0]:
                # sorted by the run's own district: the run of the cursor's district starts at its id, the others
                # compare an id with itself (a plan for the values folds the CASE; the index reads from there)
                start = case((lead[1] == theirs[0], theirs[1]), else_=app_id)
                bound.append(app_id <= start if shape.descending else app_id >= start)
        return [*bound, tuple_(*mine) < tuple_(*theirs) if shape.descending else tuple_(*mine) > tuple_(*theirs)]

    def run(where: list, value, empty: int, rare: bool = False, lead: tuple | None = None):
        # rows rarely without the value (`rare`): sorting the few found beats walking the primary key in
        # order, which PostgreSQL would choose and then read to the end when none are there
        where = [*where, *after(value, empty, lead)]
        by = [value, *ties] if empty == 0 else [t + literal_column("0") for t in ties] if rare else ties
        order = [c.desc() if shape.descending else c.asc() for c in by]
        inner = (base(app_id.label("app_id"), cert.label("cert_id"), value.label("v"),
                      literal_column(str(empty)).label("empty"))
                 .where(*where).order_by(*order).limit(bindparam("window", type_=A.id.type)).subquery())
        return select(inner.c.app_id, inner.c.cert_id, inner.c.v, inner.c.empty)

    if shape.part == "empty":
        if column is None:
            return [run(conditions, empty_value, 1)]
        return [run([*conditions, column.is_(None)], empty_value, 1, rare=True)] if nullable(column) else []
    if column is None:
        return []
    having = [column.isnot(None)] if nullable(column) else []
    return ([run([*where, *having], column, 0, lead=lead) for where, lead in leads]
            or [run([*conditions, *having], column, 0)])


def _page_statement(shape: Shape):
    """The page: the merged runs cut to one page, then the shown columns of those rows."""
    runs = [*(certificate_rows(shape) or []), *(pending_rows(shape) or [])]  # `_parts` says there are some
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
        C.status, page.c.v, page.c.empty,
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


PAGES = Statements(_page_statement)

# the fields of a shape that are not filters (any other field, a filter added later included, is one)
_NOT_FILTERS = frozenset({"scoped", "certificates", "pending", "sort", "descending", "certificate_runs", "pending_runs",
                          "limit", "part", "after"})
_FILTERS = tuple(f.name for f in dataclasses.fields(Shape) if f.name not in _NOT_FILTERS)


def filtered(shape: Shape) -> bool:
    """Whether a page keeps only some of the rows in scope and statuses (any filter given)."""
    return any(getattr(shape, name) for name in _FILTERS)


def page_plan(shape: Shape) -> Plan:
    """How PostgreSQL plans a page of this shape (`Prepared.rows`): once for any values ("generic") or for its
    values each time ("custom").

    Once when every run reads its district's index in order from the cursor on, whatever the values: the rows
    with the sorted value, read in runs, with no filter beyond the scope and the statuses (a filter's best plan
    depends on how many rows it keeps). Not for the district sort: its value is the run's own district, and
    only a plan that knows the cursor's district starts that run at the cursor. At ten million certificates
    planning such a page took 30-40 ms; running it 3-15. The others are never left to the server's choice:
    for the district sort it took the plan for any values after a few pages, estimated cheaper and three
    times slower.
    """
    generic = (shape.part == "values" and bool(shape.certificate_runs or shape.pending_runs)
               and shape.sort != "district" and not filtered(shape))
    return "generic" if generic else "custom"
