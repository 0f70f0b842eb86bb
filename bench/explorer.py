"""Benchmark the explorer, the statistics pages and the certificate query at N and at 10,000 certificates.

    python -m bench.explorer --backend postgresql --certificates 10000000 --database-url URL --small-database-url URL
    python -m bench.explorer --backend sqlite --certificates 1000000 [--store FILE --small-store FILE]

Two stores are filled once by the demo generator (COPY on PostgreSQL; the rollups rebuilt) and used again as they
are: a small one of 10,000 certificates and a large one of N. PostgreSQL stores are databases given by URL (the
large one takes an hour or more to fill at 10 million); SQLite stores are files (temporary ones by default).

What is timed, each as its callback runs it (a transaction opened, the data layer called, the transaction closed),
for manager0900 (whose district holds nearly all the data) or the administrator:

* 30 explorer views of mixed shapes (measures, one to three dimensions, grains, filters, comparisons), computed
  with `data.statistics.explorer.explore` and drawn (chart and pivot table) as the page draws them; beside each
  view of a certificate measure, the same figures with the rollup read replaced by a plain GROUP BY over the
  certificate table (`raw`);
* the statistics pages' callbacks (bench.stats: issuance by district, cloud-signing usage, trends, turnaround,
  backlog), with their plain GROUP BY beside them;
* the certificate query: the first page and page 400 (rows 9,976-10,000) of every sort, as the grid asks; and
  as a drill from a pivot cell opens it, filtered by the rarest and by the commonest destination of the manager's
  certificates: the count a search shows and the first page of three sorts.

Small and large runs alternate, so a busy machine slows both alike. Each figure is the 95th percentile of --repeat
runs in milliseconds. The last line is `ratio=<x>`: the worst p95 at N over its p95 at 10,000, of the cases the
explorer's issue names (views, statistics pages, the query's pages by sort); the drills are printed with their own
worst growth before it.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import BigInteger, func, select
from sqlalchemy.engine import Engine

from bench.applications import actor_named
from bench.stats import TODAY, measure, open_stores
from bench.stats import cases as stats_cases
from dashboard.core.i18n import translator
from data.core.budget import TooSlow
from data.core.db import make_session_factory, transaction
from data.models import Certificate
from data.statistics import explorer
from data.statistics.certificate_filters import MAX_PAGE_SIZE, SORTS, CertificateQuery, Cursor
from data.statistics.certificate_query import certificate_page, count_rows
from data.statistics.explorer_view import CERTIFICATE, MEASURES, View, read_view
from layouts.statistics.explorer import pivot_table
from layouts.statistics.explorer_figures import explorer_figure

PAGE_SIZE, DEEP_PAGE = 25, 399  # page 400 of 25 rows: rows 9,976-10,000, the deepest the grid reaches


@dataclass(frozen=True)
class Timed:
    name: str
    service: Callable  # (session) -> anything
    raw: Callable | None = None  # the same figures by a plain GROUP BY on the raw tables


def views(today: date) -> list[View]:
    """30 views of mixed shapes over the twelve months before `today` (and a quarter, a week)."""
    year, quarter, week = today - timedelta(days=364), today - timedelta(days=90), today - timedelta(days=6)
    y = {"date_from": year, "date_to": today}
    q = {"date_from": quarter, "date_to": today}
    return [read_view(v.params())[0] for v in (  # as the page reads them: a value of goods gets its currency
        View(**y),
        View(rows=("district",), level=2, **y),
        View(rows=("cert_type",), **y),
        View(rows=("dest",), chart="map", **y),
        View(rows=("region",), **y),
        View(rows=("period",), grain="month", **y),
        View(rows=("period",), grain="week", **q),
        View(rows=("period",), grain="day", **q),
        View(rows=("period",), grain="quarter", compare="year", **y),
        View(rows=("dest",), columns=("cert_type",), **q),
        View(rows=("dest",), columns=("cert_type",), compare="previous", order="change", **q),
        View(rows=("district", "cert_type"), columns=("signing",), **y),
        View(rows=("district",), columns=("period",), grain="month", **y),
        View(rows=("cert_type", "entry"), columns=("status",), **y),
        View(rows=("region", "dest"), **y),
        View(measure="printed", rows=("entry",), columns=("signing",), **y),
        View(measure="copies", rows=("cert_type",), **q),
        View(measure="cloud_share", rows=("district",), compare="previous", **q),
        View(measure="cloud_share", rows=("dest",), region="asia", **y),
        View(measure="cloud_share", rows=("period",), grain="week", cert_type="14", **q),
        View(measure="certificates", rows=("dest",), signing="cloud", status="valid", **y),
        View(measure="certificates", rows=("district",), dest="JP", entry="template", **y),
        View(measure="value", rows=("period",), grain="month", **y),  # per currency
        View(measure="value", rows=("dest",), cert_type="14", **q),
        View(measure="approvals", rows=("district",), **y),
        View(measure="turnaround_median", rows=("district",), **y),
        View(measure="turnaround_p90", rows=("period",), grain="week", **q),
        View(measure="turnaround_mean", rows=("district", "period"), grain="month", **y),
        View(measure="backlog", rows=("district",), **y),
        View(measure="backlog", rows=("period",), grain="week", date_from=week - timedelta(days=60), date_to=today),
    )]


def raw_certificate_rows(s, tree, codes, view: View, lo: date, hi: date) -> pd.DataFrame:
    """What explorer's rollup read returns, by a plain GROUP BY over the certificate table."""
    c = Certificate.__table__.c
    columns = {"cert_type_code": c.cert_type_code, "dest_country": func.coalesce(c.dest_country, ""),
               "entry_method": c.entry_method, "signing_method": c.signing_method, "status": c.status,
               "currency": func.coalesce(c.currency, "")}
    group = list(explorer.certificate_group(view))
    keys = [c.district_code, *([c.issue_date] if "period" in view.dimensions else []), *(columns[g] for g in group)]
    where = [c.district_code.in_(list(codes)), c.issue_date >= lo, c.issue_date <= hi]
    for name, value in view.filters().items():
        if name == "region":
            where.append(c.dest_country.in_(sorted(explorer.countries_of(value))))
        elif name in ("dest", "currency"):
            where.append(c[explorer.ROLLUP_COLUMN[name]] == value)
        else:
            where.append(c[explorer.ROLLUP_COLUMN[name]] == value)
    measures = [func.count(), func.sum((c.signing_method == "cloud").cast(c.print_count.type)),
                func.sum((func.coalesce(c.print_count, 0) > 0).cast(c.print_count.type)),
                func.sum(func.coalesce(c.print_count, 0)),
                func.sum(func.coalesce(func.round(c.goods_value * 100), 0)).cast(BigInteger)]
    rows = s.execute(select(*keys, *measures).where(*where).group_by(*keys)).all()
    frame = pd.DataFrame.from_records(rows, columns=["district_code", *(["period"] if "period" in view.dimensions
                                                                       else []), *group,
                                                     "certificates", "cloud", "printed", "copies", "value_cents"])
    return frame


def explorer_cases(engine: Engine, today: date) -> list[Timed]:
    manager = actor_named(engine, "manager0900")
    t = translator("zh")

    def service(view: View):
        def run(s):
            result = explorer.explore(s, manager, view, today)
            return explorer_figure(t, result), pivot_table(t, result)
        return run

    def raw(view: View):
        def run(s):
            readers = dict(explorer.READERS)
            explorer.READERS[CERTIFICATE] = raw_certificate_rows
            try:
                return service(view)(s)
            finally:
                explorer.READERS.update(readers)
        return run

    out = []
    for n, view in enumerate(views(today), start=1):
        shape = "+".join((*view.rows, *(f"col:{c}" for c in view.columns))) or "total"
        name = f"view {n:2d} {view.measure} {shape} {view.grain if 'period' in view.dimensions else ''}".rstrip()
        out.append(Timed(name, service(view), raw(view) if MEASURES[view.measure].source == CERTIFICATE else None))
    return out


def query_cases(engine: Engine) -> list[Timed]:
    """The first page and page 400 of every sort, as the grid reads them: page 400 by keyset, after the last row
    of page 399 (found once by scrolling, untimed), as scrolling down reads it."""
    manager, admin = actor_named(engine, "manager0900"), actor_named(engine, "sysadmin")
    sessions = make_session_factory(engine)
    out = []
    for sort in SORTS:
        for page in (0, DEEP_PAGE):
            for who, actor in (("0900", manager), ("admin", admin)):
                after = cursor_after(sessions, actor, sort, page * PAGE_SIZE) if page else None

                def run(s, actor=actor, sort=sort, page=page, after=after):
                    return certificate_page(s, actor, CertificateQuery(), sort, True, page, PAGE_SIZE, after=after)
                out.append(Timed(f"certificates by {sort}, page {page + 1}, {who}", run))
    return out


STOPPED: set[str] = set()  # cases the time budget stopped in some run (their time: the budget, what the user waited)


def _budgeted(name: str, fn: Callable) -> Callable:
    """A case run as the page runs it: a read the time budget stops (TooSlow) is shown as a notice, not an error."""
    def run(s):
        try:
            return fn(s)
        except TooSlow:
            STOPPED.add(name)
            return None
    return run


def drill_cases(engine: Engine) -> list[Timed]:
    """The query filtered by one destination, as a drill from a pivot cell opens it: the rarest and the commonest
    destination of manager0900's certificates (a thousand and two million of ten million), its count and pages.
    The count of the commonest reads 10,000 certificates and their applications: with a cold cache it can pass the
    count's budget (`QUERY_SECONDS`), which the search then shows as a count stopped."""
    manager = actor_named(engine, "manager0900")
    with make_session_factory(engine)() as s:
        counts = s.execute(select(Certificate.dest_country, func.count()).where(
            Certificate.district_code.in_(sorted(manager.district_codes)), Certificate.dest_country.isnot(None))
            .group_by(Certificate.dest_country).order_by(func.count(), Certificate.dest_country)).all()
    out = []
    for which, (code, _n) in (("rarest", counts[0]), ("commonest", counts[-1])):
        q = CertificateQuery(dest_country=code)
        name = f"drill to the {which} destination: count"
        out.append(Timed(name, _budgeted(name, lambda s, q=q: count_rows(s, manager, q))))
        for sort in ("issue_date", "certificate_no", "submitted_at"):
            def run(s, q=q, sort=sort):
                return certificate_page(s, manager, q, sort, True, 0, PAGE_SIZE)
            name = f"drill to the {which} destination: by {sort}"
            out.append(Timed(name, _budgeted(name, run)))
    return out


def cursor_after(sessions, actor, sort: str, rows: int) -> Cursor | None:
    """Where the page after the first `rows` rows starts, found as scrolling finds it: block after block, each read
    after the last row of the one before (100 rows at a time). Reading page 400 by offset, every row before it, took
    up to a minute at ten million certificates with a cold cache."""
    after, read = None, 0
    with transaction(sessions) as s:
        while read < rows:
            size = min(MAX_PAGE_SIZE, rows - read)
            window = certificate_page(s, actor, CertificateQuery(), sort, True, 0 if after is None else 1, size,
                                      after=after)
            if not window.rows:
                return after
            after, read = window.rows[-1].cursor, read + len(window.rows)
    return after


def all_cases(engine: Engine, today: date) -> list[Timed]:
    stats = [Timed(f"page: {c.name}", c.service, c.raw) for c in stats_cases(engine)]
    return [*explorer_cases(engine, today), *stats, *query_cases(engine), *drill_cases(engine)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explorer", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--store", help="SQLite file of the large store, filled once and used again")
    parser.add_argument("--small-store", help="SQLite file of the small store, filled once and used again")
    parser.add_argument("--database-url", help="PostgreSQL: the large store's database (empty, or filled before)")
    parser.add_argument("--small-database-url", help="PostgreSQL: the small store's database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--raw-repeat", type=int, default=None,
                        help="runs of each plain GROUP BY (default: --repeat; each takes seconds at 10 million)")
    parser.add_argument("--lean", action="store_true",
                        help="fill both stores without goods, containers, documents and events (what no case reads): "
                             "10 million certificates in about 30 GB instead of 70")
    parser.add_argument("--only", default="", help="time the cases whose name contains this text")
    args = parser.parse_args(argv)
    if args.backend == "postgresql" and not (args.database_url and args.small_database_url):
        parser.error("--backend postgresql needs --database-url and --small-database-url")
    with tempfile.TemporaryDirectory(prefix="bench-explorer-") as tmp:
        _urls, engines = open_stores(args, Path(tmp))
        try:
            counts = {size: _count(engine) for size, engine in engines.items()}
            results = measure(engines, args.repeat,
                              lambda engine: [c for c in all_cases(engine, TODAY) if args.only in c.name], progress=True,
                              raw_repeat=args.raw_repeat)
        finally:
            for engine in engines.values():
                engine.dispose()
    if not results:
        parser.error(f"no case's name contains {args.only!r}")
    print(f"backend {args.backend}; certificates: small {counts['small']:,}, large {counts['large']:,}; "
          f"p95 of {args.repeat} runs, ms; raw = the same figures by a plain GROUP BY on the raw tables"
          + (f" (p95 of {args.raw_repeat} runs)" if args.raw_repeat is not None else "")
          + ("; lean stores (no goods, containers, documents or events)" if args.lean else ""))
    print(f"{'case':<58}{'small':>9}{'large':>9}{'x':>7}   {'raw small':>10}{'raw large':>10}")
    for name, p in results:
        raw_small, raw_large = p.get("raw small"), p.get("raw large")
        print(f"{name:<58}{p['service small']:9.1f}{p['service large']:9.1f}"
              f"{p['service large'] / p['service small']:7.2f}   "
              + (f"{raw_small:10.1f}{raw_large:10.1f}" if raw_large is not None else f"{'-':>10}{'-':>10}"))
    first = [p["service large"] for name, p in results if name.startswith("certificates by") and ", page 1," in name]
    deep = {name: p["service large"] for name, p in results if name.startswith("certificates by") and "page 400" in name}
    if first:
        print(f"certificate query at the large size: first page p95 at most {max(first):.1f} ms; "
              f"page 400 at most {max(deep.values()):.1f} ms")

    def growth(item) -> float:
        return item[1]["service large"] / item[1]["service small"]

    drills = [item for item in results if item[0].startswith("drill to")]
    if drills:
        drill = max(drills, key=growth)
        print(f"certificate query drilled to one destination, at the large size: at most "
              f"{max(p['service large'] for _name, p in drills):.1f} ms; worst growth (not in the ratio): {drill[0]}, "
              f"{growth(drill):.2f}")
    if STOPPED:
        print("stopped by the time budget in some run (timed as the budget): " + "; ".join(sorted(STOPPED)))
    worst_name, worst = max([item for item in results if not item[0].startswith("drill to")] or results, key=growth)
    print(f"worst growth: {worst_name}")
    print(f"ratio={worst['service large'] / worst['service small']:.2f}")
    return 0


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Certificate)) or 0


if __name__ == "__main__":
    sys.exit(main())
