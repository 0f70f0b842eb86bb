"""Roles and permissions glue: open a role, save it, delete it, save its permissions, give it to users."""
from __future__ import annotations

from dash import ALL, Input, Output, State, no_update

from auth.permissions import Perm
from callbacks.admin.forms import ADMIN_ERRORS, admin_refusal, clicked_action, node_outputs, open_node, shown_or_new
from callbacks.inputs import as_id, as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
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


@page_callback(
    output=node_outputs(ids.ROLE_PANEL, ids.ROLE_CURRENT, ids.ROLE_TREE, ids.ROLE_MESSAGE),
    inputs={"nodes": Input({"type": ids.ROLE_NODE, "code": ALL}, "n_clicks"), "new": Input(ids.ROLE_NEW, "n_clicks")},
    prevent_initial_call=True,
)
def open_role(r: PageRequest, nodes, new):
    return open_node(r, _panel, _tree, NOT_FOUND)


ASSIGN = {"type": ids.ROLE_OPTION, "name": "assign"}


@page_callback(
    output=Output(ASSIGN, "options"),
    inputs={"text": Input(ASSIGN, "search_value"), "chosen": State(ASSIGN, "value"), "shown": State(ASSIGN, "options")},
    refused=lambda t, exc, text, chosen, shown: [],  # giving roles to users is user administration too
    refuses=(AccessDenied,), prevent_initial_call=True,
)
def find_users(r: PageRequest, text, chosen, shown):
    """Offer the users whose account or name contains the text, keeping those already chosen."""
    text = as_text(text).strip()
    if not text:
        return no_update
    chosen = chosen if isinstance(chosen, list) else []
    kept = [o for o in shown or [] if isinstance(o, dict) and o.get("value") in chosen]
    found = user_options(search_users(r.s, r.actor, UserFilter(text=text), 0, 20).rows)
    return kept + [o for o in found if o["value"] not in chosen]


@page_callback(
    output={**node_outputs(ids.ROLE_PANEL, ids.ROLE_CURRENT, ids.ROLE_TREE, ids.ROLE_MESSAGE, again=True),
            "errors": Output(ERROR, "children")},
    inputs={"save": Input(ids.ROLE_SAVE, "n_clicks"),
            "actions": Input({"type": ids.ROLE_ACTION, "action": ALL}, "n_clicks"),
            "confirms": Input({"type": ids.ROLE_CONFIRM, "action": ALL}, "submit_n_clicks"),
            "values": State(FIELD, "value"), "granted": State({"type": ids.ROLE_PERMS, "area": ALL}, "value"),
            "options": State({"type": ids.ROLE_OPTION, "name": ALL}, "value"), "current": State(ids.ROLE_CURRENT, "data")},
    refused=admin_refusal(NOT_FOUND), refuses=ADMIN_ERRORS, prevent_initial_call=True,
)
def act(r: PageRequest, save, actions, confirms, values, granted, options, current):
    code = current if isinstance(current, str) else None
    action = clicked_action(ids.ROLE_SAVE)
    if action is None or (action != "save" and code is None):
        return no_update
    option = {item["id"]["name"]: item.get("value") for item in wildcard("options")}
    n = 0
    if action == "save":
        raw = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("values")}
        form = RoleForm(**{k: raw.get(k, "") for k in RoleForm.__dataclass_fields__})
        if code is None:
            code = create_role(r.s, r.actor, form).code
            action = "created"
        else:
            update_role(r.s, r.actor, code, form)
            action = "updated"
    elif action == "delete":
        gone = next((role for role in role_tree(r.s, r.actor) if role.code == code), None)
        delete_role(r.s, r.actor, code)
        action, name = "deleted", r.t.pick(gone.name_zh, gone.name_en) if gone else code
    elif action == "permissions":
        set_role_permissions(r.s, r.actor, code, [p for chosen in granted or [] for p in (chosen or [])])
    elif action == "assign":
        chosen = option.get("assign") or []
        n = assign_users(r.s, r.actor, code, [i for i in chosen if as_id(i) is not None])
    elif action == "move":
        n = move_role_users(r.s, r.actor, code, as_text(option.get("move_to")))
    else:
        return no_update
    if action != "deleted":
        node = next((role for role in role_tree(r.s, r.actor) if role.code == code), None)
        name = r.t.pick(node.name_zh, node.name_en) if node else code
    shown = None if action == "deleted" else code
    return {"message": done(action_done(r.t, action, name, n)), "errors": [""] * len(wildcard_outputs("errors")),
            "panel": _panel(r.s, r.t, r.actor, shown), "current": shown, "tree": _tree(r.s, r.t, r.actor, shown)}
