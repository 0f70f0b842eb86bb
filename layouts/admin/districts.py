"""Organisation structure page (Liaoning 5.2.4 组织机构): the district tree, one district's form and history."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.admin.districts import DistrictNode
from data.core.audit import EventRow
from layouts.admin import ids
from layouts.admin.audit import history_card
from layouts.common import label_for, page_header

MAIN_FIELDS = (("code", N_("District code"), 4), ("name_zh", N_("Chinese name"), 64),
               ("name_en", N_("English name"), 128), ("sort", N_("Order"), 4))
ADVANCED_FIELDS = (("address", N_("Address"), 256), ("postcode", N_("Postcode"), 6))


def _field(name: str) -> dict:
    return {"type": ids.DIST_FIELD, "name": name}


def _input(t: Translator, name: str, label: str, limit: int, value, md: int) -> dbc.Col:
    return dbc.Col([label_for(t(label), _field(name)), dbc.Input(id=_field(name), value=value, maxLength=limit),
                    html.Div(id={"type": ids.DIST_ERROR, "name": name}, className="invalid-feedback d-block")],
                   md=md, className="mb-3")


def district_tree_list(t: Translator, nodes: list[DistrictNode], current: str | None) -> dbc.ListGroup:
    """直属海关 with their 隶属海关 indented below; retired ones greyed and marked."""
    items = []
    for d in nodes:
        mark = [] if d.active else [dbc.Badge(t("retired"), color="secondary", className="ms-1")]
        items.append(dbc.ListGroupItem(
            [html.Span(d.code, className="me-2 font-monospace"), html.Span(t.pick(d.name_zh, d.name_en)), *mark],
            id={"type": ids.DIST_NODE, "code": d.code}, action=True, active=d.code == current, n_clicks=0,
            className="" if d.active else "text-muted", style={"paddingLeft": f"{0.75 + 1.5 * d.depth}rem"}))
    return dbc.ListGroup(items, flush=True)


def districts_page(t: Translator, nodes: list[DistrictNode], panel, current: str | None) -> html.Div:
    return html.Div([
        page_header(t("Organisation structure"),
                    t("Customs districts: direct customs houses and the subordinate ones under them. A district "
                      "that records refer to is retired, not deleted, so history and statistics keep it.")),
        html.Div(id=ids.DIST_MESSAGE),
        dbc.Row([
            dbc.Col([dbc.Button(t("New district"), id=ids.DIST_NEW, color="primary", size="sm", className="mb-2"),
                     html.Div(district_tree_list(t, nodes, current), id=ids.DIST_TREE)], md=4),
            dbc.Col(html.Div(panel, id=ids.DIST_PANEL), md=8),
        ]),
        dcc.Store(id=ids.DIST_CURRENT, data=current),
    ])


def district_panel(t: Translator, node: DistrictNode | None, *, nodes: list[DistrictNode],
                   history: list[EventRow]) -> html.Div:
    """The form of a new district (node None) or of a stored one, with its actions and history."""
    values = ({"code": node.code, "name_zh": node.name_zh, "name_en": node.name_en, "sort": str(node.sort),
               "address": node.address or "", "postcode": node.postcode or ""} if node else {"sort": "0"})
    main = [_input(t, name, label, limit, values.get(name, ""), 3 if name in ("code", "sort") else 6)
            for name, label, limit in MAIN_FIELDS]
    advanced = [_input(t, name, label, limit, values.get(name, ""), 9 if name == "address" else 3)
                for name, label, limit in ADVANCED_FIELDS]
    if node is None:
        parents = [{"label": t("None: a direct customs house"), "value": ""}] + [
            {"label": f"{d.code} {t.pick(d.name_zh, d.name_en)}", "value": d.code}
            for d in nodes if d.parent_code is None and d.active]
        parent = dbc.Col([label_for(t("Direct customs house above it"), _field("parent_code")),
                          dbc.Select(id=_field("parent_code"), options=parents, value=""),
                          html.Div(id={"type": ids.DIST_ERROR, "name": "parent_code"},
                                   className="invalid-feedback d-block")], md=6, className="mb-3")
    else:
        above = next((d for d in nodes if d.code == node.parent_code), None)
        parent = dbc.Col([dbc.Label(t("Direct customs house above it")),
                          html.Div(f"{above.code} {t.pick(above.name_zh, above.name_en)}" if above
                                   else t("None: a direct customs house"), className="form-control-plaintext")],
                         md=6, className="mb-3")
    buttons = [dbc.Button(t("Save"), id=ids.DIST_SAVE, color="primary", className="me-2")]
    if node is not None and node.active:
        buttons.append(dcc.ConfirmDialogProvider(
            dbc.Button(t("Retire"), color="warning", outline=True, className="me-2"),
            id={"type": ids.DIST_CONFIRM, "action": "retire"},
            message=t("Retire {district}? It is no longer offered for new records; history and statistics keep it.",
                      district=node.name_zh)))
    elif node is not None:
        buttons.append(dbc.Button(t("Reactivate"), id={"type": ids.DIST_ACTION, "action": "reactivate"},
                                  color="success", className="me-2"))
    if node is not None:
        buttons.append(dcc.ConfirmDialogProvider(
            dbc.Button(t("Delete"), color="danger", outline=True),
            id={"type": ids.DIST_CONFIRM, "action": "delete"},
            message=t("Delete {district}? Only a district that nothing refers to can be deleted.",
                      district=node.name_zh)))
    if node is None:
        title = t("New district")
    elif node.active:
        title = t("District {code} {name}", code=node.code, name=t.pick(node.name_zh, node.name_en))
    else:
        title = t("District {code} {name} (retired)", code=node.code, name=t.pick(node.name_zh, node.name_en))
    form = dbc.Card([
        dbc.CardHeader(title, className="fw-semibold"),
        dbc.CardBody([
            dbc.Row(main), dbc.Row(parent),
            html.Details([html.Summary(t("Advanced: address and postcode")), dbc.Row(advanced, className="mt-2")],
                         open=bool(node and (node.address or node.postcode)), className="mb-3"),
            dbc.FormText(t("A code can change only while no record refers to the district."), className="d-block mb-2"),
            html.Div(buttons, className="d-flex"),
        ]),
    ])
    if node is None:
        return html.Div(form)
    return html.Div([form, history_card(t, history, ids.DIST_HISTORY)])


def action_done(t: Translator, action: str, name: str) -> str:
    texts = {"created": N_("District {name} added."), "updated": N_("District {name} saved."),
             "retire": N_("District {name} retired."), "reactivate": N_("District {name} is active again."),
             "delete": N_("District {name} deleted.")}
    return t(texts[action], name=name)


NOT_FOUND = N_("This district no longer exists.")
