"""Explorer glue (统计分析): the view from the URL or the panel, its chart, pivot and notes; saved views; clicks that
filter; the Excel download."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from dash import Input, Output, State, ctx, dcc, no_update

from auth.permissions import Perm
from callbacks.page import MENU_STATS, PageRequest, PageSpec, page_callback
from dashboard.core.clock import china_today
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor, NotFound
from data.statistics.explorer import explore, period_bounds, stale_codes
from data.statistics.explorer_view import DISTRICT, FILTERS, PERIOD, View, read_view
from data.statistics.periods import last_twelve_months
from data.statistics.reports import stats_choices
from data.statistics.saved_views import ViewInvalid, delete_view, list_views, open_view, save_view
from data.statistics.sums import district_tree
from exports.tables.list_export import XLSX
from exports.tables.pivot import pivot_xlsx
from layouts.statistics import explorer as views
from layouts.statistics import ids
from layouts.statistics.explorer_figures import explorer_figure


def render_explorer(actor: Actor, t: Translator, **query):
    """The page; a view may come from the URL (its parameters, as the page's "link to this view" writes them)."""
    view, problems = read_view(query)
    lo, hi = _period(view)
    with session_scope() as s:
        choices = stats_choices(s, actor)
        saved = list_views(s, actor)
    return views.explorer_page(t, choices, view, lo, hi, views.problem_notes(t, problems, query), saved)


PAGE = PageSpec("stats_explorer", views.PATH, N_("Explorer"), Perm.STATS_VIEW, ids.EXPLORER, render_explorer,
                menu_group=MENU_STATS, order=205)

CONTROLS = {  # a view's parameter -> the control holding it
    "measure": (ids.EXPLORER_MEASURE, "value"), "rows": (ids.EXPLORER_ROWS, "value"),
    "columns": (ids.EXPLORER_COLUMNS, "value"), "district": (ids.EXPLORER_DISTRICT, "value"),
    "level": (ids.EXPLORER_LEVEL, "value"), "date_from": (ids.EXPLORER_DATES, "start_date"),
    "date_to": (ids.EXPLORER_DATES, "end_date"), "grain": (ids.EXPLORER_GRAIN, "value"),
    "cert_type": (ids.EXPLORER_TYPE, "value"), "dest": (ids.EXPLORER_DEST, "value"),
    "region": (ids.EXPLORER_REGION, "value"), "entry": (ids.EXPLORER_ENTRY, "value"),
    "signing": (ids.EXPLORER_SIGNING, "value"), "status": (ids.EXPLORER_STATUS, "value"),
    "currency": (ids.EXPLORER_CURRENCY, "value"),
    "compare": (ids.EXPLORER_COMPARE, "value"), "order": (ids.EXPLORER_ORDER, "value"),
    "chart": (ids.EXPLORER_CHART_TYPE, "value"),
}
FILTER_CONTROLS = {DISTRICT: "district", **{name: name for name in FILTERS}}


def _period(view: View) -> tuple:
    start, end = last_twelve_months(china_today())
    return view.date_from or start, view.date_to or end


def view_values(controls: dict[str, Any]) -> dict[str, Any]:
    """The controls' values as `read_view` reads them (a single column as a list, nothing as "")."""
    values = {name: ("" if value is None else value) for name, value in controls.items()}
    values["rows"] = controls.get("rows") or []
    values["columns"] = [controls["columns"]] if controls.get("columns") else []
    return values


def control_values(view: View) -> dict[str, Any]:
    """What each control shows for `view`."""
    lo, hi = _period(view)
    out: dict[str, Any] = {name: (getattr(view, name) or None) for name in CONTROLS
                           if name not in ("rows", "columns", "level", "date_from", "date_to")}
    out.update(rows=list(view.rows), columns=view.columns[0] if view.columns else None,
               level=None if view.level is None else str(view.level), date_from=lo.isoformat(), date_to=hi.isoformat())
    return out


@page_callback(
    output={"graph": Output(ids.EXPLORER_GRAPH, "figure"), "table": Output(ids.EXPLORER_TABLE, "children"),
            "notes": Output(ids.EXPLORER_NOTES, "children"), "summary": Output(ids.EXPLORER_SUMMARY, "children"),
            "link": Output(ids.EXPLORER_LINK, "href")},
    inputs={name: Input(*target) for name, target in CONTROLS.items()}, snapshot=True,
)
def show_view(r: PageRequest, **controls):
    values = view_values(controls)
    view, problems = read_view(values)
    view = _dated(view)
    result = explore(r.s, r.actor, view, china_today())
    return {"graph": explorer_figure(r.t, result), "table": views.pivot_table(r.t, result),
            "notes": views.problem_notes(r.t, problems, values) + views.result_notes(r.t, result,
                                                                                     stale_codes(r.s, view)),
            "summary": views.summary(r.t, result), "link": f"{views.PATH}?{urlencode(view.params())}"}


def _dated(view: View) -> View:
    lo, hi = _period(view)
    return View(**{**view.__dict__, "date_from": lo, "date_to": hi})


@page_callback(
    output=Output(ids.EXPLORER_DOWNLOAD, "data"),
    inputs={"clicks": Input(ids.EXPLORER_XLSX, "n_clicks"),
            **{name: State(*target) for name, target in CONTROLS.items()}},
    prevent_initial_call=True, snapshot=True,
)
def download_view(r: PageRequest, clicks, **controls):
    """The pivot as shown (every row, not only the page's first ones) as xlsx."""
    if not clicks:
        return no_update
    t = r.t
    view = _dated(read_view(view_values(controls))[0])
    result = explore(r.s, r.actor, view, china_today())
    label_headers, value_headers, lines, kinds = views.pivot_lines(t, result)
    now = datetime.now(timezone.utc)
    title = t("Explorer")
    note = f"{views.summary(t, result)} · {t('generated {moment}', moment=t.datetime(now))}"
    data = pivot_xlsx(title, note, label_headers, value_headers, lines, kinds[0] if kinds else "count", now, kinds)
    return dcc.send_bytes(data, f"{title} {result.lo}..{result.hi}.xlsx", type=XLSX)


@page_callback(
    output={"options": Output(ids.EXPLORER_VIEWS, "options"), "message": Output(ids.EXPLORER_VIEW_MESSAGE, "children"),
            "chosen": Output(ids.EXPLORER_VIEWS, "value")},
    inputs={"save": Input(ids.EXPLORER_VIEW_SAVE, "n_clicks"), "delete": Input(ids.EXPLORER_VIEW_DELETE, "n_clicks"),
            "name": State(ids.EXPLORER_VIEW_NAME, "value"), "shared": State(ids.EXPLORER_VIEW_SHARED, "value"),
            "opened": State(ids.EXPLORER_VIEWS, "value"),
            **{name: State(*target) for name, target in CONTROLS.items()}},
    prevent_initial_call=True,
)
def keep_view(r: PageRequest, save, delete, name, shared, opened, **controls):
    """Save the view shown under a name (again: it replaces the earlier one), or delete the one opened."""
    t = r.t
    if ctx.triggered_id == ids.EXPLORER_VIEW_SAVE and save:
        try:
            row, new = save_view(r.s, r.actor, name, view_values(controls), bool(shared))
        except ViewInvalid as exc:
            reason = next(iter(exc.errors.values()), "empty")
            return {"message": views.view_message(t, reason)}
        message = views.view_message(t, "saved" if new else "replaced", name=row.name)
        chosen: Any = str(row.id)
    elif ctx.triggered_id == ids.EXPLORER_VIEW_DELETE and delete:
        if not opened:
            return {"message": views.view_message(t, "not_found")}
        try:
            message = views.view_message(t, "deleted", name=delete_view(r.s, r.actor, opened))
        except NotFound:
            return {"message": views.view_message(t, "not_yours")}
        chosen = None
    else:
        return no_update
    return {"options": views.saved_options(t, list_views(r.s, r.actor)), "message": message, "chosen": chosen}


@page_callback(
    output={**{name: Output(*target) for name, target in CONTROLS.items()},
            "notes": Output(ids.EXPLORER_LINK_NOTES, "children"), "name": Output(ids.EXPLORER_VIEW_NAME, "value"),
            "shared": Output(ids.EXPLORER_VIEW_SHARED, "value")},
    inputs={"opened": Input(ids.EXPLORER_VIEWS, "value"), "reset": Input(ids.EXPLORER_RESET, "n_clicks"),
            "click": Input(ids.EXPLORER_GRAPH, "clickData")},
    prevent_initial_call=True,
)
def set_controls(r: PageRequest, opened, reset, click):
    """Open a saved view, reset the panel, or filter by what a bar, cell or country of the chart stands for."""
    trigger = ctx.triggered_id
    if trigger == ids.EXPLORER_VIEWS:
        if not opened:
            return no_update
        try:
            row = open_view(r.s, r.actor, opened)
        except NotFound:
            return {"notes": views.view_note(r.t, "not_found")}
        view, problems = read_view(row.params)
        return {**control_values(view), "notes": views.problem_notes(r.t, problems, row.params), "name": row.name,
                "shared": row.shared}
    if trigger == ids.EXPLORER_RESET:
        return {**control_values(View(district=district_tree(r.s, r.actor).default_root() or "")), "notes": [],
                "name": None, "shared": False}
    if trigger == ids.EXPLORER_GRAPH:
        return _clicked(click)
    return no_update


def _clicked(click) -> Any:
    """The controls a chart click sets: a district drills down the tree, a period sets the dates, another
    value becomes its filter (a map's country: the destination)."""
    points = (click or {}).get("points") or [{}]
    custom = points[0].get("customdata") if isinstance(points[0], dict) else None
    if not isinstance(custom, list) or len(custom) < 2 or not all(isinstance(x, (str, type(None))) for x in custom):
        return no_update
    dim, key = custom[0], custom[1]
    if dim == PERIOD and key:
        try:
            lo, hi = period_bounds(key, _grain_of(key))
        except (ValueError, IndexError):
            return no_update
        return {"date_from": lo.isoformat(), "date_to": hi.isoformat()}
    if dim in FILTER_CONTROLS and key:
        return {FILTER_CONTROLS[dim]: key}
    return no_update


def _grain_of(key: str) -> str:
    """The grain a period key is written in (2026-03-05, 2026-W10, 2026-03, 2026-Q1, 2026)."""
    if "W" in key:
        return "week"
    if "Q" in key:
        return "quarter"
    return {10: "day", 7: "month", 4: "year"}.get(len(key), "day")
