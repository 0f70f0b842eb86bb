"""Pieces shared by the administration pages for dictionaries, formats, notifications and parameters:
the reasons a form is refused, where an entry in use is used, and the list page's toolbar."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from layouts.accounts.register import REASONS, UNKNOWN_REASON
from layouts.common import paged_grid

ADMIN_REASONS = {
    "format": N_("This value does not have the expected form."),
    "sort_number": N_("A whole number from 0 to 999999."),
    "code_taken": N_("This code is already in use: codes must be unique."),
    "code_retired": N_("This code already exists as a retired entry: reactivate it instead of adding it again."),
    "code_fixed": N_("A code cannot be changed once added: add the new code and retire this one."),
    "code_country": N_("A country or region code is the two capital letters of ISO 3166-1 (e.g. CN)."),
    "code_currency": N_("A currency code is the three capital letters of ISO 4217 (e.g. USD)."),
    "code_unit": N_("A unit code has 3 digits (e.g. 035)."),
    "code_package_type": N_("A package type code has 2 digits or capital letters (UNECE Rec. 21, e.g. CT)."),
    "code_transport_mode": N_("A transport mode code is one digit (UNECE Rec. 19)."),
    "code_trade_mode": N_("A trade mode code has 4 digits (e.g. 0110)."),
    "code_attached_document": N_("An attached document code has 6 digits."),
    "code_hs": N_("An HS code has 10 digits."),
    "code_certificate_type": N_("A certificate type code has 2 to 4 digits."),
    "choose_one": N_("Choose one of the values offered."),
    "choose_unit": N_("Choose an active unit."),
    "choose_certificate_types": N_("Choose existing certificate types."),
    "choose_certificate_type": N_("Choose a certificate type."),
    "certificate_type_retired": N_("This certificate type is retired: reactivate it first."),
    "format_code_format": N_("A format code has capital letters, digits and hyphens, at most 16 (e.g. C3-1)."),
    "choose_languages": N_("Choose Chinese, English or both."),
    "fields_required": N_("A format needs at least one field."),
    "too_many_fields": N_("A format has at most 80 fields."),
    "field_key_format": N_("A field key is lower-case letters, digits and _, starting with a letter, at most 32."),
    "duplicate_key": N_("Another field of this format has the same key."),
    "unknown_kind": N_("Choose one of the field kinds offered."),
    "kind_in_use": N_("Applications hold values of this field: its kind cannot change."),
    "format_in_use": N_("Applications or templates use this format: its certificate type cannot change."),
    "changed_since": N_("Someone else saved this format after you opened it: close the form and open it again."),
    "choose_roles": N_("Choose existing roles."),
    "choose_districts": N_("Choose active customs districts."),
    "moment_format": N_("Type a date and time as YYYY-MM-DD HH:MM (China time), or a date alone."),
    "end_before_start": N_("The end must come after the start."),
    "parameter_key_format": N_("A key is lower-case words of letters, digits and _ joined by dots "
                               "(e.g. verify.per_minute)."),
    "key_taken": N_("A parameter with this key already exists."),
    "key_fixed": N_("A key cannot be changed: add a parameter with the new key and delete this one."),
    "whole_number": N_("A whole number."),
    "out_of_range": N_("This value is outside the allowed range."),
    "true_or_false": N_("Type true or false."),
    # the certificate renderer's own reasons for layout values (exports/certificate_pdf.layout_problems)
    "not_a_choice": N_("Choose one of the values offered."),
    "not_a_flag": N_("Tick or untick."),
    "not_a_number": N_("A number."),
    "not_text": N_("Text."),
    "bad_margins": N_("Give all four margins."),
    "bad_columns": N_("Choose at least one column, each once."),
    "unknown_parameter": N_("The renderer does not read this value."),
}

# where a code, a format or a field is stored, as the refusal to delete it names them
PLACES = {
    "declaration.dest_country": N_("declarations (destination country)"),
    "declaration.origin_country": N_("declarations (country of departure)"),
    "declaration.currency": N_("declarations (currency)"),
    "declaration.transport_mode": N_("declarations (transport mode)"),
    "declaration.trade_mode": N_("declarations (trade mode)"),
    "declaration.required_documents": N_("declarations (certificates required)"),
    "goods_line.origin_country": N_("declaration goods (origin country)"),
    "goods_line.currency": N_("declaration goods (currency)"),
    "goods_line.quantity_unit": N_("declaration goods (quantity unit)"),
    "goods_line.weight_unit": N_("declaration goods (weight unit)"),
    "goods_line.package_type": N_("declaration goods (package type)"),
    "goods_line.hs_code": N_("declaration goods (HS code)"),
    "declaration_document.doc_code": N_("attached documents of declarations"),
    "certificate_application.dest_country": N_("certificate applications (destination)"),
    "certificate_application.fields": N_("certificate applications (certificate fields)"),
    "certificate_application.cert_type_code": N_("certificate applications"),
    "certificate_application.format_code": N_("certificate applications"),
    "application_goods.quantity_unit": N_("certificate goods (quantity unit)"),
    "application_goods.weight_unit": N_("certificate goods (weight unit)"),
    "application_goods.package_type": N_("certificate goods (package type)"),
    "application_goods.hs_code": N_("certificate goods (HS code)"),
    "application_scan.doc_code": N_("scans of certificate applications"),
    "certificate.dest_country": N_("certificates (destination)"),
    "certificate.cert_type_code": N_("certificates"),
    "certificate_format.cert_type_code": N_("certificate formats"),
    "certificate_template.fields": N_("certificate templates (fields)"),
    "certificate_template.goods": N_("certificate templates (goods)"),
    "certificate_template.format_code": N_("certificate templates"),
    "enterprise_setting.value": N_("enterprises' declaration defaults"),
    "dict_entry.hs_code": N_("HS codes of the dictionary"),
    "app_user.country": N_("overseas users"),
    "other": N_("other records"),
}


def reason(t: Translator, code: str) -> str:
    """The message of a reason code of any admin form (the registration form's common ones included)."""
    if code in ADMIN_REASONS:
        return t(ADMIN_REASONS[code])
    return t(REASONS.get(code, UNKNOWN_REASON))


def in_use_text(t: Translator, places) -> str:
    """Why something cannot be deleted: the records that use it, and what to do instead."""
    names = list(dict.fromkeys(t(PLACES.get(p, PLACES["other"])) for p in places))
    return t("Cannot delete: used by {places}. Retire it instead; it then stays on old records.",
             places="、".join(names) if t.lang == "zh" else ", ".join(names))


def alert(text: str, ok: bool = True) -> dbc.Alert:
    return dbc.Alert(text, color="success" if ok else "warning", dismissable=True)


def toolbar(t: Translator, buttons: list[tuple[str, str, str]], delete_id: str | None = None,
            delete_question: str = "") -> html.Div:
    """The list page's buttons (id, label, colour) and a delete button asking first (ConfirmDialogProvider)."""
    items = [dbc.Button(label, id=button_id, color=color, outline=color != "primary", size="sm", className="me-2 mb-1")
             for button_id, label, color in buttons]
    if delete_id:
        items.append(html.Div(dcc.ConfirmDialogProvider(  # the provider is a block: kept on the buttons' line
            dbc.Button(t("Delete"), color="danger", outline=True, size="sm", className="mb-1"),
            id=delete_id, message=delete_question), className="d-inline-block"))
    return html.Div(items)


def picking_grid(t: Translator, grid_id: str, pager_id: str, columns: list[dict], row_key: str) -> html.Div:
    """A paged list whose rows are picked one at a time by `row_key` (the toolbar acts on the picked row)."""
    grid = paged_grid(t, grid_id, pager_id, columns)
    table = grid.children[0]
    table.getRowId = f"`${{params.data.{row_key}}}`"
    table.dashGridOptions = {**table.dashGridOptions,
                             "rowSelection": {"mode": "singleRow", "checkboxes": True, "enableClickSelection": True},
                             "selectionColumnDef": {"width": 48, "maxWidth": 48, "resizable": False}}
    return grid
