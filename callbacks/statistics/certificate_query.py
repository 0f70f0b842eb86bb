"""Certificate query glue: filters from the URL or the panel, pages and sorts from the grid."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, no_update

from auth.permissions import Perm
from callbacks.page import MENU_STATS, PageRequest, PageSpec, page_callback, wildcard
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.budget import TooSlow
from data.core.scope import Actor
from data.statistics.certificate_filters import (
    DATE_RANGES,
    MAX_ROWS,
    CertificateQuery,
    Cursor,
    QueryInvalid,
    check_codes,
    cursor_data,
    fields_of_url,
    parse_query,
    parse_sort,
    read_cursor,
    read_query,
    url_parameters,
)
from data.statistics.certificate_query import certificate_page, count_rows, filter_options
from layouts.statistics import ids
from layouts.statistics.certificate_query import PAGE_SIZE, count_text, grid_rows, problems, query_page, too_slow


def render(actor: Actor, t: Translator, **query):
    """The page; filters given in the URL (the statistics' drill-down links here) are set and run."""
    q, errors = read_query(fields_of_url(query))
    sort, descending = parse_sort(query.get("sort"))
    count, slow = None, None
    with session_scope() as s:
        options = filter_options(s, actor)
        if not errors:
            try:
                check_codes(s, actor, q)
            except QueryInvalid as exc:
                errors = exc.errors
        if not errors:
            try:
                count = count_rows(s, actor, q)
            except TooSlow:
                slow = too_slow(t, "count")
    if errors:  # nothing is listed until the filters are right
        return query_page(t, options, q, sort, descending, None, problems(t, errors))
    return query_page(t, options, q, sort, descending, {"filters": url_parameters(q)}, slow, count=count)


PAGE = PageSpec(
    "certificate_query", "/stats/certificates", N_("Certificate query"), Perm.STATS_VIEW, ids.CERTQ, render,
    menu_group=MENU_STATS, order=210)


def _filters_of(fields: list[dict], ranges_start: list[dict], ranges_end: list[dict]) -> dict[str, object]:
    """What the panel holds, by filter field (pattern-matching states carry their names in their ids)."""
    values: dict[str, object] = {}
    for state in fields:
        values[state["id"]["name"]] = state.get("value")
    for states, side in ((ranges_start, 0), (ranges_end, 1)):
        for state in states:
            pair = DATE_RANGES.get(state["id"]["name"])
            if pair:
                values[pair[side]] = state.get("value")
    return values


@page_callback(
    output={"query": Output(ids.CERTQ_QUERY, "data"), "message": Output(ids.CERTQ_MESSAGE, "children"),
            "count": Output(ids.CERTQ_COUNT, "children")},
    inputs={"search": Input(ids.CERTQ_SEARCH, "n_clicks"),
            "fields": State({"type": ids.CERTQ_FIELD, "name": ALL}, "value"),
            "starts": State({"type": ids.CERTQ_RANGE, "name": ALL}, "start_date"),
            "ends": State({"type": ids.CERTQ_RANGE, "name": ALL}, "end_date")},
    refused=lambda t, exc, **_inputs: {"message": problems(t, exc.errors), "count": ""},
    refuses=(QueryInvalid,), prevent_initial_call=True,
)
def search(r: PageRequest, search, fields, starts, ends):
    q = parse_query(_filters_of(wildcard("fields"), wildcard("starts"), wildcard("ends")))
    check_codes(r.s, r.actor, q)
    try:
        return {"query": {"filters": url_parameters(q)}, "message": None, "count": count_text(r.t, count_rows(r.s, r.actor, q))}
    except TooSlow:  # the rows are still listed: only their number is not known
        return {"query": {"filters": url_parameters(q)}, "message": too_slow(r.t, "count"), "count": ""}


@callback(
    Output({"type": ids.CERTQ_FIELD, "name": ALL}, "value"),
    Output({"type": ids.CERTQ_RANGE, "name": ALL}, "start_date"),
    Output({"type": ids.CERTQ_RANGE, "name": ALL}, "end_date"),
    Output(ids.CERTQ_MESSAGE, "children", allow_duplicate=True),
    Input(ids.CERTQ_RESET, "n_clicks"),
    prevent_initial_call=True,
)
def reset(_clicks):
    """Empty every filter (重置); the rows shown stay until the next search."""
    outputs = ctx.outputs_list if isinstance(ctx.outputs_list, list) and len(ctx.outputs_list) == 4 else None
    if outputs is None:
        return no_update, no_update, no_update, no_update
    return [None] * len(outputs[0]), [None] * len(outputs[1]), [None] * len(outputs[2]), None


@page_callback(output={"rows": Output(ids.CERTQ_GRID, "getRowsResponse"),
                       "notice": Output(ids.CERTQ_NOTICE, "children"),
                       "cursors": Output(ids.CERTQ_CURSORS, "data")},
               inputs={"request": Input(ids.CERTQ_GRID, "getRowsRequest")},
               state={"data": State(ids.CERTQ_QUERY, "data"), "kept": State(ids.CERTQ_CURSORS, "data")},
               refused=lambda t, exc, **_inputs: {"rows": {"rowData": [], "rowCount": 0}, "notice": too_slow(t, "page")},
               refuses=(TooSlow,))
def rows(r: PageRequest, request, data, kept=None):
    """One page of rows for the grid, in the order of the column it is sorted by.

    Each block after the first is read after the last row of the block before (keyset), found in this process's
    CURSORS or in what the browser kept (`kept`: the cursors of the tab's present filters and sort, which any
    worker can read); without either, by offset.
    """
    if not isinstance(request, dict):
        return {}
    q = _stored_query(data)
    try:
        start = max(0, int(request.get("startRow") or 0))
    except (TypeError, ValueError):
        start = 0
    if q is None or start >= MAX_ROWS:
        return {"rows": {"rowData": [], "rowCount": min(start, MAX_ROWS) if q is not None else 0}, "notice": None}
    sort, descending = _sort_of(request.get("sortModel"))
    page = start // PAGE_SIZE
    filters = json.dumps(data["filters"], sort_keys=True)
    where = (r.actor.user_id if r.actor else 0, filters, sort, descending)
    tab = kept if isinstance(kept, dict) and kept.get("where") == [filters, sort, descending] else {}
    at = tab.get("at") if isinstance(tab.get("at"), dict) else {}
    after = (CURSORS.get((*where, page * PAGE_SIZE)) or read_cursor(at.get(str(page * PAGE_SIZE)), sort)) if page else None
    window = certificate_page(r.s, r.actor, q, sort, descending, page, PAGE_SIZE, after=after)
    response = {"rowData": grid_rows(r.t, window.rows)}
    if not window.has_more:  # the last page: the grid learns how many rows there are
        response["rowCount"] = page * PAGE_SIZE + len(window.rows)
    if len(window.rows) < PAGE_SIZE:
        return {"rows": response, "notice": None}
    # the next block, when the grid asks for it, starts after this one's last row
    cursor, following = window.rows[-1].cursor, str((page + 1) * PAGE_SIZE)
    CURSORS.put((*where, (page + 1) * PAGE_SIZE), cursor)
    recent = {k: v for k, v in at.items() if k != following}
    recent = dict(list(recent.items())[-(KEPT_IN_TAB - 1):])  # the blocks read last: the grid reads near them
    return {"rows": response, "notice": None,
            "cursors": {"where": [filters, sort, descending], "at": {**recent, following: cursor_data(cursor)}}}


@page_callback(output=Output(ids.CERTQ_COUNT, "children", allow_duplicate=True),
               inputs={"clicks": Input(ids.CERTQ_EXACT, "n_clicks")},
               state={"data": State(ids.CERTQ_QUERY, "data")}, prevent_initial_call=True)
def exact_count(r: PageRequest, clicks, data):
    """Count every row of the present filters (a full count: only when asked)."""
    q = _stored_query(data)
    if not clicks or q is None:
        return no_update
    try:
        return count_text(r.t, count_rows(r.s, r.actor, q, cap=None))
    except TooSlow:
        return too_slow(r.t, "exact")


# new filters: the grid drops the pages it holds and asks again from the first (dashboard/assets/certificate_query.js)
clientside_callback(
    ClientsideFunction(namespace="certq", function_name="refresh"),
    Output(ids.CERTQ_REFRESHED, "data"),
    Input(ids.CERTQ_QUERY, "data"),
    State(ids.CERTQ_GRID, "id"),
    prevent_initial_call=True,
)


class Cursors:
    """Where each block of a user's grid ends, so that the next block is read by keyset (certificate_page's
    `after`): scrolling down reads each block at the cost of the first. Bounded, per process; a block asked
    for without its cursor (a jump, another worker) is read by offset, as before."""

    def __init__(self, size: int = 20_000) -> None:
        self.size, self.lock, self.kept = size, threading.Lock(), OrderedDict[tuple, Cursor]()

    def get(self, key: tuple) -> Cursor | None:
        with self.lock:
            return self.kept.get(key)

    def put(self, key: tuple, cursor: Cursor) -> None:
        with self.lock:
            self.kept[key] = cursor
            self.kept.move_to_end(key)
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)


CURSORS = Cursors()
KEPT_IN_TAB = 20  # cursors a tab keeps (the blocks read last): sent with each block's request and answer


def _stored_query(data) -> CertificateQuery | None:
    """The filters the page stored (the browser may send anything: they are read again)."""
    if not isinstance(data, dict) or not isinstance(data.get("filters"), dict):
        return None
    try:
        return parse_query(fields_of_url(data["filters"]))
    except QueryInvalid:
        return None


def _sort_of(model) -> tuple[str, bool]:
    """AG Grid's sort model ([{"colId": ..., "sort": "asc"|"desc"}]) -> a sort the service knows."""
    if isinstance(model, list) and model and isinstance(model[0], dict):
        first = model[0]
        column = first.get("colId") if isinstance(first.get("colId"), str) else ""
        return parse_sort(column if first.get("sort") == "asc" else f"-{column}")
    return parse_sort(None)
