"""Applications glue: the filtered, paged list; one application and its workflow steps."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor
from callbacks.inputs import as_date, as_id, as_text
from callbacks.page import PageRequest, PageSpec, focus_when_invalid, page_callback, paged_list, paged_list_outputs
from callbacks.signing import act_text, by_card, card_access, confirmation, register_signing, waits_for_card
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.certificates import current_issuer
from dashboard.runtime.store import session_scope
from data.applications.listing import ApplicationFilter, application_detail, list_applications
from data.applications.workflow import WorkflowError, transition
from data.certificates.issuing import IssueRefused, issue, issue_act
from data.core.scope import AccessDenied, Actor, NotFound
from layouts.applications import ids
from layouts.applications.listing import (
    PAGE_SIZE,
    REASON_CODES,
    detail_body,
    detail_page,
    list_page,
    list_rows,
    reason_error,
    signing_summary,
    workflow_message,
)
from layouts.certificates.view import ISSUE_ERRORS, change_message
from layouts.common import APP_STATUS_LABELS, SIGN_ERRORS, page_number


def render_list(actor: Actor, t: Translator, status: str = "", **_query):
    """The list; `?status=a,b` (the home page's figures link here) chooses the statuses shown."""
    chosen = [code for code in (status.split(",") if isinstance(status, str) else []) if code in APP_STATUS_LABELS]
    return list_page(t, review=actor.can(Perm.APPLICATION_REVIEW) and not actor.can(Perm.APPLICATION_EDIT),
                     statuses=chosen or None)


APPLICATIONS_PAGE = PageSpec(
    "applications", "/applications", N_("Certificate applications"),
    (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW), ids.APPS, render_list, order=120,
    menu_title=N_("Applications"))


def render_detail(actor: Actor, t: Translator, id: str = "", **_query):  # noqa: A002 - the query's name
    try:
        with session_scope() as s:
            return detail_page(t, application_detail(s, actor, int(id)), card_access())
    except (ValueError, NotFound):
        return detail_page(t, None, card_access())


APPLICATION_PAGE = PageSpec(
    "application", "/applications/view", N_("Application"), (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW),
    ids.APPV, render_detail, in_menu=False, order=130)


@page_callback(
    output=paged_list_outputs(ids.APPS_TABLE, ids.APPS_PAGER, ids.APPS_TOTAL),
    inputs={"inspection_no": Input(ids.APPS_INSPECTION_NO, "value"), "statuses": Input(ids.APPS_STATUS, "value"),
            "insp_from": Input(ids.APPS_INSPECTION_DATES, "start_date"),
            "insp_to": Input(ids.APPS_INSPECTION_DATES, "end_date"),
            "applied_from": Input(ids.APPS_APPLIED_DATES, "start_date"),
            "applied_to": Input(ids.APPS_APPLIED_DATES, "end_date"),
            "active_page": Input(ids.APPS_PAGER, "active_page")},
)
def search(r: PageRequest, inspection_no, statuses, insp_from, insp_to, applied_from, applied_to, active_page):
    page_index = (active_page or 1) - 1 if ctx.triggered_id == ids.APPS_PAGER else 0
    review = r.actor.can(Perm.APPLICATION_REVIEW) and not r.actor.can(Perm.APPLICATION_EDIT)
    f = ApplicationFilter(as_text(inspection_no), tuple(x for x in (statuses or []) if isinstance(x, str)),
                          as_date(insp_from), as_date(insp_to), as_date(applied_from), as_date(applied_to),
                          oldest_first=review)
    page = list_applications(r.s, r.actor, f, page_index, PAGE_SIZE)
    return paged_list(list_rows(r.t, page), page, page_number(r.t, page))


STEP_OUTPUTS = {"content": Output(ids.APPV_CONTENT, "children"), "message": Output(ids.APPV_MESSAGE, "children"),
                "state": Output(ids.APPV_STATE, "data"), "reason_invalid": Output(ids.APPV_REASON, "invalid"),
                "reason_error": Output(ids.APPV_REASON_ERROR, "children"),
                "sign_open": Output(ids.APPV_SIGN.modal, "is_open"),
                "sign_summary": Output(ids.APPV_SIGN.summary, "children"),
                "sign_pending": Output(ids.APPV_SIGN.pending, "data"),
                "sign_error": Output(ids.APPV_SIGN.error, "children"),
                "sign_password": Output(ids.APPV_SIGN.password, "value")}


def _shown(s, t: Translator, actor: Actor | None, app_id: int, code: str | None, action: str | None) -> dict:
    """The application as it now is, and what became of the step (`code`: why it was refused)."""
    try:
        detail = application_detail(s, actor, app_id)
    except NotFound:
        return {"content": detail_body(t, None), "message": workflow_message(t, "not_found"), "state": None}
    message = change_message(t, code) if code in ISSUE_ERRORS else workflow_message(t, code, None if code else action)
    return {"content": detail_body(t, detail), "message": message, "state": {"id": detail.id, "version": detail.version}}


def _refused(t: Translator, exc: Exception, *, state, **_inputs) -> dict:
    """Nothing of the step was written (a stale version, a rule, no right): the application as it is, and why.

    A refused reason is said under the reason box, which is marked and gets the cursor; the page stays as it is."""
    code = getattr(exc, "code", None) or ("not_allowed" if isinstance(exc, AccessDenied) else "not_found")
    if code in REASON_CODES:
        return {"reason_invalid": True, "reason_error": reason_error(t, code), "message": None}
    with session_scope() as s:
        return _shown(s, t, current_actor(), int(state["id"]), code, None)


@page_callback(
    output=STEP_OUTPUTS,
    inputs={"clicks": Input({"type": ids.APPV_ACTION, "action": ALL}, "n_clicks"), "state": State(ids.APPV_STATE, "data"),
            "reason": State(ids.APPV_REASON, "value")},
    refused=_refused, refuses=(WorkflowError, IssueRefused, AccessDenied, NotFound), prevent_initial_call=True,
)
def take_step(r: PageRequest, clicks, state, reason):
    if not isinstance(ctx.triggered_id, dict) or not any(clicks or []) or not isinstance(state, dict):
        return no_update
    try:
        app_id, version = int(state["id"]), int(state["version"])
    except (KeyError, TypeError, ValueError):
        return {"message": workflow_message(r.t, "not_found")}
    action = str(ctx.triggered_id.get("action", ""))
    if action in ("issue", "issue_paper"):  # a legal act: the dialog names it and asks for the password first
        detail = application_detail(r.s, r.actor, app_id)
        if action not in detail.actions:
            return {"message": workflow_message(r.t, "bad_transition")}
        act = issue_act(app_id, version, action == "issue_paper")
        return {"sign_open": True, "sign_summary": signing_summary(r.t, detail, action == "issue_paper"),
                "sign_pending": {"id": app_id, "version": version, "action": action, "what": act_text(act)},
                "sign_error": "", "sign_password": ""}
    transition(r.s, r.actor, app_id, action, version=version, reason=as_text(reason))
    return _shown(r.s, r.t, r.actor, app_id, None, action)


SIGN_OUTPUTS = {"content": Output(ids.APPV_CONTENT, "children", allow_duplicate=True),
                "message": Output(ids.APPV_MESSAGE, "children", allow_duplicate=True),
                "state": Output(ids.APPV_STATE, "data", allow_duplicate=True),
                "sign_open": Output(ids.APPV_SIGN.modal, "is_open", allow_duplicate=True),
                "sign_error": Output(ids.APPV_SIGN.error, "children", allow_duplicate=True),
                "sign_password": Output(ids.APPV_SIGN.password, "value", allow_duplicate=True)}


def _sign_refused(t: Translator, exc: Exception, *, pending, **_inputs) -> dict:
    """The issue was refused after the signer confirmed (a stale version, a rule): nothing issued, and why."""
    shown = _refused(t, exc, state={"id": pending["id"]}) if isinstance(pending, dict) else {}
    return {**shown, "sign_open": False, "sign_password": ""}


@page_callback(
    output=SIGN_OUTPUTS,
    inputs={"confirm": Input(ids.APPV_SIGN.confirm, "n_clicks"), "card": Input(ids.APPV_SIGN.card, "data"),
            "password": State(ids.APPV_SIGN.password, "value"), "method": State(ids.APPV_SIGN.method, "value"),
            "pending": State(ids.APPV_SIGN.pending, "data")},
    refused=_sign_refused, refuses=(WorkflowError, IssueRefused, AccessDenied, NotFound), prevent_initial_call=True,
)
def confirm_issue(r: PageRequest, confirm, card, password, method, pending):
    """The signer confirmed with their password or IC card: issue (render, sign, store: data/certificates/issuing.py)."""
    with_card = by_card(ctx.triggered_prop_ids, ids.APPV_SIGN)
    if not (confirm or card) or not isinstance(pending, dict) or r.actor is None or waits_for_card(with_card, method):
        return no_update
    app_id, version, action = as_id(pending.get("id")), as_id(pending.get("version")), pending.get("action")
    if app_id is None or version is None or action not in ("issue", "issue_paper"):
        return no_update
    act = issue_act(app_id, version, action == "issue_paper")
    refusal = confirmation(r.s, r.actor, act, card=with_card, password=password, proof=card)
    if refusal:  # counted and audited: the transaction commits
        return {"sign_error": r.t(SIGN_ERRORS[refusal]), "sign_password": ""}
    issue(r.s, r.actor, app_id, version=version, issuer=current_issuer(), paper=action == "issue_paper")
    return {**_shown(r.s, r.t, r.actor, app_id, None, action), "sign_open": False, "sign_password": ""}


register_signing(ids.APPV_SIGN)


@callback(Output(ids.APPV_SIGN.modal, "is_open", allow_duplicate=True), Input(ids.APPV_SIGN.cancel, "n_clicks"),
          prevent_initial_call=True)
def cancel_issue(cancel):
    return False if cancel else no_update


focus_when_invalid(ids.APPV_REASON, ids.APPV_REASON_FOCUS)
