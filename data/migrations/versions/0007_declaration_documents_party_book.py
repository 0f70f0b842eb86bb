"""declaration documents, party book, enterprise settings, application scans

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 20:52:17.352675
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enterprise_setting',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enterprise_id', 'name')
    )
    op.create_table('party_book',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=18), nullable=True),
    sa.Column('name_zh', sa.String(length=128), nullable=True),
    sa.Column('name_en', sa.String(length=256), nullable=True),
    sa.Column('address', sa.String(length=256), nullable=True),
    sa.Column('contact', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('party_book', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_book_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('declaration_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('doc_code', sa.String(length=8), nullable=False),
    sa.Column('doc_no', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('declaration_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_document_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('application_scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('doc_code', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['certificate_application.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blob.sha256'], ),
    sa.ForeignKeyConstraint(['uploaded_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('application_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_scan_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inspection_place_code', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('related_inspection_no', sa.String(length=15), nullable=True))
        batch_op.add_column(sa.Column('related_reason', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
        batch_op.drop_column('version')
        batch_op.drop_column('related_reason')
        batch_op.drop_column('related_inspection_no')
        batch_op.drop_column('inspection_place_code')

    with op.batch_alter_table('application_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_scan_application_id'))

    op.drop_table('application_scan')
    with op.batch_alter_table('declaration_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_document_declaration_id'))

    op.drop_table('declaration_document')
    with op.batch_alter_table('party_book', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_book_enterprise_id'))

    op.drop_table('party_book')
    op.drop_table('enterprise_setting')
