"""Audit log glue: filters in, one page of events out."""
from __future__ import annotations

from dash import Input, Output, State, callback, ctx

from auth.permissions import Perm
from auth.session import request_translator
from callbacks.inputs import as_date, as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
from dashboard.core.i18n import N_, Translator
from data.core.audit import EVENT_GROUPS, EventFilter, search_events
from data.core.scope import Actor
from layouts.admin import ids
from layouts.admin.audit import PAGE_SIZE, audit_page, audit_rows, audit_total, event_detail


def render(actor: Actor, t: Translator, **_query):
    return audit_page(t)


PAGE = PageSpec(
    "audit", "/admin/audit", N_("Audit log"), Perm.ADMIN_AUDIT, ids.AUDIT, render, menu_group=MENU_ADMIN, order=330)


@page_callback(
    output=paged_list_outputs(ids.AUDIT_TABLE, ids.AUDIT_PAGER, ids.AUDIT_TOTAL),
    inputs={"account": Input(ids.AUDIT_ACCOUNT, "value"), "group": Input(ids.AUDIT_GROUP, "value"),
            "object_type": Input(ids.AUDIT_OBJECT_TYPE, "value"), "object_id": Input(ids.AUDIT_OBJECT, "value"),
            "start": Input(ids.AUDIT_DATES, "start_date"), "end": Input(ids.AUDIT_DATES, "end_date"),
            "active_page": Input(ids.AUDIT_PAGER, "active_page")},
)
def search(r: PageRequest, account, group, object_type, object_id, start, end, active_page):
    page_index = (active_page or 1) - 1 if ctx.triggered_id == ids.AUDIT_PAGER else 0
    prefix = group if group in EVENT_GROUPS else ""
    f = EventFilter(as_text(account), prefix, as_text(object_id), as_date(start), as_date(end),
                    object_type=as_text(object_type))
    page = search_events(r.s, r.actor, f, page_index, PAGE_SIZE)
    return paged_list(audit_rows(r.t, page), page, audit_total(r.t, page))


@callback(
    Output(ids.AUDIT_DETAIL, "children"),
    Input(ids.AUDIT_TABLE, "cellClicked"),
    State(ids.AUDIT_TABLE, "rowData"),
)
def show_event(clicked, rows):
    """Show the clicked event's values before and after (from the rows on screen: no new query)."""
    row_id = str(clicked.get("rowId")) if isinstance(clicked, dict) else None
    row = next((r for r in rows or [] if isinstance(r, dict) and str(r.get("id")) == row_id), None)
    return event_detail(request_translator(), row)
