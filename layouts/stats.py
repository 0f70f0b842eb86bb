"""Statistics pages (Liaoning 5.9): issuance by district with drill-down, cloud-signing usage, trends.

Pure functions: reports of data/statistics/reports.py in, Dash components and plotly figures out. Charts name
a CJK font family the browser has (labels are Chinese first) and download as PNG from the modebar.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import ids
from dashboard.core.i18n import N_, Translator
from data.statistics.rollup import WAITING
from data.statistics.reports import (
    AGE_BUCKETS,
    CERT_STATUSES,
    ENTRY_METHODS,
    OTHERS,
    SIGNING_METHODS,
    BacklogReport,
    Choices,
    CloudReport,
    IssuanceFilter,
    IssuanceReport,
    MonthlySeries,
    TurnaroundReport,
)
from exports.tables.statistics import COUNT, SHARE, TEXT, Column
from layouts.applications import ENTRY_LABELS
from layouts.certificates import SIGNING_LABELS
from layouts.common import APP_STATUS_LABELS, date_range, page_header
from data.core.labels import CERT_STATUS_LABELS

# fonts with Chinese glyphs on Windows, macOS, Linux (the app's own machines install WenQuanYi)
CJK_FONT = ('"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", '
            '"WenQuanYi Micro Hei", "WenQuanYi Zen Hei", sans-serif')
RECORDS_PATH = "/stats/certificates"  # the certificate query page (证书查询) takes these filters from the URL
AGE_LABELS = (N_("Today"), N_("1-2 days"), N_("3-6 days"), N_("7-13 days"), N_("14 days or more"))
assert len(AGE_LABELS) == len(AGE_BUCKETS)
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
          "#17becf", "#aec7e8", "#ffbb78")


def plain(text: str) -> str:
    """A name as a chart label: plotly reads a few HTML tags in labels; entities show them as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def district_label(t: Translator, code: str, zh: str, en: str) -> str:
    return f"[{code}] {t.pick(zh, en)}"


# --- shared pieces --------------------------------------------------------------------------------


def graph(graph_id: str, filename: str, height: int = 420) -> dcc.Graph:
    """A chart with the modebar's download-as-image (PNG, named) and no plotly logo."""
    return dcc.Graph(id=graph_id, figure=empty_figure(), style={"height": f"{height}px"},
                     config={"displaylogo": False, "responsive": True,
                             "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
                             "modeBarButtonsToRemove": ["lasso2d", "select2d"]})


def _styled(fig: go.Figure, title: str = "", **layout) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.01, "font": {"size": 15}}, font={"family": CJK_FONT, "size": 12},
                      template="plotly_white", margin={"l": 60, "r": 20, "t": 50 if title else 20, "b": 60},
                      legend={"orientation": "h", "y": -0.18}, separators=".,", **layout)
    return fig


def empty_figure(message: str = "") -> go.Figure:
    fig = go.Figure()
    _styled(fig, xaxis={"visible": False}, yaxis={"visible": False})
    if message:
        fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#888"})
    return fig


def _options(t: Translator, labels: dict[str, str], codes: Sequence[str]) -> list[dict]:
    return [{"label": t(labels.get(code, code)), "value": code} for code in codes]


def district_options(t: Translator, choices: Choices) -> list[dict]:
    """The districts the user may see, indented by level (直属海关 → 隶属海关)."""
    return [{"label": "\u3000" * d.depth + district_label(t, d.code, d.name_zh, d.name_en), "value": d.code}
            for d in choices.districts]


def _labelled(label: str, control, md: int = 3) -> dbc.Col:
    return dbc.Col([dbc.Label(label, className="small text-muted mb-1"), control], md=md)


def _dropdown(component_id: str, options: list[dict], placeholder: str, value=None, clearable: bool = True):
    return dcc.Dropdown(id=component_id, options=options, value=value, placeholder=placeholder, clearable=clearable,
                        searchable=True)


def _number(t: Translator, value) -> str:
    return t.number(value) if value is not None else "–"


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "–"


def _table(header: Sequence, rows: Sequence[Sequence], footer: Sequence | None = None,
           numeric_from: int = 2) -> dbc.Table:
    def cells(row, tag):
        return [tag(value, className="text-end" if i >= numeric_from else None) for i, value in enumerate(row)]

    parts = [html.Thead(html.Tr(cells(header, html.Th))), html.Tbody([html.Tr(cells(r, html.Td)) for r in rows])]
    if footer is not None:
        parts.append(html.Tfoot(html.Tr(cells(footer, html.Th)), className="table-group-divider"))
    return dbc.Table(parts, bordered=False, hover=True, size="sm", responsive=True, className="mb-2")


# --- issuance by district (发证信息查询) -------------------------------------------------------------


def issuance_page(t: Translator, choices: Choices, f: IssuanceFilter) -> html.Div:
    filters = dbc.Row([
        _labelled(t("Issue date"), _dates(t, ids.ISSUANCE_ISSUE_DATES, f.issue_from, f.issue_to)),
        _labelled(t("Received date"), _dates(t, ids.ISSUANCE_RECEIVED_DATES, f.received_from, f.received_to)),
        _labelled(t("Customs district"), _dropdown(ids.ISSUANCE_DISTRICT, district_options(t, choices),
                                                    t("All districts"), f.district or choices.default_district)),
        _labelled(t("Certificate type"), _dropdown(ids.ISSUANCE_TYPE, [
            {"label": f"[{code}] {t.pick(zh, en)}", "value": code} for code, zh, en in choices.cert_types],
            t("All types"), f.cert_type)),
        _labelled(t("Destination"), _dropdown(ids.ISSUANCE_DEST, [
            {"label": f"{t.pick(zh, en)} ({code})", "value": code} for code, zh, en in choices.countries],
            t("All destinations"), f.dest_country)),
        _labelled(t("Entry method"), _dropdown(ids.ISSUANCE_ENTRY, _options(t, ENTRY_LABELS, ENTRY_METHODS),
                                               t("All entry methods"), f.entry_method)),
        _labelled(t("Signing method"), _dropdown(ids.ISSUANCE_SIGNING, _options(t, SIGNING_LABELS, SIGNING_METHODS),
                                                 t("All signing methods"), f.signing_method)),
        _labelled(t("Certificate status"), _dropdown(ids.ISSUANCE_STATUS,
                                                     _options(t, CERT_STATUS_LABELS, CERT_STATUSES),
                                                     t("All statuses"), f.status), md=2),
        dbc.Col(dbc.Button(t("Reset"), id=ids.ISSUANCE_RESET, color="secondary", outline=True, className="mt-4"),
                md=1),
    ], className="g-2 mb-3")
    return html.Div([
        page_header(t("Issuance by district"),
                    t("Certificates issued per customs district, rolled up from the subordinate houses. "
                      "Click a bar to see that district's houses; at the last level, open its certificates.")),
        filters,
        html.Div(id=ids.ISSUANCE_CRUMBS, className="mb-2"),
        dbc.Row([
            dbc.Col(graph(ids.ISSUANCE_CHART, "issuance-by-district"), lg=7),
            dbc.Col([html.Div(id=ids.ISSUANCE_TOTAL, className="fw-semibold mb-2"),
                     html.Div(id=ids.ISSUANCE_TABLE), html.Div(id=ids.ISSUANCE_RECORDS)], lg=5),
        ]),
    ])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _dates(t: Translator, component_id: str, start: date | None, end: date | None) -> dcc.DatePickerRange:
    picker = date_range(t, component_id)
    picker.start_date, picker.end_date = _iso(start), _iso(end)
    return picker


def records_href(code: str, f: IssuanceFilter) -> str:
    """The certificate query page with this district and the same filters (its URL parameters)."""
    params = {"district": code, "issue_from": _iso(f.issue_from), "issue_to": _iso(f.issue_to),
              "received_from": _iso(f.received_from), "received_to": _iso(f.received_to), "type": f.cert_type,
              "dest": f.dest_country, "entry_method": f.entry_method, "signing_method": f.signing_method,
              "status": f.status}
    return f"{RECORDS_PATH}?{urlencode({k: v for k, v in params.items() if v})}"


def issuance_crumbs(t: Translator, report: IssuanceReport, everything: bool) -> list:
    """Breadcrumb back up the tree: buttons to each level above the one shown."""
    crumbs = []
    levels = ([("", t("All districts"))] if everything else []) + [
        (d.code, district_label(t, d.code, d.name_zh, d.name_en)) for d in report.path]
    for n, (code, label) in enumerate(levels):
        if n:
            crumbs.append(html.Span(" › ", className="text-muted mx-1"))
        if n == len(levels) - 1:
            crumbs.append(html.Span(label, className="fw-semibold"))
        else:
            crumbs.append(dbc.Button(label, id={"type": ids.ISSUANCE_CRUMB, "district": code}, color="link",
                                     size="sm", className="p-0 align-baseline"))
    return crumbs


def _bars(t: Translator, report: IssuanceReport) -> list[tuple[str, str, int, bool]]:
    """(code, label, value, drillable) of each bar: the root's own certificates, then each child's total."""
    bars = []
    root = report.root
    if root is not None and (root.own or not report.rows):
        label = t.pick(root.name_zh, root.name_en)
        bars.append((root.code, t("{name} (own)", name=label) if report.rows else label, root.own, False))
    bars += [(r.code, t.pick(r.name_zh, r.name_en), r.total, r.has_children) for r in report.rows]
    return bars


def issuance_figure(t: Translator, report: IssuanceReport) -> go.Figure:
    if not report.found:
        return empty_figure(t("No figures for this district."))
    bars = _bars(t, report)
    if not bars or not report.total:
        return empty_figure(t("No certificates match these filters."))
    fig = go.Figure(go.Bar(
        x=[plain(label) for _c, label, _v, _d in bars], y=[v for _c, _l, v, _d in bars],
        customdata=[[code, int(drill)] for code, _l, _v, drill in bars],
        text=[t.number(v) for _c, _l, v, _d in bars], textposition="outside", cliponaxis=False,
        marker={"color": ["#1f77b4" if drill else "#6baed6" for _c, _l, _v, drill in bars]},
        hovertemplate="%{x}<br>" + t("Number of certificates") + ": %{y:,}<extra></extra>"))
    root = report.root
    where = t.pick(root.name_zh, root.name_en) if root else t("All districts")
    return _styled(fig, t("Certificates issued: {district}", district=plain(where)),
                   yaxis={"title": t("Number of certificates"), "rangemode": "tozero"}, xaxis={"type": "category"},
                   clickmode="event")


def issuance_table(t: Translator, report: IssuanceReport, f: IssuanceFilter) -> dbc.Table | html.Div:
    if not report.found:
        return html.Div(t("This district is outside your statistics."), className="text-muted")
    header = [t("District code"), t("District"), t("Own"), t("Total"), t("Share"), ""]
    rows = []
    for r in report.rows:
        action = (dbc.Button(t("Subordinate houses"), id={"type": ids.ISSUANCE_DRILL, "district": r.code},
                             size="sm", color="link", className="p-0") if r.has_children
                  else dcc.Link(t("Certificate list"), href=records_href(r.code, f)))
        rows.append([r.code, t.pick(r.name_zh, r.name_en), t.number(r.own), t.number(r.total),
                     _share(r.total / report.total if report.total else None), action])
    root = report.root
    if root is not None and report.rows and root.own:
        rows.insert(0, [root.code, t("{name} (own)", name=t.pick(root.name_zh, root.name_en)), t.number(root.own),
                        t.number(root.own), _share(root.own / report.total if report.total else None), ""])
    footer = ["", t("Total"), "", t.number(report.total), _share(1.0 if report.total else None), ""]
    return _table(header, rows, footer)


def issuance_total(t: Translator, report: IssuanceReport) -> str:
    return t("{n} certificates", n=t.number(report.total)) if report.found else ""


def issuance_records(t: Translator, report: IssuanceReport, f: IssuanceFilter):
    """At a district without subordinate houses: the link to its certificates."""
    root = report.root
    if not report.found or root is None or root.has_children:
        return None
    return dbc.Alert([t("{n} certificates of {district} match these filters.", n=t.number(root.total),
                        district=district_label(t, root.code, root.name_zh, root.name_en)), " ",
                      dcc.Link(t("Open the certificates"), href=records_href(root.code, f), className="alert-link")],
                     color="light", className="mt-2")


# --- cloud-signing usage (云签发应用情况) -----------------------------------------------------------


def cloud_page(t: Translator, choices: Choices, received: tuple[date, date]) -> html.Div:
    filters = dbc.Row([
        _labelled(t("Received date"), _dates(t, ids.CLOUD_RECEIVED_DATES, *received), md=4),
        _labelled(t("Entry method"), _dropdown(ids.CLOUD_ENTRY, _options(t, ENTRY_LABELS, ENTRY_METHODS),
                                               t("All entry methods"))),
        _labelled(t("Customs district"), _dropdown(ids.CLOUD_DISTRICT, district_options(t, choices),
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
        return [_share(v) if c.kind == SHARE else _number(t, v) if c.kind == COUNT else v
                for c, v in zip(columns, row)]

    if not rows:
        return html.Div(t("No certificates match these filters."), className="text-muted")
    return _table([c.title for c in columns], [shown(r) for r in rows], shown(totals))


def cloud_figure(t: Translator, report: CloudReport) -> go.Figure:
    if not report.rows:
        return empty_figure(t("No certificates match these filters."))
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
    return _styled(fig, t("Cloud-signing usage by district"), barmode="group",
                   yaxis={"title": t("Number of certificates"), "rangemode": "tozero"},
                   yaxis2={"title": t("Share of cloud signing"), "overlaying": "y", "side": "right",
                           "tickformat": ".0%", "range": [0, 1.05], "showgrid": False},
                   xaxis={"type": "category"})


# --- trends ---------------------------------------------------------------------------------------

STYLE_LABELS = {"line": N_("Lines"), "stack": N_("Stacked bars")}


def month_options(t: Translator, months: Sequence[date]) -> list[dict]:
    return [{"label": f"{m:%Y-%m}", "value": m.isoformat()} for m in months]


def trends_page(t: Translator, choices: Choices, months: Sequence[date], first: date, last: date) -> html.Div:
    options = month_options(t, months)
    filters = dbc.Row([
        _labelled(t("From month"), _dropdown(ids.TRENDS_FROM, options, t("From month"), first.isoformat(),
                                             clearable=False), md=2),
        _labelled(t("To month"), _dropdown(ids.TRENDS_TO, options, t("To month"), last.isoformat(),
                                           clearable=False), md=2),
        _labelled(t("Customs district"), _dropdown(ids.TRENDS_DISTRICT, district_options(t, choices),
                                                    t("All districts"), choices.default_district)),
        _labelled(t("Chart style"), dbc.RadioItems(id=ids.TRENDS_STYLE, value="stack", inline=True, options=[
            {"label": t(label), "value": key} for key, label in STYLE_LABELS.items()]), md=3),
    ], className="g-2 mb-3")
    return html.Div([
        page_header(t("Trends"), t("Issuance per month by certificate type and by destination, review "
                                   "turnaround (submission to approval) and the applications waiting now.")),
        filters,
        dbc.Row([dbc.Col(graph(ids.TRENDS_BY_TYPE, "issuance-by-type"), lg=6),
                 dbc.Col(graph(ids.TRENDS_BY_DEST, "issuance-by-destination"), lg=6)], className="mb-3"),
        dbc.Row([dbc.Col([graph(ids.TRENDS_TURNAROUND, "review-turnaround", 380),
                          html.Div(id=ids.TRENDS_TURNAROUND_TABLE)], lg=6),
                 dbc.Col([graph(ids.TRENDS_BACKLOG, "backlog-by-age", 380),
                          html.Div(id=ids.TRENDS_BACKLOG_TABLE)], lg=6)]),
    ])


def monthly_figure(t: Translator, data: MonthlySeries, title: str, style: str) -> go.Figure:
    if not data.found:
        return empty_figure(t("No figures for this district."))
    if not data.series:
        return empty_figure(t("No certificates in these months."))
    months = [f"{m:%Y-%m}" for m in data.months]
    fig = go.Figure()
    for n, series in enumerate(data.series):
        label = (t("Others") if series.key == OTHERS else t("No destination") if not series.key
                 else plain(t.pick(series.name_zh, series.name_en)))
        color = COLORS[n % len(COLORS)]
        hover = label + " %{x}: %{y:,}<extra></extra>"
        if style == "line":
            fig.add_trace(go.Scatter(x=months, y=series.values, name=label, mode="lines+markers",
                                     line={"color": color}, hovertemplate=hover))
        else:
            fig.add_trace(go.Bar(x=months, y=series.values, name=label, marker={"color": color},
                                 hovertemplate=hover))
    return _styled(fig, title, barmode="stack", xaxis={"type": "category"},
                   yaxis={"title": t("Number of certificates"), "rangemode": "tozero"})


def _duration(t: Translator, seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 3600:
        return t("{n} min", n=t.number(round(seconds / 60)))
    if seconds < 48 * 3600:
        return t("{n} h", n=t.number(round(seconds / 3600, 1)))
    return t("{n} days", n=t.number(round(seconds / 86400, 1)))


def turnaround_figure(t: Translator, report: TurnaroundReport) -> go.Figure:
    rows = report.rows or ((report.total,) if report.total.approvals else ())
    if not rows:
        return empty_figure(t("No approvals in these months."))
    names = [plain(t.pick(r.name_zh, r.name_en)) or t("All districts") for r in rows]
    fig = go.Figure()
    for label, values, color in ((t("Median"), [r.median_seconds for r in rows], "#1f77b4"),
                                 (t("90th percentile"), [r.p90_seconds for r in rows], "#ff7f0e")):
        hours = [v / 3600 if v is not None else None for v in values]
        fig.add_trace(go.Bar(x=names, y=hours, name=label, marker={"color": color},
                             hovertemplate="%{x}<br>" + label + ": %{y:.1f} h<extra></extra>"))
    return _styled(fig, t("Review turnaround (submission to approval)"), barmode="group",
                   yaxis={"title": t("Hours"), "rangemode": "tozero"}, xaxis={"type": "category"})


def turnaround_table(t: Translator, report: TurnaroundReport):
    if not report.found:
        return html.Div(t("This district is outside your statistics."), className="text-muted")
    header = [t("District code"), t("District"), t("Approvals"), t("Median"), t("90th percentile"), t("Mean")]

    def cells(r):
        return [r.code, t.pick(r.name_zh, r.name_en) or t("All districts"), t.number(r.approvals),
                _duration(t, r.median_seconds), _duration(t, r.p90_seconds), _duration(t, r.mean_seconds)]

    total = report.total
    footer = cells(total)
    footer[1] = t("Total") if not total.code else footer[1]
    return html.Div([_table(header, [cells(r) for r in report.rows], footer),
                     html.Div(t("Median and 90th percentile are read from a histogram of fine intervals "
                                "(a minute under ten minutes, at most a quarter of the value up to two days)."),
                              className="small text-muted")])


def backlog_figure(t: Translator, report: BacklogReport) -> go.Figure:
    rows = report.rows or ((report.total,) if report.total.total else ())
    if not rows:
        return empty_figure(t("No applications are waiting."))
    names = [plain(t.pick(r.name_zh, r.name_en)) or t("All districts") for r in rows]
    fig = go.Figure()
    for k, label in enumerate(AGE_LABELS):
        fig.add_trace(go.Bar(x=names, y=[r.by_age[k] for r in rows], name=t(label),
                             marker={"color": ("#2ca02c", "#98df8a", "#ffbb78", "#ff7f0e", "#d62728")[k]},
                             hovertemplate="%{x}<br>" + t(label) + ": %{y:,}<extra></extra>"))
    return _styled(fig, t("Applications waiting, by days since submission"), barmode="stack",
                   yaxis={"title": t("Applications"), "rangemode": "tozero"}, xaxis={"type": "category"})


def backlog_table(t: Translator, report: BacklogReport):
    if not report.found:
        return html.Div(t("This district is outside your statistics."), className="text-muted")
    header = [t("District code"), t("District"), *(t(APP_STATUS_LABELS[w]) for w in WAITING), t("Total")]

    def cells(r):
        return [r.code, t.pick(r.name_zh, r.name_en), *(t.number(n) for n in r.by_status), t.number(r.total)]

    footer = cells(report.total)
    footer[1] = t("Total") if not report.total.code else footer[1]
    return _table(header, [cells(r) for r in report.rows], footer)
