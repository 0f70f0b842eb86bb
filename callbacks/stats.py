"""Statistics glue: read the filters, one service call (data/statistics/reports.py), one layout call (layouts/stats.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from dash import ALL, Input, Output, State, callback, ctx, dcc, no_update

from auth.session import current_actor
from callbacks.inputs import as_date, as_text
from dashboard import ids
from dashboard.core.i18n import Translator
from auth.session import request_translator
from dashboard.runtime.store import session_scope
from data.statistics.rollup import month_of
from data.core.scope import Actor
from data.statistics.reports import (
    CloudFilter,
    IssuanceFilter,
    TrendFilter,
    backlog,
    cloud_signing_usage,
    district_tree,
    issuance_by_district,
    issuance_by_month,
    stats_choices,
    turnaround,
)
from exports.tables.list_export import XLSX
from dashboard.core.clock import china_today
from data.statistics.periods import last_twelve_months, months_back
from exports.tables.statistics import CSV, stats_csv, stats_xlsx
from layouts import stats as views

MONTHS_OFFERED = 36


# --- issuance by district -------------------------------------------------------------------------


def _issuance_filter(issue_from, issue_to, received_from, received_to, district, cert_type, dest, entry, signing,
                     status) -> IssuanceFilter:
    return IssuanceFilter(as_date(issue_from), as_date(issue_to), as_date(received_from), as_date(received_to),
                          as_text(district) or None, as_text(cert_type) or None, as_text(dest) or None,
                          as_text(entry) or None, as_text(signing) or None, as_text(status) or None)


def render_issuance(actor: Actor, t: Translator, **query):
    """The page; its filters may come from the URL (issue_from, district, type, dest ... as the records page's)."""
    if any(k in query for k in ("issue_from", "issue_to", "received_from", "received_to")):
        issue_from, issue_to = query.get("issue_from"), query.get("issue_to")
    else:
        issue_from, issue_to = (d.isoformat() for d in last_twelve_months(china_today()))
    f = _issuance_filter(issue_from, issue_to, query.get("received_from"), query.get("received_to"),
                         query.get("district"), query.get("type"), query.get("dest"), query.get("entry_method"),
                         query.get("signing_method"), query.get("status"))
    with session_scope() as s:
        choices = stats_choices(s, actor)
    if f.district not in {d.code for d in choices.districts}:
        f = replace(f, district=None)
    return views.issuance_page(t, choices, f)


@callback(
    Output(ids.ISSUANCE_CHART, "figure"),
    Output(ids.ISSUANCE_TABLE, "children"),
    Output(ids.ISSUANCE_CRUMBS, "children"),
    Output(ids.ISSUANCE_TOTAL, "children"),
    Output(ids.ISSUANCE_RECORDS, "children"),
    Input(ids.ISSUANCE_ISSUE_DATES, "start_date"),
    Input(ids.ISSUANCE_ISSUE_DATES, "end_date"),
    Input(ids.ISSUANCE_RECEIVED_DATES, "start_date"),
    Input(ids.ISSUANCE_RECEIVED_DATES, "end_date"),
    Input(ids.ISSUANCE_DISTRICT, "value"),
    Input(ids.ISSUANCE_TYPE, "value"),
    Input(ids.ISSUANCE_DEST, "value"),
    Input(ids.ISSUANCE_ENTRY, "value"),
    Input(ids.ISSUANCE_SIGNING, "value"),
    Input(ids.ISSUANCE_STATUS, "value"),
)
def show_issuance(*values):
    t = request_translator()
    actor = current_actor()
    f = _issuance_filter(*values)
    with session_scope() as s:
        report = issuance_by_district(s, actor, f)
    return (views.issuance_figure(t, report), views.issuance_table(t, report, f),
            views.issuance_crumbs(t, report, actor.is_admin), views.issuance_total(t, report),
            views.issuance_records(t, report, f))


@callback(
    Output(ids.ISSUANCE_DISTRICT, "value"),
    Output(ids.ISSUANCE_ISSUE_DATES, "start_date"),
    Output(ids.ISSUANCE_ISSUE_DATES, "end_date"),
    Output(ids.ISSUANCE_RECEIVED_DATES, "start_date"),
    Output(ids.ISSUANCE_RECEIVED_DATES, "end_date"),
    Output(ids.ISSUANCE_TYPE, "value"),
    Output(ids.ISSUANCE_DEST, "value"),
    Output(ids.ISSUANCE_ENTRY, "value"),
    Output(ids.ISSUANCE_SIGNING, "value"),
    Output(ids.ISSUANCE_STATUS, "value"),
    Input(ids.ISSUANCE_CHART, "clickData"),
    Input({"type": ids.ISSUANCE_CRUMB, "district": ALL}, "n_clicks"),
    Input({"type": ids.ISSUANCE_DRILL, "district": ALL}, "n_clicks"),
    Input(ids.ISSUANCE_RESET, "n_clicks"),
    prevent_initial_call=True,
)
def drill(click, _crumbs, _drills, _reset):
    """A bar, a breadcrumb or a table row's button sets the district shown; Reset restores every filter."""
    keep = (no_update,) * 9
    trigger = ctx.triggered_id
    if trigger == ids.ISSUANCE_RESET:
        with session_scope() as s:
            district = district_tree(s, current_actor()).default_root()
        start, end = last_twelve_months(china_today())
        return district, start.isoformat(), end.isoformat(), None, None, None, None, None, None, None
    if trigger == ids.ISSUANCE_CHART:
        points = (click or {}).get("points") or [{}]
        custom = points[0].get("customdata") if isinstance(points[0], dict) else None
        code = custom[0] if isinstance(custom, list) and custom and isinstance(custom[0], str) else None
        return (code or no_update, *keep)
    if isinstance(trigger, dict) and any(item.get("value") for item in ctx.triggered):
        return (as_text(trigger.get("district")) or None, *keep)
    return (no_update, *keep)


# --- cloud-signing usage ---------------------------------------------------------------------------


def render_cloud(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        choices = stats_choices(s, actor)
    return views.cloud_page(t, choices, last_twelve_months(china_today()))


def _cloud_filter(start, end, entry, district) -> CloudFilter:
    return CloudFilter(as_date(start), as_date(end), as_text(entry) or None, as_text(district) or None)


@callback(
    Output(ids.CLOUD_TABLE, "children"),
    Output(ids.CLOUD_CHART, "figure"),
    Input(ids.CLOUD_RECEIVED_DATES, "start_date"),
    Input(ids.CLOUD_RECEIVED_DATES, "end_date"),
    Input(ids.CLOUD_ENTRY, "value"),
    Input(ids.CLOUD_DISTRICT, "value"),
)
def show_cloud(start, end, entry, district):
    t = request_translator()
    with session_scope() as s:
        report = cloud_signing_usage(s, current_actor(), _cloud_filter(start, end, entry, district))
    return views.cloud_table(t, report), views.cloud_figure(t, report)


@callback(
    Output(ids.CLOUD_RECEIVED_DATES, "start_date"),
    Output(ids.CLOUD_RECEIVED_DATES, "end_date"),
    Output(ids.CLOUD_ENTRY, "value"),
    Output(ids.CLOUD_DISTRICT, "value"),
    Input(ids.CLOUD_RESET, "n_clicks"),
    prevent_initial_call=True,
)
def reset_cloud(_clicks):
    with session_scope() as s:
        district = district_tree(s, current_actor()).default_root()
    start, end = last_twelve_months(china_today())
    return start.isoformat(), end.isoformat(), None, district


@callback(
    Output(ids.CLOUD_DOWNLOAD, "data"),
    Input(ids.CLOUD_XLSX, "n_clicks"),
    Input(ids.CLOUD_CSV, "n_clicks"),
    State(ids.CLOUD_RECEIVED_DATES, "start_date"),
    State(ids.CLOUD_RECEIVED_DATES, "end_date"),
    State(ids.CLOUD_ENTRY, "value"),
    State(ids.CLOUD_DISTRICT, "value"),
    prevent_initial_call=True,
)
def download_cloud(xlsx_clicks, csv_clicks, start, end, entry, district):
    """The table as shown, as xlsx (formatted, totals row) or csv (UTF-8 with BOM)."""
    if ctx.triggered_id not in (ids.CLOUD_XLSX, ids.CLOUD_CSV) or not (xlsx_clicks or csv_clicks):
        return no_update
    t = request_translator()
    f = _cloud_filter(start, end, entry, district)
    with session_scope() as s:
        report = cloud_signing_usage(s, current_actor(), f)
    columns = views.cloud_columns(t)
    rows, totals = views.cloud_values(t, report)
    now = datetime.now(timezone.utc)
    period = f"{f.received_from or ''}..{f.received_to or ''}"
    stem = t("Cloud-signing usage {period}", period=period)
    if ctx.triggered_id == ids.CLOUD_CSV:
        return dcc.send_bytes(stats_csv(columns, rows, totals), f"{stem}.csv", type=CSV)
    note = t("Received {period}; generated {moment}", period=period, moment=t.datetime(now))
    return dcc.send_bytes(stats_xlsx(t("Cloud-signing usage"), note, columns, rows, totals, now), f"{stem}.xlsx",
                          type=XLSX)


# --- trends -----------------------------------------------------------------------------------------


def render_trends(actor: Actor, t: Translator, **_query):
    today = china_today()
    months = [months_back(today, n) for n in range(MONTHS_OFFERED - 1, -1, -1)]
    with session_scope() as s:
        choices = stats_choices(s, actor)
    return views.trends_page(t, choices, months, months_back(today, 11), month_of(today))


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

