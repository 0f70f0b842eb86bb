"""Declaration defaults glue: show the three sections, save one section at a time."""
from __future__ import annotations

from dash import ALL, MATCH, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import MENU_SETTINGS, PageSpec
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


@callback(
    Output({"type": ids.DEFAULTS_ERROR, "section": MATCH, "name": ALL}, "children"),
    Output({"type": ids.DEFAULTS_MESSAGE, "section": MATCH}, "children"),
    Input({"type": ids.DEFAULTS_SAVE, "section": MATCH}, "n_clicks"),
    State({"type": ids.DEFAULTS_FIELD, "section": MATCH, "name": ALL}, "value"),
    prevent_initial_call=True,
)
def save_section(_n, values):
    t = request_translator()
    section = ctx.triggered_id.get("section") if isinstance(ctx.triggered_id, dict) else None
    error_names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    names = [item["id"]["name"] for item in ctx.states_list[0]]
    typed = {n: as_text(v) for n, v in zip(names, values or [])}
    if section not in SECTIONS:
        return [no_update] * len(error_names), no_update
    try:
        with session_scope() as s:
            save_defaults(s, current_actor(), section, typed)
    except DefaultsInvalid as exc:
        return [reason(t, exc.errors[n]) if n in exc.errors else "" for n in error_names], failed_message(t)
    return [""] * len(error_names), saved_message(t)
