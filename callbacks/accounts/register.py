"""Registration page glue: kind switch, in-browser file check, submit to the registration service."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx
from flask import request

from auth.guard import PUBLIC
from callbacks.inputs import as_text
from callbacks.page import PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.mail import deliver_in_background
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


def _invalid(t: Translator, exc: Exception, **_inputs) -> dict:
    """Each field's reason next to it, and how many there are at the top; nothing was written."""
    errors = exc.errors if isinstance(exc, RegistrationInvalid) else {}
    if errors.get("registration"):  # not a field's problem: this client has registered enough for now
        return {"summary": dbc.Alert(reason_text(t, errors["registration"]), color="danger")}
    return {"errors": [reason_text(t, errors[item["id"]["name"]]) if item["id"]["name"] in errors else ""
                       for item in wildcard_outputs("errors")], "summary": summary_alert(t, len(errors))}


@page_callback(
    output={"errors": Output({"type": ids.REG_ERROR, "name": ALL}, "children"),
            "summary": Output(ids.REG_SUMMARY, "children"), "result": Output(ids.REG_RESULT, "children"),
            "form_style": Output(ids.REG_FORM, "style")},
    inputs={"clicks": Input(ids.REG_SUBMIT, "n_clicks"), "values": State({"type": ids.REG_FIELD, "name": ALL}, "value"),
            "contents": State({"type": ids.REG_UPLOAD, "name": ALL}, "contents"),
            "filenames": State({"type": ids.REG_UPLOAD, "name": ALL}, "filename")},
    refused=_invalid, refuses=(RegistrationInvalid,), prevent_initial_call=True,
)
def submit(r: PageRequest, clicks, values, contents, filenames):
    uploads = {item["id"]["name"]: (item.get("value"), name.get("value"))
               for item, name in zip(wildcard("contents"), wildcard("filenames"))}
    form, upload_errors = parse_form({item["id"]["name"]: item.get("value") for item in wildcard("values")}, uploads)
    errors = {**validate_registration(r.s, form), **upload_errors}
    if errors:
        raise RegistrationInvalid(errors)
    enterprise = submit_registration(r.s, form, remote_addr=request.remote_addr)
    r.after_commit(deliver_in_background)
    return {"errors": [""] * len(wildcard_outputs("errors")), "summary": "",
            "result": submitted_panel(r.t, enterprise.name_zh, form.value("account").lower()), "form_style": HIDDEN}


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
