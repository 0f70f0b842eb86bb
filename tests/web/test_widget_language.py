"""Widgets speak the user's language: every dropdown's own texts (search, counts, "no options") and the grids'
pager texts, on the pages that hold them, in Chinese and in English (issue 16, item 11)."""
from __future__ import annotations

import json

import pytest

from tests.support.dash_calls import component_nodes
from tests.support.world import render_page

ENGLISH_WIDGET_TEXTS = ("No options found", "Select all", "Deselect all", "{num_selected} selected", "Clear search",
                        "Clear selection", "First page", "Last page")
PAGES = {  # a page of each kind of dropdown and grid, for an account that may open it
    "/ledger": "ent_a_oper", "/declarations": "ent_a_oper", "/stats/issuance": "manager0900",
    "/stats/certificates": "manager0900", "/admin/users": "sysadmin", "/applications": "officer0901",
}




@pytest.mark.parametrize("path", list(PAGES))
def test_the_widgets_of_a_chinese_page_speak_chinese(matrix_client, path):
    page = render_page(matrix_client(PAGES[path]), path)
    dropdowns = [n for n in component_nodes(page) if n.get("type") == "Dropdown"]
    grids = [n for n in component_nodes(page) if n.get("type") == "AgGrid"]
    assert dropdowns or grids, path
    for dropdown in dropdowns:
        labels = dropdown["props"].get("labels") or {}
        assert labels.get("no_options_found") == "没有匹配的选项" and labels.get("selected_count") == "已选 {num_selected} 项"
    text = json.dumps(page, ensure_ascii=False)
    assert not [w for w in ENGLISH_WIDGET_TEXTS if w in text], path


def test_an_english_page_keeps_english_widgets(matrix_client):
    client = matrix_client("ent_a_oper")
    client.get("/lang/en")
    page = render_page(client, "/ledger")
    labels = next(n for n in component_nodes(page) if n.get("type") == "Dropdown")["props"]["labels"]
    assert labels["no_options_found"] == "No options found" and labels["search"] == "Search"
