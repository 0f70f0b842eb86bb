"""Sign-in page glue: the form posts to /auth/login (auth/login.py); errors come back in the session."""
from __future__ import annotations

from auth.login import csrf_token, pop_login_error, safe_next
from dashboard.i18n import Translator
from data.scope import Actor
from layouts.login import login_page


def render(actor: Actor | None, t: Translator, next: str | None = None, **_query):  # noqa: A002 - query name
    return login_page(t, csrf=csrf_token(), next_path=safe_next(next), error=pop_login_error())
