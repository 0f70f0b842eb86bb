"""Statistics rollups, exact in the same transaction as every change of a certificate or application.

Design
------
Five tables (migrations 0009 and 0018), read by `data/statistics/reports.py` and `data/home.py`:

* ``stats_certificate``: certificate counts per period, issuing district and one *grouping* of the
  dimensions certificate type, entry method, signing method, status, destination country, received
  date (收单日期) and the currency of the goods' declared value. Each certificate adds one row per
  grouping and grain:

  ====  =========  =====================================  =======  =======================================
  id    counted by dimensions kept (besides district)      grains   serves
  ====  =========  =====================================  =======  =======================================
  1     issue day  none                                   day+mon  issuance, unfiltered; cloud "approved"
  2     issue day  certificate type                       day+mon  type filter; monthly trend by type
  3     issue day  entry method                           day+mon  entry-method filter; cloud "approved"
  4     issue day  destination                            day+mon  destination filter; trend by destination
  5     issue day  type, entry method, status             day+mon  any mix of those filters
  6     recv. day  none                                   day+mon  received-date filter; cloud usage
  7     recv. day  entry method                           day+mon  cloud usage by entry method (5.9.3)
  12    issue day  currency                               day+mon  the explorer: value of goods
  10    issue day  type, destination                      day+mon  the explorer: destinations by type
  13    issue day  type, destination, currency            day+mon  the explorer: value by type, destination
  14    issue day  all but destination and received date  day+mon  the explorer: mixes without destination
  11    issue day  all but the received date              day+mon  the explorer: any other mix; filters
  9     issue day  all seven, received date included      day      any other mix (exact fallback)
  ====  =========  =====================================  =======  =======================================

  A dimension a grouping does not keep holds ``*`` (received date ``0001-01-01``); a certificate without a
  destination or a declared value has ``""``. Measures: ``certificates``, ``cloud`` (of which cloud-signed),
  ``printed`` (of which printed on paper at least once: print_count > 0), ``copies`` (paper prints in all)
  and ``value_cents`` (the goods' declared value in cents, summed: read only where the currency is kept, a
  sum over currencies means nothing). The signing-method filter needs no dimension for a count: cloud =
  ``cloud``, paper = ``certificates - cloud``. A query takes the first grouping that keeps every dimension
  it filters or groups by, and splits a date range into whole months (month rows) and the days at either end
  (day rows), so a chart reads at most ~60 day rows and one row per month for each district and kept value —
  the same number at ten thousand certificates as at ten million once the dimension values are all present.
  Groupings 9 and 11 grow with the data (bounded by the number of certificates and by the product of their
  dimensions' values); 11 serves the explorer's mixes of dimensions by issue date, and only the received
  date with another filter, or both date axes at once, read 9. A partial index on grouping 4 (destination,
  grain, period) reads one country's rows only. At a million demo certificates the table holds ~1.5 million
  rows (grouping 9: 0.85 million), ~27 bytes of key and 5 integers each (before the currency: 4).

* ``stats_trend``: certificates per month of issue and certificate type (``t``) or destination
  (``d``), summed over the whole subtree of each district (``root_code``; ``*`` for every district):
  a certificate adds to its district, each district above it and ``*``. The trends page reads the
  rows of one root (months x values: ~3,000 for destinations at any size once the ~250 countries
  are present) instead of months x districts x values. Moving a district in the tree recomputes
  this table at commit (from stats_certificate's month rows).

* ``stats_turnaround``: per approval day and month (China time) and district, the number of
  approvals, their submission-to-approval seconds in all (exact mean), and a histogram of those
  times in 52 buckets (``TURNAROUND_EDGES``): one minute wide up to 10 minutes, five up to an
  hour, then 15/30/60/120/240 minutes up to a day, then 6-12 hours up to 3 days, 1-2 days up to a
  week, and 4 buckets up to 30 days, the last one open. One row per district and period whatever
  the volume, so percentiles cost the same at any size. Median and p90 are read from the
  cumulative histogram and interpolated linearly inside their bucket: the true value lies in that
  bucket, so the error is below the bucket's width - under a minute below 10 minutes, under 5
  minutes below an hour, at most 25 % of the value between one hour and two days, up to ~50 %
  beyond a week.

* ``stats_backlog``: applications waiting (submitted, under review, suspended, awaiting or given
  the enterprise's confirmation, approved but not yet issued), per district and day of
  submission, one column per status; rows that fall to zero are deleted. An indexed query on
  (district, status, submitted_at) would do for a real backlog of a few hundred applications, but
  the demo data keeps ~8 % of applications open (78,000 at a million certificates), so the rollup
  keeps the backlog chart's cost flat as well: one row per district and day with work waiting.

* ``stats_status``: applications (``a``), certificates (``c``) and declarations (``d``) per district,
  enterprise and status (migration 0018): what the home pages count. An enterprise reads its own rows, a
  customs user those of the districts in scope (less the statuses customs do not see), an administrator
  all: a few hundred rows at any size, where counting the records took about a second for a manager at a
  million certificates. Rows that fall to zero are deleted.

Maintenance: `before_flush` reads, for every certificate, application or declaration the flush will change or
delete, its stored state (one SELECT per table); `after_flush` reads the stored state of those
changed or inserted; the difference of their contributions is applied as +n/-n upserts
(``INSERT .. ON CONFLICT DO UPDATE``, SQLite and PostgreSQL) in key order, so that concurrent
transactions lock rollup rows in the same order. The differences are kept with the session and
written when it commits (`before_commit`, after a last flush): the rows every certificate of a
district shares are then locked for the moment of the commit, not for the rest of the transaction
(the signing of a certificate after its INSERT). Inside a SAVEPOINT they are written at once, so
that rolling the savepoint back takes them back too. ORM-enabled or Core UPDATE/DELETE statements
run through a Session (e.g. ``update(Certificate).values(print_count=Certificate.print_count + 1)``)
are caught by `do_orm_execute` the same way (rows read before and after the statement); a bulk
INSERT through a Session must carry the ids. Writes that bypass the Session (the demo generator's
Core batches, bench.seed) are followed by `data.statistics.rebuild.rebuild`, which recomputes everything from the
certificate, application and declaration tables in one transaction (`flask --app app:server stats rebuild`).
The listeners are registered on the Session class when this module is imported (by data/core/db.py).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Integer,
    Table,
    and_,
    cast,
    delete,
    event,
    extract,
    func,
    inspect,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from dashboard.core.clock import CHINA_FIXED as CHINA  # issue and received dates are China dates
from data.models import (
    TURNAROUND_BUCKETS,
    AppStatus,
    Certificate,
    CertificateApplication,
    CustomsDistrict,
    Declaration,
    SigningMethod,
    StatsBacklog,
    StatsCertificate,
    StatsStatus,
    StatsTrend,
    StatsTurnaround,
    as_utc,
    table_of,
)

ALL = "*"  # a dimension the grouping does not keep; in stats_trend, the subtree of every district
TYPE, DESTINATION = "t", "d"  # stats_trend's dimensions
NO_COUNTRY = ""  # a certificate without destination
NO_DAY = date(1, 1, 1)  # received date not kept, or unknown
DAY, MONTH = "d", "m"
ISSUE, RECEIVED = "issue", "received"
CLOUD = SigningMethod.CLOUD.value
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DIMENSIONS = ("cert_type_code", "entry_method", "signing_method", "status", "dest_country", "received_date",
              "currency")
MEASURES = ("certificates", "cloud", "printed", "copies", "value_cents")
NO_CURRENCY = ""  # a certificate without a declared value
WAITING = (AppStatus.SUBMITTED.value, AppStatus.UNDER_REVIEW.value, AppStatus.SUSPENDED.value,
           AppStatus.AWAITING_CONFIRMATION.value, AppStatus.CONFIRMED.value, AppStatus.APPROVED.value)
# upper edges of the turnaround buckets, in minutes; bucket k holds [edge k-1, edge k), the last is open
_EDGE_MINUTES = (*range(1, 11), *range(15, 61, 5), 75, 90, 105, 120, 150, 180, 210, 240, 300, 360, 420, 480,
                 600, 720, 840, 960, 1200, 1440, 1800, 2160, 2880, 3600, 4320, 5760, 7200, 8640, 10080,
                 14400, 20160, 30240, 43200)
TURNAROUND_EDGES = tuple(m * 60 for m in _EDGE_MINUTES)  # seconds
assert len(TURNAROUND_EDGES) + 1 == TURNAROUND_BUCKETS
BUCKET_COLUMNS = tuple(f"b{k:02d}" for k in range(TURNAROUND_BUCKETS))
ROWS_PER_EXECUTE = 5_000  # rollup rows written by one executemany


class RollupError(RuntimeError):
    """A write the rollups cannot follow; the message says what to do instead."""


@dataclass(frozen=True)
class Grouping:
    id: int
    axis: str  # ISSUE: period is the issue date; RECEIVED: the received date
    dims: frozenset[str]
    grains: tuple[str, ...]

    def keeps(self, dims: Iterable[str]) -> bool:
        return set(dims) <= self.dims


FULL = Grouping(9, ISSUE, frozenset(DIMENSIONS), (DAY,))
# smallest first: a query takes the first one that keeps what it needs
GROUPINGS: tuple[Grouping, ...] = (
    Grouping(1, ISSUE, frozenset(), (DAY, MONTH)),
    Grouping(2, ISSUE, frozenset({"cert_type_code"}), (DAY, MONTH)),
    Grouping(3, ISSUE, frozenset({"entry_method"}), (DAY, MONTH)),
    Grouping(4, ISSUE, frozenset({"dest_country"}), (DAY, MONTH)),
    Grouping(5, ISSUE, frozenset({"cert_type_code", "entry_method", "status"}), (DAY, MONTH)),
    Grouping(17, ISSUE, frozenset({"entry_method", "signing_method", "status"}), (DAY, MONTH)),
    Grouping(6, RECEIVED, frozenset(), (DAY, MONTH)),
    Grouping(7, RECEIVED, frozenset({"entry_method"}), (DAY, MONTH)),
    Grouping(12, ISSUE, frozenset({"currency"}), (DAY, MONTH)),
    Grouping(10, ISSUE, frozenset({"cert_type_code", "dest_country"}), (DAY, MONTH)),
    Grouping(13, ISSUE, frozenset({"cert_type_code", "dest_country", "currency"}), (DAY, MONTH)),
    Grouping(15, ISSUE, frozenset({"dest_country", "signing_method", "status", "currency"}), (DAY, MONTH)),
    Grouping(14, ISSUE, frozenset(DIMENSIONS) - {"dest_country", "received_date"}, (DAY, MONTH)),
    Grouping(16, ISSUE, frozenset(DIMENSIONS) - {"cert_type_code", "received_date"}, (DAY, MONTH)),
    Grouping(11, ISSUE, frozenset(DIMENSIONS) - {"received_date"}, (DAY, MONTH)),
    FULL,
)


def choose_grouping(axis: str, dims: Iterable[str]) -> Grouping:
    """The smallest grouping counted by `axis` that keeps `dims`; the full one when none does."""
    dims = set(dims)
    return next((g for g in GROUPINGS if g.axis == axis and g.keeps(dims)), FULL)


# --- what one certificate or application contributes ------------------------------------------


@dataclass(frozen=True)
class RollupTable:
    table: Table
    keys: tuple[str, ...]
    measures: tuple[str, ...]
    drop_empty: bool = False  # delete rows whose measures fall to zero


CERTIFICATES = RollupTable(table_of(StatsCertificate), ("grouping", "grain", "period", "district_code", *DIMENSIONS),
                           MEASURES)
TREND = RollupTable(table_of(StatsTrend), ("root_code", "dimension", "grain", "value", "period"), ("certificates",))
TURNAROUND = RollupTable(table_of(StatsTurnaround), ("grain", "period", "district_code"),
                         ("approvals", "seconds", *BUCKET_COLUMNS))
BACKLOG = RollupTable(table_of(StatsBacklog), ("district_code", "submitted_on"), WAITING, drop_empty=True)
STATUS = RollupTable(table_of(StatsStatus), ("record", "district_code", "enterprise_id", "status"), ("count",),
                     drop_empty=True)
TABLES = (CERTIFICATES, TREND, TURNAROUND, BACKLOG, STATUS)
APPLICATION_RECORD, CERTIFICATE_RECORD, DECLARATION_RECORD = "a", "c", "d"  # stats_status.record

Contribution = tuple[RollupTable, tuple, tuple[int, ...]]


class CertState(NamedTuple):
    district_code: str
    enterprise_id: int
    cert_type_code: str
    entry_method: str
    signing_method: str
    status: str
    dest_country: str | None
    issue_date: date
    received_date: date | None
    print_count: int | None
    goods_value: Decimal | None
    currency: str | None


class AppState(NamedTuple):
    district_code: str
    enterprise_id: int
    status: str
    submitted_at: datetime | None
    approved_at: datetime | None


class DeclState(NamedTuple):
    district_code: str
    enterprise_id: int
    status: str


def month_of(day: date) -> date:
    return day.replace(day=1)


def china_day(moment: datetime) -> date:
    """The China date of a stored moment (naive ones are UTC)."""
    return as_utc(moment).astimezone(CHINA).date()


def whole_seconds(moment: datetime) -> int:
    """Seconds since the epoch, rounded down, as the SQL of `rebuild` computes them."""
    return (as_utc(moment) - EPOCH) // timedelta(seconds=1)


def cents(value: Decimal | float | None) -> int:
    """A money amount in whole cents, as `rebuild` computes it in SQL (rounded half away from zero)."""
    if value is None:
        return 0
    return int(Decimal(str(value)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def turnaround_bucket(seconds: int) -> int:
    return bisect_right(TURNAROUND_EDGES, seconds)


Chains = dict[str, tuple[str, ...]]  # district -> itself and the districts above it, nearest first


def district_chains(conn: Connection) -> Chains:
    """Each district with the districts above it (a broken or circular tree stops where it breaks)."""
    parents: dict[str, str | None] = {code: parent for code, parent in
                                      conn.execute(select(CustomsDistrict.code, CustomsDistrict.parent_code))}
    chains = {}
    for code in parents:
        chain, current = [code], parents.get(code)
        while current is not None and current not in chain and current in parents:
            chain.append(current)
            current = parents[current]
        chains[code] = tuple(chain)
    return chains


def certificate_rows(c: CertState, chains: Chains) -> Iterator[Contribution]:
    """The rollup rows one certificate adds to: one per grouping and grain, and the trend rows of every
    district above it (its type and destination per month)."""
    yield STATUS, (CERTIFICATE_RECORD, c.district_code, c.enterprise_id, c.status), (1,)
    month = month_of(c.issue_date)
    for root in (*chains.get(c.district_code, (c.district_code,)), ALL):
        yield TREND, (root, TYPE, MONTH, c.cert_type_code, month), (1,)
        yield TREND, (root, DESTINATION, MONTH, c.dest_country or NO_COUNTRY, month), (1,)
    prints = c.print_count or 0
    measures = (1, int(c.signing_method == CLOUD), int(prints > 0), prints, cents(c.goods_value))
    values = {"cert_type_code": c.cert_type_code, "entry_method": c.entry_method, "signing_method": c.signing_method,
              "status": c.status, "dest_country": c.dest_country or NO_COUNTRY,
              "received_date": c.received_date or NO_DAY, "currency": c.currency or NO_CURRENCY}
    for g in GROUPINGS:
        day = c.issue_date if g.axis == ISSUE else c.received_date
        if day is None:
            continue  # not received on a known day: counted by issue date only
        dims = tuple(values[d] if d in g.dims else NO_DAY if d == "received_date" else ALL for d in DIMENSIONS)
        for grain in g.grains:
            yield CERTIFICATES, (g.id, grain, day if grain == DAY else month_of(day), c.district_code, *dims), measures


def application_rows(a: AppState, _chains: Chains) -> Iterator[Contribution]:
    """The status row of an application, the turnaround row of an approved one and the backlog row of a waiting one."""
    yield STATUS, (APPLICATION_RECORD, a.district_code, a.enterprise_id, a.status), (1,)
    if a.approved_at is not None and a.submitted_at is not None:
        seconds = max(0, whole_seconds(a.approved_at) - whole_seconds(a.submitted_at))
        measures = [0] * len(TURNAROUND.measures)
        measures[0], measures[1] = 1, seconds
        measures[2 + turnaround_bucket(seconds)] = 1
        day = china_day(a.approved_at)
        for grain in (DAY, MONTH):
            yield TURNAROUND, (grain, day if grain == DAY else month_of(day), a.district_code), tuple(measures)
    if a.status in WAITING and a.submitted_at is not None:
        measures = [0] * len(WAITING)
        measures[WAITING.index(a.status)] = 1
        yield BACKLOG, (a.district_code, china_day(a.submitted_at)), tuple(measures)


def declaration_rows(d: DeclState, _chains: Chains) -> Iterator[Contribution]:
    """The status row of a declaration."""
    yield STATUS, (DECLARATION_RECORD, d.district_code, d.enterprise_id, d.status), (1,)


@dataclass(frozen=True)
class Source:
    """A table whose rows feed the rollups: the columns read and what a row contributes."""

    table: Table
    state: type[CertState] | type[AppState] | type[DeclState]
    rows: Callable[[Any, Chains], Iterator[Contribution]]  # its state tuple: CertState, AppState or DeclState
    needs_tree: bool

    @property
    def columns(self) -> tuple[str, ...]:
        return self.state._fields


SOURCES: dict[type, Source] = {
    Certificate: Source(table_of(Certificate), CertState, certificate_rows, True),
    CertificateApplication: Source(table_of(CertificateApplication), AppState, application_rows, False),
    Declaration: Source(table_of(Declaration), DeclState, declaration_rows, False),
}
SOURCES_BY_TABLE = {src.table.name: src for src in SOURCES.values()}


# --- applying differences ---------------------------------------------------------------------


def _batched(items: Sequence, size: int) -> Iterator[Sequence]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Delta:
    """Differences of rollup rows collected over one flush or statement, applied at once."""

    def __init__(self) -> None:
        self.rows: dict[RollupTable, dict[tuple, list[int]]] = {}

    def add(self, contributions: Iterable[Contribution], sign: int) -> None:
        for spec, key, measures in contributions:
            rows = self.rows.setdefault(spec, {})
            acc = rows.get(key)
            if acc is None:
                rows[key] = [sign * m for m in measures]
            else:
                for i, m in enumerate(measures):
                    acc[i] += sign * m

    def merge(self, other: Delta) -> None:
        for spec, rows in other.rows.items():
            self.add(((spec, key, tuple(values)) for key, values in rows.items()), +1)

    def apply(self, conn: Connection) -> None:
        for spec in TABLES:  # a fixed table order, keys sorted: concurrent writers lock in one order
            items = sorted((k, v) for k, v in self.rows.get(spec, {}).items() if any(v))
            if items:
                _upsert(conn, spec, items)


def _insert_for(conn: Connection):
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise RollupError(f"statistics rollups support SQLite and PostgreSQL, not {name}")


def _upsert(conn: Connection, spec: RollupTable, items: list[tuple[tuple, list[int]]]) -> None:
    """Add the measures to their rows, creating missing rows; drop emptied ones where the table says so."""
    make_insert = _insert_for(conn)
    t = spec.table
    names = spec.keys + spec.measures
    # one statement of one row, run for every row (executemany): compiled once and cached, where a multi-row
    # VALUES statement was compiled again for every number of rows (most of the time of a large flush)
    stmt = make_insert(t)
    stmt = stmt.on_conflict_do_update(index_elements=[t.c[k] for k in spec.keys],
                                      set_={m: t.c[m] + stmt.excluded[m] for m in spec.measures})
    for chunk in _batched(items, ROWS_PER_EXECUTE):
        conn.execute(stmt, [dict(zip(names, (*key, *values))) for key, values in chunk])
    if spec.drop_empty:
        empty = and_(*(t.c[m] == 0 for m in spec.measures))
        for chunk in _batched([key for key, _ in items], 200):
            conn.execute(delete(t).where(empty, or_(*(and_(*(t.c[k] == v for k, v in zip(spec.keys, key)))
                                                      for key in chunk))))


def _states(conn: Connection, src: Source, ids: Iterable[int]) -> dict[int, tuple]:
    """The stored state of these rows, by id (missing ids: no row)."""
    ids = sorted(set(ids))
    found: dict[int, tuple] = {}
    cols = [src.table.c[name] for name in src.columns]
    for chunk in _batched(ids, 500):
        for row in conn.execute(select(src.table.c.id, *cols).where(src.table.c.id.in_(chunk))):
            found[row[0]] = src.state(*row[1:])
    return found


def _difference(conn: Connection, src: Source, before: dict[int, tuple], after: dict[int, tuple],
                delta: Delta) -> None:
    chains = district_chains(conn) if src.needs_tree and (before or after) else {}
    for state in before.values():
        delta.add(src.rows(state, chains), -1)
    for state in after.values():
        delta.add(src.rows(state, chains), +1)


# --- session events ---------------------------------------------------------------------------

_PENDING = "certdash.rollup.pending"  # stored states read before a flush, for after it
_DEFERRED = "certdash.rollup.deferred"  # differences to write at commit
_COMMITTING = "certdash.rollup.committing"  # written already: later differences go straight in
_TREE_CHANGED = "certdash.rollup.tree_changed"  # a district moved or was renamed: trends recomputed at commit


def _apply_or_defer(session: Session, delta: Delta) -> None:
    """Write now inside a savepoint (its rollback must take the rows back) or while committing; else at commit."""
    if session.get_nested_transaction() is not None or session.info.get(_COMMITTING):
        delta.apply(session.connection())
        return
    deferred = session.info.get(_DEFERRED)
    if deferred is None:
        session.info[_DEFERRED] = delta
    else:
        deferred.merge(delta)


def _before_commit(session: Session) -> None:
    session.flush()  # the last changes first: commit flushes only after this hook
    session.info[_COMMITTING] = True
    deferred = session.info.pop(_DEFERRED, None)
    if deferred is not None:
        deferred.apply(session.connection())
    if session.info.pop(_TREE_CHANGED, None):
        conn = session.connection()
        sql = SqlParts(conn)
        if sql.pg:  # no certificate may change while the trends are summed up again
            conn.exec_driver_sql("LOCK TABLE certificate IN SHARE MODE")
        rebuild_trend(conn, sql)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.nested or transaction.parent is None:  # not a flush's own inner marker
        session.info.pop(_COMMITTING, None)  # after a savepoint, differences wait for the commit again
    if transaction.parent is None:  # committed (written) or rolled back (dropped)
        session.info.pop(_DEFERRED, None)
        session.info.pop(_TREE_CHANGED, None)


def _changed(obj, columns: Sequence[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in columns)


def _identity(obj) -> int | None:
    """The row's id: a pending object has it once its INSERT ran (before the session makes it persistent)."""
    identity = inspect(obj).identity
    return identity[0] if identity else inspect(obj).dict.get("id")


def _before_flush(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, CustomsDistrict) and _changed(obj, ("code", "parent_code"))
           for obj in session.dirty) or any(isinstance(obj, CustomsDistrict) for obj in session.deleted):
        session.info[_TREE_CHANGED] = True
    watched: dict[Source, tuple[list, set[int | None]]] = {}
    for obj in session.new:
        src = SOURCES.get(type(obj))
        if src is not None:
            watched.setdefault(src, ([], set()))[0].append(obj)
    for obj in session.dirty:
        src = SOURCES.get(type(obj))
        if src is not None and _changed(obj, src.columns):
            objects, old = watched.setdefault(src, ([], set()))
            objects.append(obj)
            old.add(_identity(obj))
    for obj in session.deleted:
        src = SOURCES.get(type(obj))
        if src is not None:
            watched.setdefault(src, ([], set()))[1].add(_identity(obj))
    if not watched:
        session.info.pop(_PENDING, None)
        return
    conn = session.connection()
    session.info[_PENDING] = [(src, objects, _states(conn, src, {i for i in old if i is not None})) for src, (objects, old)
                              in watched.items()]


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    conn = session.connection()
    delta = Delta()
    for src, objects, before in pending:
        ids = {i for i in (_identity(obj) for obj in objects) if i is not None} | set(before)
        _difference(conn, src, before, _states(conn, src, ids), delta)
    _apply_or_defer(session, delta)


def _statement_ids(state: ORMExecuteState, src: Source, conn: Connection) -> list[int]:
    """The ids of the rows an UPDATE/DELETE/INSERT run through the Session touches."""
    params = state.parameters
    if isinstance(params, (list, tuple)) and params:  # executemany: bulk by primary key
        try:
            return [int(p["id"]) for p in params]
        except (KeyError, TypeError, ValueError):
            raise RollupError(f"a bulk write of {src.table.name} through the Session must name each row's id; "
                              "add objects with Session.add instead") from None
    stmt = state.statement
    single = params if isinstance(params, Mapping) else {}
    if state.is_insert:
        values = getattr(stmt, "_values", None) or {}
        key = next((v for k, v in values.items() if getattr(k, "key", k) == "id"), None)
        value = getattr(key, "value", None) if key is not None else single.get("id")
        if value is None:
            raise RollupError(f"an INSERT into {src.table.name} through the Session must give the id; "
                              "add objects with Session.add instead")
        return [int(value)]
    query = select(src.table.c.id)
    where = getattr(stmt, "whereclause", None)  # an UPDATE or DELETE
    if where is not None:
        query = query.where(where)
    return list(conn.execute(query, dict(single)).scalars())


def _on_execute(state: ORMExecuteState):
    if not (state.is_update or state.is_delete or state.is_insert):
        return None
    table_name = getattr(getattr(state.statement, "table", None), "name", None)
    if table_name == CustomsDistrict.__tablename__ and not state.is_insert:
        state.session.info[_TREE_CHANGED] = True
    src = SOURCES_BY_TABLE.get(table_name) if table_name else None
    if src is None:
        return None
    session = state.session
    session.flush()  # pending objects first, with their own differences
    conn = session.connection()
    ids = _statement_ids(state, src, conn)
    before = {} if state.is_insert else _states(conn, src, ids)
    result = state.invoke_statement()
    frozen = result.freeze() if getattr(result, "returns_rows", True) else None  # RETURNING: read rows first
    delta = Delta()
    _difference(conn, src, before, _states(conn, src, ids), delta)
    _apply_or_defer(session, delta)
    return frozen() if frozen is not None else result  # no rows: the caller keeps rowcount


def install() -> None:
    """Register the listeners on the Session class (once): every session of every factory runs them."""
    for name, fn in (("before_flush", _before_flush), ("after_flush", _after_flush),
                     ("do_orm_execute", _on_execute), ("before_commit", _before_commit),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


install()


# --- recounting (the trends at commit here; everything: data/statistics/rebuild.py) ---------


class SqlParts:
    """The few expressions that differ between SQLite and PostgreSQL; constants inline (GROUP BY safe)."""

    def __init__(self, conn: Connection):
        self.pg = conn.dialect.name == "postgresql"
        _insert_for(conn)  # refuse other backends early

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


def rebuild_trend(conn: Connection, sql: SqlParts) -> None:
    """The trend rows of every district's subtree, summed from the month rows by type (2) and destination (4)."""
    conn.execute(delete(TREND.table))
    r = CERTIFICATES.table.c
    with_data = set(conn.scalars(select(r.district_code).where(r.grouping == 1, r.grain == MONTH).distinct()))
    below: dict[str, set[str]] = {ALL: with_data}
    for code, chain in district_chains(conn).items():
        if code in with_data:
            for root in chain:
                below.setdefault(root, set()).add(code)
    names = list(TREND.keys + TREND.measures)
    for root, codes in sorted(below.items()):
        for dimension, grouping, column in ((TYPE, 2, r.cert_type_code), (DESTINATION, 4, r.dest_country)):
            query = select(sql.const(root), sql.const(dimension), sql.const(MONTH), column, r.period,
                           func.sum(r.certificates)).where(r.grouping == grouping, r.grain == MONTH)
            if root != ALL:
                query = query.where(r.district_code.in_(sorted(codes)))
            conn.execute(TREND.table.insert().from_select(names, query.group_by(column, r.period)))
