"""The permission matrix: every page and every callback, as every role and anonymous."""
from __future__ import annotations

import pytest

from data.core.scope import AccessDenied
from data.home import home_summary
from tests.support.world import ACCOUNTS, page_text

ROLES = [None, *ACCOUNTS]  # None: anonymous

# path -> accounts that may open it (everyone else signed in gets 403)
PAGE_ACCESS = {
    "/": {"sysadmin", "manager0900", "manager0903", "officer0901", "ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/reference": {"sysadmin", "manager0900", "manager0903", "officer0901", "ent_a_admin", "ent_a_oper",
                   "ent_b_oper"},
    "/declarations": {"officer0901", "ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/declarations/edit": {"ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/enterprise/parties": {"ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/enterprise/defaults": {"ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/enterprise/goods-import": {"ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/applications": {"officer0901", "ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/applications/view": {"officer0901", "ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/applications/new": {"ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/applications/edit": {"ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/applications/templates": {"ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/ledger": {"sysadmin", "ent_a_admin", "ent_a_oper", "ent_b_oper"},
    "/certificates/issue": {"officer0901"},
    "/inbound": {"officer0901"},
    "/inbound/view": {"officer0901"},
    "/certificates/view": {"sysadmin", "manager0900", "manager0903", "officer0901", "ent_a_admin", "ent_a_oper",
                           "ent_b_oper"},
    "/stats/certificates": {"sysadmin", "manager0900", "manager0903"},
    "/stats/issuance": {"sysadmin", "manager0900", "manager0903"},
    "/stats/cloud-signing": {"sysadmin", "manager0900", "manager0903"},
    "/stats/trends": {"sysadmin", "manager0900", "manager0903"},
    "/stats/explorer": {"sysadmin", "manager0900", "manager0903"},
    "/admin/registrations": {"sysadmin"},
    "/admin/audit": {"sysadmin"},
    "/admin/dictionaries": {"sysadmin"},
    "/admin/formats": {"sysadmin"},
    "/admin/notifications": {"sysadmin"},
    "/admin/parameters": {"sysadmin"},
    "/admin/cards": {"sysadmin"},
    "/admin/users": {"sysadmin"},
    "/admin/roles": {"sysadmin"},
    "/admin/districts": {"sysadmin"},
    "/admin/targets": {"sysadmin"},
    "/enterprise/comm-account": {"ent_a_admin"},
    "/enterprise/overseas-users": {"ent_a_admin"},
    "/overseas": {"overseas_ru"},
    "/account": set(ACCOUNTS),
}
PUBLIC_PAGES = ("/login", "/register", "/password/forgot")  # anonymous only: signed-in users are sent home
OPEN_PAGES = ("/password/reset", "/verify")  # anyone, signed in or not (the e-mailed link; verification)


LANDING = {"overseas_ru": "/overseas"}  # roles without the home page are sent to their first page


def expected_page_status(account, path):
    if path in OPEN_PAGES:
        return 200
    if path in PUBLIC_PAGES:
        return 200 if account is None else 302
    if path == "/" and account in LANDING:
        return 302
    if account is None:
        return 302
    if path not in PAGE_ACCESS:
        return 404
    return 200 if account in PAGE_ACCESS[path] else 403


def test_the_matrix_covers_every_registered_page():
    from dashboard.web.pages import page_specs

    assert {p.path for p in page_specs()} == set(PAGE_ACCESS) | set(PUBLIC_PAGES) | set(OPEN_PAGES)


@pytest.mark.parametrize("account", ROLES)
@pytest.mark.parametrize("path", [*PAGE_ACCESS, *PUBLIC_PAGES, *OPEN_PAGES, "/no-such-page", "/reference/../admin"])
def test_page_status_follows_the_matrix(matrix_client, account, path):
    response = matrix_client(account).get(path)
    assert response.status_code == expected_page_status(account, path)
    if response.status_code == 302:
        if account is None:
            expected = f"/login?next={path}"
        else:
            expected = LANDING[account] if path == "/" else "/"
        assert response.headers["Location"] == expected


@pytest.mark.parametrize("account", ROLES)
@pytest.mark.parametrize("path", [*PAGE_ACCESS, *PUBLIC_PAGES])
def test_page_layouts_through_the_router_follow_the_matrix(matrix_client, account, path):
    """Client-side navigation renders a page through the router callback: it checks too."""
    text = page_text(matrix_client(account), path)
    if path == "/register":
        assert '"reg-form"' in text
    elif path == "/password/forgot":
        assert '"pwf-account"' in text
    elif path == "/login" or account is None:
        assert '"login-form"' in text
    elif account in PAGE_ACCESS[path]:
        assert '"error-title"' not in text and '"login-form"' not in text
    else:
        assert '"error-title"' in text and "403" in text


REF_CALLBACK = {
    "output": "..ref-table.rowData...ref-pager.max_value...ref-total.children...ref-pager.active_page..",
    "outputs": [{"id": "ref-table", "property": "rowData"}, {"id": "ref-pager", "property": "max_value"},
                {"id": "ref-total", "property": "children"}, {"id": "ref-pager", "property": "active_page"}],
    "inputs": [{"id": "ref-dictionary", "property": "value", "value": "country"},
               {"id": "ref-search", "property": "value", "value": "日本"},
               {"id": "ref-pager", "property": "active_page", "value": 1}],
    "changedPropIds": ["ref-search.value"],
    "state": [],
}


@pytest.mark.parametrize("account", ROLES)
def test_reference_callback_follows_the_matrix(matrix_client, account):
    response = matrix_client(account).post("/_dash-update-component", json=REF_CALLBACK)
    if account is None:
        assert response.status_code == 401
    elif account in PAGE_ACCESS["/reference"]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("account", ROLES)
@pytest.mark.parametrize("outputs", [
    [{"id": "admin-users", "property": "data"}],  # no such page: denied by default
    [{"id": "ref-table", "property": "data"}, {"id": "zzz-x", "property": "children"}],  # one unknown output
    [],  # nothing at all
    [{"id": {"type": "nopage-row", "index": 1}, "property": "children"}],  # pattern id of no page
])
def test_callbacks_of_unknown_pages_are_denied(matrix_client, account, outputs):
    payload = {"output": "x.y", "outputs": outputs, "inputs": [], "state": [], "changedPropIds": []}
    response = matrix_client(account).post("/_dash-update-component", json=payload)
    assert response.status_code == (401 if account is None else 403)


@pytest.mark.parametrize("path", ["/auth/logout", "/api/anything", "/_dash-update-component"])
def test_anonymous_posts_are_refused(app, users, path):
    response = app.server.test_client().post(path, json={})
    assert response.status_code in (400, 401)
    assert response.status_code != 200


HOME_SCOPE = {  # account -> application ids (by world key) counted on their home page
    "sysadmin": {"A-0901", "B-0903", "C-0200"},
    "manager0900": {"A-0901", "B-0903"},
    "manager0903": {"B-0903"},
    "officer0901": {"A-0901"},
    "ent_a_admin": {"A-0901"},
    "ent_a_oper": {"A-0901"},
    "ent_b_oper": {"B-0903"},
}


@pytest.mark.parametrize("account", list(HOME_SCOPE))
def test_home_counts_only_the_actors_scope(app, users, account):
    from data.accounts.roles import role_permissions
    from data.core.db import transaction
    from data.core.scope import actor_for
    from data.models import User

    with transaction(app.server.extensions["certdash"].sessions) as s:
        user = s.get(User, users.user_ids[account])
        actor = actor_for(s, user, role_permissions(s, user.role))
        summary = home_summary(s, actor)
    assert sum(summary.applications_by_status.values()) == len(HOME_SCOPE[account])
    assert summary.certificates_by_status.get("valid", 0) == len(HOME_SCOPE[account])
    assert summary.declarations == len(HOME_SCOPE[account])


def test_home_summary_requires_the_permission(app, users):
    from data.core.scope import Actor

    actor = Actor(1, "x", "x", "enterprise", "zh", users.enterprise_ids["A"], None, frozenset(), frozenset())
    with app.server.extensions["certdash"].sessions() as s:
        with pytest.raises(AccessDenied):
            home_summary(s, actor)
