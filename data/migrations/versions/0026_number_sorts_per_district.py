"""number sorts per district: the certificate query reads certificate and inspection numbers district by district

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 12:40:00

Certificate numbers and inspection numbers begin with their district's code. Sorted by either, the query
walked the whole number index and checked each row's district: a manager's first page read the numbers of
every district sorted before theirs (tens of thousands of rows at a million certificates). It now reads one
ordered run per district in scope, as it reads the issue date, from these indexes.
"""
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cert_district_number", "certificate", ["district_code", "certificate_no"]),
    ("ix_app_district_status_number", "certificate_application", ["district_code", "status", "certificate_no", "id"]),
    ("ix_declaration_district_inspection", "declaration", ["district_code", "inspection_no"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    _analyze_where_analyzed([name for name, _table, _columns in INDEXES])


def _analyze_where_analyzed(names: list[str]) -> None:
    """SQLite: measure the new indexes where the store's other indexes were measured. Its planner takes an
    index without statistics for a selective one, and chose these for the district sorts (a sort of every row:
    seconds at a million certificates). PostgreSQL plans from the tables' statistics and needs nothing."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if not bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        return
    if not bind.exec_driver_sql("SELECT 1 FROM sqlite_stat1 LIMIT 1").first():
        return
    for name in names:
        bind.exec_driver_sql(f"ANALYZE {name}")


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
