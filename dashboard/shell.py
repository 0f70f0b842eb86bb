"""The app's layout function: the sign-in frame for anonymous visitors, else the role's frame."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import has_request_context, request

from auth.login import csrf_token, current_actor, pop_login_error, safe_next
from dashboard.pages import menu_for
from dashboard.i18n import translator
from dashboard.request import request_translator
from layouts.login import login_page
from layouts.shell import signed_in_frame


def frame():
    """Return the top-level layout for this request."""
    if not has_request_context():  # Dash validating the layout at start-up
        return signed_in_frame(translator("zh"), menu=[], user_name="", role="", csrf="")
    t = request_translator()
    actor = current_actor()
    if actor is None:
        referrer_next = _next_from_referrer()
        return login_page(t, csrf=csrf_token(), next_path=referrer_next, error=pop_login_error())
    return signed_in_frame(t, menu=menu_for(actor, t), user_name=actor.real_name, role=actor.role, csrf=csrf_token())


def _next_from_referrer() -> str:
    """The login frame is fetched by XHR from the page the user asked for: keep its ?next=."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return "/"
    nxt = parse_qs(parts.query).get("next", ["/"])[0]
    return safe_next(nxt)
