"""Declarations list glue: filters in, one page out."""
from __future__ import annotations

from dash import ALL, Input, Output, callback, ctx

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_date, as_text
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
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


@callback(
    Output(ids.DECL_TABLE, "rowData"),
    Output(ids.DECL_PAGER, "max_value"),
    Output(ids.DECL_PAGE, "children"),
    Output(ids.DECL_PAGER, "active_page"),
    Input(ids.DECL_DIRECTION, "value"),
    Input(ids.DECL_STATUS, "value"),
    Input(ids.DECL_DATES, "start_date"),
    Input(ids.DECL_DATES, "end_date"),
    Input({"type": ids.DECL_FILTER, "name": ALL}, "value"),
    Input(ids.DECL_PAGER, "active_page"),
)
def search(direction, statuses, date_from, date_to, texts, active_page):
    t = request_translator()
    page_index = (active_page or 1) - 1 if ctx.triggered_id == ids.DECL_PAGER else 0
    named = {item["id"]["name"]: as_text(value) for item, value in zip(ctx.inputs_list[4], texts)}
    f = DeclarationFilter(direction="entry" if direction == "entry" else "exit",
                          statuses=tuple(x for x in (statuses or []) if isinstance(x, str)),
                          date_from=as_date(date_from), date_to=as_date(date_to),
                          **{k: v for k, v in named.items() if k in DeclarationFilter.__dataclass_fields__})
    actor = current_actor()
    with session_scope() as s:
        page = list_declarations(s, actor, f, page_index, PAGE_SIZE)
    return (declaration_rows(t, page, editable=actor.can(Perm.DECLARATION_EDIT)), page.page_count,
            page_number(t, page), page.page + 1)
