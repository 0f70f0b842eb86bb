"""What the dictionaries, formats, notifications and parameters pages share: a list with a toolbar acting
on the picked row, a modal form saved through one service call, and the replies to both."""
from __future__ import annotations

from typing import Callable

from dash import ctx, no_update
from sqlalchemy.orm import Session

from auth.session import current_actor, request_translator
from dashboard.runtime.store import session_scope
from data.admin.common import AdminInvalid, InUse
from data.core.paging import Page
from data.core.scope import Actor, NotFound
from layouts.admin.common import alert, in_use_text, reason

Write = Callable[[Session, Actor], str]  # does the change, returns the translated message telling it is done


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


def submit(write: Write, not_found: str, reloads):
    """Save a modal form: (its fields' errors, whether it stays open, the reload counter, the page's message).

    The errors go to the pattern-matching output listed first; on success the form closes and the list redraws.
    """
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    try:
        with session_scope() as s:
            done = write(s, current_actor())
    except AdminInvalid as exc:
        return [reason(t, exc.errors[n]) if n in exc.errors else "" for n in names], no_update, no_update, no_update
    except NotFound:
        return [""] * len(names), False, bump(reloads), alert(t(not_found), ok=False)
    return [""] * len(names), False, bump(reloads), alert(done)


def run_action(act: Write, not_found: str, reloads):
    """Do a toolbar action on the picked row: (the page's message, the reload counter)."""
    t = request_translator()
    try:
        with session_scope() as s:
            done = act(s, current_actor())
    except InUse as exc:
        return alert(in_use_text(t, exc.places), ok=False), no_update
    except AdminInvalid as exc:
        return alert(" ".join(reason(t, code) for code in exc.errors.values()), ok=False), no_update
    except NotFound:
        return alert(t(not_found), ok=False), bump(reloads)
    return alert(done), bump(reloads)
