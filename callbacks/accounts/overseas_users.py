"""Overseas users glue: fill the form for editing, save, enable or disable, delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import MENU_SETTINGS, PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.accounts.overseas import (
    OverseasUserForm,
    OverseasUserInvalid,
    country_options,
    create_overseas_user,
    delete_overseas_user,
    list_overseas_users,
    set_overseas_active,
    update_overseas_user,
)
from data.core.scope import Actor, NotFound
from layouts.accounts import ids
from layouts.accounts.overseas_users import overseas_users_page, reason, saved_message, users_table

FIELD = {"type": ids.OVU_FIELD, "name": ALL}
ERROR = {"type": ids.OVU_ERROR, "name": ALL}


def _countries(t: Translator, s) -> list[tuple[str, str]]:
    return [(code, f"{t.pick(zh, en)} ({code})") for code, zh, en in country_options(s)]


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        return overseas_users_page(t, list_overseas_users(s, actor), _countries(t, s))


PAGE = PageSpec(
    "overseas_users", "/enterprise/overseas-users", N_("Overseas users"), Perm.ENTERPRISE_MANAGE, ids.OVU, render,
    menu_group=MENU_SETTINGS, order=260)


def _table(t: Translator, actor: Actor):
    with session_scope() as s:
        return users_table(t, list_overseas_users(s, actor), dict(_countries(t, s)))


@callback(
    Output(FIELD, "value"),
    Output(ids.OVU_EDITING, "data"),
    Output(ids.OVU_FORM_TITLE, "children"),
    Output({"type": ids.OVU_FIELD, "name": "account"}, "disabled"),
    Input({"type": ids.OVU_EDIT, "index": ALL}, "n_clicks"),
    Input(ids.OVU_NEW, "n_clicks"),
    prevent_initial_call=True,
)
def fill_form(edit_clicks, _new):
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    if ctx.triggered_id == ids.OVU_NEW:
        return _blank(t, names)
    unchanged = ([no_update] * len(names), no_update, no_update, no_update)  # wildcard outputs take lists
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0]["value"]:
        return unchanged  # the table was redrawn, nobody clicked
    user_id = int(ctx.triggered_id["index"])
    with session_scope() as s:
        row = next((r for r in list_overseas_users(s, current_actor()) if r.id == user_id), None)
    if row is None:
        return unchanged
    values = {"account": row.account, "real_name": row.real_name, "organisation": row.organisation or "",
              "country": row.country or "", "language": row.language, "email": row.email or ""}
    return [values.get(n, "") for n in names], user_id, t("Edit {account}", account=row.account), True


def _blank(t: Translator, names: list[str]):
    return [{"language": "en"}.get(n, "") for n in names], None, t("New overseas user"), False


@callback(
    Output(ids.OVU_MESSAGE, "children"),
    Output(ids.OVU_TABLE, "children"),
    Output(ERROR, "children"),
    Output(FIELD, "value", allow_duplicate=True),
    Output(ids.OVU_EDITING, "data", allow_duplicate=True),
    Output(ids.OVU_FORM_TITLE, "children", allow_duplicate=True),
    Output({"type": ids.OVU_FIELD, "name": "account"}, "disabled", allow_duplicate=True),
    Input(ids.OVU_SAVE, "n_clicks"),
    Input({"type": ids.OVU_TOGGLE, "index": ALL}, "n_clicks"),
    Input({"type": ids.OVU_DELETE, "index": ALL}, "submit_n_clicks"),
    State(FIELD, "value"),
    State(ids.OVU_EDITING, "data"),
    prevent_initial_call=True,
)
def act(_save, toggles, deletes, values, editing):
    t = request_translator()
    actor = current_actor()
    error_names = [item["id"]["name"] for item in ctx.outputs_list[2]]
    no_errors = [""] * len(error_names)
    trigger = ctx.triggered_id
    keep_errors = [no_update] * len(error_names)  # wildcard outputs take lists
    keep_form = ([no_update] * len(ctx.outputs_list[3]), no_update, no_update, no_update)
    if trigger is None or (trigger != ids.OVU_SAVE and not ctx.triggered[0]["value"]):
        return (no_update, no_update, keep_errors, *keep_form)
    try:
        with session_scope() as s:
            if trigger == ids.OVU_SAVE:
                names = [item["id"]["name"] for item in ctx.states_list[0]]
                raw = {n: as_text(v) for n, v in zip(names, values)}
                form = OverseasUserForm(**{k: raw.get(k, "") for k in OverseasUserForm.__dataclass_fields__})
                if isinstance(editing, int):
                    update_overseas_user(s, actor, editing, form)
                    done = "updated"
                else:
                    create_overseas_user(s, actor, form)
                    done = "created"
            elif trigger["type"] == ids.OVU_TOGGLE:
                user_id = int(trigger["index"])
                row = next((r for r in list_overseas_users(s, actor) if r.id == user_id), None)
                if row is None:
                    raise NotFound(str(user_id))
                set_overseas_active(s, actor, user_id, not row.active)
                done = "disabled" if row.active else "enabled"
            else:
                delete_overseas_user(s, actor, int(trigger["index"]))
                done = "deleted"
    except OverseasUserInvalid as exc:
        return (no_update, no_update, [reason(t, exc.errors[n]) if n in exc.errors else "" for n in error_names],
                *keep_form)
    except NotFound:
        return (saved_message(t, "not_found"), _table(t, actor), no_errors, *keep_form)
    form_reset = _blank(t, [item["id"]["name"] for item in ctx.outputs_list[3]]) if trigger == ids.OVU_SAVE \
        else keep_form
    return (saved_message(t, done), _table(t, actor), no_errors, *form_reset)
