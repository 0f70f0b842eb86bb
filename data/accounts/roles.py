"""The built-in roles in the store: seeded with their default grants, read as granted."""
from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.permissions import DEFAULT_GRANTS, PERMISSION_CODES, ROLE_NAMES, ROLE_PARENTS
from data.core.scope import Actor, actor_from, district_subtree, role_kind
from data.models import RoleDef, RolePermission, User

# (role, district) -> (permissions, kind, district subtree), valid for one access revision
_ACCESS: dict[tuple[str, str | None], tuple[frozenset[str], str, frozenset[str]]] = {}
_ACCESS_AT: list[int | None] = [None]  # the access revision the entries were read at
_ACCESS_LOCK = threading.Lock()
ACCESS_ENTRIES = 4096  # roles x districts in use; a bound, not a tuning knob


def seed_roles(s: Session) -> int:
    """Insert the built-in roles and their default grants where missing; return rows added."""
    existing = set(s.scalars(select(RoleDef.code)))
    added = 0
    # parents first, so the role tree's foreign keys hold
    for code in sorted(ROLE_NAMES, key=lambda c: ROLE_PARENTS[c] is not None):
        if code in existing:
            continue
        zh, en = ROLE_NAMES[code]
        s.add(RoleDef(code=code, parent_code=ROLE_PARENTS[code], name_zh=zh, name_en=en, builtin=True))
        s.flush()
        s.add_all(RolePermission(role_code=code, permission=str(p)) for p in sorted(DEFAULT_GRANTS[code]))
        added += 1
    s.flush()
    return added


def role_permissions(s: Session, role: str) -> frozenset[str]:
    """Return the permissions granted to a role, as stored."""
    rows = s.scalars(select(RolePermission.permission).where(RolePermission.role_code == role))
    return frozenset(p for p in rows if p in PERMISSION_CODES)


def actor_at(s: Session, user: User, revision: int | None) -> Actor:
    """The user's Actor, reusing the role's permissions and kind and the district subtree read
    before while the access revision is `revision` (data.models.AccessRevision: triggers raise it
    on every change of roles, grants or districts). `None`: read everything now."""
    if revision is None:
        return actor_from(user, *_read_access(s, user.role, user.district_code))
    key = (user.role, user.district_code)
    with _ACCESS_LOCK:
        if _ACCESS_AT[0] != revision:
            _ACCESS.clear()
            _ACCESS_AT[0] = revision
        found = _ACCESS.get(key)
    if found is None:
        found = _read_access(s, user.role, user.district_code)
        with _ACCESS_LOCK:
            if _ACCESS_AT[0] == revision and len(_ACCESS) < ACCESS_ENTRIES:
                _ACCESS[key] = found
    return actor_from(user, *found)


def _read_access(s: Session, role: str, district_code: str | None) -> tuple[frozenset[str], str, frozenset[str]]:
    codes = district_subtree(s, district_code) if district_code else frozenset()
    return role_permissions(s, role), role_kind(s, role) or "", codes
