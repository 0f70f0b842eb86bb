"""Organisation structure glue: open a district, save it, retire or reactivate it, delete it."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.admin.forms import ADMIN_ERRORS, clicked_action, error_names, failure, open_node, shown_or_new
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageSpec
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


@callback(
    Output(ids.DIST_PANEL, "children"),
    Output(ids.DIST_CURRENT, "data"),
    Output(ids.DIST_TREE, "children"),
    Output(ids.DIST_MESSAGE, "children"),
    Input({"type": ids.DIST_NODE, "code": ALL}, "n_clicks"),
    Input(ids.DIST_NEW, "n_clicks"),
    prevent_initial_call=True,
)
def open_district(_nodes, _new):
    return open_node(_panel, _tree, NOT_FOUND)


@callback(
    Output(ids.DIST_MESSAGE, "children", allow_duplicate=True),
    Output(ERROR, "children"),
    Output(ids.DIST_PANEL, "children", allow_duplicate=True),
    Output(ids.DIST_CURRENT, "data", allow_duplicate=True),
    Output(ids.DIST_TREE, "children", allow_duplicate=True),
    Input(ids.DIST_SAVE, "n_clicks"),
    Input({"type": ids.DIST_ACTION, "action": ALL}, "n_clicks"),
    Input({"type": ids.DIST_CONFIRM, "action": ALL}, "submit_n_clicks"),
    State(FIELD, "value"),
    State(ids.DIST_CURRENT, "data"),
    prevent_initial_call=True,
)
def act(_save, _actions, _confirms, values, current):
    t = request_translator()
    actor = current_actor()
    names = error_names(1)
    code = current if isinstance(current, str) else None
    action = clicked_action(ids.DIST_SAVE)
    if action is None or (action != "save" and code is None):
        return no_update, [no_update] * len(names), no_update, no_update, no_update
    try:
        with session_scope() as s:
            if action == "save":
                raw = {item["id"]["name"]: as_text(v) for item, v in zip(ctx.states_list[0], values)}
                form = {k: raw.get(k, "") for k in DistrictForm.model_fields}
                district = create_district(s, actor, form) if code is None else update_district(s, actor, code, form)
                action = "created" if code is None else "updated"
                code, name = district.code, t.pick(district.name_zh, district.name_en)
            elif action in ("retire", "reactivate"):
                district = set_district_active(s, actor, code, action == "reactivate")
                name = t.pick(district.name_zh, district.name_en)
            elif action == "delete":
                gone = delete_district(s, actor, code)
                name, code = t.pick(gone["name_zh"], gone["name_en"]), None
            else:
                return no_update, [no_update] * len(names), no_update, no_update, no_update
    except ADMIN_ERRORS as exc:
        message, errors = failure(t, exc, names, NOT_FOUND)
        return message, errors, no_update, no_update, no_update
    with session_scope() as s:
        panel = _panel(s, t, actor, code)
        tree = _tree(s, t, actor, code)
    return done(action_done(t, action, name)), [""] * len(names), panel, code, tree
