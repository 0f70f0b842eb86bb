"""certificate query sorts: index runs for the received date, district, type, destination and production unit

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 12:00:00

The certificate query sorted every row in scope for these columns (seconds at millions of certificates); it now
reads them as ordered index runs per district (and status), each cut after the page, as it reads the issue
date (data/statistics/certificate_query.py). Sorting by type, destination or production unit follows the
application's column, which the grid shows.
"""
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cert_district_received_id", "certificate", ["district_code", "received_date", "id"]),
    ("ix_app_district_status_id", "certificate_application", ["district_code", "status", "id"]),
    ("ix_app_district_status_type", "certificate_application", ["district_code", "status", "cert_type_code", "id"]),
    ("ix_app_district_status_dest", "certificate_application", ["district_code", "status", "dest_country", "id"]),
    ("ix_app_district_status_unit", "certificate_application", ["district_code", "status", "production_unit", "id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
