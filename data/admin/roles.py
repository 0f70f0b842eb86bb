"""Roles and permissions (Liaoning manual 5.2.2 功能权限, 5.2.6 角色管理): the role tree, its users, its grants.

The `role_permission` rows written here are what the access checks read: auth/session.py builds
the signed-in user's Actor on every request from `role_permissions(s, user.role)`, so a grant or
a revocation takes effect at each user's next request, without signing anyone out.

Roles that administrators add sit under a role and take the kind of the built-in role above them
(data.core.scope.role_kind): a role under "officer" is for customs staff of a district, one under
"enterprise" for an enterprise's staff. Permissions are each role's own (not inherited).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Annotated

from pydantic import ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from auth.permissions import PERMISSION_CODES, PERMISSIONS, Perm, Permission
from data.admin.rules import (
    KIND_FAMILY,
    AdminInvalid,
    AdminRefused,
    depth_first,
    ensure_an_administrator_remains,
    in_actor_scope,
    lock_administrators,
    organisation_problems,
)
from data.core.audit import record_change
from data.core.forms import AnyText, Form, Lower, Required, limit, matching, needed, validated
from data.core.scope import Actor, NotFound, role_kind, row_scope
from data.models import Notification, RoleDef, RolePermission, User

PERMISSION = Perm.ADMIN_ROLES
ROLE_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")

# the permission tree: areas in order, each with its permissions; codes not named fall in by prefix
AREA_CODES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("general", (Perm.HOME_VIEW, Perm.REFERENCE_VIEW)),
    ("enterprise", (Perm.DECLARATION_EDIT, Perm.APPLICATION_EDIT, Perm.LEDGER_EXPORT, Perm.ENTERPRISE_MANAGE)),
    ("customs", (Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN)),
    ("statistics", ()),
    ("overseas", (Perm.OVERSEAS_PORTAL,)),
    ("administration", ()),
    ("other", ()),
)
AREA_PREFIXES = {"stats.": "statistics", "admin.": "administration", "overseas.": "overseas",
                 "declaration.": "enterprise", "ledger.": "enterprise", "enterprise.": "enterprise"}


@dataclass(frozen=True)
class RoleNode:
    code: str
    parent_code: str | None
    name_zh: str
    name_en: str
    builtin: bool
    kind: str | None
    depth: int
    users: int  # users holding the role, deactivated and deleted ones included
    permissions: frozenset[str]


@dataclass(frozen=True)
class RoleForm:
    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    parent_code: str = ""


@dataclass(frozen=True)
class RoleUser:
    id: int
    account: str
    real_name: str
    active: bool
    deleted: bool


def permission_area(code: str) -> str:
    """Return the area of the permission tree a permission belongs to."""
    for area, codes in AREA_CODES:
        if code in codes:
            return area
    return next((area for prefix, area in AREA_PREFIXES.items() if code.startswith(prefix)), "other")


def permission_tree() -> list[tuple[str, list[Permission]]]:
    """Return the areas of the permission tree, in order, with their permissions (empty areas left out)."""
    by_area: dict[str, list[Permission]] = {area: [] for area, _codes in AREA_CODES}
    for p in PERMISSIONS:
        by_area[permission_area(p.code)].append(p)
    return [(area, perms) for area, perms in by_area.items() if perms]


def role_tree(s: Session, actor: Actor) -> list[RoleNode]:
    """Return every role, depth first (children after their parent, by code)."""
    actor.require(PERMISSION)
    roles = list(s.scalars(select(RoleDef).order_by(RoleDef.code)))
    counts: dict[str, int] = {role: n for role, n in s.execute(select(User.role, func.count()).group_by(User.role))}
    grants: dict[str, set[str]] = {}
    for role_code, permission in s.execute(select(RolePermission.role_code, RolePermission.permission)):
        grants.setdefault(role_code, set()).add(permission)
    return [RoleNode(r.code, r.parent_code, r.name_zh, r.name_en, r.builtin, role_kind(s, r.code), depth,
                     counts.get(r.code, 0), frozenset(grants.get(r.code, ()))) for r, depth in depth_first(roles)]


def _role(s: Session, code: str) -> RoleDef:
    role = s.get(RoleDef, code or "", with_for_update=True)
    if role is None:
        raise NotFound(f"role {code}")
    return role


def _subtree(s: Session, code: str) -> set[str]:
    """Return the role and every role below it."""
    parents: dict[str, str | None] = {code: parent for code, parent in s.execute(select(RoleDef.code, RoleDef.parent_code))}
    found = {code}
    grew = True
    while grew:
        below = {c for c, p in parents.items() if p in found} - found
        grew = bool(below)
        found |= below
    return found


def _snapshot(role: RoleDef) -> dict:
    return {"code": role.code, "name_zh": role.name_zh, "name_en": role.name_en, "parent_code": role.parent_code}


class RoleRules(Form):
    """A role's names; where it stands in the tree and whether a name is taken are checked against the store."""

    model_config = ConfigDict(extra="ignore")

    name_zh: Annotated[Required, limit(64)] = ""
    name_en: Annotated[Required, limit(64)] = ""


class NewRoleRules(RoleRules):
    """A new role: its code (small letters, digits, '_') and the role it goes under."""

    code: Annotated[Required, Lower, matching(ROLE_CODE_RE, "role_code_format")] = ""
    parent_code: Annotated[AnyText, needed("role_parent_needed")] = ""


def _duplicate_name(s: Session, form: RoleForm, code: str) -> dict[str, str]:
    """Two roles of the same name could not be told apart in the pickers."""
    errors: dict[str, str] = {}
    for name, column in (("name_zh", RoleDef.name_zh), ("name_en", RoleDef.name_en)):
        if s.scalar(select(RoleDef.code).where(func.lower(column) == getattr(form, name).strip().lower(),
                                               RoleDef.code != code)):
            errors[name] = "role_name_taken"
    return errors


def create_role(s: Session, actor: Actor, form: RoleForm) -> RoleDef:
    """Add a role under an existing one, with no permissions yet."""
    actor.require(PERMISSION)
    code = form.code.strip().lower()
    _, errors = validated(NewRoleRules, asdict(form))
    if "code" not in errors and s.get(RoleDef, code) is not None:
        errors["code"] = "role_code_taken"
    if "parent_code" not in errors and s.get(RoleDef, form.parent_code) is None:
        errors["parent_code"] = "unknown_role"
    if not errors:
        errors.update(_duplicate_name(s, form, code))
    if errors:
        raise AdminInvalid(errors)
    role = RoleDef(code=code, name_zh=form.name_zh.strip(), name_en=form.name_en.strip(),
                   parent_code=form.parent_code, builtin=False)
    s.add(role)
    s.flush()
    record_change(s, actor, "admin.role_created", "role", code, None, {**_snapshot(role), "permissions": []},
                  message=role.name_zh)
    return role


def update_role(s: Session, actor: Actor, code: str, form: RoleForm) -> RoleDef:
    """Rename a role, or move it under another (built-in roles keep their place)."""
    actor.require(PERMISSION)
    role = _role(s, code)
    _, errors = validated(RoleRules, asdict(form))
    parent = form.parent_code or None
    if parent != role.parent_code:
        if role.builtin:
            raise AdminRefused("builtin_role_fixed")
        if parent is None:
            errors["parent_code"] = "role_parent_needed"
        elif s.get(RoleDef, parent) is None:
            errors["parent_code"] = "unknown_role"
        elif parent in _subtree(s, code):
            errors["parent_code"] = "role_parent_cycle"
    if not errors:
        errors.update(_duplicate_name(s, form, code))
    if errors:
        raise AdminInvalid(errors)
    before = _snapshot(role)
    if parent != role.parent_code:
        old_kind, new_kind = role_kind(s, code), role_kind(s, parent)
        if KIND_FAMILY.get(old_kind or "") != KIND_FAMILY.get(new_kind or ""):
            holders = s.scalar(select(func.count()).select_from(User).where(User.role.in_(_subtree(s, code)))) or 0
            if holders:
                # their district or enterprise would no longer fit the role (and their scope would change)
                raise AdminRefused("role_kind_change_with_users", n=holders)
    role.name_zh, role.name_en, role.parent_code = form.name_zh.strip(), form.name_en.strip(), parent
    s.flush()
    record_change(s, actor, "admin.role_updated", "role", code, before, _snapshot(role), message=role.name_zh)
    return role


def delete_role(s: Session, actor: Actor, code: str) -> None:
    """Delete a role nobody holds, with no roles below it and no notification addressed to it."""
    actor.require(PERMISSION)
    role = _role(s, code)
    if role.builtin:
        raise AdminRefused("builtin_role")
    children = s.scalar(select(func.count()).select_from(RoleDef).where(RoleDef.parent_code == code)) or 0
    if children:
        raise AdminRefused("role_has_children", n=children)
    holders = s.scalar(select(func.count()).select_from(User).where(User.role == code)) or 0
    if holders:
        raise AdminRefused("role_has_users", n=holders)
    # notifications keep their audience as a JSON list of role codes: read them, there are few
    addressed = sum(1 for roles in s.scalars(select(Notification.roles)) if code in (roles or []))
    if addressed:
        raise AdminRefused("role_in_notifications", n=addressed)
    granted = sorted(s.scalars(select(RolePermission.permission).where(RolePermission.role_code == code)))
    before = {**_snapshot(role), "permissions": granted}
    s.execute(delete(RolePermission).where(RolePermission.role_code == code))
    s.delete(role)
    s.flush()
    record_change(s, actor, "admin.role_deleted", "role", code, before, None, message=before["name_zh"])


def set_role_permissions(s: Session, actor: Actor, code: str, permissions, *, now: datetime | None = None) -> None:
    """Replace a role's permissions; unknown ones are refused, and someone must keep `admin.roles`."""
    actor.require(PERMISSION)
    now = now or datetime.now(timezone.utc)
    lock_administrators(s)
    role = _role(s, code)
    given = list(permissions)
    wanted = {p for p in given if isinstance(p, str)}
    unknown = sorted(wanted - PERMISSION_CODES)
    if unknown or len(wanted) != len(set(map(str, given))):
        raise AdminRefused("unknown_permission", codes=", ".join(unknown)[:200])
    granted = set(s.scalars(select(RolePermission.permission).where(RolePermission.role_code == code)))
    if granted == wanted:
        return
    s.execute(delete(RolePermission).where(RolePermission.role_code == code,
                                           RolePermission.permission.in_(sorted(granted - wanted))))
    s.add_all(RolePermission(role_code=code, permission=p) for p in sorted(wanted - granted))
    ensure_an_administrator_remains(s, now)
    record_change(s, actor, "admin.role_permissions", "role", code, {"permissions": sorted(granted)},
                  {"permissions": sorted(wanted)}, message=role.name_zh)


def role_users(s: Session, actor: Actor, code: str) -> list[RoleUser]:
    """Return the users holding a role (in the actor's scope), by account."""
    actor.require(PERMISSION)
    _role(s, code)
    return [RoleUser(u.id, u.account, u.real_name, u.active, u.deleted_at is not None)
            for u in s.scalars(select(User).where(User.role == code, row_scope(actor, User)).order_by(User.account))]


def assign_users(s: Session, actor: Actor, code: str, user_ids, *, now: datetime | None = None) -> int:
    """Give a role to users; each user's district or enterprise must fit it. Return how many changed."""
    actor.require(PERMISSION)
    actor.require(Perm.ADMIN_USERS)  # changing a user's role is user administration too
    now = now or datetime.now(timezone.utc)
    lock_administrators(s)
    _role(s, code)
    kind = role_kind(s, code)
    ids = sorted({int(i) for i in user_ids})
    users = list(s.scalars(select(User).where(User.id.in_(ids), row_scope(actor, User)).with_for_update()))
    if len(users) != len(ids):
        raise NotFound("user")
    changed = 0
    for user in sorted(users, key=lambda u: u.account):
        if user.role == code:
            continue
        if user.id == actor.user_id:
            raise AdminRefused("own_role")
        problems = organisation_problems(s, kind, user.district_code, user.enterprise_id,
                                         kept=(user.district_code, user.enterprise_id))
        if problems or not in_actor_scope(actor, user.district_code, user.enterprise_id):
            raise AdminRefused("user_does_not_fit_role", account=user.account,
                               reason=next(iter(problems.values()), "outside_your_scope"))
        before = {"role": user.role}
        user.role = code
        record_change(s, actor, "admin.user_updated", "user", user.id, before, {"role": code}, message=user.account,
                      district_code=user.district_code, enterprise_id=user.enterprise_id)
        changed += 1
    ensure_an_administrator_remains(s, now)
    return changed


def move_role_users(s: Session, actor: Actor, from_code: str, to_code: str, *, now: datetime | None = None) -> int:
    """Give every holder of one role another role (before deleting the first); return how many moved."""
    actor.require(PERMISSION)
    _role(s, from_code)
    if from_code == to_code:
        raise AdminInvalid({"target": "same_role"})
    holders = list(s.scalars(select(User.id).where(User.role == from_code)))
    return assign_users(s, actor, to_code, holders, now=now)
