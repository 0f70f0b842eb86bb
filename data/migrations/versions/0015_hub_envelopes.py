"""hub envelopes: the outbox of certificates sent to the ePhyto Hub, and their tracking

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:00:00

One row per certificate change sent abroad (issued, replaced, withdrawn), queued in the transaction that
made the change. Our envelope key is unique (a resend is the same envelope); so is the hub's delivery
number once it gave one. The due index serves the worker's "what is there to send now".
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hub_envelope',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('envelope_key', sa.String(length=36), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('certificate_no', sa.String(length=32), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('to_country', sa.String(length=2), nullable=False),
    sa.Column('type_code', sa.Integer(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('hub_delivery_number', sa.String(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=36), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('hub_message', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], ),
    sa.ForeignKeyConstraint(['content_sha256'], ['blob.sha256'], ),
    sa.ForeignKeyConstraint(['district_code'], ['customs_district.code'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('envelope_key'),
    sa.UniqueConstraint('hub_delivery_number')
    )
    op.create_index('ix_hub_envelope_due', 'hub_envelope', ['state', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_hub_envelope_certificate_id'), 'hub_envelope', ['certificate_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_hub_envelope_certificate_id'), table_name='hub_envelope')
    op.drop_index('ix_hub_envelope_due', table_name='hub_envelope')
    op.drop_table('hub_envelope')
