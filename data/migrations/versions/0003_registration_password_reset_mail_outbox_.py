"""registration, password reset, mail outbox, comm accounts, shares

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 18:58:04.004451
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=256), nullable=False),
    sa.Column('subject', sa.String(length=256), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_created_at'), ['created_at'], unique=False)

    op.create_table('enterprise_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blob.sha256'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enterprise_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_attachment_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('enterprise_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=True),
    sa.Column('id_type', sa.String(length=16), nullable=True),
    sa.Column('id_number', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('fax', sa.String(length=32), nullable=True),
    sa.Column('mobile', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enterprise_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_contact_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('comm_account',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('password_encrypted', sa.Text(), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bound_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['bound_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enterprise_id')
    )
    op.create_table('password_reset_token',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_token_user_id'), ['user_id'], unique=False)

    op.create_table('certificate_share',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shared_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shared_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', 'user_id')
    )
    with op.batch_alter_table('certificate_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_share_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fax', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('mobile', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('job_title', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('customs_declarant_no', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('inspection_declarant_no', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('organisation', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_app_user_created_by', 'app_user', ['created_by'], ['id'])

    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_kind', sa.String(length=8), nullable=False, server_default='uscc'))
        batch_op.add_column(sa.Column('short_name', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('province', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('city', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('profile', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_comment', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_enterprise_reviewed_by', 'app_user', ['reviewed_by'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_constraint('fk_enterprise_reviewed_by', type_='foreignkey')
        batch_op.drop_column('review_comment')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('profile')
        batch_op.drop_column('postcode')
        batch_op.drop_column('city')
        batch_op.drop_column('province')
        batch_op.drop_column('short_name')
        batch_op.drop_column('registration_kind')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_app_user_created_by', type_='foreignkey')
        batch_op.drop_column('created_by')
        batch_op.drop_column('country')
        batch_op.drop_column('organisation')
        batch_op.drop_column('inspection_declarant_no')
        batch_op.drop_column('customs_declarant_no')
        batch_op.drop_column('job_title')
        batch_op.drop_column('mobile')
        batch_op.drop_column('fax')

    with op.batch_alter_table('certificate_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_share_user_id'))

    op.drop_table('certificate_share')
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_token_user_id'))

    op.drop_table('password_reset_token')
    op.drop_table('comm_account')
    with op.batch_alter_table('enterprise_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_contact_enterprise_id'))

    op.drop_table('enterprise_contact')
    with op.batch_alter_table('enterprise_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_attachment_enterprise_id'))

    op.drop_table('enterprise_attachment')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_created_at'))

    op.drop_table('outgoing_mail')
