"""Batch issuing glue: the list of approved applications, the job ticket, and the background job that
issues them one by one with a progress bar (cancel stops it; what it issued stays issued)."""
from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_id
from callbacks.page import PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
from callbacks.signing import act_text, by_card, card_access, confirmation, register_signing, waits_for_card
from dashboard.core.i18n import N_, Translator, translator
from dashboard.jobs import JobRefused, job_scope, job_ticket
from dashboard.runtime.certificates import current_issuer
from dashboard.runtime.store import session_scope
from data.certificates.issuing import MAX_BATCH, all_issuable, batch_act, issuable_applications, issue_batch
from data.core.scope import Actor
from layouts.certificates import ids
from layouts.certificates.issue import (
    PAGE_SIZE,
    batch_result,
    batch_summary,
    issuable_rows,
    issue_page,
    nothing_selected,
    progress_label,
    total_text,
)
from layouts.common import SIGN_ERRORS

JOB_PURPOSE = "certificate.batch_issue"


def render_issue(_actor: Actor, t: Translator, **_query):
    return issue_page(t, card_access())


PAGE = PageSpec(
    "certificate_issue", "/certificates/issue", N_("Issue certificates"), Perm.CERTIFICATE_SIGN, ids.CERTI,
    render_issue, order=180)


@page_callback(
    output=paged_list_outputs(ids.CERTI_TABLE, ids.CERTI_PAGER, ids.CERTI_TOTAL),
    inputs={"active_page": Input(ids.CERTI_PAGER, "active_page"), "done": Input(ids.CERTI_DONE, "data"),
            "cancelled": Input(ids.CERTI_CANCEL, "n_clicks")},  # a stopped job keeps what it issued: show what is left
)
def show_list(r: PageRequest, active_page, done, cancelled):
    page_index = (active_page or 1) - 1 if ctx.triggered_id == ids.CERTI_PAGER else 0
    page = issuable_applications(r.s, r.actor, page_index, PAGE_SIZE)
    return paged_list(issuable_rows(r.t, page), page, total_text(r.t, page.total))


@callback(
    Output(ids.CERTI_SIGN.modal, "is_open"),
    Output(ids.CERTI_SIGN.summary, "children"),
    Output(ids.CERTI_SIGN.pending, "data"),
    Output(ids.CERTI_MESSAGE, "children"),
    Output(ids.CERTI_SIGN.error, "children"),
    Input(ids.CERTI_SIGN_SELECTED, "n_clicks"),
    Input(ids.CERTI_SIGN_ALL, "n_clicks"),
    State(ids.CERTI_TABLE, "selectedRows"),
    State(ids.CERTI_METHOD, "value"),
    prevent_initial_call=True,
)
def ask(selected_clicks, all_clicks, selected, method):
    """Name what will be issued (the rows picked, id and version seen, or all) and ask for the signer's password."""
    if not (selected_clicks or all_clicks):
        return no_update, no_update, no_update, no_update, no_update
    t, actor = request_translator(), current_actor()
    paper = method == "paper"
    if ctx.triggered_id == ids.CERTI_SIGN_SELECTED:
        targets = [[row["id"], row["version"]] for row in (selected or [])[:MAX_BATCH]
                   if isinstance(row, dict) and as_id(row.get("id")) and as_id(row.get("version"))]
        if not targets:
            return False, no_update, None, nothing_selected(t), ""
        pending = {"targets": targets, "paper": paper, "what": act_text(batch_act(targets, paper))}
        return True, batch_summary(t, len(targets), paper, False), pending, None, ""
    with session_scope() as s:
        count = len(all_issuable(s, actor)) if actor is not None else 0
    pending = {"targets": None, "paper": paper, "what": act_text(batch_act(None, paper))}
    return True, batch_summary(t, count, paper, True), pending, None, ""


@callback(
    Output(ids.CERTI_JOB, "data"),
    Output(ids.CERTI_SIGN.modal, "is_open", allow_duplicate=True),
    Output(ids.CERTI_SIGN.error, "children", allow_duplicate=True),
    Output(ids.CERTI_SIGN.password, "value"),
    Input(ids.CERTI_SIGN.confirm, "n_clicks"),
    Input(ids.CERTI_SIGN.card, "data"),
    State(ids.CERTI_SIGN.password, "value"),
    State(ids.CERTI_SIGN.method, "value"),
    State(ids.CERTI_SIGN.pending, "data"),
    prevent_initial_call=True,
)
def start(confirm, card, password, method, pending):
    """The signer confirmed with their password or IC card: hand the job a signed ticket naming what to issue."""
    actor = current_actor()
    with_card = by_card(ctx.triggered_prop_ids, ids.CERTI_SIGN)
    if not (confirm or card) or not isinstance(pending, dict) or actor is None or waits_for_card(with_card, method):
        return no_update, no_update, no_update, no_update
    targets = pending.get("targets")
    if targets is not None:  # the rows picked: never "all" because a forged list came out empty
        picked = targets if isinstance(targets, list) else []
        targets = [[as_id(a), as_id(v)] for a, v in (x for x in picked if isinstance(x, list) and len(x) == 2)
                   if as_id(a) and as_id(v)][:MAX_BATCH]
        if not targets:
            return no_update, False, "", ""
    act = batch_act(targets, bool(pending.get("paper")))
    with session_scope() as s:  # committed either way: a failed confirmation is counted and audited
        refusal = confirmation(s, actor, act, card=with_card, password=password, proof=card)
    if refusal:
        return no_update, True, request_translator()(SIGN_ERRORS[refusal]), ""
    payload = {"targets": targets, "paper": bool(pending.get("paper"))}
    return job_ticket(actor, JOB_PURPOSE, payload), False, "", ""


register_signing(ids.CERTI_SIGN)


@callback(Output(ids.CERTI_SIGN.modal, "is_open", allow_duplicate=True), Input(ids.CERTI_SIGN.cancel, "n_clicks"),
          prevent_initial_call=True)
def cancel_signing(cancel):
    return False if cancel else no_update


@callback(
    Output(ids.CERTI_RESULT, "children"),
    Output(ids.CERTI_DONE, "data"),
    Input(ids.CERTI_JOB, "data"),
    State(ids.CERTI_DONE, "data"),
    background=True,
    progress=[Output(ids.CERTI_PROGRESS, "value"), Output(ids.CERTI_PROGRESS, "label")],
    running=[
        (Output(ids.CERTI_SIGN_SELECTED, "disabled"), True, False),
        (Output(ids.CERTI_CANCEL, "disabled"), False, True),
    ],
    cancel=[Input(ids.CERTI_CANCEL, "n_clicks")],
    prevent_initial_call=True,
)
def run_batch(set_progress, ticket, done):
    """Issue what the ticket names, in a job process with the requesting officer's scope."""
    if not ticket:
        return no_update, no_update
    try:
        with job_scope(ticket, JOB_PURPOSE) as (s, actor, payload):
            t = translator(actor.language)
            issuer = current_issuer()
            targets = payload.get("targets") or all_issuable(s, actor)

            def report(finished: int, total: int) -> None:
                set_progress((round(100 * finished / max(total, 1)), progress_label(t, finished, total)))

            set_progress((0, progress_label(t, 0, len(targets))))
            result = issue_batch(s, actor, targets, issuer=issuer, paper=bool(payload.get("paper")),
                                 progress=report)
    except JobRefused:
        return batch_result(translator("zh"), None, refused=True), (done or 0) + 1
    return batch_result(t, result), (done or 0) + 1

