"""a certificate's application checked by id from a narrow index

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 22:20:00

The certificate query keeps a certificate whose application is issued and declared in the user's districts: for
each certificate it reads the application by id. The count a search shows (up to 10,000 rows) for a common
destination read 10,000 application rows, about 900 bytes each and one per page: at ten million certificates,
1.5-6 s once those pages were out of the cache (the query's budget is 5 s). The index (id, status, district_code)
answers the check alone: 130-250 ms (PostgreSQL reads it alone where the table's pages are marked all-visible, as
autovacuum leaves the applications that no longer change).
"""
from alembic import op

from data.core.db import measure_new_indexes

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

NAME = "ix_app_id_status_district"


def upgrade() -> None:
    op.create_index(NAME, "certificate_application", ["id", "status", "district_code"], unique=False)
    measure_new_indexes(op.get_bind(), [NAME])


def downgrade() -> None:
    op.drop_index(NAME, table_name="certificate_application")
