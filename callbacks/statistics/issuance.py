"""Issuance by district glue: filters from the URL or the panel, the report, drilling down the district tree."""
from __future__ import annotations

from dataclasses import replace

from dash import ALL, Input, Output, ctx, no_update

from auth.permissions import Perm
from callbacks.inputs import as_date, as_text
from callbacks.page import MENU_STATS, PageRequest, PageSpec, page_callback
from dashboard.core.clock import china_today
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.statistics.periods import last_twelve_months
from data.statistics.reports import (
    IssuanceFilter,
    issuance_by_district,
    stats_choices,
)
from data.statistics.sums import district_tree
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


FILTERS = {  # the panel's filters, in the order IssuanceFilter takes them
    "issue_from": (ids.ISSUANCE_ISSUE_DATES, "start_date"), "issue_to": (ids.ISSUANCE_ISSUE_DATES, "end_date"),
    "received_from": (ids.ISSUANCE_RECEIVED_DATES, "start_date"),
    "received_to": (ids.ISSUANCE_RECEIVED_DATES, "end_date"),
    "district": (ids.ISSUANCE_DISTRICT, "value"), "cert_type": (ids.ISSUANCE_TYPE, "value"),
    "dest": (ids.ISSUANCE_DEST, "value"), "entry": (ids.ISSUANCE_ENTRY, "value"),
    "signing": (ids.ISSUANCE_SIGNING, "value"), "status": (ids.ISSUANCE_STATUS, "value"),
}


@page_callback(
    output={"chart": Output(ids.ISSUANCE_CHART, "figure"), "table": Output(ids.ISSUANCE_TABLE, "children"),
            "crumbs": Output(ids.ISSUANCE_CRUMBS, "children"), "total": Output(ids.ISSUANCE_TOTAL, "children"),
            "records": Output(ids.ISSUANCE_RECORDS, "children")},
    inputs={name: Input(*target) for name, target in FILTERS.items()}, snapshot=True,
)
def show_issuance(r: PageRequest, **filters):
    f = _issuance_filter(*(filters[name] for name in FILTERS))
    report = issuance_by_district(r.s, r.actor, f)
    return {"chart": views.issuance_figure(r.t, report), "table": views.issuance_table(r.t, report, f),
            "crumbs": views.issuance_crumbs(r.t, report, r.actor.is_admin), "total": views.issuance_total(r.t, report),
            "records": views.issuance_records(r.t, report, f)}


@page_callback(
    output={name: Output(*FILTERS[name]) for name in ("district", *(k for k in FILTERS if k != "district"))},
    inputs={"click": Input(ids.ISSUANCE_CHART, "clickData"),
            "crumbs": Input({"type": ids.ISSUANCE_CRUMB, "district": ALL}, "n_clicks"),
            "drills": Input({"type": ids.ISSUANCE_DRILL, "district": ALL}, "n_clicks"),
            "reset": Input(ids.ISSUANCE_RESET, "n_clicks")},
    prevent_initial_call=True,
)
def drill(r: PageRequest, click, crumbs, drills, reset):
    """A bar, a breadcrumb or a table row's button sets the district shown; Reset restores every filter."""
    trigger = ctx.triggered_id
    if trigger == ids.ISSUANCE_RESET:
        start, end = last_twelve_months(china_today())
        return {**dict.fromkeys(FILTERS), "district": district_tree(r.s, r.actor).default_root(),
                "issue_from": start.isoformat(), "issue_to": end.isoformat()}
    if trigger == ids.ISSUANCE_CHART:
        points = (click or {}).get("points") or [{}]
        custom = points[0].get("customdata") if isinstance(points[0], dict) else None
        code = custom[0] if isinstance(custom, list) and custom and isinstance(custom[0], str) else None
        return {"district": code} if code else no_update
    if isinstance(trigger, dict) and any(item.get("value") for item in ctx.triggered):
        return {"district": as_text(trigger.get("district")) or None}
    return no_update
