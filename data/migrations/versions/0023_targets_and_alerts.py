"""district targets and the alerts each user has seen

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 11:00:00

Administrators set per-district targets for statistics measures (the cloud-signing share, review turnaround);
the explorer marks districts that miss them and a manager's home page lists what crossed a threshold since
their last visit, remembered per user and alert key.
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('district_target',
                    sa.Column('district_code', sa.String(length=4), nullable=False),
                    sa.Column('measure', sa.String(length=32), nullable=False),
                    sa.Column('target', sa.Float(), nullable=False),
                    sa.Column('updated_by', sa.Integer(), nullable=True),
                    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['district_code'], ['customs_district.code'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ondelete='SET NULL'),
                    sa.PrimaryKeyConstraint('district_code', 'measure'))
    op.create_table('alert_seen',
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('key', sa.String(length=64), nullable=False),
                    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('user_id', 'key'))


def downgrade() -> None:
    op.drop_table('alert_seen')
    op.drop_table('district_target')
