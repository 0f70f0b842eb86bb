"""收发货人维护 (Jiucheng 3.3.6): search the consignor/consignee book, add, edit and delete entries."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.core.paging import Window
from data.declarations.party_book import LIMITS
from data.models import PartyBookEntry
from layouts.accounts.register import reason_text
from layouts.common import label_for, page_header, paged_grid
from layouts.declarations import ids

FORM_FIELDS = (
    ("code", N_("Consignor/consignee code")),
    ("name_zh", N_("Name (Chinese)")),
    ("name_en", N_("Name (English)")),
    ("address", N_("Address")),
    ("contact", N_("Contact")),
)
PARTY_REASONS = {
    "party_code_format": N_("A code is letters and digits, at most 18; an 18-character code is a unified social "
                            "credit code."),
    "party_code_taken": N_("Another entry already has this code."),
    "party_name_required": N_("Give a Chinese or an English name."),
}
MESSAGES = {
    "created": N_("Entry added."),
    "updated": N_("Entry saved."),
    "choose_one": N_("Select one entry to edit."),
    "choose_some": N_("Select the entries to delete."),
    "not_found": N_("This entry no longer exists."),
}


def field_id(name: str) -> dict:
    return {"type": ids.PARTY_FIELD, "name": name}


def error_id(name: str) -> dict:
    return {"type": ids.PARTY_ERROR, "name": name}


def reason(t: Translator, code: str) -> str:
    return t(PARTY_REASONS[code]) if code in PARTY_REASONS else reason_text(t, code)


def message(t: Translator, what: str) -> dbc.Alert:
    bad = what in ("choose_one", "choose_some", "not_found")
    return dbc.Alert(t(MESSAGES[what]), color="warning" if bad else "success", dismissable=True)


def deleted_message(t: Translator, count: int) -> dbc.Alert:
    return dbc.Alert(t("Entries deleted: {count}", count=t.number(count)), color="success", dismissable=True)


def _grid(t: Translator) -> html.Div:
    columns = [
        {"headerName": t("No."), "field": "seq", "maxWidth": 90},
        {"headerName": t("Consignor/consignee code"), "field": "code", "maxWidth": 210},
        {"headerName": t("Name (Chinese)"), "field": "name_zh"},
        {"headerName": t("Name (English)"), "field": "name_en"},
        {"headerName": t("Address"), "field": "address"},
        {"headerName": t("Contact"), "field": "contact", "maxWidth": 180},
    ]
    grid = paged_grid(t, ids.PARTY_TABLE, ids.PARTY_PAGER, columns)
    table = grid.children[0]
    # rows are picked with check boxes (Jiucheng's 编辑/删除 act on the checked rows); a row keeps its
    # check across redraws by its entry id
    table.dashGridOptions = {**table.dashGridOptions,
                             "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True,
                                              "enableClickSelection": False}}
    table.getRowId = "`${params.data.id}`"
    return grid


def _form(t: Translator) -> dbc.Modal:
    inputs = [dbc.Col([
        label_for(t(label), field_id(name)),
        dbc.Input(id=field_id(name), maxLength=LIMITS[name], autoComplete="off"),
        html.Div(id=error_id(name), className="invalid-feedback d-block"),
    ], md=6, className="mb-3") for name, label in FORM_FIELDS]
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(t("New entry"), id=ids.PARTY_MODAL_TITLE)),
        dbc.ModalBody(dbc.Row(inputs)),
        dbc.ModalFooter(dbc.Button(t("Save"), id=ids.PARTY_SAVE, color="primary")),
    ], id=ids.PARTY_MODAL, is_open=False, size="lg")


def parties_page(t: Translator) -> html.Div:
    return html.Div([
        page_header(t("Consignors and consignees"),
                    t("The consignors and consignees your declarations are filled from; each saved declaration "
                      "adds its own.")),
        html.Div(id=ids.PARTY_MESSAGE),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.PARTY_SEARCH, placeholder=t("Code or name"), maxLength=64, debounce=True),
                    md=4),
            dbc.Col([
                dbc.Button(t("New"), id=ids.PARTY_NEW, color="primary", className="me-2"),
                dbc.Button(t("Edit"), id=ids.PARTY_EDIT, color="secondary", outline=True, className="me-2"),
                html.Div(dcc.ConfirmDialogProvider(  # the provider is a block: kept on the buttons' line
                    dbc.Button(t("Delete"), color="danger", outline=True),
                    id=ids.PARTY_DELETE, message=t("Delete the selected entries?")), className="d-inline-block"),
            ], md=5),
            dbc.Col(html.Div(id=ids.PARTY_PAGE, className="pt-2 text-muted"), md=3),
        ], className="mb-2 g-2"),
        _grid(t),
        _form(t),
        dcc.Store(id=ids.PARTY_EDITING),
        dcc.Store(id=ids.PARTY_RELOAD, data=0),
    ])


def party_rows(page: Window[PartyBookEntry]) -> list[dict]:
    first = page.page * page.page_size
    return [{"id": e.id, "seq": first + n, "code": e.code or "", "name_zh": e.name_zh or "",
             "name_en": e.name_en or "", "address": e.address or "", "contact": e.contact or ""}
            for n, e in enumerate(page.rows, start=1)]


def form_values(entry: PartyBookEntry | None, names: list[str]) -> list[str]:
    return [(getattr(entry, n) or "") if entry is not None else "" for n in names]
