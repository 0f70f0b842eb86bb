"""Statistics services: scope (subtree only, forged districts empty), totals that add up, every filter
exact against a count of the certificate table itself, trends, turnaround, backlog, the rebuild command."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import and_, func, insert, select

from data.core.scope import AccessDenied
from data.models import Certificate, CertificateApplication
from data.statistics.reports import (
    AGE_BUCKETS,
    OTHERS,
    CloudFilter,
    IssuanceFilter,
    TrendFilter,
    backlog,
    cloud_signing_usage,
    histogram_percentile,
    issuance_by_district,
    issuance_by_month,
    stats_choices,
    turnaround,
)
from data.statistics.rollup import NO_COUNTRY, TURNAROUND_EDGES, china_day
from data.statistics.sums import period_spans, signed_spans
from tests.support.stats_world import DISTRICTS, FIRST_DAY, TODAY, TYPES, UTC, add_application
from tests.support.world import actor

pytest_plugins = ["tests.support.stats_world"]  # `stats_store`: the test world and 160 certificates


@pytest.fixture
def s(stats_store):
    """The statistics world (tests/support/stats_world.py), open as a session."""
    return stats_store


def brute_issuance(s, codes, f: IssuanceFilter) -> int:
    """The same figure counted on the certificate table itself."""
    c = Certificate
    where = [c.district_code.in_(codes)]
    for column, lo, hi in ((c.issue_date, f.issue_from, f.issue_to), (c.received_date, f.received_from, f.received_to)):
        if lo or hi:
            where.append(column.is_not(None))
        if lo:
            where.append(column >= lo)
        if hi:
            where.append(column <= hi)
    for column, value in ((c.cert_type_code, f.cert_type), (c.entry_method, f.entry_method),
                          (c.signing_method, f.signing_method), (c.status, f.status)):
        if value:
            where.append(column == value)
    if f.dest_country:
        where.append(c.dest_country == f.dest_country)
    return s.scalar(select(func.count()).select_from(c).where(and_(*where)))


def test_period_spans_cover_every_day_once():
    rng = random.Random(3)
    for _ in range(400):
        lo = date(2025, 11, 1) + timedelta(days=rng.randrange(0, 200)) if rng.random() < 0.9 else None
        hi = date(2025, 11, 1) + timedelta(days=rng.randrange(0, 200)) if rng.random() < 0.9 else None
        window = [date(2025, 10, 1) + timedelta(days=k) for k in range(280)]
        wanted = {d for d in window if (lo is None or d >= lo) and (hi is None or d <= hi)}
        covered = []
        for grain, a, b in period_spans(lo, hi, ("d", "m")):
            for d in window:
                key = d if grain == "d" else d.replace(day=1)
                if (a is None or key >= a) and (b is None or key <= b):
                    covered.append(d)
        assert sorted(covered) == sorted(wanted), (lo, hi)
        assert sum(1 for g, _a, _b in period_spans(lo, hi, ("d", "m")) if g == "d") <= 2


def test_signed_spans_count_every_day_once_and_read_at_most_half_a_month_of_days_at_either_end():
    """A partial month read as its month row less the days left out: each day in the range counts +1 net, each
    day outside 0, and no end reads more than half a month of day rows."""
    rng = random.Random(4)
    for _ in range(400):
        lo = date(2025, 11, 1) + timedelta(days=rng.randrange(0, 200)) if rng.random() < 0.9 else None
        hi = date(2025, 11, 1) + timedelta(days=rng.randrange(0, 200)) if rng.random() < 0.9 else None
        window = [date(2025, 10, 1) + timedelta(days=k) for k in range(280)]
        net = dict.fromkeys(window, 0)
        spans = signed_spans(lo, hi, ("d", "m"))
        for grain, a, b, sign in spans:
            for d in window:
                key = d if grain == "d" else d.replace(day=1)
                if (a is None or key >= a) and (b is None or key <= b):
                    net[d] += sign
        assert all(net[d] == int((lo is None or d >= lo) and (hi is None or d <= hi)) for d in window), (lo, hi)
        days = [(b - a).days + 1 for g, a, b, _sign in spans if g == "d" and a and b]
        assert all(n <= 16 for n in days) and len(days) <= 4, (lo, hi, spans)
    assert signed_spans(date(2026, 8, 2), date(2026, 10, 31), ("d", "m")) == [
        ("m", date(2026, 8, 1), date(2026, 8, 1), 1), ("d", date(2026, 8, 1), date(2026, 8, 1), -1),
        ("m", date(2026, 9, 1), date(2026, 10, 1), 1)]
    assert signed_spans(date(2026, 8, 20), date(2026, 8, 25), ("d", "m")) == [
        ("d", date(2026, 8, 20), date(2026, 8, 25), 1)]


def test_a_manager_sees_the_subtree_of_their_district_only(s):
    report = issuance_by_district(s, actor(s, "manager0900"), IssuanceFilter())
    assert report.found and report.root.code == "0900" and [d.code for d in report.path] == ["0900"]
    assert [r.code for r in report.rows] == ["0901", "0903"]
    assert report.rows[0].total == brute_issuance(s, ["0901"], IssuanceFilter())
    assert report.root.own == brute_issuance(s, ["0900"], IssuanceFilter())
    assert report.total == report.root.total == brute_issuance(s, ["0900", "0901", "0903"], IssuanceFilter())
    assert report.total == report.root.own + sum(r.total for r in report.rows)
    choices = stats_choices(s, actor(s, "manager0900"))
    assert [d.code for d in choices.districts] == ["0900", "0901", "0903"] and choices.default_district == "0900"


def test_a_manager_of_a_subordinate_house_sees_that_house_only(s):
    manager = actor(s, "manager0903")
    report = issuance_by_district(s, manager, IssuanceFilter())
    assert report.root.code == "0903" and report.rows == () and not report.root.has_children
    assert report.total == report.root.own == brute_issuance(s, ["0903"], IssuanceFilter())
    assert [d.code for d in stats_choices(s, manager).districts] == ["0903"]


@pytest.mark.parametrize("f", [IssuanceFilter(), IssuanceFilter(signing_method="cloud", status="valid"),
                               IssuanceFilter(issue_from=FIRST_DAY + timedelta(days=20), dest_country="JP")])
def test_the_last_level_breaks_its_figure_down_by_certificate_type(s, f):
    """Issue 16 item 14: a district without subordinate houses shows its certificates by type, each exact."""
    manager = actor(s, "manager0900")
    report = issuance_by_district(s, manager, IssuanceFilter(**{**f.__dict__, "district": "0903"}))
    assert report.root.code == "0903" and report.rows == ()
    assert sum(x.certificates for x in report.by_type) == report.total
    for x in report.by_type:
        assert x.certificates == brute_issuance(s, ["0903"], IssuanceFilter(**{**f.__dict__, "cert_type": x.code}))
    assert [x.certificates for x in report.by_type] == sorted((x.certificates for x in report.by_type), reverse=True)
    assert {x.code: x.name_zh for x in report.by_type}.get("18", "植物检疫证书") == "植物检疫证书"
    assert issuance_by_district(s, manager, IssuanceFilter(district="0900")).by_type == ()  # it has houses below


@pytest.mark.parametrize("forged", ["0901", "0200", "0900", "9999", "' OR 1=1 --"])
def test_a_forged_district_gives_an_empty_report_never_other_figures(s, forged):
    manager = actor(s, "manager0903")
    assert issuance_by_district(s, manager, IssuanceFilter(district=forged)) == \
        issuance_by_district(s, manager, IssuanceFilter(district=forged))
    report = issuance_by_district(s, manager, IssuanceFilter(district=forged))
    assert not report.found and report.rows == () and report.total == 0 and report.root is None
    cloud = cloud_signing_usage(s, manager, CloudFilter(district=forged))
    assert not cloud.found and cloud.rows == () and cloud.total.certificates == 0
    assert not issuance_by_month(s, manager, TrendFilter(district=forged), "type").found
    assert turnaround(s, manager, TrendFilter(district=forged)).total.approvals == 0
    assert backlog(s, manager, TrendFilter(district=forged), TODAY).total.total == 0


@pytest.mark.parametrize("forged", [{"signing_method": "quill"}, {"cert_type": "14' OR '1'='1"}, {"status": "*"},
                                    {"dest_country": "*"}, {"entry_method": "*"}])
def test_unknown_filter_values_match_nothing(s, forged):
    assert issuance_by_district(s, actor(s, "sysadmin"), IssuanceFilter(**forged)).total == 0


def test_an_administrator_sees_every_district_and_the_whole_adds_up(s):
    admin = actor(s, "sysadmin")
    report = issuance_by_district(s, admin, IssuanceFilter())
    assert report.root is None and [r.code for r in report.rows] == ["0200", "0900"]  # sort, then code
    assert report.total == s.scalar(select(func.count()).select_from(Certificate))
    drilled = issuance_by_district(s, admin, IssuanceFilter(district="0900"))
    assert drilled.total == report.rows[1].total and [d.code for d in drilled.path] == ["0900"]
    leaf = issuance_by_district(s, admin, IssuanceFilter(district="0901"))
    assert [d.code for d in leaf.path] == ["0900", "0901"] and leaf.total == drilled.rows[0].total


@pytest.mark.parametrize("account", ["officer0901", "ent_a_admin", "ent_a_oper", "overseas_ru"])
def test_statistics_are_refused_to_everyone_else(s, account):
    with pytest.raises(AccessDenied):
        issuance_by_district(s, actor(s, account), IssuanceFilter())
    with pytest.raises(AccessDenied):
        cloud_signing_usage(s, actor(s, account), CloudFilter())
    with pytest.raises(AccessDenied):
        stats_choices(s, actor(s, account))


def random_filter(rng: random.Random) -> IssuanceFilter:
    def day():
        return FIRST_DAY + timedelta(days=rng.randrange(-10, 110)) if rng.random() < 0.4 else None

    def pick(values):
        return rng.choice(values) if rng.random() < 0.3 else None

    return IssuanceFilter(issue_from=day(), issue_to=day(), received_from=day(), received_to=day(),
                          cert_type=pick(TYPES), dest_country=pick(["JP", "KR"]),
                          entry_method=pick(["blank", "similar", "template"]),
                          signing_method=pick(["cloud", "paper"]), status=pick(["valid", "replaced", "withdrawn"]))


def test_every_mix_of_filters_counts_exactly_what_the_certificate_table_holds(s):
    admin, manager = actor(s, "sysadmin"), actor(s, "manager0900")
    rng = random.Random(17)
    for _ in range(120):
        f = random_filter(rng)
        report = issuance_by_district(s, manager, f)
        assert report.total == brute_issuance(s, ["0900", "0901", "0903"], f), f
        for row in report.rows:
            assert row.total == brute_issuance(s, [row.code], f), (row.code, f)
        whole = issuance_by_district(s, admin, f)
        assert whole.total == brute_issuance(s, list(DISTRICTS), f), f


def test_cloud_signing_usage_counts_by_received_date_and_approvals_by_issue_date(s):
    manager = actor(s, "manager0900")
    lo, hi = date(2026, 2, 10), date(2026, 4, 3)
    report = cloud_signing_usage(s, manager, CloudFilter(received_from=lo, received_to=hi, entry_method="blank"))
    assert [r.code for r in report.rows] == [c for c in ("0900", "0901", "0903")
                                             if any(r.code == c for r in report.rows)]
    c = Certificate
    for row in report.rows:
        base = [c.district_code == row.code, c.entry_method == "blank", c.received_date >= lo, c.received_date <= hi]
        assert row.certificates == brute_count(s, base)
        assert row.cloud == brute_count(s, base + [c.signing_method == "cloud"])
        assert row.printed == brute_count(s, base + [c.print_count > 0])
        assert row.copies == (s.scalar(select(func.sum(c.print_count)).where(*base)) or 0)
        assert row.cloud_approved == brute_count(s, [c.district_code == row.code, c.entry_method == "blank",
                                                     c.signing_method == "cloud", c.issue_date >= lo,
                                                     c.issue_date <= hi])
        assert row.share == (row.cloud / row.certificates if row.certificates else None)
    assert report.total.certificates == sum(r.certificates for r in report.rows)
    assert report.total.cloud_approved == sum(r.cloud_approved for r in report.rows)


def brute_count(s, where) -> int:
    return s.scalar(select(func.count()).select_from(Certificate).where(*where))


def test_monthly_issuance_by_type_and_by_destination(s):
    manager = actor(s, "manager0900")
    f = TrendFilter(month_from=date(2026, 2, 1), month_to=date(2026, 4, 30))
    by_type = issuance_by_month(s, manager, f, "type")
    assert by_type.months == (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))
    c = Certificate
    for series in by_type.series:
        for month, value in zip(by_type.months, series.values):
            end = (month + timedelta(days=32)).replace(day=1)
            assert value == brute_count(s, [c.district_code.in_(["0900", "0901", "0903"]),
                                            c.cert_type_code == series.key, c.issue_date >= month,
                                            c.issue_date < end])
    assert {x.key for x in by_type.series} == set(TYPES)
    by_dest = issuance_by_month(s, manager, f, "destination")
    assert by_dest.totals == by_type.totals
    assert {x.key for x in by_dest.series} == {"JP", "KR", NO_COUNTRY}
    names = {x.key: x.name_zh for x in by_dest.series}
    assert names["JP"] == "日本" and names[NO_COUNTRY] == "未填目的地"
    squeezed = issuance_by_month(s, manager, f, "destination", top=1)
    assert [x.key for x in squeezed.series][-1] == OTHERS and squeezed.totals == by_type.totals


def test_histogram_percentiles_fall_in_the_right_bucket():
    counts = [0] * (len(TURNAROUND_EDGES) + 1)
    counts[0], counts[12] = 5, 5  # under a minute; 20..25 minutes
    assert histogram_percentile(counts, 0.5) == pytest.approx(60.0)
    assert TURNAROUND_EDGES[11] <= histogram_percentile(counts, 0.9) <= TURNAROUND_EDGES[12]
    counts[-1] = 100
    assert histogram_percentile(counts, 0.9) == TURNAROUND_EDGES[-1]  # "30 days or more"
    assert histogram_percentile([0] * len(counts), 0.5) is None


def test_turnaround_median_p90_and_mean_per_district(s, users):
    base = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    minutes = {"0901": [5, 5, 5, 50, 240], "0903": [30] * 4, "0200": [1000]}
    for district, values in minutes.items():
        for m in values:
            add_application(s, users, district, "issued", base, base + timedelta(minutes=m))
    s.commit()
    f = TrendFilter(month_from=date(2026, 3, 1), month_to=date(2026, 3, 31))
    report = turnaround(s, actor(s, "manager0900"), f)
    rows = {r.code: r for r in report.rows}
    assert set(rows) == {"0901", "0903"} and report.total.code == "0900"
    assert rows["0901"].approvals == 5 and rows["0901"].mean_seconds == pytest.approx(sum(minutes["0901"]) * 12)
    assert 5 * 60 <= rows["0901"].median_seconds < 6 * 60  # in the 5-6 minute bucket
    assert 240 * 60 <= rows["0901"].p90_seconds < 300 * 60
    assert 30 * 60 <= rows["0903"].median_seconds <= 35 * 60
    assert report.total.approvals == 9
    assert turnaround(s, actor(s, "manager0903"), f).total.approvals == 4
    assert turnaround(s, actor(s, "sysadmin"), f).total.approvals == 10
    assert turnaround(s, actor(s, "manager0900"), TrendFilter(month_from=date(2026, 4, 1))).total.approvals == 0


def test_backlog_counts_waiting_applications_by_age_and_status(s, users):
    def at(days_ago: int) -> datetime:
        return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC) + timedelta(hours=3)

    for district, status, days_ago in (("0901", "submitted", 0), ("0901", "under_review", 2),
                                       ("0901", "suspended", 20), ("0903", "approved", 5),
                                       ("0903", "returned", 1), ("0200", "submitted", 1)):
        add_application(s, users, district, status, at(days_ago), None)
    s.commit()
    report = backlog(s, actor(s, "manager0900"), TrendFilter(), TODAY)
    rows = {r.code: r for r in report.rows}
    assert rows["0901"].by_age == (1, 1, 0, 0, 1) and rows["0903"].by_age == (0, 0, 1, 0, 0)
    assert rows["0901"].by_status[:3] == (1, 1, 1) and report.total.total == 4
    assert backlog(s, actor(s, "sysadmin"), TrendFilter(), TODAY).total.total == 5
    assert len(AGE_BUCKETS) == len(report.total.by_age)
    assert china_day(at(0)) == TODAY


def test_stats_rebuild_command_repairs_what_a_core_write_bypassed(app, s):
    app_row = s.scalar(select(CertificateApplication).where(CertificateApplication.district_code == "0903"))
    before = issuance_by_district(s, actor(s, "manager0903"), IssuanceFilter()).total
    s.connection().execute(insert(Certificate.__table__).values(  # a Core write on the connection: unseen
        certificate_no="CORE1", application_id=app_row.id, enterprise_id=app_row.enterprise_id,
        district_code="0903", cert_type_code="14", entry_method="blank", issue_place="大连",
        issue_date=date(2026, 2, 2), issued_at=datetime(2026, 2, 2, tzinfo=UTC), signing_method="paper",
        print_count=1, status="valid", verify_token="core"))
    s.commit()
    assert issuance_by_district(s, actor(s, "manager0903"), IssuanceFilter()).total == before
    result = app.server.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0 and "statistics rebuilt" in result.output
    s.expire_all()
    assert issuance_by_district(s, actor(s, "manager0903"), IssuanceFilter()).total == before + 1


def test_trend_sums_from_the_subtree_rows_equal_those_summed_per_district(s):
    from dataclasses import replace

    from data.statistics.reports import district_tree, trend_sums

    tree = district_tree(s, actor(s, "sysadmin"))
    several_tops = replace(tree, everything=False)  # as for a scope with more than one district at its top
    lo, hi = date(2026, 1, 1), date(2026, 4, 30)
    for dim in ("cert_type_code", "dest_country"):
        for group in (("value",), ("period", "value")):
            assert sorted(trend_sums(s, tree, None, dim, lo, hi, group)) == \
                sorted(trend_sums(s, several_tops, None, dim, lo, hi, group))
        assert sorted(trend_sums(s, tree, None, dim, lo, hi, ("value",), ("JP", "14"))) == \
            sorted(trend_sums(s, several_tops, None, dim, lo, hi, ("value",), ("JP", "14")))
