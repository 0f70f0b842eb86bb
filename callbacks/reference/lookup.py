"""Reference lookup glue: the page render and the paged search callback."""
from __future__ import annotations

from dash import Input, Output, callback, ctx

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.reference.lookup import LOOKUP_NAMES, UnknownDictionary, search_dictionary
from layouts.reference import ids
from layouts.reference.lookup import PAGE_SIZE, reference_page, table_rows, total_text


def render(actor: Actor, t: Translator, **_query):
    return reference_page(t, LOOKUP_NAMES)


PAGE = PageSpec("reference", "/reference", N_("Reference data"), Perm.REFERENCE_VIEW, ids.REF, render, order=240)


@callback(
    Output(ids.REF_TABLE, "rowData"),
    Output(ids.REF_PAGER, "max_value"),
    Output(ids.REF_TOTAL, "children"),
    Output(ids.REF_PAGER, "active_page"),
    Input(ids.REF_DICTIONARY, "value"),
    Input(ids.REF_SEARCH, "value"),
    Input(ids.REF_PAGER, "active_page"),
)
def search(name, text, active_page):
    t = request_translator()
    page_index = (active_page or 1) - 1
    if ctx.triggered_id != ids.REF_PAGER:  # a new dictionary or search starts at the first page
        page_index = 0
    try:
        with session_scope() as s:
            page = search_dictionary(s, current_actor(), name or "", text or "", page_index, PAGE_SIZE)
    except UnknownDictionary:
        return [], 1, t("Unknown dictionary."), 1
    return table_rows(page), page.page_count, total_text(t, page), page.page + 1
