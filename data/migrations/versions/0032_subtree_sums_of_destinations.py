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
import sqlalchemy as sa
from alembic import op

from data.core.db import measure_new_indexes
from data.statistics.rebuild import SqlParts, fill_subtrees

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

# each subtree grouping's rows of one district, with the dimensions it keeps (the table's key has the period before
# the district: every district's rows of a period lie between)
KEPT = {18: ("dest_country",), 19: ("cert_type_code", "dest_country"),
        20: ("cert_type_code", "dest_country", "currency"),
        21: ("signing_method", "status", "dest_country", "currency")}

MEASURES = ["certificates", "cloud", "printed", "copies", "value_cents"]  # PostgreSQL: read from the index alone


def _name(grouping: int) -> str:
    return f"ix_stats_certificate_subtree_{grouping}"


def upgrade() -> None:
    bind = op.get_bind()
    fill_subtrees(bind, SqlParts(bind))
    for grouping, kept in KEPT.items():
        op.create_index(_name(grouping), "stats_certificate", ["district_code", "grain", "period", *kept],
                        unique=False, sqlite_where=sa.text(f"grouping = {grouping}"),
                        postgresql_where=sa.text(f"grouping = {grouping}"), postgresql_include=MEASURES)
    measure_new_indexes(bind, [_name(g) for g in KEPT])
    if bind.dialect.name == "postgresql":  # the table grew by a third: plan from its new size at once
        op.execute("ANALYZE stats_certificate")


def downgrade() -> None:
    for grouping in KEPT:
        op.drop_index(_name(grouping), table_name="stats_certificate")
    op.execute(f"DELETE FROM stats_certificate WHERE grouping IN {tuple(KEPT)}")
