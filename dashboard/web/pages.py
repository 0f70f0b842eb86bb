"""The page registry: every page spec found in the callbacks package, and what the app derives from them.

Each page module declares its PageSpec (callbacks/page.py) next to its callbacks; `page_specs()` imports
every module of the callbacks package once (which also registers their Dash callbacks) and collects the
specs, in menu order. The navbar menu, the page layouts and the access guard (auth/guard.py) all read it.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil

import dash

import callbacks
from auth.guard import PUBLIC, SIGNED_IN, AccessMap, allowed
from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.page import PageSpec
from dashboard.core.i18n import Translator
from data.core.scope import Actor
from layouts.errors import forbidden, not_found
from layouts.shell import MenuItem


@functools.cache
def page_specs() -> tuple[PageSpec, ...]:
    """Import every callbacks module once and return the page specs they declare, in menu order."""
    found: dict[str, PageSpec] = {}
    for info in pkgutil.walk_packages(callbacks.__path__, prefix="callbacks."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, PageSpec) and found.setdefault(value.key, value) is not value:
                raise RuntimeError(f"two pages named {value.key!r}")
    specs = tuple(sorted(found.values(), key=lambda p: p.order))
    for attribute in ("path", "id_prefix", "order"):
        values = [getattr(p, attribute) for p in specs]
        if len(values) != len(set(values)):
            raise RuntimeError(f"two pages share a {attribute}")
    return specs


def page(key: str) -> PageSpec:
    return next(p for p in page_specs() if p.key == key)


# ids outside any page: the navbar (any signed-in user) and Dash's page router, whose page
# layouts check their own permission (see `_guarded`)
SHARED_PREFIXES: dict[str, str] = {"shell": SIGNED_IN, "_pages": PUBLIC}
# server (non-Dash) routes by Flask endpoint: auth/login.py and dashboard/web/routes.py
ROUTE_PERMISSIONS: dict[str, str | tuple[str, ...]] = {
    "logout": SIGNED_IN,
    "logout_everywhere": SIGNED_IN,
    "card_confirm_challenge": Perm.CERTIFICATE_SIGN,  # an officer confirms issuing with the IC card
    "registration_attachment": Perm.ADMIN_REGISTRATIONS,
    "import_template": Perm.DECLARATION_EDIT,
    "application_scan": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW),
    "ledger_export": Perm.LEDGER_EXPORT,  # a finished ledger export, for its owner only (data.ledger.query.export_file)
    "verify_page": PUBLIC,  # /verify/<number>: the QR code's address (dashboard/web/certificate_routes.py)
    "verify_api": PUBLIC,
    "certificate_sps_xml": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN, Perm.STATS_VIEW,
                            Perm.OVERSEAS_PORTAL),  # data.certificates.issuing scopes the certificate
    # certificate PDFs (data.certificates.issuing scopes them: enterprise own, customs their districts, overseas users shared)
    "certificate_pdf": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN, Perm.STATS_VIEW,
                        Perm.OVERSEAS_PORTAL),
    "certificate_print": Perm.CERTIFICATE_SIGN,  # a counted ECIQ print of a paper certificate
    "inbound_pdf": Perm.APPLICATION_REVIEW,  # a foreign certificate's PDF (data.exchange.inbound_views scopes it)
    "application_preview": (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW),
}


def access_map(public_paths: set[str] = frozenset()) -> AccessMap:
    return AccessMap(
        page_permissions={p.path: p.permission for p in page_specs()},
        prefix_permissions={**SHARED_PREFIXES, **{p.id_prefix: p.permission for p in page_specs()}},
        anonymous_only_paths=frozenset(p.path for p in page_specs() if p.anonymous_only),
        public_paths=frozenset(public_paths),
        route_permissions=ROUTE_PERMISSIONS,
        landing_pages=tuple((p.path, p.permission) for p in page_specs() if p.in_menu and p.permission != PUBLIC),
    )


def menu_for(actor: Actor, t: Translator) -> list[MenuItem]:
    """Return the menu entries of the pages this actor may open, in registry order."""
    return [MenuItem(p.path, t(p.menu_title or p.title), p.key, t(p.menu_group) if p.menu_group else "") for p in page_specs()
            if p.in_menu and p.permission != PUBLIC and allowed(actor, p.permission)]


def _guarded(spec: PageSpec):
    def layout(**query):
        t = request_translator()
        actor = current_actor()
        if allowed(actor, spec.permission):
            return spec.render(actor, t, **query)
        if actor is None:  # the session ended while the page was open: offer to sign in again
            return page("login").render(None, t, next=spec.path)
        return forbidden(t)

    return layout


def _not_found_layout(**_query):
    return not_found(request_translator())


def register_pages() -> None:
    """Register every page with Dash (replacing any earlier registration in this process)."""
    dash.page_registry.clear()
    for spec in page_specs():
        dash.register_page(f"pages.{spec.key}", path=spec.path, name=spec.key, title=_title(spec),
                           layout=_guarded(spec), path_template=spec.path_template)
    dash.register_page("pages.not_found_404", path="/404", name="not_found_404", title="404",
                       layout=_not_found_layout)


def _title(spec: PageSpec):
    return lambda **_kw: request_translator()(spec.title)
