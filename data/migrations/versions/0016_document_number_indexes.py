"""document number indexes: an inbound certificate's number and a B/L number found by one index probe

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:30:00

The entry declaration that lists a received certificate's number, and the declarations of a B/L
number, were found by scanning every attached document and declaration (the numbers are compared
without separators, in upper case). Expression indexes on that same expression
(data.models.declarations.normalised_number) serve both on SQLite and PostgreSQL.
"""
from alembic import op
from sqlalchemy import text

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _normalised(column: str):
    expression = column
    for separator in (" ", "-", "/", ".", "_"):
        expression = f"replace({expression}, '{separator}', '')"
    return text(f"upper({expression})")


def upgrade() -> None:
    op.create_index('ix_declaration_document_number', 'declaration_document', [_normalised('doc_no')], unique=False)
    op.create_index('ix_declaration_bl_number', 'declaration', [_normalised('bl_no')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_declaration_bl_number', table_name='declaration')
    op.drop_index('ix_declaration_document_number', table_name='declaration_document')
