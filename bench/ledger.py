"""Benchmark the ledger's xlsx export against a bare xlsxwriter loop writing the very same cells.

    python -m bench.ledger [--rows 1000000] [--store FILE] [--columns default|all]

The store holds one enterprise with at least --rows ledger rows (declarations with 0-3
certificates, one row per certificate or per declaration without one). It is a temporary SQLite
file, or --store FILE: filled once, used again as it is while it holds enough rows. The rows are
written by a child process with the INSERTs Core compiles (data.demo.bound_batches) and one
executemany per batch, so the benchmark process's own peak memory is the export's.

Two sides, in one run:

* export: what a background export job does once it has its ticket: data.ledger.export.write_export
  (the scoped query streamed from the store, codes turned into labels, xlsxwriter in constant-memory
  mode, one write_row per row, formula guard, totals row, file closed). The rows were counted when
  the export was asked for (the request that issues the ticket), so the job does not count them;
* bare: the same rows, already converted (read beforehand and spooled to a temporary file, untimed),
  written with xlsxwriter in constant-memory mode with the same column formats and one write_row per
  row: only the xlsxwriter calls are timed.

The two run interleaved: every time the export reports progress (each 5,000 rows), the bare loop
writes the same 5,000 rows into its own workbook, and that time is taken off the export's. So both
sides meet the same load on a shared machine. Each is timed by the wall clock and by the process's
CPU time (the store is SQLite, in this process: its work is in both).

Printed: rows per second of each, the process's peak resident memory (ru_maxrss), and last
`ratio=<export wall-clock seconds / bare wall-clock seconds>`.
"""
from __future__ import annotations

import argparse
import multiprocessing
import pickle
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from data.accounts.roles import role_permissions, seed_roles
from data.core.db import make_engine, make_session_factory, transaction, upgrade
from data.core.scope import actor_for
from data.demo import bound_batches
from data.ledger.query import ALL_KEYS, DEFAULT_COLUMNS, ExportRequest, LedgerQuery, stream_ledger
from data.models import Certificate, CertificateApplication, CertificateFormat, Declaration, Enterprise, User
from data.reference.catalog import load_reference
from data.statistics.rebuild import rebuild

ACCOUNT = "ledgerbench"
ENTERPRISE_NAME = "大连台账测评食品有限公司"
DISTRICT = "0901"
CERTIFICATES_PER_DECLARATION = (1, 1, 2, 0, 1, 3, 1, 2, 1, 0)  # 12 certificates, 14 ledger rows per 10
BATCH = 10_000
SPOOL_CHUNK = 10_000


# --- the store ------------------------------------------------------------------------------------

def ledger_rows(declarations: int) -> int:
    """Ledger rows of the first `declarations` seeded declarations."""
    full, rest = divmod(declarations, len(CERTIFICATES_PER_DECLARATION))
    per = [max(1, k) for k in CERTIFICATES_PER_DECLARATION]
    return full * sum(per) + sum(per[:rest])


def declarations_for(rows: int) -> int:
    n = rows * len(CERTIFICATES_PER_DECLARATION) // sum(max(1, k) for k in CERTIFICATES_PER_DECLARATION)
    while ledger_rows(n) < rows:
        n += 1
    return n


def ledger_batches(enterprise_id: int, declarations: int, *, formats: dict[str, str], start: dict[str, int],
                   seed: int = 11, direction: str = "exit", end: date = date(2026, 10, 31)
                   ) -> Iterator[tuple[object, list[dict]]]:
    """Yield (table, rows) batches of declarations and their applications and certificates, parents first.

    Dates run over two years ending on `end`, in the order the declarations are written, as in a
    store that grew day by day (so the newest-first ledger reads the table from its end backwards).
    """
    rng = random.Random(seed)
    types = sorted(formats)
    decl_id, app_id, cert_id = start["declaration"], start["certificate_application"], start["certificate"]
    parties = [f"DAIWA SHOJI CO., LTD. {i}" for i in range(40)] + ["=HYPERLINK(\"x\")", "+81 TRADING", "@HOME"]
    consignors = [f"大连第{i}水产品加工有限公司" for i in range(20)]
    issued = datetime(2026, 1, 1, tzinfo=timezone.utc)
    decls: list[dict] = []
    apps: list[dict] = []
    certs: list[dict] = []
    for n in range(declarations):
        decl_id += 1
        # declared as time goes by: later declarations carry later dates (a day or two apart at most)
        day = end - timedelta(days=(declarations - n) * 730 // max(declarations, 1) + rng.randrange(2))
        yy = f"{day.year % 100:02d}"
        decls.append({
            "id": decl_id, "direction": direction, "entry_no": f"E{decl_id:019d}",
            "inspection_no": f"{'2' if direction == 'exit' else '1'}09{yy}{decl_id:010d}", "inspection_date": day,
            "enterprise_id": enterprise_id, "district_code": DISTRICT, "declarant_code": f"2100{n % 97:06d}",
            "declarant_name": ("李强", "王静", "张敏")[n % 3], "consignor_zh": consignors[n % len(consignors)],
            "consignor_en": "DALIAN SEAFOOD CO., LTD.", "consignee_en": parties[rng.randrange(len(parties))],
            "trade_mode": "0110", "transport_mode": "1", "transport_means": "SITC KEELUNG", "dest_country": "JP",
            "contract_no": f"CT{day.year}-{n:07d}", "bl_no": f"SITC{decl_id:010d}", "despatch_date": day,
            "legal_inspection": n % 7 != 0, "total_value": Decimal(rng.randrange(100, 10_000_000)) / 100,
            "currency": "USD" if n % 5 else "JPY", "status": "receipted" if n % 4 else "sent", "version": 1,
            "required_documents": [],
        })
        for k in range(CERTIFICATES_PER_DECLARATION[n % len(CERTIFICATES_PER_DECLARATION)]):
            app_id += 1
            cert_id += 1
            kind = types[(n + k) % len(types)]
            number = f"0901{yy}{kind:0>2}{cert_id:09d}"[:32]
            apps.append({"id": app_id, "declaration_id": decl_id, "enterprise_id": enterprise_id,
                         "district_code": DISTRICT, "cert_type_code": kind, "format_code": formats[kind],
                         "serial": f"{k + 1:02d}", "entry_method": "blank", "needs_confirmation": False,
                         "status": "issued", "version": 1, "fields": {}, "dest_country": "JP",
                         "certificate_no": number})
            certs.append({"id": cert_id, "certificate_no": number, "serial": f"{k + 1:02d}", "application_id": app_id,
                          "enterprise_id": enterprise_id, "district_code": DISTRICT, "cert_type_code": kind,
                          "entry_method": "blank", "dest_country": "JP", "issue_place": "大连",
                          "issue_date": day + timedelta(days=2), "issued_at": issued,
                          "signing_method": "cloud" if (n + k) % 3 else "paper", "verify_token": f"t{cert_id}",
                          "status": "valid" if (n + k) % 50 else "replaced", "print_count": (n + k) % 3})
        if len(decls) >= BATCH:
            yield from _flush(decls, apps, certs)
    yield from _flush(decls, apps, certs)


def _flush(decls: list, apps: list, certs: list) -> Iterator[tuple[object, list[dict]]]:
    for table, rows in ((Declaration.__table__, decls), (CertificateApplication.__table__, apps),
                        (Certificate.__table__, certs)):
        if rows:
            yield table, list(rows)
            rows.clear()


def seed_ledger(engine: Engine, enterprise_id: int, declarations: int, **options) -> int:
    """Insert `declarations` declarations with their certificates for one enterprise; return the ledger rows."""
    with engine.connect() as conn:
        start = {t.name: conn.scalar(select(func.coalesce(func.max(t.c.id), 0)))
                 for t in (Declaration.__table__, CertificateApplication.__table__, Certificate.__table__)}
        formats = {}
        for code, type_code in conn.execute(select(CertificateFormat.code, CertificateFormat.cert_type_code)
                                            .order_by(CertificateFormat.code)):
            formats.setdefault(type_code, code)
    batches = ledger_batches(enterprise_id, declarations, formats=formats, start=start, **options)
    with engine.connect() as conn:
        for _name, sql, params in bound_batches(batches, engine.dialect):
            conn.exec_driver_sql(sql, params)
            conn.commit()
        if conn.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for table in ("declaration", "certificate_application", "certificate"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}) + 1, false)")
            conn.commit()
        rebuild(conn)  # the rows went in past the Session: the statistics and home counts are recounted
        conn.commit()
    return ledger_rows(declarations)


def prepare_store(url: str, rows: int) -> None:
    """Migrate the store and give it the benchmark's enterprise with at least `rows` ledger rows."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as s:
            load_reference(s)
            seed_roles(s)
            enterprise = s.scalar(select(Enterprise).where(Enterprise.name_zh == ENTERPRISE_NAME))
            if enterprise is None:
                enterprise = Enterprise(name_zh=ENTERPRISE_NAME, name_en="Dalian Ledger Bench Foods Co., Ltd.",
                                        registration_no="2100999001", district_code=DISTRICT, status="approved")
                s.add(enterprise)
                s.flush()
                s.add(User(account=ACCOUNT, password_hash="-", real_name="台账测评", role="enterprise",
                           enterprise_id=enterprise.id, language="zh"))
            enterprise_id = enterprise.id
            held = s.scalar(select(func.count(Declaration.id)).where(Declaration.enterprise_id == enterprise_id))
        have = ledger_rows(held or 0)
        if have >= rows:
            print(f"store: {have:,} ledger rows already there, used as they are")
            return
        started = time.perf_counter()
        added = seed_ledger(engine, enterprise_id, declarations_for(rows) - (held or 0),
                            seed=11 + (held or 0))
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        print(f"store: {have + added:,} ledger rows written in {time.perf_counter() - started:.1f} s")
    finally:
        engine.dispose()


# --- the two runs ---------------------------------------------------------------------------------

def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB


class Clock:
    """Wall-clock and CPU seconds, added up over the stretches timed."""

    def __init__(self):
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc):
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def spool_cells(engine: Engine, actor, request: ExportRequest, path: Path) -> tuple[list, int]:
    """Write the export's converted rows, chunk by chunk, to a pickle file; return the columns and row count."""
    from dashboard.core.i18n import translator
    from data.ledger.export import ledger_columns
    from exports.tables.ledger import LedgerCells

    t = translator(request.language)
    count = 0
    with transaction(make_session_factory(engine)) as s, path.open("wb") as out:
        columns = ledger_columns(s, actor, t, request.query, request.columns)
        chunk: list = []
        for row in LedgerCells(columns).rows(stream_ledger(s, actor, request.query, request.columns)):
            chunk.append(row)
            if len(chunk) == SPOOL_CHUNK:
                pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
                count += len(chunk)
                chunk = []
        if chunk:
            pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
            count += len(chunk)
    return columns, count


class BareWriter:
    """The bare side: spooled rows written with nothing but xlsxwriter, timed on its own clock."""

    def __init__(self, columns, spool: Path, target: Path):
        import xlsxwriter

        from exports.tables.ledger import NUMBER_FORMATS

        self.clock = Clock()
        self.columns = len(columns)
        self._spool = spool.open("rb")
        self._pending: list = []
        self.rows = 0
        with self.clock:
            self.book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                                          "strings_to_urls": False, "strings_to_numbers": False})
            self.sheet = self.book.add_worksheet("bare")
            bold = self.book.add_format({"bold": True})
            for i, c in enumerate(columns):
                fmt = self.book.add_format({"num_format": NUMBER_FORMATS[c.kind]}) if c.kind in NUMBER_FORMATS else None
                self.sheet.set_column(i, i, c.width, fmt)
                self.sheet.write_string(0, i, c.header, bold)
            self.sheet.freeze_panes(1, 0)

    def write_until(self, total: int | None) -> None:
        """Write spooled rows until `total` are written (None: all of them)."""
        while total is None or self.rows < total:
            if not self._pending:
                try:
                    self._pending = pickle.load(self._spool)  # reading the spool is not timed
                except EOFError:
                    return
            take = len(self._pending) if total is None else min(len(self._pending), total - self.rows)
            batch, self._pending = self._pending[:take], self._pending[take:]
            write_row, r = self.sheet.write_row, self.rows
            with self.clock:
                for row in batch:
                    r += 1
                    write_row(r, 0, row)
            self.rows = r

    def close(self) -> None:
        self.write_until(None)
        with self.clock:
            self.sheet.autofilter(0, 0, self.rows, self.columns - 1)
            self.book.close()
        self._spool.close()


def interleaved(engine: Engine, actor, request: ExportRequest, tmp: Path) -> tuple[int, Clock, Clock, float]:
    """Run the export and the bare loop side by side; return the rows, both clocks and the export's peak MB."""
    from data.ledger.export import write_export

    columns, spooled = spool_cells(engine, actor, request, tmp / "cells.pickle")
    bare = BareWriter(columns, tmp / "cells.pickle", tmp / "bare.xlsx")
    aside = Clock()  # the bare loop's turns, taken off the export's time

    def progress(n: int) -> None:
        with aside:
            bare.write_until(n)

    total = Clock()
    with total, transaction(make_session_factory(engine)) as s:
        rows = write_export(s, actor, request, tmp / "export.xlsx", created=datetime(2026, 1, 1), progress=progress)
    peak = peak_mb()
    bare.close()
    if rows != spooled or bare.rows != rows:
        raise SystemExit(f"row counts differ: export {rows}, spooled {spooled}, bare {bare.rows}")
    export = Clock()
    export.wall, export.cpu = total.wall - aside.wall, total.cpu - aside.cpu
    return rows, export, bare.clock, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--store", help="SQLite file to fill once and use again")
    parser.add_argument("--columns", choices=("default", "all"), default="default",
                        help="the Jiucheng and certificate columns (14), or every ledger column (33)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="certdash-ledger-") as tmp:
        tmp_path = Path(tmp)
        path = Path(args.store).resolve() if args.store else tmp_path / "ledger.sqlite3"
        url = f"sqlite:///{path}"
        # filled in a child process: the parent's peak memory is then the export's alone
        child = multiprocessing.get_context("fork").Process(target=prepare_store, args=(url, args.rows))
        child.start()
        child.join()
        if child.exitcode != 0:
            return 1
        engine = make_engine(url)
        with transaction(make_session_factory(engine)) as s:
            user = s.scalar(select(User).where(User.account == ACCOUNT))
            actor = actor_for(s, user, role_permissions(s, user.role))
        keys = DEFAULT_COLUMNS["exit"] if args.columns == "default" else ALL_KEYS
        request = ExportRequest(LedgerQuery(direction="exit"), tuple(keys), "xlsx", "ledger", "zh")

        rows, export, bare, export_peak = interleaved(engine, actor, request, tmp_path)
        size = (tmp_path / "export.xlsx").stat().st_size
        engine.dispose()
    print(f"backend: {make_url(url).get_backend_name()}, rows: {rows:,}, columns: {len(keys)}, "
          f"file: {size / 1e6:.1f} MB")
    for name, clock in (("export", export), ("bare", bare)):
        print(f"{name + ':':8}{clock.wall:8.1f} s wall {rows / clock.wall:9,.0f} rows/s   "
              f"{clock.cpu:8.1f} s CPU {rows / clock.cpu:9,.0f} rows/s")
    print(f"peak memory: {export_peak:.0f} MB by the end of the export, {peak_mb():.0f} MB for the whole run")
    print(f"CPU-time ratio: {export.cpu / bare.cpu:.2f}")
    print(f"ratio={export.wall / bare.wall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
