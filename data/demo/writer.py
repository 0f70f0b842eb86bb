"""Writing the row stream into a store: compiled INSERTs (COPY on PostgreSQL), batches bound in a child process,
rollups rebuilt."""
from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from queue import Empty
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from data.core.prepared import bind_columns
from data.demo.cast import (
    BATCH_SIZE,
    DEFAULT_END,
    DEMO_ACCOUNTS,
    PARALLEL_MIN_CERTIFICATES,
    UTC,
)
from data.demo.setup import (
    CHUNK_ORDER,
    ID_TABLES,
    StartIds,
)
from data.demo.snapshot import (
    reference_snapshot,
)
from data.demo.stream import (
    RowStream,
)
from data.models import (
    Certificate,
    CertificateApplication,
    Declaration,
    NumberSequence,
    User,
    table_of,
)
from data.statistics.rebuild import rebuild as rebuild_rollups

# the leaves of the data set that no statistic, rollup or certificate query reads (a lean store leaves them out)
LEAN_SKIPPED = frozenset({"goods_line", "container", "declaration_document", "application_goods", "event"})

# --- writing ------------------------------------------------------------------------------------


def _default_value(default: Any) -> Any:
    """A column's Python-side default as Core computes it for a row that leaves the column out."""
    return default.arg(None) if default.is_callable else default.arg


class InsertStatement:
    """The INSERT Core compiles for one table, dialect and set of row keys, and the binding of rows to it.

    With `copy` (PostgreSQL), the statement is a `COPY table (columns) FROM STDIN` of the same columns and the
    rows are bound as tuples in their order, each value as the dialect's bind processor gives it."""

    def __init__(self, table: Table, dialect, keys: Sequence[str], copy: bool = False) -> None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self.positional = bool(compiled.positiontup) or copy
        self.keys = list(compiled.positiontup or ()) if compiled.positiontup else list(compiled.binds)
        if copy:
            names = ", ".join(dialect.identifier_preparer.quote(table.c[k].name) for k in self.keys)
            self.sql = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
        # columns the rows leave out but the model gives a Python-side default, as Core would fill them
        self.defaults = {c.key: _default_value(c.default) for c in compiled.insert_prefetch if c.key not in keys}
        columns = {c.key: c for c in table.columns}
        impls = [(i, columns[k].type.dialect_impl(dialect)) for i, k in enumerate(self.keys)]
        self.processors = [(i, _quick(impl, p)) for i, impl in impls if (p := impl.bind_processor(dialect)) is not None]

    def bind(self, rows: list[dict]) -> list:
        """Return DBAPI parameters for `rows`: tuples for positional paramstyles, dicts otherwise."""
        if self.defaults:
            rows = [self.defaults | row for row in rows]
        return bind_columns(rows, self.keys, self.processors, self.positional)


_PROBE_TIMES = (datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC), datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
                datetime(2024, 2, 29, tzinfo=UTC))


def _quick_datetime(process: Callable) -> Callable:
    """Return a faster equivalent of a datetime processor for whole-second UTC values, if one fits."""
    day = lru_cache(maxsize=4096)(lambda ordinal: process(datetime.fromordinal(ordinal).replace(tzinfo=UTC))[:-15])
    minutes = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
    seconds = [f"{s:02d}.000000" for s in range(60)]

    def text(value):
        if value is None or value.microsecond or value.tzinfo is not UTC:
            return process(value)
        return day(value.toordinal()) + minutes[value.hour * 60 + value.minute] + seconds[value.second]

    return text if all(text(v) == process(v) for v in _PROBE_TIMES) else process


def _quick(impl, process: Callable) -> Callable:
    """Return a faster function that gives exactly what the dialect's bind processor `process` gives.

    Dates repeat (two years of days), so their processor is memoised, and so is the day part of
    datetimes where the dialect writes them as text; most receipts carry empty details, whose JSON
    is computed once.
    """
    if isinstance(impl, DateTime):
        return _quick_datetime(process)
    if isinstance(impl, Date):
        return lru_cache(maxsize=4096)(process)
    if isinstance(impl, JSON):
        empty = process({})

        def json_or_empty(value):
            return empty if type(value) is dict and not value else process(value)

        return json_or_empty
    return process


def bound_batches(batches: Iterator[tuple[Table, list[dict]]], dialect,
                  copy: bool = False) -> Generator[tuple[str, str, list], None, None]:
    """Turn (table, rows) batches into (table name, INSERT statement, DBAPI parameters) batches for `dialect`
    (with `copy`: a COPY statement and row tuples, see InsertStatement)."""
    statements: dict[str, InsertStatement] = {}
    for table, rows in batches:
        if not rows:
            continue
        statement = statements.get(table.name)
        if statement is None:
            statement = statements[table.name] = InsertStatement(table, dialect, list(rows[0]), copy)
        yield str(table.name), statement.sql, statement.bind(rows)


def uses_copy(dialect) -> bool:
    """Whether a store is filled by COPY (PostgreSQL with psycopg 3) rather than by INSERT statements."""
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def write_batch(conn: Connection, sql: str, params: list) -> None:
    """Write one bound batch: a COPY streams its tuples (psycopg adapts each value), an INSERT runs executemany."""
    if sql.startswith("COPY "):
        if not conn.in_transaction():
            conn.begin()  # so that the caller's commit commits the COPY (the driver's own transaction)
        dbapi: Any = conn.connection.dbapi_connection  # a psycopg Connection (uses_copy)
        with dbapi.cursor() as cursor, cursor.copy(sql) as stream:
            for row in params:
                stream.write_row(row)
    else:
        conn.exec_driver_sql(sql, params)


_DONE = "done"
_FAILED = "failed"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration."""
    # the rows hold no reference cycles, and collecting while millions of short-lived dicts pass
    # through costs more than building them
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _produce(queue, make: Callable[[], Generator[tuple[str, str, list], None, None]]) -> None:
    """Child process: put every bound batch on the queue, then a done or failed marker."""
    gc.disable()
    try:
        for item in make():
            queue.put(item)
        queue.put((_DONE, None, None))
    except BaseException:
        queue.put((_FAILED, None, traceback.format_exc()))


def _in_child(make: Callable[[], Generator[tuple[str, str, list], None, None]]
              ) -> Generator[tuple[str, str, list], None, None]:
    """Start `make` in a forked child process; return an iterator over what it produces."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue(maxsize=8)
    child = ctx.Process(target=_produce, args=(queue, make), daemon=True)
    child.start()
    return _drain(queue, child)


def _drain(queue, child) -> Generator[tuple[str, str, list], None, None]:
    """Yield the child's batches until its done marker; stop the child if the consumer gives up."""
    try:
        while True:
            try:
                item = queue.get(timeout=1.0)
            except Empty:
                if child.is_alive():
                    continue
                try:
                    item = queue.get(timeout=1.0)
                except Empty:
                    raise RuntimeError(f"demo data producer exited with code {child.exitcode}") from None
            if item[0] == _DONE:
                break
            if item[0] == _FAILED:
                raise RuntimeError(f"demo data producer failed:\n{item[2]}")
            yield item
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()


BULK_MIN_CERTIFICATES = 500_000  # from this size a PostgreSQL store is loaded in bulk (see bulk_load)


@contextmanager
def bulk_load(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """Load `tables` of a PostgreSQL store in bulk: their secondary indexes are dropped for the load and built again
    afterwards (one sort each instead of millions of insertions; also when the load fails), and, where the role
    may (a superuser), foreign keys are not checked row by row (session_replication_role = replica): the
    generated rows are consistent by construction, as the generator's tests check with the keys in force.
    Unique and primary-key indexes stay. Elsewhere it does nothing."""
    if conn.dialect.name != "postgresql":
        yield
        return
    names = sorted(str(t.name) for t in tables)
    definitions = list(conn.exec_driver_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(%(names)s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
        "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%' ORDER BY i.indexname", {"names": names}))
    for name, _definition in definitions:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    superuser = conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar()
    if superuser:
        conn.exec_driver_sql("SET session_replication_role = replica")
    conn.commit()
    try:
        yield
    finally:
        conn.rollback()
        if superuser:
            conn.exec_driver_sql("SET session_replication_role = DEFAULT")
        conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
        for _name, definition in definitions:
            conn.exec_driver_sql(definition)
            conn.commit()
        for name in names:
            conn.exec_driver_sql(f'ANALYZE "{name}"')
        conn.commit()


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote: rows per table and the accounts created."""

    rows: dict[str, int]
    accounts: tuple[str, ...]
    seed: int

    @property
    def certificates(self) -> int:
        return self.rows.get("certificate", 0)


def _ensure_roles(conn: Connection) -> None:
    # the role tree and its default grants belong to auth; seed them where missing
    from data.accounts.roles import seed_roles

    with Session(bind=conn) as s:
        seed_roles(s)
        s.commit()


def generate(engine: Engine, *, certificates: int, seed: int, password_hash: str,
             progress: Callable[[int, int], None] | None = None, end: date = DEFAULT_END,
             batch_size: int = BATCH_SIZE, parallel: bool | None = None, rollups: bool = True,
             bulk: bool | None = None, lean: bool = False) -> DemoSummary:
    """Write the demo data set into a store that holds reference data but no declarations or applications yet.

    The rows go in as Core batches, which the statistics rollups' session events do not see: the
    rollups are recomputed at the end (`rollups=False` leaves that to the caller). A PostgreSQL store is
    written by COPY, and from BULK_MIN_CERTIFICATES on (or with `bulk`) in bulk (`bulk_load`).

    `lean` leaves out the rows nothing statistical reads (LEAN_SKIPPED: goods, containers, documents, the
    event log): a store for measuring statistics and the certificate query at ten million certificates in
    about 40 % of the disk. The rows kept are the same as in a full store of the same seed.
    """
    with engine.connect() as conn:
        ref = reference_snapshot(conn)
        tables = tuple(table_of(m) for m in (Declaration, CertificateApplication, Certificate, NumberSequence))
        busy = [t.name for t in tables if conn.scalar(select(func.count()).select_from(t))]
        if busy:
            raise ValueError(f"the store already holds {', '.join(busy)} rows; generate demo data into a fresh store")
        accounts = [a.account.lower() for a in DEMO_ACCOUNTS]
        taken = list(conn.scalars(select(User.account).where(func.lower(User.account).in_(accounts))))
        if taken:
            raise ValueError(f"demo accounts already exist: {', '.join(sorted(taken))}")
        _ensure_roles(conn)
        start = StartIds.after_existing(conn)
        conn.commit()
    stream = RowStream(ref, certificates, seed, password_hash, start, end, batch_size)

    copy = uses_copy(engine.dialect)

    skipped = LEAN_SKIPPED if lean else frozenset()

    def make() -> Generator[tuple[str, str, list], None, None]:
        return bound_batches(((table, rows) for table, rows in stream.batches() if table.name not in skipped),
                             engine.dialect, copy)

    use_child = parallel if parallel is not None else certificates >= PARALLEL_MIN_CERTIFICATES
    # a forked producer needs the fork start method, and daemonic processes may not have children
    use_child = (use_child and "fork" in multiprocessing.get_all_start_methods()
                 and not multiprocessing.current_process().daemon)
    source = _in_child(make) if use_child else make()
    counts: dict[str, int] = {}
    with _collector_paused(), closing(source), engine.connect() as conn:
        in_bulk = bulk if bulk is not None else certificates >= BULK_MIN_CERTIFICATES
        with bulk_load(conn, CHUNK_ORDER) if in_bulk else nullcontext():
            for name, sql, params in source:
                write_batch(conn, sql, params)
                conn.commit()
                counts[name] = counts.get(name, 0) + len(params)
                if progress is not None and name == "certificate":
                    progress(counts[name], certificates)
        _continue_id_sequences(conn)
        if rollups:
            rebuild_rollups(conn)
            conn.commit()
    return DemoSummary(counts, tuple(a.account.lower() for a in stream.accounts), seed)


def _continue_id_sequences(conn: Connection) -> None:
    """Rows inserted with their ids leave PostgreSQL's id sequences behind: move them past the highest id."""
    if conn.dialect.name != "postgresql":
        return  # SQLite gives the next rowid after the highest one
    for table in ID_TABLES:
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                             f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)")
    conn.commit()
