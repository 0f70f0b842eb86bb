"""The declaration form (出境/入境货物报检, Jiucheng 3.4.3): 单证信息, 其他单证信息, 集装箱信息, 货物信息,
随附单据, with the buttons of 3.4.5 (暂存, 保存, 保存并发送, 复制, 删除, 查看回执)."""
from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.core.labels import DECL_STATUS_LABELS
from data.declarations.defaults import INSPECTION_CATEGORIES, Choice
from data.declarations.form import FIELDS, DeclarationForm, DeclarationReceipt, column_limit
from data.declarations.goods import (
    CONTAINER_SPECS,
    GOODS_CODES,
    GOODS_COLUMNS,
    GOODS_REQUIRED,
    KG_PER_UNIT,
    PURPOSES,
    PURPOSES_EN,
    totals,
)
from data.models import GoodsLine
from layouts.common import dropdown_labels, grid_locale, label_for
from layouts.declarations import ids
from layouts.declarations.defaults import reason as settings_reason
from layouts.declarations.party_book import PARTY_REASONS
from layouts.events import event_text

FIELD_LABELS = {
    "inspection_date": N_("Inspection date"), "category": N_("Declaration category"), "contact_name": N_("Contact"),
    "contact_phone": N_("Contact phone"), "declarant_name": N_("Declarant name"),
    "declarant_code": N_("Declarant code"),
    "consignor_code": N_("Consignor code"), "consignor_zh": N_("Consignor (Chinese)"),
    "consignor_en": N_("Consignor (English)"), "consignor_address": N_("Consignor address"),
    "consignee_code": N_("Consignee code"), "consignee_zh": N_("Consignee (Chinese)"),
    "consignee_en": N_("Consignee (English)"), "consignee_address": N_("Consignee address"),
    "district_code": N_("Declaration district"), "inspection_place_code": N_("Inspection place"),
    "issue_district_code": N_("Certificate issuing district"), "port_authority_code": N_("Port authority"),
    "customs_declaration_district": N_("Customs declaration district"), "trade_mode": N_("Trade mode"),
    "transport_mode": N_("Transport mode"), "transport_means": N_("Means of transport"),
    "transport_no": N_("Voyage/flight no."), "contract_no": N_("Contract no."), "bl_no": N_("B/L no."),
    "origin_country": N_("Country of departure"), "departure_port": N_("Port of departure"),
    "arrival_port": N_("Port of arrival"), "dest_country": N_("Destination country"),
    "despatch_date": N_("Date of despatch"), "arrival_date": N_("Date of arrival"),
    "storage_place": N_("Storage place of the goods"), "related_inspection_no": N_("Related inspection no."),
    "related_reason": N_("Reason for the relation"), "marks": N_("Marks and numbers"),
    "special_requirements": N_("Special requirements"), "required_documents": N_("Certificates required"),
}
ENTRY_LABELS = {"departure_port": N_("Port of loading"), "arrival_port": N_("Port of entry")}
GOODS_LABELS = {
    "hs_code": N_("HS code"), "ciq_code": N_("CIQ code"), "name_zh": N_("Goods name (Chinese)"),
    "name_en": N_("Goods name (English)"), "spec": N_("Specification"), "model": N_("Model"), "brand": N_("Brand"),
    "purpose": N_("Purpose"), "origin_country": N_("Country of origin"), "origin_place": N_("Place of origin"),
    "quantity": N_("Quantity"), "quantity_unit": N_("Quantity unit"), "weight": N_("Weight"),
    "weight_unit": N_("Weight unit"), "packages": N_("Number of packages"), "package_type": N_("Package type"),
    "unit_price": N_("Unit price"), "value": N_("Total value"), "currency": N_("Currency"),
    "production_unit": N_("Production unit"), "production_unit_reg_no": N_("Production unit registration no."),
    "production_date": N_("Production date"), "batch_no": N_("Batch no."),
}
CONTAINER_LABELS = {"number": N_("Container no."), "spec": N_("Container type"), "count": N_("Count"),
                    "lcl": N_("LCL"), "seal_no": N_("Seal no.")}
PARTY_ROLES = {"consignor": N_("Consignor"), "consignee": N_("Consignee")}
PARTY_PARTS = ("code", "zh", "en", "address")
DOCUMENT_SECTION = ("inspection_date", "category", "contact_name", "contact_phone", "declarant_name",
                    "declarant_code")
# goods column -> its list of choices (the HS code has its own search)
CODED_GOODS = {**{c: d for c, d in GOODS_CODES.items() if c != "hs_code"}, "purpose": "purpose"}
CODED_FIELDS = {"category": "category", "district": "district", "country": "country", "trade_mode": "trade_mode",
                "transport_mode": "transport_mode", "certificate_types": "certificate_type"}  # kind -> choices

DECLF_REASONS = {
    "hs_format": N_("An HS code has 10 digits."),
    "hs_unknown": N_("This HS code is not in the HS list."),
    "ciq_format": N_("A CIQ code has 3 digits."),
    "choose_unit": N_("Choose a unit from the list."),
    "choose_purpose": N_("Choose a purpose from the list."),
    "non_negative_number": N_("Enter a number of 0 or more."),
    "max_4_decimals": N_("At most 4 decimal places."),
    "max_2_decimals": N_("At most 2 decimal places."),
    "whole_number": N_("Enter a whole number."),
    "date_format": N_("Enter a date as 2026-05-04 or 20260504."),
    "too_many_goods": N_("At most 999 goods lines."),
    "goods_required": N_("Add at least one goods line."),
    "container_no_format": N_("A container no. is 4 capital letters (the 4th U, J or Z) and 7 digits."),
    "container_check_digit": N_("The check digit (the last one) of this container no. does not match."),
    "duplicate_container": N_("This container no. is listed twice."),
    "choose_container_spec": N_("Choose a container type from the list."),
    "at_least_one": N_("Enter a whole number of 1 or more."),
    "yes_or_no": N_("Yes or no."),
    "too_many_containers": N_("At most 999 containers."),
    "unknown_field": N_("This field does not belong to this form."),
    "credit_code_format": N_("This 18-character code is not a valid unified social credit code."),
    "inspection_no_format": N_("An inspection no. has 15 digits."),
    "choose_certificate_type": N_("Choose the certificates from the list."),
    "choose_document": N_("Choose a document from the list of this direction."),
    "duplicate_document": N_("This document is listed twice."),
    "too_many_documents": N_("At most 99 documents."),
    "documents_required": N_("Tick at least one attached document."),
    "unknown_direction": N_("Exit or entry?"),
    **PARTY_REASONS,
}
REFUSALS = {
    "stale_version": N_("This declaration was saved elsewhere in the meantime (another tab or a colleague). Your "
                        "changes were not saved: reload the page to see the latest version."),
    "read_only": N_("A sent declaration can no longer be changed."),
    "not_deletable": N_("Only temporarily saved or saved declarations can be deleted."),
    "has_applications": N_("This declaration has certificate applications and cannot be deleted."),
    "not_found": N_("There is no such declaration among those you may see."),
    "unknown_mode": N_("The action failed."),
    "repeated": N_("This form was just saved from another click or tab; find the declaration in the list."),
}
DONE = {"draft": N_("Temporarily saved."), "save": N_("Saved."),
        "send": N_("Saved and sent. Inspection no.: {inspection_no}")}
INVALID = "declf-invalid"


def reason(t: Translator, code: str) -> str:
    return t(DECLF_REASONS[code]) if code in DECLF_REASONS else settings_reason(t, code)


def refusal(t: Translator, code: str) -> dbc.Alert:
    return dbc.Alert(t(REFUSALS.get(code, REFUSALS["unknown_mode"])), color="danger", dismissable=True)


def field_label(t: Translator, key: str, direction: str) -> str:
    return t(ENTRY_LABELS[key]) if direction == "entry" and key in ENTRY_LABELS else t(FIELD_LABELS[key])


def party_key(role: str, part: str) -> str:
    return f"{role}_{part}"


def _options(t: Translator, entries: list[Choice]) -> list[dict]:
    return [{"label": f"{code} {t.pick(zh, en)}", "value": code} for code, zh, en in entries]


def _labelled(key: str, label: str, control, required: bool, md: int = 3) -> dbc.Col:
    head = [label, html.Span(" *", className="text-danger") if required else None]
    return dbc.Col(html.Div([label_for(head, control, className="small mb-0"), control,
                             html.Div(id={"type": ids.DECLF_ERROR, "name": key}, className="small text-danger")],
                            id={"type": ids.DECLF_CELL, "name": key}), md=md, className="mb-2")


def _control(t: Translator, component_id: dict, kind: str, value, options: list[dict], limit: int | None,
             disabled: bool):
    if kind in CODED_FIELDS or options:
        multi = kind == "certificate_types"
        return dcc.Dropdown(labels=dropdown_labels(t),
                            id=component_id, options=options, value=value if (value or multi) else None, multi=multi,
                            clearable=True, searchable=True, disabled=disabled, placeholder="")
    if kind == "multiline":
        return dbc.Textarea(id=component_id, value=value, rows=2, maxLength=limit, disabled=disabled)
    return dbc.Input(id=component_id, value=value, maxLength=10 if kind == "date" else limit, disabled=disabled,
                     autoComplete="off",
                     type="tel" if kind == "phone" else "text",
                     placeholder="YYYY-MM-DD" if kind == "date" else None, debounce=False)


def _field(t: Translator, form: DeclarationForm, spec, choices: dict[str, list[Choice]]) -> dbc.Col:
    kind = spec.kind
    if kind == "category":
        options = _options(t, list(INSPECTION_CATEGORIES[form.direction]))
    else:
        options = _options(t, choices.get(CODED_FIELDS.get(kind, ""), []))
    limit = None if kind in CODED_FIELDS else column_limit(spec.key)
    control = _control(t, {"type": ids.DECLF_FIELD, "name": spec.key}, kind, form.data.fields.get(spec.key, ""),
                       options, limit, form.read_only)
    wide = 6 if kind in ("multiline", "certificate_types") else 3
    return _labelled(spec.key, field_label(t, spec.key, form.direction), control,
                     form.direction in spec.required, wide)


def _party(t: Translator, form: DeclarationForm, role: str, specs: dict) -> dbc.Card:
    picker = dcc.Dropdown(labels=dropdown_labels(t),
                          id={"type": ids.DECLF_PARTY, "role": role}, options=[], searchable=True, clearable=True,
                          placeholder=t("Type a code or name to fill from the book"), disabled=form.read_only)
    cells = []
    for part in PARTY_PARTS:
        key = party_key(role, part)
        spec = specs[key]
        control = dbc.Input(id={"type": ids.DECLF_PARTY_FIELD, "role": role, "name": part},
                            value=form.data.fields.get(key, ""), maxLength=column_limit(key), disabled=form.read_only,
                            autoComplete="off")
        cells.append(_labelled(key, field_label(t, key, form.direction), control,
                               form.direction in spec.required, 3))
    return dbc.Card(dbc.CardBody([
        dbc.Row([dbc.Col(html.Strong(t(PARTY_ROLES[role])), md=3),
                 dbc.Col(picker, md=6, className="mb-2")] if not form.read_only else
                [dbc.Col(html.Strong(t(PARTY_ROLES[role])), md=3)]),
        dbc.Row(cells, className="g-2"),
    ]), className="mb-2")


def _section(title: str, *children) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(html.Strong(f"◆{title}◆")), dbc.CardBody(list(children))], className="mb-3")


def declaration_form_page(t: Translator, form: DeclarationForm | None, choices: dict[str, list[Choice]],
                          *, done: str = "", copied_from: str = "", import_slot=None,
                          form_token: str | None = None) -> html.Div:
    if form is None:
        return html.Div([dbc.Alert(t(REFUSALS.get("not_found", "")), color="warning"),
                         dcc.Link(t("Back to the declarations"), href="/declarations")])
    specs = {f.key: f for f in FIELDS if form.direction in f.directions}
    title = t("Exit goods declaration") if form.direction == "exit" else t("Entry goods declaration")
    state = (t(DECL_STATUS_LABELS.get(form.status, form.status)) if form.id is not None
             else t("Not saved yet"))  # a new form is nothing yet: no 暂存 until the first 暂存
    heading = [title, " ", dbc.Badge(state, color="secondary" if form.id is not None else "light",
                                     text_color=None if form.id is not None else "dark",
                                     className="ms-2 align-middle", id=ids.DECLF_STATUS_BADGE)]
    facts = [
        (t("Entry no."), form.entry_no or t("(given at the first save)")),
        (t("Inspection no."), form.inspection_no or t("(given when sent)")),
        (t("Registration no."), form.registration_no or "—"),
        (t("Enterprise"), form.enterprise_name),
    ]
    message = None
    if done in DONE:
        message = dbc.Alert(t(DONE[done], inspection_no=form.inspection_no), color="success", dismissable=True)
    elif copied_from:
        message = dbc.Alert(t("A copy of {entry_no}: nothing is kept until you save it.", entry_no=copied_from),
                            color="info", dismissable=True)
    if form.read_only:
        message = [message, dbc.Alert(t("A sent declaration can no longer be changed."), color="secondary")]
    document_fields = [_field(t, form, specs[k], choices) for k in DOCUMENT_SECTION]
    other_fields = [_field(t, form, spec, choices) for spec in specs.values()
                    if spec.key not in DOCUMENT_SECTION and not spec.key.startswith(("consignor_", "consignee_"))]
    return html.Div([
        html.H3(heading, className="mb-1"),
        html.P(" · ".join(f"{label}: {value}" for label, value in facts), className="text-muted small"),
        html.Div(message, id=ids.DECLF_MESSAGE),
        _buttons(t, form),
        html.Div(id=ids.DECLF_SUMMARY),
        _section(t("Document information"), dbc.Row(document_fields, className="g-2"),
                 _party(t, form, "consignor", specs), _party(t, form, "consignee", specs)),
        _section(t("Other document information"), dbc.Row(other_fields, className="g-2")),
        _section(t("Containers"), *_containers(t, form)),
        _section(t("Goods"), *_goods(t, form, choices)),
        _section(t("Attached documents"), _documents(t, form, choices)),
        html.Div(import_slot, id=ids.DECLF_IMPORT_SLOT),
        dcc.Store(id=ids.DECLF_STATE, data={"id": form.id, "version": form.version, "direction": form.direction,
                                            "goods_defaults": form.goods_defaults, "token": form_token}),
        dcc.Location(id=ids.DECLF_URL, refresh="callback-nav"),
        _receipts_modal(t),
    ])


def _buttons(t: Translator, form: DeclarationForm) -> html.Div:
    buttons = []
    if not form.read_only:
        buttons += [
            dbc.Button(t("Save temporarily"), id={"type": ids.DECLF_ACTION, "action": "draft"}, color="secondary",
                       className="me-2"),
            dbc.Button(t("Save"), id={"type": ids.DECLF_ACTION, "action": "save"}, color="primary", className="me-2"),
            dbc.Button(t("Save and send"), id={"type": ids.DECLF_ACTION, "action": "send"}, color="success",
                       className="me-2"),
        ]
    if form.id is not None:
        buttons.append(dbc.Button(t("Copy"), href=f"/declarations/edit?copy={int(form.id)}", color="light",
                                  className="me-2 border", id="declf-copy"))
        buttons.append(dbc.Button(t("Receipts"), id=ids.DECLF_RECEIPTS, color="light", className="me-2 border"))
        if not form.read_only:
            buttons.append(dcc.ConfirmDialogProvider(
                dbc.Button(t("Delete"), color="danger", outline=True, className="me-2"), id=ids.DECLF_DELETE,
                message=t("Delete this declaration with its goods, containers and documents?")))
    buttons.append(dcc.Link(t("Back to the declarations"), href="/declarations", className="ms-2"))
    return html.Div(buttons, className="mb-3 d-flex flex-wrap align-items-center")


def _receipts_modal(t: Translator) -> dbc.Modal:
    return dbc.Modal([dbc.ModalHeader(dbc.ModalTitle(t("Receipts"))), dbc.ModalBody(id=ids.DECLF_RECEIPTS_BODY)],
                     id=ids.DECLF_RECEIPTS_MODAL, is_open=False, size="lg")


def receipts_table(t: Translator, receipts: list[DeclarationReceipt]):
    if not receipts:
        return html.P(t("No receipts yet."), className="text-muted")
    head = html.Thead(html.Tr([html.Th(t("No.")), html.Th(t("Time")), html.Th(t("Content"))]))
    body = html.Tbody([html.Tr([html.Td(str(n)), html.Td(t.datetime(r.at), className="text-nowrap"),
                                html.Td(event_text(t, r.code, r.message, None, r.details))])
                       for n, r in enumerate(receipts, start=1)])
    return dbc.Table([head, body], bordered=True, size="sm")


# --- goods --------------------------------------------------------------------------------------


def goods_row_data(rows: list[dict], errors: dict[str, str] | None = None, t: Translator | None = None
                   ) -> list[dict]:
    """The goods grid's rows: every column as text, numbered, with the problems the last save found."""
    out = []
    for n, row in enumerate(rows, start=1):
        row = row if isinstance(row, dict) else {}
        line = {c: _cell_text(row.get(c)) for c in GOODS_COLUMNS}
        line["seq"] = n
        found = [f"{t(GOODS_LABELS[c])}: {reason(t, code)}" for key, code in (errors or {}).items()
                 for c in [key.rsplit(".", 1)[-1]] if key.startswith(f"goods.{n}.") and c in GOODS_LABELS] \
            if t else []
        line["problems"] = "; ".join(found)
        out.append(line)
    return out


def _cell_text(value) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def goods_entry_values(defaults: dict[str, str], row: dict | None = None) -> dict[str, str]:
    """What the goods entry row shows: a picked line, or a new line's defaults."""
    if row:
        return {c: _cell_text(row.get(c)) for c in GOODS_COLUMNS}
    return {c: _cell_text((defaults or {}).get(c)) for c in GOODS_COLUMNS}


def hs_options(t: Translator, rows) -> list[dict]:
    return [{"label": f"{r.code} {t.pick(r.name_zh, r.name_en)}", "value": r.code} for r in rows]


def _goods(t: Translator, form: DeclarationForm, choices: dict[str, list[Choice]]) -> list:
    purposes = [(code, zh, PURPOSES_EN[code]) for code, zh in PURPOSES.items()]
    lists = {**choices, "purpose": purposes}
    weight_units = [c for c in choices.get("unit", []) if c[0] in KG_PER_UNIT]
    values = goods_entry_values(form.goods_defaults)
    cells = []
    for column in GOODS_COLUMNS:
        component_id = {"type": ids.DECLF_GOODS_FIELD, "name": column}
        if column == "hs_code":
            control = dcc.Dropdown(labels=dropdown_labels(t),
                                   id=component_id, options=[], searchable=True, clearable=True,
                                   placeholder=t("Type an HS code or a Chinese name"), disabled=form.read_only)
        elif column in CODED_GOODS:
            entries = weight_units if column == "weight_unit" else lists.get(CODED_GOODS[column], [])
            control = dcc.Dropdown(labels=dropdown_labels(t),
                                   id=component_id, options=_options(t, entries), value=values[column] or None,
                                   searchable=True, clearable=True, placeholder="", disabled=form.read_only)
        else:
            control = dbc.Input(id=component_id, value=values[column], disabled=form.read_only, autoComplete="off",
                                maxLength=getattr(GoodsLine.__table__.columns[column].type, "length", None) or 32,
                                placeholder="YYYY-MM-DD" if column == "production_date" else None)
        head = [t(GOODS_LABELS[column]), html.Span(" *", className="text-danger") if column in GOODS_REQUIRED
                else None]
        cells.append(dbc.Col([label_for(head, control, className="small mb-0"), control,
                              html.Div(id={"type": ids.DECLF_GOODS_ERROR, "name": column},
                                       className="small text-danger")],
                             md=4 if column in ("hs_code", "name_zh", "name_en") else 2, className="mb-2"))
    entry = [] if form.read_only else [
        dbc.Row(cells, className="g-2"),
        html.Div([
            dbc.Button(t("Add line"), id=ids.DECLF_GOODS_ADD, color="primary", size="sm", className="me-2"),
            dbc.Button(t("Update line"), id=ids.DECLF_GOODS_UPDATE, color="secondary", size="sm", className="me-2"),
            dbc.Button(t("Delete line"), id=ids.DECLF_GOODS_DELETE, color="danger", outline=True, size="sm",
                       className="me-2"),
            dbc.Button(t("New line"), id=ids.DECLF_GOODS_CLEAR, color="light", size="sm", className="me-2 border"),
            html.Span(t("Pick a line in the list to change or delete it."), className="text-muted small"),
        ], className="mb-2"),
        html.Div(id=ids.DECLF_GOODS_MESSAGE),
    ]
    columns = [{"headerName": t("No."), "field": "seq", "maxWidth": 80}]
    columns += [{"headerName": t(GOODS_LABELS[c]), "field": c} for c in
                ("hs_code", "name_zh", "ciq_code", "purpose", "origin_country", "quantity", "quantity_unit",
                 "weight", "weight_unit", "value", "currency", "packages", "package_type")]
    columns.append({"headerName": t("Problems"), "field": "problems", "cellClass": "text-danger", "minWidth": 220})
    grid = dag.AgGrid(id=ids.DECLF_GOODS_GRID, columnDefs=columns, rowData=goods_row_data(form.data.goods),
                      defaultColDef={"resizable": True, "sortable": False, "minWidth": 90},
                      getRowId="`${params.data.seq}`",
                      dashGridOptions={"domLayout": "autoHeight", "localeText": grid_locale(t),
                                       "rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                        "enableClickSelection": True}},
                      className="ag-theme-alpine")
    return [*entry, grid,
            html.Div(goods_totals(t, form.data.goods), id=ids.DECLF_GOODS_TOTALS, className="mt-2 small"),
            html.Div(id={"type": ids.DECLF_ERROR, "name": "goods"}, className="small text-danger")]


def goods_totals(t: Translator, rows: list[dict]) -> str:
    """货物总值信息: lines, value per currency, weight in kg, packages."""
    summary = totals(rows)
    values = "; ".join(f"{t.number(v)} {c}".strip() for c, v in summary["value"].items()) or "0"
    text = t("{lines} lines · total value {values} · weight {kg} kg · {packages} packages",
             lines=t.number(summary["lines"]), values=values, kg=t.number(summary["weight_kg"]),
             packages=t.number(summary["packages"]))
    if summary["weight_unconverted"]:
        text += " · " + t("{n} lines with a weight unit that is not a mass", n=t.number(summary["weight_unconverted"]))
    return text


# --- containers ---------------------------------------------------------------------------------


def container_row_data(rows: list[dict], errors: dict[str, str] | None = None, t: Translator | None = None
                       ) -> list[dict]:
    out = []
    for n, row in enumerate(rows, start=1):
        row = row if isinstance(row, dict) else {}
        lcl = row.get("lcl")
        line = {"seq": n, "number": _cell_text(row.get("number")), "spec": _cell_text(row.get("spec")),
                "count": _cell_text(row.get("count")) or "1", "seal_no": _cell_text(row.get("seal_no")),
                "lcl": lcl if isinstance(lcl, bool) else _cell_text(lcl) in ("1", "true", "True", "是")}
        found = [f"{t(CONTAINER_LABELS[c])}: {reason(t, code)}" for key, code in (errors or {}).items()
                 for c in [key.rsplit(".", 1)[-1]] if key.startswith(f"containers.{n}.") and c in CONTAINER_LABELS] \
            if t else []
        line["problems"] = "; ".join(found)
        out.append(line)
    return out


def _containers(t: Translator, form: DeclarationForm) -> list:
    editable = not form.read_only

    def heading(key: str) -> str:
        return t(CONTAINER_LABELS[key])

    columns = [
        {"headerName": t("No."), "field": "seq", "maxWidth": 80, "editable": False},
        {"headerName": heading("number"), "field": "number", "editable": editable},
        {"headerName": heading("spec"), "field": "spec", "editable": editable,
         "cellEditor": "agSelectCellEditor", "cellEditorParams": {"values": ["", *CONTAINER_SPECS]}},
        {"headerName": heading("count"), "field": "count", "editable": editable, "maxWidth": 110},
        {"headerName": heading("lcl"), "field": "lcl", "editable": editable, "maxWidth": 110,
         "cellDataType": "boolean"},
        {"headerName": heading("seal_no"), "field": "seal_no", "editable": editable},
        {"headerName": t("Problems"), "field": "problems", "editable": False, "cellClass": "text-danger",
         "minWidth": 220},
    ]
    options = {"domLayout": "autoHeight", "stopEditingWhenCellsLoseFocus": True, "singleClickEdit": True,
               "localeText": grid_locale(t)}
    if editable:
        options["rowSelection"] = {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True,
                                   "enableClickSelection": False}
    grid = dag.AgGrid(id=ids.DECLF_CONTAINER_GRID, columnDefs=columns, rowData=container_row_data(form.data.containers),
                      defaultColDef={"resizable": True, "sortable": False}, getRowId="`${params.data.seq}`",
                      dashGridOptions=options, className="ag-theme-alpine")
    buttons = html.Div([
        dbc.Button(t("Add container"), id=ids.DECLF_CONTAINER_ADD, color="primary", size="sm", className="me-2"),
        dbc.Button(t("Delete ticked containers"), id=ids.DECLF_CONTAINER_DELETE, color="danger", outline=True,
                   size="sm", className="me-2"),
        html.Span(t("Click a cell to type in it."), className="text-muted small"),
    ], className="mb-2") if editable else None
    return [buttons, grid, html.Div(id={"type": ids.DECLF_ERROR, "name": "containers"}, className="small text-danger")]


# --- attached documents (随附单据) ------------------------------------------------------------------


def _documents(t: Translator, form: DeclarationForm, choices: dict[str, list[Choice]]) -> html.Div:
    numbers = {}
    for doc in form.data.documents:
        numbers.setdefault(doc.get("doc_code", ""), doc.get("doc_no") or "")
    entries = list(choices.get("attached_document", []))
    listed = {code for code, _zh, _en in entries}
    entries += [(code, code, code) for code in numbers if code and code not in listed]  # no longer in the list
    rows = [dbc.Row([
        dbc.Col(dbc.Checkbox(id={"type": ids.DECLF_DOC, "code": code}, value=code in numbers,
                             label=f"{code} {t.pick(zh, en)}", disabled=form.read_only), md=5),
        dbc.Col(dbc.Input(id={"type": ids.DECLF_DOC_NO, "code": code}, value=numbers.get(code, ""), maxLength=64,
                          placeholder=t("Document no. (if any)"), size="sm", disabled=form.read_only,
                          autoComplete="off"), md=4),
    ], className="mb-1 g-2") for code, zh, en in entries]
    return html.Div([*rows, html.Div(id={"type": ids.DECLF_ERROR, "name": "documents"},
                                     className="small text-danger")])


# --- errors -------------------------------------------------------------------------------------


def error_summary(t: Translator, errors: dict[str, str], direction: str) -> dbc.Alert | None:
    """Every error of a save, listed in words, above the form."""
    if not errors:
        return None
    items = []
    for key, code in errors.items():
        parts = key.split(".")
        problem = reason(t, code)
        if len(parts) == 3 and parts[0] == "goods" and parts[2] in GOODS_LABELS:
            items.append(t("Goods line {n}, {column}: {problem}", n=parts[1], column=t(GOODS_LABELS[parts[2]]),
                           problem=problem))
        elif len(parts) == 3 and parts[0] == "containers" and parts[2] in CONTAINER_LABELS:
            items.append(t("Container {n}, {column}: {problem}", n=parts[1],
                           column=t(CONTAINER_LABELS[parts[2]]), problem=problem))
        elif len(parts) == 3 and parts[0] == "documents":
            items.append(t("Attached document {n}: {problem}", n=parts[1], problem=problem))
        elif key in FIELD_LABELS:
            items.append(t("{field}: {problem}", field=field_label(t, key, direction), problem=problem))
        else:
            section = {"goods": t("Goods"), "containers": t("Containers"),
                       "documents": t("Attached documents")}.get(key, key)
            items.append(t("{field}: {problem}", field=section, problem=problem))
    return dbc.Alert([html.Strong(t("Nothing was saved. Problems to correct: {count}", count=t.number(len(items)))),
                      html.Ul([html.Li(item) for item in items], className="mb-0")], color="danger")


def field_errors(t: Translator, error_names: list[str], cell_names: list[str], errors: dict[str, str]
                 ) -> tuple[list, list]:
    """(messages, wrapper classes) for the error places and field wrappers named, in that order."""
    messages = [reason(t, errors[name]) if name in errors else "" for name in error_names]
    classes = [INVALID if name in errors else "" for name in cell_names]
    return messages, classes

