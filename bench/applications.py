"""Benchmark the list pages and saving an application against bare SQL on a store with many applications.

    python -m bench.applications [--applications 1000000] [--store FILE | --database-url URL] [--repeat 40]

The store is filled by the demo generator (about 1.13 applications per certificate): a temporary
SQLite file, or --store FILE (kept, and used again as it is when it already holds applications), or
an empty PostgreSQL database given by --database-url (likewise used again once filled).

Each operation is timed as the page runs it, calling the same data function with the same
arguments, and as bare SQL doing the same work on a raw DBAPI connection:

* the enterprise's applications: unfiltered, by status (first page and page 40), by inspection
  no. (the lookup), by inspection date and by application date; the officer's review queue;
* the declarations: unfiltered, by status, inspection no., contract no., B/L no., consignee, goods
  name, destination, container no. and dates; an officer's declarations;
* saving an application with 50 goods lines and committing it (bare: the same UPDATE of the
  application, the goods DELETE and an executemany INSERT of the same 50 rows, and a commit).

The bare queries are written by hand against the same indexes. Both sides run on a connection that
is already open, inside a transaction for the lists (as in the request's session scope), and the
save commits on both sides. What every request pays once besides (a Session, a pooled connection,
commit, close) is the same for every page and is printed on its own line, not in the ratios.
The two sides alternate, so a busy machine slows both alike; each figure is the median of
--repeat runs. The last line is `ratio=<x>`: the worst service/bare.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from auth.passwords import hash_password
from data.accounts.roles import role_permissions, seed_roles
from data.applications.form import ApplicationInput, new_application, save_application
from data.applications.listing import ApplicationFilter, list_applications
from data.core.db import make_engine, make_session_factory, transaction, upgrade
from data.core.scope import Actor, actor_for
from data.declarations.listing import DeclarationFilter, list_declarations
from data.demo import generate
from data.models import (
    ApplicationGoods,
    AppStatus,
    CertificateApplication,
    Container,
    Declaration,
    GoodsLine,
    User,
)
from data.reference.catalog import load_reference

PAGE = 25
GOODS = 50
OFFICER_QUEUE = ("submitted", "under_review", "suspended", "confirmed")  # the review page's default filter


@dataclass
class Case:
    name: str
    service: Callable[[], object]
    bare: Callable[[], object]


def interleaved_ms(service: Callable[[], object], bare: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median milliseconds of each, run alternately after one warm-up each."""
    service()
    bare()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, spent in ((service, times[0]), (bare, times[1])):
            started = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def actor_named(engine: Engine, account: str) -> Actor:
    with make_session_factory(engine)() as s:
        user = s.scalar(select(User).where(User.account == account))
        return actor_for(s, user, role_permissions(s, user.role))


# --- the store ----------------------------------------------------------------------------------


def prepare_store(url: str, applications: int, lean: bool = False) -> Engine:
    """Migrate the store and fill it, unless it already holds applications; refresh planner statistics
    (`lean`: without the rows no statistic reads, data.demo.writer.LEAN_SKIPPED)."""
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        held = s.scalar(select(func.count()).select_from(CertificateApplication))
        if held:
            print(f"store: {held:,} applications already there, used as they are")
            return engine
        seed_roles(s)
        load_reference(s)
        s.commit()
    started = time.perf_counter()
    summary = generate(engine, certificates=max(1, round(applications / 1.13)), seed=11,
                       password_hash=hash_password("bench-only-1"), lean=lean)
    print(f"store: {summary.rows['certificate_application']:,} applications, "
          f"{summary.rows['certificate']:,} certificates in {time.perf_counter() - started:.0f} s")
    with engine.connect() as conn:  # fresh planner statistics, as a running store would have
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return engine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--store", help="SQLite file to fill once and use again")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (or one this bench filled)")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-apps-") as tmp:
        if args.database_url:
            url = args.database_url
        else:
            url = f"sqlite:///{Path(args.store).resolve() if args.store else Path(tmp) / 'apps.sqlite3'}"
        if make_url(url).get_backend_name() == "postgresql" and not args.database_url:
            sys.exit("give an empty PostgreSQL database with --database-url")
        engine = prepare_store(url, args.applications)
        results, scope = run(engine, args.repeat)
        engine.dispose()
    worst = max(service / bare for _name, service, bare in results)
    for name, service, bare in results:
        print(f"{name:<44} service {service:8.3f} ms   bare {bare:8.3f} ms   x{service / bare:5.2f}")
    print(f"{'(every request besides: session, pooled connection, commit, close)':<44} "
          f"        {scope[0]:8.3f} ms   bare {scope[1]:8.3f} ms")
    print(f"ratio={worst:.2f}")


# --- the cases ----------------------------------------------------------------------------------


def run(engine: Engine, repeat: int) -> tuple[list[tuple[str, float, float]], tuple[float, float]]:
    sessions = make_session_factory(engine)
    enterprise = actor_named(engine, "ent1_oper")
    officer = actor_named(engine, "officer0903")
    raw = engine.raw_connection()
    bare = Bare(raw, engine.dialect.paramstyle)
    session = sessions()
    session.connection()  # both sides work on an open connection, as a request does once it has begun
    try:
        cases = application_cases(session, bare, enterprise, officer) + \
            declaration_cases(session, bare, enterprise, officer)
        results = []
        for case in cases:
            results.append((case.name, *interleaved_ms(case.service, case.bare, repeat)))
            session.rollback()  # a fresh read transaction for the next case
            raw.rollback()
            session.connection()
        results.append(("save an application with 50 goods lines", *save_case(engine, enterprise, bare, repeat)))
        scope = request_scope(sessions, raw, repeat)
    finally:
        session.close()
        raw.close()
    return results, scope


class Bare:
    """Hand-written SQL on a raw DBAPI connection, in the driver's parameter style."""

    def __init__(self, raw, paramstyle: str):
        self.raw = raw
        self.cursor = raw.cursor()
        self.mark = "?" if paramstyle == "qmark" else "%s"

    def sql(self, text: str) -> str:
        return text.replace("?", self.mark)

    def query(self, text: str, params: tuple) -> Callable[[], list]:
        sql, cursor = self.sql(text), self.cursor

        def call():
            cursor.execute(sql, params)
            return cursor.fetchall()
        return call

    def marks(self, n: int) -> str:
        return ", ".join(["?"] * n)


SHOWN = ("a.id, d.inspection_no, d.consignor_zh, d.consignor_en, d.consignee_zh, d.consignee_en, a.dest_country, "
         "d.inspection_date, a.district_code, cd.name_zh, cd.name_en, ct.name_zh, ct.name_en, a.created_at, "
         "a.submitted_at, a.reviewed_at, a.review_comment, a.status")
JOINED = ("JOIN declaration d ON d.id = a.declaration_id JOIN customs_district cd ON cd.code = a.district_code "
          "JOIN certificate_type ct ON ct.code = a.cert_type_code")
ALL_STATUSES = tuple(sorted(s.value for s in AppStatus))


def joined_page(where: str, oldest_first: bool = False) -> str:
    """The page read by a filter on the declaration: one query, sorted."""
    way = "a.submitted_at ASC, a.id ASC" if oldest_first else "a.created_at DESC, a.id DESC"
    return (f"SELECT {SHOWN} FROM certificate_application a {JOINED} WHERE {where} ORDER BY {way} "
            f"LIMIT {PAGE + 1} OFFSET ?")


def merged_page(lead: str, leads: list, statuses: tuple[str, ...], page: int, oldest_first: bool = False,
                dates: tuple = ()) -> tuple[str, tuple]:
    """The page read index-first: one ordered index run per (lead value, status), merged, then joined."""
    at, way = ("submitted_at", "ASC") if oldest_first else ("created_at", "DESC")
    between = f" AND {at} >= ? AND {at} < ?" if dates else ""
    run = (f"SELECT * FROM (SELECT id, {at} AS at FROM certificate_application WHERE {lead} = ? AND status = ?"
           f"{between} ORDER BY {at} {way}, id {way} LIMIT ?) AS r")
    runs = [(value, status) for value in leads for status in statuses]
    sql = (f"SELECT {SHOWN} FROM (SELECT id, at FROM ({' UNION ALL '.join([run] * len(runs))}) AS c "
           f"ORDER BY at {way}, id {way} LIMIT {PAGE + 1} OFFSET ?) AS p "
           f"JOIN certificate_application a ON a.id = p.id {JOINED} ORDER BY p.at {way}, p.id {way}")
    window = (page + 1) * PAGE + 1
    return sql, (*(x for value, status in runs for x in (value, status, *dates, window)), page * PAGE)


def application_cases(s: Session, bare: Bare, ent: Actor, officer: Actor) -> list[Case]:
    some_no = s.scalar(select(Declaration.inspection_no).join(
        CertificateApplication, CertificateApplication.declaration_id == Declaration.id)
        .where(CertificateApplication.enterprise_id == ent.enterprise_id).order_by(Declaration.id.desc()).limit(1))
    newest = s.scalar(select(func.max(Declaration.inspection_date))
                      .where(Declaration.enterprise_id == ent.enterprise_id))
    since, until = newest - timedelta(days=30), newest - timedelta(days=20)
    start = datetime.combine(since, datetime.min.time(), tzinfo=timezone.utc)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
    stored = _stored_as(s)
    ent_id = ent.enterprise_id
    districts = sorted(officer.district_codes)
    queue = tuple(sorted(OFFICER_QUEUE))
    in_districts = f"a.district_code IN ({bare.marks(len(districts))})"

    def page(actor, f, page_index=0):
        return lambda: list_applications(s, actor, f, page_index, PAGE)

    return [
        Case("applications: enterprise, unfiltered", page(ent, ApplicationFilter()),
             bare.query(*merged_page("enterprise_id", [ent_id], ALL_STATUSES, 0))),
        Case("applications: status issued, page 1", page(ent, ApplicationFilter(statuses=("issued",))),
             bare.query(*merged_page("enterprise_id", [ent_id], ("issued",), 0))),
        Case("applications: status issued, page 40", page(ent, ApplicationFilter(statuses=("issued",)), 39),
             bare.query(*merged_page("enterprise_id", [ent_id], ("issued",), 39))),
        Case("applications: by inspection no. (lookup)", page(ent, ApplicationFilter(inspection_no=some_no)),
             bare.query(joined_page("a.enterprise_id = ? AND d.inspection_no >= ? AND d.inspection_no < ?"),
                        (ent_id, some_no, some_no + "\uffff", 0))),
        Case("applications: inspection dates", page(ent, ApplicationFilter(inspection_from=since,
                                                                           inspection_to=until)),
             bare.query(joined_page("a.enterprise_id = ? AND d.inspection_date >= ? AND d.inspection_date <= ?"),
                        (ent_id, stored(since), stored(until), 0))),
        Case("applications: application dates", page(ent, ApplicationFilter(applied_from=since, applied_to=until)),
             bare.query(*merged_page("enterprise_id", [ent_id], ALL_STATUSES, 0,
                                     dates=(stored(start), stored(end))))),
        Case("applications: officer's review queue", page(officer, ApplicationFilter(statuses=OFFICER_QUEUE,
                                                                                    oldest_first=True)),
             bare.query(*merged_page("district_code", districts, queue, 0, oldest_first=True))),
        Case("applications: officer, by inspection no.", page(officer, ApplicationFilter(inspection_no=some_no,
                                                                                        oldest_first=True)),
             bare.query(joined_page(f"{in_districts} AND d.inspection_no >= ? AND d.inspection_no < ?", True),
                        (*districts, some_no, some_no + "\uffff", 0))),
    ]


def _stored_as(s: Session) -> Callable[[object], object]:
    """How the bare side passes a date or time: SQLite keeps SQLAlchemy's text, PostgreSQL takes the value."""
    if s.get_bind().dialect.name != "sqlite":
        return lambda value: value
    return lambda value: (value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime)
                          else value.isoformat())


DECLARATION_PAGE = (
    "SELECT d.id, d.entry_no, d.inspection_no, d.status, d.consignee_zh, d.consignee_en, d.contract_no, d.bl_no, "
    "d.dest_country, d.inspection_date, d.created_at FROM declaration d "
    "WHERE {where} ORDER BY d.created_at DESC, d.id DESC LIMIT %d OFFSET ?") % (PAGE + 1)


def declaration_cases(s: Session, bare: Bare, ent: Actor, officer: Actor) -> list[Case]:
    D = Declaration
    ent_id = ent.enterprise_id
    newest = s.execute(select(D.inspection_no, D.contract_no, D.bl_no, D.inspection_date, D.consignee_en)
                       .where(D.enterprise_id == ent_id, D.direction == "exit", D.inspection_no.is_not(None))
                       .order_by(D.id.desc()).limit(1)).one()
    goods_word = s.scalar(select(GoodsLine.name_zh).join(D, D.id == GoodsLine.declaration_id)
                          .where(D.enterprise_id == ent_id).order_by(GoodsLine.id.desc()).limit(1))[:2]
    container = s.scalar(select(Container.number).join(D, D.id == Container.declaration_id)
                         .where(D.enterprise_id == ent_id).order_by(Container.id.desc()).limit(1))
    consignee_word = newest.consignee_en.split()[0]
    since, until = newest.inspection_date - timedelta(days=30), newest.inspection_date - timedelta(days=20)
    stored = _stored_as(s)
    districts = sorted(officer.district_codes)
    scope = "d.enterprise_id = ? AND d.direction = ?"

    def page(actor, f):
        return lambda: list_declarations(s, actor, f, 0, PAGE)

    def sql(where):
        return DECLARATION_PAGE.format(where=where)

    def like(value: str) -> str:
        return value.replace("/", "//").replace("%", "/%").replace("_", "/_")

    return [
        Case("declarations: unfiltered", page(ent, DeclarationFilter()),
             bare.query(sql(scope), (ent_id, "exit", 0))),
        Case("declarations: status receipted", page(ent, DeclarationFilter(statuses=("receipted",))),
             bare.query(sql(scope + " AND d.status IN (?)"), (ent_id, "exit", "receipted", 0))),
        Case("declarations: by inspection no. (lookup)", page(ent, DeclarationFilter(inspection_no=newest[0])),
             bare.query(sql(scope + " AND d.inspection_no >= ? AND d.inspection_no < ?"),
                        (ent_id, "exit", newest[0], newest[0] + "\uffff", 0))),
        Case("declarations: contract no. prefix", page(ent, DeclarationFilter(contract_no=newest[1][:6])),
             bare.query(sql(scope + " AND d.contract_no LIKE ? ESCAPE '/'"),
                        (ent_id, "exit", like(newest[1][:6]) + "%", 0))),
        Case("declarations: B/L no. prefix", page(ent, DeclarationFilter(bl_no=newest[2][:4])),
             bare.query(sql(scope + " AND d.bl_no LIKE ? ESCAPE '/'"), (ent_id, "exit", like(newest[2][:4]) + "%", 0))),
        Case("declarations: consignee", page(ent, DeclarationFilter(consignee=consignee_word)),
             bare.query(sql(scope + " AND (d.consignee_zh LIKE ? ESCAPE '/' OR lower(d.consignee_en) LIKE lower(?) "
                                    "ESCAPE '/')"),
                        (ent_id, "exit", f"%{like(consignee_word)}%", f"%{like(consignee_word)}%", 0))),
        Case("declarations: goods name", page(ent, DeclarationFilter(goods_name=goods_word)),
             bare.query(sql(scope + " AND EXISTS (SELECT 1 FROM goods_line g WHERE g.declaration_id = d.id AND "
                                    "(g.name_zh LIKE ? ESCAPE '/' OR lower(g.name_en) LIKE lower(?) ESCAPE '/'))"),
                        (ent_id, "exit", f"%{like(goods_word)}%", f"%{like(goods_word)}%", 0))),
        Case("declarations: destination", page(ent, DeclarationFilter(destination="JP")),
             bare.query(sql(scope + " AND d.dest_country = ?"), (ent_id, "exit", "JP", 0))),
        Case("declarations: container no.", page(ent, DeclarationFilter(container_no=container)),
             bare.query(sql(scope + " AND d.id IN (SELECT c.declaration_id FROM container c WHERE c.number = ?)"),
                        (ent_id, "exit", container, 0))),
        Case("declarations: inspection dates", page(ent, DeclarationFilter(date_from=since, date_to=until)),
             bare.query(sql(scope + " AND d.inspection_date >= ? AND d.inspection_date <= ?"),
                        (ent_id, "exit", stored(since), stored(until), 0))),
        Case("declarations: officer, unfiltered", page(officer, DeclarationFilter()),
             bare.query(sql(f"d.district_code IN ({bare.marks(len(districts))}) AND d.direction = ?"),
                        (*districts, "exit", 0))),
    ]


# --- saving -------------------------------------------------------------------------------------


def save_case(engine: Engine, actor: Actor, bare: Bare, repeat: int) -> tuple[float, float]:
    """Save 50 goods lines through the service and commit; bare: the same statements and rows, and commit."""
    sessions = make_session_factory(engine)
    with sessions() as s:
        decl = s.scalar(select(Declaration.id).where(Declaration.enterprise_id == actor.enterprise_id,
                                                     Declaration.direction == "exit",
                                                     Declaration.status.in_(("sent", "receipted"))).limit(1))
        apps = [new_application(s, actor, declaration_id=decl, format_code="C3-1", entry_method="smart_import")
                for _ in range(2)]
        hs = s.scalar(select(ApplicationGoods.hs_code).limit(1))
        s.commit()
        (app_id, fields), bare_id = (apps[0].id, dict(apps[0].fields)), apps[1].id
    goods = [{"hs_code": hs, "name_zh": f"冻鱼 {n}", "name_en": f"FROZEN FISH {n}", "quantity": str(100 + n),
              "quantity_unit": "035", "weight": str(100 + n), "weight_unit": "035", "packages": "10",
              "package_type": "CT"} for n in range(GOODS)]
    session = sessions()
    version = [session.get(CertificateApplication, app_id).version]
    bare_version = [session.get(CertificateApplication, bare_id).version]
    session.commit()

    def service():
        saved = save_application(session, actor, app_id, ApplicationInput(fields, goods), version=version[0],
                                 draft=True)
        session.commit()
        version[0] = saved.version

    sqlite = engine.dialect.name == "sqlite"
    number = float if sqlite else Decimal  # what the store's Numeric column is given
    rows = [(bare_id, n + 1, g["hs_code"], g["name_zh"], g["name_en"], None, number(100 + n), "035", number(100 + n),
             "035", 10, "CT") for n, g in enumerate(goods)]
    update = bare.sql("UPDATE certificate_application SET version = version + 1, fields = ?"
                      + ("" if sqlite else "::json") + ", needs_confirmation = ?, dest_country = ?, updated_at = ? "
                      "WHERE id = ? AND version = ?")
    delete = bare.sql("DELETE FROM application_goods WHERE application_id = ?")
    insert = bare.sql("INSERT INTO application_goods (application_id, seq, hs_code, name_zh, name_en, origin, "
                      "quantity, quantity_unit, weight, weight_unit, packages, package_type) VALUES "
                      f"({bare.marks(12)})")
    fields_json = json.dumps(fields)
    cursor, raw = bare.cursor, bare.raw

    def bare_save():
        now = datetime.now(timezone.utc)
        cursor.execute(update, (fields_json, False, fields.get("destination"),
                                now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now, bare_id, bare_version[0]))
        bare_version[0] += 1
        cursor.execute(delete, (bare_id,))
        cursor.executemany(insert, rows)
        raw.commit()

    try:
        return interleaved_ms(service, bare_save, repeat)
    finally:
        session.close()


def request_scope(sessions, raw, repeat: int) -> tuple[float, float]:
    """What a request's session scope costs around its work; bare: a commit on an open connection."""
    def service():
        with transaction(sessions) as s:
            s.connection()

    return interleaved_ms(service, raw.commit, repeat * 5)


if __name__ == "__main__":
    main()
