"""字典管理 (Liaoning 5.2.5): pick a dictionary, search its entries, add, edit, retire, reactivate, delete."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.admin.dictionaries import ADMIN_DICTIONARIES, CERTIFICATE_TYPE, EXTRA_FIELDS, NAME_LIMITS, EntryRow
from data.core.paging import Page
from layouts.admin import ids
from layouts.admin.common import picking_grid, toolbar
from layouts.common import dropdown_labels, label_for, page_header
from layouts.reference.lookup import DICTIONARY_LABELS

STATUS_LABELS = {"all": N_("All entries"), "active": N_("Active entries"), "retired": N_("Retired entries")}
FORM_LABELS = {
    "code": N_("Code"),
    "name_zh": N_("Name (Chinese)"),
    "name_en": N_("Name (English)"),
    "sort": N_("Sort order"),
    "alpha_3": N_("ISO 3166 alpha-3 code"),
    "numeric": N_("Numeric code"),
    "kind": N_("Kind of unit"),
    "rec20": N_("UNECE Rec. 20 code"),
    "direction": N_("Declarations it goes with"),
    "unit1": N_("First legal unit"),
    "unit2": N_("Second legal unit"),
    "cert_types": N_("Certificates these goods need"),
    "category": N_("Inspection category"),
    "bilingual": N_("Printed in Chinese and English"),
    "hub_exchange": N_("Certificates sent through the ePhyto Hub"),
}
CHOICE_LABELS = {
    "kind": {"quantity": N_("Quantity"), "weight": N_("Weight"), "length": N_("Length"), "area": N_("Area"),
             "volume": N_("Volume"), "other": N_("Other")},
    "direction": {"exit": N_("Exit"), "entry": N_("Entry")},
    "category": {"exit": N_("Exit inspection"), "packaging": N_("Packaging inspection")},
    "hub_exchange": {"phyto": N_("Phytosanitary certificates"), "all": N_("Every SPS certificate")},
}
FORM_HINTS = {
    "code": N_("Fixed once added: records store it."),
    "sort": N_("Lists offer entries by this number, then by code."),
}
PAGE_SIZE = 25


def field_id(name: str) -> dict:
    return {"type": ids.ADICT_FIELD, "name": name}


def error_id(name: str) -> dict:
    return {"type": ids.ADICT_ERROR, "name": name}


def dictionaries_page(t: Translator) -> html.Div:
    columns = [
        {"headerName": t("Code"), "field": "code", "maxWidth": 150},
        {"headerName": t("Name (Chinese)"), "field": "name_zh"},
        {"headerName": t("Name (English)"), "field": "name_en"},
        {"headerName": t("Attributes"), "field": "attributes"},
        {"headerName": t("Sort order"), "field": "sort", "maxWidth": 110},
        {"headerName": t("Status"), "field": "status", "maxWidth": 110},
    ]
    grid = picking_grid(t, ids.ADICT_TABLE, ids.ADICT_PAGER, columns, "code")
    buttons = toolbar(t, [(ids.ADICT_NEW, t("New"), "primary"), (ids.ADICT_EDIT, t("Edit"), "secondary"),
                          (ids.ADICT_RETIRE, t("Retire"), "secondary"),
                          (ids.ADICT_REACTIVATE, t("Reactivate"), "secondary")],
                      ids.ADICT_DELETE, t("Delete the selected entry? Only entries no record uses can be deleted."))
    return html.Div([
        page_header(t("Dictionaries"), t("Codes offered in declarations, applications and certificates. Entries "
                                         "in use cannot be deleted, only retired: retired entries are no longer "
                                         "offered for new records and keep their names on old ones."), buttons),
        html.Div(id=ids.ADICT_MESSAGE),
        dbc.Row([
            dbc.Col([label_for(t("Dictionary"), ids.ADICT_NAME, className="visually-hidden"),
                     dbc.Select(id=ids.ADICT_NAME, value=ADMIN_DICTIONARIES[0],
                                options=[{"label": t(DICTIONARY_LABELS[n]), "value": n} for n in ADMIN_DICTIONARIES])],
                    md=3),
            dbc.Col(dbc.Input(id=ids.ADICT_SEARCH, type="search", debounce=True, maxLength=64,
                              placeholder=t("Code or name")), md=3),
            dbc.Col([label_for(t("Status"), ids.ADICT_STATUS, className="visually-hidden"),
                     dbc.Select(id=ids.ADICT_STATUS, value="all",
                                options=[{"label": t(label), "value": k} for k, label in STATUS_LABELS.items()])],
                    md=2),
            dbc.Col(html.Div(id=ids.ADICT_TOTAL, className="pt-2 text-muted"), md=2),
        ], className="mb-2 g-2"),
        grid,
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(t("New dictionary entry"), id=ids.ADICT_MODAL_TITLE)),
            dbc.ModalBody(html.Div(id=ids.ADICT_FORM)),
            dbc.ModalFooter(dbc.Button(t("Save"), id=ids.ADICT_SAVE, color="primary")),
        ], id=ids.ADICT_MODAL, is_open=False, size="lg"),
        dcc.Store(id=ids.ADICT_EDITING),
        dcc.Store(id=ids.ADICT_RELOAD, data=0),
    ])


def _attribute_text(t: Translator, key: str, value) -> str:
    if isinstance(value, bool):
        return t("Yes") if value else t("No")
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    label = CHOICE_LABELS.get(key, {}).get(value)
    return t(label) if label else str(value)


def attributes_text(t: Translator, row: EntryRow) -> str:
    parts = [f"{t(FORM_LABELS[spec.key])}: {_attribute_text(t, spec.key, row.extra[spec.key])}"
             for spec in EXTRA_FIELDS.get(row.dictionary, ()) if row.extra.get(spec.key) not in (None, "", [])]
    return "; ".join(parts)


def entry_rows(t: Translator, page: Page[EntryRow]) -> list[dict]:
    return [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "attributes": attributes_text(t, r),
             "sort": r.sort, "status": t("Active") if r.active else t("Retired")} for r in page.rows]


def total_text(t: Translator, page: Page[EntryRow]) -> str:
    return t("{n} entries", n=t.number(page.total))


def _control(t: Translator, name: str, value, *, spec=None, units=(), cert_types=(), limit: int = 256,
             disabled: bool = False):
    if spec is None or spec.kind == "text":
        return dbc.Input(id=field_id(name), value="" if value is None else str(value), maxLength=limit,
                         disabled=disabled, autoComplete="off")
    if spec.kind == "choice":
        options = [{"label": "", "value": ""}] + [{"label": t(CHOICE_LABELS[name][c]), "value": c}
                                                   for c in spec.choices]
        return dbc.Select(id=field_id(name), value=value or "", options=options)
    if spec.kind == "flag":
        return dbc.Switch(id=field_id(name), value=bool(value), label=t(FORM_LABELS[name]))
    if spec.kind == "unit":
        options = [{"label": f"{code} {t.pick(zh, en)}", "value": code} for code, zh, en in units]
        if value and value not in {code for code, _zh, _en in units}:  # retired since: kept, shown by its code
            options.append({"label": str(value), "value": value})
        return dcc.Dropdown(labels=dropdown_labels(t),
                            id=field_id(name), value=value or None, clearable=not spec.required, options=options)
    return dcc.Dropdown(labels=dropdown_labels(t), id=field_id(name), value=list(value or []), multi=True,  # cert_types
                        options=[{"label": f"{code} {t.pick(zh, en)}", "value": code} for code, zh, en in cert_types])


def entry_form(t: Translator, dictionary: str, entry: EntryRow | None, *, units=(), cert_types=()) -> list:
    """The inputs of an entry of this dictionary: code, names, sort and the dictionary's own attributes."""
    zh_limit, en_limit = NAME_LIMITS.get(dictionary, (256, 256))
    values = {"code": entry.code if entry else "", "name_zh": entry.name_zh if entry else "",
              "name_en": entry.name_en if entry else "", "sort": entry.sort if entry else "",
              **(entry.extra if entry else {"bilingual": True} if dictionary == CERTIFICATE_TYPE else {})}
    rows = [("code", None, 10 if dictionary == "hs_code" else 6), ("name_zh", None, zh_limit),
            ("name_en", None, en_limit), ("sort", None, 6)]
    rows += [(spec.key, spec, 64) for spec in EXTRA_FIELDS.get(dictionary, ())]
    cols = []
    for name, spec, limit in rows:
        control = _control(t, name, values.get(name), spec=spec, units=units, cert_types=cert_types, limit=limit,
                           disabled=name == "code" and entry is not None)
        required = name in ("code", "name_zh", "name_en") or (spec is not None and spec.required)
        label = None if spec is not None and spec.kind == "flag" else label_for(
            [t(FORM_LABELS[name]), html.Span(" *", className="text-danger") if required else None], field_id(name))
        cols.append(dbc.Col([label, control, dbc.FormText(t(FORM_HINTS[name])) if name in FORM_HINTS else None,
                             html.Div(id=error_id(name), className="invalid-feedback d-block")],
                            md=12 if spec is not None and spec.kind == "cert_types" else 6, className="mb-3"))
    return [html.Div(t(DICTIONARY_LABELS[dictionary]), className="text-muted mb-2"), dbc.Row(cols)]
