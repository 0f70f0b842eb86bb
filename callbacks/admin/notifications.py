"""Notifications page glue: the list, the new/edit form, publish/withdraw/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.admin.lists import page_index, picked, run_action, shown_page, submit
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
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
from data.core.scope import Actor, NotFound
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


@callback(
    Output(ids.ANOTE_MODAL, "is_open"),
    Output(FIELD, "value"),
    Output(ERROR, "children"),
    Output(ids.ANOTE_EDITING, "data"),
    Output(ids.ANOTE_MODAL_TITLE, "children"),
    Output(ids.ANOTE_MESSAGE, "children"),
    Input(ids.ANOTE_NEW, "n_clicks"),
    Input(ids.ANOTE_EDIT, "n_clicks"),
    State(ids.ANOTE_TABLE, "selectedRows"),
    prevent_initial_call=True,
)
def open_form(_new, _edit, selected):
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.outputs_list[1]]
    errors = [""] * len(ctx.outputs_list[2])
    if ctx.triggered_id == ids.ANOTE_NEW:
        return True, form_values(None, names), errors, None, t("New notification"), None
    refused = (no_update, [no_update] * len(names), [no_update] * len(errors), no_update, no_update)
    chosen = picked(selected, "id", int)
    if chosen is None:
        return (*refused, alert(t("Select one notification first."), ok=False))
    try:
        with session_scope() as s:
            n = get_notification(s, current_actor(), chosen)
    except NotFound:
        return (*refused, alert(t(GONE), ok=False))
    return True, form_values(n, names), errors, chosen, t("Edit notification"), None


@callback(
    Output(ERROR, "children", allow_duplicate=True),
    Output(ids.ANOTE_MODAL, "is_open", allow_duplicate=True),
    Output(ids.ANOTE_RELOAD, "data", allow_duplicate=True),
    Output(ids.ANOTE_MESSAGE, "children", allow_duplicate=True),
    Input(ids.ANOTE_SAVE, "n_clicks"),
    State(FIELD, "value"),
    State(ids.ANOTE_EDITING, "data"),
    State(ids.ANOTE_RELOAD, "data"),
    prevent_initial_call=True,
)
def save(_n, values, editing, reloads):
    t = request_translator()
    typed = dict(zip([item["id"]["name"] for item in ctx.states_list[0]], values or []))
    chosen = editing if isinstance(editing, int) and not isinstance(editing, bool) else None

    def write(s, actor) -> str:
        save_notification(s, actor, chosen, typed)
        return t("Notification added.") if chosen is None else t("Notification saved.")

    return submit(write, GONE, reloads)


@callback(
    Output(ids.ANOTE_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ANOTE_RELOAD, "data", allow_duplicate=True),
    Input(ids.ANOTE_PUBLISH, "n_clicks"),
    Input(ids.ANOTE_UNPUBLISH, "n_clicks"),
    Input(ids.ANOTE_DELETE, "submit_n_clicks"),
    State(ids.ANOTE_TABLE, "selectedRows"),
    State(ids.ANOTE_RELOAD, "data"),
    prevent_initial_call=True,
)
def act(_publish, _unpublish, _delete, selected, reloads):
    t = request_translator()
    chosen, action = picked(selected, "id", int), ctx.triggered_id
    if chosen is None:
        return alert(t("Select one notification first."), ok=False), no_update

    def change(s, actor) -> str:
        if action == ids.ANOTE_DELETE:
            delete_notification(s, actor, chosen)
            return t("Notification deleted.")
        published = action == ids.ANOTE_PUBLISH
        set_published(s, actor, chosen, published)
        return t("Notification published.") if published else t("Notification withdrawn.")

    return run_action(change, GONE, reloads)
