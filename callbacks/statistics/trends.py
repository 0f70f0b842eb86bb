"""Trends glue: issuance per month by type and destination, turnaround and backlog for the chosen district."""
from __future__ import annotations

from dash import Input, Output, callback

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_date, as_text
from callbacks.page import MENU_STATS, PageSpec
from dashboard.core.clock import china_today
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.statistics.periods import months_back
from data.statistics.reports import (
    TrendFilter,
    backlog,
    issuance_by_month,
    stats_choices,
    turnaround,
)
from data.statistics.rollup import month_of
from layouts.statistics import ids
from layouts.statistics import trends as views

MONTHS_OFFERED = 36


# --- trends -----------------------------------------------------------------------------------------


def render_trends(actor: Actor, t: Translator, **_query):
    today = china_today()
    months = [months_back(today, n) for n in range(MONTHS_OFFERED - 1, -1, -1)]
    with session_scope() as s:
        choices = stats_choices(s, actor)
    return views.trends_page(t, choices, months, months_back(today, 11), month_of(today))


PAGE = PageSpec(
    "stats_trends", "/stats/trends", N_("Trends"), Perm.STATS_VIEW, ids.TRENDS, render_trends, menu_group=MENU_STATS,
    order=230)


def _trend_filter(first, last, district) -> TrendFilter:
    return TrendFilter(as_date(first), as_date(last), as_text(district) or None)


@callback(
    Output(ids.TRENDS_BY_TYPE, "figure"),
    Input(ids.TRENDS_FROM, "value"),
    Input(ids.TRENDS_TO, "value"),
    Input(ids.TRENDS_DISTRICT, "value"),
    Input(ids.TRENDS_STYLE, "value"),
)
def show_by_type(first, last, district, style):
    t = request_translator()
    with session_scope() as s:
        data = issuance_by_month(s, current_actor(), _trend_filter(first, last, district), "type")
    return views.monthly_figure(t, data, t("Certificates issued per month, by type"), as_text(style))


@callback(
    Output(ids.TRENDS_BY_DEST, "figure"),
    Input(ids.TRENDS_FROM, "value"),
    Input(ids.TRENDS_TO, "value"),
    Input(ids.TRENDS_DISTRICT, "value"),
    Input(ids.TRENDS_STYLE, "value"),
)
def show_by_destination(first, last, district, style):
    t = request_translator()
    with session_scope() as s:
        data = issuance_by_month(s, current_actor(), _trend_filter(first, last, district), "destination")
    return views.monthly_figure(t, data, t("Certificates issued per month, by destination"), as_text(style))


@callback(
    Output(ids.TRENDS_TURNAROUND, "figure"),
    Output(ids.TRENDS_TURNAROUND_TABLE, "children"),
    Input(ids.TRENDS_FROM, "value"),
    Input(ids.TRENDS_TO, "value"),
    Input(ids.TRENDS_DISTRICT, "value"),
)
def show_turnaround(first, last, district):
    t = request_translator()
    with session_scope() as s:
        report = turnaround(s, current_actor(), _trend_filter(first, last, district))
    return views.turnaround_figure(t, report), views.turnaround_table(t, report)


@callback(
    Output(ids.TRENDS_BACKLOG, "figure"),
    Output(ids.TRENDS_BACKLOG_TABLE, "children"),
    Input(ids.TRENDS_DISTRICT, "value"),
)
def show_backlog(district):
    t = request_translator()
    with session_scope() as s:
        report = backlog(s, current_actor(), TrendFilter(district=as_text(district) or None), china_today())
    return views.backlog_figure(t, report), views.backlog_table(t, report)
