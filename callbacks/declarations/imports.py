"""Excel imports glue: goods or containers into the open declaration, a whole declaration from the list,
and the goods-import mapping page."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from auth.permissions import Perm
from callbacks.inputs import as_id, as_text
from callbacks.page import MENU_SETTINGS, PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
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


def _not_imported(t: Translator, exc: Exception, **_inputs) -> dict:
    """The file's problems, row by row (nothing of it was written), or the declaration not found."""
    table = problems_table(t, exc.problems) if isinstance(exc, ImportRefused) else _refused(t, "not_found")
    return {"result": table, "upload": None}


@page_callback(
    output={"result": Output(ids.DECLF_IMPORT_RESULT, "children"), "done": Output(ids.DECLF_IMPORTED, "data"),
            "upload": Output(ids.DECLF_IMPORT_UPLOAD, "contents")},
    inputs={"contents": Input(ids.DECLF_IMPORT_UPLOAD, "contents"), "kind": State(ids.DECLF_IMPORT_KIND, "value"),
            "mode": State(ids.DECLF_IMPORT_MODE, "value"), "declaration_id": State(ids.DECLF_IMPORT_TARGET, "data"),
            "form_state": State(ids.DECLF_STATE, "data")},
    refused=_not_imported, refuses=(ImportRefused, NotFound, AccessDenied), prevent_initial_call=True,
)
def import_into_declaration(r: PageRequest, contents, kind, mode, declaration_id, form_state):
    if not contents:
        return no_update
    if kind not in IMPORTERS:
        return {"result": _refused(r.t, "unknown_mode"), "upload": None}
    if as_id(declaration_id) is None:
        return {"result": _refused(r.t, "not_found"), "upload": None}
    # the version the form shows: an import into a declaration saved elsewhere since is refused
    version = form_state.get("version") if isinstance(form_state, dict) and form_state.get("id") == declaration_id \
        else None
    result = IMPORTERS[kind](r.s, r.actor, declaration_id, _content(contents), mode=as_text(mode),
                             version=as_id(version))
    done = {"declaration_id": result.declaration_id, "version": result.version, "kind": kind,
            "imported": result.imported}
    return {"result": imported(r.t, result, kind), "done": done, "upload": None}


@page_callback(
    output={"result": Output(ids.DECL_IMPORT_RESULT, "children"), "upload": Output(ids.DECL_IMPORT_UPLOAD, "contents")},
    inputs={"contents": Input(ids.DECL_IMPORT_UPLOAD, "contents"), "direction": State(ids.DECL_DIRECTION, "value")},
    refused=_not_imported, refuses=(ImportRefused, AccessDenied), prevent_initial_call=True,
)
def import_whole_declaration(r: PageRequest, contents, direction):
    if not contents:
        return no_update
    result = import_declaration(r.s, r.actor, _content(contents), direction=as_text(direction))
    return {"result": declaration_imported(r.t, result, result.entry_no), "upload": None}


def _mapping_refused(t: Translator, exc: Exception, **_inputs) -> dict:
    names = [item["id"]["name"] for item in wildcard_outputs("errors")]
    errors = exc.errors if isinstance(exc, MappingInvalid) else {}
    return {"message": mapping_message(t, False), "errors": [reason(t, errors[n]) if n in errors else None for n in names],
            "invalid": [n in errors for n in names]}


@page_callback(
    output={"message": Output(ids.GIMAP_MESSAGE, "children"),
            "errors": Output({"type": ids.GIMAP_ERROR, "name": ALL}, "children"),
            "invalid": Output({"type": ids.GIMAP_FIELD, "name": ALL}, "invalid"),
            "values": Output({"type": ids.GIMAP_FIELD, "name": ALL}, "value")},
    inputs={"save": Input(ids.GIMAP_SAVE, "n_clicks"), "reset": Input(ids.GIMAP_RESET, "n_clicks"),
            "values": State({"type": ids.GIMAP_FIELD, "name": ALL}, "value")},
    refused=_mapping_refused, refuses=(MappingInvalid,), prevent_initial_call=True,
)
def save_mapping(r: PageRequest, save, reset, values):
    typed = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("values")}
    stored = save_goods_import_mapping(r.s, r.actor, {} if ctx.triggered_id == ids.GIMAP_RESET else typed)
    return {"message": mapping_message(r.t, True), "errors": [None] * len(typed), "invalid": [False] * len(typed),
            "values": [stored.get(n, "") for n in typed]}
