"""Statistics charts a manager can read: round marks on the share axis, and no more lines than one tells apart."""
from __future__ import annotations

from datetime import date

from dashboard.core.i18n import translator
from data.statistics.reports import OTHERS, CloudReport, CloudRow, MonthlySeries, Series
from layouts.statistics.cloud import cloud_figure
from layouts.statistics.trends import LINE_SERIES, monthly_figure


def test_the_cloud_share_axis_reads_in_round_percentages():
    rows = tuple(CloudRow(f"09{n:02d}", f"关区{n}", f"District {n}", 1000 + 137 * n, 200, 210, 590 + 41 * n, 400)
                 for n in range(1, 9))
    figure = cloud_figure(translator("en"), CloudReport(True, rows, rows[0]))
    axis = figure.layout.yaxis2
    assert list(axis.ticktext) == ["0%", "25%", "50%", "75%", "100%"] and list(axis.tickvals) == [0, 0.25, 0.5, 0.75, 1]


def _series(count: int) -> MonthlySeries:
    months = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
    series = [Series(f"C{n}", f"国{n}", f"Country {n}", (n, n + 1, n + 2)) for n in range(1, count)]
    series.append(Series(OTHERS, "", "", (100, 100, 100)))
    return MonthlySeries(True, months, tuple(series))


def test_a_line_chart_of_eleven_series_shows_the_five_largest_and_the_others():
    t = translator("en")
    data = _series(11)
    lines = monthly_figure(t, data, "By destination", "line")
    names = [trace.name for trace in lines.data]
    assert len(names) == LINE_SERIES and names[-1] == "Others"
    assert names[:5] == ["Country 10", "Country 9", "Country 8", "Country 7", "Country 6"]
    totals = [sum(values) for values in zip(*(trace.y for trace in lines.data))]
    assert totals == list(data.totals)  # nothing is lost by summing the small ones
    bars = monthly_figure(t, data, "By destination", "bar")
    assert len(bars.data) == 11  # stacked bars keep every series



def test_query_strings_are_written_as_urlencode_writes_them():
    """The pivot's drill links quote each value once (cached); they read back as the same parameters."""
    import random
    from urllib.parse import parse_qsl, urlencode

    from layouts.common import query_string

    rnd = random.Random(7)
    pieces = ["0900", "2026-03-31", "US", "食品 有限公司", "a&b=c", "x+y", "50%", "/path?q", "", None, 14, "é ü"]
    for _ in range(300):
        params = {name: rnd.choice(pieces) for name in ("district", "issue_from", "type", "dest", "currency")}
        assert query_string(params) == urlencode({k: v for k, v in params.items() if v})
        assert dict(parse_qsl(query_string(params))) == {k: str(v) for k, v in params.items() if v}


def test_copies_of_a_built_component_are_the_components_dash_would_build():
    """Copies serialise exactly as the component Dash builds from the same arguments, and leave their template
    as it was."""
    from dash import html
    from plotly.io.json import to_json_plotly

    from layouts.common import copy_of

    cell, link, delta = html.Td(className="text-end"), html.A(href=""), html.Div(className="")
    made = copy_of(cell, children=[copy_of(link, children="1,234", href="/records?dest=US"),
                                   copy_of(delta, children="▲ +5.0%", className="small text-success")])
    built = html.Td([html.A("1,234", href="/records?dest=US"),
                     html.Div("▲ +5.0%", className="small text-success")], className="text-end")
    assert to_json_plotly(made) == to_json_plotly(built)
    assert to_json_plotly(copy_of(html.Td(), children="Japan")) == to_json_plotly(html.Td("Japan"))
    assert link.href == "" and cell.children is None and delta.className == ""
