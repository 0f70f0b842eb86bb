"""Overseas users glue: fill the form for editing, save, enable or disable, delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor
from callbacks.inputs import as_id, as_text
from callbacks.page import MENU_SETTINGS, PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
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


def _table(r: PageRequest):
    return users_table(r.t, list_overseas_users(r.s, r.actor), dict(_countries(r.t, r.s)))


FORM_OUTPUTS = {
    "values": Output(FIELD, "value"),
    "editing": Output(ids.OVU_EDITING, "data"),
    "title": Output(ids.OVU_FORM_TITLE, "children"),
    "account_fixed": Output({"type": ids.OVU_FIELD, "name": "account"}, "disabled"),
}


@page_callback(
    output=FORM_OUTPUTS,
    inputs={"edits": Input({"type": ids.OVU_EDIT, "index": ALL}, "n_clicks"), "new": Input(ids.OVU_NEW, "n_clicks")},
    prevent_initial_call=True,
)
def fill_form(r: PageRequest, edits, new):
    names = [item["id"]["name"] for item in wildcard_outputs("values")]
    if ctx.triggered_id == ids.OVU_NEW:
        return _blank(r.t, names)
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0]["value"]:
        return no_update  # the table was redrawn, nobody clicked
    user_id = int(ctx.triggered_id["index"])
    row = next((u for u in list_overseas_users(r.s, r.actor) if u.id == user_id), None)
    if row is None:
        return no_update
    values = {"account": row.account, "real_name": row.real_name, "organisation": row.organisation or "",
              "country": row.country or "", "language": row.language, "email": row.email or ""}
    return {"values": [values.get(n, "") for n in names], "editing": user_id,
            "title": r.t("Edit {account}", account=row.account), "account_fixed": True}


def _blank(t: Translator, names: list[str]) -> dict:
    return {"values": [{"language": "en"}.get(n, "") for n in names], "editing": None,
            "title": t("New overseas user"), "account_fixed": False}


ACT_OUTPUTS = {
    "message": Output(ids.OVU_MESSAGE, "children"),
    "table": Output(ids.OVU_TABLE, "children"),
    "errors": Output(ERROR, "children"),
    **{key: Output(o.component_id, o.component_property, allow_duplicate=True) for key, o in FORM_OUTPUTS.items()},
}


def _not_done(t: Translator, exc: Exception, **_inputs) -> dict:
    """Form errors next to their fields; a user that is gone: said, and the table drawn again."""
    names = [item["id"]["name"] for item in wildcard_outputs("errors")]
    if isinstance(exc, OverseasUserInvalid):
        return {"errors": [reason(t, exc.errors[n]) if n in exc.errors else "" for n in names]}
    with session_scope() as s:
        table = users_table(t, list_overseas_users(s, current_actor()), dict(_countries(t, s)))
    return {"message": saved_message(t, "not_found"), "table": table, "errors": [""] * len(names)}


@page_callback(
    output=ACT_OUTPUTS,
    inputs={"save": Input(ids.OVU_SAVE, "n_clicks"), "toggles": Input({"type": ids.OVU_TOGGLE, "index": ALL}, "n_clicks"),
            "deletes": Input({"type": ids.OVU_DELETE, "index": ALL}, "submit_n_clicks"),
            "values": State(FIELD, "value"), "editing": State(ids.OVU_EDITING, "data")},
    refused=_not_done, refuses=(NotFound, OverseasUserInvalid), prevent_initial_call=True,
)
def act(r: PageRequest, save, toggles, deletes, values, editing):
    trigger = ctx.triggered_id
    if trigger is None or (trigger != ids.OVU_SAVE and not ctx.triggered[0]["value"]):
        return no_update
    if trigger == ids.OVU_SAVE:
        raw = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("values")}
        form = OverseasUserForm(**{k: raw.get(k, "") for k in OverseasUserForm.__dataclass_fields__})
        if as_id(editing) is not None:
            update_overseas_user(r.s, r.actor, editing, form)
            done = "updated"
        else:
            create_overseas_user(r.s, r.actor, form)
            done = "created"
    elif trigger["type"] == ids.OVU_TOGGLE:
        user_id = int(trigger["index"])
        row = next((u for u in list_overseas_users(r.s, r.actor) if u.id == user_id), None)
        if row is None:
            raise NotFound(str(user_id))
        set_overseas_active(r.s, r.actor, user_id, not row.active)
        done = "disabled" if row.active else "enabled"
    else:
        delete_overseas_user(r.s, r.actor, int(trigger["index"]))
        done = "deleted"
    answer = {"message": saved_message(r.t, done), "table": _table(r),
              "errors": [""] * len(wildcard_outputs("errors"))}
    if trigger == ids.OVU_SAVE:
        answer.update(_blank(r.t, [item["id"]["name"] for item in wildcard_outputs("values")]))
    return answer
