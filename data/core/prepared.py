"""Statements compiled once per dialect and run on the Session's own DBAPI connection.

The hot paths (a page of a list, saving an application) run small indexed statements whose
database time is tens of microseconds; SQLAlchemy's work per execution (cache key, execution
context, result wrapping, ORM bookkeeping) costs several times that. A statement here is written
with Core, compiled once per dialect and shape (one bound parameter per value: no expanding IN),
and executed with a cursor of the connection the Session holds, inside its transaction. Values pass
through the very type processors SQLAlchemy applies, so what is stored and read back is identical;
DBAPI errors are wrapped as SQLAlchemy's exceptions. When the connection has execution event
listeners or echo, statements go through `Connection.exec_driver_sql` so that they see them.
"""
from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Literal

from sqlalchemy import ColumnElement, bindparam, exc, false, inspect, true
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, set_committed_value
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler

from data.core.scope import Actor, customs_visible, scope_kind

MAX_SHAPES = 512
Plan = Literal["driver", "generic", "custom"]  # how PostgreSQL plans a query (`Prepared.rows`)


@functools.cache
def parameter_names(prefix: str, count: int) -> tuple[str, ...]:
    """Names of `count` parameters standing for the values of one IN list (`status__0`, `status__1` ...).

    Two underscores: SQLAlchemy names the parameters it makes up itself `status_1`, `status_2` ...
    """
    return tuple(f"{prefix}__{i}" for i in range(count))


def one_of(column, prefix: str, count: int):
    """`column IN (:prefix_0, :prefix_1, ...)`: one parameter per value, as prepared statements need."""
    return column.in_([bindparam(n, type_=column.type) for n in parameter_names(prefix, count)])


def scope_parameters(actor: Actor) -> tuple[tuple[str, int], dict[str, object]]:
    """The actor's row scope for prepared statements: its shape (kind, number of districts) and values."""
    shape, values = _scope_of(actor)
    return shape, dict(values)


@functools.lru_cache(maxsize=1024)
def _scope_of(actor: Actor) -> tuple[tuple[str, int], tuple[tuple[str, object], ...]]:
    kind, value = scope_kind(actor)
    if kind == "enterprise":
        return (kind, 0), (("scope", value),)
    if kind == "districts":
        codes: list[str] = list(value)  # type: ignore[call-overload]  # scope_kind gives districts as a list
        return (kind, len(codes)), tuple(zip(parameter_names("scope", len(codes)), codes))
    return (kind, 0), ()


def scope_condition(model, kind: str, count: int) -> ColumnElement[bool]:
    """`row_scope` of `model` written with the parameters of `scope_parameters`."""
    if kind == "enterprise":
        return model.enterprise_id == bindparam("scope", type_=model.enterprise_id.type)
    if kind == "districts":
        return one_of(model.district_code, "scope", count) & customs_visible(model)
    return true() if kind == "all" else false()


def bind_columns(rows: Sequence[Mapping[str, object]], names: Sequence[str],
                 processors: Sequence[tuple[int, Callable]], positional: bool) -> list:
    """DBAPI parameters of many rows: tuples in `names` order (positional styles) or dicts.

    Column-wise: each type processor runs over a whole column, and zip transposes in C.
    """
    columns: list = list(zip(*map(itemgetter(*names), rows)))
    for i, process in processors:
        columns[i] = map(process, columns[i])
    if positional:
        return list(zip(*columns))
    return [dict(zip(names, values)) for values in zip(*columns)]


class Prepared:
    """One statement compiled for one dialect: its SQL, how to bind values, how to read rows."""

    def __init__(self, statement: Executable, dialect: Dialect, column_keys: Sequence[str] | None = None) -> None:
        if not isinstance(statement, ClauseElement):
            raise TypeError(f"a prepared statement is written with Core, not {type(statement).__name__}")
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
        if not isinstance(compiled, SQLCompiler):  # DDL compiles otherwise
            raise TypeError(f"a prepared statement is a query or a DML statement, not {type(statement).__name__}")
        if compiled.insert_prefetch or compiled.update_prefetch:
            names = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            raise ValueError(f"a prepared statement must carry every value itself: {', '.join(names)}")
        given = {b.key for b in compiled.binds.values() if b.required or (b.value is None and b.callable is None)}
        expanding = [*compiled.post_compile_params, *compiled.literal_execute_params]
        if any(b.key in given for b in expanding):
            raise ValueError("a prepared statement takes one bound parameter per value given (no expanding IN)")
        self.dialect = dialect
        self.positional = bool(compiled.positiontup)
        if expanding:  # IN lists of the statement's own values (a scope rule's statuses): written out once
            state = compiled.construct_expanded_state(dict.fromkeys(given))
            self.sql: str = state.statement
            names = list(state.positiontup or ()) if self.positional else list(state.parameters)
            constants = state.parameters
            expanded = {part: compiled.binds[name].type for name, parts in state.parameter_expansion.items()
                        for part in parts}
        else:
            self.sql = compiled.string
            names = (list(compiled.positiontup or ()) if self.positional
                     else list(compiled.construct_params(_check=False) or ()))
            constants = {n: compiled.binds[n].effective_value for n in names if n not in given}
            expanded = {}
        types = [expanded.get(n) or compiled.binds[n].type for n in names]
        # (name, the caller gives it, constant): literals of the statement (`version + 1`) are constants
        self.slots = tuple((n, n in given, constants.get(n)) for n in names)
        self.names = tuple(names)
        # where each parameter comes from in rows given as sequences of the `column_keys` values
        self.row_order = ([list(column_keys).index(n) for n in names]
                          if column_keys and sorted(names) == sorted(column_keys) else None)
        self.bind_processors = tuple(
            (i, p) for i, t in enumerate(types) if (p := t.dialect_impl(dialect).bind_processor(dialect)) is not None)
        self.types = [c.type for c in statement.selected_columns] if hasattr(statement, "selected_columns") else []
        self.result_processors: list[tuple[int, Callable]] | None = None

    # .. binding and reading ..................................................................

    def parameters(self, values: Mapping[str, object]):
        """Return the DBAPI parameters for one execution."""
        params = [values[n] if given else const for n, given, const in self.slots]
        for i, process in self.bind_processors:
            params[i] = process(params[i])
        return tuple(params) if self.positional else dict(zip(self.names, params))

    def _read(self, rows: Sequence[Sequence[object]], description) -> list[tuple]:
        # the DBAPI type codes tell some dialects how to read a column: known once a statement has run with them
        if self.result_processors is None and description:
            self.result_processors = [
                (i, p) for i, (t, d) in enumerate(zip(self.types, description))
                if (p := t.dialect_impl(self.dialect).result_processor(self.dialect, d[1])) is not None]
        if not self.result_processors or not rows:
            return [r if type(r) is tuple else tuple(r) for r in rows]
        columns: list[Iterable[object]] = list(zip(*rows))
        for i, process in self.result_processors:
            columns[i] = map(process, columns[i])
        return list(zip(*columns))

    # .. running ..............................................................................

    def rows(self, s: Session, values: Mapping[str, object], *, plan: Plan = "driver") -> list[tuple]:
        """Run a query in the session's transaction; return its rows as tuples of Python values.

        `plan`, on PostgreSQL with psycopg (elsewhere, or with listeners that must see the statement, it runs as
        usual):
        - "driver": psycopg prepares what a connection ran five times, and the server then plans it for
          its values five times before it may keep one plan for any values, if that one's estimate is as low;
        - "generic": prepared on the connection at once and planned once for any values, then reused. Only
          for a statement whose best plan does not depend on its values: planning a page of many index runs
          took 30 ms at ten million rows where running it takes 5;
        - "custom": never prepared, planned for its values each time: a statement whose plan for any values
          the server would estimate cheaper and find slower (the certificate query's district sort: 126 ms
          where its own plan runs in 40).
        """
        return self._execute(s, self.parameters(values), many=False, fetch=True, plan=plan)

    def execute(self, s: Session, values: Mapping[str, object]) -> int:
        """Run a statement in the session's transaction; return the rows it matched."""
        return self._execute(s, self.parameters(values), many=False, fetch=False)

    def execute_columns(self, s: Session, columns: Sequence[Sequence[object]]) -> int:
        """Run an INSERT once per row (executemany), the values given column by column in `column_keys` order."""
        if self.row_order is None:
            raise ValueError("values by position need a statement of exactly its column_keys")
        ordered: list[Iterable[object]] = [columns[i] for i in self.row_order]
        for i, process in self.bind_processors:
            ordered[i] = map(process, ordered[i])
        params = (list(zip(*ordered)) if self.positional
                  else [dict(zip(self.names, values)) for values in zip(*ordered)])
        return self._execute(s, params, many=True, fetch=False) if params else 0

    def _execute(self, s: Session, params, *, many: bool, fetch: bool, plan: Plan = "driver"):
        if s.autoflush:
            s.flush()  # as Session.execute would: pending ORM changes first
        conn = s.connection()
        if conn._has_events or conn.engine._has_events or conn._echo:  # listeners and logging see it
            result = conn.exec_driver_sql(self.sql, params)
            if fetch:  # the description first: once its rows are fetched, the result lets its cursor go
                description = result.cursor.description if result.cursor is not None else ()
                return self._read(result.fetchall(), description)
            return result.rowcount
        return self._on_cursor(conn, params, many=many, fetch=fetch,
                               plan=plan if self.dialect.driver == "psycopg" else "driver")

    def _on_cursor(self, conn: Connection, params, *, many: bool, fetch: bool, plan: Plan = "driver"):
        dbapi_conn = conn.connection.dbapi_connection
        if dbapi_conn is None:
            raise exc.ResourceClosedError("the session's connection is closed")
        cursor = dbapi_conn.cursor()
        try:
            if many:
                cursor.executemany(self.sql, params)
            elif plan == "generic":  # only `rows` asks for it
                # the server reads the setting when the statement runs: set around this one only (should it fail,
                # the rollback of the transaction undoes the setting too)
                cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
                cursor.execute(self.sql, params, prepare=True)  # type: ignore[call-arg]  # psycopg's own
                rows, description = cursor.fetchall(), cursor.description
                cursor.execute("SET LOCAL plan_cache_mode TO DEFAULT")
                return self._read(rows, description)
            elif plan == "custom":
                cursor.execute(self.sql, params, prepare=False)  # type: ignore[call-arg]  # psycopg's own
            else:
                cursor.execute(self.sql, params)
            if fetch:
                return self._read(cursor.fetchall(), cursor.description)
            return cursor.rowcount
        except self.dialect.loaded_dbapi.Error as err:
            if self.dialect.is_disconnect(err, dbapi_conn, cursor):
                conn.invalidate(err)
            raise exc.DBAPIError.instance(self.sql, params, err, self.dialect.loaded_dbapi.Error,
                                          dialect=self.dialect, ismulti=many) from err
        finally:
            cursor.close()


def loaded(s: Session, model, values: Mapping[str, object]):
    """Return the session's object of `model` for a row read by a prepared statement, as a query loads it.

    `values` maps attribute names to the row's values (the primary key among them). An object the
    session already holds is refreshed with them (pending changes were flushed before the read);
    otherwise a new one is attached as persistent, with no history. Attributes not given load on access.
    """
    mapper = inspect(model)
    key = mapper.identity_key_from_primary_key([values[c.key] for c in mapper.primary_key])
    obj = s.identity_map.get(key)
    if obj is not None and inspect(obj).modified:
        s.flush()  # its changes are the store's before the row's values are taken as committed
    if obj is None:
        obj = mapper.class_manager.new_instance()  # no constructor: the values are loaded state, no history
        instance_dict(obj).update(values)
        make_transient_to_detached(obj)
        s.add(obj)
    else:
        held = instance_dict(obj)
        for name, value in values.items():
            if name not in held or held[name] != value:
                set_committed_value(obj, name, value)
    return obj


class Statements:
    """A family of prepared statements: `build(*key)` writes one with Core, compiled once per dialect and key."""

    def __init__(self, build: Callable[..., Executable], column_keys: Sequence[str] | None = None) -> None:
        self.build = build
        self.column_keys = column_keys
        self._by_dialect: weakref.WeakKeyDictionary[Dialect, dict[tuple[Hashable, ...], Prepared]] = weakref.WeakKeyDictionary()

    def get(self, s: Session, key: tuple[Hashable, ...] = ()) -> Prepared:
        """Return the statement for the session's dialect and `key` (a tuple of `build`'s arguments)."""
        dialect = s.get_bind().dialect
        cache = self._by_dialect.get(dialect)
        if cache is None:
            cache = self._by_dialect[dialect] = {}
        statement = cache.get(key)
        if statement is None:
            if len(cache) >= MAX_SHAPES:  # a family whose keys grow without bound starts over, never leaks
                cache.clear()
            statement = cache[key] = Prepared(self.build(*key), dialect, self.column_keys)
        return statement

    def rows(self, s: Session, key: tuple[Hashable, ...], values: Mapping[str, object], *,
             plan: Plan = "driver") -> list[tuple]:
        return self.get(s, key).rows(s, values, plan=plan)

    def execute(self, s: Session, key: tuple[Hashable, ...], values: Mapping[str, object]) -> int:
        return self.get(s, key).execute(s, values)
