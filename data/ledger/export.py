"""Ledger exports (企业台账导出) as a service: the columns in the user's language, the file written from the
scoped row stream, and a whole export job (count, write into the user's export folder, publish).

The page's small exports, the background job (callbacks/ledger/ledger.py) and bench/ledger.py all go through
`write_export`; the job's ticket and its error messages stay with the page.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from dashboard.core.i18n import N_, Translator, translator
from data.core.labels import CERT_STATUS_LABELS, DECL_STATUS_LABELS
from data.core.scope import Actor
from data.ledger.query import (
    FIELDS,
    ExportRequest,
    LedgerQuery,
    count_ledger,
    enterprise_name,
    ledger_enterprise,
    lookup_tables,
    new_export,
    stream_ledger,
)
from exports.tables.ledger import PROGRESS_EVERY, ExportColumn, write_ledger

HEADERS = {
    "seq": N_("No."),
    "legal_inspection": N_("Legal inspection"),
    "enterprise": N_("Declaring enterprise"),
    "registration_no": N_("Declaration registration no."),
    "consignee": N_("Consignee"),
    "consignor": N_("Consignor"),
    "inspection_no": N_("Inspection no."),
    "contract_no": N_("Contract no."),
    "inspection_date": N_("Inspection date"),
    "bl_no": N_("B/L no."),
    "entry_no": N_("Entry no."),
    "declaration_status": N_("Declaration status"),
    "declarant": N_("Declarant name"),
    "declarant_code": N_("Declarant code"),
    "district": N_("Declaration district"),
    "trade_mode": N_("Trade mode"),
    "transport_mode": N_("Transport mode"),
    "transport_means": N_("Means of transport"),
    "dest_country": N_("Destination country"),
    "origin_country": N_("Country of departure"),
    "departure_port": N_("Port of departure"),
    "arrival_port": N_("Port of arrival"),
    "despatch_date": N_("Date of despatch"),
    "arrival_date": N_("Date of arrival"),
    "total_value": N_("Total value"),
    "currency": N_("Currency"),
    "certificate_no": N_("Certificate no."),
    "cert_type": N_("Certificate type"),
    "cert_status": N_("Certificate status"),
    "issue_date": N_("Date of issue"),
    "signing_method": N_("Signing method"),
    "issue_place": N_("Place of issue"),
    "print_count": N_("Print count"),
}
# Excel column widths (characters); the PDF shares them out in proportion
WIDTHS = {"seq": 8, "legal_inspection": 9, "enterprise": 28, "registration_no": 13, "consignee": 30, "consignor": 30,
          "inspection_no": 18, "contract_no": 16, "inspection_date": 12, "bl_no": 18, "entry_no": 20,
          "declaration_status": 11, "declarant": 11, "declarant_code": 12, "district": 16, "trade_mode": 12,
          "transport_mode": 12, "transport_means": 22, "dest_country": 12, "origin_country": 12,
          "departure_port": 16, "arrival_port": 16, "despatch_date": 12, "arrival_date": 12, "total_value": 16,
          "currency": 8, "certificate_no": 18, "cert_type": 18, "cert_status": 10, "issue_date": 12,
          "signing_method": 11, "issue_place": 12, "print_count": 9}
KINDS = {"seq": "seq", "text": "text", "flag": "text", "code": "text", "date": "date", "decimal": "number",
         "int": "int"}
FLAG_LABELS = {True: "Y", False: "N"}  # as in the manual: 是否法检 Y/N
SIGNING_LABELS = {"cloud": N_("Cloud signature"), "paper": N_("ECIQ print")}
ENUM_LABELS = {"declaration_status": DECL_STATUS_LABELS, "cert_status": CERT_STATUS_LABELS,
               "signing_method": SIGNING_LABELS}
DIRECTION_LABELS = {"entry": N_("Entry declarations"), "exit": N_("Exit declarations")}


def header(t: Translator, key: str) -> str:
    return t(HEADERS[key])


def enum_labels(t: Translator, key: str) -> Mapping | None:
    if FIELDS[key].kind == "flag":
        return FLAG_LABELS
    table = ENUM_LABELS.get(key)
    return {code: t(label) for code, label in table.items()} if table else None


def export_columns(t: Translator, keys: Sequence[str], tables: Mapping[str, Mapping]) -> list[ExportColumn]:
    """The columns of an export (and of the grid), in the user's language, codes shown by their labels."""
    columns = []
    for key in keys:
        f = FIELDS[key]
        labels = tables.get(f.lookup, {}) if f.lookup else enum_labels(t, key)
        columns.append(ExportColumn(key, header(t, key), KINDS[f.kind], labels, WIDTHS.get(key, 14), f.user_text,
                                    f.total))
    return columns


def ledger_columns(s: Session, actor: Actor, t: Translator, query: LedgerQuery, keys: Sequence[str]) -> list[ExportColumn]:
    """The export's columns for this query, codes shown by their names in `t`'s language."""
    enterprise_id = ledger_enterprise(actor, query)
    tables = lookup_tables(s, t.lang, keys, [enterprise_id] if enterprise_id is not None else [])
    return export_columns(t, keys, tables)


def write_export(s: Session, actor: Actor, request: ExportRequest, target, *, created: datetime,
                 progress=None, progress_every: int = PROGRESS_EVERY, max_rows: int | None = None) -> int:
    """Write the requested ledger export to a path or binary file; return the number of rows.

    The one export path: the page's small exports, the background jobs and bench/ledger.py use it.
    """
    t = translator(request.language)
    query = request.query
    columns = ledger_columns(s, actor, t, query, request.columns)
    whose = enterprise_name(s, actor, query.enterprise_id)
    dates = " – ".join(d.isoformat() if d else "…" for d in (query.date_from, query.date_to)) \
        if (query.date_from or query.date_to) else t("all dates")
    return write_ledger(
        request.fmt, target, columns, stream_ledger(s, actor, query, request.columns),
        total_label=t("Total"), title=t("Enterprise ledger: {enterprise}", enterprise=whose),
        subtitle=t("{direction}; inspection dates: {dates}", direction=t(DIRECTION_LABELS[query.direction]),
                   dates=dates),
        sheet_name=t("Enterprise ledger"), page_label=t("Page {n}"), created=created, progress=progress,
        progress_every=progress_every, max_rows=max_rows)


def download_name(t: Translator, request: ExportRequest) -> str:
    return f"{request.file_name or t('Enterprise ledger')}.{request.fmt}"


def run_export(s: Session, actor: Actor, request: ExportRequest, instance_path: Path, *,
               expected_rows: int | None, set_progress: Callable[[tuple[int, int, str]], None]) -> dict:
    """Write one export into the actor's export folder with progress; return its token, file name and rows.

    `expected_rows` is the count made when the export was asked for (None: count now). Raises what
    `write_export` raises (LedgerInvalid, TooManyRows); the caller turns those into messages.
    """
    total = max(1, expected_rows if isinstance(expected_rows, int) else count_ledger(s, actor, request.query))
    set_progress((0, total, "0%"))
    pending = new_export(instance_path, actor, request.fmt, download_name(translator(request.language), request))

    def progress(n: int) -> None:  # the ledger may have grown since it was counted
        set_progress((min(n, total), total, f"{min(100, n * 100 // total)}%"))

    rows = write_export(s, actor, request, pending.partial, created=datetime.now(timezone.utc).replace(tzinfo=None),
                        progress=progress, progress_every=max(500, min(PROGRESS_EVERY, total // 100)))
    set_progress((total, total, "100%"))
    return {"token": pending.publish(rows), "filename": pending.filename, "rows": rows}
