"""The explorer page through the app: the view from the address, the scoped callback (forged districts and
dimensions get a message and nothing outside the user's scope), saved views, chart clicks that filter, the
world map and its geometry served by the app, the Excel download (numbers as numbers)."""
from __future__ import annotations

import base64
import io
import json
import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from openpyxl import load_workbook

from data.statistics.certificate_filters import query_from_url
from data.statistics.certificate_query import count_rows
from tests.support.dash_calls import component_nodes, component_text
from tests.support.world import actor, page_text
from tests.web.explorer_calls import PERIOD, run, show

pytest_plugins = ["tests.support.stats_world"]  # `stats_store`: the test world and 160 certificates


@pytest.fixture
def s(stats_store):
    """The statistics world (tests/support/stats_world.py), open as a session."""
    return stats_store

def test_the_page_is_for_managers_and_administrators_and_reads_the_address(client_as):
    text = page_text(client_as("manager0900"), "/stats/explorer",
                     "?measure=cloud_share&rows=dest,cert_type&columns=period&grain=quarter&compare=year")
    assert '"explorer-graph"' in text and '"value": "cloud_share"' in text and '"value": ["dest", "cert_type"]' in text
    assert '"explorer-graph"' in page_text(client_as("sysadmin"), "/stats/explorer")
    assert '"explorer-graph"' not in page_text(client_as("officer0901"), "/stats/explorer")
    forged = page_text(client_as("manager0900"), "/stats/explorer", "?measure=bogus&rows=district,<b>&grain=x")
    assert "不是可选项" in forged or "is not one of the choices" in forged


def test_the_view_is_scoped_to_the_users_districts(app, s, client_as):
    body = show(app, client_as("manager0900"))
    table = component_text(body["explorer-table"]["children"])
    assert "0901" in table and "0903" in table and "0200" not in table
    assert body["explorer-link"]["href"].startswith("/stats/explorer?") and "rows=district" in body["explorer-link"][
        "href"]
    links = [n["props"]["href"] for n in component_nodes(body["explorer-table"]["children"])
             if isinstance(n, dict) and n.get("type") == "A"]
    assert links and all(h.startswith("/stats/certificates?") for h in links)
    assert any("district=0901" in h and "issue_from=2026-01-01" in h for h in links)
    forged = show(app, client_as("manager0903"), district="0200")
    assert "0200" not in component_text(forged["explorer-table"]["children"])
    notes = json.dumps(forged["explorer-notes"]["children"], ensure_ascii=False)
    assert "0200" in notes and ("不在" in notes or "not among yours" in notes)


@pytest.mark.parametrize(("rows", "columns"), [(["dest"], "cert_type"), (["district", "cert_type"], "signing"),
                                              (["cert_type"], "district"), (["entry"], "period")])
def test_every_cell_drills_to_the_certificates_it_counts(app, s, client_as, rows, columns):
    """A cell's link (written once per row where only the column's key differs) is the certificate query of exactly
    the certificates the cell counts."""
    client = client_as("manager0900")
    manager = actor(s, "manager0900")
    body = show(app, client, rows=rows, columns=columns, grain="month")
    cells = [(n["props"]["href"], n["props"]["children"]) for n in component_nodes(body["explorer-table"]["children"])
             if isinstance(n, dict) and n.get("type") == "A"]
    assert len(cells) > 8
    for href, shown in cells:
        query, _sort, _descending = query_from_url(dict(parse_qsl(urlsplit(href).query)))
        assert count_rows(s, manager, query, cap=None).value == int(str(shown).replace(",", "")), href


def test_forged_dimensions_and_measures_are_named_not_obeyed(app, s, client_as):
    body = show(app, client_as("manager0900"), measure="drop table", rows=["district", {"x": 1}], grain=["week"],
                columns="bogus")
    notes = json.dumps(body["explorer-notes"]["children"], ensure_ascii=False)
    assert notes.count("Alert") >= 3
    assert "0901" in component_text(body["explorer-table"]["children"])


def test_a_chart_click_filters_and_a_district_click_drills_down(app, s, client_as):
    client = client_as("manager0900")
    clicked = run(app, client, "explorer-dest", extra={
        "explorer-graph.clickData": {"points": [{"customdata": ["dest", "JP"]}]}}, trigger="explorer-graph.clickData")
    assert clicked["explorer-dest"]["value"] == "JP"
    drilled = run(app, client, "explorer-dest", extra={
        "explorer-graph.clickData": {"points": [{"customdata": ["district", "0901", None, None]}]}},
        trigger="explorer-graph.clickData")
    assert drilled["explorer-district"]["value"] == "0901"
    month = run(app, client, "explorer-dest", extra={
        "explorer-graph.clickData": {"points": [{"customdata": ["period", "2026-02"]}]}},
        trigger="explorer-graph.clickData")
    assert month["explorer-dates"] == {"start_date": "2026-01-31", "end_date": "2026-02-28"} or (
        month["explorer-dates"]["start_date"] == "2026-02-01")
    for forged in ({"points": [{"customdata": [{"x": 1}, "JP"]}]}, {"points": "x"}, None):
        response = run(app, client, "explorer-dest", extra={"explorer-graph.clickData": forged},
                       trigger="explorer-graph.clickData")
        assert getattr(response, "status_code", 200) in (200, 204)


def test_the_world_map_and_its_geometry_come_from_the_app(app, s, client_as):
    client = client_as("manager0900")
    body = show(app, client, rows=["dest"], chart="map")
    trace = body["explorer-graph"]["figure"]["data"][0]
    assert trace["type"] == "choropleth" and set(trace["locations"]) <= {"JPN", "KOR"} and trace["locations"]
    assert "%" in trace["text"][0]  # the share of the total beside the count
    geometry = client.get("/assets/topojson/world_110m.json")
    assert geometry.status_code == 200
    assert {"countries", "land", "coastlines"} <= set(json.loads(geometry.get_data())["objects"])
    page = page_text(client, "/stats/explorer")
    assert '"topojsonURL": "/assets/topojson/"' in page


def test_saved_views_are_saved_opened_shared_and_deleted(app, s, client_as):
    owner = client_as("manager0900")
    saved = run(app, owner, "explorer-view-message", {**PERIOD, "measure": "printed", "rows": ["cert_type"],
                                                      "compare": "previous"},
                extra={"explorer-view-save.n_clicks": 1, "explorer-view-name.value": "By type",
                       "explorer-view-shared.value": True}, trigger="explorer-view-save.n_clicks")
    assert "By type" in saved["explorer-view-message"]["children"]
    view_id = saved["explorer-views"]["value"]
    again = run(app, owner, "explorer-view-message", {**PERIOD, "measure": "copies"},
                extra={"explorer-view-save.n_clicks": 2, "explorer-view-name.value": "By type"},
                trigger="explorer-view-save.n_clicks")
    assert again["explorer-views"]["value"] == view_id and len(again["explorer-views"]["options"]) == 1
    opened = run(app, client_as("manager0900"), "explorer-view-name", extra={"explorer-views.value": view_id},
                 trigger="explorer-views.value")
    assert opened["explorer-measure"]["value"] == "copies" and opened["explorer-view-name"]["value"] == "By type"
    outsider = run(app, client_as("manager0903"), "explorer-view-name", extra={"explorer-views.value": view_id},
                   trigger="explorer-views.value")
    assert "explorer-measure" not in outsider
    assert "not found" in json.dumps(outsider, ensure_ascii=False).lower() or "找不到" in json.dumps(
        outsider, ensure_ascii=False)
    empty = run(app, owner, "explorer-view-message", {}, extra={"explorer-view-save.n_clicks": 3,
                                                                "explorer-view-name.value": "  "},
                trigger="explorer-view-save.n_clicks")
    assert "explorer-views" not in empty and empty["explorer-view-message"]["children"]
    deleted = run(app, owner, "explorer-view-message", {}, extra={"explorer-view-delete.n_clicks": 1,
                                                                  "explorer-views.value": view_id},
                  trigger="explorer-view-delete.n_clicks")
    assert deleted["explorer-views"]["options"] == [] and "By type" in deleted["explorer-view-message"]["children"]


def test_the_pivot_downloads_as_xlsx_with_numbers_and_totals(app, s, client_as):
    body = run(app, client_as("manager0900"), "explorer-download",
               {**PERIOD, "measure": "cloud_share", "rows": ["district", "cert_type"], "columns": "signing"},
               extra={"explorer-xlsx.n_clicks": 1}, trigger="explorer-xlsx.n_clicks")
    data = body["explorer-download"]["data"]
    book = load_workbook(io.BytesIO(base64.b64decode(data["content"])))
    ws = book.active
    header = [c.value for c in ws[3]]
    assert header[:2] == ["关区", "证书种类"] or header[:2] == ["Customs district", "Certificate type"] or len(header) >= 4
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    total = rows[-1]
    assert total[0] in ("合计", "Total") and isinstance(total[-1], float) and 0 <= total[-1] <= 1
    assert ws.cell(row=3 + len(rows), column=3).font.bold
    assert ws.cell(row=4, column=3).number_format == "0.0%"


def test_a_value_of_goods_is_shown_per_currency_and_drills_to_its_certificates(app, s, client_as):
    client = client_as("manager0900")
    body = show(app, client, measure="value")
    table = component_text(body["explorer-table"]["children"])
    assert "USD" in table and "JPY" in table and re.search(r"\d,\d{3}\.\d\d", table)  # amounts with cents
    assert "未申报货值" not in table and "No value declared" not in table
    links = [n["props"]["href"] for n in component_nodes(body["explorer-table"]["children"])
             if isinstance(n, dict) and n.get("type") == "A"]
    usd = [h for h in links if "currency=USD" in h and "district=0901" in h]
    assert usd and not [h for h in links if "currency" not in h]  # every cell is one currency's
    query, _sort, _descending = query_from_url(dict(parse_qsl(urlsplit(usd[0]).query)))
    manager = actor(s, "manager0900")
    from sqlalchemy import func, select

    from data.models import Certificate
    want = s.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.currency == "USD", Certificate.district_code == "0901",
        Certificate.issue_date.between(date(2026, 1, 1), date(2026, 6, 30))))
    assert want and count_rows(s, manager, query, cap=None).value == want
    data = run(app, client, "explorer-download", {**PERIOD, "measure": "value", "rows": ["district"]},
               extra={"explorer-xlsx.n_clicks": 1}, trigger="explorer-xlsx.n_clicks")["explorer-download"]["data"]
    ws = load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    amounts = [c for row in ws.iter_rows(min_row=4, min_col=2) for c in row if c.value is not None]
    assert amounts and all(isinstance(c.value, float) and c.number_format == "#,##0.00" for c in amounts)


def test_a_district_ranking_moves_against_the_period_before(app, s, client_as):
    from data.statistics.explorer import explore
    from data.statistics.explorer_view import View
    from layouts.statistics.explorer import ranking
    from tests.support.world import actor

    view = View(rows=("district",), date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), compare="previous")
    result = explore(s, actor(s, "manager0900"), view, date(2026, 6, 1))
    ranks = ranking(result)
    now = {str(r.keys[0]): r.values[-1] for r in result.body if r.level == 1}
    before = {str(r.keys[0]): r.base[-1] for r in result.body if r.level == 1}
    assert sorted(ranks, key=lambda k: ranks[k][0]) == sorted(now, key=lambda k: (-now[k], k))
    assert all(ranks[k][1] == 1 + sum(1 for v in before.values() if v is not None and v > before[k])
               for k in ranks if before[k] is not None and list(before.values()).count(before[k]) == 1)
    body = show(app, client_as("manager0900"), rows=["district"], compare="previous", date_from="2026-03-01",
                date_to="2026-03-31")
    header = component_text(body["explorer-table"]["children"]["props"]["children"][0])
    assert header.startswith("排名") or header.startswith("Rank")
