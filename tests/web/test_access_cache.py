"""What a worker keeps between requests never outlives a change: the role's permissions and the district
subtree are reused only while the access revision stands (triggers raise it on any change, however
written), and the cached shell carries each session's own CSRF token."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from auth.session import load_user
from data.accounts.sessions import start_session
from data.models import AccessRevision, User
from tests.support.world import csrf_from

STATS = "/stats/issuance"


def revision(app) -> int:
    with app.server.extensions["certdash"].sessions() as s:
        return s.scalar(select(AccessRevision.value).where(AccessRevision.id == 1))


def run_sql(app, statement: str, **values) -> None:
    """A change written by hand, past every service (as an operator's SQL fix would be)."""
    with app.server.extensions["certdash"].engine.begin() as conn:
        conn.execute(text(statement), values)


def layout(client) -> str:
    response = client.get("/_dash-layout")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.dumps(response.get_json(), ensure_ascii=False)  # readable: Dash escapes "/" and non-ASCII


@pytest.mark.parametrize("statement", [
    "INSERT INTO role_permission (role_code, permission) VALUES ('manager', 'audit.view')",
    "UPDATE role SET name_en = 'District manager' WHERE code = 'manager'",
    "DELETE FROM role_permission WHERE role_code = 'manager' AND permission = 'stats.view'",
    "UPDATE customs_district SET name_en = 'Jinpu' WHERE code = '0903'",
    "INSERT INTO customs_district (code, name_zh, name_en, active, sort) VALUES ('0400', '北京海关', 'Beijing', TRUE, 9)",
])
def test_every_change_of_roles_grants_or_districts_raises_the_revision(app, users, statement):
    before = revision(app)
    run_sql(app, statement)
    assert revision(app) > before


def test_other_writes_leave_the_revision_alone(app, users):
    before = revision(app)
    run_sql(app, "UPDATE app_user SET real_name = 'x' WHERE account = 'manager0900'")
    run_sql(app, "UPDATE enterprise SET name_en = 'y'")
    assert revision(app) == before


def test_a_grant_taken_away_is_gone_on_the_next_request_and_back_when_given(app, users, client_as):
    client = client_as("manager0900")
    assert client.get(STATS).status_code == 200 and STATS in layout(client)
    assert client.get(STATS).status_code == 200  # served from what the worker keeps
    run_sql(app, "DELETE FROM role_permission WHERE role_code = 'manager' AND permission = 'stats.view'")
    assert client.get(STATS).status_code == 403
    assert STATS not in layout(client)  # the menu follows the grants too
    run_sql(app, "INSERT INTO role_permission (role_code, permission) VALUES ('manager', 'stats.view')")
    assert client.get(STATS).status_code == 200 and STATS in layout(client)


def test_a_district_moved_out_of_a_subtree_leaves_its_scope_at_once(app, users):
    with app.server.extensions["certdash"].sessions() as s:
        token = start_session(s, users.user_ids["manager0900"], address=None, agent=None,
                              now=datetime.now(timezone.utc))
        version = s.get(User, users.user_ids["manager0900"]).session_version
        s.commit()
    cookie_id = f"{users.user_ids['manager0900']}:{version}:{token}"

    def codes() -> frozenset[str]:
        with app.server.test_request_context("/"):
            return load_user(cookie_id).actor.district_codes

    assert codes() == {"0900", "0901", "0903"}
    assert codes() == {"0900", "0901", "0903"}
    run_sql(app, "UPDATE customs_district SET parent_code = '0200' WHERE code = '0903'")
    assert codes() == {"0900", "0901"}


def test_a_locked_user_or_an_ended_session_is_refused_though_its_access_is_kept(app, users, client_as):
    client = client_as("manager0900")
    assert client.get(STATS).status_code == 200
    run_sql(app, "UPDATE app_user SET active = :no WHERE account = 'manager0900'", no=False)
    assert client.get(STATS).status_code in (302, 401)
    other = client_as("officer0901")
    assert other.get("/").status_code in (200, 302)
    run_sql(app, "UPDATE user_session SET ended_at = CURRENT_TIMESTAMP, end_reason = 'everywhere'")
    assert other.get("/_dash-layout").status_code == 200 and "Sign out" not in layout(other)


def test_the_cached_shell_carries_each_sessions_own_token(app, users, client_as):
    first, second = client_as("officer0901"), client_as("officer0901")
    shells = [layout(first), layout(second), layout(first)]
    tokens = [csrf_in(shell) for shell in shells]
    assert tokens[0] == csrf_from(first) == tokens[2] and tokens[1] == csrf_from(second)
    assert tokens[0] != tokens[1] and "placeholder" not in "".join(shells)
    assert shells[0].replace(tokens[0], "") == shells[1].replace(tokens[1], "")  # otherwise the same frame
    # the token from the shell signs the session out, as the button in the navbar does
    assert first.post("/auth/logout", data={"csrf": tokens[0]}).headers["Location"] == "/login"
    assert first.get(STATS).status_code in (302, 401)


def test_the_cached_shell_speaks_the_users_language_and_names_the_user(app, users, client_as):
    client = client_as("officer0901")
    assert "Sign out" not in layout(client) and "officer0901" in layout(client)
    client.get("/lang/en")
    assert "Sign out" in layout(client)
    anonymous = app.server.test_client()
    assert "Sign out" not in layout(anonymous) and "officer0901" not in layout(anonymous)


def csrf_in(shell: str) -> str:
    match = re.search(r'"value":\s*"([^"]+)",\s*"type":\s*"hidden",\s*"name":\s*"csrf"', shell) or re.search(
        r'"type":\s*"hidden",\s*"name":\s*"csrf",\s*"value":\s*"([^"]+)"', shell)
    assert match, "no csrf field in the shell"
    return match.group(1)
