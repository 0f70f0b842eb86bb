"""Saved explorer views: a manager keeps a view under a name, reopens it, and shares it with the other managers
of their district (an administrator's shared views are seen by the administrators).

Every function needs `stats.view`. A view id that is not the actor's own or shared with them (another
district's, a forged one) is NotFound, never the view. What is stored are the view's parameters as
`read_view` checked them; reopening reads them again, so a view whose district or code has since been
retired opens with that named (the explorer's notes), not with an error."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.core.forms import Invalid
from data.core.scope import Actor, NotFound
from data.models import SavedView, User
from data.statistics.explorer_view import read_view
from data.statistics.sums import PERMISSION

NAME_LIMIT = 64


class ViewInvalid(Invalid):
    """A view cannot be saved: name -> empty | too_long."""


@dataclass(frozen=True)
class SavedViewRow:
    id: int
    name: str
    params: dict[str, str]
    shared: bool
    mine: bool
    owner: str  # the owner's real name
    updated_at: datetime


def _visible(actor: Actor):
    """The actor's own views and those shared with them."""
    shared = and_(SavedView.shared.is_(True),
                  SavedView.district_code == actor.district_code if actor.district_code is not None
                  else SavedView.district_code.is_(None))
    return or_(SavedView.owner_id == actor.user_id, shared)


def _row(actor: Actor, view: SavedView, owner: str) -> SavedViewRow:
    params = {str(k): str(v) for k, v in (view.params or {}).items() if isinstance(v, (str, int))}
    return SavedViewRow(view.id, view.name, params, view.shared, view.owner_id == actor.user_id, owner,
                        view.updated_at)


def list_views(s: Session, actor: Actor) -> list[SavedViewRow]:
    """The actor's own views, then those shared with them, each by name."""
    actor.require(PERMISSION)
    rows = s.execute(select(SavedView, User.real_name).join(User, User.id == SavedView.owner_id)
                     .where(_visible(actor)).order_by(SavedView.name, SavedView.id))
    found = [_row(actor, view, owner) for view, owner in rows]
    return sorted(found, key=lambda r: (not r.mine, r.name))


def _id(view_id: Any) -> int:
    text = str(view_id) if isinstance(view_id, (int, str)) and not isinstance(view_id, bool) else ""
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 2**31):
        raise NotFound(f"saved view {view_id!r}")
    return int(text)


def open_view(s: Session, actor: Actor, view_id: Any) -> SavedViewRow:
    """A view the actor may open (NotFound for any other id)."""
    actor.require(PERMISSION)
    found = s.execute(select(SavedView, User.real_name).join(User, User.id == SavedView.owner_id)
                      .where(SavedView.id == _id(view_id), _visible(actor))).first()
    if found is None:
        raise NotFound(f"saved view {view_id!r}")
    return _row(actor, found[0], found[1])


def clean_name(name: Any) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise ViewInvalid({"name": "empty"})
    if len(text) > NAME_LIMIT:
        raise ViewInvalid({"name": "too_long"})
    return text


def save_view(s: Session, actor: Actor, name: Any, values: Mapping[str, Any], shared: bool,
              now: datetime | None = None) -> tuple[SavedViewRow, bool]:
    """Keep the view under `name`, or replace the actor's view of that name (a second click saves the same
    view again, not a copy). Returns the row and whether it was new."""
    actor.require(PERMISSION)
    text = clean_name(name)
    view, _problems = read_view(values)
    params, now = view.params(), now or datetime.now(timezone.utc)
    for _attempt in range(2):
        existing = s.scalar(select(SavedView).where(SavedView.owner_id == actor.user_id, SavedView.name == text))
        if existing is not None:
            existing.params, existing.shared, existing.updated_at = params, bool(shared), now
            existing.district_code = actor.district_code
            s.flush()
            return open_view(s, actor, existing.id), False
        try:
            with s.begin_nested():  # two first saves at once: the unique name decides, the loser updates
                row = SavedView(owner_id=actor.user_id, district_code=actor.district_code, name=text, params=params,
                                shared=bool(shared), created_at=now, updated_at=now)
                s.add(row)
            return open_view(s, actor, row.id), True
        except IntegrityError:
            continue
    raise ViewInvalid({"name": "duplicate"})


def delete_view(s: Session, actor: Actor, view_id: Any) -> str:
    """Delete one of the actor's own views (a shared one of someone else's: NotFound); returns its name."""
    actor.require(PERMISSION)
    row = s.scalar(select(SavedView).where(SavedView.id == _id(view_id), SavedView.owner_id == actor.user_id))
    if row is None:
        raise NotFound(f"saved view {view_id!r}")
    name = row.name
    s.delete(row)
    s.flush()
    return name
