"""Certificate application form (Liaoning 5.8.1): choosing what to apply for, and the certificate's fields and goods.

The field and goods components are shared with the template page (5.8.2): they take the ids of the page
that shows them. Every typed value is shown as text.
"""
from __future__ import annotations

from typing import NamedTuple

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.applications.choices import ApplicationForm, DeclarationChoice, FormSpec, TypeChoice
from data.applications.form import GOODS_COLUMNS
from data.models import CertificateTemplate
from layouts.accounts.register import reason_text
from layouts.applications import ids
from layouts.applications.listing import ENTRY_LABELS, preview_link
from layouts.common import date_single, dom_id, grid_locale, label_for, page_header, status_badge

Choices = dict[str, list[tuple[str, str, str]]]  # dictionary -> (code, Chinese name, English name)

REASONS = {
    "date_format": N_("Enter a date as YYYY-MM-DD."),
    "choose_country": N_("Choose a country or region from the list."),
    "choose_transport_mode": N_("Choose a means of transport from the list."),
    "positive_number": N_("Enter a number greater than zero."),
    "unknown_field": N_("This certificate format has no such field."),
    "goods_required": N_("Add at least one goods line."),
    "too_many_goods": N_("At most 999 goods lines."),
    "hs_format": N_("An HS code has 10 digits."),
    "hs_unknown": N_("This HS code is not in the HS code list."),
    "non_negative_number": N_("Enter a number, zero or more."),
    "whole_number": N_("Enter a whole number."),
    "choose_unit": N_("Choose a unit from the list."),
    "choose_package_type": N_("Choose a package type from the list."),
    "template_name_taken": N_("Another template already has this name."),
    "template_not_found": N_("There is no such template among your enterprise's templates."),
    "template_other_format": N_("This template is of another certificate format: choose one of the chosen format."),
    "similar_not_found": N_("Your enterprise has no application for this inspection no."),
    "unknown_format": N_("Choose a certificate format."),
    "unknown_entry_method": N_("Choose how to fill in the certificate."),
    "declaration_not_sent": N_("Choose a declaration sent to customs (it has an inspection no.)."),
    "choose_declaration": N_("Choose the declaration the certificate is for."),
}
FORM_MESSAGES = {
    "repeated": N_("This application was just created by another click or tab; find it in the list."),
    "saved": N_("Saved as a draft."),
    "template_saved": N_("Saved, and kept as the template \u201c{name}\u201d."),
    "stale_version": N_("This application was changed elsewhere (another window or user) after you opened it, so "
                        "nothing was saved. Your entries are still on the page: keep what you need, then reload."),
    "bad_transition": N_("This application can no longer be changed in its present status."),
    "not_found": N_("There is no such application among those you may see."),
    "has_errors": N_("Nothing was saved: correct the marked fields."),
}
GOODS_LABELS = {
    "hs_code": N_("HS code"), "name_zh": N_("Name (Chinese)"), "name_en": N_("Name (English)"),
    "origin": N_("Place of origin"), "quantity": N_("Quantity"), "quantity_unit": N_("Quantity unit"),
    "weight": N_("Weight"), "weight_unit": N_("Weight unit"), "packages": N_("Packages"),
    "package_type": N_("Package type"),
}
GOODS_LIMITS = {"hs_code": 10, "name_zh": 256, "name_en": 256, "origin": 64, "quantity": 24, "weight": 24,
                "packages": 10}
GOODS_DICTIONARIES = {"quantity_unit": "unit", "weight_unit": "unit", "package_type": "package_type"}
FIELD_LIMITS = {"text": 500, "multiline": 4000, "packages": 200, "weight": 24}
NO_CHOICE = "\u2014"


def reason(t: Translator, code: str) -> str:
    return t(REASONS[code]) if code in REASONS else reason_text(t, code)


def _labelled(t: Translator, code: str, zh: str, en: str) -> str:
    return f"{code} {t.pick(zh, en)}"


# --- the certificate's fields -------------------------------------------------------------------


class FormIds(NamedTuple):
    """The component ids of one page's certificate form (the application form or the template editor)."""

    field: str  # pattern type: {"type": field, "key": field key}, property "value"
    date: str  # pattern type of the date pickers, property "date"
    error: str  # pattern type: {"type": error, "key": field key}
    goods: str
    goods_add: str
    goods_delete: str
    goods_errors: str
    confirm: str


APPF_IDS = FormIds(ids.APPF_FIELD, ids.APPF_DATE, ids.APPF_ERROR, ids.APPF_GOODS, ids.APPF_GOODS_ADD,
                   ids.APPF_GOODS_DELETE, ids.APPF_GOODS_ERRORS, ids.APPF_CONFIRM)
TMPL_IDS = FormIds(ids.TMPL_FIELD, ids.TMPL_DATE, ids.TMPL_ERROR, ids.TMPL_GOODS, ids.TMPL_GOODS_ADD,
                   ids.TMPL_GOODS_DELETE, ids.TMPL_GOODS_ERRORS, ids.TMPL_CONFIRM)


def field_label(t: Translator, spec: FormSpec, field: dict, control=None) -> html.Label:
    """The field's caption as the certificate prints it: both languages on a bilingual certificate; tied to
    `control` (its component) when given."""
    zh, en = field["label_zh"], field["label_en"]
    languages = set(spec.languages.split(","))
    if spec.bilingual:
        main, second = zh, en
    elif languages == {"en"}:
        main, second = en, (zh if t.lang == "zh" else None)
    else:
        main, second = zh, (en if t.lang != "zh" else None)
    star = html.Span(" *", className="text-danger", title=t("Required to apply")) if field.get("required") else None
    return html.Label([html.Span(main, className="fw-semibold"), star,
                       html.Small(second, className="d-block text-muted") if second else None],
                      className="form-label mb-1", htmlFor=dom_id(control.id) if control is not None else None)


def _options(t: Translator, entries: list[tuple[str, str, str]], value: str) -> list[dict]:
    options = [{"label": NO_CHOICE, "value": ""}]
    options += [{"label": _labelled(t, code, zh, en), "value": code} for code, zh, en in entries]
    if value and value not in {code for code, _zh, _en in entries}:  # no longer offered: show it, the check says why
        options.append({"label": value, "value": value})
    return options


def field_input(t: Translator, form_ids: FormIds, field: dict, value: str, choices: Choices, disabled: bool):
    key, kind = field["key"], field.get("kind", "text")
    if kind == "date":
        return date_single(t, {"type": form_ids.date, "key": key}, value, disabled)
    component_id = {"type": form_ids.field, "key": key}
    if kind in ("country", "transport_mode"):
        return dbc.Select(id=component_id, value=value, options=_options(t, choices[kind], value), disabled=disabled)
    if kind == "multiline":
        return dbc.Textarea(id=component_id, value=value, rows=3, maxLength=FIELD_LIMITS[kind], disabled=disabled)
    return dbc.Input(id=component_id, value=value, maxLength=FIELD_LIMITS.get(kind, 500), disabled=disabled,
                     inputMode="decimal" if kind == "weight" else None,
                     placeholder=t("e.g. 200 cartons") if kind == "packages" else None)


def certificate_fields(t: Translator, form_ids: FormIds, spec: FormSpec, values: dict[str, str], choices: Choices,
                       *, disabled: bool = False) -> dbc.Row:
    """Every field of the format, in its order, each with its caption and the place for its error."""
    cells = []
    for f in spec.fields:
        control = field_input(t, form_ids, f, str(values.get(f["key"], "") or ""), choices, disabled)
        cells.append(dbc.Col([field_label(t, spec, f, control), control,
                              html.Div(id={"type": form_ids.error, "key": f["key"]}, className="invalid-feedback d-block")],
                             md=12 if f.get("kind") == "multiline" else 6, className="mb-3 cert-field"))
    return dbc.Row(cells)


def certificate_title(t: Translator, spec: FormSpec) -> html.Div:
    titles = [spec.cert_type_zh, spec.cert_type_en] if spec.bilingual else [t.pick(spec.cert_type_zh,
                                                                                   spec.cert_type_en)]
    return html.Div([html.H5(titles[0], className="mb-0 text-center"),
                     html.Div(titles[1], className="text-center text-muted") if len(titles) > 1 else None,
                     html.Div(t("Format {code}: {name}", code=spec.code, name=t.pick(spec.name_zh, spec.name_en)),
                              className="small text-muted text-center")], className="mb-3")


# --- the goods lines ----------------------------------------------------------------------------


def goods_rows(goods: list[dict[str, str]]) -> list[dict]:
    """The grid's rows: the goods values, each with a row id."""
    return [{"rid": n, **{c: str(g.get(c, "") or "") for c in GOODS_COLUMNS}} for n, g in enumerate(goods, start=1)]


def _goods_columns(t: Translator, choices: Choices, editable: bool) -> list[dict]:
    columns: list[dict] = [{"headerName": "#", "valueGetter": {"function": "params.node.rowIndex + 1"},
                            "maxWidth": 70, "editable": False, "pinned": "left"}]
    for column in GOODS_COLUMNS:
        spec: dict = {"headerName": t(GOODS_LABELS[column]), "field": column, "editable": editable,
                      "cellDataType": "text",
                      "cellClassRules": {"goods-cell-error": f"params.data._errors && params.data._errors.{column}"},
                      "tooltipValueGetter": {"function": f"params.data._errors && params.data._errors.{column}"}}
        if column in GOODS_DICTIONARIES:
            entries = choices[GOODS_DICTIONARIES[column]]
            spec.update(cellEditor="agSelectCellEditor",
                        cellEditorParams={"values": [""] + [code for code, _zh, _en in entries]},
                        refData={"": "", **{code: _labelled(t, code, zh, en) for code, zh, en in entries}},
                        minWidth=130)
        else:
            spec["cellEditorParams"] = {"maxLength": GOODS_LIMITS[column]}
            spec["minWidth"] = 160 if column.startswith("name") else 110
        columns.append(spec)
    return columns


def goods_editor(t: Translator, form_ids: FormIds, goods: list[dict[str, str]], choices: Choices,
                 *, editable: bool = True) -> html.Div:
    """The goods lines as an editable grid (double-click or type into a cell), with add and delete buttons."""
    options: dict = {"stopEditingWhenCellsLoseFocus": True, "domLayout": "autoHeight", "tooltipShowDelay": 0,
                     "localeText": grid_locale(t)}
    if editable:
        options["rowSelection"] = {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True,
                                   "enableClickSelection": False}
    buttons = html.Div([
        dbc.Button(t("Add a goods line"), id=form_ids.goods_add, color="secondary", outline=True, size="sm",
                   className="me-2"),
        dbc.Button(t("Delete the ticked lines"), id=form_ids.goods_delete, color="danger", outline=True, size="sm"),
    ], className="mb-2", style=_shown(editable))
    return html.Div([
        buttons,
        dag.AgGrid(id=form_ids.goods, columnDefs=_goods_columns(t, choices, editable), rowData=goods_rows(goods),
                   getRowId="`${params.data.rid}`", defaultColDef={"resizable": True, "sortable": False},
                   dashGridOptions=options, className="ag-theme-alpine", style={"width": "100%"}),
        html.Div(id=form_ids.goods_errors, className="invalid-feedback d-block"),
        dbc.FormText(t("Double-click a cell (or select it and type) to edit; Enter or Tab keeps the value."))
        if editable else None,
    ])


def goods_error_list(t: Translator, errors: dict[str, str]) -> list:
    """The goods' errors as text lines: 'Line 2, HS code: ...'; and the errors of the goods as a whole."""
    lines = []
    for key, code in errors.items():
        parts = key.split(".")
        if parts[0] != "goods":
            continue
        if len(parts) == 3 and parts[2] in GOODS_LABELS:
            lines.append(html.Div(t("Line {n}, {column}: {problem}", n=parts[1], column=t(GOODS_LABELS[parts[2]]),
                                    problem=reason(t, code))))
        else:
            lines.append(html.Div(reason(t, code)))
    return lines


def copied_value_problems(t: Translator, spec: FormSpec, errors: dict[str, str]) -> list:
    """What the entry method copied and the format refuses (say, a code no longer in its list), by field and line."""
    labels = {f["key"]: t.pick(f["label_zh"], f["label_en"]) for f in spec.fields}
    lines = [html.Div(t("{field}: {problem}", field=labels.get(key[7:], key[7:]), problem=reason(t, code)))
             for key, code in errors.items() if key.startswith("fields.")]
    return lines + goods_error_list(t, errors)


def confirm_box(t: Translator, component_id: str, value: bool, disabled: bool = False) -> dbc.Checkbox:
    return dbc.Checkbox(id=component_id, value=bool(value), disabled=disabled, className="mb-3",
                        label=t("Needs confirmation before drafting: customs sends you the draft certificate to "
                                "confirm before approving it"))


# --- the application form page ------------------------------------------------------------------


def form_page(t: Translator, form: ApplicationForm | None, choices: Choices, message=None) -> html.Div:
    if form is None:
        return html.Div([page_header(t("Certificate application"), None),
                         dbc.Alert(t(FORM_MESSAGES.get("not_found", "")), color="warning")])
    editable = form.editable
    view_link = dcc.Link(t("View the application and its receipts"), href=f"/applications/view?id={int(form.id)}",
                         id=ids.APPF_VIEW)
    notice = None if editable else dbc.Alert(
        [html.Span(t("This application is no longer a draft or returned, so it cannot be edited here."),
                   className="me-2"), view_link],
        color="info")
    # every button is on the page (one callback listens to all of them); those of no use now are hidden
    buttons = html.Div([
        dbc.Button(t("Save draft"), id=ids.APPF_SAVE, color="secondary", className="me-2 mb-2",
                   style=_shown(editable)),
        dbc.Button(t("Apply"), id=ids.APPF_APPLY, color="primary", className="me-2 mb-2", style=_shown(editable)),
        dbc.Button(t("Save as template"), id=ids.APPF_TEMPLATE_OPEN, color="secondary", outline=True,
                   className="me-2 mb-2", style=_shown(editable)),
        dbc.Button(t("Copy"), id=ids.APPF_COPY, color="secondary", outline=True, className="me-2 mb-2"),
        html.Div(preview_link(t, ids.APPF_PREVIEW, form.id), className="me-2 mb-2"),
        html.Div(dcc.ConfirmDialogProvider(
            dbc.Button(t("Delete draft"), color="danger", outline=True, className="me-2 mb-2"),
            id=ids.APPF_DELETE, message=t("Delete this draft application? This cannot be undone.")),
            style=_shown(form.deletable)),
        view_link if editable else None,
    ], className="d-flex flex-wrap align-items-center")
    subtitle = t("Inspection no. {no}, serial {serial}", no=form.inspection_no or "\u2014", serial=form.serial)
    return html.Div([
        page_header(t("Certificate application {id}", id=form.id), subtitle),
        html.Div(status_badge(t, form.status), className="mb-3"),
        notice,
        html.Div(message, id=ids.APPF_MESSAGE),
        dbc.Card(dbc.CardBody([
            certificate_title(t, form.spec),
            certificate_fields(t, APPF_IDS, form.spec, form.fields, choices, disabled=not editable),
        ]), className="mb-3"),
        dbc.Card([dbc.CardHeader(t("Goods")), dbc.CardBody(goods_editor(t, APPF_IDS, form.goods, choices,
                                                                         editable=editable))],
                 className="mb-3"),
        confirm_box(t, ids.APPF_CONFIRM, form.needs_confirmation, disabled=not editable),
        buttons,
        template_name_modal(t),
        dcc.Store(id=ids.APPF_STATE, data={"id": form.id, "version": form.version}),
        dcc.Location(id=ids.APPF_GOTO, refresh="callback-nav"),
    ])


def template_name_modal(t: Translator) -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(t("Save as template"))),
        dbc.ModalBody([
            dbc.Label(t("Template name"), html_for=ids.APPF_TEMPLATE_NAME),
            dbc.Input(id=ids.APPF_TEMPLATE_NAME, maxLength=64),
            html.Div(id=ids.APPF_TEMPLATE_ERROR, className="invalid-feedback d-block"),
            dbc.FormText(t("The application is saved as a draft first; the template keeps its fields and goods.")),
        ]),
        dbc.ModalFooter([
            dbc.Button(t("Cancel"), id=ids.APPF_TEMPLATE_CANCEL, color="secondary", outline=True),
            dbc.Button(t("Save template"), id=ids.APPF_TEMPLATE_SAVE, color="primary"),
        ]),
    ], id=ids.APPF_TEMPLATE_MODAL, is_open=False)


def form_message(t: Translator, code: str, **values) -> dbc.Alert:
    color = "success" if code in ("saved", "template_saved") else "danger"
    return dbc.Alert(t(FORM_MESSAGES[code], **values), color=color)


# --- choosing what to apply for -----------------------------------------------------------------


def declaration_options(t: Translator, choices: list[DeclarationChoice]) -> list[dict]:
    return [{"label": " \u00b7 ".join(x for x in (c.inspection_no or "", c.consignee, c.dest_country or "",
                                                  t.date(c.inspection_date)) if x), "value": str(c.id)}
            for c in choices]


def format_options(t: Translator, types: list[TypeChoice], type_code: str | None) -> list[dict]:
    ctype = next((x for x in types if x.code == type_code), None)
    return [{"label": f"{f.code} {f.name_zh} / {f.name_en}", "value": f.code} for f in (ctype.formats if ctype else ())]


def template_options(templates: list[CertificateTemplate]) -> list[dict]:
    return [{"label": tp.name, "value": str(tp.id)} for tp in templates]


ENTRY_HELP = {
    "blank": N_("Start from an empty certificate."),
    "similar": N_("Copy an earlier application of your enterprise, found by its inspection no."),
    "template": N_("Start from one of your saved templates of this format."),
    "smart_import": N_("Fill the certificate from the declaration's goods, parties and transport."),
}


class NewChoice(NamedTuple):
    """What the new-application page starts with (from the query: a template to use, a declaration)."""

    declaration_id: str | None = None
    type_code: str | None = None
    format_code: str | None = None
    entry_method: str = "smart_import"
    template_id: str | None = None


def new_page(t: Translator, declarations: list[DeclarationChoice], types: list[TypeChoice],
             templates: list[CertificateTemplate], start: NewChoice, form_token: str | None = None) -> html.Div:
    type_code = start.type_code or (types[0].code if types else None)
    formats = format_options(t, types, type_code)
    format_code = start.format_code or (formats[0]["value"] if formats else None)
    decl_options = declaration_options(t, declarations)
    declaration = start.declaration_id or (decl_options[0]["value"] if decl_options else None)

    def error(name: str) -> html.Div:
        return html.Div(id={"type": ids.APPN_ERROR, "name": name}, className="invalid-feedback d-block")

    methods = [{"label": html.Span([html.Span(t(ENTRY_LABELS[m]), className="fw-semibold me-2"),
                                    html.Small(t(ENTRY_HELP[m]), className="text-muted")]), "value": m}
               for m in ("blank", "similar", "template", "smart_import")]
    return html.Div([
        page_header(t("New certificate application"),
                    t("Choose the declaration, the certificate and how to fill it in; then complete the form.")),
        html.Div(id=ids.APPN_MESSAGE),
        dbc.Card(dbc.CardBody([
            html.H6(t("1. Declaration")),
            dbc.Row([
                dbc.Col(dbc.Input(id=ids.APPN_DECL_SEARCH, placeholder=t("Search by inspection no."), maxLength=15,
                                  debounce=True), md=4),
                dbc.Col([label_for(t("Declaration"), ids.APPN_DECLARATION, className="visually-hidden"),
                         dbc.Select(id=ids.APPN_DECLARATION, options=decl_options, value=declaration),
                         html.Small(t("Only declarations sent to customs are listed (newest first)."),
                                    className="text-muted")], md=8),
            ], className="g-2"),
            error("declaration_id"),
        ]), className="mb-3"),
        dbc.Card(dbc.CardBody([
            html.H6(t("2. Certificate")),
            dbc.Row([
                dbc.Col([dbc.Label(t("Certificate type"), html_for=ids.APPN_TYPE),
                         dbc.Select(id=ids.APPN_TYPE, value=type_code,
                                    options=[{"label": f"{x.code} {x.name_zh} / {x.name_en}", "value": x.code}
                                             for x in types])], md=6),
                dbc.Col([dbc.Label(t("Certificate format"), html_for=ids.APPN_FORMAT),
                         dbc.Select(id=ids.APPN_FORMAT, value=format_code, options=formats)], md=6),
            ], className="g-2"),
            error("format_code"),
        ]), className="mb-3"),
        dbc.Card(dbc.CardBody([
            html.H6(t("3. How to fill it in")),
            dbc.RadioItems(id=ids.APPN_METHOD, options=methods, value=start.entry_method, className="mb-2"),
            error("entry_method"),
            html.Div([dbc.Label(t("Similar inspection no."), html_for=ids.APPN_SIMILAR),
                      dbc.Input(id=ids.APPN_SIMILAR, maxLength=15), error("similar_inspection_no")],
                     id=ids.APPN_SIMILAR_ROW, style=_shown(start.entry_method == "similar"), className="mb-2"),
            html.Div([dbc.Label(t("Template"), html_for=ids.APPN_TEMPLATE),
                      dbc.Select(id=ids.APPN_TEMPLATE, options=template_options(templates),
                                 value=start.template_id or (str(templates[0].id) if templates else None),
                                 placeholder=t("No template of this format yet")),
                      error("template_id")],
                     id=ids.APPN_TEMPLATE_ROW, style=_shown(start.entry_method == "template"), className="mb-2"),
            confirm_box(t, ids.APPN_CONFIRM, False),
        ]), className="mb-3"),
        dbc.Button(t("Create and open the form"), id=ids.APPN_CREATE, color="primary"),
        dcc.Location(id=ids.APPN_GOTO, refresh="callback-nav"),
        dcc.Store(id=ids.APPN_TOKEN, data=form_token),
    ])


def _shown(visible: bool) -> dict:
    return {} if visible else {"display": "none"}


def method_rows(method: str | None) -> tuple[dict, dict]:
    """The styles of the similar inspection no. and the template rows for the chosen entry method."""
    return _shown(method == "similar"), _shown(method == "template")
