"""Engine, sessions and the migration check for the one shared SQL store."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from data.statistics import tracking  # noqa: F401  (registers the statistics rollups' session events, once, for every session)

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


class StoreError(Exception):
    """The store cannot be used as configured; the message is one line for the operator."""


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # no pre-ping (a round trip per request): a connection the server dropped fails its request with a 503,
    # and SQLAlchemy then renews the whole pool; pool_recycle renews connections idle or open too long
    return create_engine(url, echo=echo, pool_size=5, max_overflow=10, pool_recycle=1800)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back everything on error."""
    s = factory()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()


@contextmanager
def snapshot(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session for reading only, whose every statement sees the store as its first one did: a report read
    by several statements (a district tree and its sums, a total and its breakdown, a count and its rows) agrees
    with itself while others write. PostgreSQL: REPEATABLE READ and READ ONLY (a write is refused). SQLite: one read
    transaction, begun explicitly (its Python driver begins none before a read: each would see the latest commit).
    Nothing is committed: the transaction ends with a rollback."""
    engine = cast(Engine, factory.kw["bind"])
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            conn.exec_driver_sql("BEGIN")
        try:
            with factory(bind=conn) as s:
                yield s
        finally:
            conn.rollback()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:
        raise StoreError("the migrations folder holds no revision")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the store at `url` to `revision`, creating the SQLite folder if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def measure_new_indexes(bind: Connection, names: Sequence[str]) -> None:
    """For a migration adding indexes: on a SQLite store whose indexes were measured (ANALYZE), measure the new
    ones too. Its planner takes an index without statistics for a selective one (0026 found it choosing such an
    index and sorting every row). PostgreSQL plans from the tables' statistics: nothing to do."""
    if bind.dialect.name != "sqlite":
        return
    measured = bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
    if measured and bind.exec_driver_sql("SELECT 1 FROM sqlite_stat1 LIMIT 1").first():
        for name in names:
            bind.exec_driver_sql(f"ANALYZE {name}")


def serial_plans(s: Session) -> None:
    """PostgreSQL: no JIT compilation and no parallel workers for the rest of this transaction.

    Reads of a few thousand index entries (a page of certificates, a rollup's sums) are estimated far above what
    they read at ten million certificates: past `jit_above_cost`, where compiling took longer than running (8-30 ms,
    seconds for a page query), and past the parallel thresholds, where starting two workers and gathering their
    rows took 10-20 ms of a 25 ms sum on this two-core machine."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT set_config('jit', 'off', true), "
                       "set_config('max_parallel_workers_per_gather', '0', true)"))


def describe_url(url: str) -> str:
    """Return the URL with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def check_store(engine: Engine) -> None:
    """Raise StoreError unless the store is reachable and at the head migration."""
    where = describe_url(str(engine.url))
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database not in (None, "", ":memory:"):
        if not Path(database).exists():  # connecting would create an empty file in the wrong place
            raise StoreError(f"the database file {database} does not exist; run: flask --app app:server db upgrade")
    try:
        current = current_revision(engine)
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot reach the database {where}: {reason}") from None
    head = head_revision()
    if current is None:
        raise StoreError(f"the database {where} has no certdash tables; run: flask --app app:server db upgrade")
    if current != head:
        raise StoreError(
            f"the database {where} is at migration {current}, the code needs {head}; "
            "run: flask --app app:server db upgrade"
        )


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE statement matched (Session.execute types its result as the general Result)."""
    return cast(CursorResult, result).rowcount
