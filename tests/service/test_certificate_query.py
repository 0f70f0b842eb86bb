"""证书查询: every filter, both sort directions, pages without gaps or repeats, and the district scope.

Each query is checked against a plain Python reading of the same rows (`expected`), page after page.
"""
from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select, text

import data.statistics.certificate_query as cq
from data.core.db import make_engine, make_session_factory
from data.core.scope import AccessDenied, district_subtree
from data.models import AppStatus, Certificate, CertificateApplication, CustomsDistrict, Declaration, User
from data.models.applications import UNDER_REVIEW_EXCLUDED
from data.statistics.certificate_filters import (
    DEEP_SECONDS,
    EXACT_COUNT_SECONDS,
    PENDING_STATUSES,
    QUERY_SECONDS,
    SORTS,
    CertificateQuery,
    Count,
    QueryInvalid,
    check_codes,
    cursor_data,
    parse_query,
    query_from_url,
    read_cursor,
    read_query,
    url_parameters,
)
from data.statistics.certificate_query import certificate_page, count_rows, filter_options
from tests.conftest import STORE_BACKENDS, TEMPLATE_DB, TEST_PASSWORD
from tests.support.certificate_query_data import fill
from tests.support.world import actor, build_world

CHINA = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module", params=STORE_BACKENDS)
def filled(request, tmp_path_factory):
    """One store per backend for the module: the world and the query's rows, read by every test."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("certq") / "store.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_server").create_database(template=TEMPLATE_DB)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    build_world(sessions, TEST_PASSWORD)
    fill(sessions)
    yield sessions
    engine.dispose()


@pytest.fixture
def s(filled):
    with filled() as session:
        yield session
        session.rollback()  # tests that change a row leave the store as they found it


# --- the reference: the same rows read and filtered in Python -----------------------------------


def _rows(s):
    """(kind, application, declaration, certificate) of every row a query may list."""
    out = []
    certificates: dict[int, list] = {}
    for c in s.scalars(select(Certificate)):
        certificates.setdefault(c.application_id, []).append(c)
    for app, decl in s.execute(select(CertificateApplication, Declaration)
                               .join(Declaration, Declaration.id == CertificateApplication.declaration_id)):
        if app.status == "draft":
            continue
        if app.status == "issued":
            out += [("c", app, decl, c) for c in certificates.get(app.id, [])]
        else:
            out.append(("a", app, decl, None))
    return out


def _day(moment):
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(CHINA).date()


def _between(value, low, high):
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _keeps(s, who, q: CertificateQuery, kind, app, decl, c, trees: dict) -> bool:
    scope = None if who.is_admin else who.district_codes
    if scope is not None and (app.district_code not in scope or (c is not None and c.district_code not in scope)):
        return False
    row = c if c is not None else app
    if q.inspection_no and not (decl.inspection_no or "").startswith(q.inspection_no):
        return False
    if q.district and (c is None or c.district_code not in trees.setdefault(q.district,
                                                                          district_subtree(s, q.district))):
        return False
    if q.declared_district and app.district_code not in trees.setdefault(q.declared_district, district_subtree(
            s, q.declared_district)):
        return False
    if q.certificate_no and not (row.certificate_no or "").startswith(q.certificate_no):
        return False
    if q.cert_type and row.cert_type_code != q.cert_type:
        return False
    if q.review_statuses and app.status not in q.review_statuses:
        return False
    if q.production_unit and q.production_unit not in (app.production_unit or ""):
        return False
    if q.dest_country and row.dest_country != q.dest_country:
        return False
    if q.entry_method and row.entry_method != q.entry_method:
        return False
    if q.reviewer:
        user = s.get(User, app.reviewer_id) if app.reviewer_id else None
        if user is None or not (user.account == q.reviewer.lower() or q.reviewer in user.real_name):
            return False
    if (q.signing_method or q.cert_status or q.currency or q.issued_from or q.issued_to or q.received_from or q.received_to) \
            and c is None:
        return False
    if q.signing_method and c.signing_method != q.signing_method:
        return False
    if q.currency and c.currency != q.currency:
        return False
    if q.cert_status and c.status != q.cert_status:
        return False
    if (q.issued_from or q.issued_to) and not _between(c.issue_date, q.issued_from, q.issued_to):
        return False
    if (q.received_from or q.received_to) and not _between(c.received_date, q.received_from, q.received_to):
        return False
    if (q.declared_from or q.declared_to) and not _between(_day(app.submitted_at), q.declared_from, q.declared_to):
        return False
    if (q.reviewed_from or q.reviewed_to) and not _between(_day(app.reviewed_at), q.reviewed_from, q.reviewed_to):
        return False
    return True


SORT_VALUES = {
    "issue_date": lambda app, decl, c: c.issue_date if c else None,
    "received_date": lambda app, decl, c: c.received_date if c else None,
    "certificate_no": lambda app, decl, c: (c or app).certificate_no,
    "inspection_no": lambda app, decl, c: decl.inspection_no,
    "submitted_at": lambda app, decl, c: app.submitted_at,
    "reviewed_at": lambda app, decl, c: app.reviewed_at,
    "district": lambda app, decl, c: app.district_code,
    "cert_type": lambda app, decl, c: app.cert_type_code,  # the application's, as the grid shows it
    "production_unit": lambda app, decl, c: app.production_unit,
    "dest_country": lambda app, decl, c: app.dest_country,
}
CERTIFICATE_FIRST = {"issue_date", "received_date"}


def expected(s, who, q: CertificateQuery, sort: str, descending: bool) -> list[tuple[int, int | None]]:
    """The rows in the order the query must give them: rows with the value sorted by it, ties by ids;
    rows without it after them, by ids; the direction applies to value and ids alike."""
    trees: dict = {}
    kept = [(app, decl, c) for kind, app, decl, c in _rows(s) if _keeps(s, who, q, kind, app, decl, c, trees)]

    def ids(app, c):
        cert = c.id if c else 0
        return (cert, app.id) if sort in CERTIFICATE_FIRST else (app.id, cert)

    with_value = [(SORT_VALUES[sort](a, d, c), ids(a, c), a, c) for a, d, c in kept
                  if SORT_VALUES[sort](a, d, c) is not None]
    without = [(ids(a, c), a, c) for a, d, c in kept if SORT_VALUES[sort](a, d, c) is None]
    with_value.sort(key=lambda r: (r[0], r[1]), reverse=descending)
    without.sort(key=lambda r: r[0], reverse=descending)
    return [(a.id, c.id if c else None) for _v, _i, a, c in with_value] + [(a.id, c.id if c else None)
                                                                            for _i, a, c in without]


def listed(s, who, q: CertificateQuery, sort: str, descending: bool, page_size: int = 7, keyset: bool = False):
    """Every row, page after page (each after the last row of the one before, with `keyset`), and the has_more
    flags seen on the way."""
    rows, flags, after = [], [], None
    for page in range(200):
        window = certificate_page(s, who, q, sort, descending, page, page_size, after=after if keyset else None)
        after = window.rows[-1].cursor if window.rows else None
        rows += [(r.application_id, r.certificate_id) for r in window.rows]
        flags.append(window.has_more)
        assert len(window.rows) == page_size or not window.has_more
        if not window.has_more:
            return rows, flags
    raise AssertionError("no last page")


# --- sorting and paging -------------------------------------------------------------------------


@pytest.mark.parametrize("descending", [True, False], ids=["desc", "asc"])
@pytest.mark.parametrize("sort", sorted(SORTS))
def test_every_sort_pages_through_all_rows_in_order_without_repeats(s, sort, descending):
    for account in ("manager0900", "sysadmin"):
        who = actor(s, account)
        rows, flags = listed(s, who, CertificateQuery(), sort, descending)
        assert rows == expected(s, who, CertificateQuery(), sort, descending), (account, sort)
        assert len(set(rows)) == len(rows) and flags[-1] is False and all(flags[:-1])


@pytest.mark.parametrize("descending", [True, False], ids=["desc", "asc"])
@pytest.mark.parametrize("sort", sorted(SORTS))
def test_keyset_pages_are_the_pages_read_by_offset(s, sort, descending, monkeypatch):
    """Each page read after the last row of the one before gives the rows of the same pages read by offset, for
    every sort, with and without the merged index runs, with filters that leave either kind of row."""
    for account, q in (("manager0900", CertificateQuery()), ("sysadmin", CertificateQuery()),
                       ("sysadmin", CertificateQuery(review_statuses=("issued", "submitted", "approved")))):
        who = actor(s, account)
        want = expected(s, who, q, sort, descending)
        for page_size in (1, 4):
            rows, flags = listed(s, who, q, sort, descending, page_size, keyset=True)
            assert rows == want, (account, q, sort, page_size)
            assert flags[-1] is False and all(flags[:-1])
    monkeypatch.setattr(cq, "MAX_RUNS", 0)
    who = actor(s, "manager0900")
    assert listed(s, who, CertificateQuery(), sort, descending, 3, keyset=True)[0] == expected(
        s, who, CertificateQuery(), sort, descending)


def _page_plans(s) -> dict[str, tuple[int, int]]:
    """PostgreSQL: (generic plans, custom plans) of the statements prepared on the session's connection."""
    rows = s.execute(text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"))
    return {statement: (generic, custom) for statement, generic, custom in rows if "candidates" in statement}


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_a_cursor_kept_as_json_reads_back_as_itself(s, sort):
    """The grid's tab keeps cursors as JSON (dates as ISO text): each reads back as the cursor it was, for its sort,
    rows with and without the sorted value alike, and the page after it is the same."""
    who = actor(s, "sysadmin")
    q = CertificateQuery(review_statuses=("issued", "submitted"))
    rows = listed(s, who, q, sort, True, page_size=50)[0]
    seen = 0
    for page in range(len(rows) // 7):
        window = certificate_page(s, who, q, sort, True, page, 7)
        cursor = window.rows[-1].cursor
        again = read_cursor(json.loads(json.dumps(cursor_data(cursor))), sort)
        assert again == cursor and type(again.value) is type(cursor.value), (sort, cursor)
        seen |= 1 << cursor.empty
        assert certificate_page(s, who, q, sort, True, page + 1, 7, after=again).rows == \
            certificate_page(s, who, q, sort, True, page + 1, 7).rows
    assert seen & 1  # a cursor with the value was among them


def test_unfiltered_pages_keep_one_plan_and_filtered_ones_are_planned_for_their_values(s):
    """On PostgreSQL an unfiltered page read in runs is prepared and planned once for any values (planning a
    page of many runs took longer than running it), its rows still exactly the reference's; the setting is
    only for that statement. A filtered page and the district sort are planned for their values each time."""
    who = actor(s, "manager0900")
    for sort in ("certificate_no", "reviewed_at", "issue_date"):
        assert listed(s, who, CertificateQuery(), sort, True, page_size=4, keyset=True)[0] == expected(
            s, who, CertificateQuery(), sort, True)
    if s.get_bind().dialect.name != "postgresql":
        return
    assert s.execute(text("SHOW plan_cache_mode")).scalar_one() == "auto"
    plans = _page_plans(s)  # per sort: the first page and the pages after a cursor; the rows without the value
    assert len(plans) == 6 and all(generic >= 1 and custom == 0 for generic, custom in plans.values()), plans
    for sort, q in (("district", CertificateQuery()), ("issue_date", CertificateQuery(dest_country="JP"))):
        for page in range(7):  # more than the driver runs before it prepares a statement itself
            certificate_page(s, who, q, sort, True, page, 4)
    assert _page_plans(s) == plans  # planned for their values each time, never prepared


def test_keyset_pages_start_their_runs_at_the_cursor_among_equal_values(s):
    """Review times repeat (the test rows have whole hours): a page after a cursor holds exactly the rows after
    it, also among rows whose value equals the cursor's."""
    who = actor(s, "sysadmin")
    values = [r for r in expected(s, who, CertificateQuery(), "reviewed_at", False)]
    times = {a.id: a.reviewed_at for a in s.scalars(select(CertificateApplication))}
    assert len({times[a] for a, _c in values if times[a]}) < len([a for a, _c in values if times[a]])
    assert listed(s, who, CertificateQuery(), "reviewed_at", False, page_size=3, keyset=True)[0] == values


@pytest.mark.parametrize("sort", ["issue_date", "submitted_at"])
def test_merged_index_runs_and_one_sorted_scan_give_the_same_pages(s, sort, monkeypatch):
    who = actor(s, "manager0900")
    q = CertificateQuery(review_statuses=("issued", "submitted", "under_review", "approved"))
    with_runs = listed(s, who, q, sort, True, page_size=5)[0]
    monkeypatch.setattr(cq, "MAX_RUNS", 0)
    assert listed(s, who, q, sort, True, page_size=5)[0] == with_runs == expected(s, who, q, sort, True)


# the partial index of the applications under review that reads a run of them in each sort's order (migration 0036)
UNDER_REVIEW_INDEXES = {"district": "ix_app_under_review_id", "submitted_at": "ix_app_under_review_submitted",
                        "reviewed_at": "ix_app_under_review_reviewed", "cert_type": "ix_app_under_review_type",
                        "dest_country": "ix_app_under_review_dest", "production_unit": "ix_app_under_review_unit",
                        "certificate_no": "ix_app_under_review_number"}


def test_the_statuses_under_review_are_all_but_issued_and_draft():
    assert set(PENDING_STATUSES) == {status.value for status in AppStatus} - set(UNDER_REVIEW_EXCLUDED)
    assert {s for s, k in SORTS.items() if k.application_lead and k.certificate_lead != "declaration"} == \
        set(UNDER_REVIEW_INDEXES)


def _page_statements(s, who, q: CertificateQuery, sort: str) -> list[tuple[str, object]]:
    """The statements (with their parameters) that read the first page."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))
    event.listen(s.get_bind(), "before_cursor_execute", record)
    try:
        certificate_page(s, who, q, sort, True, 0, 7)
    finally:
        event.remove(s.get_bind(), "before_cursor_execute", record)
    return [(statement, parameters) for statement, parameters in seen if "candidates" in statement]


@pytest.mark.parametrize("sort", sorted(UNDER_REVIEW_INDEXES))
def test_an_unfiltered_page_reads_the_applications_under_review_in_one_run_per_district(s, sort):
    """Every status but issued listed (the unfiltered search): the applications not issued are read in one run per
    declared district, from the partial index of those applications in the sort's order; a search for some of those
    statuses reads a run per district and status. Both list exactly the reference's rows."""
    who = actor(s, "sysadmin")
    unfiltered = CertificateQuery()
    districts = s.scalar(select(func.count(CertificateApplication.district_code.distinct())).where(
        CertificateApplication.status.in_(PENDING_STATUSES)))
    [(statement, parameters)] = _page_statements(s, who, unfiltered, sort)
    assert statement.count("status != 'issued'") == districts > 1
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    else:  # the few test rows: ask whether the index serves the runs in order, not what a full table would choose
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
        conn.exec_driver_sql("RESET enable_seqscan")
        conn.exec_driver_sql("RESET enable_sort")
    assert UNDER_REVIEW_INDEXES[sort] in plan
    assert listed(s, who, unfiltered, sort, True)[0] == expected(s, who, unfiltered, sort, True)
    some = CertificateQuery(review_statuses=("issued", "submitted", "under_review"))
    [(statement, _parameters)] = _page_statements(s, who, some, sort)
    assert "status != 'issued'" not in statement
    assert listed(s, who, some, sort, True)[0] == expected(s, who, some, sort, True)


def test_rows_carry_what_the_columns_show(s):
    who = actor(s, "manager0900")
    rows = certificate_page(s, who, CertificateQuery(), "issue_date", True, 0, 100).rows
    issued = next(r for r in rows if r.certificate_id is not None)
    cert = s.get(Certificate, issued.certificate_id)
    app = s.get(CertificateApplication, issued.application_id)
    assert (issued.certificate_no, issued.issue_date, issued.signing_method, issued.cert_status) == (
        cert.certificate_no, cert.issue_date, cert.signing_method, cert.status)
    assert (issued.district_code, issued.cert_type, issued.review_status, issued.serial) == (
        app.district_code, app.cert_type_code, "issued", cert.serial)
    assert issued.key == f"c{cert.id}" and issued.district_zh and issued.format_zh
    pending = next(r for r in rows if r.certificate_id is None)
    assert pending.key == f"a{pending.application_id}" and pending.issue_date is None
    named = [r for r in rows if r.dest_country == "JP"]
    assert named and all(r.dest_zh == "日本" and r.dest_en == "Japan" for r in named)
    reviewed = [r for r in rows if r.reviewer]
    assert reviewed and {r.reviewer for r in reviewed} == {"officer0901"}


def test_pages_end_at_the_row_limit(s, monkeypatch):
    monkeypatch.setattr(cq, "MAX_ROWS", 10)
    who = actor(s, "sysadmin")
    assert certificate_page(s, who, CertificateQuery(), page=0, page_size=5).has_more
    last = certificate_page(s, who, CertificateQuery(), page=1, page_size=5)
    assert len(last.rows) == 5 and not last.has_more
    assert certificate_page(s, who, CertificateQuery(), page=9, page_size=5).page == 1  # no deeper than the limit


# --- filters --------------------------------------------------------------------------------------

FILTERS = {
    "inspection_no": CertificateQuery(inspection_no="22100000000"),
    "inspection_no_exact": CertificateQuery(inspection_no="221000000000005"),
    "issuing_district": CertificateQuery(district="0903"),
    "issuing_district_tree": CertificateQuery(district="0900"),
    "declared_district": CertificateQuery(declared_district="0901"),
    "certificate_no": CertificateQuery(certificate_no="090126"),
    "approved_number": CertificateQuery(certificate_no="09032618"),
    "cert_type": CertificateQuery(cert_type="18"),
    "review_status_issued": CertificateQuery(review_statuses=("issued",)),
    "review_status_pending": CertificateQuery(review_statuses=("submitted", "returned", "approved")),
    "review_status_mixed": CertificateQuery(review_statuses=("issued", "revoked")),
    "production_unit": CertificateQuery(production_unit="瑞丰"),
    "production_unit_like_chars": CertificateQuery(production_unit="100%"),
    "production_unit_underscore": CertificateQuery(production_unit="食品_A"),
    "dest_country": CertificateQuery(dest_country="JP"),
    "reviewer_account": CertificateQuery(reviewer="OFFICER0901"),
    "reviewer_name_part": CertificateQuery(reviewer="cer09"),
    "entry_method": CertificateQuery(entry_method="template"),
    "signing_method": CertificateQuery(signing_method="paper"),
    "currency": CertificateQuery(currency="JPY"),
    "currency_and_type": CertificateQuery(currency="USD", cert_type="14"),
    "cert_status_replaced": CertificateQuery(cert_status="replaced"),
    "cert_status_withdrawn": CertificateQuery(cert_status="withdrawn"),
    "declared_time": CertificateQuery(declared_from=date(2026, 2, 28), declared_to=date(2026, 2, 28)),
    "reviewed_time": CertificateQuery(reviewed_from=date(2026, 3, 1)),
    "issue_dates": CertificateQuery(issued_from=date(2026, 3, 2), issued_to=date(2026, 3, 3)),
    "received_dates": CertificateQuery(received_to=date(2026, 2, 28)),
    "drill_down": CertificateQuery(district="0901", issued_from=date(2026, 3, 1), issued_to=date(2026, 3, 31),
                                   cert_type="14", signing_method="cloud", cert_status="valid"),
}


@pytest.mark.parametrize("read", ["as_found", "in_runs"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_each_filter_lists_exactly_its_rows(s, name, read, monkeypatch):
    """Every filter, its few rows sorted (the test data's filters all keep few) or read in ordered index runs."""
    if read == "in_runs":
        monkeypatch.setattr(cq, "SELECTIVE_ROWS", 0)
    q = FILTERS[name]
    for account in ("manager0900", "sysadmin"):
        who = actor(s, account)
        want = expected(s, who, q, "issue_date", True)
        assert listed(s, who, q, "issue_date", True)[0] == want, account
        assert listed(s, who, q, "submitted_at", False)[0] == expected(s, who, q, "submitted_at", False)
        assert count_rows(s, who, q, cap=None) == Count(len(want), True)
    assert want or name in ("inspection_no_exact",), "the test data should give this filter something to find"


def test_filters_that_keep_few_rows_are_sorted_instead_of_read_in_runs(s, monkeypatch):
    """A filter keeping at most SELECTIVE_ROWS rows (bounded by counting each kind of row on its own table) is read
    in one scan and sorted; one keeping more in ordered index runs; an unfiltered query always in runs. The
    administrator's filtered rows are read district by district, as a manager's are."""
    who = actor(s, "manager0900")
    scope = sorted(who.district_codes)
    japan = CertificateQuery(dest_country="JP")
    bound = (s.scalar(select(func.count()).select_from(Certificate).where(
                 Certificate.dest_country == "JP", Certificate.district_code.in_(scope)))
             + s.scalar(select(func.count()).select_from(CertificateApplication).where(
                 CertificateApplication.dest_country == "JP", CertificateApplication.district_code.in_(scope),
                 CertificateApplication.status.in_(PENDING_STATUSES))))
    assert bound > 1

    def runs(q: CertificateQuery, account: str = "manager0900") -> tuple[int, int]:
        plan = cq.plan_page(s, actor(s, account), q, "certificate_no", True, 25)
        assert plan is not None
        return plan.shape.certificate_runs, plan.shape.pending_runs

    monkeypatch.setattr(cq, "SELECTIVE_ROWS", bound)
    assert runs(japan) == (0, 0)
    assert all(runs(CertificateQuery()))
    monkeypatch.setattr(cq, "SELECTIVE_ROWS", bound - 1)
    assert all(runs(japan))
    monkeypatch.setattr(cq, "SELECTIVE_ROWS", 0)
    assert runs(CertificateQuery(dest_country="AQ")) == (0, 0)  # nothing found: nothing to read in runs
    districts = s.scalar(select(func.count()).select_from(CustomsDistrict))
    admin = actor(s, "sysadmin")
    for q, scoped in ((japan, districts), (CertificateQuery(), 0)):
        plan = cq.plan_page(s, admin, q, "issue_date", True, 25)
        assert plan is not None and plan.shape.scoped == scoped


def test_certificates_of_a_declared_district_are_read_in_that_districts_runs_only(s, monkeypatch):
    """A certificate is issued in its application's district: filtered by a declared district, the runs by issuing
    district are those of the filter's subtree (a run of another district read all of it and found nothing)."""
    monkeypatch.setattr(cq, "SELECTIVE_ROWS", 0)
    who = actor(s, "manager0900")
    for q in (CertificateQuery(declared_district="0901"), CertificateQuery(declared_district="0900")):
        plan = cq.plan_page(s, who, q, "issue_date", True, 25)
        assert plan is not None
        leads = {plan.values[f"crun__{n}"] for n in range(plan.shape.certificate_runs)}
        assert leads and leads <= district_subtree(s, q.declared_district) & set(who.district_codes)
        assert listed(s, who, q, "issue_date", True)[0] == expected(s, who, q, "issue_date", True)
    everything = cq.plan_page(s, who, CertificateQuery(), "issue_date", True, 25)
    assert everything is not None and everything.shape.certificate_runs > 1


@pytest.mark.parametrize("sort", ["dest_country", "cert_type"])
def test_sorted_by_the_column_a_filter_fixes(s, sort, monkeypatch):
    """Sorted by destination (or type) and filtered by one, every row shares the value: the runs start at it, and
    the pages are the reference's in both directions, read in runs and sorted."""
    monkeypatch.setattr(cq, "SELECTIVE_ROWS", 0)  # in runs, as a common destination is read
    for account in ("manager0900", "sysadmin"):
        who = actor(s, account)
        for q in (CertificateQuery(dest_country="JP"), CertificateQuery(cert_type="18"),
                  CertificateQuery(dest_country="JP", cert_type="18")):
            for descending in (True, False):
                want = expected(s, who, q, sort, descending)
                assert want and listed(s, who, q, sort, descending, page_size=4)[0] == want, (account, q)


def test_each_read_has_its_time_budget(s, monkeypatch):
    """A page (first, or after a cursor) and a capped count get QUERY_SECONDS; a page read by offset, which reads
    every row before it, DEEP_SECONDS; an exact count EXACT_COUNT_SECONDS. (data.core.budget stops them.)"""
    budgets: list[float] = []
    real = cq.time_budget
    monkeypatch.setattr(cq, "time_budget", lambda session, seconds: budgets.append(seconds) or real(session, seconds))
    who, q = actor(s, "manager0900"), CertificateQuery()
    first = certificate_page(s, who, q, "issue_date", True, 0, 3)
    after = certificate_page(s, who, q, "issue_date", True, 1, 3, after=first.rows[-1].cursor)
    assert certificate_page(s, who, q, "issue_date", True, 1, 3).rows == after.rows
    count_rows(s, who, q)
    count_rows(s, who, q, cap=None)
    assert budgets == [QUERY_SECONDS, QUERY_SECONDS, DEEP_SECONDS, QUERY_SECONDS, EXACT_COUNT_SECONDS]
    assert QUERY_SECONDS < DEEP_SECONDS


def test_the_test_data_has_what_the_filters_look_for(s):
    who = actor(s, "sysadmin")
    for name in ("production_unit_like_chars", "production_unit_underscore", "cert_status_replaced",
                 "approved_number", "declared_time", "reviewer_account"):
        assert expected(s, who, FILTERS[name], "issue_date", True), name
    like = {r[0] for r in expected(s, who, FILTERS["production_unit_like_chars"], "issue_date", True)}
    units = {s.get(CertificateApplication, a).production_unit for a in like}
    assert units == {"金普 100% 食品_A"}  # '%' and '_' are letters here, not wildcards


def test_declaration_days_are_china_days(s):
    who = actor(s, "sysadmin")
    app = s.scalars(select(CertificateApplication).where(CertificateApplication.status == "submitted")).first()
    app.submitted_at = datetime(2026, 4, 1, 16, 30, tzinfo=timezone.utc)  # 00:30 on 2 April in China
    s.flush()  # seen by the query in this transaction; rolled back after the test
    found = {r.application_id for r in certificate_page(
        s, who, CertificateQuery(declared_from=date(2026, 4, 2), declared_to=date(2026, 4, 2)), page_size=100).rows}
    assert app.id in found
    assert app.id not in {r.application_id for r in certificate_page(
        s, who, CertificateQuery(declared_to=date(2026, 4, 1), declared_from=date(2026, 4, 1)), page_size=100).rows}


def test_the_capped_count_says_there_are_more(s):
    who = actor(s, "sysadmin")
    total = count_rows(s, who, CertificateQuery(), cap=None)
    assert total.exact and total.value == len(expected(s, who, CertificateQuery(), "issue_date", True))
    assert count_rows(s, who, CertificateQuery(), cap=10) == Count(10, False)
    assert count_rows(s, who, CertificateQuery(), cap=total.value) == total


# --- scope ----------------------------------------------------------------------------------------


def _districts(rows, s):
    return {s.get(CertificateApplication, a).district_code for a, _c in rows} | {
        s.get(Certificate, c).district_code for _a, c in rows if c}


def test_managers_see_their_subtree_and_administrators_everything(s):
    seen = {account: listed(s, actor(s, account), CertificateQuery(), "issue_date", True)[0]
            for account in ("manager0900", "manager0903", "sysadmin")}
    assert _districts(seen["manager0900"], s) == {"0900", "0901", "0903"}
    assert _districts(seen["manager0903"], s) == {"0903"}
    assert _districts(seen["sysadmin"], s) == {"0900", "0901", "0903", "0200"}
    assert set(seen["manager0903"]) < set(seen["manager0900"]) < set(seen["sysadmin"])


def test_drafts_are_never_listed(s):
    drafts = set(s.scalars(select(CertificateApplication.id).where(CertificateApplication.status == "draft")))
    assert drafts
    rows = listed(s, actor(s, "sysadmin"), CertificateQuery(), "submitted_at", True)[0]
    assert not drafts & {a for a, _c in rows}
    assert certificate_page(s, actor(s, "sysadmin"), CertificateQuery(review_statuses=("draft",))).rows == []


@pytest.mark.parametrize("account", ["officer0901", "ent_a_admin", "ent_a_oper", "overseas_ru"])
def test_other_roles_are_refused(s, account):
    who = actor(s, account)
    for call in (lambda: certificate_page(s, who, CertificateQuery()), lambda: count_rows(s, who, CertificateQuery()),
                 lambda: filter_options(s, who), lambda: check_codes(s, who, CertificateQuery())):
        with pytest.raises(AccessDenied):
            call()


@pytest.mark.parametrize("forged", [CertificateQuery(district="0200"), CertificateQuery(declared_district="0200"),
                                    CertificateQuery(district="0901"), CertificateQuery(declared_district="0901")])
def test_a_district_outside_the_subtree_gives_nothing(s, forged):
    who = actor(s, "manager0903")
    check_codes(s, who, forged)  # a real district: not an error, simply nothing to see
    for sort in ("issue_date", "submitted_at", "reviewed_at"):
        assert certificate_page(s, who, forged, sort).rows == []
    assert count_rows(s, who, forged) == Count(0, True)


def test_the_district_picker_offers_only_the_subtree(s):
    assert [d.code for d in filter_options(s, actor(s, "manager0900")).districts] == ["0900", "0901", "0903"]
    assert [d.code for d in filter_options(s, actor(s, "manager0903")).districts] == ["0903"]
    assert {d.code for d in filter_options(s, actor(s, "sysadmin")).districts} >= {"0200", "0900", "0901", "0903"}
    options = filter_options(s, actor(s, "manager0900"))
    assert {t.code for t in options.cert_types} >= {"14", "18"} and "JP" in {c.code for c in options.countries}


# --- reading filters --------------------------------------------------------------------------------


def test_unknown_codes_are_named(s):
    who = actor(s, "manager0900")
    with pytest.raises(QueryInvalid) as caught:
        check_codes(s, who, CertificateQuery(district="0999", declared_district="0998", cert_type="77",
                                             dest_country="ZZ", currency="XYZ"))
    assert caught.value.errors == {"district": "unknown", "declared_district": "unknown", "cert_type": "unknown",
                                   "dest_country": "unknown", "currency": "unknown"}


def test_the_drill_down_link_reads_as_its_query():
    q, sort, descending = query_from_url({
        "district": "0903", "issue_from": "2026-03-01", "issue_to": "2026-03-31", "received_from": "2026-02-01",
        "received_to": "2026-03-31", "type": "18", "dest": "jp", "entry_method": "template",
        "signing_method": "cloud", "status": "valid", "utm_source": "ignored"})
    assert q == CertificateQuery(district="0903", issued_from=date(2026, 3, 1), issued_to=date(2026, 3, 31),
                                 received_from=date(2026, 2, 1), received_to=date(2026, 3, 31), cert_type="18",
                                 dest_country="JP", entry_method="template", signing_method="cloud",
                                 cert_status="valid")
    assert (sort, descending) == ("issue_date", True)
    assert query_from_url({"sort": "submitted_at"})[1:] == ("submitted_at", False)
    assert query_from_url({"sort": "-reviewed_at"})[1:] == ("reviewed_at", True)
    assert query_from_url({"sort": "password"})[1:] == ("issue_date", True)  # only the listed columns sort


def test_url_parameters_give_back_the_query():
    q = CertificateQuery(inspection_no="2210", district="0903", declared_district="0900", certificate_no="0903",
                         cert_type="14", review_statuses=("approved", "issued"), production_unit="瑞丰",
                         dest_country="KR", reviewer="officer0901", entry_method="blank", signing_method="paper",
                         cert_status="withdrawn", declared_from=date(2026, 1, 1), declared_to=date(2026, 1, 31),
                         reviewed_from=date(2026, 2, 1), reviewed_to=date(2026, 2, 2), issued_from=date(2026, 3, 1),
                         issued_to=date(2026, 3, 2), received_from=date(2026, 4, 1), received_to=date(2026, 4, 2))
    assert query_from_url(url_parameters(q, "reviewed_at", False)) == (q, "reviewed_at", False)


@pytest.mark.parametrize("values,errors", [
    ({"issued_from": "2026-02-30"}, {"issued_from": "bad_date"}),
    ({"declared_from": "yesterday"}, {"declared_from": "bad_date"}),
    ({"received_from": "2026-03-02", "received_to": "2026-03-01"}, {"received_to": "date_order"}),
    ({"district": "09031"}, {"district": "format"}),
    ({"declared_district": "09A3"}, {"declared_district": "format"}),
    ({"dest_country": "J1"}, {"dest_country": "format"}),
    ({"inspection_no": "2210%"}, {"inspection_no": "format"}),
    ({"review_statuses": ["issued", "lost"]}, {"review_statuses": "unknown"}),
    ({"signing_method": "fax"}, {"signing_method": "unknown"}),
    ({"currency": "US$"}, {"currency": "format"}),
    ({"cert_status": "VALID"}, {"cert_status": "unknown"}),
    ({"production_unit": "x" * 129}, {"production_unit": "too_long"}),
    ({"reviewer": ["a"]}, {"reviewer": "format"}),
])
def test_bad_filters_are_named_not_raised_as_crashes(values, errors):
    with pytest.raises(QueryInvalid) as caught:
        parse_query(values)
    assert caught.value.errors == errors
    usable, found = read_query({**values, "cert_type": "14"})
    assert found == errors and usable.cert_type == "14"  # the good ones are kept


def test_a_time_after_the_date_is_ignored_and_blanks_are_no_filter():
    assert parse_query({"issued_from": "2026-03-01T00:00:00", "district": "  ", "review_statuses": []}) == \
        CertificateQuery(issued_from=date(2026, 3, 1))
