"""What a page module declares and uses: its spec, and the page-callback helper.

The registry (dashboard/web/pages.py) finds every spec in the callbacks package, so a page's path,
permission, ids, menu entry and render function are found from the page's own module, next to its
callbacks. `page_callback` gives a callback's body the actor, a transaction and the translator.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, clientside_callback, ctx, no_update
from sqlalchemy.orm import Session

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope, snapshot_scope
from data.core.scope import AccessDenied, Actor, NotFound
from layouts.page_ids import PageIds

Permission = Perm | str | tuple[Perm, ...]  # a code, any of several, or auth.guard's PUBLIC / SIGNED_IN

MENU_SETTINGS = N_("Enterprise settings")  # 系统设置 of Jiucheng 3.3: the enterprise's own set-up pages
MENU_ADMIN = N_("Administration")  # 系统配置 of Liaoning 5.2 and 单证格式 of 5.6: the administrators' pages
MENU_STATS = N_("Statistics")  # 统计查询 of Liaoning 5.9: the managers' and administrators' statistics pages


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    title: str  # message id
    permission: Permission
    ids: PageIds  # the page's component ids: the guard lets a callback write them only with `permission`
    render: Callable[..., object]  # (actor | None, translator, **query) -> component
    order: int  # position in the navbar menu (and among landing pages): lower first
    in_menu: bool = True
    anonymous_only: bool = False  # signed-in users are sent home (sign-in, registration)
    menu_group: str | None = None  # message id of the dropdown that holds it in the navbar
    path_template: str | None = None  # Dash path template (/verify/<certificate_no>); its server route is public
    menu_title: str | None = None  # message id of a shorter name for the navbar (the title otherwise)

    @property
    def id_prefix(self) -> str:
        return self.ids.prefix


@dataclass(frozen=True)
class PageRequest:
    """What a page callback's body is given: who acts, an open transaction, and the request's translator."""

    actor: Actor | None
    s: Session
    t: Translator
    committed: list[Callable[[], Any]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], Any]) -> None:
        """Run `action` once the transaction has committed (deliver the mail it queued, sign the user in
        again); not at all if the body raises."""
        self.committed.append(action)


Refusal = Callable[..., Any]  # refused(t, exc, **inputs): the page's answer to a refused request


def page_callback(*, output: dict[str, Output] | Output, inputs: dict[str, Input | State],
                  refused: Refusal | None = None, refuses: tuple[type[Exception], ...] = (NotFound, AccessDenied),
                  snapshot: bool = False, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a page callback with named outputs and inputs (Dash's dict signature), with the ceremony done once.

    The body is called as `body(request, **inputs)` inside one transaction (committed when it returns,
    rolled back when it raises) and returns a dict of the outputs it sets; outputs it leaves out, or a
    bare `no_update`, keep their value. With a single `Output` the body returns that output's value.
    An error of `refuses` (by default NotFound and AccessDenied from the data layer; a page adds its
    form errors and stale-version refusals) rolls the transaction back, then becomes the page's answer
    through `refused(t, exc, **inputs)` (what the body would have returned); without `refused` it
    propagates. The guard and the data layer still decide who may do what: this only saves the repetition.

    `snapshot`: the body only reads, and every read sees the store as the first did (`snapshot_scope`): a report
    read by several statements agrees with itself while certificates are issued; a write is refused.
    """

    def register(body: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(body)
        def run(**values: Any) -> Any:
            t = request_translator()
            try:
                with snapshot_scope() if snapshot else session_scope() as s:
                    request = PageRequest(current_actor(), s, t)
                    result = body(request, **values)
            except refuses as exc:
                if refused is None:
                    raise
                result = refused(t, exc, **values)
            else:
                for action in request.committed:
                    action()
            if not isinstance(output, dict):
                return result
            if result is no_update:
                result = {}
            unknown = set(result) - set(output)
            if unknown:
                raise KeyError(f"{body.__name__} set outputs it does not declare: {sorted(unknown)}")
            return {key: _kept(spec, key, result.get(key, no_update)) for key, spec in output.items()}

        dash.callback(output=output, inputs=inputs, **options)(run)
        return run

    return register


def _kept(spec: Output, name: str, value: Any) -> Any:
    """An output left as it is: a pattern-matching (ALL) output takes one no_update per component."""
    if value is no_update and isinstance(spec.component_id, dict) and any(v is ALL for v in spec.component_id.values()):
        return [no_update] * len(wildcard_outputs(name))
    return value


def wildcard(name: str) -> list[dict[str, Any]]:
    """The items of a pattern-matching (ALL) input of the running callback, by its name in the callback's
    dict: each with its `id` and `value`, in the page's order."""
    return _items(ctx.args_grouping, name)


def wildcard_outputs(name: str) -> list[dict[str, Any]]:
    """The items of a pattern-matching (ALL) output of the running callback, by its name: each with its `id`."""
    return _items(ctx.outputs_grouping, name)


def _items(grouping: Any, name: str) -> list[dict[str, Any]]:
    found = grouping.get(name) if isinstance(grouping, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def paged_list_outputs(table: str, pager: str, total: str) -> dict[str, Output]:
    """The outputs of a server-paged list: the grid's rows, the pager's size and page, the total line."""
    return {"rows": Output(table, "rowData"), "pages": Output(pager, "max_value"),
            "total": Output(total, "children"), "page": Output(pager, "active_page")}


def paged_list(rows: Any, page: Any, total: Any) -> dict[str, Any]:
    """The answer for `paged_list_outputs`: the rows shown, and the page count and number of `page` (a Window)."""
    return {"rows": rows, "pages": page.page_count, "total": total, "page": page.page + 1}


def focus_when_invalid(field: str, store: str) -> None:
    """When the server marks `field` invalid, move the cursor to it (the message is beside it); `store` is the
    page's dcc.Store the browser writes when it did (certdash.js focusInvalid)."""
    clientside_callback(
        ClientsideFunction(namespace="certdash", function_name="focusInvalid"),
        Output(store, "data"),
        Input(field, "invalid"),
        State(field, "id"),
        prevent_initial_call=True,
    )
