"""Excel imports glue: goods or containers into the open declaration, a whole declaration from the list,
and the goods-import mapping page."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import MENU_SETTINGS, PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.files import UploadProblem, decode_data_url
from data.core.scope import AccessDenied, Actor, NotFound
from data.declarations.import_declaration import import_declaration
from data.declarations.imports import (
    ImportProblem,
    ImportRefused,
    MappingInvalid,
    goods_import_mapping,
    import_containers,
    import_goods,
    save_goods_import_mapping,
)
from layouts.declarations import ids
from layouts.declarations.imports import (
    declaration_imported,
    imported,
    mapping_message,
    mapping_page,
    problems_table,
    reason,
)

IMPORTERS = {"goods": import_goods, "containers": import_containers}


def render_mapping(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        mapping = goods_import_mapping(s, actor)
    return mapping_page(t, mapping)


PAGE = PageSpec(
    "goods_import", "/enterprise/goods-import", N_("Goods import mapping"), Perm.DECLARATION_EDIT, ids.GIMAP,
    render_mapping, menu_group=MENU_SETTINGS, order=110)


def _content(contents) -> bytes:
    """The uploaded bytes, or ImportRefused when the browser sent something unreadable."""
    try:
        return decode_data_url(contents if isinstance(contents, str) else None)
    except UploadProblem as exc:
        raise ImportRefused([ImportProblem(None, "", "file_empty" if exc.code == "empty" else "upload_unreadable")]) \
            from None


def _refused(t: Translator, code: str):
    return problems_table(t, [ImportProblem(None, "", code)])


@callback(
    Output(ids.DECLF_IMPORT_RESULT, "children"),
    Output(ids.DECLF_IMPORTED, "data"),
    Output(ids.DECLF_IMPORT_UPLOAD, "contents"),
    Input(ids.DECLF_IMPORT_UPLOAD, "contents"),
    State(ids.DECLF_IMPORT_KIND, "value"),
    State(ids.DECLF_IMPORT_MODE, "value"),
    State(ids.DECLF_IMPORT_TARGET, "data"),
    State(ids.DECLF_STATE, "data"),
    prevent_initial_call=True,
)
def import_into_declaration(contents, kind, mode, declaration_id, form_state):
    if not contents:
        return no_update, no_update, no_update
    t = request_translator()
    if kind not in IMPORTERS:
        return _refused(t, "unknown_mode"), no_update, None
    if not isinstance(declaration_id, int) or isinstance(declaration_id, bool):
        return _refused(t, "not_found"), no_update, None
    # the version the form shows: an import into a declaration saved elsewhere since is refused
    version = form_state.get("version") if isinstance(form_state, dict) and form_state.get("id") == declaration_id \
        else None
    try:
        content = _content(contents)
        with session_scope() as s:
            result = IMPORTERS[kind](s, current_actor(), declaration_id, content, mode=as_text(mode),
                                     version=version if isinstance(version, int) else None)
    except ImportRefused as exc:
        return problems_table(t, exc.problems), no_update, None
    except (NotFound, AccessDenied):
        return _refused(t, "not_found"), no_update, None
    done = {"declaration_id": result.declaration_id, "version": result.version, "kind": kind,
            "imported": result.imported}
    return imported(t, result, kind), done, None


@callback(
    Output(ids.DECL_IMPORT_RESULT, "children"),
    Output(ids.DECL_IMPORT_UPLOAD, "contents"),
    Input(ids.DECL_IMPORT_UPLOAD, "contents"),
    State(ids.DECL_DIRECTION, "value"),
    prevent_initial_call=True,
)
def import_whole_declaration(contents, direction):
    if not contents:
        return no_update, no_update
    t = request_translator()
    try:
        content = _content(contents)
        with session_scope() as s:
            result = import_declaration(s, current_actor(), content, direction=as_text(direction))
    except ImportRefused as exc:
        return problems_table(t, exc.problems), None
    except AccessDenied:
        return _refused(t, "not_found"), None
    return declaration_imported(t, result, result.entry_no), None


@callback(
    Output(ids.GIMAP_MESSAGE, "children"),
    Output({"type": ids.GIMAP_ERROR, "name": ALL}, "children"),
    Output({"type": ids.GIMAP_FIELD, "name": ALL}, "invalid"),
    Output({"type": ids.GIMAP_FIELD, "name": ALL}, "value"),
    Input(ids.GIMAP_SAVE, "n_clicks"),
    Input(ids.GIMAP_RESET, "n_clicks"),
    State({"type": ids.GIMAP_FIELD, "name": ALL}, "value"),
    prevent_initial_call=True,
)
def save_mapping(_save, _reset, values):
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.states_list[0]]
    reset = ctx.triggered_id == ids.GIMAP_RESET
    mapping = {} if reset else {name: as_text(value) for name, value in zip(names, values)}
    try:
        with session_scope() as s:
            stored = save_goods_import_mapping(s, current_actor(), mapping)
    except MappingInvalid as exc:
        return (mapping_message(t, False), [reason(t, exc.errors[n]) if n in exc.errors else None for n in names],
                [n in exc.errors for n in names], [no_update] * len(names))
    return (mapping_message(t, True), [None] * len(names), [False] * len(names),
            [stored.get(n, "") for n in names])
