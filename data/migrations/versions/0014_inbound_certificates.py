"""inbound certificates: certificates other countries issued for goods coming to China, as received

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:10:00

One row per exporting country and certificate number (a withdrawal updates it); the XML as received
and its attached PDF are blobs; a hub envelope id is kept once, so a duplicate envelope stores nothing.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbound_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exporting_country', sa.String(length=2), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('type_code', sa.String(length=8), nullable=False),
    sa.Column('status_code', sa.String(length=4), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consignor', sa.String(length=256), nullable=False),
    sa.Column('consignee', sa.String(length=256), nullable=False),
    sa.Column('bl_numbers', sa.JSON(), nullable=False),
    sa.Column('containers', sa.JSON(), nullable=False),
    sa.Column('goods', sa.JSON(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('envelope_id', sa.String(length=64), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_by', sa.Integer(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.ForeignKeyConstraint(['document_sha256'], ['blob.sha256'], ),
    sa.ForeignKeyConstraint(['pdf_sha256'], ['blob.sha256'], ),
    sa.ForeignKeyConstraint(['received_by'], ['app_user.id'], name='fk_inbound_received_by'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('envelope_id'),
    sa.UniqueConstraint('exporting_country', 'certificate_no', name='uq_inbound_country_number')
    )
    op.create_index('ix_inbound_received', 'inbound_certificate', ['received_at'], unique=False)
    op.create_index(op.f('ix_inbound_certificate_declaration_id'), 'inbound_certificate', ['declaration_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inbound_certificate_declaration_id'), table_name='inbound_certificate')
    op.drop_index('ix_inbound_received', table_name='inbound_certificate')
    op.drop_table('inbound_certificate')
