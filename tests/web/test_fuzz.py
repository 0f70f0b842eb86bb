"""The project's own fuzz corpus: every callback, as a role that may use it, with values a browser would
never send (wrong types, huge numbers, NUL bytes, nesting), and malformed callback requests. Each answer
is a 2xx or a 4xx, never a 5xx."""
from __future__ import annotations

import pytest

from tests.web.test_matrix import ROLES_BY_ACCOUNT, WHO_MAY_USE, _concrete, outputs_of, prefix_of

ODD_VALUES = ["abc", 10**30, -1, 0, "", [], {}, [1, None, "x"], {"a": {"b": [1]}}, True, "\x00abc", "１２", 1.5]
ACCOUNT_OF_ROLE = {role: account for account, role in ROLES_BY_ACCOUNT.items()}


def _account(prefix: str) -> str | None:
    allowed = WHO_MAY_USE[prefix]
    if not isinstance(allowed, (set, frozenset)):
        return "sysadmin"
    for role in ("admin", "enterprise_admin", "enterprise", "officer", "manager", "overseas"):
        if role in allowed and role in ACCOUNT_OF_ROLE:
            return ACCOUNT_OF_ROLE[role]
    return None


def _callbacks(app):
    app.server.test_client().get("/login")
    for key, spec in app.callback_map.items():
        if spec.get("background"):
            continue  # starts a job: driven by its own tests
        outputs = outputs_of(key)
        yield key, outputs, spec


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_every_callback_answers_odd_values_with_a_2xx_or_4xx(matrix_app, matrix_client, value):
    failures = _server_errors(matrix_app, matrix_client, value)
    assert not failures, "\n".join(f"{k} {s}" for k, s in failures)


@pytest.fixture(scope="module")
def pg_app(pg_server, tmp_path_factory):
    """The app on PostgreSQL, which refuses a NUL byte in text where SQLite stores it."""
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app
    from tests.conftest import TEMPLATE_DB, TEST_PASSWORD
    from tests.support.world import build_world

    url = pg_server.create_database(template=TEMPLATE_DB)
    folder = tmp_path_factory.mktemp("pg-fuzz")
    app = create_app(Settings(database_url=url, secret_key="fuzz-" + folder.name, instance_path=folder / "instance",
                              data_key=Fernet.generate_key().decode()))
    build_world(app.server.extensions["certdash"].sessions, TEST_PASSWORD)
    yield app
    app.server.extensions["certdash"].engine.dispose()
    pg_server.drop_database(url)


@pytest.mark.parametrize("value", [*ODD_VALUES, "ab\x00", "企业\x00", 2**31, -(2**63) - 1], ids=repr)
def test_every_callback_answers_odd_values_on_postgresql_with_a_2xx_or_4xx(pg_app, value):
    from tests.conftest import TEST_PASSWORD
    from tests.support.world import sign_in

    clients: dict = {}

    def client_for(account: str):
        if account not in clients:
            clients[account] = pg_app.server.test_client()
            assert sign_in(clients[account], account, TEST_PASSWORD).status_code == 302
        return clients[account]

    failures = _server_errors(pg_app, client_for, value)
    assert not failures, "\n".join(f"{k} {s}" for k, s in failures)


def _server_errors(app, client_for, value) -> list[tuple[str, int]]:
    """Post every callback with `value` in each input and state, as a role that may use it; the 5xx answers."""
    failures = []
    for key, outputs, spec in _callbacks(app):
        account = _account(prefix_of(outputs[0]["id"]))
        if account is None:
            continue
        inputs = [{**i, "id": _concrete(i["id"]), "value": value} for i in spec["inputs"]]
        state = [{**i, "id": _concrete(i["id"]), "value": value} for i in spec.get("state", [])]
        first = inputs[0]
        changed = [f"{first['id'] if isinstance(first['id'], str) else ''}.{first['property']}"]
        payload = {"output": key, "outputs": outputs if len(outputs) > 1 or key.startswith("..") else outputs[0],
                   "inputs": inputs, "state": state, "changedPropIds": changed}
        status = client_for(account).post("/_dash-update-component", json=payload).status_code
        if status >= 500:
            failures.append((key[:80], status))
    return failures


MALFORMED = [
    [1, 2], "x", 1, None, {"a": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]},
    {"inputs": []},  # no output
    {"output": "nobody-here.children", "outputs": {"id": "nobody-here", "property": "children"}, "inputs": []},
    {"output": "decl-table.rowData", "outputs": "x", "inputs": []},
    {"output": "decl-table.rowData", "outputs": {"id": "usr-table", "property": "rowData"}, "inputs": [],
     "changedPropIds": []},  # one callback's output, another's ids
    {"output": "decl-table.rowData", "outputs": {"id": "decl-table", "property": "rowData"}, "inputs": "abc"},
    {"output": "decl-table.rowData", "outputs": {"id": "decl-table", "property": "rowData"}, "inputs": [1, None]},
    {"output": "decl-table.rowData", "outputs": {"id": "decl-table", "property": "rowData"}, "inputs": [],
     "changedPropIds": [1, None]},
]


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_callback_requests_are_refused_with_a_4xx(matrix_client, body):
    """Anonymous: 401 (the guard first); signed in: 403 where the outputs are no page's, else 400 and why."""
    assert matrix_client(None).post("/_dash-update-component", json=body).status_code == 401
    answer = matrix_client("ent_a_oper").post("/_dash-update-component", json=body)
    names_own_outputs = isinstance(body, dict) and isinstance(body.get("outputs"), dict) \
        and body["outputs"].get("id") == "decl-table"
    if names_own_outputs:
        assert answer.status_code == 400 and "malformed callback request" in answer.get_json()["error"]
    else:
        assert answer.status_code in (400, 403), answer.status_code


def test_every_callbacks_outputs_swapped_with_anothers_are_refused(matrix_app, matrix_client):
    callbacks = list(_callbacks(matrix_app))
    client = matrix_client("sysadmin")
    for (key, _outputs, _spec), (_other, other_outputs, _s) in zip(callbacks, callbacks[1:] + callbacks[:1]):
        if outputs_of(key) == other_outputs:
            continue
        payload = {"output": key, "outputs": other_outputs if len(other_outputs) > 1 else other_outputs[0],
                   "inputs": [], "state": [], "changedPropIds": []}
        assert client.post("/_dash-update-component", json=payload).status_code in (400, 403), key


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/dash/../../app.py", "/files/scan/99999999999999999999999",
    "/files/registration/99999999999999999999999", "/api/v1/verify/%00abc", "/assets/../app.py",
])
def test_odd_paths_are_4xx(matrix_client, path):
    for account in (None, "sysadmin"):
        assert 400 <= matrix_client(account).get(path).status_code < 500, (account, path)


def test_control_characters_in_values_become_visible_and_in_ids_make_the_request_malformed():
    from dashboard.web.requests import clean_values

    payload = {"outputs": {"id": "decl-table", "property": "rowData"},
               "inputs": [{"id": "decl-search", "property": "value", "value": "ab\x00c\x1b"},
                          [{"id": {"type": "f", "name": "note"}, "property": "value", "value": ["第一行\n第二行\tx", 3]}]],
               "state": [{"id": "s", "property": "data", "value": {"k": ["\x7f", None]}}]}
    assert clean_values(payload)
    assert payload["inputs"][0]["value"] == "ab\ufffdc\ufffd"
    assert payload["inputs"][1][0]["value"] == ["第一行\n第二行\tx", 3]  # line breaks and tabs are text
    assert payload["state"][0]["value"] == {"k": ["\ufffd", None]}
    assert not clean_values({"inputs": [{"id": {"type": "f", "name": "a\x00"}, "property": "value", "value": 1}]})
    assert not clean_values({"outputs": {"id": "x\x00", "property": "children"}, "inputs": []})

