"""Roles and permissions glue: open a role, save it, delete it, save its permissions, give it to users."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.admin.forms import ADMIN_ERRORS, clicked_action, error_names, failure, open_node, shown_or_new
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.admin.roles import (
    RoleForm,
    assign_users,
    create_role,
    delete_role,
    move_role_users,
    permission_tree,
    role_tree,
    role_users,
    set_role_permissions,
    update_role,
)
from data.admin.users import UserFilter, search_users
from data.core.audit import object_history
from data.core.scope import AccessDenied, Actor, NotFound
from layouts.admin import ids
from layouts.admin.roles import NOT_FOUND, action_done, role_panel, role_tree_list, roles_page, user_options
from layouts.admin.texts import done

FIELD = {"type": ids.ROLE_FIELD, "name": ALL}
ERROR = {"type": ids.ROLE_ERROR, "name": ALL}


def _panel(s, t: Translator, actor: Actor, code: str | None):
    nodes = role_tree(s, actor)
    node = next((n for n in nodes if n.code == code), None)
    if code is not None and node is None:
        raise NotFound(f"role {code}")
    if node is None:
        return role_panel(t, None, nodes=nodes, areas=permission_tree(), users=[], history=[])
    return role_panel(t, node, nodes=nodes, areas=permission_tree(), users=role_users(s, actor, node.code),
                      history=object_history(s, actor, "role", node.code))


def _tree(s, t: Translator, actor: Actor, code: str | None):
    return role_tree_list(t, role_tree(s, actor), code)


def render(actor: Actor, t: Translator, code: str | None = None, **_query):
    with session_scope() as s:
        panel, code = shown_or_new(s, t, actor, _panel, code)
        return roles_page(t, role_tree(s, actor), panel, code)


PAGE = PageSpec(
    "admin_roles", "/admin/roles", N_("Roles and permissions"), Perm.ADMIN_ROLES, ids.ROLE, render,
    menu_group=MENU_ADMIN, order=300)


@callback(
    Output(ids.ROLE_PANEL, "children"),
    Output(ids.ROLE_CURRENT, "data"),
    Output(ids.ROLE_TREE, "children"),
    Output(ids.ROLE_MESSAGE, "children"),
    Input({"type": ids.ROLE_NODE, "code": ALL}, "n_clicks"),
    Input(ids.ROLE_NEW, "n_clicks"),
    prevent_initial_call=True,
)
def open_role(_nodes, _new):
    return open_node(_panel, _tree, NOT_FOUND)


@callback(
    Output({"type": ids.ROLE_OPTION, "name": "assign"}, "options"),
    Input({"type": ids.ROLE_OPTION, "name": "assign"}, "search_value"),
    State({"type": ids.ROLE_OPTION, "name": "assign"}, "value"),
    State({"type": ids.ROLE_OPTION, "name": "assign"}, "options"),
    prevent_initial_call=True,
)
def find_users(text, chosen, shown):
    """Offer the users whose account or name contains the text, keeping those already chosen."""
    text = as_text(text).strip()
    if not text:
        return no_update
    kept = [o for o in shown or [] if isinstance(o, dict) and o.get("value") in (chosen or [])]
    with session_scope() as s:
        try:
            found = user_options(search_users(s, current_actor(), UserFilter(text=text), 0, 20).rows)
        except AccessDenied:  # giving roles to users is user administration too
            found = []
    return kept + [o for o in found if o["value"] not in (chosen or [])]


@callback(
    Output(ids.ROLE_MESSAGE, "children", allow_duplicate=True),
    Output(ERROR, "children"),
    Output(ids.ROLE_PANEL, "children", allow_duplicate=True),
    Output(ids.ROLE_CURRENT, "data", allow_duplicate=True),
    Output(ids.ROLE_TREE, "children", allow_duplicate=True),
    Input(ids.ROLE_SAVE, "n_clicks"),
    Input({"type": ids.ROLE_ACTION, "action": ALL}, "n_clicks"),
    Input({"type": ids.ROLE_CONFIRM, "action": ALL}, "submit_n_clicks"),
    State(FIELD, "value"),
    State({"type": ids.ROLE_PERMS, "area": ALL}, "value"),
    State({"type": ids.ROLE_OPTION, "name": ALL}, "value"),
    State(ids.ROLE_CURRENT, "data"),
    prevent_initial_call=True,
)
def act(_save, _actions, _confirms, values, granted, options, current):
    t = request_translator()
    actor = current_actor()
    names = error_names(1)
    code = current if isinstance(current, str) else None
    action = clicked_action(ids.ROLE_SAVE)
    unchanged = (no_update, [no_update] * len(names), no_update, no_update, no_update)
    if action is None or (action != "save" and code is None):
        return unchanged
    option = {item["id"]["name"]: v for item, v in zip(ctx.states_list[2], options)}
    n = 0
    try:
        with session_scope() as s:
            if action == "save":
                raw = {item["id"]["name"]: as_text(v) for item, v in zip(ctx.states_list[0], values)}
                form = RoleForm(**{k: raw.get(k, "") for k in RoleForm.__dataclass_fields__})
                if code is None:
                    code = create_role(s, actor, form).code
                    action = "created"
                else:
                    update_role(s, actor, code, form)
                    action = "updated"
            elif action == "delete":
                gone = next((r for r in role_tree(s, actor) if r.code == code), None)
                delete_role(s, actor, code)
                action, name = "deleted", t.pick(gone.name_zh, gone.name_en) if gone else code
            elif action == "permissions":
                set_role_permissions(s, actor, code, [p for chosen in granted for p in (chosen or [])])
            elif action == "assign":
                chosen = option.get("assign") or []
                n = assign_users(s, actor, code, [i for i in chosen if isinstance(i, int)])
            elif action == "move":
                n = move_role_users(s, actor, code, as_text(option.get("move_to")))
            else:
                return unchanged
            if action != "deleted":
                node = next((r for r in role_tree(s, actor) if r.code == code), None)
                name = t.pick(node.name_zh, node.name_en) if node else code
    except ADMIN_ERRORS as exc:
        message, errors = failure(t, exc, names, NOT_FOUND)
        return message, errors, no_update, no_update, no_update
    shown = None if action == "deleted" else code
    with session_scope() as s:
        panel = _panel(s, t, actor, shown)
        tree = _tree(s, t, actor, shown)
    return done(action_done(t, action, name, n)), [""] * len(names), panel, shown, tree
