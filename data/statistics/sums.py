"""Reading the statistics rollups: the district tree an actor may see, and sums over the certificate rollup
(`stats_certificate`, data/statistics/rollup.py) for any mix of filters, periods and groupings. The fixed
reports (data/statistics/reports.py) and the explorer (data/statistics/explorer.py) read through these."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import BigInteger, ColumnElement, func, literal_column, select, true, union_all
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.scope import AccessDenied, Actor
from data.models import CustomsDistrict
from data.statistics.rollup import (
    ALL,
    CERTIFICATES,
    DAY,
    DIMENSIONS,
    FULL,
    ISSUE,
    MONTH,
    NO_COUNTRY,
    NO_DAY,
    RECEIVED,
    SUBTREES,
    TURNAROUND_EDGES,
    Grouping,
    choose_grouping,
)

PERMISSION = Perm.STATS_VIEW
SIGNING_METHODS = ("cloud", "paper")


# --- scope: the district tree the actor may see -------------------------------------------------


@dataclass(frozen=True)
class District:
    code: str
    parent_code: str | None
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Tree:
    """The districts an actor may see, with their children in display order."""

    districts: dict[str, District]
    children: dict[str | None, tuple[str, ...]]  # None: the districts at the top of the actor's view
    everything: bool  # administrators: no district condition needed
    whole: frozenset[str] = frozenset()  # districts whose whole subtree (in the stored tree) the actor sees
    inner: frozenset[str] = frozenset()  # districts with a district below them (in the stored tree)

    def subtree(self, code: str | None) -> list[str]:
        """The code and every visible district below it, depth first (None: every visible district)."""
        out: list[str] = []
        stack = [code] if code is not None else list(reversed(self.children.get(None, ())))
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.children.get(current, ())))
        return out

    def path(self, code: str | None) -> tuple[District, ...]:
        """The districts from the top of the actor's view down to `code`."""
        found: list[District] = []
        while code is not None and code in self.districts:
            found.append(self.districts[code])
            code = self.districts[code].parent_code
        return tuple(reversed(found))

    def depth(self, code: str) -> int:
        return len(self.path(code)) - 1

    def default_root(self) -> str | None:
        """Where a report starts: the actor's own district (None: all of them, for administrators)."""
        tops = self.children.get(None, ())
        return tops[0] if len(tops) == 1 and not self.everything else None

    def roots(self, codes: Sequence[str]) -> list[str] | None:
        """The districts whose subtree sums (subtree groupings) add up to exactly `codes`: ALL for every district,
        else the codes without their parent among them; None when `codes` is not a union of whole subtrees, or a
        leaf's (which has no subtree sums: its own rows are the same)."""
        if self.everything and len(codes) == len(self.districts):
            return [ALL]
        asked = set(codes)
        tops = sorted(c for c in asked if c in self.districts and self.districts[c].parent_code not in asked)
        if not tops or any(top not in self.whole or top not in self.inner for top in tops):
            return None
        return tops if asked == {c for top in tops for c in self.subtree(top)} else None

    def condition(self, column, codes: Sequence[str]) -> ColumnElement[bool]:
        """`column IN codes`, or nothing to check when the actor sees everything and asks for all of it."""
        if self.everything and len(codes) == len(self.districts):
            return true()
        return column.in_(sorted(codes))


def district_tree(s: Session, actor: Actor) -> Tree:
    """The district tree of the statistics the actor may read; AccessDenied for anyone else."""
    actor.require(PERMISSION)
    if not actor.is_admin and not (actor.is_customs and actor.district_codes):
        raise AccessDenied(PERMISSION)
    stored = {code: District(code, parent, zh, en) for code, parent, zh, en in s.execute(
        select(CustomsDistrict.code, CustomsDistrict.parent_code, CustomsDistrict.name_zh, CustomsDistrict.name_en)
        .order_by(CustomsDistrict.sort, CustomsDistrict.code))}
    everything = actor.is_admin
    districts = stored if everything else {k: d for k, d in stored.items() if k in actor.district_codes}
    children: dict[str | None, list[str]] = {}
    for d in districts.values():  # insertion order is the display order
        children.setdefault(d.parent_code if d.parent_code in districts else None, []).append(d.code)
    # a district's whole subtree is seen unless a district below it is not (a scope that is not a subtree)
    whole = set(districts)
    for code, d in stored.items():
        if code not in districts:
            seen, parent = {code}, d.parent_code
            while parent is not None and parent in stored and parent not in seen:
                whole.discard(parent)
                seen.add(parent)
                parent = stored[parent].parent_code
    inner = frozenset(d.parent_code for d in stored.values() if d.parent_code is not None)
    return Tree(districts, {k: tuple(v) for k, v in children.items()}, everything, frozenset(whole), inner)


def report_root(tree: Tree, asked: str | None) -> tuple[str | None, bool]:
    """The district a report is about, and whether the actor may see it (a forged one: False)."""
    if not asked:
        return tree.default_root(), True
    return (asked, True) if asked in tree.districts else (None, False)


def histogram_percentile(counts: Sequence[int], q: float) -> float | None:
    """The q-quantile (0..1) of seconds counted in TURNAROUND_EDGES buckets, interpolated in its bucket.

    The last bucket is open: a quantile falling there is reported as its lower edge (30 days).
    """
    n = sum(counts)
    if n == 0:
        return None
    rank, below = q * n, 0
    for k, c in enumerate(counts):
        if c and below + c >= rank:
            low = TURNAROUND_EDGES[k - 1] if k else 0
            if k == len(TURNAROUND_EDGES):
                return float(low)
            return low + (TURNAROUND_EDGES[k] - low) * max(0.0, rank - below) / c
        below += c
    return float(TURNAROUND_EDGES[-1])


# --- reading the certificate rollup -------------------------------------------------------------


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def period_spans(lo: date | None, hi: date | None, grains: Sequence[str]) -> list[tuple[str, date | None, date | None]]:
    """Cover the days lo..hi (None: open) with whole months (month rows) and the days at either end."""
    if lo is not None and hi is not None and lo > hi:
        return []
    if MONTH not in grains:
        return [(DAY, lo, hi)]
    first = lo if lo is None or lo.day == 1 else month_end(lo) + timedelta(days=1)  # first whole month
    last = hi if hi is None or hi == month_end(hi) else hi.replace(day=1) - timedelta(days=1)  # end of last one
    if first is not None and last is not None and first > last:  # no whole month inside
        return [(DAY, lo, hi)]
    spans: list[tuple[str, date | None, date | None]] = []
    if lo is not None and first is not None and first != lo:
        spans.append((DAY, lo, first - timedelta(days=1)))
    spans.append((MONTH, first, None if last is None else last.replace(day=1)))
    if hi is not None and last is not None and last != hi:
        spans.append((DAY, last + timedelta(days=1), hi))
    return spans


def signed_spans(lo: date | None, hi: date | None,
                 grains: Sequence[str]) -> list[tuple[str, date | None, date | None, int]]:
    """`period_spans` with signs: a partial month at either end whose days left out are fewer than its days
    asked for is read as its month row (+1) less the day rows of the days left out (-1), which is exact (every
    measure is a sum) and reads fewer rows: the rest of the current month has no rows yet, and a range from the
    2nd of a month reads one day, not thirty. With a period group, those -1 rows come keyed by their days: sum
    them by month or coarser, as the explorer does."""
    out: list[tuple[str, date | None, date | None, int]] = []
    for grain, a, b in period_spans(lo, hi, grains):
        if grain != DAY or a is None or b is None or MONTH not in grains:
            out.append((grain, a, b, 1))
            continue
        while a <= b:  # one piece per month
            start, end = a.replace(day=1), month_end(a)
            last = min(b, end)
            asked, month_days = (last - a).days + 1, (end - start).days + 1
            if month_days - asked < asked:
                out.append((MONTH, start, start, 1))
                out += [(DAY, x, y, -1) for x, y in ((start, a - timedelta(days=1)), (last + timedelta(days=1), end))
                        if x <= y]
            else:
                out.append((DAY, a, last, 1))
            a = last + timedelta(days=1)
    return out


def filter_text(value) -> str | None:
    """A filter value as the browser sent it: text or nothing (anything else is ignored)."""
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class RollupQuery:
    """One sum over the certificate rollup."""

    issue: tuple[date | None, date | None] = (None, None)
    received: tuple[date | None, date | None] = (None, None)
    equal: dict[str, str] = field(default_factory=dict)  # dimension -> value
    within: tuple[str, tuple[str, ...]] | None = None  # (dimension, the values it may take)
    signing: str | None = None
    group: tuple[str, ...] = ()  # dimensions (and "period") to group by
    per_district: bool = True  # group by district first (False: the districts' sum)
    measures: tuple[str, ...] = ("certificates",)
    axis: str = ISSUE  # RECEIVED: `received` is the period (the cloud-signing page)
    days: bool = False  # read day rows only (a grouping by day or week), not whole months


def plan(q: RollupQuery) -> tuple[Grouping, tuple[date | None, date | None] | None, tuple | None, dict[str, str],
                              str | None]:
    """Pick the grouping; return it, the period range, a received-date condition (full grouping only),
    the equality filters and the signing method left to the measures (None: filtered as a dimension)."""
    equal = dict(q.equal)
    signing = q.signing
    if signing is not None and (q.measures != ("certificates",) or signing not in SIGNING_METHODS):
        equal["signing_method"], signing = signing, None  # printed/copies by signing method: a dimension
    dims = set(equal) | {d for d in q.group if d in DIMENSIONS} | ({q.within[0]} if q.within else set())
    has_issue, has_received = any(x is not None for x in q.issue), any(x is not None for x in q.received)
    if q.axis == RECEIVED or (has_received and not has_issue):
        g = choose_grouping(RECEIVED, dims)
        if g is not FULL:
            return g, q.received, None, equal, signing
        return FULL, None, q.received, equal, signing
    if has_received:
        return FULL, q.issue, q.received, equal, signing
    return choose_grouping(ISSUE, dims), q.issue, None, equal, signing


def rollup_measure(r, name: str, signing: str | None, sign: ColumnElement | None = None) -> ColumnElement:
    """A sum of the rollup; certificates of one signing method from the cloud-signed count beside them; each row
    times `sign` where some rows are taken away (`signed_spans`)."""
    if name == "certificates" and signing == "cloud":
        value = r.cloud
    elif name == "certificates" and signing == "paper":
        value = r.certificates - r.cloud
    else:
        value = r[name]
    # a whole number: PostgreSQL's sum of a bigint (value_cents) is a numeric, read as a Decimal
    return func.sum(value if sign is None else value * sign).cast(BigInteger)


def sum_certificates(s: Session, tree: Tree, codes: Sequence[str], q: RollupQuery) -> list[tuple]:
    """Rows of (district, *group values, *measures) summed over the rollup rows matching `q`
    (without the district when `q.per_district` is False)."""
    if not codes:
        return []
    r = CERTIFICATES.table.c
    g, period, received, equal, signing = plan(q)
    district = tree.condition(r.district_code, codes)
    roots = tree.roots(codes) if g.id in SUBTREES and not q.per_district else None
    if roots is not None:  # whole subtrees, not split by district: their roots' sums
        g, district = SUBTREES[g.id], r.district_code.in_(roots)
    # the grouping inline, not a parameter: a partial index (grouping 4's destinations) is chosen by it
    where = [r.grouping == literal_column(str(g.id)), district]
    spans: list[tuple[str, date | None, date | None, int]] = []
    if period is not None:
        spans = signed_spans(period[0], period[1], (DAY,) if q.days else g.grains)
        if not spans:
            return []
    else:
        where.append(r.grain == (MONTH if MONTH in g.grains and not q.days else DAY))
    if received is not None:
        where.append(r.received_date != NO_DAY)
        if received[0] is not None:
            where.append(r.received_date >= received[0])
        if received[1] is not None:
            where.append(r.received_date <= received[1])
    for dim, value in equal.items():
        where.append(r[dim] == (value if dim != "dest_country" else value or NO_COUNTRY))
    if q.within is not None:
        where.append(r[q.within[0]].in_(q.within[1]))
    keys = [r.district_code] * q.per_district + [r[name] for name in q.group]

    def summed(span: tuple[str, date | None, date | None, int] | None):
        if span is None:
            return select(*keys, *(rollup_measure(r, m, signing) for m in q.measures)).where(*where).group_by(*keys)
        grain, lo, hi, sign = span
        within = [r.grain == grain, *([r.period >= lo] if lo else []), *([r.period <= hi] if hi else [])]
        return (select(*(k.label(f"k{i}") for i, k in enumerate(keys)),
                       *(rollup_measure(r, m, signing, literal_column("-1") if sign < 0 else None).label(f"m{j}")
                         for j, m in enumerate(q.measures)))
                .where(*where, *within).group_by(*keys))

    # rows fetched at once (iterating a result fetches them one by one: 2 us a row at thousands of rows)
    if len(spans) <= 1:
        return [tuple(row) for row in s.execute(summed(spans[0] if spans else None)).all()]
    # one sum per span (each a range of the key's grain and period, which both stores read from the index;
    # SQLite read the whole grouping for their OR: 115 ms for a quarter at a million certificates, now 10),
    # then their sum, the days left out subtracted
    parts = union_all(*(summed(span) for span in spans)).subquery()
    out_keys = [parts.c[f"k{i}"] for i in range(len(keys))]
    # whole numbers again (PostgreSQL's sum of a bigint is a numeric, read as a Decimal: a microsecond each, and an
    # object column in pandas)
    return [tuple(row) for row in s.execute(
        select(*out_keys, *(func.sum(parts.c[f"m{j}"]).cast(BigInteger) for j in range(len(q.measures))))
        .group_by(*out_keys)).all()]


