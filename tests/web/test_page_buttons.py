"""Buttons that once answered 500 (a bare no_update for a pattern-matching output, nothing picked): each
shows its message now. Driven as the browser drives them, through the Flask client."""
from __future__ import annotations

import json

from layouts.admin import ids as admin_ids
from layouts.declarations import ids
from tests.support.dash_calls import call, component_text

ENTRY = ("hs_code", "name_zh", "name_en", "quantity", "quantity_unit", "weight", "weight_unit", "packages",
         "package_type", "purpose", "origin_country", "value", "currency")



def _goods(app, client, button: str, entry: dict, rows=(), selected=()):
    values = {ids.DECLF_STATE: {"id": None, "version": None, "direction": "exit", "goods_defaults": {}},
              ids.DECLF_GOODS_GRID: list(rows), button: 1}
    wildcards = {ids.DECLF_GOODS_FIELD: [({"type": ids.DECLF_GOODS_FIELD, "name": n}, entry.get(n, "")) for n in ENTRY],
                 ids.DECLF_GOODS_ERROR: [({"type": ids.DECLF_GOODS_ERROR, "name": n}, None) for n in ENTRY]}
    answer = call(app, client, ids.DECLF_GOODS_MESSAGE, values, trigger=f"{button}.n_clicks", wildcards=wildcards)
    assert isinstance(answer, dict), answer.status_code  # a 200 with the page's answer, not a 500
    return answer


def _error(answer, name: str):
    return answer[json.dumps({"name": name, "type": ids.DECLF_GOODS_ERROR}, separators=(",", ":"))]["children"]


def test_goods_buttons_say_what_is_missing(matrix_app, matrix_client):
    client = matrix_client("ent_a_oper")
    empty = _goods(matrix_app, client, ids.DECLF_GOODS_ADD, {})
    assert component_text(empty[ids.DECLF_GOODS_MESSAGE]["children"]) == "请先填写货物信息。"
    assert ids.DECLF_GOODS_GRID not in empty  # the list stays as it is

    for button in (ids.DECLF_GOODS_UPDATE, ids.DECLF_GOODS_DELETE):
        nothing_picked = _goods(matrix_app, client, button, {"hs_code": "0303890090", "name_zh": "冻鱼"})
        assert component_text(nothing_picked[ids.DECLF_GOODS_MESSAGE]["children"]).startswith("请先在列表中选中")
        assert ids.DECLF_GOODS_GRID not in nothing_picked

    bad_code = _goods(matrix_app, client, ids.DECLF_GOODS_ADD, {"hs_code": "abc", "name_zh": "冻鱼"})
    assert _error(bad_code, "hs_code")  # the reason next to the HS code
    assert component_text(bad_code[ids.DECLF_GOODS_MESSAGE]["children"]) == "该行货物有误，未添加。"
    assert _error(bad_code, "name_zh") == ""
    assert ids.DECLF_GOODS_GRID not in bad_code


def test_editing_a_format_with_nothing_picked_says_so(matrix_app, matrix_client):
    answer = call(matrix_app, matrix_client("sysadmin"), admin_ids.AFMT_MODAL_TITLE,
                  {admin_ids.AFMT_EDIT: 1, admin_ids.AFMT_TABLE: []}, trigger=f"{admin_ids.AFMT_EDIT}.n_clicks")
    assert isinstance(answer, dict), answer.status_code
    assert component_text(answer[admin_ids.AFMT_MESSAGE]["children"])
    assert admin_ids.AFMT_MODAL not in answer  # the editor stays closed
