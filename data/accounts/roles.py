"""The built-in roles in the store: seeded with their default grants, read as granted."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.permissions import DEFAULT_GRANTS, PERMISSION_CODES, ROLE_NAMES, ROLE_PARENTS
from data.models import RoleDef, RolePermission


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
