"""Users page glue: search, open a user, save, reset, lock, unlock, deactivate, reactivate."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update
from flask import current_app

from auth.permissions import Perm
from callbacks.admin.forms import ADMIN_ERRORS, admin_refusal, clicked_action, shown_or_new
from callbacks.inputs import as_date, as_id, as_text, parse_id
from callbacks.page import (
    MENU_ADMIN,
    PageRequest,
    PageSpec,
    page_callback,
    paged_list,
    paged_list_outputs,
    wildcard,
    wildcard_outputs,
)
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.admin.districts import district_tree
from data.admin.users import (
    USER_STATUSES,
    UserFilter,
    UserForm,
    country_choices,
    create_user,
    enterprise_choices,
    lock_user,
    role_choices,
    search_users,
    send_password_reset,
    set_user_active,
    unlock_user,
    update_user,
    user_detail,
    user_timeline,
)
from data.core.scope import Actor, NotFound
from layouts.admin import ids
from layouts.admin.texts import done, failed
from layouts.admin.users import (
    ANY,
    HIDDEN,
    NOT_FOUND,
    PAGE_SIZE,
    action_done,
    enterprise_options,
    user_panel,
    user_rows,
    users_page,
    users_total,
)

FIELD = {"type": ids.USR_FIELD, "name": ALL}
ERROR = {"type": ids.USR_ERROR, "name": ALL}
SHOWN = {}


def _panel(s, t: Translator, actor: Actor, user_id: int | None):
    """Render the form of a new user, or of a stored one with its actions and timeline."""
    detail = user_detail(s, actor, user_id) if user_id is not None else None
    keep = detail.form.enterprise_id if detail else None
    return user_panel(t, detail, roles=role_choices(s, actor), districts=district_tree(s, actor),
                      enterprises=enterprise_choices(s, actor, keep=keep), countries=country_choices(s, actor),
                      timeline=user_timeline(s, actor, user_id) if detail else None)


def _user_id(value) -> int | None:
    return parse_id(value)


def render(actor: Actor, t: Translator, id: str | None = None, **_query):  # noqa: A002 (the query's name)
    with session_scope() as s:
        panel, user_id = shown_or_new(s, t, actor, _panel, _user_id(id))
        return users_page(t, role_choices(s, actor), district_tree(s, actor), panel, editing=user_id)


PAGE = PageSpec(
    "admin_users", "/admin/users", N_("User management"), Perm.ADMIN_USERS, ids.USR, render, menu_group=MENU_ADMIN,
    order=290)


@page_callback(
    output=paged_list_outputs(ids.USR_TABLE, ids.USR_PAGER, ids.USR_TOTAL),
    inputs={"text": Input(ids.USR_F_TEXT, "value"), "status": Input(ids.USR_F_STATUS, "value"),
            "role": Input(ids.USR_F_ROLE, "value"), "district": Input(ids.USR_F_DISTRICT, "value"),
            "enterprise": Input(ids.USR_F_ENTERPRISE, "value"), "start": Input(ids.USR_F_CREATED, "start_date"),
            "end": Input(ids.USR_F_CREATED, "end_date"), "active_page": Input(ids.USR_PAGER, "active_page"),
            "refresh": Input(ids.USR_REFRESH, "data")},
)
def search(r: PageRequest, text, status, role, district, enterprise, start, end, active_page, refresh):
    page_index = (active_page or 1) - 1 if ctx.triggered_id in (ids.USR_PAGER, ids.USR_REFRESH) else 0
    f = UserFilter(text=as_text(text), status=status if status in USER_STATUSES else "",
                   role="" if role == ANY else as_text(role),
                   district_code=as_text(district), enterprise_id=_user_id(enterprise), created_from=as_date(start),
                   created_to=as_date(end))
    page = search_users(r.s, r.actor, f, page_index, PAGE_SIZE)
    return paged_list(user_rows(r.t, page), page, users_total(r.t, page))


@callback(
    Output(ids.USR_F_TEXT, "value"),
    Output(ids.USR_F_STATUS, "value"),
    Output(ids.USR_F_ROLE, "value"),
    Output(ids.USR_F_DISTRICT, "value"),
    Output(ids.USR_F_ENTERPRISE, "value"),
    Output(ids.USR_F_CREATED, "start_date"),
    Output(ids.USR_F_CREATED, "end_date"),
    Input(ids.USR_F_RESET, "n_clicks"),
    prevent_initial_call=True,
)
def reset_filters(_clicks):
    return "", ANY, ANY, None, None, None, None


@page_callback(
    output=Output(ids.USR_F_ENTERPRISE, "options"),
    inputs={"text": Input(ids.USR_F_ENTERPRISE, "search_value"), "chosen": State(ids.USR_F_ENTERPRISE, "value")},
)
def filter_enterprises(r: PageRequest, text, chosen):
    return _enterprise_options(r, text, chosen)


FORM_ENTERPRISE = {"type": ids.USR_FIELD, "name": "enterprise_id"}


@page_callback(
    output=Output(FORM_ENTERPRISE, "options"),
    inputs={"text": Input(FORM_ENTERPRISE, "search_value"), "chosen": State(FORM_ENTERPRISE, "value")},
    prevent_initial_call=True,
)
def form_enterprises(r: PageRequest, text, chosen):
    if not text:
        return no_update  # keep the options the form was drawn with
    return _enterprise_options(r, text, chosen)


def _enterprise_options(r: PageRequest, text, chosen) -> list[dict]:
    return enterprise_options(r.t, enterprise_choices(r.s, r.actor, as_text(text), keep=_user_id(chosen)))


@callback(
    Output(ids.USR_DISTRICT_BOX, "style"),
    Output(ids.USR_ENTERPRISE_BOX, "style"),
    Output(ids.USR_OVERSEAS_BOX, "style"),
    Input({"type": ids.USR_FIELD, "name": "role"}, "value"),
    State(ids.USR_ROLE_KINDS, "data"),
)
def organisation_fields(role, kinds):
    """Show the district for customs roles, the enterprise for enterprise and overseas roles."""
    family = (kinds or {}).get(role, "") if isinstance(role, str) else ""
    return (SHOWN if family in ("customs", "") else HIDDEN,
            SHOWN if family in ("enterprise", "overseas") else HIDDEN,
            SHOWN if family == "overseas" else HIDDEN)


@page_callback(
    output={"panel": Output(ids.USR_PANEL, "children"), "editing": Output(ids.USR_EDITING, "data"),
            "message": Output(ids.USR_MESSAGE, "children")},
    inputs={"clicked": Input(ids.USR_TABLE, "cellClicked"), "new": Input(ids.USR_NEW, "n_clicks")},
    prevent_initial_call=True,
)
def open_user(r: PageRequest, clicked, new):
    user_id = None
    if ctx.triggered_id == ids.USR_TABLE:
        user_id = _user_id(clicked.get("rowId") if isinstance(clicked, dict) else None)
        if user_id is None:
            return no_update
    try:
        return {"panel": _panel(r.s, r.t, r.actor, user_id), "editing": user_id, "message": None}
    except NotFound:
        return {"panel": _panel(r.s, r.t, r.actor, None), "editing": None, "message": failed(r.t(NOT_FOUND))}


def _form(values: list, names: list[str], kinds) -> UserForm:
    """The form as shown: what the chosen role's kind hides (a district, an enterprise) is not sent on."""
    raw = dict(zip(names, values))
    text = {k: as_text(v) for k, v in raw.items()}
    enterprise = raw.get("enterprise_id")
    family = (kinds or {}).get(text.get("role", ""), "") if isinstance(kinds, dict) else ""
    if family in ("admin", "enterprise", "overseas"):
        text["district_code"] = ""
    if family != "overseas":
        text["organisation"] = text["country"] = ""
    if family in ("admin", "customs") or as_id(enterprise) is None:
        enterprise = None
    return UserForm(**{k: text.get(k, "") for k in UserForm.__dataclass_fields__ if k != "enterprise_id"},
                    enterprise_id=enterprise)


@page_callback(
    output={"message": Output(ids.USR_MESSAGE, "children", allow_duplicate=True), "errors": Output(ERROR, "children"),
            "panel": Output(ids.USR_PANEL, "children", allow_duplicate=True),
            "editing": Output(ids.USR_EDITING, "data", allow_duplicate=True), "refresh": Output(ids.USR_REFRESH, "data")},
    inputs={"save": Input(ids.USR_SAVE, "n_clicks"),
            "actions": Input({"type": ids.USR_ACTION, "action": ALL}, "n_clicks"),
            "confirms": Input({"type": ids.USR_CONFIRM, "action": ALL}, "submit_n_clicks"),
            "values": State(FIELD, "value"), "editing": State(ids.USR_EDITING, "data"),
            "lock_hours": State({"type": ids.USR_LOCK_HOURS, "name": ALL}, "value"),
            "refresh": State(ids.USR_REFRESH, "data"), "kinds": State(ids.USR_ROLE_KINDS, "data")},
    refused=admin_refusal(NOT_FOUND), refuses=ADMIN_ERRORS, prevent_initial_call=True,
)
def act(r: PageRequest, save, actions, confirms, values, editing, lock_hours, refresh, kinds):
    user_id = as_id(editing)
    action = clicked_action(ids.USR_SAVE)
    if action is None or (action != "save" and user_id is None):
        return no_update
    base_url = current_app.config["CERTDASH_SETTINGS"].public_url
    if action == "save":
        form = _form([item.get("value") for item in wildcard("values")], [item["id"]["name"] for item in wildcard("values")],
                     kinds)
        if user_id is None:
            user_id = create_user(r.s, r.actor, form, base_url=base_url).id
            action = "created" if form.password else "created_link"
        else:
            update_user(r.s, r.actor, user_id, form)
            action = "updated"
    elif action == "reset":
        send_password_reset(r.s, r.actor, user_id, base_url=base_url)
    elif action == "lock":
        lock_user(r.s, r.actor, user_id, _hours(lock_hours))
    elif action == "unlock":
        unlock_user(r.s, r.actor, user_id)
    elif action in ("deactivate", "reactivate"):
        set_user_active(r.s, r.actor, user_id, action == "reactivate")
    else:
        return no_update
    account = user_detail(r.s, r.actor, user_id).form.account
    return {"message": done(action_done(r.t, action, account)), "errors": [""] * len(wildcard_outputs("errors")),
            "panel": _panel(r.s, r.t, r.actor, user_id), "editing": user_id,
            "refresh": (refresh if isinstance(refresh, int) else 0) + 1}


def _hours(chosen: list) -> int:
    """The lock time chosen beside the Lock button; anything else is refused by the service."""
    try:
        return int(chosen[0])
    except (TypeError, ValueError, IndexError):
        return -1
