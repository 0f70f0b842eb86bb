"""Every figure of the home page opens the list it counts, when the user may open that list; a task opens the
applications in its status, and the list comes up with that status chosen."""
from __future__ import annotations

import json
import re

import pytest

from tests.support.dash_calls import component_nodes
from tests.support.world import render_page

EXPECTED = {  # account -> the links its home page holds
    "ent_a_oper": {"/declarations", "/applications", "/applications?status=returned"},
    "officer0901": {"/declarations", "/applications", "/applications?status=approved", "/inbound?status=unmatched",
                    "/inbound#inb-waiting"},
    "manager0900": {"/stats/certificates?status=valid", "/stats/certificates?status=replaced",
                    "/stats/certificates?status=withdrawn"},
    "sysadmin": {"/stats/certificates?status=valid", "/admin/registrations"},
}


def hrefs(page: dict) -> set[str]:
    text = json.dumps(page, ensure_ascii=False).replace("\\u002f", "/")
    return set(re.findall(r'"href":\s*"([^"]+)"', text))


@pytest.mark.parametrize("account", list(EXPECTED))
def test_the_home_figures_link_to_the_lists_the_user_may_open(matrix_client, account):
    links = hrefs(render_page(matrix_client(account), "/"))
    wanted = {link for link in EXPECTED[account] if "status=" not in link or "/stats/" in link or "/inbound" in link}
    assert wanted <= links, links
    assert all(link.startswith(("/declarations", "/applications", "/stats/certificates", "/admin/registrations",
                                "/inbound")) for link in links), links
    for link in links:
        status = matrix_client(account).get(link.split("?")[0].split("#")[0])
        assert status.status_code == 200, (account, link)  # never a link to a page the user may not open
    if account in ("manager0900", "sysadmin"):  # no applications of theirs to open
        assert not {"/declarations", "/applications"} & links


def test_a_task_opens_its_status_and_the_list_starts_there(matrix_app, matrix_client):
    from layouts.applications import ids

    page = render_page(matrix_client("officer0901"), "/applications", "?status=approved,bogus")
    text = json.dumps(page)
    found = re.search(r'"id":\s*"%s"' % ids.APPS_STATUS, text)
    assert found
    dropdown = next(node for node in component_nodes(page) if node.get("props", {}).get("id") == ids.APPS_STATUS)
    assert dropdown["props"]["value"] == ["approved"]  # an unknown status is left out
