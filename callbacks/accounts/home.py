"""Home page glue: one service call, one layout call."""
from __future__ import annotations

from auth.guard import allowed
from auth.permissions import Perm
from callbacks.page import PageSpec
from dashboard.core.clock import china_today
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.home import home_summary
from data.statistics.alerts import home_alerts
from layouts.accounts import ids
from layouts.accounts.home import HomeLinks, home_page


def home_links(actor: Actor) -> HomeLinks:
    """Where the home page's figures lead: each list the actor may open (a figure of another is not a link)."""
    from callbacks.accounts.registrations import PAGE as REGISTRATIONS
    from callbacks.applications.listing import APPLICATIONS_PAGE
    from callbacks.declarations.listing import PAGE as DECLARATIONS
    from callbacks.exchange.inbound import PAGE as INBOUND
    from callbacks.statistics.certificate_query import PAGE as CERTIFICATES

    def path(page: PageSpec) -> str | None:
        return page.path if allowed(actor, page.permission) else None

    return HomeLinks(declarations=path(DECLARATIONS), applications=path(APPLICATIONS_PAGE),
                     certificates=path(CERTIFICATES), registrations=path(REGISTRATIONS), inbound=path(INBOUND))


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        summary = home_summary(s, actor)
        alerts = home_alerts(s, actor, china_today()) if actor.can(Perm.STATS_VIEW) else None
    return home_page(t, summary, actor.real_name, home_links(actor), alerts)


PAGE = PageSpec("home", "/", N_("Home"), Perm.HOME_VIEW, ids.HOME, render, order=60)
