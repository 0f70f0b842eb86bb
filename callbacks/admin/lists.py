"""What the dictionaries, formats, notifications and parameters pages share: a list with a toolbar acting
on the picked row, a modal form saved through one service call, and the replies to both."""
from __future__ import annotations

from typing import Callable

from dash import Output, ctx

from callbacks.page import Refusal, wildcard_outputs
from dashboard.core.i18n import Translator
from data.admin.common import AdminInvalid, InUse
from data.core.paging import Page
from data.core.scope import NotFound
from layouts.admin.common import alert, in_use_text, reason


def bump(reloads) -> int:
    """The next value of a page's reload counter (a Store whose change redraws the list)."""
    return (reloads if isinstance(reloads, int) and not isinstance(reloads, bool) else 0) + 1


def picked(rows, field: str, kind: type):
    """The `field` of the one picked row, if it is of `kind`, as the browser sent it (the service looks it up)."""
    found = [r.get(field) for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    value = found[0] if len(found) == 1 else None
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def page_index(active_page, *keeping: str) -> int:
    """The page to show: the pager's when it or one of `keeping` (a reload) fired, else the first (a new search)."""
    keep = ctx.triggered_id in keeping and isinstance(active_page, int) and not isinstance(active_page, bool)
    return max(0, active_page - 1) if keep else 0


def shown_page(fetch: Callable[[int], Page], first: int) -> Page:
    """The page `first` of a list, or its first page when that one has become empty (its last rows were removed)."""
    page = fetch(first)
    return fetch(0) if not page.rows and first else page


def save_outputs(errors: dict, modal: str, reload: str, message: str) -> dict[str, Output]:
    """The outputs of saving a modal form: its fields' errors (a pattern), whether it stays open, the list's
    reload counter, the page's message."""
    return {"errors": Output(errors, "children", allow_duplicate=True),
            "modal": Output(modal, "is_open", allow_duplicate=True),
            "reload": Output(reload, "data", allow_duplicate=True),
            "message": Output(message, "children", allow_duplicate=True)}


def saved(message: str, reloads) -> dict:
    """A modal form saved: it closes, the list redraws, the page says what was done."""
    return {"errors": [""] * len(wildcard_outputs("errors")), "modal": False, "reload": bump(reloads),
            "message": alert(message)}


SAVE_REFUSALS = (AdminInvalid, NotFound)


def save_refusal(not_found: str) -> Refusal:
    """A modal form refused: each field's reason next to it (the form stays open), or the item gone."""
    def answer(t: Translator, exc: Exception, *, reloads=None, **_inputs) -> dict:
        names = [item["id"]["name"] for item in wildcard_outputs("errors")]
        if isinstance(exc, AdminInvalid):
            return {"errors": [reason(t, exc.errors[n]) if n in exc.errors else "" for n in names]}
        return {"errors": [""] * len(names), "modal": False, "reload": bump(reloads), "message": alert(t(not_found), ok=False)}
    return answer


def action_outputs(message: str, reload: str) -> dict[str, Output]:
    """The outputs of a toolbar action: the page's message and the list's reload counter."""
    return {"message": Output(message, "children", allow_duplicate=True),
            "reload": Output(reload, "data", allow_duplicate=True)}


def acted(message: str, reloads) -> dict:
    return {"message": alert(message), "reload": bump(reloads)}


ACTION_REFUSALS = (InUse, AdminInvalid, NotFound)


def action_refusal(not_found: str) -> Refusal:
    """A toolbar action refused: the records that use the item, the rule broken, or the item gone."""
    def answer(t: Translator, exc: Exception, *, reloads=None, **_inputs) -> dict:
        if isinstance(exc, InUse):
            return {"message": alert(in_use_text(t, exc.places), ok=False)}
        if isinstance(exc, AdminInvalid):
            return {"message": alert(" ".join(reason(t, code) for code in exc.errors.values()), ok=False)}
        return {"message": alert(t(not_found), ok=False), "reload": bump(reloads)}
    return answer
