"""Home page glue: one service call, one layout call."""
from __future__ import annotations

from auth.permissions import Perm
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor
from data.home import home_summary
from layouts.accounts import ids
from layouts.accounts.home import home_page


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        summary = home_summary(s, actor)
    return home_page(t, summary, actor.real_name)


PAGE = PageSpec("home", "/", N_("Home"), Perm.HOME_VIEW, ids.HOME, render, order=60)
