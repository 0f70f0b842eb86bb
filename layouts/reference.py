"""The reference-data lookup page: pick a dictionary, search, page through codes and names."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dash_table, html

from dashboard import ids
from dashboard.i18n import N_, Translator
from data.lookup import LookupPage
from layouts.common import page_header

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
        {"name": t("Code"), "id": "code"},
        {"name": t("Chinese name"), "id": "name_zh"},
        {"name": t("English name"), "id": "name_en"},
        {"name": t("Parent / group"), "id": "parent"},
    ]
    return html.Div(
        [
            page_header(t("Reference data"), t("Codes used in declarations and certificates.")),
            dbc.Row(
                [
                    dbc.Col(dbc.Select(id=ids.REF_DICTIONARY, value=names[0],
                                       options=[{"label": t(DICTIONARY_LABELS[n]), "value": n} for n in names]),
                            md=4),
                    dbc.Col(dbc.Input(id=ids.REF_SEARCH, type="search", debounce=True, maxLength=64,
                                      placeholder=t("Code or name")), md=5),
                    dbc.Col(html.Div(id=ids.REF_TOTAL, className="pt-2 text-muted"), md=3),
                ],
                className="mb-3 g-2",
            ),
            dash_table.DataTable(
                id=ids.REF_TABLE,
                columns=columns,
                data=[],
                page_action="custom",
                page_current=0,
                page_size=PAGE_SIZE,
                page_count=1,
                style_cell={"textAlign": "left", "whiteSpace": "normal", "height": "auto",
                            "fontFamily": "inherit", "fontSize": "0.9rem"},
                style_header={"fontWeight": "600"},
            ),
        ]
    )


def table_rows(page: LookupPage) -> list[dict]:
    return [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "parent": r.parent} for r in page.rows]


def total_text(t: Translator, page: LookupPage) -> str:
    return t("{n} entries", n=t.number(page.total))
