"""The home page: counts in the user's scope, their tasks, their notifications."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import N_, Translator
from data.home import HomeSummary
from data.statistics.alerts import Alert
from layouts.accounts import ids
from layouts.common import APP_STATUS_LABELS, count_card, page_header, status_badge

TASK_TEXT = {
    "returned": N_("Returned applications to correct and resubmit"),
    "awaiting_confirmation": N_("Certificate drafts waiting for your confirmation"),
    "draft": N_("Applications saved as drafts"),
    "submitted": N_("New applications to review"),
    "under_review": N_("Applications under review"),
    "confirmed": N_("Drafts confirmed by the enterprise, ready to approve"),
    "approved": N_("Approved applications waiting to be issued"),
    "suspended": N_("Suspended applications"),
}


@dataclass(frozen=True)
class HomeLinks:
    """The lists the user may open, where each figure of the page leads (None: not theirs to open)."""

    declarations: str | None = None
    applications: str | None = None  # "?status=<code>" is added for one status
    certificates: str | None = None  # "?status=<code>" is added for one status
    registrations: str | None = None
    inbound: str | None = None  # "?status=unmatched" is added


def _with_status(path: str | None, status: str) -> str | None:
    return f"{path}?status={status}" if path else None


WAITING_ANCHOR = "inb-waiting"  # layouts.exchange.ids.INB_WAITING (the home page does not import other pages' ids)


def _inbound_tasks(t: Translator, summary: HomeSummary, links: HomeLinks) -> list:
    """An officer's work with certificates from abroad: those to match, and declarations still waiting for one."""
    if summary.inbound is None:
        return []
    items = [(t("Inbound certificates not matched to a declaration"), summary.inbound.unmatched,
              _with_status(links.inbound, "unmatched")),
             (t("Entry declarations waiting for their certificate from abroad"), summary.inbound.waiting,
              f"{links.inbound}#{WAITING_ANCHOR}" if links.inbound else None)]
    return [dbc.ListGroupItem([html.Span(label), dbc.Badge(t.number(n), color="warning" if n else "light",
                                                           text_color="dark", className="float-end")],
                              href=href, action=href is not None)
            for label, n, href in items]


ALERT_TEXTS = {
    "share": N_("{name}: cloud-signing share {value} over the last 30 days, below its target of {target}"),
    "turnaround_median": N_("{name}: median review turnaround {value} h over the last 30 days, above its target of "
                            "{target} h"),
    "turnaround_p90": N_("{name}: 90th-percentile review turnaround {value} h over the last 30 days, above its "
                         "target of {target} h"),
    "backlog": N_("{name}: {value} applications have waited longer than the promised {target} working days"),
    "drop": N_("{name}: {value} certificates in the last 7 days, down from {target} a week before"),
}
EXPLORER_PATH = "/stats/explorer"


def alert_text(t: Translator, alert: Alert) -> str:
    name = t.pick(alert.name_zh, alert.name_en)
    if alert.kind == "share":
        value, target = f"{alert.value:.1%}", f"{alert.threshold:.1%}"
    elif alert.kind == "turnaround":
        value, target = t.number(round(alert.value, 1)), t.number(round(alert.threshold, 1))
    else:
        value, target = t.number(int(alert.value)), t.number(round(alert.threshold, 1))
    message = ALERT_TEXTS.get(alert.measure if alert.kind == "turnaround" else alert.kind) or ALERT_TEXTS["share"]
    return t(message, name=name, value=value, target=target)


def alert_list(t: Translator, alerts: Sequence[Alert]):
    if not alerts:
        return html.Div(t("Nothing has crossed a threshold."), className="list-group-item text-muted")
    return [dbc.ListGroupItem([html.Span(alert_text(t, a)),
                               dbc.Badge(t("New"), color="danger", className="ms-2") if a.new else None],
                              href=f"{EXPLORER_PATH}?{urlencode(a.view)}", action=True) for a in alerts]


def home_page(t: Translator, summary: HomeSummary, user_name: str, links: HomeLinks = HomeLinks(),
              alerts: Sequence[Alert] | None = None) -> html.Div:
    cards = [
        (t("Declarations"), summary.declarations, links.declarations),
        (t("Applications"), sum(summary.applications_by_status.values()), links.applications),
        (t("Valid certificates"), summary.certificates_by_status.get("valid", 0),
         _with_status(links.certificates, "valid")),
        (t("Replaced certificates"), summary.certificates_by_status.get("replaced", 0),
         _with_status(links.certificates, "replaced")),
        (t("Withdrawn certificates"), summary.certificates_by_status.get("withdrawn", 0),
         _with_status(links.certificates, "withdrawn")),
    ]
    if summary.pending_registrations is not None:
        cards.append((t("Registrations waiting for review"), summary.pending_registrations, links.registrations))
    counts = dbc.Row(
        [dbc.Col(count_card(label, t.number(value), href=href), md=3, lg=2, className="mb-3")
         for label, value, href in cards],
        id=ids.HOME_COUNTS,
    )
    by_status = html.Div(
        [html.Span([status_badge(t, status), t.number(n)], className="me-3")
         for status, n in sorted(summary.applications_by_status.items(),
                                 key=lambda kv: list(APP_STATUS_LABELS).index(kv[0])
                                 if kv[0] in APP_STATUS_LABELS else 99)],
        className="mb-3",
    )
    tasks = dbc.ListGroup(
        [dbc.ListGroupItem([html.Span(t(TASK_TEXT.get(status, status))),
                            dbc.Badge(t.number(n), color="primary" if n else "light", className="float-end")],
                           href=_with_status(links.applications, status), action=links.applications is not None)
         for status, n in summary.tasks]
        + _inbound_tasks(t, summary, links)
        or [html.Div(t("Nothing is waiting for you."), className="list-group-item text-muted")],
        id=ids.HOME_TASKS, tag="div",  # its entries are links: a list of <a> is a <div>, not a <ul>
    )
    notes = dbc.ListGroup(
        [dbc.ListGroupItem([html.Div(t.pick(n.title_zh, n.title_en), className="fw-semibold"),
                            html.Div(t.pick(n.body_zh, n.body_en), className="small",
                                     style={"whiteSpace": "pre-line"}),
                            html.Div(t.datetime(n.starts_at), className="small text-muted")])
         for n in summary.notifications]
        or [dbc.ListGroupItem(t("No notifications."), className="text-muted")],
        id=ids.HOME_NOTIFICATIONS,
    )
    return html.Div(
        [
            page_header(t("Welcome, {name}", name=user_name), t("Figures cover the records you are allowed to see.")),
            *([html.H5(t("Alerts")), dbc.ListGroup(alert_list(t, alerts), id=ids.HOME_ALERTS, tag="div",
                                                   className="mb-3")] if alerts is not None else []),
            counts,
            html.H5(t("Applications by status")),
            by_status,
            dbc.Row(
                [
                    dbc.Col([html.H5(t("My tasks")), tasks], md=6, className="mb-3"),
                    dbc.Col([html.H5(t("Notifications")), notes], md=6, className="mb-3"),
                ]
            ),
        ]
    )
