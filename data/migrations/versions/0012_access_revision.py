"""access revision: a counter raised by triggers on every change of roles, permissions, districts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 22:00:00

Each signed-in request reads the counter with the user's row (one query) and reuses the role's
permissions and the district subtree it built before while the counter stands. Triggers, not the
services, raise it: a bulk statement, the reference loader or a hand-written SQL fix all count.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

WATCHED = ("role", "role_permission", "customs_district")
BUMP = "UPDATE access_revision SET value = value + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table('access_revision',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO access_revision (id, value) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION certdash_bump_access_revision() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table in WATCHED:
            op.execute(f"CREATE TRIGGER {table}_access_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION certdash_bump_access_revision()")
    else:
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_access_revision_{event.lower()} AFTER {event} ON {table} "
                           f"BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_access_revision ON {table}")
        op.execute("DROP FUNCTION IF EXISTS certdash_bump_access_revision()")
    else:
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_access_revision_{event}")
    op.drop_table('access_revision')
