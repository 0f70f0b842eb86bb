"""Migrations: the models and the migration history describe the same schema, both ways."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from data.core.db import alembic_config, current_revision, head_revision
from data.models import Base

# indexes on an expression, which Alembic's comparison cannot see in the store: checked by name and by use below
pytest_plugins = ["tests.support.stats_world"]  # `stats_store`: the test world and 160 certificates


@pytest.fixture
def s(stats_store):
    """The statistics world (tests/support/stats_world.py), open as a session."""
    return stats_store

EXPRESSION_INDEXES = {"ix_declaration_document_number": "declaration_document", "ix_declaration_bl_number": "declaration"}


def _comparable(_object, name, type_, _reflected, _compare_to) -> bool:
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def test_store_is_at_head_and_matches_the_models(engine):
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_object": _comparable}),
                                Base.metadata)
    assert diff == []
    model_indexes = {ix.name for table in Base.metadata.tables.values() for ix in table.indexes}
    assert set(EXPRESSION_INDEXES) <= model_indexes
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            stored = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
        else:
            stored = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes").scalars())
    assert set(EXPRESSION_INDEXES) <= stored


def test_an_inbound_certificate_finds_its_declaration_by_an_index_probe(engine):
    from sqlalchemy import select

    from data.models import Declaration, DeclarationDocument
    from data.models.declarations import normalised_number

    query = (select(DeclarationDocument.declaration_id).join(Declaration)
             .where(normalised_number(DeclarationDocument.doc_no) == "KR2026000555"))
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: ask whether the index can serve
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row) for row in conn.exec_driver_sql(
            ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ") + str(compiled)))
    assert "ix_declaration_document_number" in plan


def test_downgrade_to_base_and_back(engine, store_url):
    cfg = alembic_config(store_url)
    command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_list_and_statistics_columns_are_indexed(engine):
    indexed = {}
    for table in ("certificate", "certificate_application", "declaration", "event"):
        indexed[table] = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes(table)}
    assert ("district_code", "issue_date", "id") in indexed["certificate"]  # the query's runs, ties in id order
    assert ("enterprise_id", "issue_date") in indexed["certificate"]
    assert ("cert_type_code", "issue_date") in indexed["certificate"]
    assert ("district_code", "status", "submitted_at") in indexed["certificate_application"]
    assert ("enterprise_id", "status", "created_at") in indexed["certificate_application"]
    assert ("enterprise_id", "created_at") in indexed["declaration"]
    assert ("object_type", "object_id", "at") in indexed["event"]
    assert ("at", "id") in indexed["event"]  # the audit log, newest first
    assert ("district_code", "direction", "status") in indexed["declaration"]  # entry declarations waiting


def test_the_explorer_groupings_are_filled_as_a_rebuild_fills_them(s, store_url):
    """Migration 0021 fills groupings 10 and 11 from the certificates already counted, row for row as
    `stats rebuild` does."""
    from sqlalchemy import select

    from data.models import StatsCertificate
    from data.statistics.rebuild import rebuild

    def rows():
        return sorted(tuple(r) for r in s.execute(select(StatsCertificate.__table__).where(
            StatsCertificate.grouping.in_((10, 11)))))

    s.close()
    cfg = alembic_config(store_url)
    command.downgrade(cfg, "0020")
    command.upgrade(cfg, "head")
    migrated = rows()
    assert len(migrated) > 100 and {r[0] for r in migrated} == {10, 11}
    rebuild(s.connection())
    assert rows() == migrated


def test_the_value_of_goods_is_copied_and_counted_per_currency_as_a_rebuild_counts_it(s, store_url):
    """Migration 0025 gives the certificates issued before it their declaration's value and currency, and counts
    stats_certificate again with the currency as a dimension: row for row what `stats rebuild` counts."""
    from sqlalchemy import func, select

    from data.models import Certificate, CertificateApplication, Declaration, StatsCertificate
    from data.statistics.rebuild import rebuild

    def rows():
        return sorted(tuple(r) for r in s.execute(select(StatsCertificate.__table__)))

    s.close()
    cfg = alembic_config(store_url)
    command.downgrade(cfg, "0024")
    command.upgrade(cfg, "head")
    migrated = rows()
    c, a, d = Certificate, CertificateApplication, Declaration
    pairs = s.execute(select(c.goods_value, c.currency, d.total_value, d.currency).join(
        a, a.id == c.application_id).join(d, d.id == a.declaration_id)).all()
    assert len(pairs) > 100 and all(cv == dv and cc == dc for cv, cc, dv, dc in pairs)
    assert {cc for _cv, cc, _dv, _dc in pairs} == {"USD", "JPY", None}
    by_currency = {cur: cents for cur, cents in s.execute(
        select(StatsCertificate.currency, func.sum(StatsCertificate.value_cents)).where(
            StatsCertificate.grouping == 12, StatsCertificate.grain == "m").group_by(StatsCertificate.currency))}
    declared: dict[str, int] = {}
    for _cv, cc, dv, _dc in pairs:
        declared[cc or ""] = declared.get(cc or "", 0) + (round(dv * 100) if dv is not None else 0)
    assert by_currency == declared
    assert {r[0] for r in migrated} == set(range(1, 23)) - {8}  # 8: never used
    rebuild(s.connection())
    assert rows() == migrated


def test_new_indexes_are_measured_where_the_store_was_measured(s, store_url):
    """Migrations 0026, 0028 and 0030 run ANALYZE on their indexes in a SQLite store analysed before (its planner takes
    an index without statistics for a selective one); PostgreSQL plans from table statistics and gets the indexes
    alone."""
    from sqlalchemy import text

    names = {"ix_cert_district_number", "ix_app_district_status_number", "ix_declaration_district_inspection",
             "ix_app_district_status_reviewed", "ix_cert_dest_district_issue"}
    sqlite = store_url.startswith("sqlite")
    engine = s.get_bind()
    s.close()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    cfg = alembic_config(store_url)
    command.downgrade(cfg, "0025")
    command.upgrade(cfg, "head")
    indexed = {ix["name"] for table in ("certificate", "certificate_application", "declaration")
               for ix in inspect(engine).get_indexes(table)}
    assert names <= indexed
    if sqlite:
        with engine.connect() as conn:
            measured = {row[0] for row in conn.execute(text("SELECT idx FROM sqlite_stat1"))}
        assert names <= measured
