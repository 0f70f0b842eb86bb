"""Reference lookup glue: the page render and the paged search callback."""
from __future__ import annotations

from dash import Input, ctx

from auth.permissions import Perm
from callbacks.page import PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
from dashboard.core.i18n import N_, Translator
from data.core.scope import Actor
from data.reference.lookup import LOOKUP_NAMES, UnknownDictionary, search_dictionary
from layouts.reference import ids
from layouts.reference.lookup import PAGE_SIZE, reference_page, table_rows, total_text


def render(actor: Actor, t: Translator, **_query):
    return reference_page(t, LOOKUP_NAMES)


PAGE = PageSpec("reference", "/reference", N_("Reference data"), Perm.REFERENCE_VIEW, ids.REF, render, order=240)


@page_callback(
    output=paged_list_outputs(ids.REF_TABLE, ids.REF_PAGER, ids.REF_TOTAL),
    inputs={"name": Input(ids.REF_DICTIONARY, "value"), "text": Input(ids.REF_SEARCH, "value"),
            "active_page": Input(ids.REF_PAGER, "active_page")},
)
def search(r: PageRequest, name, text, active_page):
    # a new dictionary or search starts at the first page
    page_index = (active_page or 1) - 1 if ctx.triggered_id == ids.REF_PAGER else 0
    try:
        page = search_dictionary(r.s, r.actor, name or "", text or "", page_index, PAGE_SIZE)
    except UnknownDictionary:
        return {"rows": [], "pages": 1, "total": r.t("Unknown dictionary."), "page": 1}
    return paged_list(table_rows(page), page, total_text(r.t, page))
