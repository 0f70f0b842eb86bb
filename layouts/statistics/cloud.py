"""云签发应用情况 (Liaoning 5.9.3): the cloud-signing usage page, its table and chart."""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.core.i18n import Translator
from data.statistics.reports import (
    ENTRY_METHODS,
    Choices,
    CloudReport,
)
from exports.tables.statistics import COUNT, SHARE, TEXT, Column
from layouts.applications.listing import ENTRY_LABELS
from layouts.common import page_header
from layouts.statistics import ids
from layouts.statistics.charts import (
    code_options,
    district_options,
    empty_figure,
    filter_dropdown,
    graph,
    labelled_control,
    number_text,
    plain,
    share_text,
    stats_table,
    styled_figure,
)
from layouts.statistics.issuance import (
    date_picker,
)

# --- cloud-signing usage (云签发应用情况) -----------------------------------------------------------


def cloud_page(t: Translator, choices: Choices, received: tuple[date, date]) -> html.Div:
    filters = dbc.Row([
        labelled_control(t("Received date"), date_picker(t, ids.CLOUD_RECEIVED_DATES, *received), md=4),
        labelled_control(t("Entry method"), filter_dropdown(t, ids.CLOUD_ENTRY, code_options(t, ENTRY_LABELS, ENTRY_METHODS),
                                               t("All entry methods"))),
        labelled_control(t("Customs district"), filter_dropdown(t, ids.CLOUD_DISTRICT, district_options(t, choices),
                                                    t("All districts"), choices.default_district)),
        dbc.Col(dbc.Button(t("Reset"), id=ids.CLOUD_RESET, color="secondary", outline=True, className="mt-4"),
                md=1),
    ], className="g-2 mb-2")
    downloads = html.Div([
        dbc.Button(t("Download Excel"), id=ids.CLOUD_XLSX, color="primary", size="sm", className="me-2"),
        dbc.Button(t("Download CSV"), id=ids.CLOUD_CSV, color="secondary", outline=True, size="sm"),
        dcc.Download(id=ids.CLOUD_DOWNLOAD),
    ], className="mb-2")
    return html.Div([
        page_header(t("Cloud-signing usage"), t("Figures are counted by the ECIQ received date; cloud-signed "
                                                "certificates approved in the period are counted by issue date.")),
        filters,
        dbc.Tabs([
            dbc.Tab([downloads, html.Div(id=ids.CLOUD_TABLE)], label=t("Table"), tab_id="table"),
            dbc.Tab(graph(ids.CLOUD_CHART, "cloud-signing-usage", 460), label=t("Chart"), tab_id="chart"),
        ], id=ids.CLOUD_TABS, active_tab="table", className="mb-3"),
    ])


def cloud_columns(t: Translator) -> list[Column]:
    """The columns of the Liaoning 5.9.3 table, then the paper copies and the share."""
    return [Column(t("District code"), TEXT), Column(t("District"), TEXT),
            Column(t("Certificates received")), Column(t("Printed by ECIQ")), Column(t("Paper copies printed")),
            Column(t("Cloud-signed")), Column(t("Cloud-signed approved in the period")),
            Column(t("Share of cloud signing"), SHARE)]


def cloud_values(t: Translator, report: CloudReport) -> tuple[list[list], list]:
    """Rows and totals row as plain values (for the table and the downloads alike)."""
    rows = [[r.code, t.pick(r.name_zh, r.name_en), r.certificates, r.printed, r.copies, r.cloud, r.cloud_approved,
             r.share] for r in report.rows]
    total = report.total
    return rows, ["", t("Total"), total.certificates, total.printed, total.copies, total.cloud,
                  total.cloud_approved, total.share]


def cloud_table(t: Translator, report: CloudReport):
    if not report.found:
        return html.Div(t("This district is outside your statistics."), className="text-muted")
    columns = cloud_columns(t)
    rows, totals = cloud_values(t, report)

    def shown(row):
        return [share_text(v) if c.kind == SHARE else number_text(t, v) if c.kind == COUNT else v
                for c, v in zip(columns, row)]

    if not rows:
        return html.Div(t("No certificates match these filters."), className="text-muted")
    return stats_table([c.title for c in columns], [shown(r) for r in rows], shown(totals))


SHARE_TICKS = (0, 0.25, 0.5, 0.75, 1)  # round marks on the share axis, whatever the bars' axis does


def _single_district_figure(t: Translator, row) -> go.Figure:
    """One district: its figures side by side, and its share as a gauge (three one-bar groups say less)."""
    fig = go.Figure()
    figures = ((t("Certificates received"), row.certificates), (t("Printed by ECIQ"), row.printed),
               (t("Cloud-signed"), row.cloud), (t("Cloud-signed approved in the period"), row.cloud_approved))
    for n, (label, value) in enumerate(figures):
        fig.add_trace(go.Indicator(mode="number", value=value, title={"text": label, "font": {"size": 13}},
                                   number={"valueformat": ",d"}, domain={"x": [n * 0.15, n * 0.15 + 0.13],
                                                                         "y": [0.15, 0.85]}))
    fig.add_trace(go.Indicator(
        mode="gauge+number", value=round((row.share or 0) * 100, 1), number={"suffix": "%"},
        title={"text": t("Share of cloud signing"), "font": {"size": 13}}, domain={"x": [0.64, 1], "y": [0, 1]},
        gauge={"axis": {"range": [0, 100], "tickvals": [round(v * 100) for v in SHARE_TICKS],
                        "ticksuffix": "%"}, "bar": {"color": "#1f77b4"}}))
    return styled_figure(fig, t("Cloud-signing usage: {district}", district=plain(t.pick(row.name_zh, row.name_en))))


def cloud_figure(t: Translator, report: CloudReport) -> go.Figure:
    if not report.rows:
        return empty_figure(t("No certificates match these filters."))
    if len(report.rows) == 1:
        return _single_district_figure(t, report.rows[0])
    names = [plain(t.pick(r.name_zh, r.name_en)) for r in report.rows]
    fig = go.Figure()
    for label, values, color in ((t("Printed by ECIQ"), [r.printed for r in report.rows], "#7f7f7f"),
                                 (t("Cloud-signed"), [r.cloud for r in report.rows], "#1f77b4"),
                                 (t("Cloud-signed approved in the period"), [r.cloud_approved for r in report.rows],
                                  "#2ca02c")):
        fig.add_trace(go.Bar(x=names, y=values, name=label, marker={"color": color},
                             hovertemplate="%{x}<br>" + label + ": %{y:,}<extra></extra>"))
    fig.add_trace(go.Scatter(x=names, y=[r.share for r in report.rows], name=t("Share of cloud signing"),
                             yaxis="y2", mode="lines+markers", marker={"color": "#d62728"},
                             hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"))
    return styled_figure(fig, t("Cloud-signing usage by district"), barmode="group",
                   yaxis={"title": t("Number of certificates"), "rangemode": "tozero"},
                   yaxis2={"title": t("Share of cloud signing"), "overlaying": "y", "side": "right",
                           "tickmode": "array", "tickvals": SHARE_TICKS,
                           "ticktext": [f"{round(v * 100)}%" for v in SHARE_TICKS], "range": [0, 1.05],
                           "showgrid": False},
                   xaxis={"type": "category"})
