"""Every request gets an id (the client's when it is safe) and one access record in the JSON log."""
from __future__ import annotations

import logging
import re

import pytest

from dashboard.core.logs import REQUEST_ID
from tests.support.logs import json_lines


def access_lines():
    return json_lines("certdash.access")


def user_id(app, account: str) -> int:
    from sqlalchemy import select

    from data.models import User

    with app.server.extensions["certdash"].sessions() as s:
        return s.scalar(select(User.id).where(User.account == account))


def test_each_answer_names_its_request_and_the_log_holds_one_record_for_it(matrix_app, matrix_client):
    client = matrix_client("ent_a_oper")
    with access_lines() as lines:
        first = client.get("/declarations")
        second = client.get("/declarations")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids) and ids[0] != ids[1]
    records = lines()
    assert [r["request_id"] for r in records] == ids
    record = records[0]
    assert record["method"] == "GET" and record["path"] == "/declarations" and record["status"] == 200
    assert record["user"] == user_id(matrix_app, "ent_a_oper") and record["address"] == "127.0.0.1"
    assert record["ms"] >= 0 and record["bytes"] > 0 and record["logger"] == "certdash.access"
    assert REQUEST_ID.get() is None  # nothing of the request stays behind in this thread


def test_a_safe_request_id_from_a_proxy_is_kept_and_an_unsafe_one_replaced(matrix_client):
    client = matrix_client(None)
    with access_lines() as lines:
        kept = client.get("/login", headers={"X-Request-Id": "edge-7f3a-0001"})
        replaced = client.get("/login", headers={"X-Request-Id": "x\tSet-Cookie: admin=1"})
    assert kept.headers["X-Request-Id"] == "edge-7f3a-0001"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-Id"])
    assert "Set-Cookie: admin" not in str(replaced.headers)
    assert [r["request_id"] for r in lines()] == ["edge-7f3a-0001", replaced.headers["X-Request-Id"]]


def test_refused_and_malformed_requests_are_recorded_with_their_id(matrix_app, matrix_client):
    anonymous, signed_in = matrix_client(None), matrix_client("ent_a_oper")  # signed in before the log is read
    with access_lines() as lines:
        denied = anonymous.get("/files/ledger/abc")
        malformed = signed_in.post("/_dash-update-component",
                                                     json={"output": "decl-table.rowData", "inputs": "abc",
                                                           "outputs": {"id": "decl-table", "property": "rowData"}})
    assert (denied.status_code, malformed.status_code) == (401, 400)
    refused, bad = lines()
    assert (refused["path"], refused["status"], refused.get("user")) == ("/files/ledger/abc", 401, None)
    assert refused["request_id"] == denied.headers["X-Request-Id"]
    assert (bad["status"], bad["user"]) == (400, user_id(matrix_app, "ent_a_oper"))
    assert bad["request_id"] == malformed.headers["X-Request-Id"]
    assert refused["level"] == bad["level"] == "info"  # a client's mistake is no error of the app


def test_a_callbacks_record_names_its_output(matrix_client):
    client = matrix_client("ent_a_oper")
    payload = {"output": "decl-table.rowData", "outputs": {"id": "decl-table", "property": "rowData"},
               "inputs": "abc"}
    with access_lines() as lines:
        client.post("/_dash-update-component", json=payload)
    [record] = lines()
    assert record["callback"] == "decl-table.rowData" and record["path"] == "/_dash-update-component"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_stay_out_of_the_access_log(matrix_client, path):
    with access_lines() as lines:
        response = matrix_client(None).get(path)
    assert response.status_code == 200 and response.headers["X-Request-Id"]
    assert lines() == []


def test_an_error_inside_a_request_is_one_line_with_the_requests_id(settings, monkeypatch):
    import auth.guard as guard
    from dashboard.web.factory import create_app

    app = create_app(settings)

    @app.server.get("/boom-for-the-log")
    def boom():
        raise RuntimeError("exploded\nacross lines")

    # the guard lets nobody reach a route it does not know: make this one public
    monkeypatch.setattr(guard, "PUBLIC_PATHS", frozenset(guard.PUBLIC_PATHS) | {"/boom-for-the-log"})
    with json_lines(app.server.logger.name, logging.ERROR) as lines:
        response = app.server.test_client().get("/boom-for-the-log", headers={"X-Request-Id": "boom-0001-test"})
    assert response.status_code == 500
    [entry] = lines()  # one line, the traceback in it
    assert entry["level"] == "error" and entry["request_id"] == "boom-0001-test"
    assert entry["exc_type"] == "RuntimeError" and "exploded\nacross lines" in entry["exc"]
