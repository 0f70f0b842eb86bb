"""The explorer: random views against counts of the raw records (certificates, applications), subtotals and
totals exact, comparisons, scope (a foreign district reads nothing), and what a view refuses to read."""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from data.core.scope import AccessDenied
from data.models import Certificate, CertificateApplication
from data.reference.regions import continent_of, countries_of
from data.statistics.explorer import (
    TOTAL,
    comparison_range,
    explore,
    period_bounds,
    period_key,
)
from data.statistics.explorer_view import DIMENSIONS, MEASURES, View, read_view
from data.statistics.reports import histogram_percentile
from data.statistics.rollup import DAY, MONTH, china_day, turnaround_bucket, whole_seconds
from data.statistics.sums import RollupQuery, district_tree, signed_spans, sum_certificates
from tests.support.stats_world import FIRST_DAY, TODAY, UTC, add_application
from tests.support.world import actor

pytest_plugins = ["tests.support.stats_world"]  # `stats_store`: the test world and 160 certificates


@pytest.fixture
def s(stats_store):
    """The statistics world (tests/support/stats_world.py), open as a session."""
    return stats_store

CERTIFICATE_MEASURES = ("certificates", "cloud", "printed", "copies", "cloud_share", "value")
CERT_DIMENSIONS = tuple(d for d in DIMENSIONS)
ATTRIBUTE = {"cert_type": "cert_type_code", "entry": "entry_method", "signing": "signing_method",
             "status": "status", "currency": "currency"}


def _key(c: Certificate, dim: str, view: View, tree, level: int) -> str:
    if dim == "district":
        path = tree.path(c.district_code)
        return path[level].code if len(path) > level else c.district_code
    if dim == "period":
        return period_key(c.issue_date, view.grain)
    if dim == "dest":
        return c.dest_country or ""
    if dim == "region":
        return continent_of(c.dest_country) if c.dest_country else "unknown"
    return getattr(c, ATTRIBUTE[dim]) or ""


def raw_certificates(s, codes, view: View, lo: date, hi: date) -> list[Certificate]:
    out = []
    for c in s.scalars(select(Certificate).where(Certificate.district_code.in_(codes))):
        if not lo <= c.issue_date <= hi:
            continue
        if view.region and c.dest_country not in countries_of(view.region):
            continue
        if view.dest and c.dest_country != view.dest:
            continue
        if view.measure == "value" and not c.currency:
            continue  # no value declared: nothing to show
        if any(view.filters().get(dim) and getattr(c, col) != view.filters()[dim] for dim, col in ATTRIBUTE.items()):
            continue
        out.append(c)
    return out


def certificate_measure(certs: list[Certificate], measure: str) -> float | None:
    n = len(certs)
    cloud = sum(c.signing_method == "cloud" for c in certs)
    values = {"certificates": n, "cloud": cloud, "printed": sum((c.print_count or 0) > 0 for c in certs),
              "copies": sum(c.print_count or 0 for c in certs), "cloud_share": cloud / n if n else None,
              "value": float(sum(c.goods_value or 0 for c in certs))}
    return values[measure]


def expected_measure(certs: list[Certificate], view: View, dims: tuple[str, ...]) -> float | None:
    """The measure of these certificates, split by `dims`; a value of goods summed over currencies is none."""
    if view.measure == "value" and not view.currency and "currency" not in dims:
        return None
    return certificate_measure(certs, view.measure)


def expected_cells(s, who, view: View, lo: date, hi: date, root: str | None) -> dict[tuple, list[Certificate]]:
    tree = district_tree(s, who)
    level = view.level if view.level is not None else tree.depth(root) + 1 if root else 0
    groups: dict[tuple, list[Certificate]] = defaultdict(list)
    for c in raw_certificates(s, tree.subtree(root), view, lo, hi):
        groups[tuple(_key(c, d, view, tree, level) for d in view.dimensions)].append(c)
    return groups


def random_view(rng: random.Random) -> View:
    dims = rng.sample(CERT_DIMENSIONS, rng.choice([1, 2, 3]))
    rows, columns = tuple(dims[:2]), tuple(dims[2:])
    if rng.random() < 0.3 and len(rows) == 2:
        rows, columns = rows[:1], rows[1:]
    lo = FIRST_DAY + timedelta(days=rng.randrange(-10, 60))
    hi = lo + timedelta(days=rng.randrange(0, 90))
    filters = {}
    for dim, values in (("cert_type", ["14", "18"]), ("entry", ["blank", "template"]), ("signing", ["cloud", "paper"]),
                        ("status", ["valid", "withdrawn"]), ("dest", ["JP", "KR"]), ("region", ["asia", "rcep", "eu"]),
                        ("currency", ["USD", "JPY"])):
        if rng.random() < 0.15:
            filters[dim] = rng.choice(values)
    view = View(measure=rng.choice(CERTIFICATE_MEASURES), rows=rows, columns=columns, date_from=lo, date_to=hi,
                grain=rng.choice(["day", "week", "month", "quarter", "year"]), level=rng.choice([None, None, 0, 1, 2]),
                **filters)
    again, problems = read_view(view.params())  # as a link gives it back; a value of goods gets its currency
    assert again == view or (view.measure == "value" and "currency" in again.dimensions), (view, again, problems)
    return again


def assert_close(got, want, context):
    if want is None:
        assert got is None, context
    else:
        assert got == pytest.approx(want), context


@pytest.mark.parametrize("account, root", [("manager0900", "0900"), ("sysadmin", None)])
def test_random_views_agree_with_counts_of_the_certificates(s, account, root):
    """Every cell, subtotal and total of 40 random views (measure, 1-3 dimensions, filters, period, grain,
    level of the district tree) equals the same figure computed here from the certificate rows."""
    who = actor(s, account)
    rng = random.Random(23)
    for _ in range(40):
        view = random_view(rng)
        result = explore(s, who, view, TODAY)
        groups = expected_cells(s, who, view, view.date_from, view.date_to, root)
        got = {tuple(row[d] for d in view.dimensions): row["value"] for row in result.cells.to_dict("records")}
        assert set(got) == set(groups), view
        for key, certs in groups.items():
            assert_close(None if got[key] != got[key] else got[key], expected_measure(certs, view, view.dimensions),
                         (view, key))
        everything = [c for certs in groups.values() for c in certs]
        assert_close(result.total.values[-1], expected_measure(everything, view, ()), view)
        for row in result.body:  # each subtotal: the certificates under its keys, across the columns too
            prefix = row.keys[:row.level]
            under = [c for key, certs in groups.items() if key[:row.level] == prefix for c in certs]
            assert_close(row.values[-1], expected_measure(under, view, view.rows[:row.level]), (view, row))
            for column, value in zip(result.column_keys, row.values):
                inside = [c for key, certs in groups.items() if key[:row.level] == prefix and key[-1] == column
                          for c in certs]
                assert_close(value, expected_measure(inside, view, (*view.rows[:row.level], *view.columns))
                             if inside else None, (view, row, column))


def _groupings_read(s, who, view: View) -> set[int]:
    """The rollup groupings `explore` reads for this view (from the SQL it sends)."""
    import re

    from sqlalchemy import event

    sent: list[str] = []

    def grab(_conn, _cursor, statement, *_args):
        sent.append(statement)

    engine = s.get_bind()
    event.listen(engine, "before_cursor_execute", grab)
    try:
        explore(s, who, view, TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return {int(g) for st in sent for g in re.findall(r"stats_certificate\.grouping = (\d+)", st)}


@pytest.mark.parametrize("account, root", [("manager0900", "0900"), ("sysadmin", None)])
def test_views_not_split_by_district_read_the_subtree_sums(s, account, root):
    """Destinations by type read the subtree grouping of their root (19: 10 summed over each subtree; ALL for the
    administrator), the same view split by district the base grouping per district; both agree with the records."""
    who = actor(s, account)
    lo, hi = FIRST_DAY, TODAY
    whole = View(rows=("dest",), columns=("cert_type",), date_from=lo, date_to=hi)
    split = View(rows=("district", "dest"), columns=("cert_type",), date_from=lo, date_to=hi)
    assert _groupings_read(s, who, whole) == {19}
    assert _groupings_read(s, who, split) == {10}
    assert _groupings_read(s, who, replace(whole, columns=(), region="asia")) == {18}
    assert _groupings_read(s, who, replace(whole, district="0903")) == {10}  # a house without houses: its own rows
    for view in (whole, split):
        cells = explore(s, who, view, TODAY).cells
        got = {tuple(row[d] for d in view.dimensions): row["value"] for row in cells.to_dict("records")}
        assert got == {key: len(certs) for key, certs in expected_cells(s, who, view, lo, hi, root).items()}


@pytest.mark.parametrize("lo, hi", [(date(2026, 3, 1), date(2026, 5, 31)),  # whole months: one span
                                     (date(2026, 3, 2), date(2026, 5, 30))])  # months less days: signed spans
def test_the_stores_sums_are_whole_numbers_as_python_reads_them(s, lo, hi):
    """Sums of the rollup's measures come back as ints on both stores, a bigint's (value_cents) and sums of signed
    spans included: PostgreSQL's sum of a bigint is a numeric, which the driver reads as a Decimal, a microsecond a
    value and an object column in pandas. They agree with the records."""
    who = actor(s, "manager0900")
    tree = district_tree(s, who)
    codes = tree.subtree("0900")
    q = RollupQuery(issue=(lo, hi), group=("currency",), measures=("certificates", "value_cents"), per_district=False)
    assert (len(signed_spans(lo, hi, (DAY, MONTH))) > 1) == (lo.day != 1)  # one span, then several
    rows = sum_certificates(s, tree, codes, q)
    assert rows and all(type(v) is int for row in rows for v in row[1:]), rows
    certs = [c for c in s.scalars(select(Certificate).where(Certificate.district_code.in_(codes)))
             if lo <= c.issue_date <= hi]
    want: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in certs:
        want[c.currency or ""][0] += 1
        want[c.currency or ""][1] += round((c.goods_value or 0) * 100)
    assert {currency: [n, cents] for currency, n, cents in rows if n} == dict(want)


def test_a_scope_short_of_a_whole_subtree_never_reads_its_roots_sums(s):
    """A user whose scope holds 0900 but not its house 0903 (not how sign-in builds a scope, but the data layer must
    not rely on it) must not get 0903's certificates through 0900's subtree sums: the districts' own rows are read."""
    who = replace(actor(s, "manager0900"), district_codes=frozenset({"0900", "0901"}))
    tree = district_tree(s, who)
    assert tree.whole == {"0901"} and tree.roots(tree.subtree(None)) is None
    view = View(rows=("dest",), columns=("cert_type",), date_from=FIRST_DAY, date_to=TODAY)
    assert _groupings_read(s, who, view) == {10}
    got = {(row["dest"], row["cert_type"]): row["value"] for row in explore(s, who, view, TODAY).cells.to_dict("records")}
    mine = expected_cells(s, who, view, FIRST_DAY, TODAY, "0900")
    assert got == {key: len(certs) for key, certs in mine.items()}
    assert sum(got.values()) == len(raw_certificates(s, ["0900", "0901"], view, FIRST_DAY, TODAY)) > 0
    assert _groupings_read(s, who, replace(view, district="0901")) == {10}  # a leaf: its own rows are its sums


def test_subtotals_follow_their_rows_and_the_total_comes_last(s):
    manager = actor(s, "manager0900")
    view = View(rows=("district", "cert_type"), columns=("signing",), date_from=FIRST_DAY, date_to=TODAY)
    body = explore(s, manager, view, TODAY).body
    assert body[-1].level == 0 and body[-1].keys == (TOTAL, TOTAL)
    for k, row in enumerate(body[:-1]):
        if row.level == 1:  # a district's subtotal closes its type rows
            assert body[k - 1].level == 2 and body[k - 1].keys[0] == row.keys[0]
    firsts = [row.keys[0] for row in body if row.level == 1]
    totals = [row.values[-1] for row in body if row.level == 1]
    assert totals == sorted(totals, reverse=True) and set(firsts) <= {"0900", "0901", "0903"}


def test_comparison_with_the_period_before_and_the_year_before(s):
    manager = actor(s, "manager0900")
    lo, hi = date(2026, 3, 1), date(2026, 3, 31)
    view = View(rows=("cert_type",), date_from=lo, date_to=hi, compare="previous", order="change")
    result = explore(s, manager, view, TODAY)
    assert result.base_range == (date(2026, 1, 29), date(2026, 2, 28))
    groups = expected_cells(s, manager, view, *result.base_range, "0900")
    for row in result.body:
        if row.level == 1:
            assert row.base[-1] == len(groups.get((row.keys[0],), [])) or (row.base[-1] is None
                                                                           and not groups.get((row.keys[0],)))
    changes = [row.values[-1] - (row.base[-1] or 0) for row in result.body if row.level == 1]
    assert changes == sorted(changes, reverse=True)
    by_month = View(rows=("period",), date_from=date(2026, 2, 1), date_to=date(2026, 4, 30), compare="previous")
    monthly = explore(s, manager, by_month, TODAY)
    values = {row.keys[0]: (row.values[-1], row.base[-1]) for row in monthly.body if row.level == 1}
    assert values["2026-03"][1] == values["2026-02"][0] and values["2026-04"][1] == values["2026-03"][0]
    assert comparison_range(View(compare="year"), lo, hi) == (date(2025, 3, 1), date(2025, 3, 31))


def test_turnaround_and_approvals_agree_with_the_applications(s, users):
    base = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    rng = random.Random(3)
    for _ in range(30):
        district = rng.choice(["0901", "0903", "0200"])
        submitted = base + timedelta(days=rng.randrange(0, 60), minutes=rng.randrange(0, 600))
        add_application(s, users, district, "issued", submitted, submitted + timedelta(minutes=rng.randrange(1, 5000)))
    s.commit()
    manager = actor(s, "manager0900")
    apps = [a for a in s.scalars(select(CertificateApplication)) if a.approved_at and a.submitted_at
            and a.district_code in ("0900", "0901", "0903")]
    for grain in ("week", "month"):
        for measure in ("approvals", "turnaround_median", "turnaround_p90", "turnaround_mean"):
            view = View(measure=measure, rows=("district", "period"), grain=grain, date_from=date(2026, 3, 1),
                        date_to=date(2026, 4, 30))
            result = explore(s, manager, view, TODAY)
            got = {(r["district"], r["period"]): r["value"] for r in result.cells.to_dict("records")}
            groups = defaultdict(list)
            for a in apps:
                day = china_day(a.approved_at)
                if view.date_from <= day <= view.date_to:
                    groups[(a.district_code, period_key(day, grain))].append(
                        whole_seconds(a.approved_at) - whole_seconds(a.submitted_at))
            assert set(got) == set(groups), measure
            for key, seconds in groups.items():
                hist = [0] * 52
                for x in seconds:
                    hist[turnaround_bucket(x)] += 1
                want = {"approvals": len(seconds), "turnaround_mean": sum(seconds) / len(seconds) / 3600,
                        "turnaround_median": histogram_percentile(hist, 0.5) / 3600,
                        "turnaround_p90": histogram_percentile(hist, 0.9) / 3600}[measure]
                assert got[key] == pytest.approx(want), (measure, key)


def test_backlog_counts_the_waiting_applications_by_submission_day(s, users):
    for district, status, day in (("0901", "submitted", 3), ("0901", "under_review", 10), ("0903", "approved", 3),
                                  ("0903", "returned", 3), ("0200", "submitted", 3)):
        add_application(s, users, district, status, datetime(2026, 5, day, 2, tzinfo=UTC), None)
    s.commit()
    view = View(measure="backlog", rows=("district",), date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    result = explore(s, actor(s, "manager0900"), view, TODAY)
    assert {r["district"]: r["value"] for r in result.cells.to_dict("records")} == {"0901": 2, "0903": 1}
    assert result.total.values[-1] == 3


def test_a_foreign_district_reads_nothing_and_others_are_refused(s):
    manager = actor(s, "manager0900")
    result = explore(s, manager, View(district="0200", date_from=FIRST_DAY, date_to=TODAY), TODAY)
    assert not result.found and result.cells.empty and result.total.values[-1] == 0
    with pytest.raises(AccessDenied):
        explore(s, actor(s, "ent_a_oper"), View(), TODAY)


@pytest.mark.parametrize("values, problems", [
    ({"measure": "bogus"}, {"measure": "unknown"}),
    ({"rows": "district,bogus"}, {"rows": "unknown"}),
    ({"rows": ["district", {"x": 1}]}, {"rows": "format"}),
    ({"measure": "backlog", "rows": "dest"}, {"rows": "not_for_measure"}),
    ({"measure": "approvals", "cert_type": "14"}, {"cert_type": "not_for_measure"}),
    ({"rows": "district,cert_type,dest"}, {"rows": "too_many"}),
    ({"rows": "district", "columns": "district"}, {"columns": "repeated"}),
    ({"district": "0900'; drop"}, {"district": "format"}),
    ({"region": "atlantis"}, {"region": "unknown"}),
    ({"date_from": "2026-13-01"}, {"date_from": "bad_date"}),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, {"date_to": "date_order"}),
    ({"grain": "fortnight", "level": "x"}, {"grain": "unknown", "level": "format"}),
])
def test_a_view_leaves_out_what_it_cannot_use_and_names_it(values, problems):
    view, found = read_view(values)
    assert found == problems
    assert view.measure in MEASURES and set(view.rows) <= set(DIMENSIONS)


@pytest.mark.parametrize("values, rows, columns, problems", [
    ({"measure": "value"}, ("district",), ("currency",), {}),
    ({"measure": "value", "columns": "period"}, ("district", "currency"), ("period",), {}),
    ({"measure": "value", "rows": "cert_type,dest", "columns": "period"}, ("cert_type", "dest"), ("currency",),
     {"columns": "per_currency"}),
    ({"measure": "value", "rows": "currency,district"}, ("currency", "district"), (), {}),
    ({"measure": "value", "currency": "usd"}, ("district",), (), {}),
    ({"measure": "certificates", "rows": "currency"}, ("currency",), (), {}),
    ({"measure": "approvals", "currency": "USD"}, ("district",), (), {"currency": "not_for_measure"}),
])
def test_a_value_of_goods_is_split_by_currency_unless_one_is_chosen(values, rows, columns, problems):
    view, found = read_view(values)
    assert (view.rows, view.columns, found) == (rows, columns, problems)
    assert view.currency == ("USD" if values.get("currency") == "usd" else "")


def test_values_in_several_currencies_are_never_added_up(s):
    """Cells hold one currency's sum; a subtotal or total across currencies holds none; one currency chosen
    gives totals again."""
    manager = actor(s, "manager0900")
    lo, hi = FIRST_DAY, TODAY
    view = read_view({"measure": "value", "rows": "district", "date_from": lo.isoformat(),
                      "date_to": hi.isoformat()})[0]
    result = explore(s, manager, view, TODAY)
    assert set(result.column_keys) == {"USD", "JPY"}  # 0200, out of scope, declares no value
    certs = s.scalars(select(Certificate).where(Certificate.issue_date.between(lo, hi))).all()
    usd = sum(c.goods_value for c in certs if c.currency == "USD" and c.district_code in ("0900", "0901"))
    assert usd > 0 and result.total.values[-1] is None
    column = result.column_keys.index("USD")
    assert result.total.values[column] == pytest.approx(float(usd))
    assert all(row.values[-1] is None for row in result.body)  # every row's total mixes currencies
    one = explore(s, manager, replace(view, currency="JPY", columns=()), TODAY)
    jpy = sum(c.goods_value for c in certs if c.currency == "JPY")
    assert one.total.values[-1] == pytest.approx(float(jpy)) and jpy > 0


def test_a_view_goes_through_its_url_parameters_unchanged():
    view = View(measure="cloud_share", rows=("dest", "cert_type"), columns=("period",), district="0901", level=2,
                region="asia", signing="cloud", date_from=date(2026, 1, 1), date_to=date(2026, 3, 31),
                grain="quarter", chart="heatmap", compare="year", order="change")
    assert read_view(view.params()) == (view, {})


@pytest.mark.parametrize("grain", ["day", "week", "month", "quarter", "year"])
def test_period_keys_and_their_bounds(grain):
    day = date(2024, 2, 29)
    while day < date(2026, 12, 31):
        key = period_key(day, grain)
        lo, hi = period_bounds(key, grain)
        assert lo <= day <= hi and period_key(lo, grain) == key == period_key(hi, grain)
        assert period_key(lo - timedelta(days=1), grain) != key
        day += timedelta(days=5)
