"""Notifications page glue: the list, the new/edit form, publish/withdraw/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx

from auth.permissions import Perm
from callbacks.admin.lists import (
    ACTION_REFUSALS,
    SAVE_REFUSALS,
    acted,
    action_outputs,
    action_refusal,
    page_index,
    picked,
    save_outputs,
    save_refusal,
    saved,
    shown_page,
)
from callbacks.inputs import as_id, as_text
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
from data.admin.notifications import (
    delete_notification,
    get_notification,
    list_notifications,
    save_notification,
    set_published,
    target_choices,
)
from data.core.scope import Actor
from layouts.admin import ids
from layouts.admin.common import alert
from layouts.admin.notifications import PAGE_SIZE, form_values, notification_rows, notifications_page, total_text

FIELD = {"type": ids.ANOTE_FIELD, "name": ALL}
ERROR = {"type": ids.ANOTE_ERROR, "name": ALL}
GONE = N_("This notification no longer exists.")


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        choices = target_choices(s, actor)
    return notifications_page(t, choices)


PAGE = PageSpec(
    "admin_notifications", "/admin/notifications", N_("Manage notifications"), Perm.ADMIN_NOTIFICATIONS, ids.ANOTE,
    render, menu_group=MENU_ADMIN, order=360)


@page_callback(
    output=paged_list_outputs(ids.ANOTE_TABLE, ids.ANOTE_PAGER, ids.ANOTE_TOTAL),
    inputs={"text": Input(ids.ANOTE_SEARCH, "value"), "active_page": Input(ids.ANOTE_PAGER, "active_page"),
            "reload": Input(ids.ANOTE_RELOAD, "data")},
)
def show_page(r: PageRequest, text, active_page, reload):
    first = page_index(active_page, ids.ANOTE_PAGER, ids.ANOTE_RELOAD)
    page = shown_page(lambda n: list_notifications(r.s, r.actor, as_text(text), n, PAGE_SIZE), first)
    return paged_list(notification_rows(r.t, page, target_choices(r.s, r.actor)), page, total_text(r.t, page))


@page_callback(
    output={"modal": Output(ids.ANOTE_MODAL, "is_open"), "values": Output(FIELD, "value"),
            "errors": Output(ERROR, "children"), "editing": Output(ids.ANOTE_EDITING, "data"),
            "title": Output(ids.ANOTE_MODAL_TITLE, "children"), "message": Output(ids.ANOTE_MESSAGE, "children")},
    inputs={"new": Input(ids.ANOTE_NEW, "n_clicks"), "edit": Input(ids.ANOTE_EDIT, "n_clicks"),
            "selected": State(ids.ANOTE_TABLE, "selectedRows")},
    refused=lambda t, _exc, **_inputs: {"message": alert(t(GONE), ok=False)}, prevent_initial_call=True,
)
def open_form(r: PageRequest, new, edit, selected):
    names = [item["id"]["name"] for item in wildcard_outputs("values")]
    errors = [""] * len(wildcard_outputs("errors"))
    if ctx.triggered_id == ids.ANOTE_NEW:
        return {"modal": True, "values": form_values(None, names), "errors": errors, "editing": None,
                "title": r.t("New notification"), "message": None}
    chosen = picked(selected, "id", int)
    if chosen is None:
        return {"message": alert(r.t("Select one notification first."), ok=False)}
    n = get_notification(r.s, r.actor, chosen)
    return {"modal": True, "values": form_values(n, names), "errors": errors, "editing": chosen,
            "title": r.t("Edit notification"), "message": None}


@page_callback(
    output=save_outputs(ERROR, ids.ANOTE_MODAL, ids.ANOTE_RELOAD, ids.ANOTE_MESSAGE),
    inputs={"save": Input(ids.ANOTE_SAVE, "n_clicks"), "values": State(FIELD, "value"),
            "editing": State(ids.ANOTE_EDITING, "data"), "reloads": State(ids.ANOTE_RELOAD, "data")},
    refused=save_refusal(GONE), refuses=SAVE_REFUSALS, prevent_initial_call=True,
)
def save(r: PageRequest, save, values, editing, reloads):
    typed = {item["id"]["name"]: item.get("value") for item in wildcard("values")}
    chosen = as_id(editing)
    save_notification(r.s, r.actor, chosen, typed)
    return saved(r.t("Notification added.") if chosen is None else r.t("Notification saved."), reloads)


@page_callback(
    output=action_outputs(ids.ANOTE_MESSAGE, ids.ANOTE_RELOAD),
    inputs={"publish": Input(ids.ANOTE_PUBLISH, "n_clicks"), "unpublish": Input(ids.ANOTE_UNPUBLISH, "n_clicks"),
            "delete": Input(ids.ANOTE_DELETE, "submit_n_clicks"), "selected": State(ids.ANOTE_TABLE, "selectedRows"),
            "reloads": State(ids.ANOTE_RELOAD, "data")},
    refused=action_refusal(GONE), refuses=ACTION_REFUSALS, prevent_initial_call=True,
)
def act(r: PageRequest, publish, unpublish, delete, selected, reloads):
    chosen, action = picked(selected, "id", int), ctx.triggered_id
    if chosen is None:
        return {"message": alert(r.t("Select one notification first."), ok=False)}
    if action == ids.ANOTE_DELETE:
        delete_notification(r.s, r.actor, chosen)
        return acted(r.t("Notification deleted."), reloads)
    published = action == ids.ANOTE_PUBLISH
    set_published(r.s, r.actor, chosen, published)
    return acted(r.t("Notification published.") if published else r.t("Notification withdrawn."), reloads)
