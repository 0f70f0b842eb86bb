"""value of goods by currency: each certificate keeps its goods' declared value; the rollups sum it per currency

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 12:40:00

A certificate now records the value of its goods as declared when it was issued (the declaration's total and
currency; data/certificates/issuing.py). This revision copies it onto the certificates issued before, then
counts stats_certificate again with the currency as a dimension (part of the key) and the value in cents as a
measure, and two new groupings: 12 (the currency) and 13 (type, destination and currency). The table is made
anew and filled from the certificates, as `data.statistics.rebuild.rebuild` fills it; a test compares the two
row for row.
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

DIMENSIONS = ("cert_type_code", "entry_method", "signing_method", "status", "dest_country", "received_date")
MEASURES = ("certificates", "cloud", "printed", "copies")
ALL_BUT_RECEIVED = DIMENSIONS[:5]
# id, counted by the received date, dimensions kept (besides the district), also per month
GROUPINGS = ((1, False, ()), (2, False, ("cert_type_code",)), (3, False, ("entry_method",)),
             (4, False, ("dest_country",)), (5, False, ("cert_type_code", "entry_method", "status")),
             (6, True, ()), (7, True, ("entry_method",)), (10, False, ("cert_type_code", "dest_country")),
             (11, False, ALL_BUT_RECEIVED))
CURRENCY_GROUPINGS = ((12, False, ("currency",)), (13, False, ("cert_type_code", "dest_country", "currency")))


def _table(currency: bool) -> None:
    op.create_table(
        'stats_certificate',
        sa.Column('grouping', sa.SmallInteger(), nullable=False),
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('district_code', sa.String(length=4), nullable=False),
        sa.Column('cert_type_code', sa.String(length=4), nullable=False),
        sa.Column('entry_method', sa.String(length=16), nullable=False),
        sa.Column('signing_method', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('dest_country', sa.String(length=2), nullable=False),
        sa.Column('received_date', sa.Date(), nullable=False),
        *([sa.Column('currency', sa.String(length=3), nullable=False)] if currency else []),
        sa.Column('certificates', sa.Integer(), nullable=False),
        sa.Column('cloud', sa.Integer(), nullable=False),
        sa.Column('printed', sa.Integer(), nullable=False),
        sa.Column('copies', sa.Integer(), nullable=False),
        *([sa.Column('value_cents', sa.BigInteger(), nullable=False)] if currency else []),
        sa.PrimaryKeyConstraint('grouping', 'grain', 'period', 'district_code', *DIMENSIONS,
                                *(('currency',) if currency else ())),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_stats_certificate_destination', 'stats_certificate',
                    ['dest_country', 'grain', 'period', 'district_code'], unique=False,
                    sqlite_where=sa.text('grouping = 4'), postgresql_where=sa.text('grouping = 4'))


def _fill(currency: bool) -> None:
    """Every grouping's rows, counted from the certificates (the full grouping 9) and then from grouping 9."""
    pg = op.get_bind().dialect.name == "postgresql"
    no_day = "DATE '0001-01-01'" if pg else "'0001-01-01'"
    month = "CAST(date_trunc('month', period) AS DATE)" if pg else "date(period, 'start of month')"
    dims = (*DIMENSIONS, *(("currency",) if currency else ()))
    measures = (*MEASURES, *(("value_cents",) if currency else ()))
    columns = ", ".join(("grouping", "grain", "period", "district_code", *dims, *measures))
    sums = ", ".join(f"SUM({m})" for m in measures)
    value = (", COALESCE(currency, ''), ", ", SUM(COALESCE(CAST(ROUND(goods_value * 100) AS BIGINT), 0))")
    op.execute(
        f"INSERT INTO stats_certificate ({columns}) SELECT 9, 'd', issue_date, district_code, cert_type_code, "
        f"entry_method, signing_method, status, COALESCE(dest_country, ''), COALESCE(received_date, {no_day})"
        f"{value[0] if currency else ', '}COUNT(*), SUM(CASE WHEN signing_method = 'cloud' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN print_count > 0 THEN 1 ELSE 0 END), SUM(COALESCE(print_count, 0))"
        f"{value[1] if currency else ''} FROM certificate GROUP BY issue_date, district_code, cert_type_code, "
        f"entry_method, signing_method, status, dest_country, received_date{', currency' if currency else ''}")
    for grouping, received, kept in (*GROUPINGS, *(CURRENCY_GROUPINGS if currency else ())):
        if currency and grouping == 11:  # every dimension but the received date: the currency too
            kept = (*kept, "currency")
        period = "received_date" if received else "period"
        values = ", ".join(d if d in kept else (no_day if d == "received_date" else "'*'") for d in dims)
        group_by = ", ".join((period, "district_code", *kept))
        op.execute(f"INSERT INTO stats_certificate ({columns}) SELECT {grouping}, 'd', {period}, district_code, "
                   f"{values}, {sums} FROM stats_certificate WHERE grouping = 9"
                   f"{f' AND received_date <> {no_day}' if received else ''} GROUP BY {group_by}")
        op.execute(f"INSERT INTO stats_certificate ({columns}) SELECT {grouping}, 'm', {month}, district_code, "
                   f"{', '.join(dims)}, {sums} FROM stats_certificate WHERE grouping = {grouping} AND grain = 'd' "
                   f"GROUP BY {month}, district_code, {', '.join(dims)}")


def _recount(currency: bool) -> None:
    op.drop_index('ix_stats_certificate_destination', table_name='stats_certificate')
    op.drop_table('stats_certificate')
    _table(currency)
    _fill(currency)


def upgrade() -> None:
    op.add_column('certificate', sa.Column('goods_value', sa.Numeric(precision=18, scale=2), nullable=True))
    op.add_column('certificate', sa.Column('currency', sa.String(length=3), nullable=True))
    if op.get_bind().dialect.name == "postgresql":  # one join, not a lookup per certificate
        op.execute("UPDATE certificate SET goods_value = d.total_value, currency = d.currency "
                   "FROM certificate_application a JOIN declaration d ON d.id = a.declaration_id "
                   "WHERE a.id = certificate.application_id AND d.total_value IS NOT NULL")
    else:
        declared = ("(SELECT d.{} FROM certificate_application a JOIN declaration d ON d.id = a.declaration_id "
                    "WHERE a.id = certificate.application_id AND d.total_value IS NOT NULL)")
        op.execute(f"UPDATE certificate SET goods_value = {declared.format('total_value')}, "
                   f"currency = {declared.format('currency')}")
    _recount(True)


def downgrade() -> None:
    _recount(False)
    with op.batch_alter_table('certificate') as batch:
        batch.drop_column('currency')
        batch.drop_column('goods_value')
