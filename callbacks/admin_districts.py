"""Organisation structure glue: open a district, save it, retire or reactivate it, delete it."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.login import current_actor
from callbacks.inputs import as_text
from dashboard import ids
from dashboard.i18n import Translator
from dashboard.request import request_translator
from dashboard.store import session_scope
from data.admin_districts import (
    DistrictForm,
    create_district,
    delete_district,
    district_tree,
    set_district_active,
    update_district,
)
from data.admin_rules import AdminInvalid, AdminRefused
from data.audit import object_history
from data.scope import Actor, NotFound
from layouts.admin_districts import NOT_FOUND, action_done, district_panel, district_tree_list, districts_page
from layouts.admin_texts import done, failed, field_reason, refusal

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
        try:
            panel = _panel(s, t, actor, code or None)
        except NotFound:
            code, panel = None, _panel(s, t, actor, None)
        return districts_page(t, district_tree(s, actor), panel, code or None)


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
    trigger = ctx.triggered_id
    if trigger is None or not ctx.triggered[0]["value"]:
        return no_update, no_update, no_update, no_update  # the tree was redrawn, nobody clicked
    code = trigger["code"] if isinstance(trigger, dict) else None
    t = request_translator()
    actor = current_actor()
    with session_scope() as s:
        try:
            return _panel(s, t, actor, code), code, _tree(s, t, actor, code), None
        except NotFound:
            return _panel(s, t, actor, None), None, _tree(s, t, actor, None), failed(t(NOT_FOUND))


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
    error_names = [item["id"]["name"] for item in ctx.outputs_list[1]]
    no_errors = [""] * len(error_names)
    unchanged = (no_update, [no_update] * len(error_names), no_update, no_update, no_update)
    trigger = ctx.triggered_id
    if trigger is None or (trigger != ids.DIST_SAVE and not ctx.triggered[0]["value"]):
        return unchanged  # redrawn, not clicked
    action = "save" if trigger == ids.DIST_SAVE else trigger["action"]
    code = current if isinstance(current, str) else None
    if action != "save" and code is None:
        return unchanged
    try:
        with session_scope() as s:
            if action == "save":
                raw = {item["id"]["name"]: as_text(v) for item, v in zip(ctx.states_list[0], values)}
                form = DistrictForm(**{k: raw.get(k, "") for k in DistrictForm.__dataclass_fields__})
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
                return unchanged
    except AdminInvalid as exc:
        return (failed(t("Please correct the marked fields.")),
                [field_reason(t, exc.errors[n]) if n in exc.errors else "" for n in error_names],
                no_update, no_update, no_update)
    except AdminRefused as exc:
        return refusal(t, exc), no_errors, no_update, no_update, no_update
    except NotFound:
        return failed(t(NOT_FOUND)), no_errors, no_update, no_update, no_update
    with session_scope() as s:
        panel = _panel(s, t, actor, code)
        tree = _tree(s, t, actor, code)
    return done(action_done(t, action, name)), no_errors, panel, code, tree
