"""grouping 17: certificates by entry method, signing method and status

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 19:10:00

An explorer view by signing method, alone or with the entry method or status ("printed, by entry method and
signing method"), read grouping 15 or 14, which keep the destination or the type and currency as well: at ten
million certificates a year of grouping 14 is 127,000 month rows, summed in 20 ms where the same view at ten
thousand read 6,000 in 3. Grouping 17 keeps entry method, signing method and status only (a few dozen rows per
district and month). This revision fills it from grouping 9, as a rebuild does.
"""
from alembic import op

from data.statistics.rebuild import fill_grouping
from data.statistics.rollup import DAY, ISSUE, MONTH, Grouping

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

GROUPING = Grouping(17, ISSUE, frozenset({"entry_method", "signing_method", "status"}), (DAY, MONTH))


def upgrade() -> None:
    fill_grouping(op.get_bind(), GROUPING)


def downgrade() -> None:
    op.execute("DELETE FROM stats_certificate WHERE grouping = 17")
