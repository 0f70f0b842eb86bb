"""What the user, role and district pages share: which action was clicked, opening a tree node, the reply
to a refused form or action."""
from __future__ import annotations

from typing import Callable

from dash import Output, ctx, no_update

from callbacks.page import PageRequest, Refusal, wildcard_outputs
from dashboard.core.i18n import Translator
from data.admin.rules import AdminInvalid, AdminRefused
from data.core.scope import AccessDenied, NotFound
from layouts.admin.texts import failed, field_reason, refusal

ADMIN_ERRORS = (AdminInvalid, AdminRefused, NotFound, AccessDenied)


def clicked_action(save_id: str) -> str | None:
    """Return "save" or the clicked action button's action; None when a redraw, not a click, fired it."""
    trigger = ctx.triggered_id
    if trigger is None or (trigger != save_id and not ctx.triggered[0]["value"]):
        return None
    return "save" if trigger == save_id else str(trigger.get("action", ""))


def error_names(output_position: int) -> list[str]:
    """The field names of the pattern-matching error outputs at this position."""
    return [item["id"]["name"] for item in ctx.outputs_list[output_position]]


def failure(t: Translator, exc: Exception, names: list[str], not_found: str) -> tuple[object, list[str]]:
    """Return the message and the per-field errors telling why a form or an action was refused."""
    if isinstance(exc, AdminInvalid):
        errors = dict(exc.errors)
        if not set(errors) & set(names):  # a reason with no field on the form: say it in the message
            return failed(" ".join(field_reason(t, reason) for reason in errors.values())), [""] * len(names)
        return failed(t("Please correct the marked fields.")), [
            field_reason(t, errors[n]) if n in errors else "" for n in names]
    if isinstance(exc, AdminRefused):
        return refusal(t, exc), [""] * len(names)
    if isinstance(exc, AccessDenied):
        return failed(t("You may not do this.")), [""] * len(names)
    return failed(t(not_found)), [""] * len(names)


PanelFn = Callable[..., object]  # (session, translator, actor, key or None) -> component


def shown_or_new(s, t: Translator, actor, panel: PanelFn, key):
    """Return (panel, key) for a key from the address; an unknown one gives the form of a new item."""
    try:
        return panel(s, t, actor, key or None), key or None
    except NotFound:
        return panel(s, t, actor, None), None


def open_node(r: PageRequest, panel: PanelFn, tree: PanelFn, not_found: str):
    """Answer a click on a tree node or on New: the node's panel, its key, the tree marking it, a message
    (the outputs of `node_outputs`)."""
    trigger = ctx.triggered_id
    if trigger is None or not ctx.triggered[0]["value"]:
        return no_update  # the tree was redrawn, nobody clicked
    key = trigger["code"] if isinstance(trigger, dict) else None
    try:
        return {"panel": panel(r.s, r.t, r.actor, key), "current": key, "tree": tree(r.s, r.t, r.actor, key),
                "message": None}
    except NotFound:
        return {"panel": panel(r.s, r.t, r.actor, None), "current": None, "tree": tree(r.s, r.t, r.actor, None),
                "message": failed(r.t(not_found))}


def node_outputs(panel: str, current: str, tree: str, message: str, *, again: bool = False) -> dict[str, Output]:
    """The outputs of a tree page's panel, current key, tree and message (`again`: a second callback writes them)."""
    return {"panel": Output(panel, "children", allow_duplicate=again),
            "current": Output(current, "data", allow_duplicate=again),
            "tree": Output(tree, "children", allow_duplicate=again),
            "message": Output(message, "children", allow_duplicate=again)}


def admin_refusal(not_found: str) -> Refusal:
    """The answer of an administration page to a refused form or action: a message and each field's reason
    (outputs "message" and "errors", the pattern-matching error slots of the form)."""
    def answer(t: Translator, exc: Exception, **_inputs) -> dict:
        message, errors = failure(t, exc, [item["id"]["name"] for item in wildcard_outputs("errors")], not_found)
        return {"message": message, "errors": errors}
    return answer
