"""Statistics targets through the app: the administrator's page (set, refused, deleted, forged ids), the
explorer's marks on districts that miss theirs, and a manager's home page alerts, new only once."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from dashboard.core.clock import china_today
from data.models import Certificate, CertificateApplication
from data.statistics.targets import set_target
from tests.support.dash_calls import call, component_text
from tests.support.stats_world import UTC
from tests.support.world import actor, page_text
from tests.web.explorer_calls import show

pytest_plugins = ["tests.support.stats_world"]  # `stats_store`: the test world and 160 certificates


@pytest.fixture
def s(stats_store):
    """The statistics world (tests/support/stats_world.py), open as a session."""
    return stats_store


def pressed(component_id: dict) -> str:
    """The trigger a browser names for a pattern-matching button: its id as sorted, compact JSON."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":")) + ".n_clicks"


def keep(app, client, trigger: str, values: dict, wildcards=None):
    return call(app, client, "atgt-message", values, trigger=trigger, wildcards=wildcards)


def test_an_administrator_sets_and_deletes_targets(app, s, client_as):
    admin = client_as("sysadmin")
    assert "atgt-district" in page_text(admin, "/admin/targets")
    saved = keep(app, admin, "atgt-save.n_clicks", {"atgt-save": 1, "atgt-district": "0901",
                                                    "atgt-measure": "cloud_share", "atgt-value": "85%"})
    assert "≥ 85.0%" in component_text(saved["atgt-table"]["children"])
    refused = keep(app, admin, "atgt-save.n_clicks", {"atgt-save": 2, "atgt-district": "0901",
                                                      "atgt-measure": "turnaround_p90", "atgt-value": "forever"})
    assert "atgt-table" in refused and "turnaround" not in json.dumps(refused["atgt-table"])
    assert component_text(refused["atgt-message"]["children"])
    row = {"type": "atgt-delete", "district": "0901", "measure": "cloud_share"}
    deleted = keep(app, admin, pressed(row), {}, wildcards={"atgt-delete": [(row, 1)]})
    assert "0901" not in component_text(deleted["atgt-table"]["children"])
    forged = {"type": "atgt-delete", "district": {"x": 1}, "measure": "cloud_share"}
    again = keep(app, admin, pressed(forged), {}, wildcards={"atgt-delete": [(forged, 1)]})
    assert isinstance(again, dict)  # answered (nothing to change), not a 500
    gone = {"type": "atgt-delete", "district": "0901", "measure": "cloud_share"}  # deleted above
    answer = keep(app, admin, pressed(gone), {}, wildcards={"atgt-delete": [(gone, 2)]})
    assert "0901" not in component_text(answer["atgt-table"]["children"])
    assert component_text(answer["atgt-message"]["children"])  # "no longer exists"
    assert "atgt-district" not in page_text(client_as("manager0900"), "/admin/targets")


def test_the_explorer_marks_a_district_that_misses_its_target(app, s, client_as):
    set_target(s, actor(s, "sysadmin"), "0901", "cloud_share", 0.99)
    s.commit()
    body = show(app, client_as("manager0900"), measure="cloud_share")
    rows = [component_text(r) for r in body["explorer-table"]["children"]["props"]["children"][1]["props"]["children"]]
    marked = [r for r in rows if "Misses" in r or "未达目标" in r]
    assert len(marked) == 1 and "0901" in marked[0]
    bars = body["explorer-graph"]["figure"]["data"]
    assert "#d62728" in bars[0]["marker"]["color"] and bars[1]["name"] in ("Target", "目标")


def test_a_managers_home_lists_what_crossed_a_threshold_once_as_new(app, s, client_as):
    """25 paper certificates of 0901 in the last ten days: its share (0 %) misses the 99 % of 0900's target."""
    a = s.scalar(select(CertificateApplication).where(CertificateApplication.district_code == "0901"))
    for n in range(25):
        day = china_today() - timedelta(days=n % 10)
        s.add(Certificate(certificate_no=f"H{n:04d}", application_id=a.id, enterprise_id=a.enterprise_id,
                          district_code="0901", cert_type_code="14", entry_method="blank", dest_country="JP",
                          issue_place="大连", issue_date=day, issued_at=datetime.combine(day, datetime.min.time(), UTC),
                          signing_method="paper", print_count=0, verify_token=f"h{n}"))
    set_target(s, actor(s, "sysadmin"), "0900", "cloud_share", 0.99)
    s.commit()
    manager = client_as("manager0900")
    first = page_text(manager, "/")
    assert '"home-alerts"' in first and "/stats/explorer?measure=cloud_share" in first
    assert first.count('"color": "danger"') >= 1  # the "New" badge
    second = page_text(manager, "/")
    assert "/stats/explorer?measure=cloud_share" in second and '"color": "danger"' not in second
    assert '"home-alerts"' not in page_text(client_as("officer0901"), "/")
