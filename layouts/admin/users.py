"""Users page (Liaoning 5.2.3 用户管理): search, the list, and one user's form, actions and timeline."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.accounts.overseas import OVERSEAS_LANGUAGES
from data.admin.districts import DistrictNode
from data.admin.rules import KIND_FAMILY
from data.admin.users import LOCK_HOURS, USER_STATUSES, TimelineEntry, UserDetail, UserForm, UserRow
from data.core.paging import Page
from layouts.accounts.overseas_users import LANGUAGE_NAMES
from layouts.admin import ids
from layouts.admin.audit import change_list, event_name
from layouts.common import date_range, dropdown_labels, label_for, page_header, paged_grid

PAGE_SIZE = 25
STATUS_LABELS = {"active": N_("Active"), "locked": N_("Locked"), "deactivated": N_("Deactivated"),
                 "deleted": N_("Deleted")}
STATUS_COLORS = {"active": "success", "locked": "warning", "deactivated": "secondary", "deleted": "dark"}
LOCK_LABELS = {1: N_("for 1 hour"), 24: N_("for 1 day"), 24 * 7: N_("for 7 days"), 24 * 30: N_("for 30 days")}
TEXT_FIELDS = (  # name, label, input type, max length, shown for which role families ("" all)
    ("real_name", N_("Name"), "text", 64),
    ("email", N_("E-mail"), "email", 128),
    ("phone", N_("Telephone"), "text", 32),
    ("mobile", N_("Mobile phone"), "text", 32),
    ("job_title", N_("Job title"), "text", 64),
)
HIDDEN = {"display": "none"}
ANY = "*"  # the "all" choice of a filter (a select shows an empty value as blank); no role code has a "*"
INDENT = "\u3000"  # an ideographic space: subordinate districts stand under their direct customs house


def _field(name: str) -> dict:
    return {"type": ids.USR_FIELD, "name": name}


def _error(name: str) -> html.Div:
    return html.Div(id={"type": ids.USR_ERROR, "name": name}, className="invalid-feedback d-block")


def _action(name: str) -> dict:
    return {"type": ids.USR_ACTION, "action": name}


def district_label(t: Translator, d: DistrictNode) -> str:
    """'0901 大连港湾海关', indented under its direct customs house, marked when retired."""
    label = f"{INDENT * d.depth}{d.code} {t.pick(d.name_zh, d.name_en)}"
    return label if d.active else t("{district} (retired)", district=label)


def enterprise_options(t: Translator, rows) -> list[dict]:
    return [{"label": f"{t.pick(zh, en)}{f' ({code})' if code else ''}", "value": eid} for eid, zh, en, code in rows]


def role_options(t: Translator, roles) -> list[dict]:
    return [{"label": t.pick(zh, en), "value": code} for code, zh, en, _kind in roles]


def users_page(t: Translator, roles, districts: list[DistrictNode], panel, *, editing: int | None = None) -> html.Div:
    columns = [
        {"headerName": t("Account"), "field": "account", "maxWidth": 150},
        {"headerName": t("Name"), "field": "real_name", "maxWidth": 160},
        {"headerName": t("Role"), "field": "role", "maxWidth": 180},
        {"headerName": t("Organisation"), "field": "organisation"},
        {"headerName": t("Status"), "field": "status", "maxWidth": 180},
        {"headerName": t("Created"), "field": "created", "maxWidth": 190},
        {"headerName": t("Last sign-in"), "field": "last_login", "maxWidth": 190},
    ]
    grid = paged_grid(t, ids.USR_TABLE, ids.USR_PAGER, columns)
    grid.children[0].getRowId = "`${params.data.id}`"
    status_options = [{"label": t("All statuses"), "value": ANY}] + [
        {"label": t(STATUS_LABELS[k]), "value": k} for k in USER_STATUSES]
    filters = dbc.Row([
        dbc.Col(dbc.Input(id=ids.USR_F_TEXT, placeholder=t("Account or name"), maxLength=64, debounce=True), md=2),
        dbc.Col([label_for(t("Status"), ids.USR_F_STATUS, className="visually-hidden"),
                 dbc.Select(id=ids.USR_F_STATUS, value=ANY, options=status_options)], md=2),
        dbc.Col([label_for(t("Role"), ids.USR_F_ROLE, className="visually-hidden"),
                 dbc.Select(id=ids.USR_F_ROLE, value=ANY,
                            options=[{"label": t("All roles"), "value": ANY}, *role_options(t, roles)])], md=2),
        dbc.Col(dcc.Dropdown(labels=dropdown_labels(t), id=ids.USR_F_DISTRICT, placeholder=t("Customs district"),
                             options=[{"label": district_label(t, d), "value": d.code} for d in districts]), md=2),
        dbc.Col(dcc.Dropdown(labels=dropdown_labels(t),
                             id=ids.USR_F_ENTERPRISE, placeholder=t("Enterprise"), options=[]), md=2),
        dbc.Col(date_range(t, ids.USR_F_CREATED), md=2),
    ], className="mb-2 g-2")
    return html.Div([
        page_header(t("User management"),
                    t("Customs, enterprise and overseas users: accounts, roles, locks and history.")),
        filters,
        dbc.Row([
            dbc.Col(html.Div(id=ids.USR_TOTAL, className="pt-2 text-muted")),
            dbc.Col([dbc.Button(t("Reset"), id=ids.USR_F_RESET, color="secondary", outline=True, className="me-2"),
                     dbc.Button(t("New user"), id=ids.USR_NEW, color="primary")], className="text-end"),
        ], className="mb-2"),
        grid,
        html.Div(id=ids.USR_MESSAGE, className="mt-3"),
        html.Div(panel, id=ids.USR_PANEL),
        dcc.Store(id=ids.USR_EDITING, data=editing),
        dcc.Store(id=ids.USR_REFRESH, data=0),
        dcc.Store(id=ids.USR_ROLE_KINDS, data={code: KIND_FAMILY.get(kind or "", "") for code, _z, _e, kind in roles}),
    ])


def user_rows(t: Translator, page: Page[UserRow]) -> list[dict]:
    rows = []
    for r in page.rows:
        organisation = (f"{r.district_code} {t.pick(r.district_zh, r.district_en)}" if r.district_code
                        else t.pick(r.enterprise_zh, r.enterprise_en))
        status = t(STATUS_LABELS.get(r.status, r.status))
        if r.status == "locked" and r.locked_until:
            status = t("Locked until {time}", time=t.datetime(r.locked_until))
        rows.append({"id": r.id, "account": r.account, "real_name": r.real_name, "role": t.pick(r.role_zh, r.role_en),
                     "organisation": organisation, "status": status, "created": t.datetime(r.created_at),
                     "last_login": t.datetime(r.last_login_at) if r.last_login_at else "—"})
    return rows


def users_total(t: Translator, page: Page[UserRow]) -> str:
    return t("{n} users", n=t.number(page.total))


def _input(t: Translator, name: str, label: str, kind: str, limit: int, value: str, *, disabled: bool = False,
           md: int = 4) -> dbc.Col:
    return dbc.Col([
        label_for(t(label), _field(name)),
        dbc.Input(id=_field(name), type=kind, maxLength=limit, value=value, disabled=disabled,
                  autoComplete="new-password" if kind == "password" else "off"),
        _error(name),
    ], md=md, className="mb-3")


def _select(t: Translator, name: str, label: str, options: list[dict], value, *, md: int = 4,
            searchable: bool = False, box_id: str | None = None, shown: bool = True) -> dbc.Col:
    control = (dcc.Dropdown(labels=dropdown_labels(t),
                            id=_field(name), options=options, value=value, placeholder=t("Type to search"))
               if searchable else dbc.Select(id=_field(name), options=options, value=value))
    extra = {"id": box_id} if box_id else {}
    return dbc.Col([label_for(t(label), _field(name)), control, _error(name)], md=md, className="mb-3",
                   style=None if shown else HIDDEN, **extra)


def user_panel(t: Translator, detail: UserDetail | None, *, roles, districts: list[DistrictNode], enterprises,
               countries, timeline: list[TimelineEntry] | None = None) -> dbc.Card:
    """The form of a new user (detail None) or of an existing one, with its actions and timeline."""
    form = detail.form if detail else UserForm()
    family = {code: KIND_FAMILY.get(kind or "", "") for code, _z, _e, kind in roles}.get(form.role, "")
    # a retired district stays offered only to the user who already belongs to it
    district_opts = [{"label": district_label(t, d), "value": d.code} for d in districts
                     if d.active or d.code == form.district_code]
    languages = [{"label": LANGUAGE_NAMES[c], "value": c} for c in OVERSEAS_LANGUAGES]
    org_box = dbc.Row([
        _select(t, "district_code", N_("Customs district"), district_opts, form.district_code or None, md=6,
                box_id=ids.USR_DISTRICT_BOX, shown=family in ("customs", "")),
        _select(t, "enterprise_id", N_("Enterprise"), enterprise_options(t, enterprises), form.enterprise_id, md=6,
                searchable=True, box_id=ids.USR_ENTERPRISE_BOX, shown=family in ("enterprise", "overseas")),
    ])
    overseas_box = dbc.Row([
        _input(t, "organisation", N_("Organisation"), "text", 128, form.organisation, md=6),
        _select(t, "country", N_("Country"), [{"label": f"{t.pick(zh, en)} ({code})", "value": code}
                                              for code, zh, en in countries], form.country or None, md=6),
    ], id=ids.USR_OVERSEAS_BOX, style=None if family == "overseas" else HIDDEN)
    body = [
        dbc.Row([
            _input(t, "account", N_("Account"), "text", 12, form.account, disabled=detail is not None),
            _select(t, "role", N_("Role"), role_options(t, roles), form.role or None),
            _select(t, "language", N_("Language"), languages, form.language),
        ]),
        org_box,
        overseas_box,
        dbc.Row([_input(t, name, label, kind, limit, getattr(form, name)) for name, label, kind, limit in TEXT_FIELDS]),
        dbc.Row([_input(t, "password", N_("Password"), "password", 64, ""),
                 _input(t, "password_confirm", N_("Confirm password"), "password", 64, "")]),
        dbc.FormText(t("New user: leave the password empty to e-mail a link that lets them choose one. "
                       "Editing: leave it empty to keep the password.")),
        html.Div(dbc.Button(t("Save"), id=ids.USR_SAVE, color="primary"), className="mt-2"),
    ]
    if detail is None:
        title = t("New user")
        actions = None
    else:
        title = t("User {account}", account=form.account)
        actions = _actions(t, detail)
    timeline_card = _timeline(t, timeline) if detail is not None else None
    return html.Div([
        dbc.Card([dbc.CardHeader(html.Span(title, id=ids.USR_FORM_TITLE), className="fw-semibold"),
                  dbc.CardBody(body)], className="mt-3"),
        actions,
        timeline_card,
    ])


def _actions(t: Translator, detail: UserDetail) -> dbc.Card:
    status = detail.status
    badge = dbc.Badge(t(STATUS_LABELS.get(status, status)), color=STATUS_COLORS.get(status, "secondary"),
                      id=ids.USR_STATUS, className="me-2")
    locked_note = (html.Span(t("Locked until {time}", time=t.datetime(detail.locked_until)), className="me-3 small")
                   if status == "locked" and detail.locked_until else None)
    buttons = []
    if status != "deleted":
        buttons.append(dbc.Button(t("E-mail a password reset link"), id=_action("reset"), color="primary",
                                  outline=True))
        if status == "locked":
            buttons.append(dbc.Button(t("Unlock"), id=_action("unlock"), color="warning"))
        elif status == "active":
            buttons.append(html.Div([
                label_for(t("Lock for"), {"type": ids.USR_LOCK_HOURS, "name": "hours"}, className="visually-hidden"),
                dbc.Select(id={"type": ids.USR_LOCK_HOURS, "name": "hours"}, value=str(LOCK_HOURS[1]), size="sm",
                           options=[{"label": t(LOCK_LABELS[h]), "value": str(h)} for h in LOCK_HOURS],
                           style={"width": "9rem"}, className="me-1"),
                dbc.Button(t("Lock"), id=_action("lock"), color="warning", outline=True),
            ], className="d-inline-flex align-items-center"))
        if status == "deactivated":
            buttons.append(dbc.Button(t("Reactivate"), id=_action("reactivate"), color="success"))
        else:
            buttons.append(dcc.ConfirmDialogProvider(
                dbc.Button(t("Deactivate"), color="danger", outline=True),
                id={"type": ids.USR_CONFIRM, "action": "deactivate"},
                message=t("Deactivate {account}? Their open sessions end and they can no longer sign in; their "
                          "history is kept.", account=detail.form.account)))
    return dbc.Card(dbc.CardBody([html.Div([badge, locked_note], className="mb-2"),
                                  html.Div(buttons, className="d-flex flex-wrap gap-2 align-items-center")]),
                    className="mt-3")


def _timeline(t: Translator, entries: list[TimelineEntry] | None) -> dbc.Card:
    if not entries:
        content = html.P(t("No events yet."), className="text-muted mb-0")
    else:
        items = []
        for e in entries:
            who = t("by the user") if e.by_user else t("by {account}", account=e.actor_account or "—")
            items.append(html.Li([
                html.Div([html.Span(t.datetime(e.at), className="text-muted me-2"),
                          html.Span(event_name(t, e.code), className="me-2 fw-semibold"),
                          html.Span(who, className="small")]),
                html.Div(e.message, className="small") if e.message else None,
                change_list(t, e.details),
            ], className="list-group-item"))
        content = html.Ul(items, className="list-group list-group-flush", id=ids.USR_TIMELINE)
    return dbc.Card([dbc.CardHeader(t("Timeline"), className="fw-semibold"), dbc.CardBody(content)],
                    className="mt-3")


def action_done(t: Translator, action: str, account: str) -> str:
    texts = {
        "created": N_("User {account} created."),
        "created_link": N_("User {account} created; a link to choose a password was e-mailed."),
        "updated": N_("User {account} saved."),
        "reset": N_("A password reset link was e-mailed to {account}."),
        "lock": N_("{account} is locked; their open sessions ended."),
        "unlock": N_("{account} is unlocked."),
        "deactivate": N_("{account} is deactivated; their open sessions ended."),
        "reactivate": N_("{account} is active again."),
    }
    return t(texts[action], account=account)


NOT_FOUND = N_("This user no longer exists or is outside your scope.")
