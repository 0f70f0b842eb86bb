"""The certificate query page: URL parameters prefill and run it, bad ones are named, forged filters see nothing."""
from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import text

import data.core.budget as budget
import data.statistics.certificate_query as cq
from tests.support.certificate_grid import grid_block
from tests.support.dash_calls import component_text
from tests.support.world import page_text

PATH = "/stats/certificates"


def _layout(client, search: str = "") -> dict:
    from tests.support.world import render_page

    return render_page(client, PATH, search)


def _find(node, wanted_id):
    """The component with this id in a rendered layout (JSON), or None."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == wanted_id:
            return node
        for value in node.values():
            found = _find(value, wanted_id)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find(value, wanted_id)
            if found is not None:
                return found
    return None


def test_a_drill_down_link_prefills_the_filters_and_runs(client_as):
    layout = _layout(client_as("manager0900"), "?district=0903&issue_from=2026-01-01&issue_to=2026-01-31"
                                               "&type=14&status=valid&signing_method=cloud&sort=issue_date")
    assert _find(layout, {"type": "certq-field", "name": "district"})["props"]["value"] == "0903"
    assert _find(layout, {"type": "certq-field", "name": "cert_type"})["props"]["value"] == "14"
    assert _find(layout, {"type": "certq-field", "name": "cert_status"})["props"]["value"] == "valid"
    issued = _find(layout, {"type": "certq-range", "name": "issued"})["props"]
    assert (issued["start_date"], issued["end_date"]) == ("2026-01-01", "2026-01-31")
    stored = _find(layout, "certq-query")["props"]["data"]
    assert stored == {"filters": {"district": "0903", "type": "14", "signing_method": "cloud", "status": "valid",
                                  "issue_from": "2026-01-01", "issue_to": "2026-01-31"}}
    grid = _find(layout, "certq-grid")["props"]
    assert [c.get("sort") for c in grid["columnDefs"] if c["field"] == "issue_date"] == ["asc"]
    assert _find(layout, "certq-problems") is None
    assert "1" in json.dumps(_find(layout, "certq-count"))  # the world's 0903 certificate


def test_bad_url_parameters_are_named_and_nothing_is_listed(client_as):
    layout = _layout(client_as("manager0900"), "?issue_from=2026-02-30&received_from=2026-03-02"
                                               "&received_to=2026-03-01&type=77&district=0903")
    text = json.dumps(_find(layout, "certq-problems"), ensure_ascii=False)
    assert "签发日期" in text or "Issue date" in text
    assert text.count('"type": "Li"') + text.count('"Li"') >= 1
    assert _find(layout, "certq-query")["props"]["data"] is None
    assert _find(layout, {"type": "certq-field", "name": "district"})["props"]["value"] == "0903"  # kept


def test_an_unknown_code_in_the_url_is_named(client_as):
    layout = _layout(client_as("manager0900"), "?type=77")
    assert _find(layout, "certq-problems") is not None and _find(layout, "certq-query")["props"]["data"] is None


def test_the_district_picker_offers_the_managers_subtree_only(client_as):
    layout = _layout(client_as("manager0903"))
    options = _find(layout, {"type": "certq-field", "name": "declared_district"})["props"]["options"]
    assert [o["value"] for o in options] == ["0903"]


def _rows_call(client, filters, start=0, sort_model=None):
    return grid_block(client, filters, start, sort_model)["getRowsResponse"]


def test_the_grid_gets_its_rows_scoped_and_sorted(client_as):
    client = client_as("manager0900")
    got = _rows_call(client, {"filters": {}}, sort_model=[{"colId": "certificate_no", "sort": "asc"}])
    assert [r["certificate_no"].split("]")[0] for r in got["rowData"]] == ["[TEST0000", "[TEST0001"]
    assert got["rowCount"] == 2  # the last page tells the grid how many there are
    assert "/certificates/view?no=TEST0000" in got["rowData"][0]["certificate_no"]


@pytest.mark.parametrize("filters", [
    {"filters": {"declared_district": "0200"}},  # Tianjin: outside the manager's subtree
    {"filters": {"district": "0200"}},
    {"filters": {"district": "0903x"}},  # not a district code at all
    {"filters": "everything"},
    None,
])
def test_forged_filters_in_a_callback_list_nothing(client_as, filters):
    got = _rows_call(client_as("manager0900"), filters)
    assert got == {"rowData": [], "rowCount": 0}


def test_a_manager_of_a_subordinate_district_gets_its_rows_only(client_as):
    got = _rows_call(client_as("manager0903"), {"filters": {}})
    assert [r["district"][:6] for r in got["rowData"]] == ["[0903]"]


def test_search_names_bad_dates_and_keeps_the_listed_rows(client_as):
    client = client_as("manager0900")
    fields = [{"id": {"type": "certq-field", "name": "cert_type"}, "property": "value", "value": "14"}]
    starts = [{"id": {"type": "certq-range", "name": "issued"}, "property": "start_date", "value": "2026-03-05"}]
    ends = [{"id": {"type": "certq-range", "name": "issued"}, "property": "end_date", "value": "2026-03-01"}]
    payload = {
        "output": "..certq-query.data...certq-message.children...certq-count.children..",
        "outputs": [{"id": "certq-query", "property": "data"}, {"id": "certq-message", "property": "children"},
                    {"id": "certq-count", "property": "children"}],
        "inputs": [{"id": "certq-search", "property": "n_clicks", "value": 1}],
        "state": [fields, starts, ends],
        "changedPropIds": ["certq-search.n_clicks"],
    }
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    assert "certq-query" not in body  # the grid keeps what it shows
    assert body["certq-message"]["children"]["props"]["id"] == "certq-problems"
    ends[0]["value"] = "2026-03-31"
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    assert body["certq-query"]["data"] == {"filters": {"type": "14", "issue_from": "2026-03-05",
                                                       "issue_to": "2026-03-31"}}
    assert body["certq-message"]["children"] is None


def test_the_page_is_for_managers_and_administrators(client_as):
    assert '"certq-grid"' in page_text(client_as("sysadmin"), PATH)
    assert '"error-title"' in page_text(client_as("officer0901"), PATH)


@contextmanager
def _reads_past_their_budget(app, monkeypatch):
    """Every read of the query runs past its time budget, on a real store: SQLite's budget is spent before the
    first step of a statement; on PostgreSQL the certificates are locked by another connection, so the reads
    wait until their budget stops them."""
    engine = app.server.extensions["certdash"].engine
    if engine.dialect.name == "sqlite":
        for name in ("QUERY_SECONDS", "EXACT_COUNT_SECONDS"):
            monkeypatch.setattr(cq, name, 0.0)
        monkeypatch.setattr(budget, "STEPS", 1)
        yield
        return
    for name in ("QUERY_SECONDS", "EXACT_COUNT_SECONDS"):
        monkeypatch.setattr(cq, name, 0.3)
    with engine.connect() as other, other.begin():
        other.execute(text("LOCK TABLE certificate IN ACCESS EXCLUSIVE MODE"))
        yield


def test_a_read_stopped_as_too_slow_says_what_to_do_instead(app, client_as, monkeypatch):
    """A page, a count or an exact count past the time budget: an empty block and a notice that names the way out
    (sort by issue date, narrow the filters), in the user's language; never an error page; the next read works."""
    client = client_as("manager0900")
    search = {"output": "..certq-query.data...certq-message.children...certq-count.children..",
              "outputs": [{"id": "certq-query", "property": "data"}, {"id": "certq-message", "property": "children"},
                          {"id": "certq-count", "property": "children"}],
              "inputs": [{"id": "certq-search", "property": "n_clicks", "value": 1}],
              "state": [[], [], []], "changedPropIds": ["certq-search.n_clicks"]}
    exact = {"output": "certq-count.children@" + _exact_hash(app), "outputs": {"id": "certq-count", "property": "children"},
             "inputs": [{"id": "certq-exact", "property": "n_clicks", "value": 1}],
             "state": [{"id": "certq-query", "property": "data", "value": {"filters": {}}}],
             "changedPropIds": ["certq-exact.n_clicks"]}
    with _reads_past_their_budget(app, monkeypatch):
        stopped = grid_block(client, {"filters": {}}, 0, [{"colId": "production_unit", "sort": "asc"}])
        counted = client.post("/_dash-update-component", json=search)
        everything = client.post("/_dash-update-component", json=exact)
    monkeypatch.undo()  # the budget as it is
    assert stopped["getRowsResponse"] == {"rowData": [], "rowCount": 0}
    assert stopped["notice"]["props"]["id"] == "certq-slow"
    assert "请按签发日期排序" in component_text(stopped["notice"])
    assert counted.status_code == 200 and everything.status_code == 200
    body = counted.get_json()["response"]
    assert body["certq-query"]["data"] == {"filters": {}} and body["certq-count"]["children"] == ""
    assert "结果仍照常列出" in component_text(body["certq-message"]["children"])
    assert "请缩小筛选条件" in component_text(everything.get_json()["response"]["certq-count"]["children"])
    again = grid_block(client, {"filters": {}}, 0, [{"colId": "production_unit", "sort": "asc"}])
    assert len(again["getRowsResponse"]["rowData"]) == 2 and again["notice"] is None


def _exact_hash(app) -> str:
    """The exact count writes the count another callback writes too: its output key carries a hash."""
    client = app.server.test_client()
    client.get("/login")
    keys = [key for key in app.callback_map if key.startswith("certq-count.children@")]
    assert len(keys) == 1, keys
    return keys[0].split("@", 1)[1]
