"""The enterprise ledger (企业台账, Jiucheng 3.8): filters, a preview grid, the column chooser, templates, export."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.core.labels import CERT_STATUS_LABELS, DECL_STATUS_LABELS
from data.core.paging import Page
from data.ledger.export import DIRECTION_LABELS, WIDTHS, header
from data.ledger.query import ALL_KEYS, DEFAULT_COLUMNS, TemplateRow
from exports.tables.ledger import ExportColumn, LedgerCells, display
from layouts.common import date_range, dropdown_labels, grid_locale, label_for, page_header
from layouts.ledger import ids

FORMATS = (("xlsx", "Excel (xlsx)"), ("csv", "CSV"), ("pdf", "PDF"))
TEMPLATE_MESSAGES = {
    "saved": N_("Template \u201c{name}\u201d saved."),
    "updated": N_("Template \u201c{name}\u201d now keeps the chosen columns."),
    "renamed": N_("Template renamed to \u201c{name}\u201d."),
    "deleted": N_("Template \u201c{name}\u201d deleted."),
    "choose": N_("Choose a template first."),
    "not_found": N_("There is no such template among your enterprise's templates."),
}
REASONS = {
    "required": N_("Enter a template name."),
    "too_long": N_("This is too long."),
    "duplicate": N_("Your enterprise already has a template of this name: choose another name."),
    "no_columns": N_("Choose at least one column."),
    "unknown_column": N_("Some chosen columns are unknown: choose the columns again."),
    "bad_characters": N_("A file name cannot hold \\ / : * ? \" < > | or start with a dot."),
    "enterprise": N_("Choose the enterprise whose ledger to show."),
    "unknown_format": N_("Choose Excel, CSV or PDF."),
}
EXPORT_MESSAGES = {
    "too_many_for_pdf": N_("A PDF holds at most {n} rows; this ledger has more. Narrow the filters or export "
                           "Excel or CSV."),
    "nothing": N_("No rows to export: the filters match nothing."),
    "refused": N_("The export could not start: reload the page and try again."),
    "failed": N_("The export failed. Try again; if it fails again, tell your administrator."),
    "started": N_("Exporting {n} rows in the background; you can go on working on this page."),
    "done": N_("Export finished: {n} rows."),
    "cancelled": N_("Export cancelled."),
}


# --- the page -------------------------------------------------------------------------------------

def ledger_page(t: Translator, *, enterprises: list[tuple[int, str, str]] | None, enterprise_name: str,
                cert_types: list[tuple[str, str]], templates: list[TemplateRow]) -> html.Div:
    """The whole page; `enterprises` is the administrators' choice (None for an enterprise user)."""
    direction = "exit"  # the manual defaults to 入境报检, but most of our users export their exit ledger
    return html.Div([
        page_header(t("Enterprise ledger"),
                    t("The enterprise's declarations with their certificates, one row per certificate: filter, "
                      "choose the columns, export to Excel, CSV or PDF.")),
        dbc.Card(dbc.CardBody(_filters(t, enterprises, enterprise_name, cert_types, direction)), className="mb-3"),
        html.Div(id=ids.LEDGER_TOTAL, className="text-muted mb-1"),
        _grid(t, DEFAULT_COLUMNS[direction]),
        dbc.Card([dbc.CardHeader(t("Export")), dbc.CardBody(_export_panel(t, templates, direction))],
                 className="mt-3"),
        dcc.Store(id=ids.LEDGER_APPLIED),
        dcc.Store(id=ids.LEDGER_COLUMNS, data=list(DEFAULT_COLUMNS[direction])),
        dcc.Store(id=ids.LEDGER_JOB),
        dcc.Store(id=ids.LEDGER_RESULT),
        dcc.Store(id=ids.LEDGER_FETCHED),
        dcc.Download(id=ids.LEDGER_DOWNLOAD),
    ])


def _filters(t: Translator, enterprises, enterprise_name: str, cert_types, direction: str):
    if enterprises is None:
        whose = dbc.Input(value=enterprise_name, disabled=True, id=ids.LEDGER_ENTERPRISE)
    else:
        whose = dcc.Dropdown(labels=dropdown_labels(t),
                             id=ids.LEDGER_ENTERPRISE, placeholder=t("Choose an enterprise"), clearable=False,
                             options=[{"label": f"{name} {reg}".strip(), "value": eid}
                                      for eid, name, reg in enterprises])

    def labelled(label: str, control, md: int = 3):
        return dbc.Col([label_for(label, control, className="small mb-0"), control], md=md, className="mb-2")

    return [
        dbc.Row([
            labelled(t("Declaration category"), dbc.RadioItems(
                id=ids.LEDGER_DIRECTION, value=direction, inline=True,
                options=[{"label": t(label), "value": k} for k, label in DIRECTION_LABELS.items()])),
            labelled(t("Declaring enterprise"), whose, md=5),
            labelled(t("Legal inspection"), dcc.Dropdown(labels=dropdown_labels(t),
                id=ids.LEDGER_LEGAL, placeholder=t("Y or N"), options=[{"label": "Y", "value": "Y"},
                                                                       {"label": "N", "value": "N"}]), md=2),
        ], className="g-2"),
        dbc.Row([
            labelled(t("Consignor or consignee"), dbc.Input(id={"type": ids.LEDGER_FILTER, "name": "party"},
                                                            maxLength=64, placeholder=t("Name or code"))),
            labelled(t("Declarant"), dbc.Input(id={"type": ids.LEDGER_FILTER, "name": "declarant"}, maxLength=64,
                                               placeholder=t("Name or code"))),
            labelled(t("Inspection date"), date_range(t, ids.LEDGER_DATES), md=4),
        ], className="g-2"),
        dbc.Row([
            labelled(t("Declaration status"), dcc.Dropdown(labels=dropdown_labels(t),
                id=ids.LEDGER_STATUS, multi=True, placeholder=t("Any"),
                options=[{"label": t(v), "value": k} for k, v in DECL_STATUS_LABELS.items()])),
            labelled(t("Certificate type"), dcc.Dropdown(labels=dropdown_labels(t),
                id=ids.LEDGER_CERT_TYPE, multi=True, placeholder=t("Any"),
                options=[{"label": name, "value": code} for code, name in cert_types])),
            labelled(t("Certificate status"), dcc.Dropdown(labels=dropdown_labels(t),
                id=ids.LEDGER_CERT_STATUS, multi=True, placeholder=t("Any"),
                options=[{"label": t(v), "value": k} for k, v in CERT_STATUS_LABELS.items()])),
            dbc.Col(dbc.Button(t("Query"), id=ids.LEDGER_QUERY, color="primary", className="mt-3"), md="auto"),
        ], className="g-2"),
    ]


def _grid(t: Translator, keys: Sequence[str]):
    import dash_ag_grid as dag

    return html.Div([
        dag.AgGrid(id=ids.LEDGER_TABLE, columnDefs=grid_columns(t, keys), rowData=[],
                   defaultColDef={"resizable": True, "sortable": False, "wrapText": True, "autoHeight": True,
                                  "minWidth": 90},
                   dashGridOptions={"domLayout": "autoHeight", "suppressCellFocus": True,
                                    "localeText": grid_locale(t)},
                   className="ag-theme-alpine"),
        dbc.Pagination(id=ids.LEDGER_PAGER, max_value=1, active_page=1, fully_expanded=False, first_last=True,
                       previous_next=True, className="mt-2"),
    ])


def grid_columns(t: Translator, keys: Sequence[str]) -> list[dict]:
    right = {"seq", "total_value", "print_count"}
    return [{"headerName": header(t, k), "field": k, "minWidth": max(90, WIDTHS.get(k, 14) * 7),
             **({"type": "rightAligned"} if k in right else {})} for k in keys]


def grid_rows(columns: Sequence[ExportColumn], page: Page[tuple]) -> list[dict]:
    """The page's rows as the grid shows them: every column's value as text, numbered through the pages."""
    cells = LedgerCells(columns)
    first = page.page * page.page_size
    rows = []
    for n, values in enumerate(cells.rows(page.rows)):
        shown = {c.key: display(v) for c, v in zip(columns, values)}
        if "seq" in shown:
            shown["seq"] = str(first + n + 1)
        rows.append(shown)
    return rows


def total_text(t: Translator, total: int, cap: int) -> str:
    if total > cap:
        return t("More than {n} rows", n=t.number(cap))
    return t("{n} rows", n=t.number(total))


# --- column chooser, templates, export ------------------------------------------------------------

def _export_panel(t: Translator, templates: list[TemplateRow], direction: str):
    chooser = html.Div([
        html.Div(t("Columns to export, in order"), className="fw-semibold mb-1"),
        html.Div(chosen_list(t, DEFAULT_COLUMNS[direction]), id=ids.LEDGER_CHOSEN),
        dbc.Row([
            dbc.Col(dcc.Dropdown(labels=dropdown_labels(t), id=ids.LEDGER_COLUMN_ADD, placeholder=t("Add a column"),
                                 options=addable(t, DEFAULT_COLUMNS[direction])), md=8),
            dbc.Col(dbc.Button(t("Default columns"), id=ids.LEDGER_COLUMN_RESET, color="secondary", outline=True,
                               size="sm"), md=4),
        ], className="g-2 mt-2"),
    ])
    template_box = html.Div([
        html.Div(t("Templates"), className="fw-semibold mb-1"),
        dcc.Dropdown(labels=dropdown_labels(t), id=ids.LEDGER_TEMPLATE, placeholder=t("Use a saved template"),
                     options=template_options(t, templates), className="mb-2"),
        dbc.Input(id=ids.LEDGER_TEMPLATE_NAME, maxLength=64, placeholder=t("Template name"), className="mb-2"),
        html.Div([
            dbc.Button(t("Save as a new template"), id=ids.LEDGER_TEMPLATE_SAVE, color="primary", size="sm",
                       className="me-2 mb-1"),
            dbc.Button(t("Keep these columns in the chosen template"), id=ids.LEDGER_TEMPLATE_UPDATE,
                       color="secondary", outline=True, size="sm", className="me-2 mb-1"),
            dbc.Button(t("Rename the chosen template"), id=ids.LEDGER_TEMPLATE_RENAME, color="secondary",
                       outline=True, size="sm", className="me-2 mb-1"),
            dcc.ConfirmDialogProvider(
                dbc.Button(t("Delete the chosen template"), color="danger", outline=True, size="sm",
                           className="mb-1"),
                id=ids.LEDGER_TEMPLATE_DELETE, message=t("Delete the chosen template? This cannot be undone.")),
        ]),
        html.Div(id=ids.LEDGER_TEMPLATE_MESSAGE, className="mt-2"),
    ])
    export = dbc.Row([
        dbc.Col([dbc.Label(t("File name"), html_for=ids.LEDGER_FILE_NAME, className="small mb-0"),
                 dbc.Input(id=ids.LEDGER_FILE_NAME, maxLength=100, placeholder=t("Enterprise ledger"))], md=4),
        dbc.Col([dbc.Label(t("File format"), className="small mb-0"),
                 dbc.RadioItems(id=ids.LEDGER_FORMAT, value="xlsx", inline=True,
                                options=[{"label": label, "value": k} for k, label in FORMATS])], md=3),
        dbc.Col(dbc.Button(t("Export"), id=ids.LEDGER_EXPORT, color="success", className="mt-3 me-2"), md="auto"),
    ], className="g-2 align-items-start")
    progress = html.Div([
        dbc.Progress(id=ids.LEDGER_PROGRESS, value=0, max=1, striped=True, animated=True, className="mb-2",
                     style={"height": "1.4rem"}),
        dbc.Button(t("Cancel the export"), id=ids.LEDGER_CANCEL, color="warning", size="sm", disabled=True),
    ], id=ids.LEDGER_PROGRESS_BOX, style={"display": "none"}, className="mt-2")
    return [dbc.Row([dbc.Col(chooser, md=6), dbc.Col(template_box, md=6)], className="g-3 mb-3"),
            html.Hr(), export, progress, html.Div(id=ids.LEDGER_MESSAGE, className="mt-2")]


def _move_button(t: Translator, key: str, move: str, symbol: str, label: str, disabled: bool = False) -> dbc.Button:
    return dbc.Button(symbol, id={"type": ids.LEDGER_COLUMN_MOVE, "key": key, "move": move}, size="sm",
                      color="link", className="py-0 px-1", title=t(label), disabled=disabled)


def chosen_list(t: Translator, keys: Sequence[str]):
    """The chosen columns, each with buttons to move it up or down or take it out."""
    if not keys:
        return dbc.Alert(t("No columns chosen: add at least one."), color="warning", className="py-1 mb-0")
    items = []
    for n, key in enumerate(keys):
        items.append(dbc.ListGroupItem(html.Div([
            html.Span(f"{n + 1}. {header(t, key)}", className="me-auto"),
            _move_button(t, key, "up", "\u2191", N_("Move up"), n == 0),
            _move_button(t, key, "down", "\u2193", N_("Move down"), n == len(keys) - 1),
            _move_button(t, key, "remove", "\u2715", N_("Remove")),
        ], className="d-flex align-items-center"), className="py-1"))
    return dbc.ListGroup(items, style={"maxHeight": "22rem", "overflowY": "auto"})


def addable(t: Translator, chosen: Sequence[str]) -> list[dict]:
    return [{"label": header(t, k), "value": k} for k in ALL_KEYS if k not in chosen]


def template_options(t: Translator, templates: list[TemplateRow]) -> list[dict]:
    return [{"label": f"{r.name} ({t(DIRECTION_LABELS.get(r.direction, r.direction))})", "value": r.id}
            for r in templates]


def message(t: Translator, msgid: str, color: str = "danger", **values) -> dbc.Alert:
    return dbc.Alert(t(msgid, **values), color=color, className="py-2 mb-0")


def reasons(t: Translator, errors: Mapping[str, str]) -> dbc.Alert:
    """One alert naming every problem of a request that was refused."""
    return dbc.Alert([html.Div(t(REASONS.get(code, REASONS["unknown_column"]))) for code in errors.values()],
                     color="danger", className="py-2 mb-0")


def download_link(t: Translator, token: str, filename: str, rows: int) -> dbc.Alert:
    done_message = EXPORT_MESSAGES["done"]
    return dbc.Alert([
        html.Span(t(done_message, n=t.number(rows)), className="me-2"),
        html.A(t("Download {name}", name=filename), href=f"/files/ledger/{token}", id=ids.LEDGER_LINK,
               className="alert-link"),
    ], color="success", className="py-2 mb-0")
