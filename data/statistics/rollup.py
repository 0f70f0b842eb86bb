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
  17    issue day  entry method, signing method, status   day+mon  the explorer: printed, by signing method
  22    issue day  type, signing method, status           day+mon  the explorer: cloud signing by type
  6     recv. day  none                                   day+mon  received-date filter; cloud usage
  7     recv. day  entry method                           day+mon  cloud usage by entry method (5.9.3)
  12    issue day  currency                               day+mon  the explorer: value of goods
  10    issue day  type, destination                      day+mon  the explorer: destinations by type
  13    issue day  type, destination, currency            day+mon  the explorer: value by type, destination
  15    issue day  dest., signing, status, currency       day+mon  the explorer: destinations by signing
  14    issue day  all but destination and received date  day+mon  the explorer: mixes without destination
  16    issue day  all but type and received date         day+mon  the explorer: mixes without the type
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

  Subtree groupings 18, 19, 20 and 21 hold the rows of 4, 10, 13 and 15 summed over the whole subtree of each
  district with a district below it (``district_code`` is that district; ``*``: every district), as ``stats_trend``
  does for months: a certificate adds to each district above it, to its own if it has houses, and to ``*``. A leaf's
  sums would be its own rows again (two thirds of the subtree rows at ten million certificates): its own are read.
  A query not split by district that asks for whole subtrees reads its roots' rows (`data.statistics.sums`): a
  quarter of destinations by type for a district with ten houses was ~30,000 month rows at ten million
  certificates, now ~7,000.

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
The listeners (data/statistics/tracking.py) are registered on the Session class when data/core/db.py imports them.
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
    Connection,
    Table,
    and_,
    delete,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from dashboard.core.clock import CHINA_FIXED as CHINA  # issue and received dates are China dates
from data.models import (
    ROLLUP_MEASURES,
    SUBTREE_GROUPINGS,
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
MEASURES = ROLLUP_MEASURES
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
    Grouping(22, ISSUE, frozenset({"cert_type_code", "signing_method", "status"}), (DAY, MONTH)),
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
# subtree sums of the groupings by destination (base id -> its subtree grouping): `district_code` holds the district
# whose whole subtree is summed, or ALL for every district. A query not split by district reads one root's rows where
# the base grouping has a row per district of the subtree and kept value (e.g. 11 districts x 2,700 destinations and
# types a month at ten million certificates)
_BY_ID = {g.id: g for g in GROUPINGS}
SUBTREES: dict[int, Grouping] = {base: Grouping(sub, ISSUE, _BY_ID[base].dims, _BY_ID[base].grains)
                                 for base, sub in ((4, 18), (10, 19), (13, 20), (15, 21))}
assert {g.id: g.dims for g in SUBTREES.values()} == {g: frozenset(kept) for g, kept in SUBTREE_GROUPINGS.items()}


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


class Chains(dict[str, tuple[str, ...]]):
    """District -> itself and the districts above it, nearest first; `inner`: the districts with one below them
    (the roots of subtree sums: a leaf's subtree sums would repeat its own rows)."""

    inner: frozenset[str] = frozenset()

    def roots(self, code: str) -> tuple[str, ...]:
        """The districts whose subtree sums a certificate of `code` adds to, and ALL."""
        chain = self.get(code, (code,))
        return (*(chain if code in self.inner else chain[1:]), ALL)


def district_chains(conn: Connection) -> Chains:
    """Each district with the districts above it (a broken or circular tree stops where it breaks)."""
    parents: dict[str, str | None] = {code: parent for code, parent in
                                      conn.execute(select(CustomsDistrict.code, CustomsDistrict.parent_code))}
    chains = Chains()
    for code in parents:
        chain, current = [code], parents.get(code)
        while current is not None and current not in chain and current in parents:
            chain.append(current)
            current = parents[current]
        chains[code] = tuple(chain)
    chains.inner = frozenset(chain[1] for chain in chains.values() if len(chain) > 1)
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
        dims = _kept(g, values)
        for grain in g.grains:
            yield CERTIFICATES, (g.id, grain, day if grain == DAY else month_of(day), c.district_code, *dims), measures
    roots = chains.roots(c.district_code)
    for sub in SUBTREES.values():
        dims = _kept(sub, values)
        for grain in sub.grains:
            day = c.issue_date if grain == DAY else month
            for root in roots:
                yield CERTIFICATES, (sub.id, grain, day, root, *dims), measures


def _kept(g: Grouping, values: Mapping[str, Any]) -> tuple:
    return tuple(values[d] if d in g.dims else NO_DAY if d == "received_date" else ALL for d in DIMENSIONS)


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


def batched(items: Sequence, size: int) -> Iterator[Sequence]:
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


def insert_for(conn: Connection):
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise RollupError(f"statistics rollups support SQLite and PostgreSQL, not {name}")


def _upsert(conn: Connection, spec: RollupTable, items: list[tuple[tuple, list[int]]]) -> None:
    """Add the measures to their rows, creating missing rows; drop emptied ones where the table says so."""
    make_insert = insert_for(conn)
    t = spec.table
    names = spec.keys + spec.measures
    # one statement of one row, run for every row (executemany): compiled once and cached, where a multi-row
    # VALUES statement was compiled again for every number of rows (most of the time of a large flush)
    stmt = make_insert(t)
    stmt = stmt.on_conflict_do_update(index_elements=[t.c[k] for k in spec.keys],
                                      set_={m: t.c[m] + stmt.excluded[m] for m in spec.measures})
    for chunk in batched(items, ROWS_PER_EXECUTE):
        conn.execute(stmt, [dict(zip(names, (*key, *values))) for key, values in chunk])
    if spec.drop_empty:
        empty = and_(*(t.c[m] == 0 for m in spec.measures))
        for chunk in batched([key for key, _ in items], 200):
            conn.execute(delete(t).where(empty, or_(*(and_(*(t.c[k] == v for k, v in zip(spec.keys, key)))
                                                      for key in chunk))))


def stored_states(conn: Connection, src: Source, ids: Iterable[int]) -> dict[int, tuple]:
    """The stored state of these rows, by id (missing ids: no row)."""
    ids = sorted(set(ids))
    found: dict[int, tuple] = {}
    cols = [src.table.c[name] for name in src.columns]
    for chunk in batched(ids, 500):
        for row in conn.execute(select(src.table.c.id, *cols).where(src.table.c.id.in_(chunk))):
            found[row[0]] = src.state(*row[1:])
    return found


def add_difference(conn: Connection, src: Source, before: dict[int, tuple], after: dict[int, tuple],
                delta: Delta) -> None:
    chains = district_chains(conn) if src.needs_tree and (before or after) else Chains()
    for state in before.values():
        delta.add(src.rows(state, chains), -1)
    for state in after.values():
        delta.add(src.rows(state, chains), +1)
