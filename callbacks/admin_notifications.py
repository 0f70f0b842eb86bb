"""Notifications page glue: the list, the new/edit form, publish/withdraw/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.login import current_actor
from callbacks.admin_dictionaries import bump
from callbacks.inputs import as_text
from dashboard import ids
from dashboard.i18n import Translator
from dashboard.request import request_translator
from dashboard.store import session_scope
from data.admin_common import AdminInvalid
from data.admin_notifications import (
    delete_notification,
    get_notification,
    list_notifications,
    save_notification,
    set_published,
    target_choices,
)
from data.scope import Actor, NotFound
from layouts.admin_common import alert, reason
from layouts.admin_notifications import PAGE_SIZE, form_values, notification_rows, notifications_page, total_text

FIELD = {"type": ids.ANOTE_FIELD, "name": ALL}
ERROR = {"type": ids.ANOTE_ERROR, "name": ALL}


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        choices = target_choices(s, actor)
    return notifications_page(t, choices)


def picked_id(rows) -> int | None:
    found = [r.get("id") for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    return found[0] if len(found) == 1 and isinstance(found[0], int) and not isinstance(found[0], bool) else None


@callback(
    Output(ids.ANOTE_TABLE, "rowData"),
    Output(ids.ANOTE_PAGER, "max_value"),
    Output(ids.ANOTE_TOTAL, "children"),
    Output(ids.ANOTE_PAGER, "active_page"),
    Input(ids.ANOTE_SEARCH, "value"),
    Input(ids.ANOTE_PAGER, "active_page"),
    Input(ids.ANOTE_RELOAD, "data"),
)
def show_page(text, active_page, _reload):
    t = request_translator()
    keep = ctx.triggered_id in (ids.ANOTE_PAGER, ids.ANOTE_RELOAD) and isinstance(active_page, int)
    page_index = max(0, active_page - 1) if keep else 0
    with session_scope() as s:
        actor = current_actor()
        page = list_notifications(s, actor, as_text(text), page_index, PAGE_SIZE)
        if not page.rows and page_index:
            page = list_notifications(s, actor, as_text(text), 0, PAGE_SIZE)
        rows = notification_rows(t, page, target_choices(s, actor))
    return rows, page.page_count, total_text(t, page), page.page + 1


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
    chosen = picked_id(selected)
    if chosen is None:
        return (*refused, alert(t("Select one notification first."), ok=False))
    try:
        with session_scope() as s:
            n = get_notification(s, current_actor(), chosen)
    except NotFound:
        return (*refused, alert(t("This notification no longer exists."), ok=False))
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
    error_names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    names = [item["id"]["name"] for item in ctx.states_list[0]]
    typed = dict(zip(names, values or []))
    chosen = editing if isinstance(editing, int) and not isinstance(editing, bool) else None
    try:
        with session_scope() as s:
            save_notification(s, current_actor(), chosen, typed)
    except AdminInvalid as exc:
        return [reason(t, exc.errors[n]) if n in exc.errors else "" for n in error_names], no_update, no_update, \
            no_update
    except NotFound:
        return [""] * len(error_names), False, bump(reloads), alert(t("This notification no longer exists."), ok=False)
    done = t("Notification added.") if chosen is None else t("Notification saved.")
    return [""] * len(error_names), False, bump(reloads), alert(done)


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
    chosen = picked_id(selected)
    if chosen is None:
        return alert(t("Select one notification first."), ok=False), no_update
    try:
        with session_scope() as s:
            if ctx.triggered_id == ids.ANOTE_DELETE:
                delete_notification(s, current_actor(), chosen)
                done = t("Notification deleted.")
            else:
                published = ctx.triggered_id == ids.ANOTE_PUBLISH
                set_published(s, current_actor(), chosen, published)
                done = t("Notification published.") if published else t("Notification withdrawn.")
    except NotFound:
        return alert(t("This notification no longer exists."), ok=False), bump(reloads)
    return alert(done), bump(reloads)
