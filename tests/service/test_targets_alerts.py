"""District targets (set by administrators, inherited down the tree, refused when malformed) and the alerts of a
manager's home page, each against a count of the raw records, new only since the last visit."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from data.core.scope import AccessDenied, NotFound
from data.models import Certificate, CertificateApplication, SystemParameter
from data.statistics.alerts import current_alerts, home_alerts, working_days_before
from data.statistics.explorer import explore
from data.statistics.explorer_view import View
from data.statistics.sums import district_tree
from data.statistics.targets import TargetInvalid, delete_target, effective_targets, list_targets, set_target
from tests.support.stats_world import UTC, add_application
from tests.support.world import actor

pytest_plugins = ["tests.support.stats_world"]  # `stats_store`: the test world and 160 certificates


@pytest.fixture
def s(stats_store):
    """The statistics world (tests/support/stats_world.py), open as a session."""
    return stats_store

TODAY = date(2026, 4, 30)  # a Thursday; the window of 30 days is April


def test_targets_are_set_by_administrators_and_inherited_down_the_tree(s):
    admin, manager = actor(s, "sysadmin"), actor(s, "manager0900")
    set_target(s, admin, "0900", "cloud_share", "80%")
    set_target(s, admin, "0903", "cloud_share", 0.6)
    set_target(s, admin, "0200", "turnaround_median", "12")
    assert effective_targets(s, district_tree(s, manager), "cloud_share") == {"0900": 0.8, "0901": 0.8, "0903": 0.6}
    assert {(r.district_code, r.measure) for r in list_targets(s, manager)} == {("0900", "cloud_share"),
                                                                                 ("0903", "cloud_share")}
    assert len(list_targets(s, admin)) == 3
    set_target(s, admin, "0900", "cloud_share", 75)  # "75" is 75 %
    assert effective_targets(s, district_tree(s, manager), "cloud_share")["0901"] == 0.75
    delete_target(s, admin, "0903", "cloud_share")
    assert effective_targets(s, district_tree(s, manager), "cloud_share")["0903"] == 0.75
    with pytest.raises(AccessDenied):
        set_target(s, manager, "0901", "cloud_share", 0.5)
    with pytest.raises(NotFound):
        delete_target(s, admin, "0903", "cloud_share")


@pytest.mark.parametrize("district, measure, target, errors", [
    ("9999", "cloud_share", 0.5, {"district": "unknown"}),
    (None, "cloud_share", 0.5, {"district": "empty"}),
    ("0901", "bogus", 0.5, {"measure": "unknown"}),
    ("0901", "cloud_share", "lots", {"target": "format"}),
    ("0901", "cloud_share", "", {"target": "empty"}),
    ("0901", "cloud_share", 150, {"target": "range"}),
    ("0901", "turnaround_p90", -1, {"target": "range"}),
    ("0901", "cloud_share", float("nan"), {"target": "format"}),
    ({"x": 1}, ["m"], True, {"district": "empty", "measure": "unknown", "target": "format"}),
])
def test_a_malformed_target_is_refused_with_each_problem_named(s, district, measure, target, errors):
    with pytest.raises(TargetInvalid) as caught:
        set_target(s, actor(s, "sysadmin"), district, measure, target)
    assert caught.value.errors == errors
    assert list_targets(s, actor(s, "sysadmin")) == []


def test_the_explorer_knows_each_districts_target(s):
    set_target(s, actor(s, "sysadmin"), "0900", "cloud_share", 0.9)
    result = explore(s, actor(s, "manager0900"), View(measure="cloud_share", date_from=date(2026, 1, 1),
                                                      date_to=TODAY), TODAY)
    assert result.targets == {"0900": 0.9, "0901": 0.9, "0903": 0.9}
    assert explore(s, actor(s, "manager0900"), View(date_from=date(2026, 1, 1)), TODAY).targets == {}


def raw_share(s, codes, lo, hi) -> tuple[int, int]:
    certs = [c for c in s.scalars(select(Certificate).where(Certificate.district_code.in_(codes)))
             if lo <= c.issue_date <= hi]
    return len(certs), sum(c.signing_method == "cloud" for c in certs)


def test_a_share_below_target_is_flagged_with_its_view(s):
    set_target(s, actor(s, "sysadmin"), "0900", "cloud_share", 0.95)
    alerts = {a.key: a for a in current_alerts(s, actor(s, "manager0900"), TODAY)}
    lo = TODAY - timedelta(days=29)
    for code, codes in (("0900", ["0900", "0901", "0903"]), ("0901", ["0901"]), ("0903", ["0903"])):
        n, cloud = raw_share(s, codes, lo, TODAY)
        if n >= 20 and cloud / n < 0.95:
            assert alerts[f"share:{code}"].value == pytest.approx(cloud / n)
        else:
            assert f"share:{code}" not in alerts
    assert "share:0900" in alerts and alerts["share:0900"].view["measure"] == "cloud_share"
    assert not any(a.subject == "0200" for a in alerts.values())
    set_target(s, actor(s, "sysadmin"), "0900", "cloud_share", 0.05)
    assert not any(a.kind == "share" for a in current_alerts(s, actor(s, "manager0900"), TODAY))


def test_late_applications_slow_reviews_and_a_destination_drop(s, users):
    admin, manager = actor(s, "sysadmin"), actor(s, "manager0900")
    at = datetime(2026, 4, 27, 2, tzinfo=UTC)  # Monday: two working days before Thursday 30 April
    for district, status, submitted in (("0901", "submitted", at - timedelta(days=1)),
                                        ("0901", "under_review", at - timedelta(days=10)),
                                        ("0901", "submitted", at + timedelta(days=2)),  # Wednesday: in time
                                        ("0903", "returned", at - timedelta(days=20)),  # not waiting on customs
                                        ("0200", "submitted", at - timedelta(days=20))):  # not 0900's
        add_application(s, users, district, status, submitted, None)
    for n in range(6):  # 0903's reviews take three days
        submitted = datetime(2026, 4, 1, 2, tzinfo=UTC) + timedelta(days=n)
        add_application(s, users, "0903", "issued", submitted, submitted + timedelta(days=3))
    apps = {a.district_code: a for a in s.scalars(select(CertificateApplication))}
    for n in range(60):  # 15 a week to the US over the four weeks before the last one, none since
        a = apps["0901"]
        day = date(2026, 3, 27) + timedelta(days=n % 28)
        s.add(Certificate(certificate_no=f"D{n:04d}", application_id=a.id, enterprise_id=a.enterprise_id,
                          district_code="0901", cert_type_code="14", entry_method="blank", dest_country="US",
                          issue_place="大连", issue_date=day, issued_at=datetime.combine(day, datetime.min.time(), UTC),
                          signing_method="paper", print_count=0, verify_token=f"d{n}"))
    s.commit()
    set_target(s, admin, "0903", "turnaround_median", 24)
    alerts = {a.key: a for a in current_alerts(s, manager, TODAY)}
    assert alerts["backlog:0901"].value == 2 and alerts["backlog:0901"].threshold == 2
    assert "backlog:0903" not in alerts
    assert alerts["turnaround_median:0903"].value == pytest.approx(72, rel=0.25)
    drop = alerts["drop:US"]
    assert drop.value == 0 and drop.threshold == pytest.approx(60 / 4) and drop.view["dest"] == "US"
    assert set(alerts) == {"backlog:0901", "turnaround_median:0903", "drop:US"}
    s.add(SystemParameter(key="stats.review_promise_working_days", value="10"))
    s.flush()
    assert "backlog:0901" not in {a.key for a in current_alerts(s, manager, TODAY)}


def test_only_what_crossed_since_the_last_visit_is_new(s):
    admin, manager = actor(s, "sysadmin"), actor(s, "manager0900")
    set_target(s, admin, "0900", "cloud_share", 0.99)
    first = home_alerts(s, manager, TODAY)
    assert first and all(a.new for a in first)
    again = home_alerts(s, manager, TODAY)
    assert [a.key for a in again] == [a.key for a in first] and not any(a.new for a in again)
    assert all(a.new for a in home_alerts(s, actor(s, "sysadmin"), TODAY))  # each user's own visits
    set_target(s, admin, "0900", "cloud_share", 0.01)
    assert home_alerts(s, manager, TODAY) == []
    set_target(s, admin, "0900", "cloud_share", 0.99)
    assert all(a.new for a in home_alerts(s, manager, TODAY))  # cleared, then crossed again


def test_working_days_skip_weekends():
    assert working_days_before(date(2026, 4, 30), 2) == date(2026, 4, 28)
    assert working_days_before(date(2026, 5, 4), 2) == date(2026, 4, 30)  # Monday: back to Thursday
    assert working_days_before(date(2026, 5, 3), 1) == date(2026, 5, 1)  # Sunday: back to Friday
