"""Sessions kept in a worker's memory on PostgreSQL: used while PostgreSQL's notifications keep them
true, forgotten on any change of a session, a user, access or a parameter (written by any worker or by
hand), and not used at all while the listener is not connected."""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, text

from data.accounts.session_cache import Remembered, SessionCache
from data.core.scope import Actor
from tests.conftest import TEMPLATE_DB, TEST_PASSWORD
from tests.support.world import build_world, csrf_from, sign_in

STATS = "/stats/issuance"


@pytest.fixture
def workers(pg_server, tmp_path):
    """Two app processes' worth of state (two apps: two engines, two caches) on one PostgreSQL store."""
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app

    url = pg_server.create_database(template=TEMPLATE_DB)
    settings = Settings(database_url=url, secret_key="cache-" + tmp_path.name, instance_path=tmp_path / "instance",
                        data_key=Fernet.generate_key().decode(), session_cache=True)
    apps = [create_app(settings), create_app(settings)]
    build_world(apps[0].server.extensions["certdash"].sessions, TEST_PASSWORD)
    for app in apps:
        assert cache_of(app).fence(), "the listener did not start"
    yield apps
    for app in apps:
        app.server.extensions["certdash"].engine.dispose()
    pg_server.drop_database(url)


def cache_of(app) -> SessionCache:
    cache = app.server.extensions["certdash"].session_cache
    assert cache is not None
    return cache


class Statements:
    """Counts the statements an engine runs."""

    def __init__(self, app):
        self.count = 0
        event.listen(app.server.extensions["certdash"].engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args, **_kwargs):
        self.count += 1


def signed_in_pair(workers, account: str):
    """A client signed in through the first worker and a copy of its cookie on the second."""
    first = workers[0].server.test_client()
    assert sign_in(first, account, TEST_PASSWORD).status_code == 302
    second = workers[1].server.test_client()
    for cookie in first._cookies.values():
        second.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return first, second


def run_sql(app, statement: str) -> None:
    with app.server.extensions["certdash"].engine.begin() as conn:
        conn.execute(text(statement))


def test_after_the_first_request_a_session_is_answered_from_memory(workers):
    client, _copy = signed_in_pair(workers, "manager0900")
    statements = Statements(workers[0])
    cache = cache_of(workers[0])
    assert client.get(STATS).status_code == 200
    first = statements.count
    assert first > 0  # read from the store once ...
    for _ in range(3):
        assert client.get("/_dash-layout").status_code == 200
    assert statements.count == first and cache.hits >= 3  # ... then from memory


def test_signing_out_everywhere_on_one_worker_ends_the_session_on_the_other(workers):
    first, second = signed_in_pair(workers, "manager0900")
    assert second.get(STATS).status_code == 200  # the second worker now keeps the session
    assert second.get(STATS).status_code == 200
    started = time.monotonic()
    assert first.post("/auth/logout-everywhere", data={"csrf": csrf_from(first)}).status_code == 302
    while second.get(STATS).status_code == 200:  # the time PostgreSQL takes to tell the other worker
        assert time.monotonic() - started < 2, "the other worker kept an ended session"
        time.sleep(0.005)
    assert cache_of(workers[1]).fence()
    assert second.get(STATS).status_code == 302 and second.get("/_dash-layout").status_code == 200
    assert "Sign out" not in second.get("/_dash-layout").get_data(as_text=True)


@pytest.mark.parametrize("change, then", [
    ("UPDATE app_user SET active = FALSE WHERE account = 'manager0900'", 302),
    ("UPDATE app_user SET session_version = session_version + 1 WHERE account = 'manager0900'", 302),
    ("UPDATE user_session SET ended_at = now(), end_reason = 'everywhere'", 302),
    ("DELETE FROM role_permission WHERE role_code = 'manager' AND permission = 'stats.view'", 403),
    ("UPDATE customs_district SET parent_code = NULL WHERE code = '0900'", 200),  # still its own district
    ("UPDATE system_parameter SET value = value", 200),
])
def test_a_change_written_by_hand_reaches_every_workers_memory(workers, change, then):
    first, second = signed_in_pair(workers, "manager0900")
    for client in (first, second):
        assert client.get(STATS).status_code == 200
    hits = [cache_of(w).hits for w in workers]
    run_sql(workers[0], change)
    for worker in workers:
        assert cache_of(worker).fence()
    assert first.get(STATS).status_code == then and second.get(STATS).status_code == then
    if then == 200:  # forgotten, then read again from the store
        assert [cache_of(w).hits for w in workers] == hits


def test_changes_that_no_session_depends_on_keep_the_memory(workers):
    client, _copy = signed_in_pair(workers, "manager0900")
    assert client.get(STATS).status_code == 200
    statements = Statements(workers[0])
    run_sql(workers[1], "UPDATE app_user SET failed_attempts = 3, last_login_at = now(), phone = '1' "
                        "WHERE account = 'manager0900'")
    run_sql(workers[1], "UPDATE enterprise SET name_en = 'renamed'")
    assert cache_of(workers[0]).fence()
    assert client.get("/_dash-layout").status_code == 200 and statements.count == 0


def test_the_language_switched_on_one_worker_is_spoken_on_both(workers):
    first, second = signed_in_pair(workers, "manager0900")
    assert "Sign out" not in second.get("/_dash-layout").get_data(as_text=True)
    first.get("/lang/en")
    assert cache_of(workers[1]).fence()
    assert "Sign out" in second.get("/_dash-layout").get_data(as_text=True)
    assert "Sign out" in first.get("/_dash-layout").get_data(as_text=True)  # at once on its own worker


def test_without_its_listener_a_worker_reads_every_session_from_the_store(workers):
    client, _copy = signed_in_pair(workers, "manager0900")
    cache = cache_of(workers[0])
    assert client.get(STATS).status_code == 200
    with workers[1].server.extensions["certdash"].engine.begin() as conn:  # the store drops the listeners
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' "
                          "AND pid <> pg_backend_pid()"))
    deadline = time.monotonic() + 5
    while cache.live:
        assert time.monotonic() < deadline, "the worker did not notice its listener was gone"
        time.sleep(0.01)
    statements = Statements(workers[0])
    assert client.get(STATS).status_code == 200 and statements.count > 0  # the store, not memory
    deadline = time.monotonic() + 10
    while not cache.live:
        assert time.monotonic() < deadline, "the listener did not come back"
        time.sleep(0.05)
    assert cache.fence()
    client.get(STATS)
    before = statements.count
    assert client.get(STATS).status_code == 200 and statements.count == before  # memory again


def test_a_session_is_read_again_once_a_minute_to_note_it_was_seen(workers, monkeypatch):
    client, _copy = signed_in_pair(workers, "manager0900")
    assert client.get(STATS).status_code == 200
    monkeypatch.setattr("auth.session.SEEN_EVERY", timedelta(0))
    statements = Statements(workers[0])
    assert client.get(STATS).status_code == 200 and statements.count > 0


def actor() -> Actor:
    return Actor(user_id=7, account="u", real_name="u", role="officer", language="zh", enterprise_id=None,
                 district_code="0901", district_codes=frozenset({"0901"}), permissions=frozenset())


def remembered(now: datetime, **changes) -> Remembered:
    values = {"user_id": 7, "version": 1, "actor": actor(), "created_at": now, "last_seen_at": now,
              "absolute": timedelta(hours=12), **changes}
    return Remembered(**values)


def listening_cache() -> SessionCache:
    from sqlalchemy.engine import make_url

    cache = SessionCache(make_url("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    cache._pid, cache._live = os.getpid(), True  # as if its listener were connected
    return cache


def test_a_session_read_while_a_notification_arrived_is_not_kept():
    cache, now = listening_cache(), datetime.now(timezone.utc)
    generation = cache.generation()
    cache._handle("u:7")  # the user changed while the request read the old row
    cache.put("h", remembered(now), generation)
    assert cache.get("h") is None
    cache.put("h", remembered(now), cache.generation())
    assert cache.get("h") is not None


@pytest.mark.parametrize("payload, kept", [("t:h", {"other"}), ("u:7", {"other"}), ("u:8", {"h", "other"}),
                                           ("*", set()), ("junk", set()), ("f:nobody", {"h", "other"})])
def test_each_notification_forgets_what_it_names(payload, kept):
    cache, now = listening_cache(), datetime.now(timezone.utc)
    cache.put("h", remembered(now), cache.generation())
    cache.put("other", remembered(now, user_id=9), cache.generation())
    cache._handle(payload)
    assert {h for h in ("h", "other") if cache.get(h) is not None} == kept


def test_an_entry_serves_only_its_user_and_version_and_not_past_a_minute_or_the_absolute_limit():
    now = datetime.now(timezone.utc)
    entry = remembered(now - timedelta(seconds=30), created_at=now - timedelta(hours=11))
    minute = timedelta(minutes=1)
    assert entry.usable(7, 1, now, minute)
    assert not entry.usable(8, 1, now, minute) and not entry.usable(7, 2, now, minute)
    assert not entry.usable(7, 1, now + timedelta(seconds=31), minute)
    assert not remembered(now, created_at=now - timedelta(hours=12, seconds=1)).usable(7, 1, now, minute)


def test_a_cache_not_listening_answers_nothing():
    cache, now = listening_cache(), datetime.now(timezone.utc)
    cache.put("h", remembered(now), cache.generation())
    cache._live = False
    assert cache.get("h") is None
