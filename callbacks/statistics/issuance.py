"""Issuance by district glue: filters from the URL or the panel, the report, drilling down the district tree."""
from __future__ import annotations

from dataclasses import replace

from dash import ALL, Input, Output, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_date, as_text
from callbacks.page import MENU_STATS, PageSpec
from dashboard.core.clock import china_today
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.statistics.periods import last_twelve_months
from data.statistics.reports import (
    IssuanceFilter,
    district_tree,
    issuance_by_district,
    stats_choices,
)
from layouts.statistics import ids
from layouts.statistics import issuance as views

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


PAGE = PageSpec(
    "stats_issuance", "/stats/issuance", N_("Issuance by district"), Perm.STATS_VIEW, ids.ISSUANCE, render_issuance,
    menu_group=MENU_STATS, order=200)


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
