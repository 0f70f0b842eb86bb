"""The explorer's chart, chosen to fit the view (bar, stacked bar, line, heat map, treemap, world map), drawn
from the pivot's own figures, so a chart of shares or percentiles shows the exact subtotals, never a sum of them.

The world map is a choropleth by ISO 3166 alpha-3 code (pycountry); its geometry, plotly's world_110m
topojson, is served by the app itself from /assets/topojson/ (the graph's `topojsonURL`), as no CDN is
reachable from the app's networks."""
from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import pycountry
from dash import dcc

from dashboard.core.i18n import N_, Translator
from data.core.labels import CERT_STATUS_LABELS
from data.reference.regions import LABELS as REGION_LABELS
from data.statistics.explorer import Result
from data.statistics.explorer_view import DISTRICT, MEASURES, PERIOD
from data.statistics.targets import misses
from layouts.applications.listing import ENTRY_LABELS
from layouts.certificates.view import SIGNING_LABELS
from layouts.statistics.charts import COLORS, district_label, empty_figure, plain, styled_figure

TOPOJSON_URL = "/assets/topojson/"  # plotly.js asks for {topojsonURL}world_110m.json
MAX_CATEGORIES, MAX_SERIES = 40, 12
CODE_LABELS = {"entry": ENTRY_LABELS, "signing": SIGNING_LABELS, "status": CERT_STATUS_LABELS,
               "region": REGION_LABELS}
NO_DESTINATION = N_("No destination")
NO_VALUE = N_("No value declared")


def explorer_graph(graph_id: str) -> dcc.Graph:
    """The chart, its modebar's PNG download named for the explorer, and the map's geometry from the app."""
    return dcc.Graph(id=graph_id, figure=empty_figure(), style={"height": "460px"},
                     config={"displaylogo": False, "responsive": True, "topojsonURL": TOPOJSON_URL,
                             "toImageButtonOptions": {"format": "png", "filename": "certdash-explorer", "scale": 2},
                             "modeBarButtonsToRemove": ["lasso2d", "select2d"]})


def key_label(t: Translator, result: Result, dim: str, key) -> str:
    """A dimension's value as people read it: a district's or type's name, a country, a method, a period."""
    if key is None:
        return ""
    key = str(key)
    if dim == DISTRICT:
        zh, en = result.names.get(DISTRICT, {}).get(key, (key, key))
        label = district_label(t, key, zh, en)
        return t("{district} (itself)", district=label) if result.own(key) else label
    if dim == "cert_type":
        zh, en = result.names.get("cert_type", {}).get(key, (key, key))
        return f"[{key}] {t.pick(zh, en)}"
    if dim == "dest":
        if not key:
            return t(NO_DESTINATION)
        zh, en = result.names.get("dest", {}).get(key, (key, key))
        return f"{t.pick(zh, en)} ({key})"
    if dim == "currency":
        if not key:
            return t(NO_VALUE)
        zh, en = result.names.get("currency", {}).get(key, (key, key))
        return f"{key} {t.pick(zh, en)}"
    if dim in CODE_LABELS:
        return t(CODE_LABELS[dim].get(key, key))
    return key


def value_text(t: Translator, kind: str, value: float | None) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "hours":
        return t.number(round(value, 1))
    if kind == "money":
        return t.amount(value)
    return t.number(int(round(value)))


@dataclass(frozen=True)
class Series:
    key: object  # the series dimension's value (None: the only series)
    name: str
    values: tuple[float | None, ...]
    base: tuple[float | None, ...] | None


@dataclass(frozen=True)
class ChartData:
    x_dim: str | None
    x_keys: tuple
    series_dim: str | None
    series: tuple[Series, ...]
    more_x: int  # categories left out (beyond MAX_CATEGORIES)
    more_series: int


def chart_data(t: Translator, result: Result) -> ChartData:
    """Categories and series from the pivot: the first row dimension along the axis, the column dimension
    (or the second row dimension) as series, each figure as the pivot computed it."""
    view = result.view
    rows, columns = view.rows, view.columns
    if not rows:  # columns only: one bar per column value, from the grand total row
        total = result.total
        keys = result.column_keys[:MAX_CATEGORIES]
        return ChartData(columns[0] if columns else None, tuple(keys), None, (Series(
            None, t(MEASURES[view.measure].label), tuple(total.values[:len(keys)]),
            tuple(total.base[:len(keys)]) if total.base else None),), max(0, len(result.column_keys) - len(keys)), 0)
    firsts = [row for row in result.body if row.level == 1]
    x_keys = tuple(row.keys[0] for row in firsts)
    if PERIOD == rows[0] and result.periods:
        x_keys = tuple(result.periods)
    shown = x_keys[:MAX_CATEGORIES] if PERIOD != rows[0] else x_keys
    by_key = {row.keys[0]: row for row in firsts}
    if columns:
        series_keys = result.column_keys[:MAX_SERIES]
        series = tuple(Series(k, key_label(t, result, columns[0], k),
                              tuple(_at(by_key.get(x), result.column_keys.index(k)) for x in shown),
                              tuple(_at(by_key.get(x), result.column_keys.index(k), base=True) for x in shown)
                              if view.compare else None) for k in series_keys)
        return ChartData(rows[0], shown, columns[0], series, len(x_keys) - len(shown),
                         len(result.column_keys) - len(series_keys))
    if len(rows) == 2:
        cells = [row for row in result.body if row.level == 2]
        totals: dict = {}
        for row in cells:
            totals[row.keys[1]] = totals.get(row.keys[1], 0) + (row.values[-1] or 0)
        series_keys = sorted(totals, key=lambda k: -totals[k])[:MAX_SERIES]
        grid = {(row.keys[0], row.keys[1]): row for row in cells}
        series = tuple(Series(k, key_label(t, result, rows[1], k),
                              tuple(_at(grid.get((x, k)), -1) for x in shown),
                              tuple(_at(grid.get((x, k)), -1, base=True) for x in shown) if view.compare else None)
                       for k in series_keys)
        return ChartData(rows[0], shown, rows[1], series, len(x_keys) - len(shown), len(totals) - len(series_keys))
    series = (Series(None, t(MEASURES[view.measure].label), tuple(_at(by_key.get(x), -1) for x in shown),
                     tuple(_at(by_key.get(x), -1, base=True) for x in shown) if view.compare else None),)
    return ChartData(rows[0], shown, None, series, len(x_keys) - len(shown), 0)


def _at(row, index: int, base: bool = False) -> float | None:
    if row is None:
        return None
    values = row.base if base else row.values
    return values[index] if values is not None else None


def chart_kind(result: Result) -> str:
    """The chart the view asks for, or the one that fits it ("auto")."""
    view = result.view
    if view.chart != "auto":
        return view.chart
    count = MEASURES[view.measure].kind == "count"
    if view.rows and view.rows[0] == PERIOD:
        return "line"
    if len(view.dimensions) >= 2:
        wide = len(result.column_keys) > MAX_SERIES or len([r for r in result.body if r.level == 1]) > MAX_SERIES
        return "heatmap" if wide else "stacked" if count else "bar"
    return "bar"


def explorer_figure(t: Translator, result: Result) -> go.Figure:
    view = result.view
    measure = MEASURES[view.measure]
    if not result.found:
        return empty_figure(t("This district is not among yours; nothing is shown."))
    if result.cells.empty:
        return empty_figure(t("No figures for this view."))
    kind = chart_kind(result)
    if kind == "map":
        return _map(t, result)
    data = chart_data(t, result)
    x_labels = [plain(key_label(t, result, data.x_dim, k)) for k in data.x_keys] if data.x_dim else [""]
    title = t(measure.label)
    if data.more_x or data.more_series:
        title += " · " + t("the first {n} shown", n=len(data.x_keys) if data.more_x else len(data.series))
    fig = go.Figure()
    if kind == "heatmap":
        fig.add_trace(go.Heatmap(x=[plain(s.name) for s in data.series], y=x_labels,
                                 z=[[s.values[i] for s in data.series] for i in range(len(data.x_keys))],
                                 colorscale="Blues", hovertemplate="%{y}<br>%{x}<br>%{z}<extra></extra>",
                                 customdata=[[[data.x_dim, x] for _s in data.series] for x in data.x_keys]))
        return styled_figure(fig, title, yaxis={"autorange": "reversed"})
    if kind == "treemap":
        return _treemap(t, result, data, title)
    for n, s in enumerate(data.series):
        color = COLORS[n % len(COLORS)]
        custom = [[data.x_dim, x, data.series_dim, s.key] for x in data.x_keys]
        if kind == "line":
            values = [0 if v is None and measure.kind == "count" else v for v in s.values]
            fig.add_trace(go.Scatter(x=x_labels, y=values, name=plain(s.name), mode="lines+markers",
                                     line={"color": color}, customdata=custom))
        else:
            fig.add_trace(go.Bar(x=x_labels, y=list(s.values), name=plain(s.name), marker_color=color,
                                 customdata=custom))
        if s.base is not None and len(data.series) == 1:
            label = t("The year before") if view.compare == "year" else t("The period before")
            trace = go.Scatter if kind == "line" else go.Bar
            style = {"line": {"color": "#999", "dash": "dot"}} if kind == "line" else {"marker_color": "#c7c7c7"}
            fig.add_trace(trace(x=x_labels, y=list(s.base), name=label, **style))
    if data.x_dim == DISTRICT and len(data.series) == 1 and result.targets and kind != "line":
        _mark_targets(t, fig, result, data, x_labels)
    layout: dict = {"barmode": "stack" if kind == "stacked" and measure.kind == "count" else "group",
                    "showlegend": len(fig.data) > 1}
    if measure.kind == "share":
        layout["yaxis"] = {"tickformat": ".0%"}
    return styled_figure(fig, title, **layout)


def _mark_targets(t: Translator, fig: go.Figure, result: Result, data: ChartData, x_labels: list[str]) -> None:
    """Bars of districts that miss their target in red, and each target as a tick beside its bar."""
    targets = [result.targets.get(str(x)) for x in data.x_keys]
    values = data.series[0].values
    fig.data[0].marker.color = ["#d62728" if misses(result.view.measure, v, target) else COLORS[0]
                                for v, target in zip(values, targets)]
    fig.add_trace(go.Scatter(x=x_labels, y=targets, mode="markers", name=t("Target"),
                             marker={"symbol": "line-ew-open", "size": 28, "color": "#333",
                                     "line": {"width": 3, "color": "#333"}}))


def _treemap(t: Translator, result: Result, data: ChartData, title: str) -> go.Figure:
    if MEASURES[result.view.measure].kind != "count":
        return empty_figure(t("A treemap shows counts; choose a count, or another chart."))
    ids, labels, parents, values = [], [], [], []
    for i, x in enumerate(data.x_keys):
        total = sum(v or 0 for s in data.series for v in (s.values[i],))
        ids.append(f"x{i}")
        labels.append(plain(key_label(t, result, data.x_dim, x)))
        parents.append("")
        values.append(total)
        if data.series_dim is not None:
            for j, s in enumerate(data.series):
                ids.append(f"x{i}s{j}")
                labels.append(plain(s.name))
                parents.append(f"x{i}")
                values.append(s.values[i] or 0)
    fig = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, values=values, branchvalues="total"))
    return styled_figure(fig, title)


def iso3(alpha2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return country.alpha_3 if country is not None else None


def _map(t: Translator, result: Result) -> go.Figure:
    view = result.view
    measure = MEASURES[view.measure]
    if view.rows[:1] == ("dest",):
        pairs = [(row.keys[0], row.values[-1]) for row in result.body if row.level == 1]
    elif view.columns == ("dest",):
        pairs = list(zip(result.column_keys, result.total.values))
    else:
        return empty_figure(t("The map needs Destination first among the rows, or as the columns."))
    total = result.total.values[-1] or 0
    codes, values, texts, custom = [], [], [], []
    for key, value in pairs:
        code = iso3(str(key))
        if code is None or value is None:
            continue
        codes.append(code)
        values.append(value)
        share = f" · {value / total:.1%}" if measure.kind == "count" and total else ""
        texts.append(f"{plain(key_label(t, result, 'dest', key))}<br>{value_text(t, measure.kind, value)}{share}")
        custom.append(["dest", key])
    if not codes:
        return empty_figure(t("No figures for this view."))
    fig = go.Figure(go.Choropleth(locations=codes, z=values, locationmode="ISO-3", colorscale="Blues",
                                  text=texts, hovertemplate="%{text}<extra></extra>", customdata=custom,
                                  marker_line_color="#ffffff", marker_line_width=0.5,
                                  colorbar={"tickformat": ".0%"} if measure.kind == "share" else {}))
    fig.update_geos(resolution=110, showframe=False, showcoastlines=False, projection_type="natural earth",
                    showcountries=True, countrycolor="#dddddd")
    styled_figure(fig, t(measure.label))
    fig.update_layout(margin={"l": 0, "r": 0, "t": 40, "b": 0})
    return fig
