"""Enterprise registration page (Hebei single-window manual 2.3): both kinds, contacts, account, scans."""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.accounts.registration import (
    ATTACHMENT_KINDS,
    CONTACT_POSITIONS,
    ENTITY_TYPES,
    REQUIRED_ATTACHMENTS,
    required_fields,
)
from layouts.accounts import ids
from layouts.common import label_for, page_header

ACCEPT = ".jpg,.jpeg,.gif,.bmp,.png,.pdf,image/jpeg,image/gif,image/bmp,image/png,application/pdf"


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # message id
    kind: str = "text"  # text | password | email | tel | textarea
    hint: str | None = None  # message id
    only: str | None = None  # shown for this registration kind only
    max_length: int = 128


BASIC = (
    Field("province", N_("Province")),
    Field("city", N_("City")),
    Field("name_zh", N_("Full name of the enterprise (Chinese)")),
    Field("name_en", N_("English name"), max_length=256),
    Field("short_name", N_("Short Chinese name"), max_length=64),
    Field("address_zh", N_("Address"), max_length=256),
    Field("postcode", N_("Postcode"), max_length=6),
    Field("credit_code", N_("Unified social credit code"), hint=N_("18 characters, as on the licence"),
          only="uscc", max_length=18),
    Field("org_code", N_("Organisation code"), hint=N_("9 characters, e.g. 12345678-9"), only="org_code",
          max_length=10),
    Field("tax_registration_no", N_("Tax registration no."), only="org_code", max_length=32),
    Field("business_registration_no", N_("Business registration no."), only="org_code", max_length=32),
    Field("customs_code", N_("Customs enterprise code"), hint=N_("Required if the enterprise has one"),
          max_length=10),
    Field("ciq_code", N_("Inspection and quarantine enterprise code"), hint=N_("Required if the enterprise has one"),
          max_length=10),
    Field("eport_card_no", N_("China E-Port card no. (legal person card)"), max_length=32),
    Field("bank", N_("Bank")),
    Field("bank_account", N_("Bank account"), max_length=64),
    Field("registered_capital", N_("Registered capital"), max_length=64),
    Field("foreign_trade_code", N_("Foreign trade enterprise code"), max_length=32),
    Field("border_code", N_("Border inspection enterprise code"), max_length=32),
    Field("port_code", N_("Port authority enterprise code"), max_length=32),
    Field("forex_code", N_("Foreign exchange enterprise code"), max_length=32),
    Field("enterprise_kind", N_("Enterprise type"), max_length=64),
    Field("business_scope", N_("Business scope"), kind="textarea", max_length=1000),
)
ACCOUNT = (
    Field("account", N_("Platform account"), hint=N_("6 to 12 letters, digits or _; not case-sensitive"),
          max_length=12),
    Field("real_name", N_("Real name"), max_length=64),
    Field("password", N_("Password"), kind="password",
          hint=N_("At least 8 characters with letters and digits, not containing the account"), max_length=64),
    Field("password_confirm", N_("Confirm password"), kind="password", max_length=64),
    Field("email", N_("E-mail"), kind="email", hint=N_("The review result is sent to this address")),
    Field("fax", N_("Fax"), kind="tel", max_length=32),
    Field("phone", N_("Telephone"), kind="tel", max_length=32),
    Field("mobile", N_("Mobile phone"), kind="tel", max_length=32),
    Field("customs_declarant_no", N_("Customs declarant no."), max_length=32),
    Field("inspection_declarant_no", N_("Inspection declarant no."), max_length=32),
    Field("job_title", N_("Position"), max_length=64),
)
CONTACT_COLUMNS = (
    ("name", N_("Name")), ("id_type", N_("ID type")), ("id_number", N_("ID number")), ("phone", N_("Telephone")),
    ("fax", N_("Fax")), ("mobile", N_("Mobile phone")), ("email", N_("E-mail")),
)
POSITION_LABELS = {"legal_representative": N_("Legal representative"), "general_manager": N_("General manager"),
                   "finance": N_("Finance contact")}
ID_TYPE_LABELS = {"id_card": N_("Resident identity card"), "passport": N_("Passport"), "other": N_("Other")}
ENTITY_LABELS = {"forwarder": N_("Freight forwarder"), "ship_agent": N_("Shipping agent"),
                 "broker": N_("Customs broker"), "owner": N_("Cargo owner")}
ATTACHMENT_LABELS = {
    "credit_certificate": N_("Unified social credit code certificate"),
    "business_licence": N_("Business licence"),
    "org_code_certificate": N_("Organisation code certificate"),
    "customs_registration": N_("Customs registration certificate"),
    "inspection_registration": N_("Inspection registration certificate"),
    "other": N_("Other documents"),
}
REASONS = {
    "too_many_registrations": N_("Too many registrations from this computer. Please try again in an hour."),
    "required": N_("This field is required."),
    "too_long": N_("This is too long."),
    "choose_kind": N_("Choose the kind of registration."),
    "credit_length": N_("A unified social credit code has 18 characters."),
    "credit_characters": N_("Only digits and capital letters except I, O, S, V and Z are allowed."),
    "credit_division": N_("Characters 3 to 8 must be the 6-digit administrative division code."),
    "credit_check": N_("The check character (the last one) does not match: please check the code."),
    "credit_org_check": N_("The organisation code inside the credit code (characters 9 to 17) is not valid."),
    "credit_registered": N_("This credit code is already registered."),
    "org_format": N_("An organisation code is 8 digits or capital letters, a hyphen and a check character."),
    "org_check": N_("The check character of the organisation code does not match: please check the code."),
    "org_registered": N_("This organisation code is already registered."),
    "postcode_format": N_("A postcode has 6 digits."),
    "ten_characters": N_("This code has 10 digits or capital letters."),
    "choose_entity_type": N_("Choose at least one entity type."),
    "account_format": N_("6 to 12 letters, digits or _."),
    "account_taken": N_("This account name is taken; choose another."),
    "password_short": N_("At least 8 characters."),
    "password_long": N_("At most 64 characters."),
    "password_classes": N_("Use both letters and digits."),
    "password_has_account": N_("The password must not contain the account name."),
    "password_mismatch": N_("The two passwords differ."),
    "email_format": N_("This is not an e-mail address."),
    "phone_format": N_("Digits, spaces, +, - and brackets only."),
    "choose_id_type": N_("Choose the ID type."),
    "id_card_format": N_("An identity card number has 17 digits and a digit or X."),
    "id_card_check": N_("The last character of the identity card number does not match."),
    "attachment_required": N_("Attach a scan of this document."),
    "bad_attachment_kind": N_("Unknown kind of document."),
    "file_empty": N_("The file is empty."),
    "file_too_large": N_("The file is larger than 10 MB."),
    "file_bad_type": N_("Only JPG, GIF, BMP, PNG or PDF files are accepted (checked by content, not by name)."),
    "file_unreadable": N_("The file could not be read; please attach it again."),
}


def field_id(name: str) -> dict:
    return {"type": ids.REG_FIELD, "name": name}


def error_id(name: str) -> dict:
    return {"type": ids.REG_ERROR, "name": name}


def error_names() -> list[str]:
    """Every name that can carry an error message, in page order."""
    names = ["kind"] + [f.name for f in BASIC] + ["entity_types"]
    names += [f"contacts.{p}.{c}" for p in CONTACT_POSITIONS for c, _ in CONTACT_COLUMNS]
    names += [f.name for f in ACCOUNT] + [f"attachment.{k}" for k in ATTACHMENT_KINDS]
    return names


UNKNOWN_REASON = N_("This value is not accepted.")


def reason_text(t: Translator, code: str) -> str:
    return t(REASONS.get(code, UNKNOWN_REASON))


def _input(t: Translator, f: Field, required: bool) -> dbc.Col:
    label = [t(f.label), html.Span(" *", className="text-danger") if required else None]
    if f.kind == "textarea":
        control = dbc.Textarea(id=field_id(f.name), maxLength=f.max_length, rows=2)
    else:
        control = dbc.Input(id=field_id(f.name), type=f.kind, maxLength=f.max_length,
                            autoComplete="new-password" if f.kind == "password" else "off")
    return dbc.Col(
        [
            label_for(label, control),
            control,
            dbc.FormText(t(f.hint)) if f.hint else None,
            html.Div(id=error_id(f.name), className="invalid-feedback d-block"),
        ],
        md=6 if f.kind != "textarea" else 12,
        className="mb-3",
        id={"type": ids.REG_ONLY, "name": f.name, "only": f.only or "all"},
    )


def _section(title: str, children) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(title, className="fw-semibold"), dbc.CardBody(children)], className="mb-3")


def _contacts(t: Translator) -> html.Div:
    header = html.Tr([html.Th(t("Position"))] + [html.Th(t(label)) for _, label in CONTACT_COLUMNS])
    rows = []
    for position in CONTACT_POSITIONS:
        cells = [html.Td(t(POSITION_LABELS[position]), className="text-nowrap")]
        for column, label in CONTACT_COLUMNS:
            name = f"contacts.{position}.{column}"
            if column == "id_type":
                control = dbc.Select(id=field_id(name), value="id_card", size="sm",
                                     options=[{"label": t(v), "value": k} for k, v in ID_TYPE_LABELS.items()])
            else:
                control = dbc.Input(id=field_id(name), size="sm", maxLength=128,
                                    type="email" if column == "email" else "text")
            cells.append(html.Td([label_for(f"{t(POSITION_LABELS[position])} {t(label)}", control,
                                            className="visually-hidden"),
                                  control, html.Div(id=error_id(name), className="invalid-feedback d-block")]))
        rows.append(html.Tr(cells))
    return html.Div(dbc.Table([html.Thead(header), html.Tbody(rows)], bordered=True, size="sm"),
                    className="table-responsive")


def _attachments(t: Translator, size_messages: dict) -> html.Div:
    items = []
    for kind in ATTACHMENT_KINDS:
        required_for = [k for k, names in REQUIRED_ATTACHMENTS.items() if kind in names]
        items.append(dbc.Row(
            [
                dbc.Col([t(ATTACHMENT_LABELS[kind]),
                         html.Span(" *", className="text-danger") if required_for else None],
                        md=4, className="pt-2"),
                dbc.Col(dcc.Upload(
                    dbc.Button(t("Attach file"), color="secondary", outline=True, size="sm"),
                    id={"type": ids.REG_UPLOAD, "name": kind}, accept=ACCEPT, multiple=False,
                ), md=2),
                dbc.Col([html.Div(id={"type": ids.REG_UPLOAD_STATUS, "name": kind}, className="pt-2 small"),
                         html.Div(id=error_id(f"attachment.{kind}"), className="invalid-feedback d-block")], md=6),
            ],
            className="mb-2",
            id={"type": ids.REG_ONLY, "name": f"attachment.{kind}",
                "only": required_for[0] if len(required_for) == 1 and kind != "other" else "all"},
        ))
    note = html.P(t("Scans of the originals: JPG, GIF, BMP, PNG or PDF, at most 10 MB each."),
                  className="text-muted small")
    return html.Div([note, *items, dcc.Store(id=ids.REG_UPLOAD_MESSAGES, data=size_messages)])


def registration_page(t: Translator) -> html.Div:
    required_uscc = set(required_fields("uscc"))
    required_org = set(required_fields("org_code"))

    def is_required(f: Field) -> bool:
        return f.name in (required_uscc if f.only == "uscc" else required_org if f.only == "org_code"
                          else required_uscc & required_org)

    kind = dbc.RadioItems(
        id=field_id("kind"), value="uscc", inline=True,
        options=[{"label": t("Enterprise with a unified social credit code (三证合一)"), "value": "uscc"},
                 {"label": t("Enterprise without a unified social credit code"), "value": "org_code"}],
    )
    entity = dbc.Checklist(id=field_id("entity_types"), inline=True, value=[],
                           options=[{"label": t(ENTITY_LABELS[k]), "value": k} for k in ENTITY_TYPES])
    basic = dbc.Row([_input(t, f, is_required(f)) for f in BASIC] + [
        dbc.Col([dbc.Label([t("Entity type"), html.Span(" *", className="text-danger")]), entity,
                 html.Div(id=error_id("entity_types"), className="invalid-feedback d-block")], md=12)])
    account = dbc.Row([_input(t, f, f.name in required_uscc) for f in ACCOUNT])
    size_messages = {"too_large": reason_text(t, "file_too_large"), "bad_type": reason_text(t, "file_bad_type"),
                     "empty": reason_text(t, "file_empty"), "ok": t("attached")}
    form = html.Div(
        [
            _section(t("Kind of registration"), [kind, html.Div(id=error_id("kind"),
                                                                className="invalid-feedback d-block")]),
            _section(t("Basic information"), basic),
            _section(t("Contacts"), _contacts(t)),
            _section(t("Administrator account"), account),
            _section(t("Registration documents"), _attachments(t, size_messages)),
            html.Div(id=ids.REG_SUMMARY, className="mb-2"),
            dbc.Button(t("Submit registration"), id=ids.REG_SUBMIT, color="primary", size="lg"),
            html.Span(t("Fields marked * are required."), className="text-muted small ms-3"),
        ],
        id=ids.REG_FORM,
    )
    return html.Div(
        [
            page_header(t("Enterprise registration"),
                        t("Registrations are reviewed within 2 working days; the result is sent by e-mail.")),
            form,
            html.Div(id=ids.REG_RESULT),
        ],
        style={"maxWidth": "70rem"},
    )


def submitted_panel(t: Translator, enterprise_name: str, account: str) -> dbc.Alert:
    return dbc.Alert(
        [
            html.H4(t("Registration submitted"), className="alert-heading"),
            html.P(t("{name}: your registration is waiting for review.", name=enterprise_name)),
            html.P(t("Account: {account}. You can sign in once the registration is approved; the result is sent "
                     "to your e-mail within 2 working days.", account=account)),
            dbc.Button(t("Go to sign-in"), href="/login", color="success", external_link=True),
        ],
        color="success",
        id=ids.REG_SUCCESS,
    )


def summary_alert(t: Translator, count: int) -> dbc.Alert:
    return dbc.Alert(t("{n} fields need attention; see the messages next to them.", n=count), color="danger")
