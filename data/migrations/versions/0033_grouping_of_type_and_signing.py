"""grouping 22: certificates by type, signing method and status

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 21:30:00

Cloud signing by certificate type, per district (the explorer's "certificates by district and type, by signing
method"), read grouping 14, which keeps the entry method and the currency as well: at ten million certificates a year
of it is 51,000 month rows for a district with ten houses, summed in 22-30 ms. Grouping 22 keeps type, signing method
and status only: 7,200. This revision fills it from grouping 9, as a rebuild does.
"""
from alembic import op

from data.statistics.rebuild import fill_grouping
from data.statistics.rollup import DAY, ISSUE, MONTH, Grouping

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

GROUPING = Grouping(22, ISSUE, frozenset({"cert_type_code", "signing_method", "status"}), (DAY, MONTH))


def upgrade() -> None:
    fill_grouping(op.get_bind(), GROUPING)


def downgrade() -> None:
    op.execute("DELETE FROM stats_certificate WHERE grouping = 22")
