"""发证信息查询 (Liaoning 5.9.1): the issuance by district page, its chart, drill-down crumbs and table."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.core.i18n import Translator
from data.core.labels import CERT_STATUS_LABELS
from data.statistics.reports import (
    CERT_STATUSES,
    ENTRY_METHODS,
    Choices,
    IssuanceFilter,
    IssuanceReport,
)
from data.statistics.sums import SIGNING_METHODS
from layouts.applications.listing import ENTRY_LABELS
from layouts.certificates.view import SIGNING_LABELS
from layouts.common import date_range, page_header
from layouts.statistics import ids
from layouts.statistics.charts import (
    RECORDS_PATH,
    code_options,
    district_label,
    district_options,
    empty_figure,
    filter_dropdown,
    graph,
    labelled_control,
    plain,
    share_text,
    stats_table,
    styled_figure,
)

# --- issuance by district (发证信息查询) -------------------------------------------------------------


def issuance_page(t: Translator, choices: Choices, f: IssuanceFilter) -> html.Div:
    filters = dbc.Row([
        labelled_control(t("Issue date"), date_picker(t, ids.ISSUANCE_ISSUE_DATES, f.issue_from, f.issue_to)),
        labelled_control(t("Received date"), date_picker(t, ids.ISSUANCE_RECEIVED_DATES, f.received_from, f.received_to)),
        labelled_control(t("Customs district"), filter_dropdown(t, ids.ISSUANCE_DISTRICT, district_options(t, choices),
                                                    t("All districts"), f.district or choices.default_district)),
        labelled_control(t("Certificate type"), filter_dropdown(t, ids.ISSUANCE_TYPE, [
            {"label": f"[{code}] {t.pick(zh, en)}", "value": code} for code, zh, en in choices.cert_types],
            t("All types"), f.cert_type)),
        labelled_control(t("Destination"), filter_dropdown(t, ids.ISSUANCE_DEST, [
            {"label": f"{t.pick(zh, en)} ({code})", "value": code} for code, zh, en in choices.countries],
            t("All destinations"), f.dest_country)),
        labelled_control(t("Entry method"), filter_dropdown(t, ids.ISSUANCE_ENTRY, code_options(t, ENTRY_LABELS, ENTRY_METHODS),
                                               t("All entry methods"), f.entry_method)),
        labelled_control(t("Signing method"),
                         filter_dropdown(t, ids.ISSUANCE_SIGNING, code_options(t, SIGNING_LABELS, SIGNING_METHODS),
                                         t("All signing methods"), f.signing_method)),
        labelled_control(t("Certificate status"), filter_dropdown(t, ids.ISSUANCE_STATUS,
                                                     code_options(t, CERT_STATUS_LABELS, CERT_STATUSES),
                                                     t("All statuses"), f.status), md=2),
        dbc.Col(dbc.Button(t("Reset"), id=ids.ISSUANCE_RESET, color="secondary", outline=True, className="mt-4"),
                md=1),
    ], className="g-2 mb-3")
    return html.Div([
        page_header(t("Issuance by district"),
                    t("Certificates issued per customs district, rolled up from the subordinate houses. "
                      "Click a bar to see that district's houses; at the last level, open its certificates.")),
        filters,
        html.Div(id=ids.ISSUANCE_CRUMBS, className="mb-2"),
        dbc.Row([
            dbc.Col(graph(ids.ISSUANCE_CHART, "issuance-by-district"), lg=7),
            dbc.Col([html.Div(id=ids.ISSUANCE_TOTAL, className="fw-semibold mb-2"),
                     html.Div(id=ids.ISSUANCE_TABLE), html.Div(id=ids.ISSUANCE_RECORDS)], lg=5),
        ]),
    ])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def date_picker(t: Translator, component_id: str, start: date | None, end: date | None) -> dcc.DatePickerRange:
    return date_range(t, component_id, _iso(start), _iso(end))


def records_href(code: str, f: IssuanceFilter) -> str:
    """The certificate query page with this district and the same filters (its URL parameters)."""
    params = {"district": code, "issue_from": _iso(f.issue_from), "issue_to": _iso(f.issue_to),
              "received_from": _iso(f.received_from), "received_to": _iso(f.received_to), "type": f.cert_type,
              "dest": f.dest_country, "entry_method": f.entry_method, "signing_method": f.signing_method,
              "status": f.status}
    return f"{RECORDS_PATH}?{urlencode({k: v for k, v in params.items() if v})}"


def issuance_crumbs(t: Translator, report: IssuanceReport, everything: bool) -> list:
    """Breadcrumb back up the tree: buttons to each level above the one shown."""
    crumbs = []
    levels = ([("", t("All districts"))] if everything else []) + [
        (d.code, district_label(t, d.code, d.name_zh, d.name_en)) for d in report.path]
    for n, (code, label) in enumerate(levels):
        if n:
            crumbs.append(html.Span(" › ", className="text-muted mx-1"))
        if n == len(levels) - 1:
            crumbs.append(html.Span(label, className="fw-semibold"))
        else:
            crumbs.append(dbc.Button(label, id={"type": ids.ISSUANCE_CRUMB, "district": code}, color="link",
                                     size="sm", className="p-0 align-baseline"))
    return crumbs


def _bars(t: Translator, report: IssuanceReport) -> list[tuple[str, str, int, bool]]:
    """(code, label, value, drillable) of each bar: the root's own certificates, then each child's total."""
    bars = []
    root = report.root
    if root is not None and (root.own or not report.rows):
        label = t.pick(root.name_zh, root.name_en)
        bars.append((root.code, t("{name} (own)", name=label) if report.rows else label, root.own, False))
    bars += [(r.code, t.pick(r.name_zh, r.name_en), r.total, r.has_children) for r in report.rows]
    return bars


def _type_figure(t: Translator, report: IssuanceReport) -> go.Figure:
    """The last level: the district's certificates by type, not one bar for the district."""
    types = report.by_type
    fig = go.Figure(go.Bar(
        x=[plain(t.pick(x.name_zh, x.name_en)) for x in types], y=[x.certificates for x in types],
        text=[t.number(x.certificates) for x in types], textposition="outside", cliponaxis=False,
        marker={"color": "#6baed6"},
        hovertemplate="%{x}<br>" + t("Number of certificates") + ": %{y:,}<extra></extra>"))
    root = report.root
    where = t.pick(root.name_zh, root.name_en) if root else ""
    return styled_figure(fig, t("Certificates issued by {district}, by type", district=plain(where)),
                         yaxis={"title": t("Number of certificates"), "rangemode": "tozero"},
                         xaxis={"type": "category"})


def issuance_figure(t: Translator, report: IssuanceReport) -> go.Figure:
    if not report.found:
        return empty_figure(t("No figures for this district."))
    if report.by_type:
        return _type_figure(t, report)
    bars = _bars(t, report)
    if not bars or not report.total:
        return empty_figure(t("No certificates match these filters."))
    fig = go.Figure(go.Bar(
        x=[plain(label) for _c, label, _v, _d in bars], y=[v for _c, _l, v, _d in bars],
        customdata=[[code, int(drill)] for code, _l, _v, drill in bars],
        text=[t.number(v) for _c, _l, v, _d in bars], textposition="outside", cliponaxis=False,
        marker={"color": ["#1f77b4" if drill else "#6baed6" for _c, _l, _v, drill in bars]},
        hovertemplate="%{x}<br>" + t("Number of certificates") + ": %{y:,}<extra></extra>"))
    root = report.root
    where = t.pick(root.name_zh, root.name_en) if root else t("All districts")
    return styled_figure(fig, t("Certificates issued: {district}", district=plain(where)),
                   yaxis={"title": t("Number of certificates"), "rangemode": "tozero"}, xaxis={"type": "category"},
                   clickmode="event")


def issuance_table(t: Translator, report: IssuanceReport, f: IssuanceFilter) -> dbc.Table | html.Div:
    if not report.found:
        return html.Div(t("This district is outside your statistics."), className="text-muted")
    if report.by_type and report.root is not None:  # the last level: its certificates by type, each to its list
        code = report.root.code
        rows = [[x.code, t.pick(x.name_zh, x.name_en), t.number(x.certificates),
                 share_text(x.certificates / report.total if report.total else None),
                 dcc.Link(t("Certificate list"), href=records_href(code, replace(f, cert_type=x.code)))]
                for x in report.by_type]
        footer = ["", t("Total"), t.number(report.total), share_text(1.0), ""]
        return stats_table([t("Type code"), t("Certificate type"), t("Total"), t("Share"), ""], rows, footer)
    header = [t("District code"), t("District"), t("Own"), t("Total"), t("Share"), ""]
    rows = []
    for r in report.rows:
        action = (dbc.Button(t("Subordinate houses"), id={"type": ids.ISSUANCE_DRILL, "district": r.code},
                             size="sm", color="link", className="p-0") if r.has_children
                  else dcc.Link(t("Certificate list"), href=records_href(r.code, f)))
        rows.append([r.code, t.pick(r.name_zh, r.name_en), t.number(r.own), t.number(r.total),
                     share_text(r.total / report.total if report.total else None), action])
    root = report.root
    if root is not None and report.rows and root.own:
        rows.insert(0, [root.code, t("{name} (own)", name=t.pick(root.name_zh, root.name_en)), t.number(root.own),
                        t.number(root.own), share_text(root.own / report.total if report.total else None), ""])
    footer = ["", t("Total"), "", t.number(report.total), share_text(1.0 if report.total else None), ""]
    return stats_table(header, rows, footer)


def issuance_total(t: Translator, report: IssuanceReport) -> str:
    return t("{n} certificates", n=t.number(report.total)) if report.found else ""


def issuance_records(t: Translator, report: IssuanceReport, f: IssuanceFilter):
    """At a district without subordinate houses: the link to its certificates."""
    root = report.root
    if not report.found or root is None or root.has_children:
        return None
    return dbc.Alert([t("{n} certificates of {district} match these filters.", n=t.number(root.total),
                        district=district_label(t, root.code, root.name_zh, root.name_en)), " ",
                      dcc.Link(t("Open the certificates"), href=records_href(root.code, f), className="alert-link")],
                     color="light", className="mt-2")
