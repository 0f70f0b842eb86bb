"""The declarations list (出境/入境报检, Jiucheng 3.4.2): queues by status and the list filters."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.core.labels import DECL_STATUS_LABELS
from data.core.paging import Window
from data.declarations.listing import DeclarationRow
from layouts.applications.listing import markdown_safe
from layouts.common import (
    DECL_STATUS_COLORS,
    STATUS_COLUMN,
    country_name,
    date_range,
    dropdown_labels,
    page_header,
    paged_grid,
    status_cell,
)
from layouts.declarations import ids

TEXT_FILTERS = (
    ("inspection_no", N_("Inspection no.")), ("goods_name", N_("Goods name")), ("consignee", N_("Consignee")),
    ("contract_no", N_("Contract no.")), ("bl_no", N_("B/L no.")), ("destination", N_("Destination (country code)")),
    ("container_no", N_("Container no.")),
)


def declarations_page(t: Translator, editable: bool = False) -> html.Div:
    link = {"cellRenderer": "markdown"} if editable else {}
    columns = [
        {"headerName": t("Entry no."), "field": "entry_no", "minWidth": 170, "maxWidth": 190, **link},
        {"headerName": t("Inspection no."), "field": "inspection_no", "minWidth": 170, "maxWidth": 190, **link},
        {"headerName": t("Status"), **STATUS_COLUMN, "minWidth": 140, "maxWidth": 160},
        {"headerName": t("Consignee"), "field": "consignee"},
        {"headerName": t("Contract no."), "field": "contract_no"},
        {"headerName": t("B/L no."), "field": "bl_no"},
        {"headerName": t("Destination"), "field": "dest_country", "minWidth": 120, "maxWidth": 140},
        {"headerName": t("Inspection date"), "field": "inspection_date", "minWidth": 130, "maxWidth": 150},
    ]
    filters = [dbc.Col(dbc.Input(id={"type": ids.DECL_FILTER, "name": name}, placeholder=t(label), maxLength=64,
                                 debounce=True, size="sm"), className="mb-2") for name, label in TEXT_FILTERS]
    return html.Div([
        page_header(t("Declarations"), t("Exit and entry inspection declarations, newest first."), [
            dbc.Button(t("New exit declaration"), href="/declarations/edit?direction=exit", color="primary",
                       id=ids.DECL_NEW_EXIT),
            dbc.Button(t("New entry declaration"), href="/declarations/edit?direction=entry", color="primary",
                       outline=True, id=ids.DECL_NEW_ENTRY),
        ] if editable else None),
        dbc.Row([
            dbc.Col(dbc.RadioItems(id=ids.DECL_DIRECTION, value="exit", inline=True, className="pt-2",
                                   options=[{"label": t("Exit"), "value": "exit"},
                                            {"label": t("Entry"), "value": "entry"}]), md="auto"),
            dbc.Col(dcc.Dropdown(labels=dropdown_labels(t), id=ids.DECL_STATUS, multi=True, placeholder=t("Status"),
                                 options=[{"label": t(v), "value": k} for k, v in DECL_STATUS_LABELS.items()]), md=3),
            dbc.Col(date_range(t, ids.DECL_DATES), md=4),
            dbc.Col(html.Div(id=ids.DECL_PAGE, className="pt-2 text-muted"), md=2),
        ], className="mb-2 g-2"),
        dbc.Row(filters, className="g-2"),
        paged_grid(t, ids.DECL_TABLE, ids.DECL_PAGER, columns),
        _whole_declaration_import(t) if editable else None,
    ])


def _whole_declaration_import(t: Translator):
    # imported here: the imports' layout uses the declaration form's, which imports this module
    from layouts.declarations.imports import declaration_import_panel

    return declaration_import_panel(t)


def declaration_rows(t: Translator, page: Window[DeclarationRow], editable: bool = False) -> list[dict]:
    def cell(r: DeclarationRow, number: str | None, empty: str) -> str:
        if not editable:
            return number or ""
        return f"[{markdown_safe(number) or empty}](/declarations/edit?id={int(r.id)})"  # Markdown: digits and letters only

    return [{"entry_no": cell(r, r.entry_no, t("(open)")), "inspection_no": cell(r, r.inspection_no, "—"),
             **status_cell(t, r.status, DECL_STATUS_LABELS, DECL_STATUS_COLORS), "consignee": r.consignee,
             "contract_no": r.contract_no or "", "bl_no": r.bl_no or "", "dest_country": country_name(t, r.dest_country),
             "inspection_date": t.date(r.inspection_date)} for r in page.rows]
