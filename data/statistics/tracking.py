"""Keeping the statistics rollups (data/statistics/rollup.py) exact in the transaction of every change: the Session
events that read a certificate's, application's or declaration's stored state before and after each flush or
ORM statement, and write the difference of their contributions at commit (inside a savepoint: at once). A change of
the district tree (a district added, moved, renamed or deleted) keeps each tree the rollups were kept under, and at
commit sums again the trend rows and subtree sums of the districts whose subtree changed, only those. The listeners
are registered on the Session class when this module is imported (by data/core/db.py)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from data.models import CustomsDistrict
from data.statistics.rebuild import SqlParts, changed_roots, fill_subtrees, rebuild_trend, tree_state
from data.statistics.rollup import (
    SOURCES,
    SOURCES_BY_TABLE,
    Delta,
    RollupError,
    Source,
    add_difference,
    district_chains,
    stored_states,
)

_PENDING = "certdash.rollup.pending"  # stored states read before a flush, for after it
_DEFERRED = "certdash.rollup.deferred"  # differences to write at commit
_COMMITTING = "certdash.rollup.committing"  # written already: later differences go straight in
_TREES = "certdash.rollup.trees"  # the district trees the rollups were kept under: before each change of it


def _apply_or_defer(session: Session, delta: Delta) -> None:
    """Write now inside a savepoint (its rollback must take the rows back) or while committing; else at commit."""
    if session.get_nested_transaction() is not None or session.info.get(_COMMITTING):
        delta.apply(session.connection())
        return
    deferred = session.info.get(_DEFERRED)
    if deferred is None:
        session.info[_DEFERRED] = delta
    else:
        deferred.merge(delta)


def _before_commit(session: Session) -> None:
    session.flush()  # the last changes first: commit flushes only after this hook
    session.info[_COMMITTING] = True
    deferred = session.info.pop(_DEFERRED, None)
    if deferred is not None:
        deferred.apply(session.connection())
    trees = session.info.pop(_TREES, None)
    if trees:
        conn = session.connection()
        sql = SqlParts(conn)
        # no certificate may change until this commits: one written meanwhile would add to the subtrees of the tree
        # it saw; those written before (under the first tree) count among the districts with certificates read here
        if sql.pg:
            conn.exec_driver_sql("LOCK TABLE certificate IN SHARE MODE")
        trend, subtree = changed_roots(trees, tree_state(conn))
        if trend:
            rebuild_trend(conn, sql, trend)
        if subtree:
            fill_subtrees(conn, sql, subtree)


def _tree_changing(session: Session) -> None:
    """A district is about to change (not yet written): keep the tree as it is, the rollups' certificates having been
    counted under it. First, other changes of the tree wait until this transaction ends (PostgreSQL: a lock on the
    district table that row reads and foreign-key checks pass; SQLite: the store's write lock, taken by a write of
    nothing), so that the first tree kept is the one every other writer saw."""
    trees = session.info.get(_TREES)
    conn = session.connection()
    if trees is None:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE customs_district IN SHARE ROW EXCLUSIVE MODE")
        else:
            conn.exec_driver_sql("UPDATE customs_district SET code = code WHERE 0")
        trees = session.info[_TREES] = []
    trees.append(district_chains(conn))


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.nested or transaction.parent is None:  # not a flush's own inner marker
        session.info.pop(_COMMITTING, None)  # after a savepoint, differences wait for the commit again
    if transaction.parent is None:  # committed (written) or rolled back (dropped)
        session.info.pop(_DEFERRED, None)
        session.info.pop(_TREES, None)


def _changed(obj, columns: Sequence[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in columns)


def _identity(obj) -> int | None:
    """The row's id: a pending object has it once its INSERT ran (before the session makes it persistent)."""
    identity = inspect(obj).identity
    return identity[0] if identity else inspect(obj).dict.get("id")


def _before_flush(session: Session, _context, _instances) -> None:
    if (any(isinstance(obj, CustomsDistrict) and _changed(obj, ("code", "parent_code")) for obj in session.dirty)
            or any(isinstance(obj, CustomsDistrict) for obj in (*session.deleted, *session.new))):
        _tree_changing(session)
    watched: dict[Source, tuple[list, set[int | None]]] = {}
    for obj in session.new:
        src = SOURCES.get(type(obj))
        if src is not None:
            watched.setdefault(src, ([], set()))[0].append(obj)
    for obj in session.dirty:
        src = SOURCES.get(type(obj))
        if src is not None and _changed(obj, src.columns):
            objects, old = watched.setdefault(src, ([], set()))
            objects.append(obj)
            old.add(_identity(obj))
    for obj in session.deleted:
        src = SOURCES.get(type(obj))
        if src is not None:
            watched.setdefault(src, ([], set()))[1].add(_identity(obj))
    if not watched:
        session.info.pop(_PENDING, None)
        return
    conn = session.connection()
    session.info[_PENDING] = [(src, objects, stored_states(conn, src, {i for i in old if i is not None})) for src, (objects, old)
                              in watched.items()]


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    conn = session.connection()
    delta = Delta()
    for src, objects, before in pending:
        ids = {i for i in (_identity(obj) for obj in objects) if i is not None} | set(before)
        add_difference(conn, src, before, stored_states(conn, src, ids), delta)
    _apply_or_defer(session, delta)


def _statement_ids(state: ORMExecuteState, src: Source, conn: Connection) -> list[int]:
    """The ids of the rows an UPDATE/DELETE/INSERT run through the Session touches."""
    params = state.parameters
    if isinstance(params, (list, tuple)) and params:  # executemany: bulk by primary key
        try:
            return [int(p["id"]) for p in params]
        except (KeyError, TypeError, ValueError):
            raise RollupError(f"a bulk write of {src.table.name} through the Session must name each row's id; "
                              "add objects with Session.add instead") from None
    stmt = state.statement
    single = params if isinstance(params, Mapping) else {}
    if state.is_insert:
        values = getattr(stmt, "_values", None) or {}
        key = next((v for k, v in values.items() if getattr(k, "key", k) == "id"), None)
        value = getattr(key, "value", None) if key is not None else single.get("id")
        if value is None:
            raise RollupError(f"an INSERT into {src.table.name} through the Session must give the id; "
                              "add objects with Session.add instead")
        return [int(value)]
    query = select(src.table.c.id)
    where = getattr(stmt, "whereclause", None)  # an UPDATE or DELETE
    if where is not None:
        query = query.where(where)
    return list(conn.execute(query, dict(single)).scalars())


def _on_execute(state: ORMExecuteState):
    if not (state.is_update or state.is_delete or state.is_insert):
        return None
    table_name = getattr(getattr(state.statement, "table", None), "name", None)
    if table_name == CustomsDistrict.__tablename__:
        _tree_changing(state.session)
    src = SOURCES_BY_TABLE.get(table_name) if table_name else None
    if src is None:
        return None
    session = state.session
    session.flush()  # pending objects first, with their own differences
    conn = session.connection()
    ids = _statement_ids(state, src, conn)
    before = {} if state.is_insert else stored_states(conn, src, ids)
    result = state.invoke_statement()
    frozen = result.freeze() if getattr(result, "returns_rows", True) else None  # RETURNING: read rows first
    delta = Delta()
    add_difference(conn, src, before, stored_states(conn, src, ids), delta)
    _apply_or_defer(session, delta)
    return frozen() if frozen is not None else result  # no rows: the caller keeps rowcount


def install() -> None:
    """Register the listeners on the Session class (once): every session of every factory runs them."""
    for name, fn in (("before_flush", _before_flush), ("after_flush", _after_flush),
                     ("do_orm_execute", _on_execute), ("before_commit", _before_commit),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


install()
