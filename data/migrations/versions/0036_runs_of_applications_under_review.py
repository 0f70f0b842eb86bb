"""the certificate query's runs of applications under review: one per declared district, not per district and status

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 23:20:00

A page of the certificate query merges ordered runs, each read to the page's depth. The applications not yet issued
were read in one run per declared district and status (eight statuses): at ten million certificates every such run
is full, and a first page of an administrator's unfiltered search by submission time read 126 runs, 3,276 rows, where
ten thousand certificates gave 1,363. Partial indexes over those applications alone (drafts are never listed, issued
ones are read with their certificates), in each sort's order, give one run per district: 28 runs, 728 rows at either
size. They hold the applications under review only, a small part of the table once most are issued.
"""
from alembic import op
from sqlalchemy import text

from data.core.db import measure_new_indexes

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

# as data/models/applications.py and the query write it (not NOT IN: PostgreSQL writes an index's NOT IN back in a
# form that builds another expression when run again, as a bulk load does)
CONDITION = "status <> 'draft' AND status <> 'issued'"
INDEXES = {
    "ix_app_under_review_id": ["district_code", "id"],
    "ix_app_under_review_submitted": ["district_code", "submitted_at", "id"],
    "ix_app_under_review_reviewed": ["district_code", "reviewed_at", "id"],
    "ix_app_under_review_type": ["district_code", "cert_type_code", "id"],
    "ix_app_under_review_dest": ["district_code", "dest_country", "id"],
    "ix_app_under_review_unit": ["district_code", "production_unit", "id"],
    "ix_app_under_review_number": ["district_code", "certificate_no", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "certificate_application", columns, unique=False,
                        sqlite_where=text(CONDITION), postgresql_where=text(CONDITION))
    measure_new_indexes(op.get_bind(), list(INDEXES))


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="certificate_application")
