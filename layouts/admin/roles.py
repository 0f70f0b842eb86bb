"""Roles and permissions page (Liaoning 5.2.2 功能权限, 5.2.6 角色管理): the role tree, one role's form,
its permissions as a tree of areas, its users, and its history."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.admin.roles import RoleNode, RoleUser
from data.admin.rules import KIND_FAMILY
from data.core.audit import EventRow
from layouts.admin import ids
from layouts.admin.audit import history_card
from layouts.common import dropdown_labels, label_for, page_header

AREA_LABELS = {
    "general": N_("General"),
    "enterprise": N_("Enterprise work"),
    "customs": N_("Customs work"),
    "statistics": N_("Statistics"),
    "overseas": N_("Overseas portal"),
    "administration": N_("Administration"),
    "other": N_("Other"),
}
FORM_FIELDS = (("code", N_("Role code"), 32), ("name_zh", N_("Chinese name"), 64), ("name_en", N_("English name"), 64))


def _field(name: str) -> dict:
    return {"type": ids.ROLE_FIELD, "name": name}


def _error(name: str) -> html.Div:
    return html.Div(id={"type": ids.ROLE_ERROR, "name": name}, className="invalid-feedback d-block")


def role_tree_list(t: Translator, nodes: list[RoleNode], current: str | None) -> html.Div:
    """The role tree: each role a button, indented under its parent, with its number of users."""
    items = []
    for n in nodes:
        badges = [dbc.Badge(t.number(n.users), color="light", text_color="dark", className="ms-1",
                            title=t("Users"))]
        if n.builtin:
            badges.insert(0, dbc.Badge(t("built in"), color="secondary", className="ms-1"))
        items.append(dbc.ListGroupItem(
            [html.Span(t.pick(n.name_zh, n.name_en)), html.Small(f" {n.code}", className="font-monospace"), *badges],
            id={"type": ids.ROLE_NODE, "code": n.code}, action=True, active=n.code == current, n_clicks=0,
            style={"paddingLeft": f"{0.75 + 1.25 * n.depth}rem"}))
    return dbc.ListGroup(items, flush=True)


def roles_page(t: Translator, nodes: list[RoleNode], panel, current: str | None) -> html.Div:
    return html.Div([
        page_header(t("Roles and permissions"),
                    t("The role tree; what each role may use; who holds it. A change applies at each user's next "
                      "step, without signing in again.")),
        html.Div(id=ids.ROLE_MESSAGE),
        dbc.Row([
            dbc.Col([
                dbc.Button(t("New role"), id=ids.ROLE_NEW, color="primary", size="sm", className="mb-2"),
                html.Div(role_tree_list(t, nodes, current), id=ids.ROLE_TREE),
            ], md=4),
            dbc.Col(html.Div(panel, id=ids.ROLE_PANEL), md=8),
        ]),
        dcc.Store(id=ids.ROLE_CURRENT, data=current),
    ])


def _parents(t: Translator, nodes: list[RoleNode], node: RoleNode | None) -> list[dict]:
    """Roles a role may sit under: any, except itself and the roles below it."""
    below: set[str] = set()
    if node is not None:
        below = {node.code}
        for n in nodes:  # depth first: children come after their parent
            if n.parent_code in below:
                below.add(n.code)
    return [{"label": f"{'· ' * n.depth}{t.pick(n.name_zh, n.name_en)} ({n.code})", "value": n.code}
            for n in nodes if n.code not in below]


def role_panel(t: Translator, node: RoleNode | None, *, nodes: list[RoleNode], areas, users: list[RoleUser],
               history: list[EventRow]) -> html.Div:
    """The form of a new role (node None), or a stored role's form, permissions, users and history."""
    values = {"code": node.code, "name_zh": node.name_zh, "name_en": node.name_en} if node else {}
    inputs = [dbc.Col([label_for(t(label), _field(name)),
                       dbc.Input(id=_field(name), value=values.get(name, ""), maxLength=limit,
                                 disabled=name == "code" and node is not None),
                       _error(name)], md=4, className="mb-3") for name, label, limit in FORM_FIELDS]
    parent = dbc.Col([
        label_for(t("Under"), _field("parent_code")),
        dbc.Select(id=_field("parent_code"), options=_parents(t, nodes, node),
                   value=node.parent_code if node else None, disabled=bool(node and node.builtin)),
        _error("parent_code"),
        dbc.FormText(t("A new role takes the kind of the built-in role above it: whether its users belong to a "
                       "customs district or an enterprise, and which records they see.")),
    ], md=8, className="mb-3")
    buttons = [dbc.Button(t("Save"), id=ids.ROLE_SAVE, color="primary", className="me-2")]
    if node is not None and not node.builtin:
        buttons.append(dcc.ConfirmDialogProvider(
            dbc.Button(t("Delete"), color="danger", outline=True),
            id={"type": ids.ROLE_CONFIRM, "action": "delete"},
            message=t("Delete the role {role}?", role=t.pick(node.name_zh, node.name_en))))
    title = t("Role {role}", role=t.pick(node.name_zh, node.name_en)) if node else t("New role")
    form = dbc.Card([dbc.CardHeader(title, className="fw-semibold"),
                     dbc.CardBody([dbc.Row(inputs), dbc.Row(parent), html.Div(buttons, className="d-flex")])])
    if node is None:
        return html.Div(form)
    return html.Div([form, permissions_card(t, node, areas), users_card(t, node, nodes, users),
                     history_card(t, history, ids.ROLE_HISTORY)])


def permissions_card(t: Translator, node: RoleNode, areas) -> dbc.Card:
    """The permission tree: one branch per area, each permission a check box."""
    branches = []
    for area, permissions in areas:
        granted = [p.code for p in permissions if p.code in node.permissions]
        summary = t("{area} ({granted} of {total})", area=t(AREA_LABELS.get(area, area)),
                    granted=t.number(len(granted)), total=t.number(len(permissions)))
        branches.append(html.Details([
            html.Summary(summary, className="fw-semibold"),
            dbc.Checklist(id={"type": ids.ROLE_PERMS, "area": area}, value=granted, className="ms-4 my-1",
                          options=[{"label": f"{t.pick(p.name_zh, p.name_en)} ({p.code})", "value": p.code}
                                   for p in permissions]),
        ], open=True, className="mb-2"))
    return dbc.Card([
        dbc.CardHeader(t("Permissions"), className="fw-semibold"),
        dbc.CardBody([*branches, dbc.Button(t("Save permissions"), id={"type": ids.ROLE_ACTION,
                                                                        "action": "permissions"}, color="primary")]),
    ], className="mt-3")


def users_card(t: Translator, node: RoleNode, nodes: list[RoleNode], users: list[RoleUser]) -> dbc.Card:
    """Who holds the role; give it to more users; move them all to another role of the same kind."""
    if users:
        rows = [html.Tr([html.Td(u.account), html.Td(u.real_name),
                         html.Td(t("Deleted") if u.deleted else t("Active") if u.active else t("Deactivated"))])
                for u in users]
        table = dbc.Table([html.Thead(html.Tr([html.Th(t("Account")), html.Th(t("Name")), html.Th(t("Status"))])),
                           html.Tbody(rows)], size="sm", hover=True, id=ids.ROLE_USERS)
    else:
        table = html.P(t("Nobody holds this role."), className="text-muted", id=ids.ROLE_USERS)
    family = KIND_FAMILY.get(node.kind or "")
    targets = [{"label": f"{t.pick(n.name_zh, n.name_en)} ({n.code})", "value": n.code} for n in nodes
               if n.code != node.code and KIND_FAMILY.get(n.kind or "") == family]
    assign = dbc.Row([
        dbc.Col(dcc.Dropdown(labels=dropdown_labels(t),
                             id={"type": ids.ROLE_OPTION, "name": "assign"}, multi=True, options=[],
                             placeholder=t("Type an account or name to find users")), md=9),
        dbc.Col(dbc.Button(t("Give them this role"), id={"type": ids.ROLE_ACTION, "action": "assign"},
                           color="primary", outline=True), md=3),
    ], className="g-2 mb-2")
    move = dbc.Row([
        dbc.Col([label_for(t("Another role of the same kind"), {"type": ids.ROLE_OPTION, "name": "move_to"},
                           className="visually-hidden"),
                 dbc.Select(id={"type": ids.ROLE_OPTION, "name": "move_to"}, options=targets,
                            placeholder=t("Another role of the same kind"))], md=9),
        dbc.Col(dcc.ConfirmDialogProvider(
            dbc.Button(t("Move all its users"), color="warning", outline=True),
            id={"type": ids.ROLE_CONFIRM, "action": "move"},
            message=t("Give every user of this role the chosen role instead?")), md=3),
    ], className="g-2") if users else None
    return dbc.Card([dbc.CardHeader(t("Users of this role"), className="fw-semibold"),
                     dbc.CardBody([table, assign, move])], className="mt-3")


def user_options(rows) -> list[dict]:
    return [{"label": f"{r.account} · {r.real_name}", "value": r.id} for r in rows]


def action_done(t: Translator, action: str, role: str, n: int = 0) -> str:
    texts = {
        "created": N_("Role {role} added; now choose its permissions."),
        "updated": N_("Role {role} saved."),
        "deleted": N_("Role {role} deleted."),
        "permissions": N_("Permissions of {role} saved; they apply at its users' next step."),
        "assign": N_("{n} users now hold the role {role}."),
        "move": N_("{n} users moved from the role {role}."),
    }
    return t(texts[action], role=role, n=t.number(n))


NOT_FOUND = N_("This role no longer exists.")
