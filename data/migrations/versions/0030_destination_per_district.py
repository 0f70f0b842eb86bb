"""a destination's certificates by district: found and sorted by their own index

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 18:20:00

The certificate query filtered by a destination read the certificates without an index for it: the
count a search shows scanned the whole table, and a page read in runs (district by district, in
issue-date order) read each district to its end when the destination was rare (a thousand of ten
million certificates: seconds, past the statement timeout). With this index a destination's
certificates of a district are a range, in issue-date order: a run reads only them, and the query can
tell a rare destination from a common one by counting a few thousand index entries.
"""
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

NAME = "ix_cert_dest_district_issue"


def upgrade() -> None:
    op.create_index(NAME, "certificate", ["dest_country", "district_code", "issue_date", "id"], unique=False)
    bind = op.get_bind()
    # SQLite takes an index without statistics for a selective one: measure it where the others were (as 0026)
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        if bind.exec_driver_sql("SELECT 1 FROM sqlite_stat1 LIMIT 1").first():
            bind.exec_driver_sql(f"ANALYZE {NAME}")


def downgrade() -> None:
    op.drop_index(NAME, table_name="certificate")
