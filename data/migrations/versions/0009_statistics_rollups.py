"""statistics rollups: certificates by period and dimensions, trends by subtree, review turnaround, backlog

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 23:30:00

SQLite keeps them WITHOUT ROWID (stored in key order: a range of periods is read in one scan).
The tables start empty; `flask --app app:server stats rebuild` (or the demo and seed commands)
fills them from the certificates and applications already stored.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TURNAROUND_BUCKETS = 52  # b00 .. b51, as data/models.py


def upgrade() -> None:
    op.create_table('stats_certificate',
    sa.Column('grouping', sa.SmallInteger(), nullable=False),
    sa.Column('grain', sa.String(length=1), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('cert_type_code', sa.String(length=4), nullable=False),
    sa.Column('entry_method', sa.String(length=16), nullable=False),
    sa.Column('signing_method', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('dest_country', sa.String(length=2), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('certificates', sa.Integer(), nullable=False),
    sa.Column('cloud', sa.Integer(), nullable=False),
    sa.Column('printed', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('grouping', 'grain', 'period', 'district_code', 'cert_type_code', 'entry_method',
                            'signing_method', 'status', 'dest_country', 'received_date'),
    sqlite_with_rowid=False
    )
    op.create_index('ix_stats_certificate_destination', 'stats_certificate',
                    ['dest_country', 'grain', 'period', 'district_code'], unique=False,
                    sqlite_where=sa.text('grouping = 4'), postgresql_where=sa.text('grouping = 4'))
    op.create_table('stats_trend',
    sa.Column('root_code', sa.String(length=4), nullable=False),
    sa.Column('dimension', sa.String(length=1), nullable=False),
    sa.Column('grain', sa.String(length=1), nullable=False),
    sa.Column('value', sa.String(length=4), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('certificates', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('root_code', 'dimension', 'grain', 'value', 'period'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_turnaround',
    sa.Column('grain', sa.String(length=1), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('approvals', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.BigInteger(), nullable=False),
    *(sa.Column(f'b{k:02d}', sa.Integer(), nullable=False) for k in range(TURNAROUND_BUCKETS)),
    sa.PrimaryKeyConstraint('grain', 'period', 'district_code'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_backlog',
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('under_review', sa.Integer(), nullable=False),
    sa.Column('suspended', sa.Integer(), nullable=False),
    sa.Column('awaiting_confirmation', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('district_code', 'submitted_on'),
    sqlite_with_rowid=False
    )


def downgrade() -> None:
    op.drop_table('stats_backlog')
    op.drop_table('stats_turnaround')
    op.drop_table('stats_trend')
    op.drop_index('ix_stats_certificate_destination', table_name='stats_certificate')
    op.drop_table('stats_certificate')
