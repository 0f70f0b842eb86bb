"""Audit log: sign-in events are searchable by account, kind, object and date; administrators only."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.audit import EventFilter, search_events
from data.scope import AccessDenied, Actor
from tests.conftest import TEST_PASSWORD
from tests.world import sign_in

AUDITOR = Actor(1, "sysadmin", "管理员", "admin", "zh", None, None, frozenset(), frozenset({"admin.audit"}))


def test_sign_ins_failures_and_locks_are_found(app, users):
    client = app.server.test_client()
    for _ in range(5):
        sign_in(client, "ent_a_oper", "wrong-password")
    sign_in(client, "nobody_here", "whatever")
    sign_in(app.server.test_client(), "officer0901", TEST_PASSWORD)
    with app.server.extensions["certdash"].sessions() as s:
        ent_a = search_events(s, AUDITOR, EventFilter(account="ENT_A_OPER"))
        assert [r.code for r in ent_a.rows] == ["auth.locked"] + ["auth.login_failed"] * 4
        assert search_events(s, AUDITOR, EventFilter(account="nobody_here")).rows[0].object_id == "nobody_here"
        logins = search_events(s, AUDITOR, EventFilter(code_prefix="auth.login"))
        assert {r.code for r in logins.rows} == {"auth.login", "auth.login_failed"}
        today = date.today()
        assert search_events(s, AUDITOR, EventFilter(date_from=today - timedelta(days=1))).total == 7
        assert search_events(s, AUDITOR, EventFilter(date_to=today - timedelta(days=2))).total == 0
        paged = [search_events(s, AUDITOR, EventFilter(), page=p, page_size=3) for p in range(3)]
        assert [len(p.rows) for p in paged] == [3, 3, 1] and paged[0].page_count == 3


def test_only_auditors_may_search(app, users):
    officer = Actor(2, "o", "o", "officer", "zh", None, "0901", frozenset({"0901"}), frozenset({"home.view"}))
    with app.server.extensions["certdash"].sessions() as s:
        with pytest.raises(AccessDenied):
            search_events(s, officer, EventFilter())
