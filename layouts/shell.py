"""The signed-in frame: navbar with the role's menu, user box, language switch, the page area."""
from __future__ import annotations

from dataclasses import dataclass

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import ALL_LANGUAGES, LANGUAGES, Translator
from layouts import ids
from layouts.common import ROLE_LABELS


@dataclass(frozen=True)
class MenuItem:
    path: str
    label: str
    key: str
    group: str = ""  # the label of the dropdown holding it; "" for an entry of its own


def menu_entries(menu: list[MenuItem]) -> list:
    """Entries of their own first, in order; then one dropdown per group, in order of first appearance."""
    groups: dict[str, list[MenuItem]] = {}
    for item in menu:
        if item.group:
            groups.setdefault(item.group, []).append(item)
    own = [dbc.NavItem(dbc.NavLink(item.label, href=item.path, active="exact", id=f"shell-menu-{item.key}"))
           for item in menu if not item.group]
    dropdowns = [dbc.DropdownMenu(
        [dbc.DropdownMenuItem(item.label, href=item.path, id=f"shell-menu-{item.key}") for item in items],
        label=label, nav=True, in_navbar=True, id=f"shell-menu-group-{n}") for n, (label, items) in
        enumerate(groups.items())]
    return own + dropdowns


def navbar(t: Translator, *, menu: list[MenuItem], user_name: str, role: str, csrf: str,
           languages: dict[str, str]) -> dbc.Navbar:
    nav = dbc.Nav(
        menu_entries(menu),
        id=ids.SHELL_MENU,
        navbar=True,
        className="me-auto",
    )
    language_items = [
        dbc.DropdownMenuItem(name, href=f"/lang/{code}", external_link=True, disabled=code == t.lang,
                             id=f"shell-language-{code}")
        for code, name in languages.items()
    ]
    logout = html.Form(
        [dcc.Input(type="hidden", name="csrf", value=csrf),
         dbc.Button(t("Sign out"), id=ids.SHELL_LOGOUT, type="submit", color="light", size="sm")],
        method="POST",
        action="/auth/logout",
        className="ms-2 mb-0",
    )
    user_box = html.A(
        [html.Span(user_name, className="fw-semibold"),
         html.Span([" · ", t(ROLE_LABELS.get(role, role))], className="shell-role")],
        id=ids.SHELL_USER,
        href="/account",
        title=f"{t(ROLE_LABELS.get(role, role))} · {t('My account')}",
        className="text-white-50 small me-2 text-decoration-none",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(t("Certificates"), href="/", className="fw-bold"),
                nav,
                user_box,
                dbc.DropdownMenu(language_items, label=ALL_LANGUAGES[t.lang], size="sm", color="secondary",
                                 id="shell-language"),
                logout,
            ],
            fluid=True,
        ),
        id=ids.SHELL_NAVBAR,
        color="primary",
        dark=True,
        className="mb-3",
    )


def widget_texts(t: Translator) -> html.Div:
    """What the widgets' own controls are called, in the page's language, for dashboard/assets/a11y.js."""
    return html.Div(id="shell-widget-texts", hidden=True, **{
        "data-clear-dates": t("Clear dates"), "data-clear-date": t("Clear date"), "data-choose-file": t("Choose a file"),
        "data-progress": t("Progress")})


def signed_in_frame(t: Translator, *, menu: list[MenuItem], user_name: str, role: str, csrf: str) -> html.Div:
    languages = ALL_LANGUAGES if role == "overseas" else LANGUAGES
    return html.Div(
        [
            navbar(t, menu=menu, user_name=user_name, role=role, csrf=csrf, languages=languages),
            dbc.Container(dash.page_container, fluid=True, className="pb-4"),
            widget_texts(t),
        ]
    )


def public_frame(t: Translator) -> html.Div:
    """Frame of the public pages (sign-in, registration): title bar with the language switch."""
    languages = [
        html.Span(name, className="fw-semibold mx-1") if code == t.lang
        else html.A(name, href=f"/lang/{code}", className="mx-1 link-light", id=f"shell-public-lang-{code}")
        for code, name in ALL_LANGUAGES.items()
    ]
    bar = dbc.Navbar(
        dbc.Container([dbc.NavbarBrand(t("Certificates"), href="/", className="fw-bold"),
                       html.Div(languages, className="small text-white")], fluid=True),
        color="primary", dark=True, className="mb-3",
    )
    return html.Div([bar, dbc.Container(dash.page_container, fluid=True, className="pb-4"), widget_texts(t)])
