"""统计分析: the explorer page. A panel of what to count and by what, the chart, the pivot with subtotals (each
cell a link to its certificates), saved views and a link that reproduces the view, the Excel download."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.reference.regions import BLOCS, CONTINENTS
from data.statistics.explorer import TOTAL, PivotRow, Result, period_bounds
from data.statistics.explorer_view import (
    CERTIFICATE,
    CHARTS,
    DIMENSIONS,
    DISTRICT,
    GRAIN_LABELS,
    GRAINS,
    MEASURES,
    PERIOD,
    PERIOD_MEANING,
    View,
)
from data.statistics.reports import CERT_STATUSES, ENTRY_METHODS, Choices
from data.statistics.saved_views import SavedViewRow
from data.statistics.sums import SIGNING_METHODS
from data.statistics.targets import misses
from exports.tables.pivot import PivotLine
from layouts.common import copy_of, date_range, dropdown_labels, page_header, query_string
from layouts.statistics import ids
from layouts.statistics.charts import RECORDS_PATH, code_options, district_options, filter_dropdown, labelled_control
from layouts.statistics.explorer_figures import CODE_LABELS, explorer_graph, key_label, value_text

PATH = "/stats/explorer"
MAX_TABLE_ROWS = 300  # rows shown on the page; the Excel file holds them all
CHART_LABELS = {"auto": N_("Chosen to fit"), "bar": N_("Bars"), "stacked": N_("Stacked bars"), "line": N_("Lines"),
                "heatmap": N_("Heat map"), "treemap": N_("Treemap"), "map": N_("World map")}
COMPARE_LABELS = {"": N_("No comparison"), "previous": N_("The period before"), "year": N_("The year before")}
ORDER_LABELS = {"value": N_("Highest first"), "change": N_("Largest change first"), "label": N_("By name")}
PROBLEMS = {  # read_view's reasons
    "unknown": N_("{field}: “{value}” is not one of the choices; it is left out."),
    "format": N_("{field}: the value cannot be read; it is left out."),
    "bad_date": N_("{field}: not a date (YYYY-MM-DD); it is left out."),
    "date_order": N_("{field}: the period ends before it starts; its end is left out."),
    "not_for_measure": N_("{field}: this measure cannot be split or filtered by it; it is left out."),
    "too_many": N_("{field}: at most two row dimensions and one column dimension; the others are left out."),
    "repeated": N_("{field}: a dimension is used once; the repeat is left out."),
    "per_currency": N_("{field}: the value of goods is shown per currency, so the currency takes the columns."),
}
FIELDS = {"measure": N_("Measure"), "rows": N_("Rows"), "columns": N_("Columns"), "district": N_("Customs district"),
          "level": N_("District level"), "date_from": N_("From"), "date_to": N_("To"), "grain": N_("Period by"),
          "chart": N_("Chart"), "compare": N_("Compare with"), "order": N_("Order"), "cert_type": N_("Certificate type"),
          "dest": N_("Destination"), "region": N_("Region"), "entry": N_("Entry method"),
          "signing": N_("Signing method"), "status": N_("Certificate status"), "currency": N_("Currency")}
STALE = N_("{field}: “{value}” no longer exists; the view shows what is counted under it, if anything.")
NOT_FOUND = N_("The customs district “{value}” is not among yours (or no longer exists): nothing is shown.")
VIEW_MESSAGES = {"saved": N_("Saved “{name}”."), "replaced": N_("Saved “{name}” again (it replaces the earlier one)."),
                 "deleted": N_("Deleted “{name}”."), "empty": N_("Give the view a name."),
                 "too_long": N_("The name is too long (at most 64 characters)."),
                 "not_found": N_("That saved view is not found (deleted, or not shared with you)."),
                 "not_yours": N_("Only its owner deletes a saved view."), "duplicate": N_("Try again.")}


def _options(t: Translator, labels: Mapping[str, str], codes: Sequence[str]) -> list[dict]:
    return [{"label": t(labels[c]), "value": c} for c in codes]


def level_options(t: Translator, choices: Choices) -> list[dict]:
    depths = sorted({d.depth for d in choices.districts})
    names = {0: t("Direct customs (直属海关)"), 1: t("Subordinate customs houses (隶属海关)")}
    return [{"label": names.get(d, t("Level {n}", n=d + 1)), "value": str(d)} for d in depths]


def saved_options(t: Translator, saved: Sequence[SavedViewRow]) -> list[dict]:
    return [{"label": row.name if row.mine else t("{name} (shared by {owner})", name=row.name, owner=row.owner),
             "value": str(row.id)} for row in saved]


def explorer_page(t: Translator, choices: Choices, view: View, lo: date, hi: date, link_notes: list,
                  saved: Sequence[SavedViewRow], opened: int | None = None) -> html.Div:
    def dropdown(component_id, options, value, placeholder, **kw):
        return filter_dropdown(t, component_id, options, placeholder, value, **kw)

    dims = _options(t, DIMENSIONS, tuple(DIMENSIONS))
    regions = ([{"label": t(CONTINENTS[c][0]), "value": c} for c in CONTINENTS]
               + [{"label": t(BLOCS[c][0]), "value": c} for c in BLOCS])
    what = dbc.Row([
        labelled_control(t("Measure"), dropdown(ids.EXPLORER_MEASURE, _options(t, {k: m.label for k, m in
                                                                                  MEASURES.items()}, tuple(MEASURES)),
                                                view.measure, t("Measure"), clearable=False), md=3),
        labelled_control(t("Rows"), dcc.Dropdown(id=ids.EXPLORER_ROWS, options=dims, value=list(view.rows), multi=True,
                                                 placeholder=t("No rows"), labels=dropdown_labels(t)), md=3),
        labelled_control(t("Columns"), dropdown(ids.EXPLORER_COLUMNS, dims, view.columns[0] if view.columns else None,
                                                t("No columns")), md=2),
        labelled_control(t("Chart"), dropdown(ids.EXPLORER_CHART_TYPE, _options(t, CHART_LABELS, CHARTS), view.chart,
                                              t("Chart"), clearable=False), md=2),
        labelled_control(t("Order"), dropdown(ids.EXPLORER_ORDER, _options(t, ORDER_LABELS, tuple(ORDER_LABELS)),
                                              view.order, t("Order"), clearable=False), md=2),
    ], className="g-2 mb-2")
    where = dbc.Row([
        labelled_control(t("Customs district"), dropdown(ids.EXPLORER_DISTRICT, district_options(t, choices),
                                                         view.district or choices.default_district, t("All districts")),
                         md=3),
        labelled_control(t("District level"), dropdown(ids.EXPLORER_LEVEL, level_options(t, choices),
                                                       None if view.level is None else str(view.level),
                                                       t("One level below the district")), md=2),
        labelled_control(t("Period"), date_range(t, ids.EXPLORER_DATES, lo.isoformat(), hi.isoformat()), md=3),
        labelled_control(t("Period by"), dropdown(ids.EXPLORER_GRAIN, _options(t, GRAIN_LABELS, GRAINS), view.grain,
                                                  t("Period by"), clearable=False), md=2),
        labelled_control(t("Compare with"), dropdown(ids.EXPLORER_COMPARE, _options(t, COMPARE_LABELS, ("previous",
                                                                                                      "year")),
                                                     view.compare or None, t("No comparison")), md=2),
    ], className="g-2 mb-2")
    filters = dbc.Row([
        labelled_control(t("Certificate type"), dropdown(ids.EXPLORER_TYPE, [
            {"label": f"[{code}] {t.pick(zh, en)}", "value": code} for code, zh, en in choices.cert_types],
            view.cert_type or None, t("All types")), md=2),
        labelled_control(t("Destination"), dropdown(ids.EXPLORER_DEST, [
            {"label": f"{t.pick(zh, en)} ({code})", "value": code} for code, zh, en in choices.countries],
            view.dest or None, t("All destinations")), md=2),
        labelled_control(t("Region"), dropdown(ids.EXPLORER_REGION, regions, view.region or None, t("All regions")),
                         md=2),
        labelled_control(t("Entry method"), dropdown(ids.EXPLORER_ENTRY, code_options(t, CODE_LABELS["entry"],
                                                                                      ENTRY_METHODS),
                                                     view.entry or None, t("All entry methods")), md=2),
        labelled_control(t("Signing method"), dropdown(ids.EXPLORER_SIGNING, code_options(t, CODE_LABELS["signing"],
                                                                                          SIGNING_METHODS),
                                                       view.signing or None, t("All signing methods")), md=2),
        labelled_control(t("Certificate status"), dropdown(ids.EXPLORER_STATUS, code_options(
            t, CODE_LABELS["status"], CERT_STATUSES), view.status or None, t("All statuses")), md=2),
        labelled_control(t("Currency"), dropdown(ids.EXPLORER_CURRENCY, [
            {"label": f"{code} {t.pick(zh, en)}", "value": code} for code, zh, en in choices.currencies],
            view.currency or None, t("All currencies")), md=2),
    ], className="g-2 mb-2")
    views = dbc.Row([
        labelled_control(t("Saved views"), dropdown(ids.EXPLORER_VIEWS, saved_options(t, saved),
                                                    None if opened is None else str(opened), t("Open a saved view")),
                         md=3),
        labelled_control(t("Name of this view"), dbc.Input(id=ids.EXPLORER_VIEW_NAME, maxLength=64, type="text",
                                                           placeholder=t("e.g. Dalian destinations by type")),
                         md=3),
        dbc.Col(dbc.Checkbox(id=ids.EXPLORER_VIEW_SHARED, label=t("Share with my district's managers"), value=False,
                             className="mt-4"), md=2),
        dbc.Col([dbc.Button(t("Save view"), id=ids.EXPLORER_VIEW_SAVE, color="primary", className="mt-4 me-2"),
                 dbc.Button(t("Delete"), id=ids.EXPLORER_VIEW_DELETE, color="danger", outline=True,
                            className="mt-4 me-2"),
                 dbc.Button(t("Reset"), id=ids.EXPLORER_RESET, color="secondary", outline=True, className="mt-4")],
                md=4),
        html.Div(id=ids.EXPLORER_VIEW_MESSAGE, role="status", className="small mt-1"),
    ], className="g-2 mb-3 border-top pt-2")
    return html.Div([
        page_header(t("Explorer"), t("Count what you need by what you need: pick a measure, rows and columns, "
                                     "filters and a period. Click a bar or a country to filter by it; a number in "
                                     "the table opens its certificates.")),
        what, where, filters, views,
        html.Div(link_notes, id=ids.EXPLORER_LINK_NOTES),
        html.Div(id=ids.EXPLORER_NOTES, role="status"),
        explorer_graph(ids.EXPLORER_GRAPH),
        html.Div([
            html.Div(id=ids.EXPLORER_SUMMARY, className="fw-semibold me-auto"),
            html.A(t("Link to this view"), id=ids.EXPLORER_LINK, href=PATH, className="btn btn-link btn-sm"),
            dbc.Button(t("Download Excel"), id=ids.EXPLORER_XLSX, color="primary", size="sm"),
            dcc.Download(id=ids.EXPLORER_DOWNLOAD),
        ], className="d-flex align-items-center gap-2 my-2"),
        html.Div(id=ids.EXPLORER_TABLE),
    ])


# --- notes --------------------------------------------------------------------------------------------


def problem_notes(t: Translator, problems: Mapping[str, str], values: Mapping[str, object]) -> list:
    notes = []
    for field, reason in problems.items():
        message = PROBLEMS.get(reason) or PROBLEMS["format"]
        notes.append(dbc.Alert(t(message, field=t(FIELDS.get(field, field)), value=str(values.get(field, ""))[:40]),
                               color="warning", className="py-1 mb-1"))
    return notes


def view_message(t: Translator, reason: str, **values) -> str:
    message = VIEW_MESSAGES.get(reason) or VIEW_MESSAGES["empty"]
    return t(message, **values)


def view_note(t: Translator, reason: str) -> list:
    return [dbc.Alert(view_message(t, reason), color="warning", className="py-1 mb-1")]


def result_notes(t: Translator, result: Result, stale: Mapping[str, str]) -> list:
    notes = []
    if not result.found:
        notes.append(dbc.Alert(t(NOT_FOUND, value=result.view.district or ""), color="warning", className="py-1 mb-1"))
    for field, code in stale.items():
        notes.append(dbc.Alert(t(STALE, field=t(FIELDS.get(field, field)), value=code), color="info",
                               className="py-1 mb-1"))
    return notes


def summary(t: Translator, result: Result) -> str:
    measure = MEASURES[result.view.measure]
    text = t("{measure}, {lo} to {hi} (by {meaning}): {total}", measure=t(measure.label), lo=t.date(result.lo),
             hi=t.date(result.hi), meaning=t(PERIOD_MEANING[measure.source]),
             total=value_text(t, measure.kind, result.total.values[-1]))
    if result.base_range is not None:
        text += " · " + t("compared with {lo} to {hi}: {total}", lo=t.date(result.base_range[0]),
                          hi=t.date(result.base_range[1]),
                          total=value_text(t, measure.kind, (result.total.base or (None,))[-1]))
    return text


# --- the pivot ----------------------------------------------------------------------------------------


def drill_links(result: Result) -> Callable[[PivotRow, object], str | None]:
    """The link of a cell (its row, its column key; None: the row's total): the certificate query with the cell's
    filters (its keys, the view's filters and period), for measures counted on certificates; a region (which the
    query cannot filter by) drills into the explorer instead. What every cell shares is worked out once: a pivot
    links each of its thousands of cells."""
    view = result.view
    if MEASURES[view.measure].source != CERTIFICATE or not result.found:
        return lambda _row, _column_key: None
    fixed = {"district": view.district, "type": view.cert_type, "entry_method": view.entry,
             "signing_method": view.signing, "status": view.status, "dest": view.dest, "currency": view.currency}
    named = {DISTRICT: "district", "cert_type": "type", "entry": "entry_method", "signing": "signing_method",
             "status": "status", "dest": "dest", "currency": "currency"}
    whole = (result.lo.isoformat(), result.hi.isoformat())

    def region_link(keys: dict) -> str:
        params = {**view.params(), "region": keys.pop("region", None) or view.region, "rows": "dest", "columns": "",
                  "chart": "map"}
        params.update({k: v for k, v in keys.items() if k in ("district", "cert_type", "entry", "signing", "status",
                                                               "currency")})
        return f"{PATH}?{query_string(params)}"

    def link(row: PivotRow, column_key) -> str | None:
        keys = {dim: key for dim, key in zip(view.rows, row.keys) if key is not TOTAL}
        if view.columns and column_key is not None and column_key is not TOTAL:
            keys[view.columns[0]] = column_key
        if "region" in keys or view.region:
            return region_link(keys)
        if keys.get("dest") == "" or keys.get("currency") == "":
            return None  # certificates without a destination or a declared value: the query has no filter for "none"
        if DISTRICT in keys and result.own(str(keys[DISTRICT])):
            return None  # a district's own certificates, without its houses': the query counts the whole subtree
        params = dict(fixed)
        for dim, key in keys.items():
            if dim in named and key:
                params[named[dim]] = key
        lo, hi = whole
        if PERIOD in keys:
            a, b = period_bounds(str(keys[PERIOD]), view.grain)
            lo, hi = max(result.lo, a).isoformat(), min(result.hi, b).isoformat()
        ordered = {"district": params["district"], "issue_from": lo, "issue_to": hi, "type": params["type"],
                   "entry_method": params["entry_method"], "signing_method": params["signing_method"],
                   "status": params["status"], "dest": params["dest"], "currency": params["currency"]}
        return f"{RECORDS_PATH}?{query_string(ordered)}"

    column = view.columns[0] if view.columns else None
    if column not in _PLAIN_COLUMNS or "region" in view.rows or view.region:
        return link
    # the cells of a row differ only in the column's key, which the query takes as one filter: the row's link is
    # written once, with a mark where that filter goes, and each cell's is the mark replaced by its key
    marked, rows_links = query_string({named[column]: _KEY_MARK}), {}
    filters = {key: query_string({named[column]: key}) for key in result.column_keys if key}

    def cell_link(row: PivotRow, column_key) -> str | None:
        if column_key not in filters:  # the row's total, a cell without a key
            return link(row, column_key)
        template = rows_links.get(row.keys, _KEY_MARK)
        if template is _KEY_MARK:
            template = rows_links[row.keys] = link(row, _KEY_MARK)
        return template.replace(marked, filters[column_key]) if template else None

    return cell_link


# columns whose key is one filter of the certificate query, the same in every cell's link but for its value (not the
# district: a district's own cells have no link; not the period: its bounds; not the region: the explorer's link)
_PLAIN_COLUMNS = frozenset({"cert_type", "entry", "signing", "status", "dest", "currency"})
_KEY_MARK = "\x00key"  # no key or value has it


def _delta(t: Translator, kind: str, value: float | None, base: float | None):
    if base is None and value is None:
        return None
    if kind == "share":
        change = (value or 0) - (base or 0)
        text = f"{change * 100:+.1f} pt"
    elif base:
        change = ((value or 0) - base) / base
        text = f"{change:+.1%}"
    else:
        change, text = 1.0, t("new")
    arrow, color = ("▲", "text-success") if change > 0 else ("▼", "text-danger") if change < 0 else ("＝", "text-muted")
    return copy_of(_DELTA, children=f"{arrow} {text}", className=f"small {color}")


# the pivot's cells are copies of these (`copy_of`): a compared pivot of 250 rows has some 9,000 components, and
# building each through Dash's constructor took 100 ms, most of the pivot's time
_CELL = html.Td(className="text-end")
_PLAIN = html.Td()
_LINK = html.A(href="")
_DELTA = html.Div(className="")


def _missed_target(result: Result, row: PivotRow, column_key, value: float | None) -> float | None:
    """The target a district's cell misses (None: no district, no target, or met)."""
    view = result.view
    code = None
    if view.rows[:1] == (DISTRICT,) and row.level == 1 and column_key is None:
        code = row.keys[0]
    elif view.columns == (DISTRICT,) and column_key is not None and row.level == 0:
        code = column_key
    target = result.targets.get(str(code)) if code is not None else None
    return target if misses(view.measure, value, target) else None


def pivot_table(t: Translator, result: Result):
    view = result.view
    kind = MEASURES[view.measure].kind
    if not result.found or result.cells.empty:
        return html.P(t("No figures for this view."), className="text-muted")
    column_labels = [key_label(t, result, view.columns[0], k) for k in result.column_keys] if view.columns else []
    ranks = ranking(result)
    header = [html.Th(t("Rank"), scope="col")] if ranks else []
    header += [html.Th(t(DIMENSIONS[d]), scope="col") for d in view.rows]
    header += [html.Th(label, scope="col", className="text-end") for label in column_labels]
    header.append(html.Th(t("Total"), scope="col", className="text-end"))
    body = []
    drill = drill_links(result)
    rows = list(result.body)
    cut = len(rows) > MAX_TABLE_ROWS + 1
    for row in (rows[:MAX_TABLE_ROWS] + rows[-1:]) if cut else rows:
        cells = [html.Td(_rank_cell(t, ranks.get(row.keys[0]) if row.level == 1 else None))] if ranks else []
        for i, dim in enumerate(view.rows):
            key = row.keys[i]
            if i < row.level:
                cells.append(copy_of(_PLAIN, children=key_label(t, result, dim, key)))
            elif i == row.level:
                cells.append(html.Td(t("Total") if row.level == 0 else t("Subtotal"), className="fst-italic"))
            else:
                cells.append(copy_of(_PLAIN, children=""))
        for j, column_key in enumerate([*result.column_keys, None]):
            value = row.values[j]
            href = drill(row, column_key) if value else None
            shown = value_text(t, kind, value)
            content = [copy_of(_LINK, children=shown, href=href) if href else shown]
            missed = _missed_target(result, row, column_key, value) if result.targets else None
            if missed is not None:
                content.append(html.Span(t("Misses its target ({target})", target=value_text(t, kind, missed)),
                                         className="badge text-bg-warning ms-1"))
            if row.base is not None:
                content.append(_delta(t, kind, value, row.base[j]))
            cells.append(copy_of(_CELL, children=content))
        style = "fw-bold border-top border-2" if row.level == 0 else "fw-semibold" if row.level < len(view.rows) else None
        body.append(html.Tr(cells, className=style))
    table = dbc.Table([html.Thead(html.Tr(header)), html.Tbody(body)], bordered=False, hover=True, size="sm",
                      responsive=True, className="mb-2")
    if cut:
        return html.Div([table, html.P(t("The first {n} rows are shown; the Excel file holds them all.",
                                         n=MAX_TABLE_ROWS), className="small text-muted")])
    return table


def ranking(result: Result) -> dict[str, tuple[int, int | None]]:
    """A district ranking with movement: district -> (rank now, rank in the comparison period or None), when the
    rows are districts compared with an earlier period; else empty."""
    view = result.view
    if view.rows[:1] != (DISTRICT,) or not view.compare:
        return {}
    firsts = [row for row in result.body if row.level == 1]

    def ranks(values: dict[str, float | None]) -> dict[str, int]:
        ordered = sorted((v, k) for k, v in values.items() if v is not None)
        ordered.reverse()
        higher_is_better = MEASURES[view.measure].kind != "hours" and view.measure != "backlog"
        if not higher_is_better:
            ordered.reverse()
        return {k: n for n, (_v, k) in enumerate(ordered, start=1)}

    now = ranks({str(r.keys[0]): r.values[-1] for r in firsts})
    before = ranks({str(r.keys[0]): r.base[-1] if r.base else None for r in firsts})
    return {k: (n, before.get(k)) for k, n in now.items()}


def _rank_cell(t: Translator, rank: tuple[int, int | None] | None):
    if rank is None:
        return ""
    now, before = rank
    if before is None:
        return [str(now), html.Span(" " + t("new"), className="small text-muted")]
    moved = before - now
    arrow, color = ("▲", "text-success") if moved > 0 else ("▼", "text-danger") if moved < 0 else ("＝", "text-muted")
    return [str(now), html.Span(f" {arrow}{abs(moved) or ''}", className=f"small {color}",
                                title=t("Rank {rank} before", rank=before))]


def pivot_lines(t: Translator, result: Result) -> tuple[list[str], list[str], list[PivotLine], list[str]]:
    """The pivot as the Excel file writes it: label headers, value headers, lines and each value's kind
    (with a comparison: each value, its earlier value and the change)."""
    view = result.view
    kind = MEASURES[view.measure].kind
    keys = [*result.column_keys, None]
    names = [key_label(t, result, view.columns[0], k) for k in result.column_keys] if view.columns else []
    names.append(t("Total"))
    if view.compare:
        earlier = t("The year before") if view.compare == "year" else t("The period before")
        headers, kinds = [], []
        for name in names:
            headers += [name, f"{name} · {earlier}", f"{name} · {t('Change')}"]
            kinds += [kind, kind, "change" if kind != "share" else "share"]
    else:
        headers, kinds = names, [kind] * len(names)
    lines = []
    for row in result.body:
        labels = tuple(key_label(t, result, dim, row.keys[i]) if i < row.level
                       else (t("Total") if row.level == 0 else t("Subtotal")) if i == row.level else ""
                       for i, dim in enumerate(view.rows))
        values: list[float | None] = []
        for j, _key in enumerate(keys):
            value = row.values[j]
            if view.compare:
                base = row.base[j] if row.base else None
                change = ((value or 0) - (base or 0) if kind == "share" else
                          ((value or 0) - base) / base if base else None)
                values += [value, base, change]
            else:
                values.append(value)
        lines.append(PivotLine(row.level, labels, tuple(values)))
    return [t(DIMENSIONS[d]) for d in view.rows], headers, lines, kinds
