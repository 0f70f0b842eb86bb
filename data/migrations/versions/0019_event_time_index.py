"""event time index: the audit log's newest events without sorting the whole log

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 06:30:00

The audit log lists events newest first; with millions of events every view sorted them all. An index
on (at, id) reads the first page from its end.
"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_event_at', 'event', ['at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_event_at', table_name='event')
