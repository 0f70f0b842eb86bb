"""card login challenges

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:51:11.287865
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_challenge',
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('card_no', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('nonce')
    )
    with op.batch_alter_table('login_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_challenge_expires_at'), ['expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('login_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_challenge_expires_at'))

    op.drop_table('login_challenge')
