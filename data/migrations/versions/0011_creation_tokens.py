"""creation tokens: a form's one-time token kept with what its first submission created

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:00:00

A second submission of the same new-declaration or new-application form finds its token here and
creates nothing (double clicks, two tabs).
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('creation_token',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )


def downgrade() -> None:
    op.drop_table('creation_token')
