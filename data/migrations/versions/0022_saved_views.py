"""saved views: explorer views kept under a name, shared with the district's other managers

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 10:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_view',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('owner_id', sa.Integer(), nullable=False),
                    sa.Column('district_code', sa.String(length=4), nullable=True),
                    sa.Column('name', sa.String(length=64), nullable=False),
                    sa.Column('params', sa.JSON(), nullable=False),
                    sa.Column('shared', sa.Boolean(), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('owner_id', 'name', name='uq_saved_view_name'))
    op.create_index('ix_saved_view_district_shared', 'saved_view', ['district_code', 'shared'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_saved_view_district_shared', table_name='saved_view')
    op.drop_table('saved_view')
