"""subtree groupings 18-21: the groupings by destination summed over each district's subtree

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 21:00:00

An explorer view by destination (and type, currency, signing method or status) that is not split by district summed
the rows of every district of the subtree: a quarter of destinations by type for a district with ten houses was
~30,000 month rows at ten million certificates, read in 20-50 ms where the same view at ten thousand took 1 ms.
Groupings 18, 19, 20 and 21 hold the rows of 4, 10, 13 and 15 summed over the subtree of each district and over
every district (data/statistics/rollup.py): such a view reads one district's rows, ~7,000. This revision fills them
from their base groupings, as a rebuild does.
"""
from alembic import op

from data.statistics.rebuild import SqlParts, fill_subtrees

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

SUBTREE_GROUPINGS = (18, 19, 20, 21)


def upgrade() -> None:
    bind = op.get_bind()
    fill_subtrees(bind, SqlParts(bind))


def downgrade() -> None:
    op.execute(f"DELETE FROM stats_certificate WHERE grouping IN {SUBTREE_GROUPINGS}")
