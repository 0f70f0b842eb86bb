"""Cloud-signing usage glue: the report as a table or chart, reset, and xlsx / csv downloads."""
from __future__ import annotations

from datetime import datetime, timezone

from dash import Input, Output, State, ctx, dcc, no_update

from auth.permissions import Perm
from callbacks.inputs import as_date, as_text
from callbacks.page import MENU_STATS, PageRequest, PageSpec, page_callback
from dashboard.core.clock import china_today
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.statistics.periods import last_twelve_months
from data.statistics.reports import (
    CloudFilter,
    cloud_signing_usage,
    stats_choices,
)
from data.statistics.sums import district_tree
from exports.tables.list_export import XLSX
from exports.tables.statistics import CSV, stats_csv, stats_xlsx
from layouts.statistics import cloud as views
from layouts.statistics import ids

# --- cloud-signing usage ---------------------------------------------------------------------------


def render_cloud(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        choices = stats_choices(s, actor)
    return views.cloud_page(t, choices, last_twelve_months(china_today()))


PAGE = PageSpec(
    "stats_cloud", "/stats/cloud-signing", N_("Cloud-signing usage"), Perm.STATS_VIEW, ids.CLOUD, render_cloud,
    menu_group=MENU_STATS, order=220)


def _cloud_filter(start, end, entry, district) -> CloudFilter:
    return CloudFilter(as_date(start), as_date(end), as_text(entry) or None, as_text(district) or None)


CLOUD_FILTERS = {"start": (ids.CLOUD_RECEIVED_DATES, "start_date"), "end": (ids.CLOUD_RECEIVED_DATES, "end_date"),
                 "entry": (ids.CLOUD_ENTRY, "value"), "district": (ids.CLOUD_DISTRICT, "value")}


@page_callback(output={"table": Output(ids.CLOUD_TABLE, "children"), "chart": Output(ids.CLOUD_CHART, "figure")},
               inputs={name: Input(*target) for name, target in CLOUD_FILTERS.items()}, snapshot=True)
def show_cloud(r: PageRequest, start, end, entry, district):
    report = cloud_signing_usage(r.s, r.actor, _cloud_filter(start, end, entry, district))
    return {"table": views.cloud_table(r.t, report), "chart": views.cloud_figure(r.t, report)}


@page_callback(output={name: Output(*target) for name, target in CLOUD_FILTERS.items()},
               inputs={"reset": Input(ids.CLOUD_RESET, "n_clicks")}, prevent_initial_call=True)
def reset_cloud(r: PageRequest, reset):
    start, end = last_twelve_months(china_today())
    return {"start": start.isoformat(), "end": end.isoformat(), "entry": None,
            "district": district_tree(r.s, r.actor).default_root()}


@page_callback(
    output=Output(ids.CLOUD_DOWNLOAD, "data"),
    inputs={"xlsx_clicks": Input(ids.CLOUD_XLSX, "n_clicks"), "csv_clicks": Input(ids.CLOUD_CSV, "n_clicks"),
            "start": State(ids.CLOUD_RECEIVED_DATES, "start_date"), "end": State(ids.CLOUD_RECEIVED_DATES, "end_date"),
            "entry": State(ids.CLOUD_ENTRY, "value"), "district": State(ids.CLOUD_DISTRICT, "value")},
    prevent_initial_call=True, snapshot=True,
)
def download_cloud(r: PageRequest, xlsx_clicks, csv_clicks, start, end, entry, district):
    """The table as shown, as xlsx (formatted, totals row) or csv (UTF-8 with BOM)."""
    if ctx.triggered_id not in (ids.CLOUD_XLSX, ids.CLOUD_CSV) or not (xlsx_clicks or csv_clicks):
        return no_update
    t = r.t
    f = _cloud_filter(start, end, entry, district)
    report = cloud_signing_usage(r.s, r.actor, f)
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
