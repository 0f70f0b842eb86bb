"""Permission codes, the built-in roles and their default grants: names only, no store.

The `role` and `role_permission` tables are the source of truth at run time (administrators edit
them; `data/accounts/roles.py` seeds and reads them); this module names the roles and permissions
that exist. Code uses `Perm.X`, never the string: a typo then fails at import, not as a silent 403.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(str, enum.Enum):
    ENTERPRISE = "enterprise"
    ENTERPRISE_ADMIN = "enterprise_admin"
    OFFICER = "officer"
    MANAGER = "manager"
    ADMIN = "admin"
    OVERSEAS = "overseas"


# officials of an importing country's competent authority (the China e-Cert model): created by administrators
# per country, they see every certificate destined to their country in the portal; every view is audited
AUTHORITY_ROLE = "overseas_authority"


class Perm(enum.StrEnum):
    """Every permission code; a member is its code (a str), so it is stored and compared as one."""

    HOME_VIEW = "home.view"
    REFERENCE_VIEW = "reference.view"
    DECLARATION_EDIT = "declaration.edit"
    APPLICATION_EDIT = "application.edit"
    APPLICATION_REVIEW = "application.review"
    CERTIFICATE_SIGN = "certificate.sign"
    STATS_VIEW = "stats.view"
    LEDGER_EXPORT = "ledger.export"
    ENTERPRISE_MANAGE = "enterprise.manage"
    OVERSEAS_PORTAL = "overseas.portal"
    OVERSEAS_COUNTRY = "overseas.country"  # the portal shows every certificate for the user's country
    ADMIN_REGISTRATIONS = "admin.registrations"
    ADMIN_USERS = "admin.users"
    ADMIN_ROLES = "admin.roles"
    ADMIN_DISTRICTS = "admin.districts"
    ADMIN_DICTIONARIES = "admin.dictionaries"
    ADMIN_FORMATS = "admin.formats"
    ADMIN_NOTIFICATIONS = "admin.notifications"
    ADMIN_PARAMETERS = "admin.parameters"
    ADMIN_AUDIT = "admin.audit"


@dataclass(frozen=True)
class Permission:
    code: str
    name_zh: str
    name_en: str


PERMISSIONS: tuple[Permission, ...] = (
    Permission(Perm.HOME_VIEW, "首页", "Home"),
    Permission(Perm.REFERENCE_VIEW, "参考数据查询", "Reference data lookup"),
    Permission(Perm.DECLARATION_EDIT, "出入境报检", "Declarations"),
    Permission(Perm.APPLICATION_EDIT, "证书申领", "Certificate applications"),
    Permission(Perm.APPLICATION_REVIEW, "证书审核", "Application review"),
    Permission(Perm.CERTIFICATE_SIGN, "证书签发", "Certificate issuing and signing"),
    Permission(Perm.STATS_VIEW, "统计查询", "Statistics"),
    Permission(Perm.LEDGER_EXPORT, "企业台账", "Enterprise ledger"),
    Permission(Perm.ENTERPRISE_MANAGE, "企业用户管理", "Enterprise users"),
    Permission(Perm.OVERSEAS_PORTAL, "海外端", "Overseas portal"),
    Permission(Perm.OVERSEAS_COUNTRY, "海外端：本国全部证书", "Overseas portal: every certificate for the user's country"),
    Permission(Perm.ADMIN_REGISTRATIONS, "注册审核", "Registration review"),
    Permission(Perm.ADMIN_USERS, "用户管理", "Users"),
    Permission(Perm.ADMIN_ROLES, "角色与权限", "Roles and permissions"),
    Permission(Perm.ADMIN_DISTRICTS, "组织机构", "Organisation structure"),
    Permission(Perm.ADMIN_DICTIONARIES, "字典管理", "Dictionaries"),
    Permission(Perm.ADMIN_FORMATS, "单证格式", "Certificate formats"),
    Permission(Perm.ADMIN_NOTIFICATIONS, "通知管理", "Notifications"),
    Permission(Perm.ADMIN_PARAMETERS, "系统参数", "System parameters"),
    Permission(Perm.ADMIN_AUDIT, "审计日志", "Audit log"),
)
PERMISSION_CODES = frozenset(p.code for p in PERMISSIONS)

ROLE_NAMES: dict[str, tuple[str, str]] = {
    Role.ADMIN.value: ("系统管理员", "System administrator"),
    Role.MANAGER.value: ("关区管理人员", "District manager"),
    Role.OFFICER.value: ("海关审核人员", "Customs officer"),
    Role.ENTERPRISE_ADMIN.value: ("企业管理员", "Enterprise administrator"),
    Role.ENTERPRISE.value: ("企业操作员", "Enterprise operator"),
    Role.OVERSEAS.value: ("海外用户", "Overseas user"),
    AUTHORITY_ROLE: ("境外主管当局", "Foreign competent authority"),
}
ROLE_PARENTS: dict[str, str | None] = {
    Role.ADMIN.value: None,
    Role.MANAGER.value: None,
    Role.OFFICER.value: Role.MANAGER.value,
    Role.ENTERPRISE_ADMIN.value: None,
    Role.ENTERPRISE.value: Role.ENTERPRISE_ADMIN.value,
    Role.OVERSEAS.value: None,
    AUTHORITY_ROLE: Role.OVERSEAS.value,  # an overseas user (kind), with the whole country's certificates
}

ENTERPRISE_GRANTS = frozenset({Perm.HOME_VIEW, Perm.REFERENCE_VIEW, Perm.DECLARATION_EDIT, Perm.APPLICATION_EDIT,
                               Perm.LEDGER_EXPORT})
DEFAULT_GRANTS: dict[str, frozenset[str]] = {
    Role.ENTERPRISE.value: ENTERPRISE_GRANTS,
    Role.ENTERPRISE_ADMIN.value: ENTERPRISE_GRANTS | {Perm.ENTERPRISE_MANAGE},
    Role.OFFICER.value: frozenset({Perm.HOME_VIEW, Perm.REFERENCE_VIEW, Perm.APPLICATION_REVIEW,
                                   Perm.CERTIFICATE_SIGN}),
    Role.MANAGER.value: frozenset({Perm.HOME_VIEW, Perm.REFERENCE_VIEW, Perm.STATS_VIEW}),
    Role.ADMIN.value: frozenset(
        {Perm.HOME_VIEW, Perm.REFERENCE_VIEW, Perm.STATS_VIEW,
         Perm.LEDGER_EXPORT}  # any enterprise's ledger (data/ledger/query.py)
        | {p for p in Perm if p.startswith("admin.")}
    ),
    Role.OVERSEAS.value: frozenset({Perm.OVERSEAS_PORTAL}),
    AUTHORITY_ROLE: frozenset({Perm.OVERSEAS_PORTAL, Perm.OVERSEAS_COUNTRY}),
}
