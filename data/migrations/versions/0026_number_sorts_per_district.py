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


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
