"""Declaration form glue: open/new/copy, the party book and HS look-ups, goods and container rows,
暂存/保存/保存并发送, delete, receipts, and reloading lines after an Excel import."""
from __future__ import annotations

import importlib.util

from dash import ALL, MATCH, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
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
                                 import_slot=slot)


PAGE = PageSpec(
    "declaration_form", "/declarations/edit", N_("Declaration"), Perm.DECLARATION_EDIT, ids.DECLF, render,
    in_menu=False, order=80)


def _state(state) -> tuple[int | None, int | None, str]:
    state = state if isinstance(state, dict) else {}
    decl_id, version = state.get("id"), state.get("version")
    decl_id = decl_id if isinstance(decl_id, int) and not isinstance(decl_id, bool) else None
    version = version if isinstance(version, int) and not isinstance(version, bool) else None
    return decl_id, version, "entry" if state.get("direction") == "entry" else "exit"


def _rows(rows) -> list[dict]:
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _named(values, position: int) -> dict:
    """{name: value} of a wildcard State, by the `name` key of each id."""
    return {item["id"]["name"]: value for item, value in zip(ctx.states_list[position], values or [])}


# --- 暂存 / 保存 / 保存并发送 ------------------------------------------------------------------------


@callback(
    Output({"type": ids.DECLF_ERROR, "name": ALL}, "children"),
    Output({"type": ids.DECLF_CELL, "name": ALL}, "className"),
    Output(ids.DECLF_SUMMARY, "children"),
    Output(ids.DECLF_MESSAGE, "children"),
    Output(ids.DECLF_URL, "href"),
    Output(ids.DECLF_GOODS_GRID, "rowData", allow_duplicate=True),
    Output(ids.DECLF_CONTAINER_GRID, "rowData", allow_duplicate=True),
    Input({"type": ids.DECLF_ACTION, "action": ALL}, "n_clicks"),
    State(ids.DECLF_STATE, "data"),
    State(FIELD, "value"),
    State(PARTY_FIELD, "value"),
    State(ids.DECLF_GOODS_GRID, "rowData"),
    State(ids.DECLF_CONTAINER_GRID, "rowData"),
    State({"type": ids.DECLF_DOC, "code": ALL}, "value"),
    State({"type": ids.DECLF_DOC_NO, "code": ALL}, "value"),
    prevent_initial_call=True,
)
def save(clicks, state, field_values, party_values, goods, containers, doc_checks, doc_numbers):
    if not isinstance(ctx.triggered_id, dict) or not any(clicks or []):
        raise PreventUpdate
    mode = ctx.triggered_id.get("action")
    if mode not in MODES:
        raise PreventUpdate
    t = request_translator()
    decl_id, version, direction = _state(state)
    fields = {name: (value if isinstance(value, list) else as_text(value))
              for name, value in _named(field_values, 1).items()}
    for item, value in zip(ctx.states_list[2], party_values or []):
        fields[party_key(item["id"]["role"], item["id"]["name"])] = as_text(value)
    documents = [{"doc_code": item["id"]["code"], "doc_no": as_text(number)}
                 for item, checked, number in zip(ctx.states_list[5], doc_checks or [], doc_numbers or [])
                 if checked is True]
    goods, containers = _rows(goods), _rows(containers)
    data = DeclarationInput(fields, goods, containers, documents)
    error_names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    cell_names = [item["id"]["name"] for item in ctx.outputs_list[1]]
    errors: dict[str, str] = {}
    try:
        with session_scope() as s:
            decl = save_declaration(s, current_actor(), decl_id, data, version=version, mode=mode,
                                    direction=direction)
            target = f"/declarations/edit?id={decl.id}&done={mode}&v={decl.version}"
    except DeclarationInvalid as exc:
        errors = exc.errors
    except DeclarationRefused as exc:
        return ([no_update] * len(error_names), [no_update] * len(cell_names), None, refusal(t, exc.code),
                no_update, no_update, no_update)
    except NotFound:
        return ([no_update] * len(error_names), [no_update] * len(cell_names), None, refusal(t, "not_found"),
                no_update, no_update, no_update)
    if not errors:
        return [""] * len(error_names), [""] * len(cell_names), None, None, target, no_update, no_update
    messages, classes = field_errors(t, error_names, cell_names, errors)
    return (messages, classes, error_summary(t, errors, direction), None, no_update,
            goods_row_data(goods, errors, t), container_row_data(containers, errors, t))


# --- delete, receipts ---------------------------------------------------------------------------


@callback(
    Output(ids.DECLF_URL, "href", allow_duplicate=True),
    Output(ids.DECLF_MESSAGE, "children", allow_duplicate=True),
    Input(ids.DECLF_DELETE, "submit_n_clicks"),
    State(ids.DECLF_STATE, "data"),
    prevent_initial_call=True,
)
def delete(confirmed, state):
    decl_id, _version, _direction = _state(state)
    if not confirmed or decl_id is None:
        raise PreventUpdate
    try:
        with session_scope() as s:
            delete_declaration(s, current_actor(), decl_id)
    except DeclarationRefused as exc:
        return no_update, refusal(request_translator(), exc.code)
    except NotFound:
        return no_update, refusal(request_translator(), "not_found")
    return "/declarations", no_update


@callback(
    Output(ids.DECLF_RECEIPTS_MODAL, "is_open"),
    Output(ids.DECLF_RECEIPTS_BODY, "children"),
    Input(ids.DECLF_RECEIPTS, "n_clicks"),
    State(ids.DECLF_STATE, "data"),
    prevent_initial_call=True,
)
def show_receipts(clicks, state):
    decl_id, _version, _direction = _state(state)
    if not clicks or decl_id is None:
        raise PreventUpdate
    t = request_translator()
    try:
        with session_scope() as s:
            receipts = declaration_receipts(s, current_actor(), decl_id)
    except NotFound:
        return True, refusal(t, "not_found")
    return True, receipts_table(t, receipts)


# --- party book (收发货人维护) ---------------------------------------------------------------------


@callback(
    Output({"type": ids.DECLF_PARTY, "role": MATCH}, "options"),
    Input({"type": ids.DECLF_PARTY, "role": MATCH}, "search_value"),
    State({"type": ids.DECLF_PARTY, "role": MATCH}, "options"),
    prevent_initial_call=True,
)
def find_parties(text, options):
    text = as_text(text).strip()
    if not text:
        raise PreventUpdate
    with session_scope() as s:
        entries = search_parties(s, current_actor(), text, limit=10)
        found = [{"label": " · ".join(x for x in (e.code, e.name_zh, e.name_en) if x), "value": e.id}
                 for e in entries]
    return found


@callback(
    Output({"type": ids.DECLF_PARTY_FIELD, "role": MATCH, "name": ALL}, "value"),
    Input({"type": ids.DECLF_PARTY, "role": MATCH}, "value"),
    prevent_initial_call=True,
)
def fill_party(entry_id):
    if not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise PreventUpdate
    try:
        with session_scope() as s:
            entry = get_party(s, current_actor(), entry_id)
            values = {"code": entry.code, "zh": entry.name_zh, "en": entry.name_en, "address": entry.address}
    except NotFound:
        raise PreventUpdate from None
    return [values.get(item["id"]["name"]) or "" for item in ctx.outputs_list]


# --- goods lines ----------------------------------------------------------------------------------


@callback(
    Output({"type": ids.DECLF_GOODS_FIELD, "name": "hs_code"}, "options"),
    Input({"type": ids.DECLF_GOODS_FIELD, "name": "hs_code"}, "search_value"),
    State({"type": ids.DECLF_GOODS_FIELD, "name": "hs_code"}, "value"),
    State({"type": ids.DECLF_GOODS_FIELD, "name": "hs_code"}, "options"),
    prevent_initial_call=True,
)
def find_hs_codes(text, value, options):
    text = as_text(text).strip()
    if not text:
        raise PreventUpdate
    t = request_translator()
    with session_scope() as s:
        found = hs_options(t, search_dictionary(s, current_actor(), "hs_code", text, page_size=20).rows)
    kept = [o for o in options or [] if isinstance(o, dict) and o.get("value") == value]
    return kept + [o for o in found if o["value"] != value]


@callback(
    Output({"type": ids.DECLF_GOODS_FIELD, "name": "name_zh"}, "value", allow_duplicate=True),
    Output({"type": ids.DECLF_GOODS_FIELD, "name": "name_en"}, "value", allow_duplicate=True),
    Output({"type": ids.DECLF_GOODS_FIELD, "name": "quantity_unit"}, "value", allow_duplicate=True),
    Input({"type": ids.DECLF_GOODS_FIELD, "name": "hs_code"}, "value"),
    State({"type": ids.DECLF_GOODS_FIELD, "name": "name_zh"}, "value"),
    State({"type": ids.DECLF_GOODS_FIELD, "name": "name_en"}, "value"),
    State({"type": ids.DECLF_GOODS_FIELD, "name": "quantity_unit"}, "value"),
    prevent_initial_call=True,
)
def fill_from_hs(code, name_zh, name_en, unit):
    """Choosing an HS code fills the goods names and the legal unit, where still empty."""
    code = as_text(code)
    if not code:
        raise PreventUpdate
    with session_scope() as s:
        entry = hs_entry(s, current_actor(), code)
    if entry is None:
        raise PreventUpdate
    zh, en, unit1 = entry
    return (no_update if as_text(name_zh) else zh, no_update if as_text(name_en) else en,
            no_update if as_text(unit) or not unit1 else unit1)


def _entry_options(hs_code: str, t: Translator) -> list[dict]:
    """The HS dropdown's options holding the line's code, so that a picked line shows it."""
    if not hs_code:
        return []
    with session_scope() as s:
        entry = hs_entry(s, current_actor(), hs_code)
    return [{"label": f"{hs_code} {t.pick(entry[0], entry[1])}" if entry else hs_code, "value": hs_code}]


@callback(
    Output(ids.DECLF_GOODS_GRID, "rowData"),
    Output(GOODS_FIELD, "value"),
    Output(GOODS_ERROR, "children"),
    Output(ids.DECLF_GOODS_MESSAGE, "children"),
    Output(ids.DECLF_GOODS_GRID, "selectedRows"),
    Input(ids.DECLF_GOODS_ADD, "n_clicks"),
    Input(ids.DECLF_GOODS_UPDATE, "n_clicks"),
    Input(ids.DECLF_GOODS_DELETE, "n_clicks"),
    Input(ids.DECLF_GOODS_CLEAR, "n_clicks"),
    State(GOODS_FIELD, "value"),
    State(ids.DECLF_GOODS_GRID, "rowData"),
    State(ids.DECLF_GOODS_GRID, "selectedRows"),
    State(ids.DECLF_STATE, "data"),
    prevent_initial_call=True,
)
def edit_goods(_add, _update, _delete, _clear, values, rows, selected, state):
    """添加 / 修改 / 删除 a goods line from the entry row; the whole list is checked again on saving."""
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.outputs_list[1]]
    entry = {name: as_text(value).strip() for name, value in _named(values, 0).items()}
    rows = _rows(rows)
    picked = _picked_index(selected, rows)
    defaults = state.get("goods_defaults") if isinstance(state, dict) else {}
    fresh = goods_entry_values(defaults if isinstance(defaults, dict) else {})
    blank_errors = [""] * len(names)
    action = ctx.triggered_id
    if action == ids.DECLF_GOODS_CLEAR:
        return no_update, [fresh.get(n) or None for n in names], blank_errors, None, []
    if action == ids.DECLF_GOODS_DELETE:
        if picked is None:
            return no_update, no_update, blank_errors, _note(t, "Pick the line to delete in the list."), no_update
        rest = rows[:picked] + rows[picked + 1:]
        return goods_row_data(rest), [fresh.get(n) or None for n in names], blank_errors, None, []
    if action == ids.DECLF_GOODS_UPDATE and picked is None:
        return no_update, no_update, blank_errors, _note(t, "Pick the line to change in the list."), no_update
    if not any(v for k, v in entry.items() if k in GOODS_COLUMNS and v != fresh.get(k, "")):
        return no_update, no_update, blank_errors, _note(t, "Fill in the goods line first."), no_update
    with session_scope() as s:
        _lines, errors = clean_goods_lines(s, [entry], draft=True)
    if errors:
        found = {key.rsplit(".", 1)[-1]: code for key, code in errors.items()}
        return (no_update, no_update, [reason(t, found[n]) if n in found else "" for n in names],
                _note(t, "The line has errors: it was not added."), no_update)
    if action == ids.DECLF_GOODS_UPDATE:
        rows = rows[:picked] + [entry] + rows[picked + 1:]
    else:
        rows = rows + [entry]
    return goods_row_data(rows), [fresh.get(n) or None for n in names], blank_errors, None, []


def _picked_index(selected, rows: list[dict]) -> int | None:
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        return None
    seq = selected[0].get("seq")
    if isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= len(rows):
        return seq - 1
    return None


def _note(t: Translator, msgid: str) -> html.Div:
    return html.Div(t(msgid), className="small text-warning")


@callback(
    Output(GOODS_FIELD, "value", allow_duplicate=True),
    Output({"type": ids.DECLF_GOODS_FIELD, "name": "hs_code"}, "options", allow_duplicate=True),
    Input(ids.DECLF_GOODS_GRID, "selectedRows"),
    prevent_initial_call=True,
)
def pick_goods_line(selected):
    """A line picked in the list comes back into the entry row (Jiucheng: 回填)."""
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        raise PreventUpdate
    row = goods_entry_values({}, selected[0])
    names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    return [row.get(n) or None for n in names], _entry_options(row["hs_code"], request_translator())


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


@callback(
    Output(ids.DECLF_GOODS_GRID, "rowData", allow_duplicate=True),
    Output(ids.DECLF_CONTAINER_GRID, "rowData", allow_duplicate=True),
    Output(ids.DECLF_STATE, "data"),
    Input(ids.DECLF_IMPORTED, "data"),
    State(ids.DECLF_STATE, "data"),
    prevent_initial_call=True,
)
def reload_imported(imported, state):
    """The import changed the stored goods or containers (and the version): show them, keep the rest of the form."""
    decl_id, _version, _direction = _state(state)
    if not imported or decl_id is None:
        raise PreventUpdate
    try:
        with session_scope() as s:
            form = open_declaration(s, current_actor(), decl_id)
    except NotFound:
        raise PreventUpdate from None
    new_state = {**state, "version": form.version}
    return goods_row_data(form.data.goods), container_row_data(form.data.containers), new_state
