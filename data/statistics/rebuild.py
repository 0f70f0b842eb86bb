"""Recounting every statistics rollup from the certificate, application and declaration tables
(`flask --app app:server stats rebuild`, the demo generator, the benchmarks): what `data.statistics.rollup`
keeps exact change by change, computed here in one pass by GROUP BY, in the caller's transaction."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Integer,
    case,
    cast,
    delete,
    extract,
    func,
    literal_column,
    select,
)

from data.models import TURNAROUND_BUCKETS, Certificate, CertificateApplication, Declaration
from data.statistics.rollup import (
    ALL,
    APPLICATION_RECORD,
    BACKLOG,
    CERTIFICATE_RECORD,
    CERTIFICATES,
    CLOUD,
    DAY,
    DECLARATION_RECORD,
    DESTINATION,
    DIMENSIONS,
    FULL,
    GROUPINGS,
    ISSUE,
    MEASURES,
    MONTH,
    NO_COUNTRY,
    NO_CURRENCY,
    NO_DAY,
    RECEIVED,
    STATUS,
    SUBTREES,
    TABLES,
    TREND,
    TURNAROUND,
    TURNAROUND_EDGES,
    TYPE,
    WAITING,
    Chains,
    Grouping,
    batched,
    district_chains,
    insert_for,
)


def rebuild(conn: Connection) -> dict[str, int]:
    """Recompute every rollup from the certificate, application and declaration tables, in the caller's transaction.

    Other writers wait until it commits (PostgreSQL: SHARE lock on the source tables; SQLite: the
    first statement takes the write lock). Returns the rows written per table.
    """
    sql = SqlParts(conn)
    if sql.pg:
        conn.exec_driver_sql("LOCK TABLE certificate, certificate_application, declaration IN SHARE MODE")
    for spec in TABLES:
        conn.execute(delete(spec.table))
    _rebuild_certificates(conn, sql)
    rebuild_trend(conn, sql)
    _rebuild_turnaround(conn, sql)
    _rebuild_backlog(conn, sql)
    _rebuild_status(conn, sql)
    return {spec.table.name: conn.scalar(select(func.count()).select_from(spec.table)) or 0 for spec in TABLES}


def _rebuild_certificates(conn: Connection, sql: SqlParts) -> None:
    c = Certificate.__table__.c
    names = list(CERTIFICATES.keys + CERTIFICATES.measures)
    # the full grouping straight from the certificates; every other one from its rows. Rows are written in key order:
    # a period's rows then lie together on disk, as they do when the app adds them day by day (PostgreSQL's heap
    # follows the order of insertion; read in a hashed order, one day's rows of grouping 10 lay on 2,100 pages)
    full = (c.issue_date, c.district_code, c.cert_type_code, c.entry_method, c.signing_method, c.status,
            c.dest_country, c.received_date, c.currency)
    conn.execute(CERTIFICATES.table.insert().from_select(names, select(
        sql.const(FULL.id), sql.const(DAY), c.issue_date, c.district_code, c.cert_type_code, c.entry_method,
        c.signing_method, c.status, func.coalesce(c.dest_country, sql.const(NO_COUNTRY)),
        func.coalesce(c.received_date, sql.const(NO_DAY)), func.coalesce(c.currency, sql.const(NO_CURRENCY)),
        func.count(), func.sum(case((c.signing_method == sql.const(CLOUD), 1), else_=0)),
        func.sum(case((c.print_count > 0, 1), else_=0)), func.sum(func.coalesce(c.print_count, 0)),
        func.sum(func.coalesce(sql.cents(c.goods_value), 0)),
    ).group_by(*full).order_by(*full)))
    for g in GROUPINGS:
        if g is not FULL:
            fill_grouping(conn, g)
    fill_subtrees(conn, sql)


def fill_grouping(conn: Connection, g: Grouping) -> None:
    """Write grouping `g`'s rows (its day rows, then its month rows) from the full grouping's: in a rebuild, and in
    the migration that adds a grouping to a store already counted."""
    sql, r = SqlParts(conn), CERTIFICATES.table.c
    names = list(CERTIFICATES.keys + CERTIFICATES.measures)
    period = r.period if g.axis == ISSUE else r.received_date
    dims = [r[d] if d in g.dims else sql.const(NO_DAY if d == "received_date" else ALL) for d in DIMENSIONS]
    query = select(sql.const(g.id), sql.const(DAY), period, r.district_code, *dims,
                   *sums(r, MEASURES)).where(r.grouping == FULL.id)
    if g.axis == RECEIVED:
        query = query.where(r.received_date != sql.const(NO_DAY))
    kept = [period, r.district_code, *(r[d] for d in DIMENSIONS if d in g.dims)]
    conn.execute(CERTIFICATES.table.insert().from_select(names, query.group_by(*kept).order_by(*kept)))
    if MONTH in g.grains:
        keys = [sql.month_start(r.period), r.district_code, *(r[d] for d in DIMENSIONS)]
        conn.execute(CERTIFICATES.table.insert().from_select(names, select(
            sql.const(g.id), sql.const(MONTH), *keys, *sums(r, MEASURES)).where(r.grouping == g.id, r.grain == DAY)
            .group_by(*keys).order_by(*keys)))


def _bucket_of(sql: SqlParts, elapsed, lo: int = 0, hi: int = len(TURNAROUND_EDGES)) -> ColumnElement:
    """The turnaround bucket of `elapsed` seconds as a binary search of CASEs (six comparisons, not 51)."""
    if lo == hi:
        return sql.const(lo)
    mid = (lo + hi) // 2  # buckets lo..mid hold the values below edge `mid`
    return case((elapsed < sql.const(TURNAROUND_EDGES[mid]), _bucket_of(sql, elapsed, lo, mid)),
                else_=_bucket_of(sql, elapsed, mid + 1, hi))


def _rebuild_turnaround(conn: Connection, sql: SqlParts) -> None:
    a, t = CertificateApplication.__table__.c, TURNAROUND.table.c
    # each application's elapsed time computed once (a grouped subquery is materialised, not inlined),
    # then its bucket, then the buckets spread into columns
    elapsed, day = sql.seconds(a.approved_at) - sql.seconds(a.submitted_at), sql.china_day(a.approved_at)
    timed = select(a.district_code.label("district"), day.label("day"), elapsed.label("elapsed"),
                   func.count().label("n")).where(a.approved_at.is_not(None), a.submitted_at.is_not(None)
                                                  ).group_by(a.district_code, day, elapsed).subquery()
    bucket = _bucket_of(sql, timed.c.elapsed)
    counted = select(timed.c.district, timed.c.day, bucket.label("bucket"), func.sum(timed.c.n).label("n"),
                     func.sum(case((timed.c.elapsed < 0, 0), else_=timed.c.elapsed) * timed.c.n).label("seconds")
                     ).group_by(timed.c.district, timed.c.day, bucket).subquery()
    names = list(TURNAROUND.keys + TURNAROUND.measures)
    conn.execute(TURNAROUND.table.insert().from_select(names, select(
        sql.const(DAY), counted.c.day, counted.c.district, func.sum(counted.c.n), func.sum(counted.c.seconds),
        *[func.sum(case((counted.c.bucket == sql.const(k), counted.c.n), else_=0)) for k in range(TURNAROUND_BUCKETS)],
    ).group_by(counted.c.day, counted.c.district)))
    month = sql.month_start(t.period)
    conn.execute(TURNAROUND.table.insert().from_select(names, select(
        sql.const(MONTH), month, t.district_code, *sums(t, TURNAROUND.measures),
    ).where(t.grain == DAY).group_by(month, t.district_code)))


def _rebuild_backlog(conn: Connection, sql: SqlParts) -> None:
    a = CertificateApplication.__table__.c
    day = sql.china_day(a.submitted_at)
    conn.execute(BACKLOG.table.insert().from_select(list(BACKLOG.keys + BACKLOG.measures), select(
        a.district_code, day, *[func.sum(case((a.status == status, 1), else_=0)) for status in WAITING],
    ).where(a.status.in_(WAITING), a.submitted_at.is_not(None)).group_by(a.district_code, day)))


def _rebuild_status(conn: Connection, sql: SqlParts) -> None:
    names = list(STATUS.keys + STATUS.measures)
    for record, model in ((APPLICATION_RECORD, CertificateApplication), (CERTIFICATE_RECORD, Certificate),
                          (DECLARATION_RECORD, Declaration)):
        c = model.__table__.c
        conn.execute(STATUS.table.insert().from_select(names, select(
            sql.const(record), c.district_code, c.enterprise_id, c.status, func.count())
            .group_by(c.district_code, c.enterprise_id, c.status)))


# --- subtree sums (in a rebuild, and at commit when a district moved: data/statistics/tracking.py) ---


class SqlParts:
    """The few expressions that differ between SQLite and PostgreSQL; constants inline (GROUP BY safe)."""

    def __init__(self, conn: Connection):
        self.pg = conn.dialect.name == "postgresql"
        insert_for(conn)  # refuse other backends early

    def const(self, value) -> ColumnElement:
        if isinstance(value, date):
            return literal_column(f"DATE '{value.isoformat()}'" if self.pg else f"'{value.isoformat()}'")
        if isinstance(value, int):
            return literal_column(str(value))
        return literal_column("'" + str(value).replace("'", "''") + "'")

    def month_start(self, day) -> ColumnElement:
        if self.pg:
            return cast(func.date_trunc(literal_column("'month'"), day), Date)
        return func.date(day, literal_column("'start of month'"))

    def china_day(self, moment) -> ColumnElement:
        if self.pg:
            return cast(func.timezone(literal_column("'UTC'"), moment) + literal_column("INTERVAL '8 hours'"), Date)
        return func.date(moment, literal_column("'+8 hours'"))

    def cents(self, amount) -> ColumnElement:
        """A money amount in whole cents (as `cents` computes it)."""
        return cast(func.round(amount * 100), BigInteger)

    def seconds(self, moment) -> ColumnElement:
        if self.pg:
            return cast(func.floor(extract("epoch", moment)), BigInteger)
        return cast(func.strftime(literal_column("'%s'"), moment), Integer)


def sums(columns, names: Sequence[str]) -> list[ColumnElement]:
    """SUM() of each named column."""
    return [func.sum(columns[name]) for name in names]


@dataclass(frozen=True)
class TreeState:
    """The district tree as the rollups see it: each district's chain of districts above it, and the districts
    that have certificates. Which trend and subtree rows exist, and what each sums, follow from it alone."""

    chains: Chains
    with_data: frozenset[str]

    def members(self) -> dict[str, frozenset[str]]:
        """Each district with certificates in its subtree (and ALL): the districts of that subtree that have some."""
        below: dict[str, set[str]] = {ALL: set(self.with_data)}
        for code, chain in self.chains.items():
            if code in self.with_data:
                for root in chain:
                    below.setdefault(root, set()).add(code)
        return {root: frozenset(codes) for root, codes in below.items()}

    def subtree_roots(self) -> dict[str, frozenset[str]]:
        """The roots of subtree sums (ALL, and districts with one below them: a leaf's would repeat its own rows)
        with the districts they sum."""
        return {root: codes for root, codes in self.members().items() if root == ALL or root in self.chains.inner}


def tree_state(conn: Connection) -> TreeState:
    r = CERTIFICATES.table.c
    return TreeState(district_chains(conn), frozenset(conn.scalars(
        select(r.district_code).where(r.grouping == 1, r.grain == MONTH).distinct())))


def changed_roots(before: Iterable[Chains], after: TreeState) -> tuple[set[str], set[str]]:
    """The districts whose trend rows, and those whose subtree sums, are to be summed again when the tree becomes
    `after`, having been each of the trees `before` while the rollups were kept (a certificate written under one
    added to that tree's subtrees): those that sum other districts with certificates under one of them than under
    `after`, or no longer or newly sum any. A house added or deleted without certificates changes none but a parent
    it makes or leaves a leaf; a district moved, those above its old and its new parent up to the nearest district
    above both (not that one, nor ALL)."""
    trend: set[str] = set()
    subtree: set[str] = set()
    new, new_roots = after.members(), after.subtree_roots()
    for chains in before:
        tree = TreeState(chains, after.with_data)
        old, old_roots = tree.members(), tree.subtree_roots()
        trend |= {root for root in old.keys() | new.keys() if old.get(root) != new.get(root)}
        subtree |= {root for root in old_roots.keys() | new_roots.keys() if old_roots.get(root) != new_roots.get(root)}
    return trend, subtree


def fill_subtrees(conn: Connection, sql: SqlParts, roots: Iterable[str] | None = None) -> None:
    """The subtree groupings' rows of `roots` (None: of every district and ALL, into an empty grouping), summed from
    their base groupings' rows and written in key order; the rows of those roots are deleted first. A district with
    none below it has none (its subtree sums are its own rows)."""
    r = CERTIFICATES.table.c
    below = tree_state(conn).subtree_roots()
    if roots is not None:
        roots = sorted(set(roots))
        below = {root: codes for root, codes in below.items() if root in roots}
        for chunk in batched(roots, 500):
            conn.execute(delete(CERTIFICATES.table).where(r.grouping.in_([g.id for g in SUBTREES.values()]),
                                                          r.district_code.in_(chunk)))
    names, dims = list(CERTIFICATES.keys + CERTIFICATES.measures), [r[d] for d in DIMENSIONS]
    for base, sub in SUBTREES.items():
        for root, codes in sorted(below.items()):
            query = select(sql.const(sub.id), r.grain, r.period, sql.const(root), *dims,
                           *sums(r, MEASURES)).where(r.grouping == base)
            if root != ALL:
                query = query.where(r.district_code.in_(sorted(codes)))
            conn.execute(CERTIFICATES.table.insert().from_select(
                names, query.group_by(r.grain, r.period, *dims).order_by(r.grain, r.period, *dims)))


def rebuild_trend(conn: Connection, sql: SqlParts, roots: Iterable[str] | None = None) -> None:
    """The trend rows of every district's subtree (or of `roots`': theirs are deleted first), summed from the month
    rows by type (2) and destination (4)."""
    below = dict(tree_state(conn).members())
    if roots is None:
        conn.execute(delete(TREND.table))
    else:
        roots = sorted(set(roots))
        below = {root: codes for root, codes in below.items() if root in roots}
        for chunk in batched(roots, 500):
            conn.execute(delete(TREND.table).where(TREND.table.c.root_code.in_(chunk)))
    r = CERTIFICATES.table.c
    names = list(TREND.keys + TREND.measures)
    for root, codes in sorted(below.items()):
        for dimension, grouping, column in ((TYPE, 2, r.cert_type_code), (DESTINATION, 4, r.dest_country)):
            query = select(sql.const(root), sql.const(dimension), sql.const(MONTH), column, r.period,
                           func.sum(r.certificates)).where(r.grouping == grouping, r.grain == MONTH)
            if root != ALL:
                query = query.where(r.district_code.in_(sorted(codes)))
            conn.execute(TREND.table.insert().from_select(names, query.group_by(column, r.period)))
