"""grouping 14: certificates by every dimension but the destination and the received date

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 12:45:00

The explorer's mixes of type, entry method, signing method, status and currency read grouping 11, which also
keeps the destination: a year of it grows with the data (most days and districts see each mix with a few
destinations only). Without the destination the mixes are a few hundred per district and month at any size.
This revision fills the new grouping from grouping 9, as `data.statistics.rebuild.rebuild` does.
"""
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

KEPT = "district_code, cert_type_code, entry_method, signing_method, status, currency"
KEYS = "district_code, cert_type_code, entry_method, signing_method, status, dest_country, received_date, currency"
MEASURES = "SUM(certificates), SUM(cloud), SUM(printed), SUM(copies), SUM(value_cents)"
COLUMNS = f"grouping, grain, period, {KEYS}, certificates, cloud, printed, copies, value_cents"


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    no_day = "DATE '0001-01-01'" if pg else "'0001-01-01'"
    month = "CAST(date_trunc('month', period) AS DATE)" if pg else "date(period, 'start of month')"
    op.execute(f"INSERT INTO stats_certificate ({COLUMNS}) SELECT 14, 'd', period, district_code, cert_type_code, "
               f"entry_method, signing_method, status, '*', {no_day}, currency, {MEASURES} FROM stats_certificate "
               f"WHERE grouping = 9 GROUP BY period, {KEPT}")
    op.execute(f"INSERT INTO stats_certificate ({COLUMNS}) SELECT 14, 'm', {month}, {KEYS}, {MEASURES} "
               f"FROM stats_certificate WHERE grouping = 14 AND grain = 'd' GROUP BY {month}, {KEYS}")


def downgrade() -> None:
    op.execute("DELETE FROM stats_certificate WHERE grouping = 14")
