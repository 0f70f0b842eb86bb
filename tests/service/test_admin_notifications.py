"""Notifications administration: texts, targets and the time window checked on the server; the home
page shows each notification to exactly the roles and districts it is published to, in its window."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from data.admin.common import AdminInvalid
from data.admin.notifications import (
    delete_notification,
    get_notification,
    list_notifications,
    local_text,
    parse_moment,
    save_notification,
    set_published,
)
from data.core.scope import AccessDenied
from data.home import home_summary, notifications_for
from data.models import Event, Notification
from tests.support.world import ACCOUNTS, actor

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=timezone.utc)  # 12:00 in China


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def add(s, title: str, **values):
    base = {"title_zh": title, "title_en": title.upper(), "body_zh": "正文", "starts_at": "2026-03-01 08:00",
            "published": True}
    return save_notification(s, actor(s, "sysadmin"), None, {**base, **values}, now=NOW)


def test_times_are_typed_in_china_time_and_stored_in_utc():
    assert parse_moment("2026-03-01 08:00") == datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)
    assert parse_moment("2026-03-01") == datetime(2026, 2, 28, 16, 0, tzinfo=timezone.utc)
    assert parse_moment("2026-03-01", end=True) == datetime(2026, 3, 1, 16, 0, tzinfo=timezone.utc)
    assert local_text(datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)) == "2026-03-01 08:00"
    for bad in ("2026-02-30", "01/03/2026", "2026-03-01 25:00", "tomorrow"):
        with pytest.raises(ValueError):
            parse_moment(bad)


def test_an_administrator_adds_a_notification_and_the_change_is_audited(s):
    row = add(s, "系统维护", roles=["officer", "manager"], districts=["0900"], ends_at="2026-03-20",
              body_zh="<script>alert(1)</script>\n第二行")
    s.commit()
    assert row.roles == ("manager", "officer") and row.districts == ("0900",) and row.state == "showing"
    assert row.ends_at == datetime(2026, 3, 20, 16, 0, tzinfo=timezone.utc)
    stored = s.get(Notification, row.id)
    assert stored.body_zh == "<script>alert(1)</script>\n第二行"  # kept as typed; pages show it as text
    [event] = s.scalars(select(Event).where(Event.object_type == "notification"))
    assert event.code == "admin.notification.created" and event.details["after"]["title_zh"] == "系统维护"
    assert [r.id for r in list_notifications(s, actor(s, "sysadmin"), "维护", now=NOW).rows] == [row.id]


@pytest.mark.parametrize("change,errors", [
    ({"title_zh": ""}, {"title_zh": "required"}),
    ({"title_en": "x" * 257}, {"title_en": "too_long"}),
    ({"body_zh": "x" * 4001}, {"body_zh": "too_long"}),
    ({"roles": ["officer", "pirate"]}, {"roles": "choose_roles"}),
    ({"districts": ["0999"]}, {"districts": "choose_districts"}),
    ({"starts_at": "2026-13-01"}, {"starts_at": "moment_format"}),
    ({"ends_at": "2026-03-01 07:00"}, {"ends_at": "end_before_start"}),
    ({"ends_at": "2026-03-01 08:00"}, {"ends_at": "end_before_start"}),
])
def test_a_bad_notification_is_refused_and_nothing_is_written(s, change, errors):
    with pytest.raises(AdminInvalid) as refused:
        add(s, "通知", **change)
    assert refused.value.errors == errors
    s.rollback()
    assert s.scalar(select(func.count()).select_from(Notification)) == 0
    assert s.scalar(select(func.count()).select_from(Event).where(Event.object_type == "notification")) == 0


def seen_by(s, account: str, now: datetime = NOW) -> set[str]:
    return {n.title_zh for n in notifications_for(s, actor(s, account), now)}


def test_the_home_page_shows_each_notification_to_exactly_its_targets(s):
    add(s, "全体")
    add(s, "审核人员", roles=["officer"])
    add(s, "大连关区", districts=["0900"])
    add(s, "金普关区", districts=["0903"])
    add(s, "港湾企业操作员", roles=["enterprise"], districts=["0901"])
    add(s, "尚未开始", starts_at="2026-03-11 08:00")
    add(s, "已经结束", starts_at="2026-03-01", ends_at="2026-03-09")
    add(s, "未发布", published=False)
    s.commit()
    expected = {
        "sysadmin": {"全体"},
        "manager0900": {"全体", "大连关区"},
        "manager0903": {"全体", "大连关区", "金普关区"},
        "officer0901": {"全体", "审核人员", "大连关区"},
        "ent_a_admin": {"全体", "大连关区"},  # enterprise A is registered in 0901, below 0900
        "ent_a_oper": {"全体", "大连关区", "港湾企业操作员"},
        "ent_b_oper": {"全体", "大连关区", "金普关区"},  # enterprise B: 0903
        "overseas_ru": {"全体"},
    }
    assert {account: seen_by(s, account) for account in ACCOUNTS} == expected
    assert seen_by(s, "officer0901", datetime(2026, 3, 11, 0, 0, tzinfo=timezone.utc)) >= {"尚未开始"}
    assert "已经结束" in seen_by(s, "officer0901", datetime(2026, 3, 8, 0, 0, tzinfo=timezone.utc))
    summary = home_summary(s, actor(s, "ent_a_oper"), NOW)
    assert {n.title_zh for n in summary.notifications} == expected["ent_a_oper"]


def test_the_window_is_from_its_start_until_its_end(s):
    row = add(s, "窗口", starts_at="2026-03-10 12:00", ends_at="2026-03-10 13:00")
    s.commit()
    assert seen_by(s, "ent_a_oper", row.starts_at) == {"窗口"}
    assert seen_by(s, "ent_a_oper", row.starts_at - timedelta(seconds=1)) == set()
    assert seen_by(s, "ent_a_oper", row.ends_at - timedelta(seconds=1)) == {"窗口"}
    assert seen_by(s, "ent_a_oper", row.ends_at) == set()


def test_publish_withdraw_edit_and_delete_are_audited(s):
    admin = actor(s, "sysadmin")
    row = add(s, "草稿", published=False)
    assert get_notification(s, admin, row.id, NOW).state == "draft"
    assert set_published(s, admin, row.id, True, NOW).state == "showing"
    assert seen_by(s, "ent_b_oper") == {"草稿"}
    set_published(s, admin, row.id, False, NOW)
    assert seen_by(s, "ent_b_oper") == set()
    save_notification(s, admin, row.id, {"title_zh": "正式", "title_en": "草稿".upper(), "body_zh": "正文",
                                         "starts_at": "2026-03-01 08:00", "roles": ["enterprise"]}, now=NOW)
    delete_notification(s, admin, row.id)
    s.commit()
    events = list(s.scalars(select(Event).where(Event.object_type == "notification").order_by(Event.id)))
    assert [e.code for e in events] == ["admin.notification.created", "admin.notification.published",
                                        "admin.notification.unpublished", "admin.notification.updated",
                                        "admin.notification.deleted"]
    assert events[3].details == {"before": {"title_zh": "草稿", "roles": []},
                                 "after": {"title_zh": "正式", "roles": ["enterprise"]}}
    assert events[4].details["before"]["title_zh"] == "正式" and events[4].details["after"] is None


def test_only_notification_administrators_may_manage_them(s):
    for account in ("officer0901", "ent_a_admin"):
        who = actor(s, account)
        with pytest.raises(AccessDenied):
            list_notifications(s, who)
        with pytest.raises(AccessDenied):
            save_notification(s, who, None, {"title_zh": "x"})
