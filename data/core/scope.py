"""The acting user and the row scope every query applies.

Enterprise users see their own enterprise's rows; officers and managers the rows of their
district subtree (直属海关 → 隶属海关); administrators everything; anyone else nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, literal_column, select, true
from sqlalchemy.orm import Session

from data.models import CustomsDistrict, Role, RoleDef, User

BUILTIN_ROLES = frozenset(r.value for r in Role)


class AccessDenied(Exception):
    """The acting user may not do this; the message names what was refused."""


class NotFound(Exception):
    """Nothing by that key inside the acting user's scope (also used for rows outside it)."""


@dataclass(frozen=True)
class Actor:
    user_id: int
    account: str
    real_name: str
    role: str
    language: str
    enterprise_id: int | None
    district_code: str | None
    district_codes: frozenset[str]
    permissions: frozenset[str]
    kind: str = ""  # the built-in role an administrator-made role descends from ("" = the role itself)
    country: str | None = None  # overseas users: the country they act for

    @property
    def is_admin(self) -> bool:
        return (self.kind or self.role) == Role.ADMIN.value

    @property
    def is_enterprise(self) -> bool:
        return (self.kind or self.role) in (Role.ENTERPRISE.value, Role.ENTERPRISE_ADMIN.value)

    @property
    def is_overseas(self) -> bool:
        return (self.kind or self.role) == Role.OVERSEAS.value

    @property
    def is_customs(self) -> bool:
        return (self.kind or self.role) in (Role.OFFICER.value, Role.MANAGER.value)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise AccessDenied(permission)

    def own_enterprise(self, permission: str) -> int:
        """Return the actor's enterprise after checking the permission; no enterprise, no access."""
        self.require(permission)
        if self.enterprise_id is None:
            raise AccessDenied(f"{permission} needs an enterprise")
        return self.enterprise_id


def district_subtree(s: Session, code: str) -> frozenset[str]:
    """Return the code and every district below it, at any depth (empty if unknown)."""
    tree = select(CustomsDistrict.code).where(CustomsDistrict.code == code).cte("subtree", recursive=True)
    tree = tree.union_all(select(CustomsDistrict.code).where(CustomsDistrict.parent_code == tree.c.code))
    return frozenset(s.scalars(select(tree.c.code)))


def role_kind(s: Session, code: str | None) -> str | None:
    """Return the built-in role a role descends from in the role tree (itself if built in), or None.

    Roles that administrators add sit under a built-in one and take its kind: which organisation
    their users belong to and which rows they see. Permissions are the role's own, not inherited.
    """
    seen: set[str] = set()
    while code and code not in seen:
        if code in BUILTIN_ROLES:
            return code
        seen.add(code)
        code = s.scalar(select(RoleDef.parent_code).where(RoleDef.code == code))
    return None


def actor_for(s: Session, user: User, permissions: frozenset[str]) -> Actor:
    """Build the Actor for a stored user, with its district subtree and its role's kind resolved."""
    codes = district_subtree(s, user.district_code) if user.district_code else frozenset()
    return actor_from(user, permissions, role_kind(s, user.role) or "", codes)


def actor_from(user: User, permissions: frozenset[str], kind: str, district_codes: frozenset[str]) -> Actor:
    """The Actor of a stored user, from its role's permissions and kind and its district subtree."""
    return Actor(
        user_id=user.id,
        account=user.account,
        real_name=user.real_name,
        role=user.role,
        language=user.language,
        enterprise_id=user.enterprise_id,
        district_code=user.district_code,
        district_codes=district_codes,
        permissions=permissions,
        kind=kind,
        country=user.country,
    )


# What customs staff may see of an enterprise's work: nothing it has not sent yet. A draft
# application (暂存) and a declaration still draft or saved (暂存/保存) are the enterprise's own.
CUSTOMS_HIDDEN_STATUSES = {"certificate_application": ("draft",), "declaration": ("draft", "saved")}


def customs_visible(model) -> ColumnElement[bool]:
    """Return the condition hiding the enterprise's unsent rows of `model` from customs staff."""
    hidden = CUSTOMS_HIDDEN_STATUSES.get(getattr(model, "__tablename__", ""))
    if not hidden:
        return true()
    # literal statuses, not bound values: statements prepared once (data/core/prepared.py) keep their parameters
    return and_(*(model.status != literal_column(f"'{status}'") for status in hidden))


def row_scope(actor: Actor, model) -> ColumnElement[bool]:
    """Return the WHERE clause limiting `model` (with enterprise_id / district_code) to the actor."""
    if actor.is_admin:
        return true()
    if actor.is_enterprise and actor.enterprise_id is not None:
        return model.enterprise_id == actor.enterprise_id
    if actor.is_customs and actor.district_codes:
        return model.district_code.in_(sorted(actor.district_codes)) & customs_visible(model)
    return false()


def scope_kind(actor: Actor) -> tuple[str, object]:
    """The same rule as `row_scope`, as (kind, value) for statements prepared once with parameters."""
    if actor.is_admin:
        return "all", None
    if actor.is_enterprise and actor.enterprise_id is not None:
        return "enterprise", actor.enterprise_id
    if actor.is_customs and actor.district_codes:
        return "districts", sorted(actor.district_codes)
    return "none", None


def district_scope(actor: Actor) -> ColumnElement[bool]:
    """Return the WHERE clause limiting customs districts to those the actor may pick."""
    if actor.is_admin:
        return true()
    if actor.is_customs and actor.district_codes:
        return CustomsDistrict.code.in_(sorted(actor.district_codes))
    return false()
