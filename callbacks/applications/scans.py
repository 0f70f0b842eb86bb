"""Scanned documents glue: the in-browser file check, then add / replace / delete through data/applications/scans.py."""
from __future__ import annotations

from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, clientside_callback, ctx, no_update

from auth.session import current_actor
from callbacks.page import PageRequest, page_callback, wildcard
from dashboard.core.i18n import Translator
from dashboard.runtime.store import session_scope
from data.applications.scans import SUPPLEMENT, ScanRefused, add_scan, delete_scan, list_scans, replace_scan
from data.core.files import UploadProblem, decode_data_url
from data.core.scope import AccessDenied, NotFound
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


def _application_id(state) -> int | None:
    try:
        return int(state["id"])
    except (KeyError, TypeError, ValueError):
        return None


def _refused(t: Translator, exc: Exception, *, state, **_inputs) -> dict:
    """Nothing of the change was written: the scans as they are, and why (the application gone: nothing)."""
    code = getattr(exc, "code", None) or ("denied" if isinstance(exc, AccessDenied) else "not_found")
    app_id = _application_id(state)
    with session_scope() as s:
        try:
            scans = list_scans(s, current_actor(), app_id) if app_id is not None else None
        except (NotFound, AccessDenied):
            scans = None
    if scans is None:  # the page itself says there is no such application
        return {"panel": None, "message": None}
    return {"panel": scans_panel(t, scans), "message": scan_message(t, code, None, "")}


@page_callback(
    output={"panel": Output(ids.APPV_SCAN_PANEL, "children"), "message": Output(ids.APPV_SCAN_MESSAGE, "children")},
    inputs={"state": Input(ids.APPV_STATE, "data"),
            "contents": Input({"type": ids.APPV_SCAN_UPLOAD, "index": ALL}, "contents"),
            "deletes": Input({"type": ids.APPV_SCAN_DELETE, "index": ALL}, "submit_n_clicks"),
            "filenames": State({"type": ids.APPV_SCAN_UPLOAD, "index": ALL}, "filename"),
            "doc_codes": State({"type": ids.APPV_SCAN_DOC, "index": ALL}, "value")},
    refused=_refused, refuses=(UploadProblem, ScanRefused, NotFound, AccessDenied),
)
def show_and_change_scans(r: PageRequest, state, contents, deletes, filenames, doc_codes):
    """Draw the scans of the page's application; first take the add, replace or delete that triggered."""
    app_id = _application_id(state)
    if app_id is None:
        return {"panel": None, "message": None}
    trigger = ctx.triggered_id if isinstance(ctx.triggered_id, dict) else {}
    done, name = None, ""
    if trigger.get("type") == ids.APPV_SCAN_UPLOAD:
        content = _triggered_value(trigger, wildcard("contents"))
        if not content:  # cleared by the in-browser check, which said why
            return no_update
        filename = _triggered_value(trigger, wildcard("filenames"))
        doc_code = doc_codes[0] if isinstance(doc_codes, list) and doc_codes else None
        done, name = _upload(r, app_id, trigger.get("index"), doc_code, filename, content)
    elif trigger.get("type") == ids.APPV_SCAN_DELETE:
        if not _triggered_value(trigger, wildcard("deletes")):
            return no_update
        done, name = _delete(r, trigger.get("index"))
    scans = list_scans(r.s, r.actor, app_id)
    if done == "added" and scans.mode == SUPPLEMENT:
        done = "supplemented"
    return {"panel": scans_panel(r.t, scans), "message": scan_message(r.t, None, done, name)}


def _triggered_value(trigger: dict, items: list[dict]) -> object:
    """Return the value of the pattern-matching input or state whose id triggered the callback."""
    return next((item.get("value") for item in items if item.get("id") == trigger), None)


def _upload(r: PageRequest, app_id: int, index, doc_code, filename, contents) -> tuple[str, str]:
    """Add or replace a scan: what was done and the file's name (a refusal raises: nothing is written)."""
    filename = filename if isinstance(filename, str) else ""
    content = decode_data_url(contents if isinstance(contents, str) else None)
    if index == NEW:
        return "added", add_scan(r.s, r.actor, app_id, doc_code if isinstance(doc_code, str) else "", filename,
                                 content).filename
    if isinstance(index, int) and not isinstance(index, bool):
        return "replaced", replace_scan(r.s, r.actor, index, filename, content).filename
    raise NotFound(f"scan {index}")


def _delete(r: PageRequest, index) -> tuple[str, str]:
    if not isinstance(index, int) or isinstance(index, bool):
        raise NotFound(f"scan {index}")
    return "deleted", delete_scan(r.s, r.actor, index)
