"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 18:36:55.783413
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('certificate_type',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('bilingual', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('customs_district',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('parent_code', sa.String(length=4), nullable=True),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=True),
    sa.Column('postcode', sa.String(length=6), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['customs_district.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('customs_district', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customs_district_parent_code'), ['parent_code'], unique=False)

    op.create_table('dict_entry',
    sa.Column('dictionary', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=256), nullable=False),
    sa.Column('name_en', sa.String(length=256), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('dictionary', 'code')
    )
    op.create_table('role',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['role.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('certificate_format',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('cert_type_code', sa.String(length=4), nullable=False),
    sa.Column('name_zh', sa.String(length=128), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('languages', sa.String(length=32), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cert_type_code'], ['certificate_type.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('certificate_format', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_format_cert_type_code'), ['cert_type_code'], unique=False)

    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('org_code', sa.String(length=10), nullable=True),
    sa.Column('name_zh', sa.String(length=128), nullable=False),
    sa.Column('name_en', sa.String(length=256), nullable=True),
    sa.Column('address_zh', sa.String(length=256), nullable=True),
    sa.Column('address_en', sa.String(length=256), nullable=True),
    sa.Column('registration_no', sa.String(length=10), nullable=True),
    sa.Column('customs_code', sa.String(length=10), nullable=True),
    sa.Column('ciq_code', sa.String(length=10), nullable=True),
    sa.Column('entity_types', sa.JSON(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('legal_representative', sa.String(length=64), nullable=True),
    sa.Column('contact_name', sa.String(length=64), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['customs_district.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('credit_code'),
    sa.UniqueConstraint('registration_no')
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_org_code'), ['org_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_status'), ['status'], unique=False)

    op.create_table('role_permission',
    sa.Column('role_code', sa.String(length=32), nullable=False),
    sa.Column('permission', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['role_code'], ['role.code'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_code', 'permission')
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=12), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('real_name', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=128), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('district_code', sa.String(length=4), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['customs_district.code'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['role'], ['role.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_role'), ['role'], unique=False)

    op.create_table('declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=5), nullable=False),
    sa.Column('entry_no', sa.String(length=20), nullable=True),
    sa.Column('inspection_no', sa.String(length=15), nullable=True),
    sa.Column('inspection_date', sa.Date(), nullable=True),
    sa.Column('category', sa.String(length=8), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('issue_district_code', sa.String(length=4), nullable=True),
    sa.Column('port_authority_code', sa.String(length=4), nullable=True),
    sa.Column('declarant_code', sa.String(length=16), nullable=True),
    sa.Column('declarant_name', sa.String(length=64), nullable=True),
    sa.Column('contact_name', sa.String(length=64), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('consignor_code', sa.String(length=18), nullable=True),
    sa.Column('consignor_zh', sa.String(length=128), nullable=True),
    sa.Column('consignor_en', sa.String(length=256), nullable=True),
    sa.Column('consignor_address', sa.String(length=256), nullable=True),
    sa.Column('consignee_code', sa.String(length=18), nullable=True),
    sa.Column('consignee_zh', sa.String(length=128), nullable=True),
    sa.Column('consignee_en', sa.String(length=256), nullable=True),
    sa.Column('consignee_address', sa.String(length=256), nullable=True),
    sa.Column('trade_mode', sa.String(length=8), nullable=True),
    sa.Column('transport_mode', sa.String(length=2), nullable=True),
    sa.Column('transport_means', sa.String(length=64), nullable=True),
    sa.Column('transport_no', sa.String(length=64), nullable=True),
    sa.Column('departure_port', sa.String(length=64), nullable=True),
    sa.Column('arrival_port', sa.String(length=64), nullable=True),
    sa.Column('dest_country', sa.String(length=2), nullable=True),
    sa.Column('origin_country', sa.String(length=2), nullable=True),
    sa.Column('contract_no', sa.String(length=64), nullable=True),
    sa.Column('bl_no', sa.String(length=64), nullable=True),
    sa.Column('despatch_date', sa.Date(), nullable=True),
    sa.Column('arrival_date', sa.Date(), nullable=True),
    sa.Column('storage_place', sa.String(length=128), nullable=True),
    sa.Column('customs_declaration_district', sa.String(length=4), nullable=True),
    sa.Column('legal_inspection', sa.Boolean(), nullable=False),
    sa.Column('marks', sa.Text(), nullable=True),
    sa.Column('special_requirements', sa.Text(), nullable=True),
    sa.Column('required_documents', sa.JSON(), nullable=False),
    sa.Column('total_value', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['customs_district.code'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inspection_no')
    )
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.create_index('ix_declaration_district_date', ['district_code', 'inspection_date'], unique=False)
        batch_op.create_index('ix_declaration_enterprise_created', ['enterprise_id', 'created_at'], unique=False)
        batch_op.create_index('ix_declaration_enterprise_status', ['enterprise_id', 'direction', 'status'], unique=False)

    op.create_table('certificate_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('cert_type_code', sa.String(length=4), nullable=False),
    sa.Column('format_code', sa.String(length=16), nullable=False),
    sa.Column('serial', sa.String(length=3), nullable=False),
    sa.Column('entry_method', sa.String(length=16), nullable=False),
    sa.Column('needs_confirmation', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('dest_country', sa.String(length=2), nullable=True),
    sa.Column('production_unit', sa.String(length=128), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cert_type_code'], ['certificate_type.code'], ),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.ForeignKeyConstraint(['district_code'], ['customs_district.code'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['format_code'], ['certificate_format.code'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('certificate_application', schema=None) as batch_op:
        batch_op.create_index('ix_app_district_status_submitted', ['district_code', 'status', 'submitted_at'], unique=False)
        batch_op.create_index('ix_app_enterprise_status_created', ['enterprise_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_app_reviewed', ['reviewed_at'], unique=False)
        batch_op.create_index('ix_app_type_created', ['cert_type_code', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_application_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('container',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('spec', sa.String(length=8), nullable=True),
    sa.Column('number', sa.String(length=11), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('lcl', sa.Boolean(), nullable=False),
    sa.Column('seal_no', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('container', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_container_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_container_number'), ['number'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('district_code', sa.String(length=4), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_actor_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_event_code_at', ['code', 'at'], unique=False)
        batch_op.create_index('ix_event_enterprise_at', ['enterprise_id', 'at'], unique=False)
        batch_op.create_index('ix_event_object', ['object_type', 'object_id', 'at'], unique=False)

    op.create_table('goods_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hs_code', sa.String(length=10), nullable=False),
    sa.Column('ciq_code', sa.String(length=3), nullable=True),
    sa.Column('name_zh', sa.String(length=256), nullable=False),
    sa.Column('name_en', sa.String(length=256), nullable=True),
    sa.Column('spec', sa.String(length=256), nullable=True),
    sa.Column('model', sa.String(length=128), nullable=True),
    sa.Column('brand', sa.String(length=128), nullable=True),
    sa.Column('purpose', sa.String(length=32), nullable=True),
    sa.Column('origin_country', sa.String(length=2), nullable=True),
    sa.Column('origin_place', sa.String(length=64), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('quantity_unit', sa.String(length=3), nullable=True),
    sa.Column('weight', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('weight_unit', sa.String(length=3), nullable=True),
    sa.Column('packages', sa.Integer(), nullable=True),
    sa.Column('package_type', sa.String(length=2), nullable=True),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('value', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('production_unit', sa.String(length=128), nullable=True),
    sa.Column('production_unit_reg_no', sa.String(length=32), nullable=True),
    sa.Column('production_date', sa.Date(), nullable=True),
    sa.Column('batch_no', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('goods_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_line_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('ic_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_no', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('card_no')
    )
    with op.batch_alter_table('ic_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ic_card_user_id'), ['user_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=128), nullable=False),
    sa.Column('title_en', sa.String(length=256), nullable=False),
    sa.Column('body_zh', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('districts', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('system_parameter',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('description', sa.String(length=256), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('application_goods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hs_code', sa.String(length=10), nullable=False),
    sa.Column('name_zh', sa.String(length=256), nullable=False),
    sa.Column('name_en', sa.String(length=256), nullable=True),
    sa.Column('origin', sa.String(length=64), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('quantity_unit', sa.String(length=3), nullable=True),
    sa.Column('weight', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('weight_unit', sa.String(length=3), nullable=True),
    sa.Column('packages', sa.Integer(), nullable=True),
    sa.Column('package_type', sa.String(length=2), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['certificate_application.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('application_goods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_goods_application_id'), ['application_id'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_no', sa.String(length=32), nullable=False),
    sa.Column('serial', sa.String(length=3), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('cert_type_code', sa.String(length=4), nullable=False),
    sa.Column('entry_method', sa.String(length=16), nullable=False),
    sa.Column('dest_country', sa.String(length=2), nullable=True),
    sa.Column('issue_place', sa.String(length=64), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('signing_method', sa.String(length=8), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('print_count', sa.Integer(), nullable=False),
    sa.Column('verify_token', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['certificate_application.id'], ),
    sa.ForeignKeyConstraint(['cert_type_code'], ['certificate_type.code'], ),
    sa.ForeignKeyConstraint(['district_code'], ['customs_district.code'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['pdf_sha256'], ['blob.sha256'], ),
    sa.ForeignKeyConstraint(['replaces_id'], ['certificate.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('certificate_no')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index('ix_cert_district_issue', ['district_code', 'issue_date'], unique=False)
        batch_op.create_index('ix_cert_enterprise_issue', ['enterprise_id', 'issue_date'], unique=False)
        batch_op.create_index('ix_cert_status', ['status'], unique=False)
        batch_op.create_index('ix_cert_type_issue', ['cert_type_code', 'issue_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_application_id'), ['application_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_application_id'))
        batch_op.drop_index('ix_cert_type_issue')
        batch_op.drop_index('ix_cert_status')
        batch_op.drop_index('ix_cert_enterprise_issue')
        batch_op.drop_index('ix_cert_district_issue')

    op.drop_table('certificate')
    with op.batch_alter_table('application_goods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_goods_application_id'))

    op.drop_table('application_goods')
    op.drop_table('system_parameter')
    op.drop_table('notification')
    with op.batch_alter_table('ic_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ic_card_user_id'))

    op.drop_table('ic_card')
    with op.batch_alter_table('goods_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_line_declaration_id'))

    op.drop_table('goods_line')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_object')
        batch_op.drop_index('ix_event_enterprise_at')
        batch_op.drop_index('ix_event_code_at')
        batch_op.drop_index('ix_event_actor_at')

    op.drop_table('event')
    with op.batch_alter_table('container', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_container_number'))
        batch_op.drop_index(batch_op.f('ix_container_declaration_id'))

    op.drop_table('container')
    with op.batch_alter_table('certificate_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_application_declaration_id'))
        batch_op.drop_index('ix_app_type_created')
        batch_op.drop_index('ix_app_reviewed')
        batch_op.drop_index('ix_app_enterprise_status_created')
        batch_op.drop_index('ix_app_district_status_submitted')

    op.drop_table('certificate_application')
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_enterprise_status')
        batch_op.drop_index('ix_declaration_enterprise_created')
        batch_op.drop_index('ix_declaration_district_date')

    op.drop_table('declaration')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_role'))
        batch_op.drop_index(batch_op.f('ix_app_user_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_app_user_district_code'))

    op.drop_table('app_user')
    op.drop_table('role_permission')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_status'))
        batch_op.drop_index(batch_op.f('ix_enterprise_org_code'))
        batch_op.drop_index(batch_op.f('ix_enterprise_district_code'))

    op.drop_table('enterprise')
    with op.batch_alter_table('certificate_format', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_format_cert_type_code'))

    op.drop_table('certificate_format')
    op.drop_table('role')
    op.drop_table('dict_entry')
    with op.batch_alter_table('customs_district', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customs_district_parent_code'))

    op.drop_table('customs_district')
    op.drop_table('certificate_type')
    op.drop_table('blob')
