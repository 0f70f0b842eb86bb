"""explorer groupings: certificates by type and destination (10), and by every dimension but the received date (11)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:50:00

The explorer (data/statistics/explorer.py) splits certificate counts by any mix of type, destination, entry
method, signing method and status, per day, week, month, quarter or year. Grouping 9 keeps all of those but
also the received date, and only per day: a year of it is most of the table. Grouping 10 keeps type and
destination (the common "destinations by type"), grouping 11 every dimension but the received date, both per
day and per month. This revision fills them from grouping 9, as `data.statistics.rebuild.rebuild` does.
"""
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

KEYS = "district_code, cert_type_code, entry_method, signing_method, status, dest_country"
MEASURES = "SUM(certificates), SUM(cloud), SUM(printed), SUM(copies)"
COLUMNS = (f"grouping, grain, period, {KEYS}, received_date, certificates, cloud, printed, copies")


def upgrade() -> None:
    for grouping, kept in ((10, "district_code, cert_type_code, '*', '*', '*', dest_country"), (11, KEYS)):
        group_by = ", ".join(k for k in kept.split(", ") if k != "'*'")
        op.execute(f"INSERT INTO stats_certificate ({COLUMNS}) SELECT {grouping}, 'd', period, {kept}, "
                   f"'0001-01-01', {MEASURES} FROM stats_certificate WHERE grouping = 9 "
                   f"GROUP BY period, {group_by}")
        month = ("CAST(date_trunc('month', period) AS DATE)" if op.get_bind().dialect.name == "postgresql"
                 else "date(period, 'start of month')")
        op.execute(f"INSERT INTO stats_certificate ({COLUMNS}) SELECT {grouping}, 'm', {month}, {KEYS}, "
                   f"'0001-01-01', {MEASURES} FROM stats_certificate WHERE grouping = {grouping} AND grain = 'd' "
                   f"GROUP BY {month}, {KEYS}")


def downgrade() -> None:
    op.execute("DELETE FROM stats_certificate WHERE grouping IN (10, 11)")
