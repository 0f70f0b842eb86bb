"""证书查询 (Liaoning 5.9.2): the filter panel and a grid paged and sorted by the server."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.core.labels import CERT_STATUS_LABELS
from data.statistics.certificate_filters import (
    CERT_STATUSES,
    DATE_RANGES,
    REVIEW_STATUSES,
    SORTS,
    CertificateQuery,
    Count,
    QueryRow,
)
from data.statistics.certificate_query import FilterOptions
from layouts.applications.listing import ENTRY_LABELS
from layouts.certificates.view import SIGNING_LABELS
from layouts.common import APP_STATUS_LABELS, date_range, dropdown_labels, grid_locale, page_header
from layouts.statistics import ids

PAGE_SIZE = 25
# filter field -> label (also names the field in error messages)
FIELD_LABELS = {
    "inspection_no": N_("Inspection no."), "declared_district": N_("Declared district"),
    "district": N_("Issuing district"), "certificate_no": N_("Certificate no."), "cert_type": N_("Certificate type"),
    "review_statuses": N_("Review status"), "production_unit": N_("Production unit"),
    "dest_country": N_("Destination country/region"), "reviewer": N_("Reviewer"), "entry_method": N_("Entry method"),
    "signing_method": N_("Signing method"), "cert_status": N_("Certificate status"), "currency": N_("Currency"),
}
RANGE_LABELS = {"declared": N_("Declaration time"), "reviewed": N_("Review time"), "issued": N_("Issue date"),
                "received": N_("Received date")}
PROBLEMS = {
    "bad_date": N_("{field}: not a date; use YYYY-MM-DD."),
    "date_order": N_("{field}: the start is after the end."),
    "unknown": N_("{field}: no such code."),
    "format": N_("{field}: not in the expected form."),
    "too_long": N_("{field}: too long."),
}
TEXT_FIELDS = ("inspection_no", "certificate_no", "production_unit", "reviewer")
MAX_LENGTHS = {"inspection_no": 15, "certificate_no": 32, "production_unit": 128, "reviewer": 64}


def field_id(name: str) -> dict:
    return {"type": ids.CERTQ_FIELD, "name": name}


def range_id(name: str) -> dict:
    return {"type": ids.CERTQ_RANGE, "name": name}


def query_page(t: Translator, options: FilterOptions, q: CertificateQuery, sort: str, descending: bool,
               query_data: dict | None, message=None, count: Count | None = None) -> html.Div:
    """The whole page, its filters set from `q` (the URL's); `query_data` is what the grid reads."""
    return html.Div([
        page_header(t("Certificate query"),
                    t("Certificates issued and applications not yet issued, in the districts you may see. "
                      "Click a certificate no. to open the certificate.")),
        filter_panel(t, options, q),
        html.Div(message, id=ids.CERTQ_MESSAGE, className="mt-2"),
        html.Div(id=ids.CERTQ_NOTICE),
        html.Div([
            html.Span(count_text(t, count), id=ids.CERTQ_COUNT, className="text-muted me-3"),
            dbc.Button(t("Count exactly"), id=ids.CERTQ_EXACT, color="link", size="sm", className="p-0"),
        ], className="d-flex align-items-center my-2"),
        result_grid(t, sort, descending),
        dcc.Store(id=ids.CERTQ_QUERY, data=query_data),
        dcc.Store(id=ids.CERTQ_CURSORS),
        dcc.Store(id=ids.CERTQ_REFRESHED),
    ])


def filter_panel(t: Translator, options: FilterOptions, q: CertificateQuery) -> dbc.Card:
    known = {d.code for d in options.districts}
    indent = "\u3000"  # a 隶属海关 under its 直属海关
    districts = [{"label": f"{indent if d.parent in known else ''}[{d.code}] {t.pick(d.name_zh, d.name_en)}",
                  "value": d.code} for d in options.districts]

    def coded(items) -> list[dict]:
        return [{"label": f"[{o.code}] {t.pick(o.name_zh, o.name_en)}", "value": o.code} for o in items]

    def labelled(labels: dict, codes=None) -> list[dict]:
        return [{"label": t(labels[c]), "value": c} for c in (codes or labels)]

    def text(name: str):
        return dbc.Input(id=field_id(name), value=getattr(q, name) or None, maxLength=MAX_LENGTHS[name],
                         placeholder=t(FIELD_LABELS[name]), type="text")

    def choice(name: str, items: list[dict], multi: bool = False):
        value = list(getattr(q, name)) if multi else getattr(q, name) or None
        return dcc.Dropdown(labels=dropdown_labels(t),
                            id=field_id(name), options=items, value=value, multi=multi, clearable=True,
                            placeholder=t(FIELD_LABELS[name]))

    def labelled_col(label: str, control, md: int = 3):
        return dbc.Col([html.Small(label, className="text-muted d-block"), control], md=md)

    def dates(name: str):
        start, end = DATE_RANGES[name]
        return labelled_col(t(RANGE_LABELS[name]), date_range(t, range_id(name), _iso(getattr(q, start)),
                                                              _iso(getattr(q, end))))

    return dbc.Card(dbc.CardBody([
        dbc.Row([
            labelled_col(t("Inspection no."), text("inspection_no")),
            labelled_col(t("Declared district"), choice("declared_district", districts)),
            labelled_col(t("Certificate type"), choice("cert_type", coded(options.cert_types))),
            labelled_col(t("Review status"), choice("review_statuses", labelled(APP_STATUS_LABELS, REVIEW_STATUSES),
                                                    multi=True)),
        ], className="g-2 mb-2"),
        dbc.Row([
            labelled_col(t("Production unit"), text("production_unit")),
            labelled_col(t("Destination country/region"), choice("dest_country", coded(options.countries))),
            labelled_col(t("Reviewer"), text("reviewer")),
            labelled_col(t("Entry method"), choice("entry_method", labelled(ENTRY_LABELS))),
        ], className="g-2 mb-2"),
        dbc.Row([dates("declared"), dates("reviewed"), dates("issued"), dates("received")], className="g-2 mb-2"),
        html.Div(t("Certificates only"), className="small fw-semibold text-muted mt-2"),
        dbc.Row([
            labelled_col(t("Certificate no."), text("certificate_no")),
            labelled_col(t("Issuing district"), choice("district", districts)),
            labelled_col(t("Signing method"), choice("signing_method", labelled(SIGNING_LABELS)), md=2),
            labelled_col(t("Certificate status"), choice("cert_status", labelled(CERT_STATUS_LABELS, CERT_STATUSES)),
                         md=2),
            labelled_col(t("Currency"), choice("currency", coded(options.currencies)), md=2),
        ], className="g-2 mb-3"),
        html.Div([
            dbc.Button(t("Search"), id=ids.CERTQ_SEARCH, color="primary", className="me-2"),
            dbc.Button(t("Reset"), id=ids.CERTQ_RESET, color="secondary", outline=True),
        ]),
    ]), className="shadow-sm")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


COLUMNS = (  # (field, header, sortable, min width); the fields that sort are the service's SORTS keys
    ("certificate_no", N_("Certificate no."), True, 170),
    ("inspection_no", N_("Inspection no."), True, 160),
    ("serial", N_("Serial no."), False, 90),
    ("district", N_("Declared district"), True, 170),
    ("cert_type", N_("Certificate type"), True, 190),
    ("format", N_("Format"), False, 150),
    ("production_unit", N_("Production unit"), True, 180),
    ("dest_country", N_("Destination country/region"), True, 150),
    ("submitted_at", N_("Declaration time"), True, 170),
    ("reviewed_at", N_("Review time"), True, 170),
    ("review_status", N_("Review status"), False, 110),
    ("entry_method", N_("Entry method"), False, 130),
    ("reviewer", N_("Reviewer"), False, 110),
    ("issue_date", N_("Issue date"), True, 130),
    ("received_date", N_("Received date"), True, 130),
    ("signing_method", N_("Signing method"), False, 130),
    ("cert_status", N_("Certificate status"), False, 110),
)


def result_grid(t: Translator, sort: str, descending: bool) -> dag.AgGrid:
    """A grid reading its rows from the server page by page (AG Grid's infinite row model)."""
    columns = []
    for field, header, sortable, width in COLUMNS:
        column = {"headerName": t(header), "field": field, "colId": field, "sortable": sortable and field in SORTS,
                  "minWidth": width}
        if field == "certificate_no":
            column["cellRenderer"] = "markdown"
        if field == sort:
            column["sort"] = "desc" if descending else "asc"
        columns.append(column)
    locale = grid_locale(t)
    return dag.AgGrid(
        id=ids.CERTQ_GRID, columnDefs=columns, rowModelType="infinite",
        defaultColDef={"resizable": True, "sortable": False},
        dashGridOptions={"pagination": True, "paginationPageSize": PAGE_SIZE, "paginationPageSizeSelector": False,
                         "cacheBlockSize": PAGE_SIZE, "maxBlocksInCache": 20, "infiniteInitialRowCount": 1,
                         "domLayout": "autoHeight", "suppressCellFocus": True, "localeText": locale,
                         "sortingOrder": ["desc", "asc"], "suppressMultiSort": True,
                         "suppressColumnVirtualisation": True},
        getRowId="params.data.key",
        className="ag-theme-alpine")


def grid_rows(t: Translator, rows: list[QueryRow]) -> list[dict]:
    return [{
        "key": r.key,
        "certificate_no": (f"[{_plain(r.certificate_no)}](/certificates/view?no={quote(_plain(r.certificate_no))})"
                           if r.certificate_id is not None and r.certificate_no else _plain(r.certificate_no)),
        "inspection_no": r.inspection_no or "", "serial": r.serial or "",
        "district": f"[{r.district_code}] {t.pick(r.district_zh, r.district_en)}",
        "cert_type": f"[{r.cert_type}] {t.pick(r.cert_type_zh, r.cert_type_en)}",
        "format": t.pick(r.format_zh, r.format_en), "production_unit": r.production_unit or "",
        "dest_country": t.pick(r.dest_zh, r.dest_en) or r.dest_country or "",
        "submitted_at": t.datetime(r.submitted_at), "reviewed_at": t.datetime(r.reviewed_at),
        "review_status": t(APP_STATUS_LABELS.get(r.review_status, r.review_status)),
        "entry_method": t(ENTRY_LABELS[r.entry_method]) if r.entry_method in ENTRY_LABELS else r.entry_method,
        "reviewer": r.reviewer or "", "issue_date": t.date(r.issue_date), "received_date": t.date(r.received_date),
        "signing_method": t(SIGNING_LABELS[r.signing_method]) if r.signing_method in SIGNING_LABELS else "",
        "cert_status": t(CERT_STATUS_LABELS[r.cert_status]) if r.cert_status in CERT_STATUS_LABELS else "",
    } for r in rows]


def _plain(text: str | None) -> str:
    """Letters and digits only: the cell is rendered as Markdown."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "")


def count_text(t: Translator, count: Count | None) -> str:
    if count is None:
        return ""
    if not count.exact:
        return t("More than {n} rows: narrow the filters to page through all of them.", n=t.number(count.value))
    return t("{n} rows", n=t.number(count.value))


SLOW = {  # what was stopped (data.core.budget): the rows of a page, their count, or every row counted
    "page": N_("Sorting by this column with these filters took too long and was stopped. Sort by issue date, or "
               "narrow the filters."),
    "count": N_("Counting the rows of these filters took too long and was stopped; the rows are still listed."),
    "exact": N_("Counting every row took too long and was stopped. Narrow the filters to count them."),
}


def too_slow(t: Translator, what: str) -> dbc.Alert:
    """A read stopped past its time budget: what the user can do instead."""
    return dbc.Alert(t(SLOW[what]), color="warning", id=ids.CERTQ_SLOW)


def problems(t: Translator, errors: dict[str, str]) -> dbc.Alert:
    """The filters that cannot be used, one line each, in the panel's order."""
    ranges = {field: name for name, pair in DATE_RANGES.items() for field in pair}
    lines = []
    for field, reason in errors.items():
        label = FIELD_LABELS.get(field) or RANGE_LABELS.get(ranges.get(field, ""), field)
        lines.append(html.Li(t(PROBLEMS.get(reason, PROBLEMS["format"]), field=t(label))))
    return dbc.Alert([html.Div(t("Some filters cannot be used:")), html.Ul(lines, className="mb-0")],
                     color="warning", id=ids.CERTQ_PROBLEMS)
