"""Keeping the statistics rollups (data/statistics/rollup.py) exact in the transaction of every change: the Session
events that read a certificate's, application's or declaration's stored state before and after each flush or
ORM statement, and write the difference of their contributions at commit (inside a savepoint: at once). A district
moved in the tree recomputes the trends and the subtree sums it changes, at commit. The listeners are registered on
the Session class when this module is imported (by data/core/db.py)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from data.models import CustomsDistrict
from data.statistics.rebuild import SqlParts, fill_subtrees, rebuild_trend
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
_TREE_CHANGED = "certdash.rollup.tree_changed"  # districts moved: their old and new parents (EVERYTHING: unknown)
EVERYTHING = "everything"  # a district removed, an old code or parent not known: every subtree recomputed


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
    moved = session.info.pop(_TREE_CHANGED, None)
    if moved:
        conn = session.connection()
        sql = SqlParts(conn)
        if sql.pg:  # no certificate may change while the trends are summed up again
            conn.exec_driver_sql("LOCK TABLE certificate IN SHARE MODE")
        rebuild_trend(conn, sql)
        chains = district_chains(conn)
        # a district's subtree changed only if it lies above an old or a new parent of a district moved
        roots = set(chains) if EVERYTHING in moved else {r for code in moved for r in chains.get(code, (code,))}
        fill_subtrees(conn, sql, roots)


def _tree_changed(session: Session, parents: Iterable[str]) -> None:
    session.info.setdefault(_TREE_CHANGED, set()).update(parents)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.nested or transaction.parent is None:  # not a flush's own inner marker
        session.info.pop(_COMMITTING, None)  # after a savepoint, differences wait for the commit again
    if transaction.parent is None:  # committed (written) or rolled back (dropped)
        session.info.pop(_DEFERRED, None)
        session.info.pop(_TREE_CHANGED, None)


def _changed(obj, columns: Sequence[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in columns)


def _identity(obj) -> int | None:
    """The row's id: a pending object has it once its INSERT ran (before the session makes it persistent)."""
    identity = inspect(obj).identity
    return identity[0] if identity else inspect(obj).dict.get("id")


def _before_flush(session: Session, _context, _instances) -> None:
    for obj in session.dirty:
        if isinstance(obj, CustomsDistrict) and _changed(obj, ("code", "parent_code")):
            attrs = inspect(obj).attrs
            code, parent = attrs.code.history, attrs.parent_code.history
            # the old values loaded before the change: the old and new codes and parents (and the districts above)
            known = (not code.has_changes() or code.deleted) and (not parent.has_changes() or parent.deleted)
            _tree_changed(session, {*code.deleted, *code.added, *code.unchanged, *parent.deleted, *parent.added,
                                    *parent.unchanged} - {None} if known else {EVERYTHING})
    if any(isinstance(obj, CustomsDistrict) for obj in session.deleted):
        _tree_changed(session, {EVERYTHING})
    for obj in session.new:  # a district's first house makes it a root of subtree sums
        if isinstance(obj, CustomsDistrict) and obj.parent_code is not None:
            _tree_changed(session, {obj.parent_code})
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
    if table_name == CustomsDistrict.__tablename__:  # a statement's districts are not known here
        _tree_changed(state.session, {EVERYTHING})
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
