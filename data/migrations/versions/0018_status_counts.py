"""status counts: applications, certificates and declarations per district, enterprise and status

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 06:00:00

The home pages counted every record of the user's scope by status on each visit (about a second for a
manager at a million certificates). `stats_status` keeps those counts per district, enterprise and status,
exact in the transaction of every change like the other rollups (data/statistics/rollup.py); this revision
fills it from the records already stored. An index on declarations by (district, direction, status) finds a
district's sent entry declarations for the officers' inbound counts without reading its exit declarations.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

SOURCES = (("a", "certificate_application"), ("c", "certificate"), ("d", "declaration"))


def upgrade() -> None:
    op.create_table('stats_status',
                    sa.Column('record', sa.String(length=1), nullable=False),
                    sa.Column('district_code', sa.String(length=4), nullable=False),
                    sa.Column('enterprise_id', sa.Integer(), nullable=False),
                    sa.Column('status', sa.String(length=24), nullable=False),
                    sa.Column('count', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('record', 'district_code', 'enterprise_id', 'status'),
                    sqlite_with_rowid=False)
    op.create_index('ix_stats_status_enterprise', 'stats_status', ['enterprise_id', 'record'], unique=False)
    for record, table in SOURCES:
        op.execute(f"INSERT INTO stats_status (record, district_code, enterprise_id, status, count) "
                   f"SELECT '{record}', district_code, enterprise_id, status, COUNT(*) FROM {table} "
                   f"GROUP BY district_code, enterprise_id, status")
    op.create_index('ix_declaration_district_direction_status', 'declaration',
                    ['district_code', 'direction', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_declaration_district_direction_status', table_name='declaration')
    op.drop_index('ix_stats_status_enterprise', table_name='stats_status')
    op.drop_table('stats_status')
