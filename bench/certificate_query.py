"""Benchmark the certificate query's first pages against bare SQL on a store with many certificates.

    python -m bench.certificate_query --database-url URL [--repeat 7]

URL names a store already filled by the demo generator (e.g. `python -m bench.seed` keeps none;
fill one with `data.demo.generate`, about 1,000,000 certificates). Nothing is written to it.

For each case (an actor, filters and a sort, as the page asks), three timings of the first page:

* service: `certificate_page` as the grid's callback calls it (scope, districts with rows, the
  merged index runs, rows built), in a transaction on an open connection;
* same SQL: the very statement the service runs (its compiled text and values), executed on the
  raw DBAPI cursor: what the service adds on top of the database;
* plain SQL: the query one would write by hand for the same page: the scoped certificates and
  pending applications in one UNION ALL, ORDER BY the column and the ids, LIMIT 26, then the shown
  columns of those rows. It returns the same rows (checked), but sorts everything in scope.

Figures are medians of --repeat runs, the three sides alternating so that a busy machine slows
them alike. The last line is `ratio=<x>`: the worst service / same-SQL median.
"""
from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

import data.statistics.certificate_query as cq
from data.core.scope import Actor, district_subtree
from data.models import Certificate, User
from data.statistics.certificate_filters import PENDING_STATUSES, CertificateQuery
from data.statistics.certificate_query import certificate_page
from data.statistics.certificate_sql import PAGES

PAGE = 25
CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Case:
    name: str
    who: str  # "admin" or a manager's district
    query: CertificateQuery
    sort: str
    descending: bool


def cases(end: date) -> list[Case]:
    month = end.replace(day=1)
    return [
        Case("default view, 0900 subtree", "0900", CertificateQuery(), "issue_date", True),
        Case("default view, administrator", "admin", CertificateQuery(), "issue_date", True),
        Case("drill-down 0903, month, type, cloud, valid", "0900",
             CertificateQuery(district="0903", issued_from=month, issued_to=end, cert_type="18",
                              signing_method="cloud", cert_status="valid"), "issue_date", True),
        Case("declared last 30 days, by declaration time", "0900",
             CertificateQuery(declared_from=end - timedelta(days=30), declared_to=end), "submitted_at", True),
        Case("pending queue, oldest first", "0900",
             CertificateQuery(review_statuses=("submitted", "under_review")), "submitted_at", False),
        Case("0903 by review time", "0903", CertificateQuery(), "reviewed_at", True),
        Case("by certificate no.", "0900", CertificateQuery(), "certificate_no", False),
        Case("inspection no. prefix", "0900", CertificateQuery(inspection_no="20926000092"), "issue_date", True),
        Case("destination JP, by destination", "0900", CertificateQuery(dest_country="JP"), "dest_country", False),
    ]


def actor_of(s: Session, who: str) -> Actor:
    if who == "admin":
        return Actor(0, "bench", "bench", "admin", "zh", None, None, frozenset(), frozenset({"stats.view"}))
    return Actor(0, "bench", "bench", "manager", "zh", None, who, district_subtree(s, who),
                 frozenset({"stats.view"}))


# --- the plain query, written by hand -------------------------------------------------------------

SORT_SQL = {  # sort key -> (certificate row's value, application row's value, certificate id first)
    "issue_date": ("c.issue_date", "NULL", True),
    "submitted_at": ("a.submitted_at", "a.submitted_at", False),
    "reviewed_at": ("a.reviewed_at", "a.reviewed_at", False),
    "certificate_no": ("c.certificate_no", "a.certificate_no", False),
    "dest_country": ("c.dest_country", "a.dest_country", False),
}


def plain_sql(q: CertificateQuery, scope: list[str] | None, sort: str, descending: bool, postgres: bool):
    """The hand-written page query and its parameters for the DBAPI (psycopg or sqlite3)."""
    params: dict = {}

    def moment(day: date):  # SQLite holds UTC moments as text, the way SQLAlchemy writes them
        value = datetime.combine(day, clock_time.min, CHINA).astimezone(timezone.utc)
        return value if postgres else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def one(value) -> str:  # named: the conditions are written in another order than they are joined
        name = f"p{len(params)}"
        params[name] = value
        return f"%({name})s" if postgres else f":{name}"

    def many(values) -> str:
        return "(" + ", ".join(one(v) for v in values) + ")"

    cert_where = ["a.status = 'issued'"]
    app_where = [f"a.status IN {many(PENDING_STATUSES)}"]
    if scope is not None:
        cert_where += [f"c.district_code IN {many(scope)}", f"a.district_code IN {many(scope)}"]
        app_where.append(f"a.district_code IN {many(scope)}")
    join_d = ""
    if q.inspection_no:
        join_d = " JOIN declaration d ON d.id = a.declaration_id"
        cert_where.append(f"d.inspection_no >= {one(q.inspection_no)} AND d.inspection_no < {one(q.inspection_no + chr(0xffff))}")
        app_where.append(f"d.inspection_no >= {one(q.inspection_no)} AND d.inspection_no < {one(q.inspection_no + chr(0xffff))}")
    if q.review_statuses:
        pending = sorted(set(q.review_statuses) & set(PENDING_STATUSES))
        app_where = [f"a.status IN {many(pending)}" if pending else "1 = 0", *app_where[1:]]
        if "issued" not in q.review_statuses:
            cert_where.append("1 = 0")
    if q.district:
        cert_where.append(f"c.district_code = {one(q.district)}")
        app_where.append("1 = 0")
    for name, cert_column, app_column in (("cert_type", "c.cert_type_code", "a.cert_type_code"),
                                          ("dest_country", "c.dest_country", "a.dest_country")):
        if getattr(q, name):
            cert_where.append(f"{cert_column} = {one(getattr(q, name))}")
            app_where.append(f"{app_column} = {one(getattr(q, name))}")
    if q.signing_method:
        cert_where.append(f"c.signing_method = {one(q.signing_method)}")
    if q.cert_status:
        cert_where.append(f"c.status = {one(q.cert_status)}")
    if q.issued_from:
        cert_where.append(f"c.issue_date >= {one(q.issued_from)}")
        cert_where.append(f"c.issue_date <= {one(q.issued_to)}")
    if q.declared_from:
        low, high = moment(q.declared_from), moment(q.declared_to + timedelta(days=1))
        for where in (cert_where, app_where):
            where.append(f"a.submitted_at >= {one(low)} AND a.submitted_at < {one(high)}")
    cert_value, app_value, cert_first = SORT_SQL[sort]
    direction = "DESC" if descending else "ASC"
    ties = ("cert_id", "app_id") if cert_first else ("app_id", "cert_id")
    sql = (f"SELECT p.app_id, p.cert_id, d2.inspection_no, a2.district_code, a2.status, a2.submitted_at, "
           f"c2.certificate_no, c2.issue_date FROM ("
           f"SELECT app_id, cert_id, v FROM ("
           f"SELECT a.id AS app_id, c.id AS cert_id, {cert_value} AS v FROM certificate c "
           f"JOIN certificate_application a ON a.id = c.application_id{join_d} WHERE {' AND '.join(cert_where)} "
           f"UNION ALL SELECT a.id, 0, {app_value} FROM certificate_application a{join_d} "
           f"WHERE {' AND '.join(app_where)}) AS r "
           f"ORDER BY CASE WHEN v IS NULL THEN 1 ELSE 0 END, v {direction}, {ties[0]} {direction}, "
           f"{ties[1]} {direction} LIMIT {PAGE + 1}) AS p "
           f"JOIN certificate_application a2 ON a2.id = p.app_id LEFT JOIN certificate c2 ON c2.id = p.cert_id "
           f"JOIN declaration d2 ON d2.id = a2.declaration_id "
           f"ORDER BY CASE WHEN p.v IS NULL THEN 1 ELSE 0 END, p.v {direction}, p.{ties[0]} {direction}, "
           f"p.{ties[1]} {direction}")
    return sql, params


def run(s: Session, sql: str, params) -> list[tuple]:
    cursor = s.connection().connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", default="", help="run the cases whose name contains this text")
    args = parser.parse_args(argv)
    engine = create_engine(args.database_url)
    postgres = engine.dialect.name == "postgresql"
    with Session(engine) as s:
        certificates = s.scalar(select(func.count()).select_from(Certificate))
        end = s.scalar(select(func.max(Certificate.issue_date)))
        assert s.scalar(select(User.id).limit(1)) is not None, "an empty store"
    print(f"backend: {engine.dialect.name}, certificates: {certificates:,}, last issue date: {end}")
    print(f"{'case':46s} {'service':>9s} {'same SQL':>9s} {'plain SQL':>10s}  ms (median of {args.repeat})")
    worst = 0.0
    for case in cases(end):
        if args.only and args.only not in case.name:
            continue
        with Session(engine) as s:
            who = actor_of(s, case.who)
            scope = None if case.who == "admin" else sorted(who.district_codes)
            if postgres:
                s.execute(text("SET LOCAL jit = off"))
            service, same, plain = [], [], []
            page = certificate_page(s, who, case.query, case.sort, case.descending, 0, PAGE)  # warm
            plan = cq.plan_page(s, who, case.query, case.sort, case.descending, PAGE)
            prepared = PAGES.get(s, (plan.shape,))
            values = prepared.parameters({**plan.values, "offset": 0, "window": PAGE + 1})
            plain_text, plain_params = plain_sql(case.query, scope, case.sort, case.descending, postgres)
            got_plain = run(s, plain_text, plain_params)
            want = [(r.application_id, r.certificate_id or 0) for r in page.rows]
            assert [(r[0], r[1]) for r in got_plain[:PAGE]] == want, f"plain SQL differs: {case.name}"
            for _ in range(args.repeat):
                service.append(timed(lambda: certificate_page(s, who, case.query, case.sort, case.descending,
                                                              0, PAGE))[0])
                same.append(timed(lambda: run(s, prepared.sql, values))[0])
                plain.append(timed(lambda: run(s, plain_text, plain_params))[0])
            s.rollback()
        m = [statistics.median(x) for x in (service, same, plain)]
        worst = max(worst, m[0] / m[1])
        print(f"{case.name:46s} {m[0]:9.1f} {m[1]:9.1f} {m[2]:10.1f}")
    print(f"ratio={worst:.2f}")


if __name__ == "__main__":
    main()
