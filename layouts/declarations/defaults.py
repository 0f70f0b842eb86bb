"""默认信息设置 (Jiucheng 3.3.1): the common, exit and entry values new declarations start with."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.declarations.defaults import DEFAULT_FIELDS, INSPECTION_CATEGORIES, SECTIONS, Choice, DefaultField
from layouts.accounts.register import reason_text
from layouts.common import dropdown_labels, label_for, page_header
from layouts.declarations import ids

SECTION_TITLES = {"common": N_("Basic defaults"), "exit": N_("Exit defaults"), "entry": N_("Entry defaults")}
FIELD_LABELS = {
    "common": {
        "contact_name": N_("Contact"), "contact_phone": N_("Contact phone"), "transport_mode": N_("Transport mode"),
        "trade_mode": N_("Trade mode"), "currency": N_("Currency"), "package_type": N_("Package type"),
        "purpose": N_("Purpose"), "storage_place": N_("Storage place of the goods"),
    },
    "exit": {
        "production_unit_reg_no": N_("Production unit registration no."),
        "production_unit": N_("Production unit (Chinese name)"), "departure_port": N_("Port of departure"),
        "category": N_("Exit declaration category"), "district_code": N_("Declaration district"),
        "inspection_place_code": N_("Inspection place"), "port_authority_code": N_("Port authority"),
        "origin_place": N_("Place of origin"), "issue_district_code": N_("Certificate issuing district"),
        "dest_country": N_("Destination country"),
    },
    "entry": {
        "arrival_port": N_("Port of entry"), "category": N_("Entry declaration category"),
        "district_code": N_("Declaration district"), "inspection_place_code": N_("Inspection place"),
        "port_authority_code": N_("Port authority"), "issue_district_code": N_("Certificate issuing district"),
        "origin_country": N_("Country of departure"),
    },
}
DEFAULTS_REASONS = {
    "choose_transport_mode": N_("Choose a transport mode from the list."),
    "choose_trade_mode": N_("Choose a trade mode from the list."),
    "choose_currency": N_("Choose a currency from the list."),
    "choose_package_type": N_("Choose a package type from the list."),
    "choose_country": N_("Choose the country."),
    "choose_district": N_("Choose a customs district from the list."),
    "choose_category": N_("Choose a declaration category from the list."),
    "choose_purpose": N_("Choose a purpose from the list."),
}


def field_id(section: str, name: str) -> dict:
    return {"type": ids.DEFAULTS_FIELD, "section": section, "name": name}


def error_id(section: str, name: str) -> dict:
    return {"type": ids.DEFAULTS_ERROR, "section": section, "name": name}


def reason(t: Translator, code: str) -> str:
    return t(DEFAULTS_REASONS[code]) if code in DEFAULTS_REASONS else reason_text(t, code)


def _options(t: Translator, entries: list[Choice]) -> list[dict]:
    return [{"label": f"{code} {t.pick(zh, en)}", "value": code} for code, zh, en in entries]


def _control(t: Translator, section: str, spec: DefaultField, value: str, choices: dict[str, list[Choice]]):
    if spec.kind == "category":
        return dcc.Dropdown(labels=dropdown_labels(t),
                            id=field_id(section, spec.key), value=value or None, clearable=True,
                            options=_options(t, list(INSPECTION_CATEGORIES[section])), placeholder="")
    if spec.kind in choices:
        return dcc.Dropdown(labels=dropdown_labels(t),
                            id=field_id(section, spec.key), value=value or None, clearable=True, searchable=True,
                            options=_options(t, choices[spec.kind]), placeholder="")
    return dbc.Input(id=field_id(section, spec.key), value=value, maxLength=spec.limit, autoComplete="off",
                     type="tel" if spec.kind == "phone" else "text")


def _cell(label, control, error=None) -> dbc.Col:
    return dbc.Col([label_for(label, control), control, error], md=6, lg=4, className="mb-3")


def section_card(t: Translator, section: str, values: dict[str, str], choices: dict[str, list[Choice]],
                 registration_no: str = "") -> dbc.Card:
    cells = []
    if section == "common":  # the enterprise's own number: shown, never typed here
        cells.append(_cell(t("Inspection registration no."),
                           dbc.Input(id=ids.DEFAULTS_REGISTRATION_NO, value=registration_no, readonly=True,
                                     disabled=True)))
    for spec in DEFAULT_FIELDS[section]:
        cells.append(_cell(t(FIELD_LABELS[section][spec.key]),
                           _control(t, section, spec, values.get(spec.key, ""), choices),
                           html.Div(id=error_id(section, spec.key), className="invalid-feedback d-block")))
    return dbc.Card([
        dbc.CardHeader(t(SECTION_TITLES[section]), className="fw-semibold"),
        dbc.CardBody([
            dbc.Row(cells),
            html.Div(id={"type": ids.DEFAULTS_MESSAGE, "section": section}),
            dbc.Button(t("Save"), id={"type": ids.DEFAULTS_SAVE, "section": section}, color="primary"),
        ]),
    ], className="mb-3")


def defaults_page(t: Translator, values: dict[str, dict[str, str]], choices: dict[str, list[Choice]],
                  registration_no: str) -> html.Div:
    return html.Div([
        page_header(t("Declaration defaults"),
                    t("Values every new declaration of your enterprise starts with; each can be changed on the "
                      "declaration.")),
        *[section_card(t, section, values.get(section, {}), choices, registration_no) for section in SECTIONS],
    ])


def saved_message(t: Translator) -> dbc.Alert:
    return dbc.Alert(t("Defaults saved."), color="success", dismissable=True, className="py-2")


def failed_message(t: Translator) -> dbc.Alert:
    return dbc.Alert(t("Nothing was saved: correct the marked fields."), color="danger", className="py-2")
