"""Declarations list glue: filters in, one page out."""
from __future__ import annotations

from dash import ALL, Input, ctx

from auth.permissions import Perm
from callbacks.inputs import as_date, as_text
from callbacks.page import PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs, wildcard
from dashboard.core.i18n import N_, Translator
from data.core.scope import Actor
from data.declarations.listing import DeclarationFilter, list_declarations
from layouts.common import page_number
from layouts.declarations import ids
from layouts.declarations.listing import declaration_rows, declarations_page

PAGE_SIZE = 25


def render(actor: Actor, t: Translator, **_query):
    return declarations_page(t, editable=actor.can(Perm.DECLARATION_EDIT))


PAGE = PageSpec(
    "declarations", "/declarations", N_("Declarations"), (Perm.DECLARATION_EDIT, Perm.APPLICATION_REVIEW), ids.DECL,
    render, order=70)


@page_callback(
    output=paged_list_outputs(ids.DECL_TABLE, ids.DECL_PAGER, ids.DECL_PAGE),
    inputs={"direction": Input(ids.DECL_DIRECTION, "value"), "statuses": Input(ids.DECL_STATUS, "value"),
            "date_from": Input(ids.DECL_DATES, "start_date"), "date_to": Input(ids.DECL_DATES, "end_date"),
            "texts": Input({"type": ids.DECL_FILTER, "name": ALL}, "value"),
            "active_page": Input(ids.DECL_PAGER, "active_page")},
)
def search(r: PageRequest, direction, statuses, date_from, date_to, texts, active_page):
    page_index = (active_page or 1) - 1 if ctx.triggered_id == ids.DECL_PAGER else 0
    named = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("texts")}
    f = DeclarationFilter(direction="entry" if direction == "entry" else "exit",
                          statuses=tuple(x for x in (statuses or []) if isinstance(x, str)),
                          date_from=as_date(date_from), date_to=as_date(date_to),
                          **{k: v for k, v in named.items() if k in DeclarationFilter.__dataclass_fields__})
    page = list_declarations(r.s, r.actor, f, page_index, PAGE_SIZE)
    editable = r.actor is not None and r.actor.can(Perm.DECLARATION_EDIT)
    return paged_list(declaration_rows(r.t, page, editable=editable), page, page_number(r.t, page))
