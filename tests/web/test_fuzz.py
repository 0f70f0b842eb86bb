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
    failures = []
    for key, outputs, spec in _callbacks(matrix_app):
        account = _account(prefix_of(outputs[0]["id"]))
        if account is None:
            continue
        inputs = [{**i, "id": _concrete(i["id"]), "value": value} for i in spec["inputs"]]
        state = [{**i, "id": _concrete(i["id"]), "value": value} for i in spec.get("state", [])]
        first = inputs[0]
        changed = [f"{first['id'] if isinstance(first['id'], str) else ''}.{first['property']}"]
        payload = {"output": key, "outputs": outputs if len(outputs) > 1 or key.startswith("..") else outputs[0],
                   "inputs": inputs, "state": state, "changedPropIds": changed}
        status = matrix_client(account).post("/_dash-update-component", json=payload).status_code
        if status >= 500:
            failures.append((key[:80], status))
    assert not failures, "\n".join(f"{k} {s}" for k, s in failures)


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
