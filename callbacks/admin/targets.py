"""Statistics targets page glue: set a district's target, list and delete them."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from auth.permissions import Perm
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor, NotFound
from data.statistics.sums import district_tree
from data.statistics.targets import TargetInvalid, delete_target, list_targets, set_target
from layouts.admin import ids
from layouts.admin.common import alert
from layouts.admin.targets import DELETED, GONE, SAVED, problem_text, targets_page, targets_table


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        return targets_page(t, district_tree(s, actor))


PAGE = PageSpec("admin_targets", "/admin/targets", N_("Statistics targets"), Perm.ADMIN_DISTRICTS, ids.ATGT, render,
                menu_group=MENU_ADMIN, order=312)


@page_callback(
    output={"table": Output(ids.ATGT_TABLE, "children"), "message": Output(ids.ATGT_MESSAGE, "children")},
    inputs={"save": Input(ids.ATGT_SAVE, "n_clicks"),
            "delete": Input({"type": ids.ATGT_DELETE, "district": ALL, "measure": ALL}, "n_clicks"),
            "district": State(ids.ATGT_DISTRICT, "value"), "measure": State(ids.ATGT_MEASURE, "value"),
            "value": State(ids.ATGT_VALUE, "value")},
)
def keep_targets(r: PageRequest, save, delete, district, measure, value):
    """The list of targets; Save sets the chosen district's target, a row's Delete removes it."""
    t, message = r.t, None
    trigger = ctx.triggered_id
    if trigger == ids.ATGT_SAVE and save:
        try:
            set_target(r.s, r.actor, district, measure, value)
            message = alert(t(SAVED))
        except TargetInvalid as exc:
            message = alert(problem_text(t, exc.errors), ok=False)
    elif isinstance(trigger, dict) and any(item.get("value") for item in ctx.triggered):
        try:
            delete_target(r.s, r.actor, trigger.get("district"), trigger.get("measure"))
            message = alert(t(DELETED))
        except NotFound:
            message = alert(t(GONE), ok=False)
    elif trigger is not None:
        return no_update
    return {"table": targets_table(t, district_tree(r.s, r.actor), list_targets(r.s, r.actor)), "message": message}
