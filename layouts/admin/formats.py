"""单证格式维护 (Liaoning 5.6.1): search formats, and the editor of a format's fields and PDF layout.

The layout section is drawn from the renderer's own table of parameters (LAYOUT_PARAMETERS), with
the captions it gives; each control is keyed by the parameter, so a new parameter appears here
without a change to this page.
"""
from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.admin.formats import LANGUAGES, NAME_LIMITS, FormatRow
from data.core.paging import Page
from data.reference.catalog import FIELD_KINDS
from exports.certificate.pdf import GOODS_COLUMNS, LAYOUT_PARAMETERS
from layouts.admin import ids
from layouts.admin.common import picking_grid, reason, toolbar
from layouts.common import dropdown_labels, grid_locale, label_for, page_header

PAGE_SIZE = 20
LANGUAGE_LABELS = {"zh": N_("Chinese"), "en": N_("English")}
KIND_LABELS = {
    "text": N_("text: one line"),
    "multiline": N_("multiline: several lines"),
    "date": N_("date: YYYY-MM-DD"),
    "country": N_("country: a code of the country dictionary"),
    "transport_mode": N_("transport_mode: a code of the transport modes"),
    "weight": N_("weight: a positive number"),
    "packages": N_("packages: number and type of packages"),
}
MARGIN_LABELS = {"top": N_("Top"), "right": N_("Right"), "bottom": N_("Bottom"), "left": N_("Left")}
FORM_LABELS = {
    "code": N_("Format code"),
    "cert_type_code": N_("Certificate type"),
    "name_zh": N_("Name (Chinese)"),
    "name_en": N_("Name (English)"),
    "languages": N_("Languages printed"),
}


def field_id(name: str) -> dict:
    return {"type": ids.AFMT_FIELD, "name": name}


def error_id(name: str) -> dict:
    return {"type": ids.AFMT_ERROR, "name": name}


def layout_id(key: str, part: str = "") -> dict:
    return {"type": ids.AFMT_LAYOUT, "key": key, "part": part}


def error_names() -> list[str]:
    """Every name that can carry an error message on the editor."""
    return [*FORM_LABELS, "fields", *(f"layout.{p.key}" for p in LAYOUT_PARAMETERS)]


def _error(name: str) -> html.Div:
    return html.Div(id=error_id(name), className="invalid-feedback d-block")


def _label(t: Translator, name: str, required: bool = True, control=None) -> dbc.Label:
    return label_for([t(FORM_LABELS[name]), html.Span(" *", className="text-danger") if required else None],
                       field_id(name) if control is None else control)


def formats_page(t: Translator, types: list[tuple[str, str, str, bool]]) -> html.Div:
    columns = [
        {"headerName": t("Format code"), "field": "code", "maxWidth": 130},
        {"headerName": t("Certificate type"), "field": "cert_type"},
        {"headerName": t("Format name"), "field": "name"},
        {"headerName": t("Languages printed"), "field": "languages", "maxWidth": 150},
        {"headerName": t("Fields"), "field": "fields", "maxWidth": 100},
        {"headerName": t("Status"), "field": "status", "maxWidth": 110},
    ]
    grid = picking_grid(t, ids.AFMT_TABLE, ids.AFMT_PAGER, columns, "code")
    type_options = [{"label": f"{code} {t.pick(zh, en)}", "value": code} for code, zh, en, _active in types]
    buttons = toolbar(t, [(ids.AFMT_NEW, t("New"), "primary"), (ids.AFMT_EDIT, t("Edit"), "secondary"),
                          (ids.AFMT_RETIRE, t("Retire"), "secondary"),
                          (ids.AFMT_REACTIVATE, t("Reactivate"), "secondary")],
                      ids.AFMT_DELETE, t("Delete the selected format? Only formats no application or template uses "
                                         "can be deleted."))
    return html.Div([
        page_header(t("Certificate formats"), t("Each format is the field list of a certificate type's form and "
                                                "the layout of its printed PDF.")),
        html.Div(id=ids.AFMT_MESSAGE),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.AFMT_CODE_SEARCH, type="search", debounce=True, maxLength=16,
                              placeholder=t("Format code")), md=3),
            dbc.Col([label_for(t("Certificate type"), ids.AFMT_TYPE_SEARCH, className="visually-hidden"),
                     dbc.Select(id=ids.AFMT_TYPE_SEARCH, value="",
                                options=[{"label": t("All certificate types"), "value": ""}, *type_options])], md=4),
            dbc.Col(html.Div(id=ids.AFMT_TOTAL, className="pt-2 text-muted"), md=2),
        ], className="mb-2 g-2"),
        html.Div(buttons, className="mb-2"),
        grid,
        _editor(t, type_options),
        dcc.Store(id=ids.AFMT_EDITING),
        dcc.Store(id=ids.AFMT_RELOAD, data=0),
    ])


def _fields_grid(t: Translator) -> dag.AgGrid:
    locked = {"function": "!params.data.fixed"}
    columns = [
        {"headerName": t("No."), "field": "no", "maxWidth": 70, "editable": False},
        {"headerName": t("Order"), "field": "order", "maxWidth": 90, "editable": True},
        {"headerName": t("Field key"), "field": "key", "editable": locked, "minWidth": 150},
        {"headerName": t("Caption (Chinese)"), "field": "label_zh", "editable": True, "minWidth": 160},
        {"headerName": t("Caption (English)"), "field": "label_en", "editable": True, "minWidth": 200},
        {"headerName": t("Kind"), "field": "kind", "editable": locked, "maxWidth": 150,
         "cellEditor": "agSelectCellEditor", "cellEditorParams": {"values": list(FIELD_KINDS)}},
        {"headerName": t("Required"), "field": "required", "editable": True, "maxWidth": 100,
         "cellDataType": "boolean"},
        {"headerName": t("In use"), "field": "in_use", "editable": False, "maxWidth": 100},
    ]
    return dag.AgGrid(id=ids.AFMT_FIELDS_GRID, columnDefs=columns, rowData=[], getRowId="`${params.data.rid}`",
                      defaultColDef={"resizable": True, "sortable": False},
                      dashGridOptions={"domLayout": "autoHeight", "stopEditingWhenCellsLoseFocus": True,
                                       "singleClickEdit": True, "localeText": grid_locale(t),
                                       "rowSelection": {"mode": "multiRow", "checkboxes": True,
                                                        "headerCheckbox": True, "enableClickSelection": False}},
                      className="ag-theme-alpine")


def _layout_control(t: Translator, p) -> list:
    caption = t.pick(p.caption_zh, p.caption_en)
    if p.kind == "flag":
        return [dbc.Switch(id=layout_id(p.key), value=bool(p.default), label=caption)]
    if p.kind == "choice":
        control = dbc.Select(id=layout_id(p.key), options=[{"label": c, "value": c} for c in p.choices])
    elif p.kind == "number":
        control = dbc.Input(id=layout_id(p.key), type="number", min=p.minimum, max=p.maximum, step=0.5)
    elif p.kind == "margins":
        control = dbc.Row([dbc.Col(dbc.InputGroup([
            dbc.InputGroupText(t(MARGIN_LABELS[side])),
            dbc.Input(id=layout_id(p.key, side), type="number", min=p.minimum, max=p.maximum, step=1)],
            size="sm"), md=3) for side in MARGIN_LABELS], className="g-1")
    elif p.kind == "columns":
        control = dcc.Dropdown(labels=dropdown_labels(t), id=layout_id(p.key), multi=True, options=[
            {"label": t.pick(*GOODS_COLUMNS[c][:2]) if c in GOODS_COLUMNS else c, "value": c} for c in p.choices])
    elif p.maximum and p.maximum > 200:
        control = dbc.Textarea(id=layout_id(p.key), maxLength=int(p.maximum), rows=2)
    else:
        control = dbc.Input(id=layout_id(p.key), maxLength=int(p.maximum or 200), autoComplete="off")
    return [label_for(caption, layout_id(p.key)), control]


def _editor(t: Translator, type_options: list[dict]) -> dbc.Modal:
    head = dbc.Row([
        dbc.Col([_label(t, "code", control=ids.AFMT_FORMAT_CODE),
                 dbc.Input(id=ids.AFMT_FORMAT_CODE, maxLength=16, autoComplete="off"),
                 _error("code")], md=2),
        dbc.Col([_label(t, "cert_type_code"), dbc.Select(id=field_id("cert_type_code"), options=type_options),
                 _error("cert_type_code")], md=4),
        dbc.Col([_label(t, "languages"), dbc.Checklist(
            id=field_id("languages"), inline=True,
            options=[{"label": t(LANGUAGE_LABELS[lang]), "value": lang} for lang in LANGUAGES]),
                 _error("languages")], md=3),
        dbc.Col([_label(t, "name_zh"), dbc.Input(id=field_id("name_zh"), maxLength=NAME_LIMITS["name_zh"]),
                 _error("name_zh")], md=6),
        dbc.Col([_label(t, "name_en"), dbc.Input(id=field_id("name_en"), maxLength=NAME_LIMITS["name_en"]),
                 _error("name_en")], md=6),
    ], className="g-2 mb-3")
    fields = html.Div([
        html.H5(t("Fields")),
        html.Div(id=ids.AFMT_FIELDS_NOTE, className="small text-muted mb-1"),
        html.Div([
            dbc.Button(t("Add field"), id=ids.AFMT_FIELDS_ADD, color="primary", size="sm", className="me-2"),
            dbc.Button(t("Remove ticked fields"), id=ids.AFMT_FIELDS_REMOVE, color="danger", outline=True, size="sm",
                       className="me-2"),
            html.Span(t("Click a cell to type in it. Fields print in the order given."), className="text-muted small"),
        ], className="mb-2"),
        _fields_grid(t),
        _error("fields"),
        html.Ul(id=ids.AFMT_FIELDS_ERRORS, className="small text-danger mt-1"),
        html.Details([html.Summary(t("Field kinds"), className="small"),
                      html.Ul([html.Li(t(KIND_LABELS[k]), className="small") for k in FIELD_KINDS])],
                     className="mb-3"),
    ])
    layout = html.Div([
        html.H5(t("PDF layout")),
        dbc.Row([dbc.Col([*_layout_control(t, p), _error(f"layout.{p.key}")],
                         md=12 if p.kind in ("margins", "columns") or (p.maximum or 0) > 200 else 6, className="mb-2")
                 for p in LAYOUT_PARAMETERS], className="g-2"),
    ])
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(t("New format"), id=ids.AFMT_MODAL_TITLE)),
        dbc.ModalBody([head, fields, layout]),
        dbc.ModalFooter(dbc.Button(t("Save"), id=ids.AFMT_SAVE, color="primary")),
    ], id=ids.AFMT_MODAL, is_open=False, size="xl", scrollable=True)


def format_rows(t: Translator, page: Page[FormatRow]) -> list[dict]:
    return [{"code": r.code, "cert_type": f"{r.cert_type_code} {t.pick(r.cert_type_zh, r.cert_type_en)}",
             "name": t.pick(r.name_zh, r.name_en),
             "languages": " / ".join(t(LANGUAGE_LABELS[x]) for x in r.languages.split(",") if x in LANGUAGE_LABELS),
             "fields": r.field_count, "status": t("Active") if r.active else t("Retired")} for r in page.rows]


def total_text(t: Translator, page: Page[FormatRow]) -> str:
    return t("{n} formats", n=t.number(page.total))


def field_rows(t: Translator, fields, fixed: frozenset[str] = frozenset()) -> list[dict]:
    """The field table's rows: position, order, the field's values, and whether its key is fixed by use."""
    return [{"rid": n, "no": n, "order": n, "key": f.get("key") or "", "label_zh": f.get("label_zh") or "",
             "label_en": f.get("label_en") or "", "kind": f.get("kind") or "text", "required": bool(f.get("required")),
             "fixed": f.get("key") in fixed, "in_use": t("Yes") if f.get("key") in fixed else ""}
            for n, f in enumerate(fields, start=1)]


def fixed_note(t: Translator, fixed: frozenset[str]) -> str:
    if not fixed:
        return t("No application or template has filled in this format's fields yet: any field may change.")
    return t("Applications or templates hold values of {keys}: these fields keep their key and kind and cannot be "
             "removed; they can be renamed, moved or made optional.", keys=", ".join(sorted(fixed)))


def layout_values(layout: dict, outputs: list[dict]) -> list:
    """The values of the layout controls, in the order of the callback's pattern outputs."""
    values = []
    for item in outputs:
        key, part = item["id"]["key"], item["id"]["part"]
        value = layout.get(key)
        if part:
            value = (value or {}).get(part) if isinstance(value, dict) else None
        elif isinstance(value, tuple):
            value = list(value)
        values.append(value)
    return values


def layout_from_controls(states: list[dict], values: list) -> dict:
    """The layout the controls hold: {key: value}, margins gathered into one dict of sides."""
    layout: dict = {}
    for item, value in zip(states, values):
        key, part = item["id"]["key"], item["id"]["part"]
        if part:
            layout.setdefault(key, {})[part] = value
        else:
            layout[key] = value
    return layout


def field_error_lines(t: Translator, errors: dict[str, str], rows: list[dict]) -> list:
    """The field table's errors, one line each: 'Row 3 (key): reason', removed fields in use by name."""
    labels = {"key": t("Field key"), "label_zh": t("Caption (Chinese)"), "label_en": t("Caption (English)"),
              "kind": t("Kind"), "order": t("Order")}
    lines = []
    for name, code in errors.items():
        parts = name.split(".")
        if parts[0] == "removed":
            lines.append(html.Li(t("The field {key} is filled in on applications or templates: it cannot be removed; "
                                   "make it optional instead.", key=parts[1])))
        elif parts[0] == "fields" and len(parts) == 3 and parts[1].isdigit():
            n = int(parts[1])
            key = rows[n - 1].get("key") if 0 < n <= len(rows) and isinstance(rows[n - 1], dict) else ""
            lines.append(html.Li(t("Row {n} ({key}), {column}: {reason}", n=n, key=key or "-",
                                   column=labels.get(parts[2], parts[2]), reason=reason(t, code))))
    return lines
