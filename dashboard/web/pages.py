"""The page registry: every page's path, permission, id prefix, menu label and render function.

This table is the one place that says who may reach what: the navbar menu, the page layouts and
the access guard (auth/guard.py) all read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import dash

from auth.permissions import Perm
from auth.guard import PUBLIC, SIGNED_IN, AccessMap, allowed
from auth.session import current_actor
from callbacks import applications, audit, cards, declarations, comm, home, login, overseas, overseas_users, password, reference, register, registrations
from callbacks import enterprise_settings, party_book
from callbacks import declaration_imports
from callbacks import declaration_form
from callbacks import application_form, certificate_templates
from callbacks import ledger
from callbacks import verify
from callbacks import certificate_issue, certificates
from callbacks import admin_dictionaries, admin_formats, admin_notifications, admin_parameters
from callbacks import admin_districts, admin_roles, admin_users
from callbacks import certificate_query
from callbacks import stats
from dashboard.core.i18n import N_, Translator
from auth.session import request_translator
from data.core.scope import Actor
from layouts.errors import forbidden, not_found
from layouts.shell import MenuItem


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    title: str  # message id
    permission: str | tuple[str, ...]  # a permission code, any of several, PUBLIC or SIGNED_IN
    id_prefix: str
    render: Callable[..., object]  # (actor | None, translator, **query) -> component
    in_menu: bool = True
    anonymous_only: bool = False  # signed-in users are sent home (sign-in, registration)
    menu_group: str | None = None  # message id of the dropdown that holds it in the navbar
    path_template: str | None = None  # Dash path template (/verify/<certificate_no>); its server route is public


SETTINGS = N_("Enterprise settings")  # 系统设置 of Jiucheng 3.3: the enterprise's own set-up pages
ADMIN = N_("Administration")  # 系统配置 of Liaoning 5.2 and 单证格式 of 5.6: the administrators' pages
STATS = N_("Statistics")  # 统计查询 of Liaoning 5.9: the managers' and administrators' statistics pages


PAGES: tuple[PageSpec, ...] = (
    PageSpec("login", "/login", N_("Sign in"), PUBLIC, "login", login.render, in_menu=False, anonymous_only=True),
    PageSpec("register", "/register", N_("Enterprise registration"), PUBLIC, "reg", register.render, in_menu=False,
             anonymous_only=True),
    PageSpec("forgot", "/password/forgot", N_("Forgotten password"), PUBLIC, "pwf", password.render_forgot,
             in_menu=False, anonymous_only=True),
    PageSpec("reset", "/password/reset", N_("Set a new password"), PUBLIC, "pwr", password.render_reset,
             in_menu=False),
    PageSpec("account", "/account", N_("My account"), SIGNED_IN, "acct", password.render_account, in_menu=False),
    PageSpec("home", "/", N_("Home"), Perm.HOME_VIEW, "home", home.render),
    PageSpec("declarations", "/declarations", N_("Declarations"), (Perm.DECLARATION_EDIT, Perm.APPLICATION_REVIEW), "decl",
             declarations.render),
    PageSpec("declaration_form", "/declarations/edit", N_("Declaration"), Perm.DECLARATION_EDIT, "declf",
             declaration_form.render, in_menu=False),
    PageSpec("parties", "/enterprise/parties", N_("Consignors and consignees"), Perm.DECLARATION_EDIT, "party",
             party_book.render, menu_group=SETTINGS),
    PageSpec("defaults", "/enterprise/defaults", N_("Declaration defaults"), Perm.DECLARATION_EDIT, "defaults",
             enterprise_settings.render, menu_group=SETTINGS),
    PageSpec("goods_import", "/enterprise/goods-import", N_("Goods import mapping"), Perm.DECLARATION_EDIT, "gimap",
             declaration_imports.render_mapping, menu_group=SETTINGS),
    PageSpec("applications", "/applications", N_("Certificate applications"),
             (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW), "apps", applications.render_list),
    PageSpec("application", "/applications/view", N_("Application"), (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW),
             "appv", applications.render_detail, in_menu=False),
    PageSpec("application_new", "/applications/new", N_("New certificate application"), Perm.APPLICATION_EDIT, "appn",
             application_form.render_new, in_menu=False),
    PageSpec("application_edit", "/applications/edit", N_("Certificate application"), Perm.APPLICATION_EDIT, "appf",
             application_form.render_edit, in_menu=False),
    PageSpec("certificate_templates", "/applications/templates", N_("Certificate templates"), Perm.APPLICATION_EDIT,
             "tmpl", certificate_templates.render),
    PageSpec("ledger", "/ledger", N_("Enterprise ledger"), Perm.LEDGER_EXPORT, "ledger", ledger.render),
    PageSpec("certificate_issue", "/certificates/issue", N_("Issue certificates"), Perm.CERTIFICATE_SIGN, "certi",
             certificate_issue.render_issue),
    PageSpec("certificate", "/certificates/view", N_("Certificate"),
             (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN, Perm.STATS_VIEW), "certv",
             certificates.render_view, in_menu=False),
    PageSpec("stats_issuance", "/stats/issuance", N_("Issuance by district"), Perm.STATS_VIEW, "issuance",
             stats.render_issuance, menu_group=STATS),
    PageSpec("certificate_query", "/stats/certificates", N_("Certificate query"), Perm.STATS_VIEW, "certq",
             certificate_query.render, menu_group=STATS),
    PageSpec("stats_cloud", "/stats/cloud-signing", N_("Cloud-signing usage"), Perm.STATS_VIEW, "cloud",
             stats.render_cloud, menu_group=STATS),
    PageSpec("stats_trends", "/stats/trends", N_("Trends"), Perm.STATS_VIEW, "trends", stats.render_trends,
             menu_group=STATS),
    PageSpec("reference", "/reference", N_("Reference data"), Perm.REFERENCE_VIEW, "ref", reference.render),
    PageSpec("comm", "/enterprise/comm-account", N_("Communication account"), Perm.ENTERPRISE_MANAGE, "comm",
             comm.render, menu_group=SETTINGS),
    PageSpec("overseas_users", "/enterprise/overseas-users", N_("Overseas users"), Perm.ENTERPRISE_MANAGE, "ovu",
             overseas_users.render, menu_group=SETTINGS),
    PageSpec("overseas", "/overseas", N_("Overseas portal"), Perm.OVERSEAS_PORTAL, "ovs", overseas.render),
    PageSpec("registrations", "/admin/registrations", N_("Registration review"), Perm.ADMIN_REGISTRATIONS, "regrev",
             registrations.render, menu_group=ADMIN),
    PageSpec("admin_users", "/admin/users", N_("User management"), Perm.ADMIN_USERS, "usr", admin_users.render,
             menu_group=ADMIN),
    PageSpec("admin_roles", "/admin/roles", N_("Roles and permissions"), Perm.ADMIN_ROLES, "role", admin_roles.render,
             menu_group=ADMIN),
    PageSpec("admin_districts", "/admin/districts", N_("Organisation structure"), Perm.ADMIN_DISTRICTS, "dist",
             admin_districts.render, menu_group=ADMIN),
    PageSpec("cards", "/admin/cards", N_("IC cards"), Perm.ADMIN_USERS, "cards", cards.render, menu_group=ADMIN),
    PageSpec("audit", "/admin/audit", N_("Audit log"), Perm.ADMIN_AUDIT, "audit", audit.render, menu_group=ADMIN),
    PageSpec("admin_dictionaries", "/admin/dictionaries", N_("Dictionaries"), Perm.ADMIN_DICTIONARIES, "adict",
             admin_dictionaries.render, menu_group=ADMIN),
    PageSpec("admin_formats", "/admin/formats", N_("Certificate formats"), Perm.ADMIN_FORMATS, "afmt",
             admin_formats.render, menu_group=ADMIN),
    PageSpec("admin_notifications", "/admin/notifications", N_("Manage notifications"), Perm.ADMIN_NOTIFICATIONS,
             "anote", admin_notifications.render, menu_group=ADMIN),
    PageSpec("admin_parameters", "/admin/parameters", N_("System parameters"), Perm.ADMIN_PARAMETERS, "aparam",
             admin_parameters.render, menu_group=ADMIN),
    PageSpec("verify", "/verify", N_("Certificate verification"), PUBLIC, "ver", verify.render, in_menu=False,
             path_template="/verify/<certificate_no>"),
)

# ids outside any page: the navbar (any signed-in user) and Dash's page router, whose page
# layouts check their own permission (see `_guarded`)
SHARED_PREFIXES: dict[str, str] = {"shell": SIGNED_IN, "_pages": PUBLIC}
# server (non-Dash) routes by Flask endpoint: auth/login.py and dashboard/web/routes.py
ROUTE_PERMISSIONS: dict[str, str | tuple[str, ...]] = {
    "logout": SIGNED_IN,
    "registration_attachment": Perm.ADMIN_REGISTRATIONS,
    "import_template": Perm.DECLARATION_EDIT,
    "application_scan": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW),
    "ledger_export": Perm.LEDGER_EXPORT,  # a finished ledger export, for its owner only (data.ledger.query.export_file)
    "verify_page": PUBLIC,  # /verify/<number>: the QR code's address (dashboard/web/certificate_routes.py)
    "verify_api": PUBLIC,
    "certificate_sps_xml": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN, Perm.STATS_VIEW,
                            Perm.OVERSEAS_PORTAL),  # data.certificates.issuing scopes the certificate
    # certificate PDFs (data.certificates.issuing scopes them: enterprise own, customs their districts, overseas users shared)
    "certificate_pdf": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN, Perm.STATS_VIEW, Perm.OVERSEAS_PORTAL),
    "certificate_print": Perm.CERTIFICATE_SIGN,  # a counted ECIQ print of a paper certificate
    "application_preview": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW),
}


def access_map(public_paths: set[str] = frozenset()) -> AccessMap:
    return AccessMap(
        page_permissions={p.path: p.permission for p in PAGES},
        prefix_permissions={**SHARED_PREFIXES, **{p.id_prefix: p.permission for p in PAGES}},
        anonymous_only_paths=frozenset(p.path for p in PAGES if p.anonymous_only),
        public_paths=frozenset(public_paths),
        route_permissions=ROUTE_PERMISSIONS,
        landing_pages=tuple((p.path, p.permission) for p in PAGES if p.in_menu and p.permission != PUBLIC),
    )


def menu_for(actor: Actor, t: Translator) -> list[MenuItem]:
    """Return the menu entries of the pages this actor may open, in registry order."""
    return [MenuItem(p.path, t(p.title), p.key, t(p.menu_group) if p.menu_group else "") for p in PAGES
            if p.in_menu and p.permission != PUBLIC and allowed(actor, p.permission)]


def _guarded(spec: PageSpec):
    def layout(**query):
        t = request_translator()
        actor = current_actor()
        if allowed(actor, spec.permission):
            return spec.render(actor, t, **query)
        if actor is None:  # the session ended while the page was open: offer to sign in again
            return login.render(None, t, next=spec.path)
        return forbidden(t)

    return layout


def _not_found_layout(**_query):
    return not_found(request_translator())


def register_pages() -> None:
    """Register every page with Dash (replacing any earlier registration in this process)."""
    dash.page_registry.clear()
    for spec in PAGES:
        dash.register_page(f"pages.{spec.key}", path=spec.path, name=spec.key, title=_title(spec),
                           layout=_guarded(spec), path_template=spec.path_template)
    dash.register_page("pages.not_found_404", path="/404", name="not_found_404", title="404",
                       layout=_not_found_layout)


def _title(spec: PageSpec):
    return lambda **_kw: request_translator()(spec.title)
