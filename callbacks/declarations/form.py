"""Declaration form glue: open/new/copy, the party book and HS look-ups, goods and container rows,
暂存/保存/保存并发送, delete, receipts, and reloading lines after an Excel import."""
from __future__ import annotations

import importlib.util

from dash import ALL, MATCH, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate

from auth.permissions import Perm
from auth.session import request_translator
from callbacks.inputs import as_id, as_text
from callbacks.page import PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.creation import RepeatedSubmission, new_form_token
from data.core.scope import Actor, NotFound
from data.declarations.form import (
    DeclarationInput,
    DeclarationInvalid,
    DeclarationRefused,
    copy_form,
    declaration_receipts,
    delete_declaration,
    form_choices,
    hs_entry,
    new_declaration,
    open_declaration,
    save_declaration,
)
from data.declarations.goods import GOODS_COLUMNS, clean_goods_lines
from data.declarations.party_book import get_party, search_parties
from data.reference.lookup import search_dictionary
from layouts.declarations import ids
from layouts.declarations.form import (
    container_row_data,
    declaration_form_page,
    error_summary,
    field_errors,
    goods_entry_values,
    goods_row_data,
    goods_totals,
    hs_options,
    party_key,
    reason,
    receipts_table,
    refusal,
)

FIELD = {"type": ids.DECLF_FIELD, "name": ALL}
PARTY_FIELD = {"type": ids.DECLF_PARTY_FIELD, "role": ALL, "name": ALL}
GOODS_FIELD = {"type": ids.DECLF_GOODS_FIELD, "name": ALL}
GOODS_ERROR = {"type": ids.DECLF_GOODS_ERROR, "name": ALL}
MODES = {"draft", "save", "send"}


def _import_panel(t: Translator, declaration_id: int | None):
    """The imports helper's panel, when that module is there; without it the slot stays empty."""
    if importlib.util.find_spec("layouts.declarations.imports") is None:
        return None
    from layouts.declarations.imports import import_panel

    return import_panel(t, declaration_id)


def render(actor: Actor, t: Translator, id: str = "", direction: str = "", copy: str = "",  # noqa: A002
           done: str = "", **_query):
    copied_from = ""
    try:
        with session_scope() as s:
            if id:
                form = open_declaration(s, actor, int(id))
            elif copy:
                form = copy_form(s, actor, int(copy))
                copied_from = open_declaration(s, actor, int(copy)).entry_no
            else:
                form = new_declaration(s, actor, "entry" if direction == "entry" else "exit")
            choices = form_choices(s, actor, form.direction)
    except (ValueError, NotFound):
        return declaration_form_page(t, None, {})
    slot = None if form.read_only else _import_panel(t, form.id)  # unsaved: the panel asks to save first
    return declaration_form_page(t, form, choices, done=done if id else "", copied_from=copied_from,
                                 import_slot=slot, form_token=new_form_token() if form.id is None else None)


PAGE = PageSpec(
    "declaration_form", "/declarations/edit", N_("Declaration"), Perm.DECLARATION_EDIT, ids.DECLF, render,
    in_menu=False, order=80)


def _state(state) -> tuple[int | None, int | None, str]:
    state = state if isinstance(state, dict) else {}
    decl_id, version = state.get("id"), state.get("version")
    decl_id, version = as_id(decl_id), as_id(version)
    return decl_id, version, "entry" if state.get("direction") == "entry" else "exit"


def _rows(rows) -> list[dict]:
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


# --- 暂存 / 保存 / 保存并发送 ------------------------------------------------------------------------


SAVE_OUTPUTS = {
    "errors": Output({"type": ids.DECLF_ERROR, "name": ALL}, "children"),
    "cells": Output({"type": ids.DECLF_CELL, "name": ALL}, "className"),
    "summary": Output(ids.DECLF_SUMMARY, "children"),
    "message": Output(ids.DECLF_MESSAGE, "children"),
    "goto": Output(ids.DECLF_URL, "href"),
    "goods": Output(ids.DECLF_GOODS_GRID, "rowData", allow_duplicate=True),
    "containers": Output(ids.DECLF_CONTAINER_GRID, "rowData", allow_duplicate=True),
}
SAVE_INPUTS = {
    "clicks": Input({"type": ids.DECLF_ACTION, "action": ALL}, "n_clicks"),
    "state": State(ids.DECLF_STATE, "data"),
    "field_values": State(FIELD, "value"),
    "party_values": State(PARTY_FIELD, "value"),
    "goods": State(ids.DECLF_GOODS_GRID, "rowData"),
    "containers": State(ids.DECLF_CONTAINER_GRID, "rowData"),
    "doc_checks": State({"type": ids.DECLF_DOC, "code": ALL}, "value"),
    "doc_numbers": State({"type": ids.DECLF_DOC_NO, "code": ALL}, "value"),
}


def _not_saved(t: Translator, exc: Exception, *, state, goods, containers, **_inputs) -> dict:
    """Nothing was written: every problem where it belongs (fields, goods cells, containers), or why not at all."""
    if isinstance(exc, DeclarationInvalid):
        errors = exc.errors
        messages, classes = field_errors(t, [item["id"]["name"] for item in wildcard_outputs("errors")],
                                         [item["id"]["name"] for item in wildcard_outputs("cells")], errors)
        return {"errors": messages, "cells": classes, "summary": error_summary(t, errors, _state(state)[2]),
                "message": None, "goods": goods_row_data(_rows(goods), errors, t),
                "containers": container_row_data(_rows(containers), errors, t)}
    code = exc.code if isinstance(exc, DeclarationRefused) else "repeated" if isinstance(exc, RepeatedSubmission) \
        else "not_found"
    return {"summary": None, "message": refusal(t, code)}


@page_callback(output=SAVE_OUTPUTS, inputs=SAVE_INPUTS, refused=_not_saved,
               refuses=(DeclarationInvalid, DeclarationRefused, NotFound, RepeatedSubmission), prevent_initial_call=True)
def save(r: PageRequest, clicks, state, field_values, party_values, goods, containers, doc_checks, doc_numbers):
    if not isinstance(ctx.triggered_id, dict) or not any(clicks or []):
        raise PreventUpdate
    mode = ctx.triggered_id.get("action")
    if mode not in MODES:
        raise PreventUpdate
    decl_id, version, direction = _state(state)
    fields = {item["id"]["name"]: (item.get("value") if isinstance(item.get("value"), list) else as_text(item.get("value")))
              for item in wildcard("field_values")}
    for item in wildcard("party_values"):
        fields[party_key(item["id"]["role"], item["id"]["name"])] = as_text(item.get("value"))
    numbers = {item["id"]["code"]: item.get("value") for item in wildcard("doc_numbers")}
    documents = [{"doc_code": item["id"]["code"], "doc_no": as_text(numbers.get(item["id"]["code"]))}
                 for item in wildcard("doc_checks") if item.get("value") is True]
    data = DeclarationInput(fields, _rows(goods), _rows(containers), documents)
    decl = save_declaration(r.s, r.actor, decl_id, data, version=version, mode=mode, direction=direction,
                            form_token=state.get("token") if isinstance(state, dict) else None)
    return {"errors": [""] * len(wildcard_outputs("errors")), "cells": [""] * len(wildcard_outputs("cells")),
            "summary": None, "message": None, "goto": f"/declarations/edit?id={decl.id}&done={mode}&v={decl.version}"}


# --- delete, receipts ---------------------------------------------------------------------------


@page_callback(
    output={"goto": Output(ids.DECLF_URL, "href", allow_duplicate=True),
            "message": Output(ids.DECLF_MESSAGE, "children", allow_duplicate=True)},
    inputs={"confirmed": Input(ids.DECLF_DELETE, "submit_n_clicks"), "state": State(ids.DECLF_STATE, "data")},
    refused=lambda t, exc, **_inputs: {"message": refusal(t, getattr(exc, "code", "not_found"))},
    refuses=(DeclarationRefused, NotFound), prevent_initial_call=True,
)
def delete(r: PageRequest, confirmed, state):
    decl_id, _version, _direction = _state(state)
    if not confirmed or decl_id is None:
        raise PreventUpdate
    delete_declaration(r.s, r.actor, decl_id)
    return {"goto": "/declarations"}


@page_callback(
    output={"open": Output(ids.DECLF_RECEIPTS_MODAL, "is_open"), "body": Output(ids.DECLF_RECEIPTS_BODY, "children")},
    inputs={"clicks": Input(ids.DECLF_RECEIPTS, "n_clicks"), "state": State(ids.DECLF_STATE, "data")},
    refused=lambda t, _exc, **_inputs: {"open": True, "body": refusal(t, "not_found")}, prevent_initial_call=True,
)
def show_receipts(r: PageRequest, clicks, state):
    decl_id, _version, _direction = _state(state)
    if not clicks or decl_id is None:
        raise PreventUpdate
    return {"open": True, "body": receipts_table(r.t, declaration_receipts(r.s, r.actor, decl_id))}


# --- party book (收发货人维护) ---------------------------------------------------------------------


PARTY = {"type": ids.DECLF_PARTY, "role": MATCH}


@page_callback(output=Output(PARTY, "options"),
               inputs={"text": Input(PARTY, "search_value"), "options": State(PARTY, "options")},
               prevent_initial_call=True)
def find_parties(r: PageRequest, text, options):
    text = as_text(text).strip()
    if not text:
        raise PreventUpdate
    return [{"label": " · ".join(x for x in (e.code, e.name_zh, e.name_en) if x), "value": e.id}
            for e in search_parties(r.s, r.actor, text, limit=10)]


@page_callback(output=Output({"type": ids.DECLF_PARTY_FIELD, "role": MATCH, "name": ALL}, "value"),
               inputs={"entry_id": Input(PARTY, "value")}, prevent_initial_call=True)
def fill_party(r: PageRequest, entry_id):
    if as_id(entry_id) is None:
        raise PreventUpdate
    try:
        entry = get_party(r.s, r.actor, entry_id)
    except NotFound:
        raise PreventUpdate from None
    values = {"code": entry.code, "zh": entry.name_zh, "en": entry.name_en, "address": entry.address}
    return [values.get(item["id"]["name"]) or "" for item in ctx.outputs_list]


# --- goods lines ----------------------------------------------------------------------------------


HS = {"type": ids.DECLF_GOODS_FIELD, "name": "hs_code"}


def _goods_field(name: str) -> dict:
    return {"type": ids.DECLF_GOODS_FIELD, "name": name}


@page_callback(output=Output(HS, "options"),
               inputs={"text": Input(HS, "search_value"), "value": State(HS, "value"), "options": State(HS, "options")},
               prevent_initial_call=True)
def find_hs_codes(r: PageRequest, text, value, options):
    text = as_text(text).strip()
    if not text:
        raise PreventUpdate
    found = hs_options(r.t, search_dictionary(r.s, r.actor, "hs_code", text, page_size=20).rows)
    kept = [o for o in options or [] if isinstance(o, dict) and o.get("value") == value]
    return kept + [o for o in found if o["value"] != value]


@page_callback(
    output={"name_zh": Output(_goods_field("name_zh"), "value", allow_duplicate=True),
            "name_en": Output(_goods_field("name_en"), "value", allow_duplicate=True),
            "unit": Output(_goods_field("quantity_unit"), "value", allow_duplicate=True)},
    inputs={"code": Input(HS, "value"), "name_zh": State(_goods_field("name_zh"), "value"),
            "name_en": State(_goods_field("name_en"), "value"), "unit": State(_goods_field("quantity_unit"), "value")},
    prevent_initial_call=True,
)
def fill_from_hs(r: PageRequest, code, name_zh, name_en, unit):
    """Choosing an HS code fills the goods names and the legal unit, where still empty."""
    code = as_text(code)
    if not code:
        raise PreventUpdate
    entry = hs_entry(r.s, r.actor, code)
    if entry is None:
        raise PreventUpdate
    zh, en, unit1 = entry
    return {"name_zh": no_update if as_text(name_zh) else zh, "name_en": no_update if as_text(name_en) else en,
            "unit": no_update if as_text(unit) or not unit1 else unit1}


def _entry_options(r: PageRequest, hs_code: str) -> list[dict]:
    """The HS dropdown's options holding the line's code, so that a picked line shows it."""
    if not hs_code:
        return []
    entry = hs_entry(r.s, r.actor, hs_code)
    return [{"label": f"{hs_code} {r.t.pick(entry[0], entry[1])}" if entry else hs_code, "value": hs_code}]


GOODS_OUTPUTS = {
    "rows": Output(ids.DECLF_GOODS_GRID, "rowData"), "entry": Output(GOODS_FIELD, "value"),
    "errors": Output(GOODS_ERROR, "children"), "message": Output(ids.DECLF_GOODS_MESSAGE, "children"),
    "selected": Output(ids.DECLF_GOODS_GRID, "selectedRows"),
}
GOODS_INPUTS = {
    "add": Input(ids.DECLF_GOODS_ADD, "n_clicks"), "update": Input(ids.DECLF_GOODS_UPDATE, "n_clicks"),
    "delete": Input(ids.DECLF_GOODS_DELETE, "n_clicks"), "clear": Input(ids.DECLF_GOODS_CLEAR, "n_clicks"),
    "values": State(GOODS_FIELD, "value"), "rows": State(ids.DECLF_GOODS_GRID, "rowData"),
    "selected": State(ids.DECLF_GOODS_GRID, "selectedRows"), "state": State(ids.DECLF_STATE, "data"),
}


@page_callback(output=GOODS_OUTPUTS, inputs=GOODS_INPUTS, prevent_initial_call=True)
def edit_goods(r: PageRequest, add, update, delete, clear, values, rows, selected, state):
    """添加 / 修改 / 删除 a goods line from the entry row; the whole list is checked again on saving."""
    t = r.t
    names = [item["id"]["name"] for item in wildcard_outputs("entry")]
    entry = {item["id"]["name"]: as_text(item.get("value")).strip() for item in wildcard("values")}
    rows = _rows(rows)
    picked = _picked_index(selected, rows)
    defaults = state.get("goods_defaults") if isinstance(state, dict) else {}
    fresh = goods_entry_values(defaults if isinstance(defaults, dict) else {})
    blank = {"errors": [""] * len(names)}
    action = ctx.triggered_id
    if action == ids.DECLF_GOODS_CLEAR:
        return {**blank, "entry": [fresh.get(n) or None for n in names], "message": None, "selected": []}
    if action == ids.DECLF_GOODS_DELETE:
        if picked is None:
            return {**blank, "message": _note(t, N_("Pick the line to delete in the list."))}
        rest = rows[:picked] + rows[picked + 1:]
        return {**blank, "rows": goods_row_data(rest), "entry": [fresh.get(n) or None for n in names], "message": None,
                "selected": []}
    if action == ids.DECLF_GOODS_UPDATE and picked is None:
        return {**blank, "message": _note(t, N_("Pick the line to change in the list."))}
    if not any(v for k, v in entry.items() if k in GOODS_COLUMNS and v != fresh.get(k, "")):
        return {**blank, "message": _note(t, N_("Fill in the goods line first."))}
    _lines, errors = clean_goods_lines(r.s, [entry], draft=True)
    if errors:
        found = {key.rsplit(".", 1)[-1]: code for key, code in errors.items()}
        return {"errors": [reason(t, found[n]) if n in found else "" for n in names],
                "message": _note(t, N_("The line has errors: it was not added."))}
    rows = rows[:picked] + [entry] + rows[picked + 1:] if action == ids.DECLF_GOODS_UPDATE and picked is not None \
        else rows + [entry]
    return {**blank, "rows": goods_row_data(rows), "entry": [fresh.get(n) or None for n in names], "message": None,
            "selected": []}


def _picked_index(selected, rows: list[dict]) -> int | None:
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        return None
    seq = selected[0].get("seq")
    if isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= len(rows):
        return seq - 1
    return None


def _note(t: Translator, msgid: str) -> html.Div:
    return html.Div(t(msgid), className="small text-warning")


@page_callback(
    output={"entry": Output(GOODS_FIELD, "value", allow_duplicate=True),
            "options": Output(HS, "options", allow_duplicate=True)},
    inputs={"selected": Input(ids.DECLF_GOODS_GRID, "selectedRows")},
    prevent_initial_call=True,
)
def pick_goods_line(r: PageRequest, selected):
    """A line picked in the list comes back into the entry row (Jiucheng: 回填)."""
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        raise PreventUpdate
    row = goods_entry_values({}, selected[0])
    return {"entry": [row.get(item["id"]["name"]) or None for item in wildcard_outputs("entry")],
            "options": _entry_options(r, row["hs_code"])}


@callback(
    Output(ids.DECLF_GOODS_TOTALS, "children"),
    Input(ids.DECLF_GOODS_GRID, "rowData"),
    prevent_initial_call=True,
)
def show_totals(rows):
    return goods_totals(request_translator(), _rows(rows))


# --- containers -----------------------------------------------------------------------------------


@callback(
    Output(ids.DECLF_CONTAINER_GRID, "rowData"),
    Input(ids.DECLF_CONTAINER_ADD, "n_clicks"),
    Input(ids.DECLF_CONTAINER_DELETE, "n_clicks"),
    State(ids.DECLF_CONTAINER_GRID, "rowData"),
    State(ids.DECLF_CONTAINER_GRID, "selectedRows"),
    prevent_initial_call=True,
)
def edit_containers(_add, _delete, rows, selected):
    rows = _rows(rows)
    if ctx.triggered_id == ids.DECLF_CONTAINER_ADD:
        return container_row_data(rows + [{"number": "", "spec": "", "count": "1", "lcl": False, "seal_no": ""}])
    ticked = {r.get("seq") for r in _rows(selected)}
    if not ticked:
        raise PreventUpdate
    return container_row_data([r for r in rows if r.get("seq") not in ticked])


# --- after an Excel import into the stored declaration ------------------------------------------------


@page_callback(
    output={"goods": Output(ids.DECLF_GOODS_GRID, "rowData", allow_duplicate=True),
            "containers": Output(ids.DECLF_CONTAINER_GRID, "rowData", allow_duplicate=True),
            "state": Output(ids.DECLF_STATE, "data")},
    inputs={"imported": Input(ids.DECLF_IMPORTED, "data"), "state": State(ids.DECLF_STATE, "data")},
    refused=lambda t, _exc, **_inputs: no_update, prevent_initial_call=True,
)
def reload_imported(r: PageRequest, imported, state):
    """The import changed the stored goods or containers (and the version): show them, keep the rest of the form."""
    decl_id, _version, _direction = _state(state)
    if not imported or decl_id is None:
        raise PreventUpdate
    form = open_declaration(r.s, r.actor, decl_id)
    return {"goods": goods_row_data(form.data.goods), "containers": container_row_data(form.data.containers),
            "state": {**state, "version": form.version}}
