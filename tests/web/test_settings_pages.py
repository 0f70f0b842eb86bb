"""Pages on the page-callback helper, driven as the browser drives them: answers, refusals, nothing half-written."""
from __future__ import annotations

import json

from sqlalchemy import select

from data.models import CommAccount, DictEntry, User
from tests.support.dash_calls import call, component_text


def _bind(app, client, account, password, trigger="comm-bind.n_clicks"):
    return call(app, client, "comm-message",
                {"comm-bind": 1, "comm-account": account, "comm-password": password}, trigger=trigger)


def test_the_communication_account_is_bound_refused_and_unbound_with_messages(matrix_app, matrix_client):
    client = matrix_client("ent_a_admin")
    refused = _bind(matrix_app, client, "no spaces allowed", "secret")
    assert component_text(refused["comm-message"]["children"]) == "账号为 3 至 64 位字母、数字或 . _ @ -。"
    assert set(refused) == {"comm-message"}  # the status and the typed password stay as they are
    sessions = matrix_app.server.extensions["certdash"].sessions
    with sessions() as s:
        enterprise_id = s.scalar(select(User.enterprise_id).where(User.account == "ent_a_admin"))
        assert s.get(CommAccount, enterprise_id) is None

    bound = _bind(matrix_app, client, "ciq.dalian-01", "Secret-2026")
    assert bound["comm-password"]["value"] == ""  # the password is not left in the page
    assert "ciq.dalian-01" in component_text(bound["comm-status"]["children"])
    with sessions() as s:
        row = s.get(CommAccount, enterprise_id)
        assert row.account == "ciq.dalian-01" and "Secret-2026" not in row.password_encrypted

    unbound = call(matrix_app, client, "comm-message", {"comm-unbind": 1}, trigger="comm-unbind.n_clicks")
    assert "ciq.dalian-01" not in component_text(unbound["comm-status"]["children"])
    again = call(matrix_app, client, "comm-message", {"comm-unbind": 2}, trigger="comm-unbind.n_clicks")
    assert set(again) == {"comm-message"} and component_text(again["comm-message"]["children"])


def test_an_overseas_user_is_created_edited_disabled_and_deleted(matrix_app, matrix_client):
    client = matrix_client("ent_a_admin")
    names = ("account", "real_name", "organisation", "country", "language", "email", "password", "password_confirm")
    sessions = matrix_app.server.extensions["certdash"].sessions
    with sessions() as s:
        s.add(DictEntry(dictionary="country", code="KR", name_zh="韩国", name_en="Korea, Republic of"))
        s.commit()
    fields = {"account": "aqsiq_kr", "real_name": "Kim", "organisation": "APQA", "country": "KR", "language": "ko",
              "email": "", "password": "Seoul2026x", "password_confirm": "Seoul2026x"}

    def form(values):
        return {"ovu-field": [({"type": "ovu-field", "name": n}, values.get(n, "")) for n in names],
                "ovu-error": [({"type": "ovu-error", "name": n}, None) for n in names]}

    bad = call(matrix_app, client, "ovu-message", {"ovu-save": 1}, trigger="ovu-save.n_clicks",
               wildcards=form({**fields, "password_confirm": "Seoul2026y"}))
    errors = {n: bad[json.dumps({"name": n, "type": "ovu-error"}, separators=(",", ":"))]["children"] for n in names}
    assert errors["password_confirm"] and not errors["account"]
    assert "ovu-table" not in bad  # nothing was saved: the table stays

    created = call(matrix_app, client, "ovu-message", {"ovu-save": 1}, trigger="ovu-save.n_clicks",
                   wildcards=form(fields))
    assert "aqsiq_kr" in component_text(created["ovu-table"]["children"])
    with sessions() as s:
        user = s.scalar(select(User).where(User.account == "aqsiq_kr"))
        user_id, active = user.id, user.active
    assert active

    toggle = {"ovu-toggle": [({"type": "ovu-toggle", "index": user_id}, 1)], **form({})}
    call(matrix_app, client, "ovu-message", {}, trigger=f'{{"index":{user_id},"type":"ovu-toggle"}}.n_clicks',
         wildcards=toggle)
    with sessions() as s:
        assert s.get(User, user_id).active is False

    deleting = {"ovu-delete": [({"type": "ovu-delete", "index": user_id}, 1)], **form({})}
    call(matrix_app, client, "ovu-message", {}, trigger=f'{{"index":{user_id},"type":"ovu-delete"}}.submit_n_clicks',
         wildcards=deleting)
    with sessions() as s:
        assert s.get(User, user_id).deleted_at is not None
    gone = call(matrix_app, client, "ovu-message", {}, trigger=f'{{"index":{user_id},"type":"ovu-delete"}}.submit_n_clicks',
                wildcards=deleting)
    assert component_text(gone["ovu-message"]["children"])  # said: not found, and the table drawn again
    assert "ovu-table" in gone
