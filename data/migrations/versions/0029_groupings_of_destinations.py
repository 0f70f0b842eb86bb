"""groupings 15 and 16: destinations by signing method, status and currency; every dimension but the type

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 16:30:00

Destinations filtered or split by entry method, signing method or status ("valid certificates signed in the
cloud, by destination"; "Japan, entered from a template, by district") read grouping 11, which keeps every
dimension: at ten million certificates a year of it was summed in 60-120 ms. Grouping 15 keeps destination,
signing method, status and currency (a year: 30 ms); grouping 16 every dimension but the certificate type
(the counterpart of grouping 14, which has all but the destination). This revision fills both from grouping 9,
as `data.statistics.rebuild.rebuild` does.
"""
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

KEYS = ("district_code", "cert_type_code", "entry_method", "signing_method", "status", "dest_country",
        "received_date", "currency")
MEASURES = "SUM(certificates), SUM(cloud), SUM(printed), SUM(copies), SUM(value_cents)"
COLUMNS = f"grouping, grain, period, {', '.join(KEYS)}, certificates, cloud, printed, copies, value_cents"
GROUPINGS = ((15, ("district_code", "signing_method", "status", "dest_country", "currency")),
             (16, ("district_code", "entry_method", "signing_method", "status", "dest_country", "currency")))


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    no_day = "DATE '0001-01-01'" if pg else "'0001-01-01'"
    month = "CAST(date_trunc('month', period) AS DATE)" if pg else "date(period, 'start of month')"
    keys = ", ".join(KEYS)
    for grouping, kept in GROUPINGS:
        written = ", ".join(k if k in kept else no_day if k == "received_date" else "'*'" for k in KEYS)
        op.execute(f"INSERT INTO stats_certificate ({COLUMNS}) SELECT {grouping}, 'd', period, {written}, {MEASURES} "
                   f"FROM stats_certificate WHERE grouping = 9 GROUP BY period, {', '.join(kept)}")
        op.execute(f"INSERT INTO stats_certificate ({COLUMNS}) SELECT {grouping}, 'm', {month}, {keys}, {MEASURES} "
                   f"FROM stats_certificate WHERE grouping = {grouping} AND grain = 'd' GROUP BY {month}, {keys}")


def downgrade() -> None:
    op.execute("DELETE FROM stats_certificate WHERE grouping IN (15, 16)")
