"""Certificate templates (证稿模板, Liaoning 5.8.2): the list with name search, use, edit and bulk delete."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.applications.choices import TemplateForm, TemplateRow
from layouts.applications import ids
from layouts.applications.form import (
    TMPL_IDS,
    Choices,
    certificate_fields,
    certificate_title,
    confirm_box,
    goods_editor,
)
from layouts.common import page_header

TEMPLATE_MESSAGES = {
    "saved": N_("Template saved."),
    "not_found": N_("There is no such template among your enterprise's templates."),
    "none_ticked": N_("Tick the templates to delete first."),
    "has_errors": N_("Nothing was saved: correct the marked fields."),
}


def templates_page(t: Translator, rows: list[TemplateRow]) -> html.Div:
    return html.Div([
        page_header(t("Certificate templates"),
                    t("Templates keep a certificate's fields and goods: save one from an application, then use it "
                      "to start new applications of the same format.")),
        html.Div(id=ids.TMPL_MESSAGE),
        dbc.Row([
            dbc.Col(dbc.Input(id=ids.TMPL_SEARCH, placeholder=t("Template name"), maxLength=64, debounce=True), md=4),
            dbc.Col(dcc.ConfirmDialogProvider(
                dbc.Button(t("Delete the ticked templates"), color="danger", outline=True),
                id=ids.TMPL_DELETE, message=t("Delete the ticked templates? This cannot be undone.")), md="auto"),
        ], className="mb-3 g-2"),
        html.Div(templates_table(t, rows), id=ids.TMPL_LIST),
    ])


def templates_table(t: Translator, rows: list[TemplateRow]):
    if not rows:
        return dbc.Alert(t("No templates. Save one from an application with \u201cSave as template\u201d."),
                         color="light")
    head = html.Thead(html.Tr([html.Th(""), *[html.Th(t(h)) for h in (
        N_("Template name"), N_("Certificate format"), N_("Goods lines"), N_("Changed"), "")]]))
    body = [html.Tr([
        html.Td(dbc.Checkbox(id={"type": ids.TMPL_PICK, "index": r.id}, value=False)),
        html.Td(r.name),
        html.Td(f"{r.format_code} {t.pick(r.format_zh, r.format_en)}"),
        html.Td(t.number(r.goods)),
        html.Td(t.datetime(r.updated_at)),
        html.Td([dcc.Link(t("Use"), href=f"/applications/new?template={int(r.id)}", className="me-3"),
                 dcc.Link(t("Edit"), href=f"/applications/templates?edit={int(r.id)}")], className="text-nowrap"),
    ]) for r in rows]
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", responsive=True)


def template_edit_page(t: Translator, form: TemplateForm | None, choices: Choices) -> html.Div:
    back = dcc.Link(t("Back to the templates"), href="/applications/templates", className="me-3")
    if form is None:
        return html.Div([page_header(t("Edit template"), None),
                         dbc.Alert(t(TEMPLATE_MESSAGES.get("not_found", "")), color="warning"), back])
    return html.Div([
        page_header(t("Edit template"), None),
        html.Div(id=ids.TMPL_MESSAGE),
        dbc.Row(dbc.Col([
            dbc.Label(t("Template name"), html_for=ids.TMPL_NAME),
            dbc.Input(id=ids.TMPL_NAME, value=form.name, maxLength=64),
            html.Div(id=ids.TMPL_NAME_ERROR, className="invalid-feedback d-block"),
        ], md=6), className="mb-3"),
        dbc.Card(dbc.CardBody([certificate_title(t, form.spec),
                               certificate_fields(t, TMPL_IDS, form.spec, form.fields, choices)]), className="mb-3"),
        dbc.Card([dbc.CardHeader(t("Goods")), dbc.CardBody(goods_editor(t, TMPL_IDS, form.goods, choices))],
                 className="mb-3"),
        confirm_box(t, ids.TMPL_CONFIRM, form.needs_confirmation),
        html.Div([
            dbc.Button(t("Save template"), id=ids.TMPL_SAVE, color="primary", className="me-3"),
            back,
            dcc.Link(t("Use for a new application"), href=f"/applications/new?template={int(form.id)}"),
        ], className="d-flex align-items-center"),
        dcc.Store(id=ids.TMPL_STATE, data=form.id),
    ])


def template_message(t: Translator, code: str) -> dbc.Alert:
    return dbc.Alert(t(TEMPLATE_MESSAGES[code]), color="success" if code == "saved" else "danger")


def deleted_message(t: Translator, count: int) -> dbc.Alert:
    return dbc.Alert(t("Deleted {n} templates.", n=t.number(count)), color="success")
