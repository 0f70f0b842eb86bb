"""Enterprise ledger glue: query and page, choose columns, templates, and exports (small ones at once,
large ones as a background job with a progress bar, fetched afterwards from /files/ledger/<token>)."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, no_update
from flask import current_app

from auth.permissions import Perm
from auth.session import request_translator
from callbacks.inputs import as_id, as_text
from callbacks.page import PageRequest, PageSpec, page_callback, wildcard
from dashboard.core.i18n import N_, Translator
from dashboard.jobs import JobRefused, job_scope, job_ticket
from dashboard.runtime.store import session_scope
from data.core.scope import Actor, NotFound
from data.ledger.export import download_name, ledger_columns, run_export, write_export
from data.ledger.query import (
    ALL_KEYS,
    DEFAULT_COLUMNS,
    ExportRequest,
    LedgerInvalid,
    LedgerQuery,
    check_columns,
    clean_file_name,
    count_ledger,
    delete_template,
    enterprise_choices,
    enterprise_name,
    get_template,
    ledger_page,
    list_templates,
    lookup_tables,
    rename_template,
    save_template,
    update_template,
)
from exports.tables.ledger import PDF_MAX_ROWS, TooManyRows
from layouts.ledger import ids
from layouts.ledger.ledger import (
    EXPORT_MESSAGES,
    TEMPLATE_MESSAGES,
    addable,
    chosen_list,
    download_link,
    grid_columns,
    grid_rows,
    message,
    reasons,
    template_options,
    total_text,
)
from layouts.ledger.ledger import (
    ledger_page as ledger_layout,
)

PAGE_SIZE = 25
COUNT_CAP = 10_000  # rows counted for the total: counting 100,000 took 0.2 s warm, 4 s cold at 1M
INLINE_ROWS = 2_000  # more rows than this export as a background job (app config LEDGER_INLINE_ROWS)
INLINE_PDF_ROWS = 300  # a PDF takes longer a row (reportlab lays out every cell): jobs start sooner
JOB_PURPOSE = Perm.LEDGER_EXPORT


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        enterprises = enterprise_choices(s, actor) if actor.is_admin else None
        name = "" if actor.is_admin else enterprise_name(s, actor, None)
        cert_types = sorted(lookup_tables(s, t.lang, ["cert_type"]).get("cert_type", {}).items())
        templates = [] if actor.is_admin else list_templates(s, actor)
    return ledger_layout(t, enterprises=enterprises, enterprise_name=name, cert_types=cert_types, templates=templates)


PAGE = PageSpec("ledger", "/ledger", N_("Enterprise ledger"), Perm.LEDGER_EXPORT, ids.LEDGER, render, order=170,
                menu_title=N_("Ledger"))


def _enterprise(actor: Actor, value) -> int | None:
    """The administrator's chosen enterprise; enterprise users always work on their own (None)."""
    return as_id(value) if actor.is_admin else None


# --- query and paging -----------------------------------------------------------------------------

@page_callback(
    output={"rows": Output(ids.LEDGER_TABLE, "rowData"), "pages": Output(ids.LEDGER_PAGER, "max_value"),
            "page": Output(ids.LEDGER_PAGER, "active_page"), "total": Output(ids.LEDGER_TOTAL, "children"),
            "applied": Output(ids.LEDGER_APPLIED, "data")},
    inputs={"query": Input(ids.LEDGER_QUERY, "n_clicks"), "direction": Input(ids.LEDGER_DIRECTION, "value"),
            "enterprise": Input(ids.LEDGER_ENTERPRISE, "value"), "active_page": Input(ids.LEDGER_PAGER, "active_page"),
            "texts": State({"type": ids.LEDGER_FILTER, "name": ALL}, "value"), "legal": State(ids.LEDGER_LEGAL, "value"),
            "date_from": State(ids.LEDGER_DATES, "start_date"), "date_to": State(ids.LEDGER_DATES, "end_date"),
            "statuses": State(ids.LEDGER_STATUS, "value"), "cert_types": State(ids.LEDGER_CERT_TYPE, "value"),
            "cert_statuses": State(ids.LEDGER_CERT_STATUS, "value"), "applied": State(ids.LEDGER_APPLIED, "data")},
    snapshot=True,  # the count and the page's rows from one state of the store
)
def show_ledger(r: PageRequest, query, direction, enterprise, active_page, texts, legal, date_from, date_to, statuses,
                cert_types, cert_statuses, applied):
    if ctx.triggered_id == ids.LEDGER_PAGER and isinstance(applied, dict):
        asked, page_index = LedgerQuery.from_json(applied), max(0, (active_page or 1) - 1)
    else:
        named = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("texts")}
        asked = LedgerQuery.from_json({
            "direction": direction, "enterprise_id": _enterprise(r.actor, enterprise), "party": named.get("party"),
            "declarant": named.get("declarant"), "legal_inspection": legal,
            "date_from": date_from, "date_to": date_to,  # ISO dates from the picker, checked there
            "statuses": statuses, "cert_types": cert_types, "cert_statuses": cert_statuses})
        page_index = 0
    try:
        page = ledger_page(r.s, r.actor, asked, page_index, PAGE_SIZE, COUNT_CAP)
        columns = ledger_columns(r.s, r.actor, r.t, asked, ALL_KEYS)
    except LedgerInvalid as exc:  # a query that cannot be asked (nothing written): no rows, and why
        return {"rows": [], "pages": 1, "page": 1, "total": reasons(r.t, exc.errors), "applied": asked.as_json()}
    pages = max(1, -(-min(page.total, COUNT_CAP) // PAGE_SIZE))
    return {"rows": grid_rows(columns, page), "pages": pages, "page": page.page + 1,
            "total": total_text(r.t, page.total, COUNT_CAP), "applied": asked.as_json()}


# --- the column chooser ---------------------------------------------------------------------------

@callback(
    Output(ids.LEDGER_COLUMNS, "data"),
    Output(ids.LEDGER_COLUMN_ADD, "value"),
    Input({"type": ids.LEDGER_COLUMN_MOVE, "key": ALL, "move": ALL}, "n_clicks"),
    Input(ids.LEDGER_COLUMN_ADD, "value"),
    Input(ids.LEDGER_COLUMN_RESET, "n_clicks"),
    Input(ids.LEDGER_DIRECTION, "value"),
    State(ids.LEDGER_COLUMNS, "data"),
    prevent_initial_call=True,
)
def edit_columns(_moves, added, _reset, direction, chosen):
    chosen = [k for k in (chosen if isinstance(chosen, list) else []) if k in ALL_KEYS]
    direction = "exit" if direction == "exit" else "entry"
    trigger = ctx.triggered_id
    if trigger == ids.LEDGER_COLUMN_RESET:
        return list(DEFAULT_COLUMNS[direction]), None
    if trigger == ids.LEDGER_DIRECTION:  # the other direction's own party column, unless the user chose others
        other = "entry" if direction == "exit" else "exit"
        return (list(DEFAULT_COLUMNS[direction]), no_update) if tuple(chosen) == DEFAULT_COLUMNS[other] \
            else (no_update, no_update)
    if trigger == ids.LEDGER_COLUMN_ADD:
        if added in ALL_KEYS and added not in chosen:
            return chosen + [added], None
        return no_update, no_update
    if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update, no_update  # the buttons were drawn again, none was clicked
    key, move = trigger.get("key"), trigger.get("move")
    if key not in chosen:
        return no_update, no_update
    return moved(chosen, key, move), no_update


def moved(chosen: list[str], key: str, move: str) -> list[str]:
    """The column list with one column moved up, down, or taken out."""
    at = chosen.index(key)
    result = list(chosen)
    if move == "remove":
        result.pop(at)
    elif move == "up" and at > 0:
        result[at - 1], result[at] = result[at], result[at - 1]
    elif move == "down" and at < len(result) - 1:
        result[at + 1], result[at] = result[at], result[at + 1]
    return result


@callback(
    Output(ids.LEDGER_CHOSEN, "children"),
    Output(ids.LEDGER_COLUMN_ADD, "options"),
    Output(ids.LEDGER_TABLE, "columnDefs"),
    Input(ids.LEDGER_COLUMNS, "data"),
)
def show_columns(chosen):
    t = request_translator()
    keys = [k for k in (chosen if isinstance(chosen, list) else []) if k in ALL_KEYS]
    return chosen_list(t, keys), addable(t, keys), grid_columns(t, keys)


# --- templates ------------------------------------------------------------------------------------

def _template_refused(t: Translator, exc: Exception, **_inputs) -> dict:
    if isinstance(exc, LedgerInvalid):
        return {"message": reasons(t, exc.errors)}
    return {"message": message(t, TEMPLATE_MESSAGES["not_found"]), "value": None}


@page_callback(
    output={"message": Output(ids.LEDGER_TEMPLATE_MESSAGE, "children"), "options": Output(ids.LEDGER_TEMPLATE, "options"),
            "value": Output(ids.LEDGER_TEMPLATE, "value")},
    inputs={"save": Input(ids.LEDGER_TEMPLATE_SAVE, "n_clicks"), "update": Input(ids.LEDGER_TEMPLATE_UPDATE, "n_clicks"),
            "rename": Input(ids.LEDGER_TEMPLATE_RENAME, "n_clicks"),
            "delete": Input(ids.LEDGER_TEMPLATE_DELETE, "submit_n_clicks"),
            "enterprise": Input(ids.LEDGER_ENTERPRISE, "value"), "chosen_id": State(ids.LEDGER_TEMPLATE, "value"),
            "name": State(ids.LEDGER_TEMPLATE_NAME, "value"), "columns": State(ids.LEDGER_COLUMNS, "data"),
            "file_name": State(ids.LEDGER_FILE_NAME, "value"), "direction": State(ids.LEDGER_DIRECTION, "value")},
    refused=_template_refused, refuses=(LedgerInvalid, NotFound), prevent_initial_call=True,
)
def keep_templates(r: PageRequest, save, update, rename, delete, enterprise, chosen_id, name, columns, file_name,
                   direction):
    t, actor, trigger = r.t, r.actor, ctx.triggered_id
    eid = _enterprise(actor, enterprise)
    answer: dict = {"message": None}
    if trigger == ids.LEDGER_ENTERPRISE:
        answer["value"] = None
    elif trigger == ids.LEDGER_TEMPLATE_SAVE:
        row = save_template(r.s, actor, eid, as_text(name), as_text(direction), columns, as_text(file_name))
        answer = {"message": message(t, TEMPLATE_MESSAGES["saved"], "success", name=row.name), "value": row.id}
    elif as_id(chosen_id) is None:
        return {"message": message(t, TEMPLATE_MESSAGES["choose"])}
    elif trigger == ids.LEDGER_TEMPLATE_UPDATE:
        row = update_template(r.s, actor, eid, chosen_id, as_text(direction), columns, as_text(file_name))
        answer["message"] = message(t, TEMPLATE_MESSAGES["updated"], "success", name=row.name)
    elif trigger == ids.LEDGER_TEMPLATE_RENAME:
        row = rename_template(r.s, actor, eid, chosen_id, as_text(name))
        answer["message"] = message(t, TEMPLATE_MESSAGES["renamed"], "success", name=row.name)
    elif trigger == ids.LEDGER_TEMPLATE_DELETE:
        gone = delete_template(r.s, actor, eid, chosen_id)
        answer = {"message": message(t, TEMPLATE_MESSAGES["deleted"], "success", name=gone), "value": None}
    return {**answer, "options": template_options(t, list_templates(r.s, actor, eid))}


@page_callback(
    output={"columns": Output(ids.LEDGER_COLUMNS, "data", allow_duplicate=True),
            "file_name": Output(ids.LEDGER_FILE_NAME, "value"), "direction": Output(ids.LEDGER_DIRECTION, "value"),
            "name": Output(ids.LEDGER_TEMPLATE_NAME, "value")},
    inputs={"template_id": Input(ids.LEDGER_TEMPLATE, "value"), "enterprise": State(ids.LEDGER_ENTERPRISE, "value")},
    refused=lambda t, _exc, **_inputs: no_update, prevent_initial_call=True,
)
def use_template(r: PageRequest, template_id, enterprise):
    if as_id(template_id) is None:
        return no_update
    row = get_template(r.s, r.actor, _enterprise(r.actor, enterprise), template_id)
    return {"columns": list(row.columns) or no_update, "file_name": row.file_name, "direction": row.direction,
            "name": row.name}


# --- exports --------------------------------------------------------------------------------------

@page_callback(
    output={"download": Output(ids.LEDGER_DOWNLOAD, "data"), "job": Output(ids.LEDGER_JOB, "data"),
            "message": Output(ids.LEDGER_MESSAGE, "children")},
    inputs={"clicks": Input(ids.LEDGER_EXPORT, "n_clicks"), "applied": State(ids.LEDGER_APPLIED, "data"),
            "columns": State(ids.LEDGER_COLUMNS, "data"), "file_name": State(ids.LEDGER_FILE_NAME, "value"),
            "fmt": State(ids.LEDGER_FORMAT, "value")},
    refused=lambda t, exc, **_inputs: {"message": reasons(t, exc.errors)}, refuses=(LedgerInvalid,),
    prevent_initial_call=True,
)
def start_export(r: PageRequest, clicks, applied, columns, file_name, fmt):
    if not clicks:
        return no_update
    t, actor = r.t, r.actor
    request = ExportRequest(LedgerQuery.from_json(applied), check_columns(columns),
                            fmt if fmt in ("xlsx", "csv", "pdf") else "xlsx", clean_file_name(file_name), t.lang)
    inline = current_app.config.get("LEDGER_INLINE_ROWS", INLINE_ROWS)
    if request.fmt == "pdf":
        inline = min(inline, INLINE_PDF_ROWS)
    rows = count_ledger(r.s, actor, request.query, max(inline, PDF_MAX_ROWS))
    if rows == 0:
        return {"message": message(t, EXPORT_MESSAGES["nothing"], "warning")}
    if request.fmt == "pdf" and rows > PDF_MAX_ROWS:
        return {"message": message(t, EXPORT_MESSAGES["too_many_for_pdf"], "warning", n=t.number(PDF_MAX_ROWS))}
    if rows <= inline:
        buffer = io.BytesIO()
        write_export(r.s, actor, request, buffer, created=datetime.now(timezone.utc).replace(tzinfo=None))
        return {"download": dcc.send_bytes(buffer.getvalue(), download_name(t, request)), "message": None}
    rows = count_ledger(r.s, actor, request.query)
    ticket = job_ticket(actor, JOB_PURPOSE, {**request.as_json(), "rows": rows})  # counted once, here
    return {"job": {"ticket": ticket, "rows": rows},
            "message": message(t, EXPORT_MESSAGES["started"], "info", n=t.number(rows))}


@callback(
    Output(ids.LEDGER_RESULT, "data"),
    Input(ids.LEDGER_JOB, "data"),
    background=True,
    progress=[Output(ids.LEDGER_PROGRESS, "value"), Output(ids.LEDGER_PROGRESS, "max"),
              Output(ids.LEDGER_PROGRESS, "label")],
    progress_default=[0, 1, ""],
    running=[(Output(ids.LEDGER_EXPORT, "disabled"), True, False),
             (Output(ids.LEDGER_CANCEL, "disabled"), False, True),
             (Output(ids.LEDGER_PROGRESS_BOX, "style"), {"display": "block"}, {"display": "none"})],
    cancel=[Input(ids.LEDGER_CANCEL, "n_clicks")],
    interval=500,  # how often the page asks for the progress, in milliseconds
    prevent_initial_call=True,
)
def run_export_job(set_progress, job):
    """The background job: write the file into the user's export folder, then say where it is."""
    return export_job(job, set_progress)


def export_job(job, set_progress) -> dict:
    """Run one export job from its ticket; return what the page shows (a token, or an error code)."""
    ticket = job.get("ticket") if isinstance(job, dict) else None
    try:
        with job_scope(ticket, JOB_PURPOSE) as (s, actor, payload):
            expected = payload.get("rows") if isinstance(payload, dict) else None
            return run_export(s, actor, ExportRequest.from_json(payload),
                              Path(current_app.config["CERTDASH_SETTINGS"].instance_path),
                              expected_rows=expected, set_progress=set_progress)
    except JobRefused:
        return {"error": "refused"}
    except LedgerInvalid as exc:
        return {"error": "invalid", "errors": exc.errors}
    except TooManyRows:  # the ledger grew past what a PDF holds since the click
        return {"error": "too_many_for_pdf"}
    except Exception:  # the page must hear of it; job_scope logged the traceback with the request id
        return {"error": "failed"}


# a finished export downloads by itself (dashboard/assets/certdash.js); the link stays for a second copy
clientside_callback(
    ClientsideFunction(namespace="certdash", function_name="startDownload"),
    Output(ids.LEDGER_FETCHED, "data"),
    Input(ids.LEDGER_RESULT, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.LEDGER_MESSAGE, "children", allow_duplicate=True),
    Input(ids.LEDGER_RESULT, "data"),
    prevent_initial_call=True,
)
def show_export_result(result):
    t = request_translator()
    if not isinstance(result, dict):
        return no_update
    if isinstance(result.get("token"), str):
        return download_link(t, result["token"], str(result.get("filename") or ""), int(result.get("rows") or 0))
    if result.get("error") == "invalid" and isinstance(result.get("errors"), dict):
        return reasons(t, result["errors"])
    if result.get("error") == "too_many_for_pdf":
        return message(t, EXPORT_MESSAGES["too_many_for_pdf"], "warning", n=t.number(PDF_MAX_ROWS))
    return message(t, EXPORT_MESSAGES.get(result.get("error"), EXPORT_MESSAGES["failed"]))


@callback(
    Output(ids.LEDGER_MESSAGE, "children", allow_duplicate=True),
    Input(ids.LEDGER_CANCEL, "n_clicks"),
    prevent_initial_call=True,
)
def export_cancelled(clicks):
    if not clicks:
        return no_update
    return message(request_translator(), EXPORT_MESSAGES["cancelled"], "secondary")
