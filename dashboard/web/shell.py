"""The app's layout function: the public frame for anonymous visitors, else the role's frame."""
from __future__ import annotations

from flask import has_request_context

from auth.session import csrf_token, current_actor, request_translator
from dashboard.core.i18n import translator
from dashboard.web.pages import menu_for
from layouts.shell import public_frame, signed_in_frame


def frame():
    """Return the top-level layout for this request."""
    if not has_request_context():  # Dash validating the layout at start-up
        return public_frame(translator("zh"))
    t = request_translator()
    actor = current_actor()
    if actor is None:
        return public_frame(t)
    return signed_in_frame(t, menu=menu_for(actor, t), user_name=actor.real_name, role=actor.role, csrf=csrf_token())
