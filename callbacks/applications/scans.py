"""Scanned documents glue: the in-browser file check, then add / replace / delete through data/applications/scans.py."""
from __future__ import annotations

from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, no_update

from auth.session import current_actor, request_translator
from dashboard.runtime.store import session_scope
from data.applications.scans import SUPPLEMENT, ScanRefused, add_scan, delete_scan, list_scans, replace_scan
from data.core.files import UploadProblem, decode_data_url
from data.core.scope import AccessDenied, Actor, NotFound
from layouts.applications import ids
from layouts.applications.scans import NEW, scan_message, scans_panel

# size and real type checked in the browser before anything is sent (dashboard/assets/certdash.js);
# a refused file is cleared there, so the server callback below sees no contents for it
clientside_callback(
    ClientsideFunction(namespace="certdash", function_name="checkUpload"),
    Output({"type": ids.APPV_SCAN_UPLOAD_STATUS, "index": MATCH}, "children"),
    Output({"type": ids.APPV_SCAN_UPLOAD, "index": MATCH}, "contents"),
    Input({"type": ids.APPV_SCAN_UPLOAD, "index": MATCH}, "contents"),
    State({"type": ids.APPV_SCAN_UPLOAD, "index": MATCH}, "filename"),
    State(ids.APPV_SCAN_CHECKS, "data"),
)


@callback(
    Output(ids.APPV_SCAN_PANEL, "children"),
    Output(ids.APPV_SCAN_MESSAGE, "children"),
    Input(ids.APPV_STATE, "data"),
    Input({"type": ids.APPV_SCAN_UPLOAD, "index": ALL}, "contents"),
    Input({"type": ids.APPV_SCAN_DELETE, "index": ALL}, "submit_n_clicks"),
    State({"type": ids.APPV_SCAN_UPLOAD, "index": ALL}, "filename"),
    State({"type": ids.APPV_SCAN_DOC, "index": ALL}, "value"),
)
def show_and_change_scans(state, _contents, _deletes, _filenames, doc_codes):
    """Draw the scans of the page's application; first take the add, replace or delete that triggered."""
    try:
        app_id = int(state["id"])
    except (KeyError, TypeError, ValueError):
        return None, None
    t = request_translator()
    actor = current_actor()
    trigger = ctx.triggered_id if isinstance(ctx.triggered_id, dict) else {}
    code, done, name = None, None, ""
    if trigger.get("type") == ids.APPV_SCAN_UPLOAD:
        contents = _triggered_value(trigger, ctx.inputs_list[1])
        if not contents:  # cleared by the in-browser check, which said why
            return no_update, no_update
        filename = _triggered_value(trigger, ctx.states_list[0])
        doc_code = doc_codes[0] if isinstance(doc_codes, list) and doc_codes else None
        code, done, name = _upload(actor, app_id, trigger.get("index"), doc_code, filename, contents)
    elif trigger.get("type") == ids.APPV_SCAN_DELETE:
        if not _triggered_value(trigger, ctx.inputs_list[2]):
            return no_update, no_update
        code, done, name = _delete(actor, trigger.get("index"))
    try:
        with session_scope() as s:
            scans = list_scans(s, actor, app_id)
    except (NotFound, AccessDenied):
        return None, None  # the page itself says there is no such application
    if done == "added" and scans.mode == SUPPLEMENT:
        done = "supplemented"
    return scans_panel(t, scans), scan_message(t, code, done, name)


def _triggered_value(trigger: dict, items) -> object:
    """Return the value of the pattern-matching input or state whose id triggered the callback."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("id") == trigger:
            return item.get("value")
    return None


def _upload(actor: Actor, app_id: int, index, doc_code, filename, contents) -> tuple[str | None, str | None, str]:
    filename = filename if isinstance(filename, str) else ""
    try:
        content = decode_data_url(contents if isinstance(contents, str) else None)
        with session_scope() as s:
            if index == NEW:
                scan = add_scan(s, actor, app_id, doc_code if isinstance(doc_code, str) else "", filename, content)
                done = "added"
            elif isinstance(index, int) and not isinstance(index, bool):
                scan = replace_scan(s, actor, index, filename, content)
                done = "replaced"
            else:
                return "not_found", None, ""
            return None, done, scan.filename
    except (UploadProblem, ScanRefused) as exc:
        return exc.code, None, ""
    except NotFound:
        return "not_found", None, ""
    except AccessDenied:
        return "denied", None, ""


def _delete(actor: Actor, index) -> tuple[str | None, str | None, str]:
    if not isinstance(index, int) or isinstance(index, bool):
        return "not_found", None, ""
    try:
        with session_scope() as s:
            name = delete_scan(s, actor, index)
        return None, "deleted", name
    except ScanRefused as exc:
        return exc.code, None, ""
    except NotFound:
        return "not_found", None, ""
    except AccessDenied:
        return "denied", None, ""
