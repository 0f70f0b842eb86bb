"""Small shared pieces of UI: status labels and badges, count cards, page headers."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote_plus

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.core.i18n import N_, Translator
from layouts.page_ids import SigningDialogIds

APP_STATUS_LABELS = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "under_review": N_("Under review"),
    "returned": N_("Returned"),
    "suspended": N_("Suspended"),
    "awaiting_confirmation": N_("Awaiting confirmation"),
    "confirmed": N_("Confirmed"),
    "approved": N_("Approved"),
    "issued": N_("Issued"),
    "revoked": N_("Revoked"),
}
APP_STATUS_COLORS = {
    "draft": "light", "submitted": "info", "under_review": "primary", "returned": "warning",
    "suspended": "dark", "awaiting_confirmation": "warning", "confirmed": "info", "approved": "success",
    "issued": "success", "revoked": "secondary",
}
ROLE_LABELS = {
    "admin": N_("System administrator"),
    "manager": N_("District manager"),
    "officer": N_("Customs officer"),
    "enterprise_admin": N_("Enterprise administrator"),
    "enterprise": N_("Enterprise operator"),
    "overseas": N_("Overseas user"),
}


DECL_STATUS_COLORS = {"draft": "light", "saved": "secondary", "sent": "primary", "receipted": "success"}


def status_cell(t: Translator, status: str, labels: dict[str, str] | None = None,
                colors: dict[str, str] | None = None) -> dict:
    """A status for a grid row (an application's, or with `labels` and `colors` another record's): its label, and
    its badge colour for the StatusBadge renderer (dashboard/assets/dashAgGridComponentFunctions.js)."""
    labels, colors = labels or APP_STATUS_LABELS, colors or APP_STATUS_COLORS
    return {"status": t(labels.get(status, status)), "status_color": colors.get(status, "secondary")}


STATUS_COLUMN = {"field": "status", "cellRenderer": "StatusBadge", "minWidth": 110, "maxWidth": 150}


def status_badge(t: Translator, status: str) -> dbc.Badge:
    color = APP_STATUS_COLORS.get(status, "secondary")
    return dbc.Badge(t(APP_STATUS_LABELS.get(status, status)), color=color,
                     text_color="dark" if color in ("light", "warning", "info") else None, className="me-1")


def page_header(title: str, subtitle: str | None = None, actions=None) -> html.Div:
    """The page's title with its one-line explanation beside it, and the page's main actions at the right: one
    line, so that a list page keeps its screen for the list."""
    return html.Div([
        html.Div([html.H1(title, className="h4 mb-0 me-3"),
                  html.Span(subtitle, className="text-muted small") if subtitle else None],
                 className="d-flex align-items-baseline flex-wrap flex-grow-1", style={"minWidth": 0, "flexBasis": 0}),
        html.Div(actions, className="ms-auto d-flex align-items-center flex-shrink-0 gap-2") if actions is not None else None,
    ], className="d-flex align-items-center gap-2 mb-2 page-header")


def count_card(label: str, value: str, card_id: dict | str | None = None, href: str | None = None) -> dbc.Card:
    """A figure with its label; with `href`, the whole card opens the list it counts."""
    body = dbc.CardBody([html.Div(label, className="text-muted small"), html.Div(value, className="fs-3 fw-semibold")])
    if href:
        body = dcc.Link(body, href=href, className="text-reset text-decoration-none stretched-link-card")
    return dbc.Card(body, id=card_id, className="h-100 shadow-sm") if card_id else dbc.Card(body, className="h-100 shadow-sm")


def grid_locale(t: Translator) -> dict:
    """AG Grid's own texts (the empty-grid overlay, its pager), in the page's language: for dashGridOptions'
    localeText."""
    return {"noRowsToShow": t("No rows to show"), "loadingOoo": t("Loading…"), "page": t("Page"), "to": t("to"),
            "of": t("of"), "more": t("more"), "firstPage": t("First page"), "previousPage": t("Previous page"),
            "nextPage": t("Next page"), "lastPage": t("Last page"), "selectAll": t("Select all"),
            "searchOoo": t("Search"), "noMatches": t("No options found")}


ROW_HEIGHT, HEADER_HEIGHT = 28, 32  # compact: 15 rows and more on a 1366 x 768 screen


def paged_grid(t: Translator, grid_id: str, pager_id: str, columns: list[dict]) -> html.Div:
    """A read-only grid showing one page of rows, with the pager under it; rows come from a callback.

    Rows are one line each (a long value ends in an ellipsis and shows whole as the cell's tooltip), so a
    screen holds a list and not three entries of it."""
    return html.Div([
        dag.AgGrid(id=grid_id, columnDefs=columns, rowData=[],
                   defaultColDef={"resizable": True, "sortable": False,
                                  "tooltipValueGetter": {"function": "params.value"}},
                   columnSize="responsiveSizeToFit",
                   # keyboard: Tab goes from link to link in the rows (the grid's own cell and header focus,
                   # which a read-only list does not need, would hold it in the header row)
                   dashGridOptions={"domLayout": "autoHeight", "suppressCellFocus": True, "suppressHeaderFocus": True,
                                    "tabIndex": -1, "rowHeight": ROW_HEIGHT,
                                    "headerHeight": HEADER_HEIGHT, "tooltipShowDelay": 400,
                                    "localeText": grid_locale(t)},
                   className="ag-theme-alpine certdash-grid"),
        dbc.Pagination(id=pager_id, max_value=1, active_page=1, fully_expanded=False, first_last=True,
                       previous_next=True, className="mt-2"),
    ])


def page_number(t: Translator, page) -> str:
    """The position in a list that is not counted: 'Page 3'."""
    return t("Page {n}", n=t.number(page.page + 1))


def dom_id(component_id) -> str:
    """The DOM id Dash gives a component id (a pattern-matching dict id: JSON of its sorted keys), for html_for."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(component_id)


_GROUPS = (dbc.RadioItems, dbc.Checklist, dcc.RadioItems, dcc.Checklist)  # each option carries its own label


def label_for(text, control, **kwargs) -> dbc.Label:
    """A form label tied to its control (the component, or its id), so that the control is named by it
    (screen readers, axe). A group of radio buttons or check boxes is named by its options' labels."""
    if isinstance(control, _GROUPS) or (hasattr(control, "_prop_names") and getattr(control, "id", None) is None):
        return dbc.Label(text, **kwargs)
    return dbc.Label(text, html_for=dom_id(getattr(control, "id", control)), **kwargs)


def first_weekday(t: Translator) -> int:
    """The calendar's first column: Sunday in English, Monday elsewhere (GB/T 7408, ISO 8601)."""
    return 0 if t.lang == "en" else 1


def date_range(t: Translator, component_id, start: str | None = None, end: str | None = None,
               label: str | None = None) -> dcc.DatePickerRange:
    """A clearable date range picker speaking the page's language: placeholders here (`label`, the range's name,
    in place of "Start date"), month and weekday names from certdash.js (the page's <html lang>)."""
    return dcc.DatePickerRange(id=component_id, display_format="YYYY-MM-DD", clearable=True, start_date=start,
                               end_date=end, first_day_of_week=first_weekday(t),
                               start_date_placeholder_text=label or t("Start date"),
                               end_date_placeholder_text=t("End date"))


def date_single(t: Translator, component_id, value: str | None, disabled: bool = False) -> dcc.DatePickerSingle:
    """A clearable date picker speaking the page's language (see date_range)."""
    return dcc.DatePickerSingle(id=component_id, date=value or None, display_format="YYYY-MM-DD",
                                placeholder="YYYY-MM-DD", clearable=True, disabled=disabled,
                                first_day_of_week=first_weekday(t))


def country_name(t: Translator, code: str | None) -> str:
    """A country by its ISO code, named in the page's language (Babel's names)."""
    return t.locale.territories.get(code, code) if code else ""


def dropdown_labels(t: Translator) -> dict[str, str]:
    """A dropdown's own texts (search box, counts, "no options"), in the page's language: for its `labels`."""
    return {"select_all": t("Select all"), "deselect_all": t("Deselect all"),
            "selected_count": t("{num_selected} selected"), "search": t("Search"), "clear_search": t("Clear search"),
            "clear_selection": t("Clear selection"), "no_options_found": t("No options found")}


# what the card agent and the server can answer, in words a clerk understands
CARD_MESSAGES = {
    "agent_unreachable": N_("The card agent is not running on this computer. Start it, or sign in with your "
                            "password."),
    "no_pcscd": N_("The smart-card service (PC/SC) is not running on this computer."),
    "no_reader": N_("No card reader is connected."),
    "no_card": N_("No card in the reader. Insert your IC card."),
    "not_our_card": N_("The card in the reader is not a certdash IC card."),
    "invalid_pin": N_("The card password is 4 to 8 digits."),
    "wrong_pin": N_("Wrong card password. {n} tries left before the card is blocked."),
    "pin_blocked": N_("The card is blocked after 5 wrong passwords. Ask your administrator for a new card."),
    "card_error": N_("The card could not be read. Take it out, insert it again and retry."),
    "origin_refused": N_("The card agent does not accept requests from this site. Ask your administrator."),
    "unknown_card": N_("This card is not registered. Ask your administrator to bind it to your account."),
    "card_unbound": N_("This card is not bound to any account."),
    "card_blocked": N_("This card has been blocked by an administrator."),
    "challenge_expired": N_("The sign-in took too long. Please try again."),
    "challenge_replayed": N_("This sign-in was already used. Please try again."),
    "challenge_unknown": N_("The sign-in has expired. Please try again."),
    "bad_signature": N_("The card's signature does not match the card registered for it."),
    "bad_request": N_("The sign-in request was incomplete. Please try again."),
    "user_locked": N_("The account is locked after too many failed attempts. Try again later."),
    "user_inactive": N_("This account has been deactivated. Please contact your administrator."),
    "pending_review": N_("Your enterprise's registration is waiting for review. You will be told the result by "
                         "e-mail."),
    "rejected": N_("Your enterprise's registration was not approved. See the e-mail we sent for the reason."),
    "ready": N_("Card {card} is ready."),
    "working": N_("Signing in with the card..."),
}

SIGN_ERRORS = {"password_wrong": N_("The password is not right; nothing was issued."),
               "too_many_attempts": N_("Too many failed confirmations: wait 15 minutes, then try again."),
               "card_not_yours": N_("This IC card is not bound to your account; nothing was issued."),
               "unknown_card": N_("This IC card is not registered; nothing was issued."),
               "card_blocked": N_("This IC card has been blocked by an administrator; nothing was issued."),
               "bad_signature": N_("The card's signature does not match what you confirmed; nothing was issued. "
                                   "Please try again."),
               "challenge_expired": N_("The confirmation took too long; nothing was issued. Please try again."),
               "challenge_replayed": N_("This confirmation was already used; nothing was issued. Please try again."),
               "challenge_unknown": N_("The confirmation has expired; nothing was issued. Please try again.")}


@dataclass(frozen=True)
class CardAccess:
    """What a page needs to reach the card agent on this PC: its address and the session's CSRF token."""

    agent_url: str
    csrf: str


def signing_modal(t: Translator, ids: SigningDialogIds, card: CardAccess) -> html.Div:
    """Issuing is a legal act: a dialog that names what will be issued and signed, and asks the signer to confirm
    with their password or their IC card's PIN (the card signs the act through the card agent, as at sign-in).
    Its ids are the page's SigningDialogIds (declared in the page's ids module); `pending` is the page's store of
    what waits for the signer's confirmation."""

    messages = {code: t(text) for code, text in CARD_MESSAGES.items()}
    messages.update({code: t(text) for code, text in SIGN_ERRORS.items()})
    messages["working"] = t("Confirming with the card...")
    config = {"agent": card.agent_url, "csrf": card.csrf, "messages": messages}
    return html.Div([dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(t("Sign and issue"))),
        dbc.ModalBody([
            html.Div(id=ids.summary, className="mb-3"),
            html.Fieldset([
                html.Legend(t("Confirm that you sign with"), className="form-label fs-6 mb-1"),
                dbc.RadioItems(id=ids.method, value="password", inline=True, className="mb-2",
                               options=[{"label": t("your password"), "value": "password"},
                                        {"label": t("your IC card"), "value": "card"}]),
            ]),
            html.Div([
                dbc.Label(t("Your password, to confirm that you sign"), html_for=ids.password),
                dbc.Input(id=ids.password, type="password", autoComplete="current-password", maxLength=128),
            ], id=ids.password_group),
            html.Div([
                dbc.Label(t("Your IC card's PIN, to confirm that you sign"), html_for=ids.pin),
                dbc.Input(id=ids.pin, type="password", autoComplete="off", inputMode="numeric", maxLength=8),
                html.Div(t("Insert your IC card into the reader of this computer."), className="form-text"),
            ], id=ids.pin_group, hidden=True),
            html.Div(id=ids.error, className="invalid-feedback d-block", role="alert"),
            dcc.Store(id=ids.card),  # what the card signed: {nonce, card_no, signature}
            dcc.Store(id=ids.card_config, data=config),
        ]),
        dbc.ModalFooter([
            dbc.Button(t("Cancel"), id=ids.cancel, color="secondary", outline=True),
            dbc.Button(t("Sign and issue"), id=ids.confirm, color="primary"),
        ]),
    ], id=ids.modal, is_open=False, backdrop="static"), dcc.Store(id=ids.pending)])


def copy_of(template: Component, **props) -> Component:
    """A component like `template`, with `props` (properties the template was given) set to other values.

    For the thousands of alike cells of a large table: Dash's constructor checks every argument of every
    component it builds (and formats an error prefix for each, used or not), about 7 us an argument; a copy of a
    component built and checked once takes under half a microsecond, and serialises exactly as the component built
    anew.
    """
    made = object.__new__(type(template))
    made.__dict__ = template.__dict__ | props
    return made


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    return quote_plus(value)


def query_string(params: Mapping[str, object]) -> str:
    """The parameters that have a value, as `urlencode` writes them (names are plain words), each value quoted
    once: a pivot links each of its thousands of cells, and most values repeat from cell to cell."""
    return "&".join(f"{name}={_quoted(str(value))}" for name, value in params.items() if value)
