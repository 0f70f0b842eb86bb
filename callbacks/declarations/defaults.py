"""Declaration defaults glue: show the three sections, save one section at a time."""
from __future__ import annotations

from dash import ALL, MATCH, Input, Output, State, ctx, no_update

from auth.permissions import Perm
from callbacks.inputs import as_text
from callbacks.page import MENU_SETTINGS, PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.declarations.defaults import (
    SECTIONS,
    DefaultsInvalid,
    choices,
    registration_no,
    save_defaults,
    section_values,
)
from layouts.declarations import ids
from layouts.declarations.defaults import defaults_page, failed_message, reason, saved_message


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        values = {section: section_values(s, actor, section) for section in SECTIONS}
        return defaults_page(t, values, choices(s, actor), registration_no(s, actor))


PAGE = PageSpec(
    "defaults", "/enterprise/defaults", N_("Declaration defaults"), Perm.DECLARATION_EDIT, ids.DEFAULTS, render,
    menu_group=MENU_SETTINGS, order=100)


def _not_saved(t: Translator, exc: Exception, **_inputs) -> dict:
    errors = exc.errors if isinstance(exc, DefaultsInvalid) else {}
    return {"errors": [reason(t, errors[item["id"]["name"]]) if item["id"]["name"] in errors else ""
                       for item in wildcard_outputs("errors")], "message": failed_message(t)}


@page_callback(
    output={"errors": Output({"type": ids.DEFAULTS_ERROR, "section": MATCH, "name": ALL}, "children"),
            "message": Output({"type": ids.DEFAULTS_MESSAGE, "section": MATCH}, "children")},
    inputs={"save": Input({"type": ids.DEFAULTS_SAVE, "section": MATCH}, "n_clicks"),
            "values": State({"type": ids.DEFAULTS_FIELD, "section": MATCH, "name": ALL}, "value")},
    refused=_not_saved, refuses=(DefaultsInvalid,), prevent_initial_call=True,
)
def save_section(r: PageRequest, save, values):
    section = ctx.triggered_id.get("section") if isinstance(ctx.triggered_id, dict) else None
    if section not in SECTIONS:
        return no_update
    save_defaults(r.s, r.actor, section, {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("values")})
    return {"errors": [""] * len(wildcard_outputs("errors")), "message": saved_message(r.t)}
