"""The reference-data lookup page: pick a dictionary, search, page through codes and names."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import N_, Translator
from data.core.paging import Page
from data.reference.lookup import LookupRow
from layouts.common import label_for, page_header, paged_grid
from layouts.reference import ids

DICTIONARY_LABELS = {
    "hs_code": N_("HS codes"),
    "country": N_("Countries and regions"),
    "currency": N_("Currencies"),
    "unit": N_("Units of measure"),
    "package_type": N_("Package types (UNECE Rec. 21)"),
    "transport_mode": N_("Transport modes (UNECE Rec. 19)"),
    "trade_mode": N_("Trade modes"),
    "attached_document": N_("Attached document types"),
    "district": N_("Customs districts"),
    "certificate_type": N_("Certificate types"),
}
PAGE_SIZE = 25


def reference_page(t: Translator, names: tuple[str, ...]) -> html.Div:
    columns = [
        {"headerName": t("Code"), "field": "code", "maxWidth": 160},
        {"headerName": t("Chinese name"), "field": "name_zh"},
        {"headerName": t("English name"), "field": "name_en"},
        {"headerName": t("Parent / group"), "field": "parent", "maxWidth": 180},
    ]
    return html.Div(
        [
            page_header(t("Reference data"), t("Codes used in declarations and certificates.")),
            dbc.Row(
                [
                    dbc.Col([label_for(t("Dictionary"), ids.REF_DICTIONARY, className="visually-hidden"),
                             dbc.Select(id=ids.REF_DICTIONARY, value=names[0],
                                        options=[{"label": t(DICTIONARY_LABELS[n]), "value": n} for n in names])],
                            md=4),
                    dbc.Col(dbc.Input(id=ids.REF_SEARCH, type="search", debounce=True, maxLength=64,
                                      placeholder=t("Code or name")), md=5),
                    dbc.Col(html.Div(id=ids.REF_TOTAL, className="pt-2 text-muted"), md=3),
                ],
                className="mb-3 g-2",
            ),
            paged_grid(t, ids.REF_TABLE, ids.REF_PAGER, columns),
        ]
    )


def table_rows(page: Page[LookupRow]) -> list[dict]:
    return [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "parent": r.parent} for r in page.rows]


def total_text(t: Translator, page: Page[LookupRow]) -> str:
    return t("{n} entries", n=t.number(page.total))
