"""Statistics for customs-district managers (Liaoning manual 5.9): issuance by district, cloud-signing
usage, monthly trends, review turnaround and backlog.

Every function takes `(s, actor, filters)`, needs `stats.view`, and reads only the actor's district
subtree (administrators: every district; anyone else: AccessDenied). A district asked for outside
that subtree - a forged callback - gives an empty report (`found=False`), never other districts'
figures. Figures come from the rollups of `data/statistics/rollup.py` (one row per period and kept value, not
per certificate) and are rolled up along the district tree here, so a parent's total is always its
own figure plus its children's totals.

Definitions (Liaoning 5.9.3 云签发应用情况, "本页面统计数据以ECIQ收单日期为准"): the cloud-signing
figures of a district are counted by received date (收单日期): certificates in all, *printed by
ECIQ* (printed on paper at least once; their paper copies in all), *cloud-signed*; the share of
cloud signing is cloud-signed / certificates. *Cloud-signed approved in the period* (期间"云签发"
审核通过量) counts the cloud-signed certificates issued - approved and signed - in the period, by
issue date whatever their received date, which is why it can exceed the cloud-signed count of the
same period, as in the manual's own table (0980: 2,540 cloud-signed, 3,283 approved).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from data.core.scope import Actor
from data.models import CertificateType, DictEntry
from data.reference.lookup import active_entries
from data.statistics.rollup import (
    ALL,
    BACKLOG,
    DAY,
    DESTINATION,
    MONTH,
    NO_COUNTRY,
    RECEIVED,
    TREND,
    TURNAROUND,
    TYPE,
    WAITING,
    month_of,
)
from data.statistics.sums import (
    District,
    RollupQuery,
    Tree,
    district_tree,
    filter_text,
    histogram_percentile,
    month_end,
    period_spans,
    report_root,
    sum_certificates,
)

OTHERS = "*"  # the series of the destinations after the top ones
AGE_BUCKETS = ((0, 0), (1, 2), (3, 6), (7, 13), (14, None))  # days waiting since submission (China dates)
CERT_STATUSES = ("valid", "replaced", "withdrawn")
ENTRY_METHODS = ("blank", "similar", "template", "smart_import")


@dataclass(frozen=True)
class DistrictOption:
    code: str
    name_zh: str
    name_en: str
    depth: int


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the visible districts (tree order), certificate types, countries, currencies."""

    districts: tuple[DistrictOption, ...]
    cert_types: tuple[tuple[str, str, str], ...]  # code, name_zh, name_en
    countries: tuple[tuple[str, str, str], ...]
    default_district: str | None
    currencies: tuple[tuple[str, str, str], ...] = ()  # code, name_zh, name_en


def stats_choices(s: Session, actor: Actor) -> Choices:
    """The district picker (only what the actor may see) and the lists of the other filters."""
    tree = district_tree(s, actor)
    districts = tuple(DistrictOption(c, tree.districts[c].name_zh, tree.districts[c].name_en, tree.depth(c))
                      for c in tree.subtree(None))
    types = tuple(s.execute(select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en)
                            .where(CertificateType.active.is_(True)).order_by(CertificateType.sort, CertificateType.code)))
    return Choices(districts, tuple(tuple(t) for t in types), tuple(active_entries(s, "country")),
                   tree.default_root(), tuple(active_entries(s, "currency")))


# --- issuance by district (发证信息查询) ----------------------------------------------------------


@dataclass(frozen=True)
class IssuanceFilter:
    issue_from: date | None = None
    issue_to: date | None = None
    received_from: date | None = None
    received_to: date | None = None
    district: str | None = None  # the district whose subtree is shown (drill-down level)
    cert_type: str | None = None
    dest_country: str | None = None
    entry_method: str | None = None
    signing_method: str | None = None
    status: str | None = None

    def query(self) -> RollupQuery:
        equal = {dim: value for dim, value in (("cert_type_code", filter_text(self.cert_type)),
                                               ("dest_country", filter_text(self.dest_country)),
                                               ("entry_method", filter_text(self.entry_method)),
                                               ("status", filter_text(self.status))) if value is not None}
        return RollupQuery(issue=(self.issue_from, self.issue_to), received=(self.received_from, self.received_to),
                      equal=equal, signing=filter_text(self.signing_method))


@dataclass(frozen=True)
class DistrictCount:
    code: str
    name_zh: str
    name_en: str
    own: int  # issued by the district itself
    total: int  # own + every district below it
    has_children: bool  # visible districts below it: a bar to drill into


@dataclass(frozen=True)
class IssuanceReport:
    found: bool  # False: the district asked for is outside the actor's scope; nothing is shown
    path: tuple[District, ...]  # breadcrumb from the top of the actor's view down to the root
    root: DistrictCount | None  # None: all districts (administrators' top level)
    rows: tuple[DistrictCount, ...]  # the root's children with any certificate, display order
    total: int  # root's own + the rows' totals
    by_type: tuple[TypeCount, ...] = ()  # at a district without subordinate houses: its figure by certificate type


@dataclass(frozen=True)
class TypeCount:
    code: str
    name_zh: str
    name_en: str
    certificates: int


def _rolled_up(tree: Tree, own: dict[str, int], root: str | None) -> dict[str, int]:
    """Subtree totals of every district under `root` (itself included)."""
    totals: dict[str, int] = {}
    for code in reversed(tree.subtree(root)):  # children before parents
        totals[code] = own.get(code, 0) + sum(totals[c] for c in tree.children.get(code, ()))
    return totals


def _count(tree: Tree, code: str, own: dict[str, int], totals: dict[str, int]) -> DistrictCount:
    d = tree.districts[code]
    return DistrictCount(code, d.name_zh, d.name_en, own.get(code, 0), totals.get(code, 0),
                         bool(tree.children.get(code)))


def issuance_by_district(s: Session, actor: Actor, f: IssuanceFilter) -> IssuanceReport:
    """Certificates issued per district below the chosen one, rolled up along the district tree."""
    tree = district_tree(s, actor)
    root, found = report_root(tree, filter_text(f.district))
    if not found:
        return IssuanceReport(False, (), None, (), 0)
    codes = tree.subtree(root)
    own = {code: int(n or 0) for code, n in sum_certificates(s, tree, codes, f.query())}
    totals = _rolled_up(tree, own, root)
    children = tree.children.get(root, ())
    rows = tuple(_count(tree, c, own, totals) for c in children if totals.get(c))
    root_count = _count(tree, root, own, totals) if root is not None else None
    total = (root_count.own if root_count else 0) + sum(r.total for r in rows)
    by_type: tuple[TypeCount, ...] = ()
    if root_count is not None and not root_count.has_children and total:  # the last level: one bar says little
        q = f.query()
        by_code = RollupQuery(issue=q.issue, received=q.received, equal=q.equal, signing=q.signing,
                         group=("cert_type_code",), per_district=False)
        counts: dict[str, int] = dict(sum_certificates(s, tree, [root_count.code], by_code))
        names = {code: (zh, en) for code, zh, en in s.execute(
            select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en)
            .where(CertificateType.code.in_(list(counts))))}
        by_type = tuple(TypeCount(code, *names.get(code, (code, code)), int(n or 0))
                        for code, n in sorted(counts.items(), key=lambda kv: (-int(kv[1] or 0), kv[0])) if n)
    return IssuanceReport(True, tree.path(root), root_count, rows, total, by_type)


# --- cloud-signing usage (云签发应用情况) ----------------------------------------------------------


@dataclass(frozen=True)
class CloudFilter:
    received_from: date | None = None
    received_to: date | None = None
    entry_method: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class CloudRow:
    code: str
    name_zh: str
    name_en: str
    certificates: int  # received in the period
    printed: int  # of which printed by ECIQ (on paper at least once)
    copies: int  # paper copies printed in all
    cloud: int  # of which cloud-signed
    cloud_approved: int  # cloud-signed certificates issued in the period (by issue date)

    @property
    def share(self) -> float | None:
        """Share of cloud signing: cloud-signed / certificates received."""
        return self.cloud / self.certificates if self.certificates else None


@dataclass(frozen=True)
class CloudReport:
    found: bool
    rows: tuple[CloudRow, ...]  # every district of the subtree with a figure, tree order, own figures
    total: CloudRow


def cloud_signing_usage(s: Session, actor: Actor, f: CloudFilter) -> CloudReport:
    """Per district: certificates received, printed by ECIQ, cloud-signed, cloud-signed approved, share."""
    tree = district_tree(s, actor)
    root, found = report_root(tree, filter_text(f.district))
    empty = CloudRow("", "", "", 0, 0, 0, 0, 0)
    if not found:
        return CloudReport(False, (), empty)
    codes = tree.subtree(root)
    entry = filter_text(f.entry_method)
    equal = {"entry_method": entry} if entry else {}
    received = {row[0]: row[1:] for row in sum_certificates(s, tree, codes, RollupQuery(
        received=(f.received_from, f.received_to), equal=equal, axis=RECEIVED,
        measures=("certificates", "printed", "copies", "cloud")))}
    approved = {row[0]: row[1] for row in sum_certificates(s, tree, codes, RollupQuery(
        issue=(f.received_from, f.received_to), equal=equal, measures=("cloud",)))}
    rows = []
    for code in codes:
        figures = tuple(int(x or 0) for x in received.get(code, (0, 0, 0, 0))) + (int(approved.get(code) or 0),)
        if any(figures):
            d = tree.districts[code]
            rows.append(CloudRow(code, d.name_zh, d.name_en, *figures))
    total = CloudRow("", "", "", *(sum(getattr(r, name) for r in rows) for name in
                                   ("certificates", "printed", "copies", "cloud", "cloud_approved")))
    return CloudReport(True, tuple(rows), total)


# --- trends -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendFilter:
    month_from: date | None = None  # any day of the first month
    month_to: date | None = None  # any day of the last month
    district: str | None = None

    def days(self) -> tuple[date | None, date | None]:
        return (month_of(self.month_from) if self.month_from else None,
                month_end(self.month_to) if self.month_to else None)


@dataclass(frozen=True)
class Series:
    key: str  # certificate type or country code; OTHERS for the rest; "" for no destination
    name_zh: str
    name_en: str
    values: tuple[int, ...]  # one per month of MonthlySeries.months

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class MonthlySeries:
    found: bool
    months: tuple[date, ...]  # first days
    series: tuple[Series, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(col) for col in zip(*(s.values for s in self.series))) or (0,) * len(self.months)


def _months(lo: date, hi: date) -> tuple[date, ...]:
    months, current = [], month_of(lo)
    while current <= hi:
        months.append(current)
        current = month_end(current) + timedelta(days=1)
    return tuple(months)


def trend_sums(s: Session, tree: Tree, root: str | None, dim: str, lo: date | None, hi: date | None,
                group: tuple[str, ...], values: tuple[str, ...] | None = None) -> list[tuple]:
    """Certificates of `root`'s subtree summed by `group` ("period", "value"), for type or destination.

    Read from stats_trend (one row per month and value for the whole subtree) when the report is
    about one district or about everything; otherwise summed over the districts' own rows.
    """
    if root is None and not tree.everything:  # several districts at the top of the view
        column = {"value": dim, "period": "period"}
        return sum_certificates(s, tree, tree.subtree(None), RollupQuery(
            issue=(lo, hi), group=tuple(column[g] for g in group), per_district=False,
            within=(dim, values) if values is not None else None))
    t = TREND.table.c
    where = [t.root_code == (root or ALL), t.dimension == (TYPE if dim == "cert_type_code" else DESTINATION),
             t.grain == MONTH, *([t.period >= lo] if lo else []), *([t.period <= hi] if hi else []),
             *([t.value.in_(values)] if values is not None else [])]
    keys = [t[g] for g in group]
    return [tuple(row) for row in s.execute(select(*keys, func.sum(t.certificates)).where(*where).group_by(*keys))]


def issuance_by_month(s: Session, actor: Actor, f: TrendFilter, by: str, top: int = 8) -> MonthlySeries:
    """Certificates issued per month, one series per certificate type (by="type") or destination
    (by="destination": the `top` countries with most certificates, then one series of the others)."""
    dim = {"type": "cert_type_code", "destination": "dest_country"}.get(by)
    if dim is None:
        raise ValueError(f"unknown breakdown {by!r}")
    tree = district_tree(s, actor)
    root, found = report_root(tree, filter_text(f.district))
    if not found:
        return MonthlySeries(False, (), ())
    lo, hi = f.days()
    month_totals: list[tuple] = []
    if dim == "dest_country":  # rank the countries first, then read the months of the top ones only
        totals = {key: int(n or 0) for key, n in trend_sums(s, tree, root, dim, lo, hi, ("value",))}
        ranked = sorted((k for k, n in totals.items() if n), key=lambda k: (-totals[k], k))
        shown = tuple(ranked if len(ranked) <= top + 1 else ranked[:top])
        rows = trend_sums(s, tree, root, dim, lo, hi, ("period", "value"), shown) if shown else []
        if len(shown) < len(ranked):  # every certificate once: the months' totals over the types
            month_totals = trend_sums(s, tree, root, "cert_type_code", lo, hi, ("period",))
    else:
        rows = trend_sums(s, tree, root, dim, lo, hi, ("period", "value"))
    by_key: dict[str, dict[date, int]] = {}
    for period, key, n in rows:
        months = by_key.setdefault(key, {})
        months[month_of(period)] = months.get(month_of(period), 0) + int(n or 0)
    seen = [m for counts in by_key.values() for m in counts]
    if not seen:
        return MonthlySeries(True, _months(lo, hi) if lo and hi else (), ())
    shown = _months(lo or min(seen), hi or max(seen))
    keys = sorted(by_key, key=lambda k: (-sum(by_key[k].values()), k))
    names = _names(s, dim, keys)
    series = [Series(k, *names.get(k, (k, k)), tuple(by_key[k].get(m, 0) for m in shown)) for k in keys]
    if month_totals:
        everything: dict[date, int] = {}
        for period, n in month_totals:
            everything[month_of(period)] = everything.get(month_of(period), 0) + int(n or 0)
        series.append(Series(OTHERS, "其他", "Others", tuple(everything.get(m, 0) - sum(x.values[i] for x in series)
                                                            for i, m in enumerate(shown))))
    return MonthlySeries(True, shown, tuple(series))


def _names(s: Session, dim: str, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    keys = [k for k in keys if k]
    if dim == "cert_type_code":
        query = select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en).where(
            CertificateType.code.in_(keys))
    else:
        query = select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en).where(
            DictEntry.dictionary == "country", DictEntry.code.in_(keys))
    names = {code: (zh, en) for code, zh, en in s.execute(query)} if keys else {}
    names[NO_COUNTRY] = ("未填目的地", "No destination")
    return names


# --- review turnaround (submission -> approval) --------------------------------------------------


@dataclass(frozen=True)
class TurnaroundRow:
    code: str  # "" for the whole of the report
    name_zh: str
    name_en: str
    approvals: int
    mean_seconds: float | None
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True)
class TurnaroundReport:
    found: bool
    rows: tuple[TurnaroundRow, ...]  # the root's children with approvals (their whole subtree each)
    total: TurnaroundRow  # the root's subtree


def _turnaround_row(code: str, names: tuple[str, str], hist: Sequence[int]) -> TurnaroundRow:
    approvals, seconds, buckets = hist[0], hist[1], hist[2:]
    return TurnaroundRow(code, *names, approvals, seconds / approvals if approvals else None,
                         histogram_percentile(buckets, 0.5), histogram_percentile(buckets, 0.9))


def turnaround(s: Session, actor: Actor, f: TrendFilter) -> TurnaroundReport:
    """Median, 90th percentile and mean of submission-to-approval time per district, by approval month."""
    tree = district_tree(s, actor)
    root, found = report_root(tree, filter_text(f.district))
    width = len(TURNAROUND.measures)
    if not found:
        return TurnaroundReport(False, (), _turnaround_row("", ("", ""), [0] * width))
    codes = tree.subtree(root)
    t = TURNAROUND.table.c
    lo, hi = f.days()
    spans = period_spans(lo, hi, (DAY, MONTH))
    where = [tree.condition(t.district_code, codes),
             or_(*(and_(t.grain == grain, *([t.period >= a] if a else []), *([t.period <= b] if b else []))
                   for grain, a, b in spans)) if spans else literal(False)]
    own = {row[0]: [int(x or 0) for x in row[1:]] for row in s.execute(
        select(t.district_code, *(func.sum(t[m]) for m in TURNAROUND.measures)).where(*where)
        .group_by(t.district_code))}
    sums: dict[str, list[int]] = {}
    for code in reversed(codes):  # children first
        acc = list(own.get(code, [0] * width))
        for child in tree.children.get(code, ()):
            acc = [a + b for a, b in zip(acc, sums[child])]
        sums[code] = acc
    rows = tuple(_turnaround_row(c, (tree.districts[c].name_zh, tree.districts[c].name_en), sums[c])
                 for c in tree.children.get(root, ()) if sums[c][0])
    if root is None:
        overall = [sum(col) for col in zip(*(sums[c] for c in tree.children.get(None, ())))] or [0] * width
        total = _turnaround_row("", ("", ""), overall)
    else:
        total = _turnaround_row(root, (tree.districts[root].name_zh, tree.districts[root].name_en), sums[root])
    return TurnaroundReport(True, rows, total)


# --- backlog (applications waiting, by age) -------------------------------------------------------


@dataclass(frozen=True)
class BacklogRow:
    code: str
    name_zh: str
    name_en: str
    by_age: tuple[int, ...]  # one per AGE_BUCKETS
    by_status: tuple[int, ...]  # one per data.statistics.rollup.WAITING

    @property
    def total(self) -> int:
        return sum(self.by_age)


@dataclass(frozen=True)
class BacklogReport:
    found: bool
    rows: tuple[BacklogRow, ...]  # the root's children with work waiting (their whole subtree each)
    total: BacklogRow


def backlog(s: Session, actor: Actor, f: TrendFilter, today: date) -> BacklogReport:
    """Applications waiting now (submitted .. approved, not yet issued) per district, by days since submission."""
    tree = district_tree(s, actor)
    root, found = report_root(tree, filter_text(f.district))
    zero = BacklogRow("", "", "", (0,) * len(AGE_BUCKETS), (0,) * len(WAITING))
    if not found:
        return BacklogReport(False, (), zero)
    codes = tree.subtree(root)
    b = BACKLOG.table.c
    age = case(*[(b.submitted_on >= today - timedelta(days=high), k) for k, (_low, high)
                 in enumerate(AGE_BUCKETS) if high is not None], else_=len(AGE_BUCKETS) - 1)
    cells: dict[str, tuple[list[int], list[int]]] = {}
    for code, bucket, *statuses in s.execute(
            select(b.district_code, age, *(func.sum(b[w]) for w in WAITING))
            .where(tree.condition(b.district_code, codes)).group_by(b.district_code, age)):
        by_age, by_status = cells.setdefault(code, ([0] * len(AGE_BUCKETS), [0] * len(WAITING)))
        counts = [int(x or 0) for x in statuses]
        by_age[int(bucket)] += sum(counts)
        for i, n in enumerate(counts):
            by_status[i] += n
    sums: dict[str, tuple[list[int], list[int]]] = {}
    for code in reversed(codes):
        by_age, by_status = (list(x) for x in cells.get(code, ([0] * len(AGE_BUCKETS), [0] * len(WAITING))))
        for child in tree.children.get(code, ()):
            by_age = [a + c for a, c in zip(by_age, sums[child][0])]
            by_status = [a + c for a, c in zip(by_status, sums[child][1])]
        sums[code] = (by_age, by_status)

    def row(code: str, names: tuple[str, str], values) -> BacklogRow:
        return BacklogRow(code, *names, tuple(values[0]), tuple(values[1]))

    rows = tuple(row(c, (tree.districts[c].name_zh, tree.districts[c].name_en), sums[c])
                 for c in tree.children.get(root, ()) if sum(sums[c][0]))
    if root is None:
        tops = tree.children.get(None, ())
        total = row("", ("", ""), ([sum(sums[c][0][i] for c in tops) for i in range(len(AGE_BUCKETS))],
                                    [sum(sums[c][1][i] for c in tops) for i in range(len(WAITING))]))
    else:
        total = row(root, (tree.districts[root].name_zh, tree.districts[root].name_en), sums[root])
    return BacklogReport(True, rows, total)
