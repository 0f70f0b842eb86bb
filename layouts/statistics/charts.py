"""What the statistics pages share: CJK chart fonts and colours, graphs, filters, tables."""
from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.statistics.reports import (
    AGE_BUCKETS,
    Choices,
)
from layouts.common import dropdown_labels, label_for

# fonts with Chinese glyphs on Windows, macOS, Linux (the app's own machines install WenQuanYi)
CJK_FONT = ('"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", '
            '"WenQuanYi Micro Hei", "WenQuanYi Zen Hei", sans-serif')
RECORDS_PATH = "/stats/certificates"  # the certificate query page (证书查询) takes these filters from the URL
AGE_LABELS = (N_("Today"), N_("1-2 days"), N_("3-6 days"), N_("7-13 days"), N_("14 days or more"))
assert len(AGE_LABELS) == len(AGE_BUCKETS)
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
          "#17becf", "#aec7e8", "#ffbb78")


def plain(text: str) -> str:
    """A name as a chart label: plotly reads a few HTML tags in labels; entities show them as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def district_label(t: Translator, code: str, zh: str, en: str) -> str:
    return f"[{code}] {t.pick(zh, en)}"


# --- shared pieces --------------------------------------------------------------------------------


def graph(graph_id: str, filename: str, height: int = 420) -> dcc.Graph:
    """A chart with the modebar's download-as-image (PNG, named) and no plotly logo."""
    return dcc.Graph(id=graph_id, figure=empty_figure(), style={"height": f"{height}px"},
                     config={"displaylogo": False, "responsive": True,
                             "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
                             "modeBarButtonsToRemove": ["lasso2d", "select2d"]})


def styled_figure(fig: go.Figure, title: str = "", **layout) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.01, "font": {"size": 15}}, font={"family": CJK_FONT, "size": 12},
                      template="plotly_white", margin={"l": 60, "r": 20, "t": 50 if title else 20, "b": 60},
                      legend={"orientation": "h", "y": -0.18}, separators=".,", **layout)
    return fig


def empty_figure(message: str = "") -> go.Figure:
    fig = go.Figure()
    styled_figure(fig, xaxis={"visible": False}, yaxis={"visible": False})
    if message:
        fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#888"})
    return fig


def code_options(t: Translator, labels: dict[str, str], codes: Sequence[str]) -> list[dict]:
    return [{"label": t(labels.get(code, code)), "value": code} for code in codes]


def district_options(t: Translator, choices: Choices) -> list[dict]:
    """The districts the user may see, indented by level (直属海关 → 隶属海关)."""
    return [{"label": "\u3000" * d.depth + district_label(t, d.code, d.name_zh, d.name_en), "value": d.code}
            for d in choices.districts]


def labelled_control(label: str, control, md: int = 3) -> dbc.Col:
    return dbc.Col([label_for(label, control, className="small text-muted mb-1"), control], md=md)


def filter_dropdown(t: Translator, component_id: str, options: list[dict], placeholder: str, value=None,
                    clearable: bool = True):
    return dcc.Dropdown(labels=dropdown_labels(t),
                        id=component_id, options=options, value=value, placeholder=placeholder, clearable=clearable,
                        searchable=True)


def number_text(t: Translator, value) -> str:
    return t.number(value) if value is not None else "–"


def share_text(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "–"


def stats_table(header: Sequence, rows: Sequence[Sequence], footer: Sequence | None = None,
           numeric_from: int = 2) -> dbc.Table:
    def cells(row, tag):
        return [tag(value, className="text-end" if i >= numeric_from else None) for i, value in enumerate(row)]

    parts = [html.Thead(html.Tr(cells(header, html.Th))), html.Tbody([html.Tr(cells(r, html.Td)) for r in rows])]
    if footer is not None:
        parts.append(html.Tfoot(html.Tr(cells(footer, html.Th)), className="table-group-divider"))
    return dbc.Table(parts, bordered=False, hover=True, size="sm", responsive=True, className="mb-2")
