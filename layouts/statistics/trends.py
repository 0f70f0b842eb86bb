"""The trends page: issuance per month by type and destination, review turnaround, backlog by age."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html

from dashboard.core.i18n import N_, Translator
from data.statistics.reports import (
    OTHERS,
    BacklogReport,
    Choices,
    MonthlySeries,
    Series,
    TurnaroundReport,
)
from data.statistics.rollup import WAITING
from layouts.common import APP_STATUS_LABELS, page_header
from layouts.statistics import ids
from layouts.statistics.charts import (
    AGE_LABELS,
    COLORS,
    district_options,
    empty_figure,
    filter_dropdown,
    graph,
    labelled_control,
    plain,
    stats_table,
    styled_figure,
)

# --- trends ---------------------------------------------------------------------------------------

STYLE_LABELS = {"line": N_("Lines"), "stack": N_("Stacked bars")}


def month_options(t: Translator, months: Sequence[date]) -> list[dict]:
    return [{"label": f"{m:%Y-%m}", "value": m.isoformat()} for m in months]


def trends_page(t: Translator, choices: Choices, months: Sequence[date], first: date, last: date) -> html.Div:
    options = month_options(t, months)
    filters = dbc.Row([
        labelled_control(t("From month"), filter_dropdown(t, ids.TRENDS_FROM, options, t("From month"), first.isoformat(),
                                             clearable=False), md=2),
        labelled_control(t("To month"), filter_dropdown(t, ids.TRENDS_TO, options, t("To month"), last.isoformat(),
                                           clearable=False), md=2),
        labelled_control(t("Customs district"), filter_dropdown(t, ids.TRENDS_DISTRICT, district_options(t, choices),
                                                    t("All districts"), choices.default_district)),
        labelled_control(t("Chart style"), dbc.RadioItems(id=ids.TRENDS_STYLE, value="stack", inline=True, options=[
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


AGE_COLORS = ("#2ca02c", "#98df8a", "#ffbb78", "#ff7f0e", "#d62728")  # fresh to overdue
LINE_SERIES = 6  # lines a reader tells apart: the five largest and the others together


def readable_series(series: Sequence[Series], most: int | None) -> list[Series]:
    """At most `most` series: the largest but one, then all the rest summed as "others" (None: all)."""
    if most is None or len(series) <= most:
        return list(series)
    named = sorted((x for x in series if x.key != OTHERS), key=lambda x: -x.total)
    keep = named[:most - 1]
    rest = [x for x in series if x not in keep]
    summed = tuple(sum(values) for values in zip(*(x.values for x in rest)))
    return keep + [Series(OTHERS, "", "", summed)]


def monthly_figure(t: Translator, data: MonthlySeries, title: str, style: str) -> go.Figure:
    if not data.found:
        return empty_figure(t("No figures for this district."))
    if not data.series:
        return empty_figure(t("No certificates in these months."))
    months = [f"{m:%Y-%m}" for m in data.months]
    fig = go.Figure()
    for n, series in enumerate(readable_series(data.series, LINE_SERIES if style == "line" else None)):
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
    return styled_figure(fig, title, barmode="stack", xaxis={"type": "category"},
                   yaxis={"title": t("Number of certificates"), "rangemode": "tozero"})


def _duration(t: Translator, seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 3600:
        return t("{n} min", n=t.number(round(seconds / 60)))
    if seconds < 48 * 3600:
        return t("{n} h", n=t.number(round(seconds / 3600, 1)))
    return t("{n} days", n=t.number(round(seconds / 86400, 1)))


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


def _single_turnaround_figure(t: Translator, row) -> go.Figure:
    """One district: its approvals and turnaround as figures (a group of one-bar series says less)."""
    fig = go.Figure()
    figures = ((t("Approvals"), row.approvals, ",d", ""), (t("Median"), _hours(row.median_seconds), ",.1f", " h"),
               (t("90th percentile"), _hours(row.p90_seconds), ",.1f", " h"), (t("Mean"), _hours(row.mean_seconds),
                                                                               ",.1f", " h"))
    for n, (label, value, fmt, suffix) in enumerate(figures):
        fig.add_trace(go.Indicator(mode="number", value=value, title={"text": label, "font": {"size": 13}},
                                   number={"valueformat": fmt, "suffix": suffix},
                                   domain={"x": [n * 0.25, n * 0.25 + 0.22], "y": [0.1, 0.8]}))
    name = plain(t.pick(row.name_zh, row.name_en)) or t("All districts")
    return styled_figure(fig, t("Review turnaround (submission to approval): {district}", district=name))


def turnaround_figure(t: Translator, report: TurnaroundReport) -> go.Figure:
    rows = report.rows or ((report.total,) if report.total.approvals else ())
    if not rows:
        return empty_figure(t("No approvals in these months."))
    if len(rows) == 1:
        return _single_turnaround_figure(t, rows[0])
    names = [plain(t.pick(r.name_zh, r.name_en)) or t("All districts") for r in rows]
    fig = go.Figure()
    for label, values, color in ((t("Median"), [r.median_seconds for r in rows], "#1f77b4"),
                                 (t("90th percentile"), [r.p90_seconds for r in rows], "#ff7f0e")):
        hours = [v / 3600 if v is not None else None for v in values]
        fig.add_trace(go.Bar(x=names, y=hours, name=label, marker={"color": color},
                             hovertemplate="%{x}<br>" + label + ": %{y:.1f} h<extra></extra>"))
    return styled_figure(fig, t("Review turnaround (submission to approval)"), barmode="group",
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
    return html.Div([stats_table(header, [cells(r) for r in report.rows], footer),
                     html.Div(t("Median and 90th percentile are read from a histogram of fine intervals "
                                "(a minute under ten minutes, at most a quarter of the value up to two days)."),
                              className="small text-muted")])


def backlog_figure(t: Translator, report: BacklogReport) -> go.Figure:
    rows = report.rows or ((report.total,) if report.total.total else ())
    if not rows:
        return empty_figure(t("No applications are waiting."))
    names = [plain(t.pick(r.name_zh, r.name_en)) or t("All districts") for r in rows]
    fig = go.Figure()
    if len(rows) == 1:  # one district: its applications by age, side by side (one stacked bar says less)
        fig.add_trace(go.Bar(x=[t(label) for label in AGE_LABELS], y=list(rows[0].by_age), marker={"color": AGE_COLORS},
                             hovertemplate="%{x}: %{y:,}<extra></extra>", showlegend=False))
        return styled_figure(fig, t("Applications waiting in {district}, by days since submission", district=names[0]),
                             yaxis={"title": t("Applications"), "rangemode": "tozero"}, xaxis={"type": "category"})
    for k, label in enumerate(AGE_LABELS):
        fig.add_trace(go.Bar(x=names, y=[r.by_age[k] for r in rows], name=t(label),
                             marker={"color": AGE_COLORS[k]},
                             hovertemplate="%{x}<br>" + t(label) + ": %{y:,}<extra></extra>"))
    return styled_figure(fig, t("Applications waiting, by days since submission"), barmode="stack",
                   yaxis={"title": t("Applications"), "rangemode": "tozero"}, xaxis={"type": "category"})


def backlog_table(t: Translator, report: BacklogReport):
    if not report.found:
        return html.Div(t("This district is outside your statistics."), className="text-muted")
    header = [t("District code"), t("District"), *(t(APP_STATUS_LABELS[w]) for w in WAITING), t("Total")]

    def cells(r):
        return [r.code, t.pick(r.name_zh, r.name_en), *(t.number(n) for n in r.by_status), t.number(r.total)]

    footer = cells(report.total)
    footer[1] = t("Total") if not report.total.code else footer[1]
    return stats_table(header, [cells(r) for r in report.rows], footer)
