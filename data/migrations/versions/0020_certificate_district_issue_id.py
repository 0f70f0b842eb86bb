"""certificate district, issue date and id: the certificate query's runs stop after the page on PostgreSQL

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:50:00

The certificate query reads the certificates of each district in scope in issue-date order and breaks ties by
id (data/statistics/certificate_query.py). PostgreSQL keeps equal keys of an index in no particular order, so
with (district_code, issue_date) it read a district's whole last day to order its ties; (district_code,
issue_date, id) holds them in order. It replaces the narrower index, which it covers.
"""
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cert_district_issue_id', 'certificate', ['district_code', 'issue_date', 'id'], unique=False)
    op.drop_index('ix_cert_district_issue', table_name='certificate')


def downgrade() -> None:
    op.create_index('ix_cert_district_issue', 'certificate', ['district_code', 'issue_date'], unique=False)
    op.drop_index('ix_cert_district_issue_id', table_name='certificate')
