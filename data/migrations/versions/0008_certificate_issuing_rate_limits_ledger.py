"""certificate issuing, rate limits, ledger templates

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 22:42:45.634983
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_limit',
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start')
    )
    op.create_table('ledger_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('file_name', sa.String(length=128), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enterprise_id', 'name', name='uq_ledger_template_name')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_cert_replaces', ['replaces_id'], unique=False)
        batch_op.create_foreign_key('fk_certificate_issued_by', 'app_user', ['issued_by'], ['id'])

    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.create_index('ix_declaration_district_created', ['district_code', 'created_at'], unique=False)
        batch_op.create_index('ix_declaration_enterprise_inspection', ['enterprise_id', 'inspection_date'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_enterprise_inspection')
        batch_op.drop_index('ix_declaration_district_created')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint('fk_certificate_issued_by', type_='foreignkey')
        batch_op.drop_index('ix_cert_replaces')
        batch_op.drop_column('signed_at')
        batch_op.drop_column('issued_by')

    op.drop_table('ledger_template')
    op.drop_table('rate_limit')
