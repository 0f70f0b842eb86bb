"""Trends glue: issuance per month by type and destination, turnaround and backlog for the chosen district."""
from __future__ import annotations

from dash import Input, Output

from auth.permissions import Perm
from callbacks.inputs import as_date, as_text
from callbacks.page import MENU_STATS, PageRequest, PageSpec, page_callback
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


PERIOD = {"first": Input(ids.TRENDS_FROM, "value"), "last": Input(ids.TRENDS_TO, "value"),
          "district": Input(ids.TRENDS_DISTRICT, "value")}
MONTHLY_INPUTS = {**PERIOD, "style": Input(ids.TRENDS_STYLE, "value")}


def _monthly(r: PageRequest, first, last, district, style, dimension: str, title: str):
    data = issuance_by_month(r.s, r.actor, _trend_filter(first, last, district), dimension)
    return views.monthly_figure(r.t, data, title, as_text(style))


@page_callback(output=Output(ids.TRENDS_BY_TYPE, "figure"), inputs=MONTHLY_INPUTS, snapshot=True)
def show_by_type(r: PageRequest, first, last, district, style):
    return _monthly(r, first, last, district, style, "type", r.t("Certificates issued per month, by type"))


@page_callback(output=Output(ids.TRENDS_BY_DEST, "figure"), inputs=MONTHLY_INPUTS, snapshot=True)
def show_by_destination(r: PageRequest, first, last, district, style):
    return _monthly(r, first, last, district, style, "destination",
                    r.t("Certificates issued per month, by destination"))


@page_callback(output={"figure": Output(ids.TRENDS_TURNAROUND, "figure"),
                       "table": Output(ids.TRENDS_TURNAROUND_TABLE, "children")},
               inputs=PERIOD, snapshot=True)
def show_turnaround(r: PageRequest, first, last, district):
    report = turnaround(r.s, r.actor, _trend_filter(first, last, district))
    return {"figure": views.turnaround_figure(r.t, report), "table": views.turnaround_table(r.t, report)}


@page_callback(output={"figure": Output(ids.TRENDS_BACKLOG, "figure"),
                       "table": Output(ids.TRENDS_BACKLOG_TABLE, "children")},
               inputs={"district": Input(ids.TRENDS_DISTRICT, "value")}, snapshot=True)
def show_backlog(r: PageRequest, district):
    report = backlog(r.s, r.actor, TrendFilter(district=as_text(district) or None), china_today())
    return {"figure": views.backlog_figure(r.t, report), "table": views.backlog_table(r.t, report)}
