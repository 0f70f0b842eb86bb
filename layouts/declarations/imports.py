"""Excel imports (Jiucheng 3.4.5 数据导入 and 3.3.3 货物导入自定义): the panel on the declaration form, the
whole-declaration panel on the list, the results, and the goods-import mapping page."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.declarations.imports import MAX_HEADER_LENGTH, ImportProblem, ImportResult
from exports.tables.import_layout import DEFAULT_GOODS_HEADERS
from layouts.common import page_header
from layouts.declarations import ids
from layouts.declarations.form import GOODS_LABELS
from layouts.declarations.form import reason as form_reason

IMPORT_REASONS = {
    "file_empty": N_("The file is empty."),
    "file_too_large": N_("The file is larger than 5 MB."),
    "not_xlsx": N_("This is not an Excel workbook (.xlsx), whatever its name says. Save it as .xlsx and try again."),
    "file_unreadable": N_("The workbook could not be read; save it again in Excel and retry."),
    "sheet_empty": N_("The first sheet of the workbook is empty."),
    "too_many_rows": N_("Too many rows: at most 999 goods lines or 200 containers in one file."),
    "no_header": N_("No header row: the first filled row must hold the column names of the template."),
    "column_missing": N_("This column is missing."),
    "no_rows": N_("There are no rows under the header."),
    "header_used_twice": N_("This column name is used twice."),
    "unknown_unit": N_("Unknown unit: write a unit of the list, such as 千克, kg or 035."),
    "unit_conflict": N_("This unit differs from the unit written with the value."),
    "not_editable": N_("A sent declaration can no longer be changed."),
    "stale_version": N_("This declaration was changed elsewhere in the meantime: reload the page and import again."),
    "unknown_mode": N_("Choose whether to append or to replace."),
    "unknown_direction": N_("Exit or entry?"),
    "wrong_direction": N_("This field belongs to the other direction (exit/entry): leave it empty."),
    "label_used_twice": N_("This field is given twice."),
    "unknown_column": N_("Unknown column."),
    "header_blank": N_("Enter a column name."),
    "not_found": N_("There is no such declaration among those you may see."),
    "upload_unreadable": N_("The file could not be received; please choose it again."),
}
MAX_SHOWN_PROBLEMS = 200
TEMPLATE_PATH = "/files/templates/{name}.xlsx"
GOODS_TEMPLATE_LINKS = (("goods", N_("Goods template")), ("containers", N_("Container template")))
DECLARATION_TEMPLATE_LINKS = (("declaration_exit", N_("Exit declaration template")),
                              ("declaration_entry", N_("Entry declaration template")))


def reason(t: Translator, code: str) -> str:
    return t(IMPORT_REASONS[code]) if code in IMPORT_REASONS else form_reason(t, code)


def _template_links(t: Translator, links: tuple[tuple[str, str], ...]) -> html.Div:
    return html.Div([html.A(t(label), href=TEMPLATE_PATH.format(name=name), className="me-3", download="")
                     for name, label in links], className="mb-2 small")


def _upload(t: Translator, component_id: str) -> dcc.Upload:
    return dcc.Upload(id=component_id, accept=".xlsx", multiple=False,
                      children=html.Div(t("Drop an .xlsx file here, or click to choose one.")),
                      className="border border-2 rounded text-center text-muted p-3 mb-2",
                      style={"borderStyle": "dashed", "cursor": "pointer"})


def import_panel(t: Translator, declaration_id: int | None) -> dbc.Card:
    """数据导入 on the declaration form: goods or containers, append or replace, from an Excel file."""
    header = dbc.CardHeader(html.Strong(t("Data import")))
    store = dcc.Store(id=ids.DECLF_IMPORTED)
    if declaration_id is None:
        return dbc.Card([header, dbc.CardBody([
            html.P(t("Save the declaration (temporarily) first: imports go into the stored declaration."),
                   className="text-muted mb-0"), store])], className="mb-3")
    return dbc.Card([header, dbc.CardBody([
        dbc.Row([
            dbc.Col(dbc.RadioItems(id=ids.DECLF_IMPORT_KIND, value="goods", inline=True, options=[
                {"label": t("Goods"), "value": "goods"}, {"label": t("Containers"), "value": "containers"}]), md=5),
            dbc.Col(dbc.RadioItems(id=ids.DECLF_IMPORT_MODE, value="append", inline=True, options=[
                {"label": t("Append"), "value": "append"},
                {"label": t("Replace the existing rows"), "value": "replace"}]), md=7),
        ], className="mb-2"),
        _template_links(t, GOODS_TEMPLATE_LINKS),
        _upload(t, ids.DECLF_IMPORT_UPLOAD),
        html.P(t("The file goes into the stored declaration at once, all rows or none; goods or containers changed "
                 "on this page and not yet saved are replaced by the stored ones."), className="small text-muted"),
        html.Div(id=ids.DECLF_IMPORT_RESULT),
        dcc.Store(id=ids.DECLF_IMPORT_TARGET, data=declaration_id),
        store,
    ])], className="mb-3")


def declaration_import_panel(t: Translator) -> dbc.Card:
    """全单导入 on the declarations list: a new temporarily saved declaration from one Excel file."""
    return dbc.Card([
        dbc.CardHeader(html.Strong(t("Whole-declaration import"))),
        dbc.CardBody([
            html.P(t("Creates a temporarily saved declaration of the direction chosen above from the basic "
                     "information, goods and containers of the file."), className="small text-muted mb-2"),
            _template_links(t, DECLARATION_TEMPLATE_LINKS),
            _upload(t, ids.DECL_IMPORT_UPLOAD),
            html.Div(id=ids.DECL_IMPORT_RESULT),
        ]),
    ], className="mb-3")


def _ignored(t: Translator, ignored: tuple[str, ...]):
    if not ignored:
        return None
    return html.Div(t("Not imported (no field for them): {columns}", columns="、".join(ignored)),
                    className="small text-muted")


def imported(t: Translator, result: ImportResult, kind: str) -> dbc.Alert:
    text = t("Imported {n} goods lines.", n=result.imported) if kind == "goods" \
        else t("Imported {n} containers.", n=result.imported)
    return dbc.Alert([html.Div(text), _ignored(t, result.ignored_columns)], color="success", dismissable=True,
                     className="import-done")


def declaration_imported(t: Translator, result: ImportResult, entry_no: str) -> dbc.Alert:
    return dbc.Alert([
        html.Div(t("A temporarily saved declaration was created from the file ({n} goods lines).",
                   n=result.imported)),
        dcc.Link(t("Open declaration {entry_no}", entry_no=entry_no),
                 href=f"/declarations/edit?id={result.declaration_id}", className="alert-link import-open"),
        _ignored(t, result.ignored_columns),
    ], color="success", className="import-done")


def problems_table(t: Translator, problems: list[ImportProblem]) -> dbc.Alert:
    """Every reason the file was refused, by sheet row and column; nothing was imported."""
    shown = problems[:MAX_SHOWN_PROBLEMS]
    rows = [html.Tr([html.Td(str(p.row) if p.row else "—"), html.Td(p.column or "—"), html.Td(reason(t, p.code))],
                    className="import-problem")
            for p in shown]
    more = len(problems) - len(shown)
    return dbc.Alert([
        html.Div(t("Nothing was imported. Correct the file and import it again:"), className="mb-2"),
        dbc.Table([html.Thead(html.Tr([html.Th(t("Row")), html.Th(t("Column")), html.Th(t("Problem"))])),
                   html.Tbody(rows)], size="sm", bordered=True, className="bg-white mb-0"),
        html.Div(t("… and {n} more problems.", n=more), className="small mt-1") if more > 0 else None,
    ], color="danger", className="import-problems")


# --- the mapping page (货物导入自定义) ----------------------------------------------------------------


def field_id(name: str) -> dict:
    return {"type": ids.GIMAP_FIELD, "name": name}


def error_id(name: str) -> dict:
    return {"type": ids.GIMAP_ERROR, "name": name}


def mapping_rows(t: Translator, mapping: dict[str, str], errors: dict[str, str] | None = None) -> list:
    errors = errors or {}
    rows = []
    for column, default in DEFAULT_GOODS_HEADERS.items():
        rows.append(html.Tr([
            html.Td(t(GOODS_LABELS[column])),
            html.Td(default, className="text-muted"),
            html.Td([dbc.Input(id=field_id(column), value=mapping.get(column, ""), placeholder=default,
                               maxLength=MAX_HEADER_LENGTH, size="sm", invalid=column in errors),
                     html.Div(reason(t, errors[column]) if column in errors else None, id=error_id(column),
                              className="invalid-feedback d-block")]),
        ]))
    return rows


def mapping_page(t: Translator, mapping: dict[str, str]) -> html.Div:
    return html.Div([
        page_header(t("Goods import mapping"),
                    t("If your Excel files name the goods columns differently, write here the column name your "
                      "file uses; empty means the template's name.")),
        html.P(t("A weight or quantity cell may hold its unit too, such as 23.235千克 or 1个: the value and the unit "
                 "are read from it."), className="small text-muted"),
        dbc.Table([
            html.Thead(html.Tr([html.Th(t("Field")), html.Th(t("Template column")),
                                html.Th(t("Column in your file"))])),
            html.Tbody(mapping_rows(t, mapping)),
        ], size="sm", className="align-middle"),
        dbc.Button(t("Save"), id=ids.GIMAP_SAVE, color="primary", className="me-2"),
        dbc.Button(t("Restore the defaults"), id=ids.GIMAP_RESET, color="secondary", outline=True),
        html.Div(id=ids.GIMAP_MESSAGE, className="mt-3"),
    ], style={"maxWidth": "60rem"})


def mapping_message(t: Translator, saved: bool) -> dbc.Alert:
    if saved:
        return dbc.Alert(t("The goods import mapping was saved."), color="success", dismissable=True)
    return dbc.Alert(t("Nothing was saved: correct the marked names."), color="danger", dismissable=True)
