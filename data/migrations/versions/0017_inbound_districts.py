"""inbound districts: which district's officers see a certificate received from abroad

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 01:00:00

An inbound certificate belongs to the district of the entry declaration it is matched to; until then
to the district of its unloading port, else to the top customs. Rows received before this revision
take the top customs (the parentless district with the lowest code).
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_certificate') as batch:
        batch.add_column(sa.Column('unloading_port', sa.String(length=64), nullable=False, server_default=''))
        batch.add_column(sa.Column('district_code', sa.String(length=4), nullable=True))
        batch.create_foreign_key('fk_inbound_district', 'customs_district', ['district_code'], ['code'])
    op.create_index('ix_inbound_district_received', 'inbound_certificate', ['district_code', 'received_at'],
                    unique=False)
    op.execute("UPDATE inbound_certificate SET district_code = COALESCE("
               "(SELECT d.district_code FROM declaration d WHERE d.id = inbound_certificate.declaration_id), "
               "(SELECT MIN(c.code) FROM customs_district c WHERE c.parent_code IS NULL))")


def downgrade() -> None:
    op.drop_index('ix_inbound_district_received', table_name='inbound_certificate')
    with op.batch_alter_table('inbound_certificate') as batch:
        batch.drop_constraint('fk_inbound_district', type_='foreignkey')
        batch.drop_column('district_code')
        batch.drop_column('unloading_port')
