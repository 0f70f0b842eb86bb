"""certificate numbers at approval

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 20:00:27.701877
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_sequence',
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('last_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('prefix')
    )
    with op.batch_alter_table('certificate_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('certificate_no', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint('uq_certificate_application_certificate_no', ['certificate_no'])



def downgrade() -> None:
    with op.batch_alter_table('certificate_application', schema=None) as batch_op:
        batch_op.drop_constraint('uq_certificate_application_certificate_no', type_='unique')
        batch_op.drop_column('certificate_no')
        batch_op.drop_column('approved_at')

    op.drop_table('number_sequence')
