"""Statistics pages through the app: layouts, scoped callbacks, drill-down, downloads (xlsx and csv)."""
from __future__ import annotations

import base64
import csv
import io
from datetime import date, datetime, timezone

from openpyxl import load_workbook
from sqlalchemy import select

from data.core.db import transaction
from data.models import Certificate
from data.statistics import reports
from data.statistics.reports import IssuanceFilter
from exports.tables.statistics import COUNT, SHARE, TEXT, Column, stats_csv, stats_xlsx
from layouts.statistics.issuance import records_href
from tests.support.world import page_text

ISSUANCE_OUTPUTS = [("issuance-chart", "figure"), ("issuance-table", "children"), ("issuance-crumbs", "children"),
                    ("issuance-total", "children"), ("issuance-records", "children")]
ISSUANCE_INPUTS = [("issuance-issue-dates", "start_date"), ("issuance-issue-dates", "end_date"),
                   ("issuance-received-dates", "start_date"), ("issuance-received-dates", "end_date"),
                   ("issuance-district", "value"), ("issuance-type", "value"), ("issuance-dest", "value"),
                   ("issuance-entry", "value"), ("issuance-signing", "value"), ("issuance-status", "value")]
CLOUD_FILTERS = [("cloud-received-dates", "start_date"), ("cloud-received-dates", "end_date"),
                 ("cloud-entry", "value"), ("cloud-district", "value")]


def call(client, outputs, inputs, values, state=(), state_values=(), changed=None) -> dict:
    """Run one callback as the browser would; return its response by component id."""
    key = ("..%s.." % "...".join(f"{i}.{p}" for i, p in outputs)) if len(outputs) > 1 else "%s.%s" % outputs[0]
    payload = {
        "output": key,
        "outputs": [{"id": i, "property": p} for i, p in outputs] if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [v if isinstance(v, list) else {"id": i, "property": p, "value": v}
                   for (i, p), v in zip(inputs, values)],
        "state": [{"id": i, "property": p, "value": v} for (i, p), v in zip(state, state_values)],
        "changedPropIds": changed or [f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    return response.get_json()["response"] if response.status_code == 200 else {}


def issuance(client, district=None, start="2026-01-01", end="2026-12-31") -> dict:
    return call(client, ISSUANCE_OUTPUTS, ISSUANCE_INPUTS, [start, end, None, None, district, None, None, None, None,
                                                           None])


def texts(component) -> str:
    """Every string inside a serialised component tree."""
    if isinstance(component, str):
        return component
    if isinstance(component, dict):
        return " ".join(texts(v) for v in component.values())
    if isinstance(component, list):
        return " ".join(texts(v) for v in component)
    return ""


def test_the_pages_are_for_managers_and_administrators(client_as):
    for path, marker in (("/stats/issuance", "issuance-chart"), ("/stats/cloud-signing", "cloud-table"),
                         ("/stats/trends", "trends-backlog")):
        assert f'"{marker}"' in page_text(client_as("manager0900"), path)
        assert f'"{marker}"' in page_text(client_as("sysadmin"), path)
        assert f'"{marker}"' not in page_text(client_as("officer0901"), path)


def test_filters_can_come_from_the_address(client_as):
    text = page_text(client_as("manager0900"), "/stats/issuance", "?district=0903&issue_from=2026-01-01&type=14")
    assert '"value": "0903"' in text and '"start_date": "2026-01-01"' in text and '"value": "14"' in text
    forged = page_text(client_as("manager0903"), "/stats/issuance", "?district=0200")
    assert '"value": "0200"' not in forged and '"value": "0903"' in forged


def test_the_issuance_callback_shows_the_subtree_with_its_totals(client_as):
    body = issuance(client_as("manager0900"))
    table = texts(body["issuance-table"]["children"])
    assert "0901" in table and "0903" in table and "0200" not in table
    figure = body["issuance-chart"]["figure"]
    assert figure["data"][0]["y"] == [1, 1] and [c[0] for c in figure["data"][0]["customdata"]] == ["0901", "0903"]
    assert "2" in body["issuance-total"]["children"]
    assert figure["layout"]["font"]["family"].startswith('"Microsoft YaHei"')


def test_a_forged_district_in_the_callback_shows_nothing(client_as):
    for district in ("0901", "0200", "0900"):
        body = issuance(client_as("manager0903"), district)
        assert body["issuance-chart"]["figure"]["data"] == []
        assert "0901" not in texts(body["issuance-table"]["children"])
        assert body["issuance-total"]["children"] == ""


def test_at_a_leaf_the_records_link_carries_the_filters(client_as):
    body = issuance(client_as("manager0900"), "0903")
    records = body["issuance-records"]["children"]
    assert "/stats/certificates?district=0903&issue_from=2026-01-01&issue_to=2026-12-31" in str(records)
    assert records_href("0901", IssuanceFilter(cert_type="14", dest_country="JP", entry_method="blank",
                                               signing_method="cloud", status="valid")) == (
        "/stats/certificates?district=0901&type=14&dest=JP&entry_method=blank&signing_method=cloud&status=valid")


def test_clicking_a_bar_or_a_breadcrumb_sets_the_district(client_as):
    client = client_as("manager0900")
    outputs = [("issuance-district", "value"), ("issuance-issue-dates", "start_date"),
               ("issuance-issue-dates", "end_date"), ("issuance-received-dates", "start_date"),
               ("issuance-received-dates", "end_date"), ("issuance-type", "value"), ("issuance-dest", "value"),
               ("issuance-entry", "value"), ("issuance-signing", "value"), ("issuance-status", "value")]
    inputs = [("issuance-chart", "clickData"), ("crumbs", "n_clicks"), ("drills", "n_clicks"),
              ("issuance-reset", "n_clicks")]
    click = {"points": [{"customdata": ["0903", 0], "x": "金普海关", "y": 1}]}
    body = call(client, outputs, inputs, [click, [], [], None])
    assert body["issuance-district"]["value"] == "0903" and "issuance-type" not in body
    crumb = [{"id": {"type": "issuance-crumb", "district": "0900"}, "property": "n_clicks", "value": 1}]
    body = call(client, outputs, inputs, [None, crumb, [], None],
                changed=['{"district":"0900","type":"issuance-crumb"}.n_clicks'])
    assert body["issuance-district"]["value"] == "0900"
    body = call(client, outputs, inputs, [None, [], [], 1], changed=["issuance-reset.n_clicks"])
    assert body["issuance-district"]["value"] == "0900" and body["issuance-type"]["value"] is None


def download(client, button: str) -> dict:
    return call(client, [("cloud-download", "data")], [("cloud-xlsx", "n_clicks"), ("cloud-csv", "n_clicks")],
                [1 if button == "cloud-xlsx" else None, 1 if button == "cloud-csv" else None],
                state=CLOUD_FILTERS, state_values=["2026-01-01", "2026-12-31", None, None],
                changed=[f"{button}.n_clicks"])["cloud-download"]["data"]


def test_the_cloud_signing_table_downloads_as_xlsx_and_csv(client_as):
    client = client_as("manager0900")
    data = download(client, "cloud-xlsx")
    assert data["filename"].endswith(".xlsx") and data["base64"]
    sheet = load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert len(header) == 8 and [r[0] for r in body] == ["0901", "0903"]
    assert [r[2] for r in body] == [0, 0]  # the world's certificates have no received date: none counted by it
    assert all(isinstance(v, int) for r in body for v in r[2:7])
    assert total[2:7] == [sum(r[i] for r in body) for i in range(2, 7)] and sheet.cell(len(rows) + 3, 2).font.b
    assert [r[6] for r in body] == [1, 1]  # cloud-signed and issued in the period (by issue date)
    data = download(client, "cloud-csv")
    raw = base64.b64decode(data["content"])
    assert raw.startswith("\ufeff".encode()) and data["filename"].endswith(".csv")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(lines) == 4 and lines[1][:2] == ["0901", lines[1][1]] and lines[3][6] == "2"


def test_a_forged_district_downloads_an_empty_table(client_as):
    data = call(client_as("manager0903"), [("cloud-download", "data")],
                [("cloud-xlsx", "n_clicks"), ("cloud-csv", "n_clicks")], [None, 1], state=CLOUD_FILTERS,
                state_values=[None, None, None, "0901"], changed=["cloud-csv.n_clicks"])["cloud-download"]["data"]
    lines = list(csv.reader(io.StringIO(base64.b64decode(data["content"]).decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][2:7] == ["0", "0", "0", "0", "0"]


def test_trend_callbacks_answer_for_the_subtree(client_as):
    client = client_as("manager0903")
    trend_inputs = [("trends-from", "value"), ("trends-to", "value"), ("trends-district", "value"),
                    ("trends-style", "value")]
    body = call(client, [("trends-by-type", "figure")], trend_inputs, ["2026-01-01", "2026-03-01", None, "line"])
    data = body["trends-by-type"]["figure"]["data"]
    assert [d["y"] for d in data] == [[1, 0, 0]] and data[0]["type"] == "scatter"
    body = call(client, [("trends-by-dest", "figure")], trend_inputs, ["2026-01-01", "2026-03-01", "0901", "stack"])
    assert body["trends-by-dest"]["figure"]["data"] == []  # forged: nothing
    body = call(client, [("trends-backlog", "figure"), ("trends-backlog-table", "children")],
                [("trends-district", "value")], [None])
    assert "0903" in texts(body["trends-backlog-table"]["children"])


def test_the_xlsx_export_keeps_numbers_as_numbers_with_a_totals_row():
    columns = [Column("关区代码", TEXT), Column("单位", TEXT), Column("证单量", COUNT), Column("使用率", SHARE)]
    rows = [["0903", "金普海关", 17590, 0.95], ["0915", "=HYPERLINK(\"x\")", 10636, None]]
    content = stats_xlsx("云签发应用情况", "收单日期 2026", columns, rows, ["", "合计", 28226, 0.6],
                         datetime(2026, 11, 1, tzinfo=timezone.utc))
    assert content == stats_xlsx("云签发应用情况", "收单日期 2026", columns, rows, ["", "合计", 28226, 0.6],
                                 datetime(2026, 11, 1, tzinfo=timezone.utc))  # pure: same bytes
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "云签发应用情况" and sheet["A4"].value == "关区代码" and sheet["A4"].font.b
    assert sheet["C5"].value == 17590 and sheet["C5"].number_format == "#,##0"
    assert sheet["D5"].value == 0.95 and sheet["D5"].number_format == "0.0%"
    assert sheet["B6"].value == '=HYPERLINK("x")' and sheet["B6"].data_type == "s"  # text, never a formula
    assert sheet["C7"].value == 28226 and sheet["C7"].font.b and sheet.freeze_panes == "A5"
    assert sheet.column_dimensions["B"].width >= 12
    text = stats_csv(columns, rows, ["", "合计", 28226, 0.6]).decode("utf-8-sig")
    assert text.splitlines()[2] == "0915,\"'=HYPERLINK(\"\"x\"\")\",10636,"


def test_at_a_leaf_the_chart_and_table_break_the_district_down_by_type(client_as):
    """Issue 16 item 14: not one bar and an empty table, but the district's certificates by type."""
    body = issuance(client_as("manager0900"), "0903")
    figure = body["issuance-chart"]["figure"]
    assert figure["data"][0]["x"] == ["兽医卫生证书"] and figure["data"][0]["y"] == [1]
    table = str(body["issuance-table"]["children"])
    assert "兽医卫生证书" in table and "district=0903" in table and "type=14" in table


def test_a_report_read_by_several_statements_agrees_with_itself_while_certificates_change(app, client_as,
                                                                                         monkeypatch):
    """At a leaf the issuance page reads the district's total, then its certificates by type. A certificate issued
    (here: moved out of the period) by another transaction between the two reads must not make the breakdown
    disagree with the total: the callback reads one snapshot of the store (page_callback(snapshot=True))."""
    sessions = app.server.extensions["certdash"].sessions
    real, reads = reports.sum_certificates, []

    def sum_then_change(s, tree, codes, q):
        rows = real(s, tree, codes, q)
        reads.append(q)
        if len(reads) == 1:
            with transaction(sessions) as other:
                certificate = other.scalars(select(Certificate).where(Certificate.district_code == "0903")).one()
                certificate.issue_date = date(2025, 6, 1)
        return rows

    monkeypatch.setattr(reports, "sum_certificates", sum_then_change)
    body = issuance(client_as("manager0900"), "0903")
    assert len(reads) == 2  # the total, then the breakdown by type
    assert body["issuance-total"]["children"] == "1 份证书"
    figure = body["issuance-chart"]["figure"]
    assert figure["data"][0]["x"] == ["兽医卫生证书"] and figure["data"][0]["y"] == [1]
    monkeypatch.setattr(reports, "sum_certificates", real)
    assert "0903" not in str(issuance(client_as("manager0900"), "0900")["issuance-table"]["children"])  # it moved


def test_a_single_district_shows_its_figures_and_share_not_one_bar_charts(client_as):
    """Issue 16 item 14: one district's cloud signing is four figures and a gauge of its share."""
    outputs = [("cloud-table", "children"), ("cloud-chart", "figure")]
    one = call(client_as("manager0903"), outputs, CLOUD_FILTERS, ["2026-01-01", "2026-12-31", None, "0903"])
    data = one["cloud-chart"]["figure"]["data"]
    assert {trace["type"] for trace in data} == {"indicator"} and len(data) == 5
    assert data[-1]["gauge"]["axis"]["tickvals"] == [0, 25, 50, 75, 100]
    several = call(client_as("manager0900"), outputs, CLOUD_FILTERS, ["2026-01-01", "2026-12-31", None, "0900"])
    assert "bar" in {trace["type"] for trace in several["cloud-chart"]["figure"]["data"]}


def test_a_single_district_trend_shows_figures_and_ages_not_one_bar_groups(app, client_as):
    """Issue 16 item 14 on the trends page: one district's turnaround is its figures, its backlog a bar per age."""
    from datetime import timedelta

    from sqlalchemy import select

    from data.core.db import transaction
    from data.models import CertificateApplication

    sessions = app.server.extensions["certdash"].sessions
    now = datetime.now(timezone.utc)
    with transaction(sessions) as s:  # waiting: one in 0903 for four days, one in 0901 since today
        for district, status, age in (("0903", "submitted", 4), ("0901", "under_review", 0)):
            waiting = s.scalar(select(CertificateApplication).where(CertificateApplication.district_code == district))
            waiting.status, waiting.submitted_at = status, now - timedelta(days=age)
    backlog_outputs = [("trends-backlog", "figure"), ("trends-backlog-table", "children")]
    one = call(client_as("manager0903"), backlog_outputs, [("trends-district", "value")], ["0903"])
    bars = one["trends-backlog"]["figure"]["data"]
    assert len(bars) == 1 and bars[0]["type"] == "bar" and bars[0]["y"] == [0, 0, 1, 0, 0]  # 3–6 days
    several = call(client_as("manager0900"), backlog_outputs, [("trends-district", "value")], ["0900"])
    assert len(several["trends-backlog"]["figure"]["data"]) == 5  # districts side by side, ages stacked

    with transaction(sessions) as s:  # one approval in 0903: six hours
        application = s.scalar(select(CertificateApplication).where(CertificateApplication.district_code == "0903"))
        application.status = "approved"
        application.submitted_at = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
        application.approved_at = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
    period = [("trends-from", "value"), ("trends-to", "value"), ("trends-district", "value")]
    outputs = [("trends-turnaround", "figure"), ("trends-turnaround-table", "children")]
    turnaround = call(client_as("manager0903"), outputs, period, ["2026-01-01", "2026-12-01", "0903"])
    data = turnaround["trends-turnaround"]["figure"]["data"]
    assert [trace["type"] for trace in data] == ["indicator"] * 4 and data[1]["number"]["suffix"] == " h"
    assert data[0]["value"] == 1 and 5.5 <= data[1]["value"] <= 6.5  # median read from the histogram's bucket
