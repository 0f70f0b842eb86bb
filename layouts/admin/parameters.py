"""系统参数 (Liaoning 5.2.1): search, the list with its exports (本页/全部, Excel and PDF), the form with
the parameter's history of changes (经办详细/操作历史)."""
from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import DISPLAY_ZONE, N_, Translator
from data.admin.parameters import DESCRIPTION_LIMIT, KEY_LIMIT, VALUE_LIMIT, KnownParameter, ParameterRow
from data.core.audit import EventRow, changes_of
from data.core.paging import Page
from data.models import as_utc
from exports.tables.list_export import PDF, XLSX, list_pdf, list_xlsx
from layouts.admin import ids
from layouts.admin.common import picking_grid, toolbar
from layouts.common import label_for, page_header

PAGE_SIZE = 20
FORM_LABELS = {"key": N_("Parameter key"), "value": N_("Value"), "description": N_("Description")}
ACTIONS = {"admin.parameter.created": N_("Parameter added"), "admin.parameter.updated": N_("Parameter changed"),
           "admin.parameter.deleted": N_("Parameter deleted")}
EXPORTS = (("page", "xlsx", N_("This page (Excel)")), ("page", "pdf", N_("This page (PDF)")),
           ("all", "xlsx", N_("All (Excel)")), ("all", "pdf", N_("All (PDF)")))


def field_id(name: str) -> dict:
    return {"type": ids.APARAM_FIELD, "name": name}


def error_id(name: str) -> dict:
    return {"type": ids.APARAM_ERROR, "name": name}


def export_id(rows: str, kind: str) -> dict:
    return {"type": ids.APARAM_EXPORT, "rows": rows, "format": kind}


def parameters_page(t: Translator) -> html.Div:
    columns = [
        {"headerName": t("Parameter key"), "field": "key", "minWidth": 200},
        {"headerName": t("Value"), "field": "value"},
        {"headerName": t("Description"), "field": "description"},
        {"headerName": t("Read by the system as"), "field": "known"},
        {"headerName": t("Changed at"), "field": "updated_at", "maxWidth": 190},
        {"headerName": t("Changed by"), "field": "updated_by", "maxWidth": 130},
    ]
    grid = picking_grid(t, ids.APARAM_TABLE, ids.APARAM_PAGER, columns, "key")
    buttons = toolbar(t, [(ids.APARAM_NEW, t("New"), "primary"), (ids.APARAM_EDIT, t("Edit"), "secondary")],
                      ids.APARAM_DELETE, t("Delete the selected parameter? A parameter the system reads returns to "
                                           "its default."))
    exports = dbc.ButtonGroup([dbc.Button(t(label), id=export_id(rows, kind), color="secondary", outline=True,
                                          size="sm") for rows, kind, label in EXPORTS], className="mb-1")
    form = [dbc.Col([label_for([t(FORM_LABELS[name]), html.Span(" *", className="text-danger")
                                  if name != "description" else None], field_id(name)),
                     dbc.Textarea(id=field_id(name), maxLength=VALUE_LIMIT, rows=2) if name == "value" else
                     dbc.Input(id=field_id(name), autoComplete="off",
                               maxLength=KEY_LIMIT if name == "key" else DESCRIPTION_LIMIT),
                     html.Div(id=ids.APARAM_HINT, className="form-text") if name == "key" else None,
                     html.Div(id=error_id(name), className="invalid-feedback d-block")],
                    md=12, className="mb-3") for name in FORM_LABELS]
    return html.Div([
        page_header(t("System parameters"), t("Settings the system reads, and any others administrators keep "
                                              "here; every change is kept with who made it.")),
        html.Div(id=ids.APARAM_MESSAGE),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.APARAM_KEY_SEARCH, type="search", debounce=True, maxLength=KEY_LIMIT,
                              placeholder=t("Parameter key or description")), md=3),
            dbc.Col(dbc.Input(id=ids.APARAM_VALUE_SEARCH, type="search", debounce=True, maxLength=64,
                              placeholder=t("Value")), md=3),
            dbc.Col(dbc.Button(t("Reset"), id=ids.APARAM_RESET, color="secondary", outline=True), md="auto"),
            dbc.Col(html.Div(id=ids.APARAM_TOTAL, className="pt-2 text-muted"), md=2),
        ], className="mb-2 g-2"),
        dbc.Row([dbc.Col(buttons, md="auto"), dbc.Col([html.Span(t("Export:"), className="me-2 small"), exports],
                                                       md="auto", className="ms-auto")], className="mb-2"),
        grid,
        dcc.Download(id=ids.APARAM_DOWNLOAD),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(t("New parameter"), id=ids.APARAM_MODAL_TITLE)),
            dbc.ModalBody([dbc.Row(form), html.H6(t("History of changes")), html.Div(id=ids.APARAM_HISTORY)]),
            dbc.ModalFooter(dbc.Button(t("Save"), id=ids.APARAM_SAVE, color="primary")),
        ], id=ids.APARAM_MODAL, is_open=False, size="lg", scrollable=True),
        dcc.Store(id=ids.APARAM_EDITING),
        dcc.Store(id=ids.APARAM_RELOAD, data=0),
    ])


def known_text(t: Translator, known: KnownParameter | None) -> str:
    """What the system expects of a parameter it reads ('' for one it does not)."""
    if known is None:
        return ""
    if known.kind == "int":
        return t("A whole number from {minimum} to {maximum} (default {default}): {what}",
                 minimum=t.number(known.minimum), maximum=t.number(known.maximum), default=t.number(known.default),
                 what=t.pick(known.description_zh, known.description_en))
    return t("true or false (default {default}): {what}", default=str(known.default).lower(),
             what=t.pick(known.description_zh, known.description_en))


def local_moment(moment: datetime | None) -> str:
    return moment.astimezone(DISPLAY_ZONE).strftime("%Y-%m-%d %H:%M") if moment else ""


def parameter_rows(t: Translator, rows: list[ParameterRow]) -> list[dict]:
    return [{"key": r.key, "value": r.value, "description": r.description, "known": known_text(t, r.known),
             "updated_at": local_moment(r.updated_at), "updated_by": r.updated_by} for r in rows]


def total_text(t: Translator, page: Page[ParameterRow]) -> str:
    return t("{n} parameters", n=t.number(page.total))


def _shown(value) -> str:
    return "" if value is None else str(value)


def _change_lines(t: Translator, r: EventRow) -> list:
    """A change's values: 'before → after' for an edit, the values alone for an addition or deletion."""
    added, deleted = r.details.get("before") is None, r.details.get("after") is None
    lines = []
    for change in changes_of(r.details):
        label = t(FORM_LABELS.get(change.key, change.key))
        if added or deleted:
            lines.append(html.Div(f"{label}: {_shown(change.after if added else change.before)}"))
        else:
            lines.append(html.Div(f"{label}: {_shown(change.before)} → {_shown(change.after)}"))
    return lines


def history_table(t: Translator, rows: list[EventRow]):
    """Who changed the parameter and when, with each changed value before → after."""
    if not rows:
        return html.P(t("No changes recorded yet."), className="text-muted small")
    body = [html.Tr([html.Td(local_moment(as_utc(r.at)), className="text-nowrap"), html.Td(r.account or ""),
                     html.Td(t(ACTIONS.get(r.code, r.code))),
                     html.Td(_change_lines(t, r), style={"whiteSpace": "pre-wrap"})]) for r in rows]
    head = html.Thead(html.Tr([html.Th(t("Time")), html.Th(t("Account")), html.Th(t("Action")),
                               html.Th(t("Before → after"))]))
    return dbc.Table([head, html.Tbody(body)], size="sm", bordered=True, className="small")


def export_file(t: Translator, rows: list[ParameterRow], kind: str, scope: str, generated_at: datetime
                ) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of the parameter list: this page's rows or all matching ones."""
    headers = [t("Parameter key"), t("Value"), t("Description"), t("Read by the system as"), t("Changed at"),
               t("Changed by")]
    table = [[r["key"], r["value"], r["description"], r["known"], r["updated_at"], r["updated_by"]]
             for r in parameter_rows(t, rows)]
    local = generated_at.astimezone(DISPLAY_ZONE)
    name = f"system-parameters-{local:%Y%m%d-%H%M}.{kind}"
    if kind == "xlsx":
        return name, XLSX, list_xlsx(t("System parameters"), headers, table, local)
    subtitle = (t("This page: {n} parameters", n=t.number(len(rows))) if scope == "page"
                else t("All matching: {n} parameters", n=t.number(len(rows))))
    return name, PDF, list_pdf(t("System parameters"), subtitle, headers, table, (2.2, 2, 3, 3, 1.5, 1.2), local)
