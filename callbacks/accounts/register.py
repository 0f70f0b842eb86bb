"""Registration page glue: kind switch, in-browser file check, submit to the registration service."""
from __future__ import annotations

from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, no_update
from flask import request

from auth.guard import PUBLIC
from auth.session import request_translator
from callbacks.inputs import as_text
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.mail import deliver_in_background
from dashboard.runtime.store import session_scope
from data.accounts.registration import (
    RegistrationInput,
    RegistrationInvalid,
    submit_registration,
    validate_registration,
)
from data.core.files import Upload, UploadProblem, decode_data_url
from data.core.scope import Actor
from layouts.accounts import ids
from layouts.accounts.register import reason_text, registration_page, submitted_panel, summary_alert

HIDDEN = {"display": "none"}


def render(actor: Actor | None, t: Translator, **_query):
    return registration_page(t)


PAGE = PageSpec(
    "register", "/register", N_("Enterprise registration"), PUBLIC, ids.REG, render, in_menu=False,
    anonymous_only=True, order=20)


@callback(
    Output({"type": ids.REG_ONLY, "name": ALL, "only": ALL}, "style"),
    Input({"type": ids.REG_FIELD, "name": "kind"}, "value"),
)
def show_fields_of_kind(kind):
    return [None if item["id"]["only"] in ("all", kind) else HIDDEN for item in ctx.outputs_list]


clientside_callback(
    ClientsideFunction(namespace="certdash", function_name="checkUpload"),
    Output({"type": ids.REG_UPLOAD_STATUS, "name": MATCH}, "children"),
    Output({"type": ids.REG_UPLOAD, "name": MATCH}, "contents"),
    Input({"type": ids.REG_UPLOAD, "name": MATCH}, "contents"),
    State({"type": ids.REG_UPLOAD, "name": MATCH}, "filename"),
    State(ids.REG_UPLOAD_MESSAGES, "data"),
)


@callback(
    Output({"type": ids.REG_ERROR, "name": ALL}, "children"),
    Output(ids.REG_SUMMARY, "children"),
    Output(ids.REG_RESULT, "children"),
    Output(ids.REG_FORM, "style"),
    Input(ids.REG_SUBMIT, "n_clicks"),
    State({"type": ids.REG_FIELD, "name": ALL}, "value"),
    State({"type": ids.REG_UPLOAD, "name": ALL}, "contents"),
    State({"type": ids.REG_UPLOAD, "name": ALL}, "filename"),
    prevent_initial_call=True,
)
def submit(_clicks, values, contents, filenames):
    t = request_translator()
    field_ids = [item["id"]["name"] for item in ctx.states_list[0]]
    upload_ids = [item["id"]["name"] for item in ctx.states_list[1]]
    form, upload_errors = parse_form(dict(zip(field_ids, values)), dict(zip(upload_ids, zip(contents, filenames))))
    try:
        with session_scope() as s:
            errors = {**validate_registration(s, form), **upload_errors}
            if errors:
                raise RegistrationInvalid(errors)
            enterprise = submit_registration(s, form, remote_addr=request.remote_addr)
            name, account = enterprise.name_zh, form.value("account").lower()
    except RegistrationInvalid as exc:
        errors = exc.errors
        messages = [reason_text(t, errors[item["id"]["name"]]) if item["id"]["name"] in errors else ""
                    for item in ctx.outputs_list[0]]
        return messages, summary_alert(t, len(errors)), no_update, no_update
    deliver_in_background()
    return [""] * len(ctx.outputs_list[0]), "", submitted_panel(t, name, account), HIDDEN


def parse_form(values: dict, uploads: dict) -> tuple[RegistrationInput, dict[str, str]]:
    """Turn the page's values into the service's input; unreadable uploads become field errors."""
    form = RegistrationInput(kind=values.get("kind") or "")
    for name, value in values.items():
        if name.startswith("contacts."):
            _, position, column = name.split(".", 2)
            form.contacts.setdefault(position, {})[column] = as_text(value)
        elif name == "entity_types":
            form.entity_types = [v for v in (value or []) if isinstance(v, str)]
        elif name != "kind":
            form.fields[name] = as_text(value)
    errors: dict[str, str] = {}
    for kind, (content, filename) in uploads.items():
        if not content:
            continue
        try:
            form.attachments[kind] = Upload(filename if isinstance(filename, str) else "file",
                                            decode_data_url(content))
        except UploadProblem as exc:
            errors[f"attachment.{kind}"] = f"file_{exc.code}"
    return form, errors
