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

from data.core.db import measure_new_indexes

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

NAME = "ix_cert_dest_district_issue"


def upgrade() -> None:
    op.create_index(NAME, "certificate", ["dest_country", "district_code", "issue_date", "id"], unique=False)
    measure_new_indexes(op.get_bind(), [NAME])


def downgrade() -> None:
    op.drop_index(NAME, table_name="certificate")
