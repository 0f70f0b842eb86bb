"""The scanned documents (单证扫描件) panel of the application page: list, download, add, replace, delete."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.applications.scans import EDIT, SUPPLEMENT, ScanList, ScanRow
from layouts.applications import ids
from layouts.common import dropdown_labels

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
NEW = "new"  # the index of the upload that adds a scan (the others carry the scan id they replace)
REASONS = {
    "empty": N_("The file is empty."),
    "too_large": N_("The file is larger than 10 MB."),
    "bad_type": N_("Only PDF, JPG or PNG scans are accepted (checked by content, not by name)."),
    "extension_mismatch": N_("The file name does not match its content: a PDF must be named .pdf, a JPEG .jpg or "
                             ".jpeg, a PNG .png."),
    "damaged": N_("The file is damaged or incomplete; please scan it again."),
    "unreadable": N_("The file could not be read; please attach it again."),
    "doc_code": N_("Choose the document type from the list first."),
    "too_many": N_("An application has at most 20 scans."),
    "locked": N_("The scans of this application cannot be changed in its present status."),
    "add_only": N_("While customs has the application, scans can only be added (supplementary declaration), not "
                   "replaced or deleted."),
    "not_found": N_("There is no such scan among those you may see."),
    "denied": N_("You may not change the scans of this application."),
    "failed": N_("The action failed."),
}
DONE = {
    "added": N_("Scan added: {name}."),
    "supplemented": N_("Scan added as a supplementary declaration: {name}. It is recorded in the receipts."),
    "replaced": N_("Scan replaced: {name}."),
    "deleted": N_("Scan deleted: {name}."),
}


def scans_section(t: Translator) -> html.Div:
    """The panel's frame; its content comes from callbacks/applications/scans.py once the page knows the application."""
    checks = {**{code: t(REASONS[code]) for code in ("empty", "too_large", "bad_type")}, "ok": t("uploading…")}
    return html.Div([
        html.H5(t("Scanned documents"), className="mt-3"),
        html.Div(id=ids.APPV_SCAN_MESSAGE),
        html.Div(id=ids.APPV_SCAN_PANEL),
        dcc.Store(id=ids.APPV_SCAN_CHECKS, data=checks),
    ])


def scans_panel(t: Translator, scans: ScanList) -> html.Div:
    header = [t("Document type"), t("File name"), t("Size"), t("Uploaded")] + ([""] if scans.can_change else [])
    table = dbc.Table([
        html.Thead(html.Tr([html.Th(h) for h in header])),
        html.Tbody([_row(t, r, scans.can_change) for r in scans.rows]),
    ], size="sm", bordered=True, className="mb-2") if scans.rows else html.P(t("No scanned documents yet."),
                                                                           className="text-muted")
    return html.Div([table, _add_form(t, scans) if scans.can_add else None, _limits_note(t, scans)])


def _row(t: Translator, r: ScanRow, can_change: bool) -> html.Tr:
    cells = [
        html.Td(f"{r.doc_code} {t.pick(r.doc_name_zh, r.doc_name_en)}"),
        html.Td(html.A(r.filename, href=f"/files/scan/{int(r.id)}", target="_blank", rel="noopener")),
        html.Td(file_size(r.size), className="text-nowrap"),
        html.Td(t.datetime(r.uploaded_at), className="text-nowrap"),
    ]
    if can_change:
        cells.append(html.Td(html.Div([
            dcc.Upload(dbc.Button(t("Replace"), size="sm", color="secondary", outline=True, className="me-1"),
                       id={"type": ids.APPV_SCAN_UPLOAD, "index": r.id}, accept=ACCEPT, multiple=False,
                       className="d-inline-block"),
            dcc.ConfirmDialogProvider(
                dbc.Button(t("Delete"), size="sm", color="danger", outline=True),
                id={"type": ids.APPV_SCAN_DELETE, "index": r.id},
                message=t("Delete the scan {name}?", name=r.filename)),
            html.Div(id={"type": ids.APPV_SCAN_UPLOAD_STATUS, "index": r.id}, className="small w-100"),
        ], className="d-flex flex-wrap text-nowrap")))  # Replace and Delete side by side, the status under them
    return html.Tr(cells)


def _add_form(t: Translator, scans: ScanList) -> html.Div:
    options = [{"label": f"{d.code} {t.pick(d.name_zh, d.name_en)}", "value": d.code} for d in scans.doc_types]
    note = (dbc.Alert(t("The application is with customs: a scan added now is a supplementary declaration (补发申报), "
                        "recorded in the receipts; it cannot be replaced or deleted afterwards."),
                      color="info", className="py-2 small") if scans.mode == SUPPLEMENT else None)
    return html.Div([
        note,
        dbc.Row([
            dbc.Col(dcc.Dropdown(labels=dropdown_labels(t), id={"type": ids.APPV_SCAN_DOC, "index": 0}, options=options,
                                 placeholder=t("Document type")), md=5),
            dbc.Col(dcc.Upload(dbc.Button(t("Upload a scan"), color="primary", outline=True),
                               id={"type": ids.APPV_SCAN_UPLOAD, "index": NEW}, accept=ACCEPT, multiple=False),
                    md="auto"),
            dbc.Col(html.Div(id={"type": ids.APPV_SCAN_UPLOAD_STATUS, "index": NEW}, className="pt-2 small")),
        ], className="g-2 align-items-start"),
    ])


def _limits_note(t: Translator, scans: ScanList) -> html.P | None:
    if scans.mode not in (EDIT, SUPPLEMENT):
        return None
    return html.P(t("PDF, JPG or PNG, at most 10 MB each, at most 20 per application."),
                  className="text-muted small mt-1")


def file_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def scan_message(t: Translator, code: str | None, done: str | None = None, name: str = "") -> dbc.Alert | None:
    if code:
        return dbc.Alert(t(REASONS.get(code, REASONS["failed"])), color="danger", className="py-2")
    if done:
        return dbc.Alert(t(DONE[done], name=name), color="success", className="py-2")
    return None
