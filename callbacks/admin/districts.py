"""Organisation structure glue: open a district, save it, retire or reactivate it, delete it."""
from __future__ import annotations

from dash import ALL, Input, Output, State, no_update

from auth.permissions import Perm
from callbacks.admin.forms import ADMIN_ERRORS, admin_refusal, clicked_action, node_outputs, open_node, shown_or_new
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.admin.districts import (
    DistrictForm,
    create_district,
    delete_district,
    district_tree,
    set_district_active,
    update_district,
)
from data.core.audit import object_history
from data.core.scope import Actor, NotFound
from layouts.admin import ids
from layouts.admin.districts import NOT_FOUND, action_done, district_panel, district_tree_list, districts_page
from layouts.admin.texts import done

FIELD = {"type": ids.DIST_FIELD, "name": ALL}
ERROR = {"type": ids.DIST_ERROR, "name": ALL}


def _panel(s, t: Translator, actor: Actor, code: str | None):
    nodes = district_tree(s, actor)
    node = next((d for d in nodes if d.code == code), None)
    if code is not None and node is None:
        raise NotFound(f"district {code}")
    history = object_history(s, actor, "district", node.code) if node else []
    return district_panel(t, node, nodes=nodes, history=history)


def _tree(s, t: Translator, actor: Actor, code: str | None):
    return district_tree_list(t, district_tree(s, actor), code)


def render(actor: Actor, t: Translator, code: str | None = None, **_query):
    with session_scope() as s:
        panel, code = shown_or_new(s, t, actor, _panel, code)
        return districts_page(t, district_tree(s, actor), panel, code)


PAGE = PageSpec(
    "admin_districts", "/admin/districts", N_("Organisation structure"), Perm.ADMIN_DISTRICTS, ids.DIST, render,
    menu_group=MENU_ADMIN, order=310)


@page_callback(
    output=node_outputs(ids.DIST_PANEL, ids.DIST_CURRENT, ids.DIST_TREE, ids.DIST_MESSAGE),
    inputs={"nodes": Input({"type": ids.DIST_NODE, "code": ALL}, "n_clicks"), "new": Input(ids.DIST_NEW, "n_clicks")},
    prevent_initial_call=True,
)
def open_district(r: PageRequest, nodes, new):
    return open_node(r, _panel, _tree, NOT_FOUND)


@page_callback(
    output={**node_outputs(ids.DIST_PANEL, ids.DIST_CURRENT, ids.DIST_TREE, ids.DIST_MESSAGE, again=True),
            "errors": Output(ERROR, "children")},
    inputs={"save": Input(ids.DIST_SAVE, "n_clicks"),
            "actions": Input({"type": ids.DIST_ACTION, "action": ALL}, "n_clicks"),
            "confirms": Input({"type": ids.DIST_CONFIRM, "action": ALL}, "submit_n_clicks"),
            "values": State(FIELD, "value"), "current": State(ids.DIST_CURRENT, "data")},
    refused=admin_refusal(NOT_FOUND), refuses=ADMIN_ERRORS, prevent_initial_call=True,
)
def act(r: PageRequest, save, actions, confirms, values, current):
    code = current if isinstance(current, str) else None
    action = clicked_action(ids.DIST_SAVE)
    if action is None or (action != "save" and code is None):
        return no_update
    if action == "save":
        raw = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("values")}
        form = {k: raw.get(k, "") for k in DistrictForm.model_fields}
        district = create_district(r.s, r.actor, form) if code is None else update_district(r.s, r.actor, code, form)
        action = "created" if code is None else "updated"
        code, name = district.code, r.t.pick(district.name_zh, district.name_en)
    elif action in ("retire", "reactivate"):
        district = set_district_active(r.s, r.actor, code, action == "reactivate")
        name = r.t.pick(district.name_zh, district.name_en)
    elif action == "delete":
        gone = delete_district(r.s, r.actor, code)
        name, code = r.t.pick(gone["name_zh"], gone["name_en"]), None
    else:
        return no_update
    return {"message": done(action_done(r.t, action, name)), "errors": [""] * len(wildcard_outputs("errors")),
            "panel": _panel(r.s, r.t, r.actor, code), "current": code, "tree": _tree(r.s, r.t, r.actor, code)}
