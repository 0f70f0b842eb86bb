"""Rules shared by the administration pages for users, roles and districts.

Errors: `AdminInvalid` carries {field: reason code} for a form; `AdminRefused` carries one reason
code (and values for its message) for an action the rules forbid. Either one is raised before the
caller's transaction commits, so nothing is half-written.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.forms import Invalid
from data.core.scope import Actor
from data.models import CustomsDistrict, Enterprise, Role, RolePermission, User

# an administrator is an active, unlocked user whose role holds this: it can give back every other one
ROOT_PERMISSION = Perm.ADMIN_ROLES

# which organisation the users of each kind of role belong to
ORGANISATION_OF_KIND: dict[str, str | None] = {
    Role.ADMIN.value: None,
    Role.MANAGER.value: "district",
    Role.OFFICER.value: "district",
    Role.ENTERPRISE_ADMIN.value: "enterprise",
    Role.ENTERPRISE.value: "enterprise",
    Role.OVERSEAS.value: "enterprise",
}


# kinds whose users see the same rows (data.core.scope.row_scope) and belong to the same kind of organisation
KIND_FAMILY: dict[str, str] = {
    Role.ADMIN.value: "admin",
    Role.MANAGER.value: "customs",
    Role.OFFICER.value: "customs",
    Role.ENTERPRISE_ADMIN.value: "enterprise",
    Role.ENTERPRISE.value: "enterprise",
    Role.OVERSEAS.value: "overseas",
}


class AdminInvalid(Invalid):
    """An administration form has errors: field name -> reason code."""


class AdminRefused(Exception):
    """The rules forbid this action; `code` says which rule, `values` fill its message."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def organisation_problems(s: Session, kind: str | None, district_code: str | None, enterprise_id: int | None, *,
                          kept: tuple[str | None, int | None] = (None, None)) -> dict[str, str]:
    """Return why a user of this kind of role cannot belong to this district or enterprise.

    `kept` is the user's present (district, enterprise): an organisation the user already belongs
    to stays acceptable after it is retired; only new choices must be active.
    """
    if kind not in ORGANISATION_OF_KIND:
        return {"role": "role_without_kind"}
    wanted = ORGANISATION_OF_KIND[kind]
    errors: dict[str, str] = {}
    if wanted == "district":
        if not district_code:
            errors["district_code"] = "customs_need_district"
        elif district_code != kept[0]:
            active = s.scalar(select(CustomsDistrict.active).where(CustomsDistrict.code == district_code))
            if active is None:
                errors["district_code"] = "unknown_district"
            elif not active:
                errors["district_code"] = "district_retired"
        if enterprise_id is not None:
            errors["enterprise_id"] = "customs_no_enterprise"
    elif wanted == "enterprise":
        if district_code:
            errors["district_code"] = "enterprise_no_district"
        if enterprise_id is None:
            errors["enterprise_id"] = "enterprise_needed"
        elif enterprise_id != kept[1]:
            status = s.scalar(select(Enterprise.status).where(Enterprise.id == enterprise_id))
            if status is None:
                errors["enterprise_id"] = "unknown_enterprise"
            elif status != "approved":
                errors["enterprise_id"] = "enterprise_not_approved"
    else:
        if district_code:
            errors["district_code"] = "admin_no_organisation"
        if enterprise_id is not None:
            errors["enterprise_id"] = "admin_no_organisation"
    return errors


def in_actor_scope(actor: Actor, district_code: str | None, enterprise_id: int | None) -> bool:
    """Return True when a user of this organisation lies inside the actor's row scope (as row_scope(User))."""
    if actor.is_admin:
        return True
    if actor.is_enterprise and actor.enterprise_id is not None:
        return enterprise_id == actor.enterprise_id
    if actor.is_customs and actor.district_codes:
        return district_code in actor.district_codes
    return False


def administrators_left(s: Session, now: datetime) -> int:
    """Count the active, unlocked users whose role holds the root permission."""
    roles = select(RolePermission.role_code).where(RolePermission.permission == ROOT_PERMISSION)
    return s.scalar(select(func.count()).select_from(User).where(
        User.role.in_(roles), User.active.is_(True), User.deleted_at.is_(None),
        or_(User.locked_until.is_(None), User.locked_until <= now))) or 0


def lock_administrators(s: Session) -> None:
    """Lock the rows of the users who may be administrators, in id order, before a guarded change.

    Two administrators removing each other at the same moment would each still see the other; with
    these rows locked first, the second change waits for the first and then counts what is left.
    """
    roles = select(RolePermission.role_code).where(RolePermission.permission == ROOT_PERMISSION)
    s.execute(select(User.id).where(User.role.in_(roles)).order_by(User.id).with_for_update())


def ensure_an_administrator_remains(s: Session, now: datetime) -> None:
    """Refuse (after the change is flushed) any change that leaves nobody able to administer roles."""
    s.flush()
    if administrators_left(s, now) == 0:
        raise AdminRefused("last_administrator")


TreeRow = TypeVar("TreeRow", bound=Any)  # a stored row with `code` and `parent_code` (district, role)


def depth_first(rows: Sequence[TreeRow]) -> list[tuple[TreeRow, int]]:
    """Order rows with `code` and `parent_code` as a tree, each after its parent: (row, depth), siblings in
    the order given; a row whose parent is unknown stands at the top."""
    known = {r.code for r in rows}
    children: dict[str | None, list[TreeRow]] = {}
    for r in rows:
        children.setdefault(r.parent_code if r.parent_code in known else None, []).append(r)
    out: list[tuple[TreeRow, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            if r.code not in seen:  # a loop in the stored tree is walked once
                seen.add(r.code)
                out.append((r, depth))
                walk(r.code, depth + 1)

    walk(None, 0)
    return out


def end_sessions(user: User) -> None:
    """Make every open session of the user invalid on its next request (and background job)."""
    user.session_version = (user.session_version or 1) + 1
