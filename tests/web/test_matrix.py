"""The permission matrix over every callback the app registers and every server route with an id.

The expectations are written out here, by page prefix, not derived from the code under test: a new
callback whose page is missing from this table fails the test until someone decides who may use it.
"""
from __future__ import annotations

import json

import pytest

from tests.support.world import ACCOUNTS

ANYONE = "anyone"
SIGNED_IN = "signed-in"
ROLES_BY_ACCOUNT = {account: role for account, (role, _e, _d) in ACCOUNTS.items()}
CUSTOMS_AND_ENTERPRISES = {"admin", "manager", "officer", "enterprise_admin", "enterprise"}

WHO_MAY_USE = {  # page prefix -> roles allowed (or ANYONE / SIGNED_IN)
    "_pages": ANYONE,  # Dash's router: each page layout checks its own permission
    "login": ANYONE,
    "reg": ANYONE,
    "pwf": ANYONE,
    "pwr": ANYONE,
    "acct": SIGNED_IN,
    "shell": SIGNED_IN,
    "home": CUSTOMS_AND_ENTERPRISES,
    "ref": CUSTOMS_AND_ENTERPRISES,
    "decl": {"officer", "enterprise_admin", "enterprise"},
    "declf": {"enterprise_admin", "enterprise"},
    "party": {"enterprise_admin", "enterprise"},
    "defaults": {"enterprise_admin", "enterprise"},
    "gimap": {"enterprise_admin", "enterprise"},
    "apps": {"officer", "enterprise_admin", "enterprise"},
    "appv": {"officer", "enterprise_admin", "enterprise"},
    "appn": {"enterprise_admin", "enterprise"},
    "appf": {"enterprise_admin", "enterprise"},
    "tmpl": {"enterprise_admin", "enterprise"},
    "ledger": {"admin", "enterprise_admin", "enterprise"},
    "certi": {"officer"},
    "inb": {"officer"},  # inbound certificates (入境证书): the port districts' officers
    "inbv": {"officer"},
    "certv": {"admin", "manager", "officer", "enterprise_admin", "enterprise"},
    "certq": {"admin", "manager"},
    "issuance": {"admin", "manager"},
    "cloud": {"admin", "manager"},
    "trends": {"admin", "manager"},
    "explorer": {"admin", "manager"},
    "regrev": {"admin"},
    "audit": {"admin"},
    "adict": {"admin"},
    "afmt": {"admin"},
    "anote": {"admin"},
    "aparam": {"admin"},
    "cards": {"admin"},
    "usr": {"admin"},
    "role": {"admin"},
    "dist": {"admin"},
    "atgt": {"admin"},
    "comm": {"enterprise_admin"},
    "ovu": {"enterprise_admin"},
    "ovs": {"overseas"},
    "ver": ANYONE,  # public certificate verification (the QR code's page)
}


def _concrete(component_id: str):
    """Turn a registered id (JSON with wildcards for pattern ids) into one a browser could send."""
    if not component_id.startswith("{"):
        return component_id
    parsed = json.loads(component_id)
    return {k: (1 if isinstance(v, list) else v) for k, v in parsed.items()}


def outputs_of(key: str) -> list[dict]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outputs = []
    for part in parts:
        component_id, prop = part.rsplit(".", 1)
        outputs.append({"id": _concrete(component_id), "property": prop.split("@", 1)[0]})
    return outputs


def prefix_of(component_id) -> str:
    text = component_id.get("type", "") if isinstance(component_id, dict) else component_id
    return "_pages" if text.startswith("_pages_") else text.split("-", 1)[0]


def may(role: str | None, prefix: str) -> bool:
    allowed = WHO_MAY_USE[prefix]
    if allowed == ANYONE:
        return True
    if role is None:
        return False
    return allowed == SIGNED_IN or role in allowed


def registered_callbacks(app) -> list[tuple[str, list[dict], list[dict]]]:
    app.server.test_client().get("/login")  # Dash registers its callbacks on the first request
    return [(key, outputs_of(key), [{**i, "id": _concrete(i["id"]), "value": None} for i in spec["inputs"]])
            for key, spec in app.callback_map.items()]


def test_every_callback_belongs_to_a_page_in_the_table(matrix_app):
    unknown = {prefix_of(o["id"]) for _k, outputs, _i in registered_callbacks(matrix_app) for o in outputs} - set(WHO_MAY_USE)
    assert not unknown, f"decide who may use these pages' callbacks: {unknown}"


@pytest.mark.parametrize("account", [None, *ACCOUNTS])
def test_every_callback_answers_only_those_allowed(matrix_app, matrix_client, account):
    client = matrix_client(account)
    role = ROLES_BY_ACCOUNT.get(account)
    for key, outputs, inputs in registered_callbacks(matrix_app):
        allowed = all(may(role, prefix_of(o["id"])) for o in outputs)
        payload = {"output": key, "outputs": outputs if len(outputs) > 1 or key.startswith("..") else outputs[0],
                   "inputs": inputs, "state": [], "changedPropIds": []}
        status = client.post("/_dash-update-component", json=payload).status_code
        if allowed:
            assert status not in (401, 403), (account, key)
        else:
            assert status == (401 if account is None else 403), (account, key, status)


@pytest.mark.parametrize("account", [None, *ACCOUNTS])
def test_stored_files_are_only_for_reviewers(matrix_client, account):
    status = matrix_client(account).get("/files/registration/1").status_code
    role = ROLES_BY_ACCOUNT.get(account)
    assert status == {None: 401, "admin": 404}.get(role, 403)


@pytest.mark.parametrize("account", [None, *ACCOUNTS])
def test_import_templates_are_for_those_who_declare(matrix_client, account):
    client = matrix_client(account)
    status = client.get("/files/templates/goods.xlsx").status_code
    role = ROLES_BY_ACCOUNT.get(account)
    declares = role in ("enterprise_admin", "enterprise")
    assert status == (401 if role is None else 200 if declares else 403)
    assert client.get("/files/templates/nothing.xlsx").status_code == (401 if role is None else 404 if declares
                                                                       else 403)


@pytest.mark.parametrize("account", [None, *ACCOUNTS])
def test_application_scans_are_for_enterprises_and_officers(matrix_client, account):
    status = matrix_client(account).get("/files/scan/1").status_code  # no such scan: 404 once let in
    role = ROLES_BY_ACCOUNT.get(account)
    assert status == (401 if role is None else 404 if role in WHO_MAY_USE["appv"] else 403)


@pytest.mark.parametrize("account", [None, *ACCOUNTS])
def test_application_previews_are_for_enterprises_and_officers(matrix_client, account):
    status = matrix_client(account).get("/files/application/999999/preview.pdf").status_code  # no such application
    role = ROLES_BY_ACCOUNT.get(account)
    assert status == (401 if role is None else 404 if role in WHO_MAY_USE["appv"] else 403)


@pytest.mark.parametrize("account", [None, *ACCOUNTS])
def test_card_confirmation_challenges_are_for_signers(matrix_client, account):
    """Only an officer who may sign gets a challenge for the IC card to confirm issuing (and only with the page's
    CSRF token: a bare POST is refused before anything is stored)."""
    status = matrix_client(account).post("/auth/card/confirm-challenge", json={}).status_code
    role = ROLES_BY_ACCOUNT.get(account)
    assert status == (401 if role is None else 400 if role in WHO_MAY_USE["certi"] else 403)
