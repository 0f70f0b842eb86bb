"""Benchmark the demo data generator against a bare DBAPI insert of the very same rows.

    python -m bench.seed --certificates 200000 [--seed 7] [--database-url URL]

Two fresh stores are migrated and given the reference data. Store A is filled by
`data.demo.generate` (timed as a whole). The same rows are then replayed from `iter_batches` with
the same seed, bound to DBAPI parameters and pickled to a temporary file (untimed), and written into
store B with nothing but the bare statement and one commit per batch (only those calls are timed):
`COPY ... FROM STDIN` on PostgreSQL, as the generator writes there, `executemany` of the INSERT on
SQLite. The last line printed is `ratio=<generator time / bare write time>`.

Without --database-url the stores are SQLite files in a temporary folder; with a
postgresql+psycopg URL two throw-away databases are created on that server and dropped afterwards.
"""
from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from auth.passwords import hash_password
from data.accounts.roles import seed_roles
from data.core.db import make_engine, make_session_factory, upgrade
from data.demo import (
    BATCH_SIZE,
    StartIds,
    bound_batches,
    generate,
    iter_batches,
    reference_snapshot,
    uses_copy,
    write_batch,
)
from data.demo.setup import CHUNK_ORDER
from data.demo.writer import BULK_MIN_CERTIFICATES, bulk_load
from data.reference.catalog import load_reference


@contextmanager
def fresh_stores(database_url: str | None, tmp: Path) -> Iterator[tuple[str, str]]:
    """Yield the URLs of two new, empty stores; drop them afterwards when they live on a server."""
    if database_url is None or make_url(database_url).get_backend_name() == "sqlite":
        base = Path(make_url(database_url).database) if database_url else tmp / "store.sqlite3"
        urls = [f"sqlite:///{base.with_name(base.stem + suffix + base.suffix)}" for suffix in ("-generated", "-bare")]
        for url in urls:
            if Path(make_url(url).database).exists():
                raise SystemExit(f"{url} already exists; pass a path to a new file")
        yield urls[0], urls[1]
        return
    url = make_url(database_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    names = [f"certdash_bench_{uuid.uuid4().hex[:8]}_{kind}" for kind in ("generated", "bare")]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield tuple(url.set(database=n).render_as_string(hide_password=False) for n in names)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str) -> Engine:
    """Migrate a store, load the reference data and the roles, and return its engine."""
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        load_reference(s)
        seed_roles(s)
        s.commit()
    return engine


def spool(engine: Engine, path: Path, *, certificates: int, seed: int, password_hash: str, batch_size: int) -> int:
    """Write the generator's rows for `engine`'s store, bound to DBAPI parameters, to `path`; return the row count."""
    with engine.connect() as conn:
        ref = reference_snapshot(conn)
        start = StartIds.after_existing(conn)
    rows = 0
    with path.open("wb") as f:
        batches = iter_batches(ref, certificates=certificates, seed=seed, password_hash=password_hash, start=start,
                               batch_size=batch_size)
        for _, sql, params in bound_batches(batches, engine.dialect, uses_copy(engine.dialect)):
            pickle.dump((sql, params), f, protocol=pickle.HIGHEST_PROTOCOL)
            rows += len(params)
    return rows


def bare_insert(engine: Engine, path: Path, bulk: bool) -> float:
    """Write the spooled batches (COPY on PostgreSQL, executemany elsewhere) with a commit per batch; return the
    seconds spent in them. With `bulk`, as the generator loads a large store: indexes dropped, then built
    again (timed too)."""
    spent = 0.0
    with engine.connect() as conn, path.open("rb") as f:
        started = time.perf_counter()
        with bulk_load(conn, CHUNK_ORDER) if bulk else nullcontext():
            spent += time.perf_counter() - started
            while True:
                try:
                    sql, params = pickle.load(f)
                except EOFError:
                    break
                started = time.perf_counter()
                write_batch(conn, sql, params)
                conn.commit()
                spent += time.perf_counter() - started
            started = time.perf_counter()
        spent += time.perf_counter() - started
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="postgresql+psycopg://... (default: SQLite in a temp dir)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)
    password_hash = hash_password("demo-password")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="certdash-bench-")))
        url_a, url_b = stack.enter_context(fresh_stores(args.database_url, tmp))
        engine_a, engine_b = prepare(url_a), prepare(url_b)
        stack.callback(engine_a.dispose)
        stack.callback(engine_b.dispose)

        started = time.perf_counter()
        summary = generate(engine_a, certificates=args.certificates, seed=args.seed, password_hash=password_hash,
                           batch_size=args.batch_size)
        generated = time.perf_counter() - started
        rows_a = sum(summary.rows.values())

        spooled = tmp / "rows.pickle"
        rows_b = spool(engine_b, spooled, certificates=args.certificates, seed=args.seed,
                       password_hash=password_hash, batch_size=args.batch_size)
        bare = bare_insert(engine_b, spooled, args.certificates >= BULK_MIN_CERTIFICATES)

    if rows_a != rows_b:
        print(f"row counts differ: generator {rows_a}, replay {rows_b}", file=sys.stderr)
        return 1
    print(f"backend: {make_url(url_a).get_backend_name()}, certificates: {args.certificates}, rows: {rows_a}")
    print(f"generator:   {generated:8.2f} s  {rows_a / generated:12,.0f} rows/s")
    print(f"bare {'COPY' if uses_copy(engine_b.dialect) else 'insert'}: {bare:8.2f} s  {rows_b / bare:12,.0f} rows/s")
    print(f"ratio={generated / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
