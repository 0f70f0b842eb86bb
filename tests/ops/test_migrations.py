"""Migrations: the models and the migration history describe the same schema, both ways."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from data.core.db import alembic_config, current_revision, head_revision
from data.models import Base


def test_store_is_at_head_and_matches_the_models(engine):
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


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
    assert ("district_code", "issue_date") in indexed["certificate"]
    assert ("enterprise_id", "issue_date") in indexed["certificate"]
    assert ("cert_type_code", "issue_date") in indexed["certificate"]
    assert ("district_code", "status", "submitted_at") in indexed["certificate_application"]
    assert ("enterprise_id", "status", "created_at") in indexed["certificate_application"]
    assert ("enterprise_id", "created_at") in indexed["declaration"]
    assert ("object_type", "object_id", "at") in indexed["event"]
