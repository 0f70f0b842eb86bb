"""Permission codes, the built-in roles and their default grants.

The `role` and `role_permission` tables are the source of truth at run time (administrators edit
them); this module names the permissions that exist and seeds the defaults.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Role, RoleDef, RolePermission


@dataclass(frozen=True)
class Permission:
    code: str
    name_zh: str
    name_en: str


PERMISSIONS: tuple[Permission, ...] = (
    Permission("home.view", "首页", "Home"),
    Permission("reference.view", "参考数据查询", "Reference data lookup"),
    Permission("declaration.edit", "出入境报检", "Declarations"),
    Permission("application.edit", "证书申领", "Certificate applications"),
    Permission("application.review", "证书审核", "Application review"),
    Permission("certificate.sign", "证书签发", "Certificate issuing and signing"),
    Permission("stats.view", "统计查询", "Statistics"),
    Permission("ledger.export", "企业台账", "Enterprise ledger"),
    Permission("enterprise.manage", "企业用户管理", "Enterprise users"),
    Permission("overseas.portal", "海外端", "Overseas portal"),
    Permission("admin.registrations", "注册审核", "Registration review"),
    Permission("admin.users", "用户管理", "Users"),
    Permission("admin.roles", "角色与权限", "Roles and permissions"),
    Permission("admin.districts", "组织机构", "Organisation structure"),
    Permission("admin.dictionaries", "字典管理", "Dictionaries"),
    Permission("admin.formats", "单证格式", "Certificate formats"),
    Permission("admin.notifications", "通知管理", "Notifications"),
    Permission("admin.parameters", "系统参数", "System parameters"),
    Permission("admin.audit", "审计日志", "Audit log"),
)
PERMISSION_CODES = frozenset(p.code for p in PERMISSIONS)

ROLE_NAMES: dict[str, tuple[str, str]] = {
    Role.ADMIN.value: ("系统管理员", "System administrator"),
    Role.MANAGER.value: ("关区管理人员", "District manager"),
    Role.OFFICER.value: ("海关审核人员", "Customs officer"),
    Role.ENTERPRISE_ADMIN.value: ("企业管理员", "Enterprise administrator"),
    Role.ENTERPRISE.value: ("企业操作员", "Enterprise operator"),
    Role.OVERSEAS.value: ("海外用户", "Overseas user"),
}
ROLE_PARENTS: dict[str, str | None] = {
    Role.ADMIN.value: None,
    Role.MANAGER.value: None,
    Role.OFFICER.value: Role.MANAGER.value,
    Role.ENTERPRISE_ADMIN.value: None,
    Role.ENTERPRISE.value: Role.ENTERPRISE_ADMIN.value,
    Role.OVERSEAS.value: None,
}

_ENTERPRISE = {"home.view", "reference.view", "declaration.edit", "application.edit", "ledger.export"}
DEFAULT_GRANTS: dict[str, frozenset[str]] = {
    Role.ENTERPRISE.value: frozenset(_ENTERPRISE),
    Role.ENTERPRISE_ADMIN.value: frozenset(_ENTERPRISE | {"enterprise.manage"}),
    Role.OFFICER.value: frozenset({"home.view", "reference.view", "application.review", "certificate.sign"}),
    Role.MANAGER.value: frozenset({"home.view", "reference.view", "stats.view"}),
    Role.ADMIN.value: frozenset(
        {"home.view", "reference.view", "stats.view", "ledger.export"}  # any enterprise's ledger (data/ledger/query.py)
        | {p for p in PERMISSION_CODES if p.startswith("admin.")}
    ),
    Role.OVERSEAS.value: frozenset({"overseas.portal"}),
}


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
        s.add_all(RolePermission(role_code=code, permission=p) for p in sorted(DEFAULT_GRANTS[code]))
        added += 1
    s.flush()
    return added


def role_permissions(s: Session, role: str) -> frozenset[str]:
    """Return the permissions granted to a role, as stored."""
    rows = s.scalars(select(RolePermission.permission).where(RolePermission.role_code == role))
    return frozenset(p for p in rows if p in PERMISSION_CODES)
