"""Benchmark application lists and saving against bare SQL on a store with many applications.

    python -m bench.applications [--applications 1000000] [--database-url URL] [--repeat 40]

A fresh store is filled by the demo generator (about 1.13 applications per certificate). Then, in
the same run, each operation is timed through the service the page calls and as bare SQL doing the
same work on a raw DBAPI connection:

* the enterprise's list filtered by status, a page deep into it, and filtered by inspection no.;
* an officer's review queue (oldest first);
* saving an application with 50 goods lines (bare: one UPDATE of the application, the goods
  DELETE and an executemany INSERT of the same 50 rows).

Each figure is the median of --repeat runs. The last line is `ratio=<x>`: the worst service/bare.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.engine import Engine, make_url

from auth.passwords import hash_password
from auth.permissions import role_permissions, seed_roles
from data.application_form import ApplicationInput, new_application, save_application
from data.applications import ApplicationFilter, list_applications
from data.db import make_engine, make_session_factory, upgrade
from data.demo import generate
from data.models import ApplicationGoods, CertificateApplication, Declaration, User
from data.reference import load_reference
from data.scope import Actor, actor_for

PAGE = 25
GOODS = 50


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches and statements
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def actor_named(engine: Engine, account: str) -> Actor:
    with make_session_factory(engine)() as s:
        user = s.scalar(select(User).where(User.account == account))
        return actor_for(s, user, role_permissions(s, user.role))


def bare_page_sql(paramstyle: str, where: str, order: str) -> str:
    mark = "?" if paramstyle == "qmark" else "%s"
    sql = ("SELECT a.id, d.inspection_no, d.consignor_zh, d.consignor_en, d.consignee_zh, d.consignee_en, "
           "a.dest_country, d.inspection_date, a.district_code, cd.name_zh, cd.name_en, ct.name_zh, ct.name_en, "
           "a.created_at, a.submitted_at, a.reviewed_at, a.review_comment, a.status "
           "FROM certificate_application a JOIN declaration d ON d.id = a.declaration_id "
           "JOIN customs_district cd ON cd.code = a.district_code "
           "JOIN certificate_type ct ON ct.code = a.cert_type_code "
           f"WHERE {where} ORDER BY {order} LIMIT {PAGE + 1} OFFSET {mark}")
    return sql.replace("?", mark)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-apps-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'apps.sqlite3'}"
        if make_url(url).get_backend_name() == "postgresql" and not args.database_url:
            sys.exit("give an empty PostgreSQL database with --database-url")
        upgrade(url)
        engine = make_engine(url)
        with make_session_factory(engine)() as s:
            seed_roles(s)
            load_reference(s)
            s.commit()
        certificates = max(1, round(args.applications / 1.13))
        started = time.perf_counter()
        summary = generate(engine, certificates=certificates, seed=11, password_hash=hash_password("bench-only-1"))
        print(f"store: {summary.rows['certificate_application']:,} applications, "
              f"{summary.rows['certificate']:,} certificates in {time.perf_counter() - started:.0f} s")
        with engine.connect() as conn:  # fresh planner statistics, as a running store would have
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        results = run(engine, args.repeat)
        worst = max(service / bare for _name, service, bare in results)
        for name, service, bare in results:
            print(f"{name:<40} service {service:8.2f} ms   bare {bare:8.2f} ms   x{service / bare:5.2f}")
        print(f"ratio={worst:.2f}")


def run(engine: Engine, repeat: int) -> list[tuple[str, float, float]]:
    sessions = make_session_factory(engine)
    enterprise = actor_named(engine, "ent1_oper")
    officer = actor_named(engine, "officer0903")
    raw = engine.raw_connection()
    style = engine.dialect.dbapi.paramstyle
    cur = raw.cursor()
    mark = "?" if style == "qmark" else "%s"

    session = sessions()  # both sides work on an open connection, as a request does

    def service_list(actor, f, page):
        def call():
            result = list_applications(session, actor, f, page, PAGE)
            session.rollback()  # end the read transaction, as the request's session scope does
            return result
        return call

    def bare(where, order, params):
        sql = bare_page_sql(style, where, order)

        def call():
            cur.execute(sql, params)
            return cur.fetchall()
        return call

    with sessions() as s:
        some_no = s.scalar(select(Declaration.inspection_no).where(Declaration.enterprise_id == enterprise.enterprise_id)
                           .order_by(Declaration.id.desc()).limit(1))
    queue = ("submitted", "under_review", "suspended", "confirmed")
    codes = ", ".join([mark] * len(sorted(officer.district_codes)))
    qcodes = ", ".join([mark] * len(queue))
    cases = [
        ("enterprise list, status issued, page 1", service_list(enterprise, ApplicationFilter(statuses=("issued",)), 0),
         bare(f"a.enterprise_id = {mark} AND a.status IN ({mark})", "a.created_at DESC, a.id DESC",
              (enterprise.enterprise_id, "issued", 0))),
        ("enterprise list, status issued, page 40", service_list(enterprise, ApplicationFilter(statuses=("issued",)),
                                                                 39),
         bare(f"a.enterprise_id = {mark} AND a.status IN ({mark})", "a.created_at DESC, a.id DESC",
              (enterprise.enterprise_id, "issued", 39 * PAGE))),
        ("enterprise list, by inspection no.", service_list(enterprise, ApplicationFilter(inspection_no=some_no), 0),
         bare(f"a.enterprise_id = {mark} AND d.inspection_no >= {mark} AND d.inspection_no < {mark}",
              "a.created_at DESC, a.id DESC", (enterprise.enterprise_id, some_no, some_no + "\uffff", 0))),
        ("officer review queue, oldest first", service_list(officer, ApplicationFilter(statuses=queue,
                                                                                         oldest_first=True), 0),
         bare(f"a.district_code IN ({codes}) AND a.status IN ({qcodes})", "a.submitted_at ASC, a.id ASC",
              (*sorted(officer.district_codes), *queue, 0))),
    ]
    results = [(name, median_ms(service, repeat), median_ms(bare_call, repeat)) for name, service, bare_call in cases]
    results.append(("save an application with 50 goods lines", *save_case(engine, enterprise, raw, mark, repeat)))
    session.close()
    raw.close()
    return results


def save_case(engine: Engine, actor: Actor, raw, mark: str, repeat: int) -> tuple[float, float]:
    sessions = make_session_factory(engine)
    with sessions() as s:
        decl = s.scalar(select(Declaration.id).where(Declaration.enterprise_id == actor.enterprise_id).limit(1))
        app = new_application(s, actor, declaration_id=decl, format_code="C3-1", entry_method="smart_import")
        hs = s.scalar(select(ApplicationGoods.hs_code).limit(1))
        s.commit()
        app_id, fields = app.id, dict(app.fields)
    goods = [{"hs_code": hs, "name_zh": f"冻鱼 {n}", "name_en": f"FROZEN FISH {n}", "quantity": str(100 + n),
              "quantity_unit": "035", "weight": str(100 + n), "weight_unit": "035", "packages": "10",
              "package_type": "CT"} for n in range(GOODS)]

    session = sessions()
    version = [session.get(CertificateApplication, app_id).version]

    def service():
        saved = save_application(session, actor, app_id, ApplicationInput(fields, goods), version=version[0],
                                 draft=True)
        session.commit()
        version[0] = saved.version

    cur = raw.cursor()
    rows = [(app_id, n + 1, g["hs_code"], g["name_zh"], g["name_en"], None, 100 + n, "035", 100 + n, "035", 10, "CT")
            for n, g in enumerate(goods)]
    insert_sql = ("INSERT INTO application_goods (application_id, seq, hs_code, name_zh, name_en, origin, quantity, "
                  "quantity_unit, weight, weight_unit, packages, package_type) VALUES "
                  f"({', '.join([mark] * 12)})")

    def bare():
        cur.execute(f"UPDATE certificate_application SET version = version + 1 WHERE id = {mark}", (app_id,))
        cur.execute(f"DELETE FROM application_goods WHERE application_id = {mark}", (app_id,))
        cur.executemany(insert_sql, rows)
        raw.commit()

    figures = median_ms(service, repeat), median_ms(bare, repeat)
    session.close()
    return figures


if __name__ == "__main__":
    main()
