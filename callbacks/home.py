"""Home page glue: one service call, one layout call."""
from __future__ import annotations

from dashboard.core.i18n import Translator
from dashboard.runtime.store import session_scope
from data.home import home_summary
from data.core.scope import Actor
from layouts.home import home_page


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        summary = home_summary(s, actor)
    return home_page(t, summary, actor.real_name)
