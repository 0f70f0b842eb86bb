"""reviewed-at sort per district: the certificate query reads the review time district by district and status

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 16:00:00

Sorted by review time, the query walked the whole review-time index and checked each row's district and
status: at ten million certificates a page of a district's waiting applications read past some ten thousand
others' (45 ms where the other sorts take 5-15). It now reads one run per district and status, as the
submission-time sort does, from this index.
"""
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

NAME = "ix_app_district_status_reviewed"


def upgrade() -> None:
    op.create_index(NAME, "certificate_application", ["district_code", "status", "reviewed_at", "id"], unique=False)
    bind = op.get_bind()
    # SQLite takes an index without statistics for a selective one: measure it where the others were (as 0026)
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        if bind.exec_driver_sql("SELECT 1 FROM sqlite_stat1 LIMIT 1").first():
            bind.exec_driver_sql(f"ANALYZE {NAME}")


def downgrade() -> None:
    op.drop_index(NAME, table_name="certificate_application")
