"""What the user, role and district pages share: which action was clicked, opening a tree node, the reply
to a refused form or action."""
from __future__ import annotations

from typing import Callable

from dash import ctx, no_update

from auth.session import current_actor, request_translator
from dashboard.core.i18n import Translator
from dashboard.runtime.store import session_scope
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


def open_node(panel: PanelFn, tree: PanelFn, not_found: str):
    """Answer a click on a tree node or on New: the node's panel, its key, the tree marking it, a message."""
    trigger = ctx.triggered_id
    if trigger is None or not ctx.triggered[0]["value"]:
        return no_update, no_update, no_update, no_update  # the tree was redrawn, nobody clicked
    key = trigger["code"] if isinstance(trigger, dict) else None
    t = request_translator()
    actor = current_actor()
    with session_scope() as s:
        try:
            return panel(s, t, actor, key), key, tree(s, t, actor, key), None
        except NotFound:
            return panel(s, t, actor, None), None, tree(s, t, actor, None), failed(t(not_found))
