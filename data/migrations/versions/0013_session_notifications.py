"""session notifications: PostgreSQL tells every worker when a session, a user or access changes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:20:00

Workers keep signed-in sessions in memory (data.accounts.session_cache) and forget them when
these triggers notify the channel `certdash_access`: a session ended ('t:<token hash>'), a user
changed in anything a session depends on or deleted ('u:<id>'), access or a system parameter
changed ('*'). SQLite has no notifications: there every request reads its session from the store.
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CHANNEL = "certdash_access"
# what a signed-in session is built from: a change to any of these must reach every worker
USER_COLUMNS = ("account", "real_name", "role", "enterprise_id", "district_code", "language", "active",
                "session_version", "locked_until", "deleted_at")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    old = ", ".join(f"OLD.{c}" for c in USER_COLUMNS)
    new = ", ".join(f"NEW.{c}" for c in USER_COLUMNS)
    op.execute(f"""CREATE FUNCTION certdash_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{CHANNEL}', 'u:' || OLD.id); RETURN NULL; END $$""")
    op.execute(f"""CREATE FUNCTION certdash_notify_session() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{CHANNEL}', 't:' || OLD.token_hash); RETURN NULL; END $$""")
    op.execute(f"""CREATE FUNCTION certdash_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{CHANNEL}', '*'); RETURN NULL; END $$""")
    op.execute(f"CREATE TRIGGER app_user_notify_update AFTER UPDATE ON app_user FOR EACH ROW "
               f"WHEN (ROW({old}) IS DISTINCT FROM ROW({new})) EXECUTE FUNCTION certdash_notify_user()")
    op.execute("CREATE TRIGGER app_user_notify_delete AFTER DELETE ON app_user FOR EACH ROW "
               "EXECUTE FUNCTION certdash_notify_user()")
    op.execute("CREATE TRIGGER user_session_notify_update AFTER UPDATE ON user_session FOR EACH ROW "
               "WHEN (OLD.ended_at IS DISTINCT FROM NEW.ended_at OR OLD.user_id IS DISTINCT FROM NEW.user_id) "
               "EXECUTE FUNCTION certdash_notify_session()")
    op.execute("CREATE TRIGGER user_session_notify_delete AFTER DELETE ON user_session FOR EACH ROW "
               "EXECUTE FUNCTION certdash_notify_session()")
    op.execute("CREATE TRIGGER access_revision_notify AFTER UPDATE ON access_revision FOR EACH STATEMENT "
               "EXECUTE FUNCTION certdash_notify_all()")
    op.execute("CREATE TRIGGER system_parameter_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
               "ON system_parameter FOR EACH STATEMENT EXECUTE FUNCTION certdash_notify_all()")
    for table in ("app_user", "user_session"):
        op.execute(f"CREATE TRIGGER {table}_notify_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT "
                   "EXECUTE FUNCTION certdash_notify_all()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for trigger, table in (("app_user_notify_update", "app_user"), ("app_user_notify_delete", "app_user"),
                           ("user_session_notify_update", "user_session"),
                           ("user_session_notify_delete", "user_session"),
                           ("access_revision_notify", "access_revision"),
                           ("system_parameter_notify", "system_parameter"),
                           ("app_user_notify_truncate", "app_user"), ("user_session_notify_truncate", "user_session")):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for function in ("certdash_notify_user", "certdash_notify_session", "certdash_notify_all"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
