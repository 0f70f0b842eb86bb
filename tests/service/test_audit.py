"""Audit log: sign-in events are searchable by account, kind, object and date; administrators only."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.core.audit import EventFilter, search_events
from data.core.paging import Page
from data.core.scope import AccessDenied, Actor
from tests.conftest import TEST_PASSWORD
from tests.support.world import sign_in

AUDITOR = Actor(1, "sysadmin", "管理员", "admin", "zh", None, None, frozenset(), frozenset({"admin.audit"}))


def test_sign_ins_failures_and_locks_are_found(app, users):
    client = app.server.test_client()
    for _ in range(5):
        sign_in(client, "ent_a_oper", "wrong-password")
    sign_in(client, "nobody_here", "whatever")
    sign_in(app.server.test_client(), "officer0901", TEST_PASSWORD)
    with app.server.extensions["certdash"].sessions() as s:
        ent_a = search_events(s, AUDITOR, EventFilter(account="ENT_A_OPER"))
        assert [r.code for r in ent_a.rows] == ["auth.locked"] + ["auth.login_failed"] * 5
        assert search_events(s, AUDITOR, EventFilter(account="nobody_here")).rows[0].object_id == "nobody_here"
        logins = search_events(s, AUDITOR, EventFilter(code_prefix="auth.login"))
        assert {r.code for r in logins.rows} == {"auth.login", "auth.login_failed"}
        today = date.today()
        assert search_events(s, AUDITOR, EventFilter(date_from=today - timedelta(days=1))).total == 8
        assert search_events(s, AUDITOR, EventFilter(date_to=today - timedelta(days=2))).total == 0
        paged = [search_events(s, AUDITOR, EventFilter(), page=p, page_size=3) for p in range(3)]
        assert [len(p.rows) for p in paged] == [3, 3, 2] and paged[0].page_count == 3
        # a large log is counted up to the cap only, with or without the account's join; the page says so
        capped = search_events(s, AUDITOR, EventFilter(), page_size=3, count_cap=5)
        assert capped.total == 6 and len(capped.rows) == 3
        assert search_events(s, AUDITOR, EventFilter(account="ENT_A_OPER"), count_cap=2).total == 3
        assert search_events(s, AUDITOR, EventFilter(account="ENT_A_OPER"), count_cap=100).total == 6

        from dashboard.core.i18n import translator
        from layouts.admin.audit import audit_total

        assert audit_total(translator("en"), Page([], 10_001, 0, 50)) == "More than 10,000 events"
        assert audit_total(translator("zh"), Page([], 10_000, 0, 50)) == "共 10,000 条事件"


def test_only_auditors_may_search(app, users):
    officer = Actor(2, "o", "o", "officer", "zh", None, "0901", frozenset({"0901"}), frozenset({"home.view"}))
    with app.server.extensions["certdash"].sessions() as s:
        with pytest.raises(AccessDenied):
            search_events(s, officer, EventFilter())


def test_changes_are_found_by_object_and_show_their_values_before_and_after(app, users):
    from data.admin.districts import update_district
    from data.core.audit import changes_of, object_history
    from data.core.db import transaction
    from tests.support.world import actor

    with transaction(app.server.extensions["certdash"].sessions) as s:
        update_district(s, actor(s, "sysadmin"), "0903", dict(
            code="0903", name_zh="金普新区海关", name_en="Jinpu Customs", postcode="116100"))
    with app.server.extensions["certdash"].sessions() as s:
        found = search_events(s, AUDITOR, EventFilter(object_type="district", object_id="0903"))
        assert [r.code for r in found.rows] == ["admin.district_updated"]
        assert search_events(s, AUDITOR, EventFilter(object_type="user", object_id="0903")).total == 0
        assert search_events(s, AUDITOR, EventFilter(account="sysadmin", code_prefix="admin.")).total == 1
        lines = [(c.key, c.before, c.after) for c in changes_of(found.rows[0].details)]
        assert lines == [("name_zh", "金普海关", "金普新区海关"), ("postcode", None, "116100")]
        assert changes_of({"account": "x"}) == [] and changes_of(None) == []
        history = object_history(s, actor(s, "sysadmin"), "district", "0903")
        assert [r.account for r in history] == ["sysadmin"]
        with pytest.raises(AccessDenied):  # a page's history is for those who administer it
            object_history(s, actor(s, "manager0900"), "district", "0903")


def test_the_audit_page_shows_a_clicked_change_key_by_key(app, users):
    from datetime import datetime, timezone

    from dashboard.core.i18n import translator
    from data.core.audit import EventRow
    from data.core.paging import Page
    from layouts.admin.audit import audit_rows, event_detail

    row = EventRow(1, datetime(2026, 1, 2, tzinfo=timezone.utc), "sysadmin", "admin.role_permissions", "role",
                   "manager", "", {"before": {"permissions": ["home.view"]},
                                   "after": {"permissions": ["admin.audit", "home.view"]}})
    rows = audit_rows(translator("en"), Page([row], 1, 0, 50))
    assert rows[0]["details"] == "permissions: home.view → admin.audit, home.view"
    card = str(event_detail(translator("en"), rows[0]))
    assert "admin.audit, home.view" in card and "Before" in card
