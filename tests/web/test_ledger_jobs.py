"""Ledger callbacks and background export jobs: scope through the callbacks, job tickets, progress,
the owner-only download route, and one whole job through Dash's background machinery (diskcache)."""
from __future__ import annotations

import io
import re
import time
from datetime import date

import openpyxl
import pytest

from callbacks.ledger.ledger import JOB_PURPOSE, export_job, moved
from dashboard.jobs import job_ticket
from data.core.db import transaction
from data.ledger import query
from data.ledger.query import DEFAULT_COLUMNS, ExportRequest, LedgerQuery, export_file
from data.models import Declaration
from tests.service.test_ledger import add_ledger_records
from tests.support.logs import json_lines
from tests.support.world import actor

KEYS = list(DEFAULT_COLUMNS["exit"])


@pytest.fixture
def ledger(app, users):
    return add_ledger_records(app.server.extensions["certdash"].sessions, users)


def request_for(enterprise_id=None, fmt="xlsx") -> dict:
    return ExportRequest(LedgerQuery(direction="exit", enterprise_id=enterprise_id), tuple(KEYS), fmt, "三月台账",
                         "zh").as_json()


def ticket_for(app, account: str, payload: dict, purpose: str = JOB_PURPOSE) -> str:
    with app.server.app_context(), app.server.extensions["certdash"].sessions() as s:
        return job_ticket(actor(s, account), purpose, payload)


def test_a_job_writes_the_users_file_and_reports_its_progress(app, ledger):
    progress = []
    result = export_job({"ticket": ticket_for(app, "ent_a_oper", request_for())}, progress.append)
    assert result["rows"] == 5 and result["filename"] == "三月台账.xlsx"
    assert progress[0] == (0, 5, "0%") and progress[-1] == (5, 5, "100%")
    instance = app.server.config["CERTDASH_SETTINGS"].instance_path
    with app.server.extensions["certdash"].sessions() as s:
        found = export_file(instance, actor(s, "ent_a_oper"), result["token"])
    sheet = openpyxl.load_workbook(found.path).worksheets[0]
    assert sheet.max_row == 7  # the header, five rows, the totals
    assert not list(found.path.parent.glob("*.part"))


def test_a_job_takes_the_count_made_when_it_was_asked_for(app, ledger):
    progress = []
    payload = {**request_for(), "rows": 4}  # the ledger grew by one since
    assert export_job({"ticket": ticket_for(app, "ent_a_oper", payload)}, progress.append)["rows"] == 5
    assert progress[0] == (0, 4, "0%") and progress[-1] == (4, 4, "100%")


def test_a_job_runs_with_the_scope_of_the_user_who_asked(app, ledger, users):
    forged = export_job({"ticket": ticket_for(app, "ent_a_oper", request_for(users.enterprise_ids["B"]))},
                        lambda _p: None)
    assert forged["rows"] == 0
    theirs = export_job({"ticket": ticket_for(app, "sysadmin", request_for(users.enterprise_ids["B"]))},
                        lambda _p: None)
    assert theirs["rows"] == 1
    assert export_job({"ticket": ticket_for(app, "sysadmin", request_for())}, lambda _p: None) == {
        "error": "invalid", "errors": {"enterprise": "required"}}


@pytest.mark.parametrize("job", [None, {}, {"ticket": "forged"}, "text"])
def test_a_job_without_a_good_ticket_does_nothing(app, ledger, job):
    assert export_job(job, lambda _p: None) == {"error": "refused"}


def test_a_ticket_for_another_purpose_is_refused(app, ledger):
    assert export_job({"ticket": ticket_for(app, "ent_a_oper", request_for(), "sign.batch")},
                      lambda _p: None) == {"error": "refused"}


def test_a_pdf_job_beyond_the_pdf_limit_says_so(app, ledger, monkeypatch):
    monkeypatch.setattr("exports.tables.ledger.PDF_MAX_ROWS", 2)
    result = export_job({"ticket": ticket_for(app, "ent_a_oper", request_for(fmt="pdf"))}, lambda _p: None)
    assert result == {"error": "too_many_for_pdf"}


def test_only_the_owner_downloads_the_file(app, ledger, client_as):
    token = export_job({"ticket": ticket_for(app, "ent_a_oper", request_for(fmt="csv"))}, lambda _p: None)["token"]
    response = client_as("ent_a_oper").get(f"/files/ledger/{token}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert client_as("ent_a_admin").get(f"/files/ledger/{token}").status_code == 404  # a colleague: not theirs
    assert client_as("sysadmin").get(f"/files/ledger/{token}").status_code == 404
    assert client_as("officer0901").get(f"/files/ledger/{token}").status_code == 403
    assert client_as(None).get(f"/files/ledger/{token}").status_code == 401
    assert client_as("ent_a_oper").get("/files/ledger/not-a-token").status_code == 404


# --- the callbacks, as the browser calls them -----------------------------------------------------

def test_columns_move_up_and_down_and_out():
    keys = ["a", "b", "c"]
    assert moved(keys, "b", "up") == ["b", "a", "c"] and moved(keys, "b", "down") == ["a", "c", "b"]
    assert moved(keys, "a", "up") == keys and moved(keys, "c", "down") == keys
    assert moved(keys, "b", "remove") == ["a", "c"] and keys == ["a", "b", "c"]


def show_ledger_payload(applied: dict, page: int = 2, trigger: str = "ledger-pager.active_page") -> dict:
    outputs = [{"id": "ledger-table", "property": "rowData"}, {"id": "ledger-pager", "property": "max_value"},
               {"id": "ledger-pager", "property": "active_page"}, {"id": "ledger-total", "property": "children"},
               {"id": "ledger-applied", "property": "data"}]
    return {
        "output": "..ledger-table.rowData...ledger-pager.max_value...ledger-pager.active_page..."
                  "ledger-total.children...ledger-applied.data..",
        "outputs": outputs,
        "inputs": [{"id": "ledger-query", "property": "n_clicks", "value": None},
                   {"id": "ledger-direction", "property": "value", "value": "exit"},
                   {"id": "ledger-enterprise", "property": "value", "value": None},
                   {"id": "ledger-pager", "property": "active_page", "value": page}],
        "state": [[{"id": {"type": "ledger-filter", "name": "party"}, "property": "value", "value": None}],
                  {"id": "ledger-legal", "property": "value", "value": None},
                  {"id": "ledger-dates", "property": "start_date", "value": None},
                  {"id": "ledger-dates", "property": "end_date", "value": None},
                  {"id": "ledger-status", "property": "value", "value": None},
                  {"id": "ledger-cert-type", "property": "value", "value": None},
                  {"id": "ledger-cert-status", "property": "value", "value": None},
                  {"id": "ledger-applied", "property": "data", "value": applied}],
        "changedPropIds": [trigger],
    }


def grid_rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"]["ledger-table"]["rowData"]


def test_the_grid_callback_keeps_to_the_users_enterprise(client_as, ledger, users):
    own = {"direction": "exit"}
    forged = {"direction": "exit", "enterprise_id": users.enterprise_ids["B"]}
    client = client_as("ent_a_oper")
    assert len(grid_rows_of(client.post("/_dash-update-component", json=show_ledger_payload(own, 1)))) == 5
    assert grid_rows_of(client.post("/_dash-update-component", json=show_ledger_payload(forged, 1))) == []
    admin = client_as("sysadmin")
    rows = grid_rows_of(admin.post("/_dash-update-component", json=show_ledger_payload(forged, 1)))
    assert [r["certificate_no"] for r in rows] == ["LEDGER0006"]


def test_the_grid_shows_the_rows_it_counted_while_declarations_are_added(app, client_as, ledger, users, monkeypatch):
    """The ledger page counts its rows, then reads them: a declaration added by another transaction in between
    must not appear beside a count that leaves it out (the callback reads one snapshot of the store)."""
    sessions = app.server.extensions["certdash"].sessions
    real = query.count_ledger

    def count_then_add(s, who, q, cap):
        counted = real(s, who, q, cap)
        with transaction(sessions) as other:
            other.add(Declaration(direction="exit", inspection_no="209260000000099", inspection_date=date(2026, 3, 9),
                                  enterprise_id=users.enterprise_ids["A"], district_code="0901",
                                  legal_inspection=True, consignee_en="LATE CO.", status="sent"))
        return counted

    monkeypatch.setattr(query, "count_ledger", count_then_add)
    client = client_as("ent_a_oper")
    response = client.post("/_dash-update-component", json=show_ledger_payload({"direction": "exit"}, 1))
    total = response.get_json()["response"]["ledger-total"]["children"]
    assert len(grid_rows_of(response)) == 5 and re.findall(r"\d+", str(total)) == ["5"], total
    monkeypatch.setattr(query, "count_ledger", real)
    later = client.post("/_dash-update-component", json=show_ledger_payload({"direction": "exit"}, 1))
    assert len(grid_rows_of(later)) == 6  # the next search sees it


def test_the_grid_numbers_rows_through_the_pages(client_as, ledger, monkeypatch):
    monkeypatch.setattr("callbacks.ledger.ledger.PAGE_SIZE", 2)
    client = client_as("ent_a_oper")
    rows = grid_rows_of(client.post("/_dash-update-component", json=show_ledger_payload({"direction": "exit"}, 2)))
    assert [r["seq"] for r in rows] == ["3", "4"]


def export_payload(applied: dict, fmt: str = "xlsx", columns=None, file_name="台账") -> dict:
    return {
        "output": "..ledger-download.data...ledger-job.data...ledger-message.children..",
        "outputs": [{"id": "ledger-download", "property": "data"}, {"id": "ledger-job", "property": "data"},
                    {"id": "ledger-message", "property": "children"}],
        "inputs": [{"id": "ledger-export", "property": "n_clicks", "value": 1}],
        "state": [{"id": "ledger-applied", "property": "data", "value": applied},
                  {"id": "ledger-columns", "property": "data", "value": KEYS if columns is None else columns},
                  {"id": "ledger-file-name", "property": "value", "value": file_name},
                  {"id": "ledger-format", "property": "value", "value": fmt}],
        "changedPropIds": ["ledger-export.n_clicks"],
    }


def test_a_small_export_is_sent_at_once(client_as, ledger):
    response = client_as("ent_a_oper").post("/_dash-update-component", json=export_payload({"direction": "exit"}))
    sent = response.get_json()["response"]
    assert sent["ledger-download"]["data"]["filename"] == "台账.xlsx" and sent["ledger-download"]["data"]["base64"]
    assert "ledger-job" not in sent


def test_a_large_export_gets_a_ticket(app, client_as, ledger):
    app.server.config["LEDGER_INLINE_ROWS"] = 2
    response = client_as("ent_a_oper").post("/_dash-update-component", json=export_payload({"direction": "exit"}))
    sent = response.get_json()["response"]
    assert sent["ledger-job"]["data"]["rows"] == 5 and sent["ledger-job"]["data"]["ticket"]
    assert "ledger-download" not in sent


def test_a_jobs_log_lines_carry_the_id_of_the_request_that_asked_for_it(app, client_as, ledger):
    app.server.config["LEDGER_INLINE_ROWS"] = 2
    response = client_as("ent_a_oper").post("/_dash-update-component", json=export_payload({"direction": "exit"}),
                                            headers={"X-Request-Id": "click-0001-export"})
    assert response.headers["X-Request-Id"] == "click-0001-export"
    job = response.get_json()["response"]["ledger-job"]["data"]
    with job_log() as lines:  # the job runs later, in another process: the ticket brings the id along
        assert export_job(job, lambda _p: None)["rows"] == 5
    started, finished = lines()
    assert started["message"] == "job started" and finished["message"] == "job finished"
    for entry in (started, finished):
        assert entry["request_id"] == "click-0001-export" and entry["job"] == JOB_PURPOSE
    assert finished["ms"] >= 0 and started["user"] == finished["user"]


def test_a_refused_or_failed_job_says_so_in_the_log(app, ledger, monkeypatch):
    with job_log() as lines:
        assert export_job({"ticket": ticket_for(app, "ent_a_oper", request_for(), "sign.batch")},
                          lambda _p: None) == {"error": "refused"}
    assert lines() == []  # a ticket for another purpose is turned away before anything runs

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("callbacks.ledger.ledger.run_export", broken)
    with job_log() as lines:
        assert export_job({"ticket": ticket_for(app, "ent_a_oper", request_for())}, lambda _p: None) == {
            "error": "failed"}
    started, failed = lines()
    assert failed["message"] == "job failed" and failed["level"] == "error"
    assert "RuntimeError: disk full" in failed["exc"]


def job_log():
    """Collect the JSON lines the job machinery writes."""
    return json_lines("dashboard.jobs")


@pytest.mark.parametrize("columns,file_name,fmt,shown", [
    ([], "x", "xlsx", "Choose at least one column."),
    (KEYS, "a/b", "xlsx", "A file name cannot hold"),
])
def test_an_export_with_errors_says_why(client_as, ledger, columns, file_name, fmt, shown):
    client = client_as("ent_a_oper")
    client.get("/lang/en")
    response = client.post("/_dash-update-component",
                           json=export_payload({"direction": "exit"}, fmt, columns, file_name))
    assert shown in response.get_data(as_text=True)


def test_nothing_to_export_is_said(client_as, ledger):
    client = client_as("ent_a_oper")
    response = client.post("/_dash-update-component", json=export_payload({"direction": "entry", "party": "nobody"}))
    assert "ledger-download" not in response.get_json()["response"]


# --- one whole job through Dash's background machinery ---------------------------------------------

def run_background(client, payload: dict, timeout: float = 60) -> tuple[dict, list]:
    """Call a background callback as the browser does: start it, then poll with its handles until it answers."""
    first = client.post("/_dash-update-component", json=payload)
    assert first.status_code == 200, first.get_data(as_text=True)
    handles = first.get_json()
    assert "cacheKey" in handles and "job" in handles, handles
    progress = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        polled = client.post("/_dash-update-component", json=payload,
                             query_string={"cacheKey": handles["cacheKey"], "job": handles["job"]})
        assert polled.status_code in (200, 204), polled.get_data(as_text=True)
        body = polled.get_json(silent=True) or {}
        if body.get("progress"):
            progress.append(body["progress"])
        if "response" in body:
            return body["response"], progress
        time.sleep(0.2)
    raise AssertionError("the background job did not finish in time")


def job_payload(job: dict) -> dict:
    return {"output": "ledger-result.data", "outputs": {"id": "ledger-result", "property": "data"},
            "inputs": [{"id": "ledger-job", "property": "data", "value": job}], "state": [],
            "changedPropIds": ["ledger-job.data"]}


def test_a_background_export_runs_in_its_own_process_and_downloads(app, ledger, client_as):
    client = client_as("ent_a_oper")
    job = {"ticket": ticket_for(app, "ent_a_oper", request_for()), "rows": 5}
    response, _progress = run_background(client, job_payload(job))
    result = response["ledger-result"]["data"]
    assert result["rows"] == 5
    download = client.get(f"/files/ledger/{result['token']}")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).worksheets[0]
    assert sheet.max_row == 7
    assert client_as("ent_b_oper").get(f"/files/ledger/{result['token']}").status_code == 404


def test_every_app_made_in_a_process_can_cancel_its_jobs(app, settings, tmp_path):
    """Dash takes a background callback's cancel inputs out of its spec when it sets up an app."""
    from dataclasses import replace

    from dashboard.web.factory import create_app

    app.server.test_client().get("/login")  # Dash finishes setting an app up on its first request
    later = create_app(replace(settings, instance_path=tmp_path / "later"))
    later.server.test_client().get("/login")
    for each in (app, later):
        assert any(key.startswith("ledger-cancel.id") for key in each.callback_map), each
    later.server.extensions["certdash"].engine.dispose()
