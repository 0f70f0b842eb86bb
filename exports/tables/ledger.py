"""Ledger exports (企业台账导出): raw ledger rows in, an xlsx, csv or pdf file out.

Pure functions: the same rows, columns and `created` moment give the same bytes. Rows arrive as
`data/ledger/query.py` streams them (`[declaration id, currency, value, value, ...]`) and are written
as they come, so a million-row ledger never sits in memory:

* xlsx: XlsxWriter in constant-memory mode, one `write_row` per row. Headers frozen, autofilter,
  column widths, dates and numbers as real Excel values (formats by column), a totals row. A sheet
  full at Excel's 1,048,576 rows continues on a new sheet, header repeated.
* csv: UTF-8 with a byte-order mark (Excel then reads the Chinese correctly), quoted where needed,
  the values exactly as the preview grid shows them; no totals row (csv is for machines).
* pdf: reportlab, landscape, the header repeated on every page, the TrueType CJK font embedded.

Text typed by users that starts like a formula (= + - @, tab, carriage return) stays text: in
xlsx it is a string cell marked with Excel's quote prefix, in csv it gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import BinaryIO
from xml.sax.saxutils import escape

import xlsxwriter

from exports.fonts import register_font

EXCEL_MAX_ROWS = 1_048_576  # rows of one worksheet, the header included
PDF_MAX_ROWS = 5_000  # a printable ledger; larger ones go to xlsx or csv
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
HIDDEN = 2  # leading values of a raw row: declaration id, currency
PROGRESS_EVERY = 5_000


class TooManyRows(ValueError):
    """More rows than the format holds (a PDF)."""


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: its header and how its raw value becomes a cell.

    kind: seq (the row number) | text | date | number | int. `labels` turns a code into what is
    shown (a status, a name); a code without a label is shown as it is. `total`: see data/ledger/query.py.
    """

    key: str
    header: str
    kind: str = "text"
    labels: Mapping | None = None
    width: float = 14.0
    user_text: bool = False
    total: str | None = None


def _no_columns(_raw) -> object:
    raise ValueError("a ledger row was given to an export with no columns")


class LedgerCells:
    """Turn raw ledger rows into typed cell values (one list per row), counting the totals on the way."""

    def __init__(self, columns: Sequence[ExportColumn]):
        self.columns = list(columns)
        self.count = 0
        self._seq = [i for i, c in enumerate(columns) if c.kind == "seq"]
        self._labels = [(i, c.labels.get) for i, c in enumerate(columns) if c.labels is not None and c.kind != "seq"]
        self._pick = itemgetter(*range(HIDDEN, HIDDEN + len(columns))) if columns else None
        self._declarations = 0
        self._last_declaration = object()
        self._counts = {i: 0 for i, c in enumerate(columns) if c.total in ("count", "declarations")}
        self._sums = {i: 0 for i, c in enumerate(columns) if c.total == "sum"}
        self._values: dict[int, dict[str, Decimal]] = {i: {} for i, c in enumerate(columns) if c.total == "value"}

    def rows(self, raw_rows: Iterable[Sequence]) -> Iterator[list]:
        pick: Callable = self._pick or _no_columns
        seq, labels = self._seq, self._labels
        counts, sums, values = self._counts, self._sums, self._values
        count_only = [i for i in counts if self.columns[i].total == "count"]
        per_declaration = [i for i in counts if self.columns[i].total == "declarations"]
        n = 0
        for raw in raw_rows:
            n += 1
            row = list(pick(raw)) if len(self.columns) > 1 else [pick(raw)]
            for i in seq:
                row[i] = n
            for i, get in labels:
                v = row[i]
                if v is not None:
                    row[i] = get(v, v)
            if count_only or sums:
                for i in count_only:
                    if row[i] is not None:
                        counts[i] += 1
                for i in sums:
                    if row[i] is not None:
                        sums[i] += row[i]
            if raw[0] != self._last_declaration:  # rows come declaration by declaration
                self._last_declaration = raw[0]
                for i in per_declaration:
                    if row[i] is not None:
                        counts[i] += 1
                for i, by_currency in values.items():
                    if row[i] is not None:
                        by_currency[raw[1] or ""] = by_currency.get(raw[1] or "", 0) + row[i]
            yield row
        self.count = n

    def totals_row(self, label: str) -> list | None:
        """The totals row once the rows are read: counts, sums, the value per currency; None without totals."""
        if not (self._counts or self._sums or self._values):
            return None
        row: list = [None] * len(self.columns)
        for i, n in {**self._counts, **self._sums}.items():
            row[i] = n
        currencies = [k for k, c in enumerate(self.columns) if c.key == "currency"]
        for i, by_currency in self._values.items():
            if len(by_currency) <= 1:
                row[i] = next(iter(by_currency.values()), Decimal("0.00"))
                for k in currencies:
                    row[k] = next(iter(by_currency), None) or None
            else:  # several currencies: no single sum makes sense, each is named
                row[i] = "; ".join(f"{code or '?'} {amount:.2f}" for code, amount in sorted(by_currency.items()))
        free = next((i for i, v in enumerate(row) if v is None), None)
        if free is not None:
            row[free] = label
        return row


def display(value) -> str:
    """A cell value as the preview grid, the csv and the pdf show it."""
    if value is None:
        return ""
    kind = value.__class__
    if kind is str:
        return value
    if kind is date or kind is datetime:
        return value.isoformat()
    if kind is Decimal or kind is float:
        return f"{value:.2f}"
    return str(value)


# --- xlsx -----------------------------------------------------------------------------------------

NUMBER_FORMATS = {"date": "yyyy-mm-dd", "number": "#,##0.00", "int": "0", "seq": "0"}


def sheet_names(base: str) -> Iterator[str]:
    """Worksheet names: the base, then 'base (2)', 'base (3)' ... within Excel's rules."""
    base = "".join(ch for ch in base if ch not in "[]:*?/\\")[:24].strip("'") or "Sheet"
    yield base
    n = 2
    while True:
        yield f"{base} ({n})"
        n += 1


def write_xlsx(target, columns: Sequence[ExportColumn], rows: Iterable[Sequence], *,
               totals: Callable[[], Sequence | None] | None = None, sheet_name: str = "Ledger",
               max_rows: int = EXCEL_MAX_ROWS, created: datetime | None = None, title: str = "",
               progress: Callable[[int], None] | None = None, progress_every: int = PROGRESS_EVERY) -> int:
    """Write typed rows to an xlsx workbook (a path or a binary file); return the number of data rows.

    `max_rows` is the number of rows a worksheet holds, its header included (Excel: 1,048,576).
    """
    if max_rows < 3:
        raise ValueError("a worksheet must hold a header and at least two rows")
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties({"title": title, "created": created or datetime(2000, 1, 1)})
    header_format = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                   "valign": "vcenter"})
    text_format = wb.add_format({"quote_prefix": True})  # typed text that looks like a formula
    column_formats = [wb.add_format({"num_format": NUMBER_FORMATS[c.kind]}) if c.kind in NUMBER_FORMATS else None
                      for c in columns]
    total_formats = [wb.add_format({"bold": True, "top": 1, **({"num_format": NUMBER_FORMATS[c.kind]}
                                                                if c.kind in NUMBER_FORMATS else {})})
                     for c in columns]
    guarded = [i for i, c in enumerate(columns) if c.user_text]
    names = sheet_names(sheet_name)
    last_column = len(columns) - 1

    def new_sheet():
        ws = wb.add_worksheet(next(names))
        for i, c in enumerate(columns):
            ws.set_column(i, i, c.width, column_formats[i])
        ws.set_row(0, 30)
        for i, c in enumerate(columns):
            ws.write_string(0, i, c.header, header_format)
        ws.freeze_panes(1, 0)
        return ws

    def close_sheet(ws, last_row: int) -> None:
        ws.autofilter(0, 0, max(last_row, 1), last_column)

    ws = new_sheet()
    r = 0
    last = max_rows - 1
    count = 0
    write_row, write_string = ws.write_row, ws.write_string
    for values in rows:
        if r == last:
            close_sheet(ws, r)
            ws = new_sheet()
            write_row, write_string = ws.write_row, ws.write_string
            r = 0
        r += 1
        write_row(r, 0, values)
        for i in guarded:
            v = values[i]
            if v and v.startswith(RISKY_STARTS):
                write_string(r, i, v, text_format)
        count += 1
        if progress is not None and count % progress_every == 0:
            progress(count)
    close_sheet(ws, r)
    total_row = totals() if totals is not None else None
    if total_row is not None:
        if r == last:
            ws = new_sheet()
            r = 0
        r += 1
        for i, v in enumerate(total_row):
            if v is not None:
                if isinstance(v, str):
                    ws.write_string(r, i, v, total_formats[i])
                else:
                    ws.write(r, i, v, total_formats[i])
    wb.close()
    return count


# --- csv ------------------------------------------------------------------------------------------

def write_csv(out: BinaryIO, columns: Sequence[ExportColumn], rows: Iterable[Sequence], *,
              progress: Callable[[int], None] | None = None, progress_every: int = PROGRESS_EVERY) -> int:
    """Write rows as UTF-8 csv with a byte-order mark and CRLF lines; return the number of data rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    guarded = [i for i, c in enumerate(columns) if c.user_text]
    count = 0
    for values in rows:
        cells = [display(v) for v in values]
        for i in guarded:
            if cells[i].startswith(RISKY_STARTS):
                cells[i] = "'" + cells[i]
        writer.writerow(cells)
        count += 1
        if progress is not None and count % progress_every == 0:
            progress(count)
    text.flush()
    text.detach()
    return count


# --- pdf ------------------------------------------------------------------------------------------

def write_pdf(out: BinaryIO, columns: Sequence[ExportColumn], rows: Iterable[Sequence], *,
              totals: Callable[[], Sequence | None] | None = None, title: str = "", subtitle: str = "",
              page_label: str = "{n}", max_rows: int = PDF_MAX_ROWS,
              progress: Callable[[int], None] | None = None, progress_every: int = PROGRESS_EVERY) -> int:
    """Write rows as a landscape PDF table, its header on every page; return the number of data rows.

    More than `max_rows` rows raise TooManyRows before anything is written (PDFs are for reading).
    `page_label` is a format with {n}, the page number.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = register_font()  # the certificates' TrueType CJK font, embedded as a subset
    body = []
    count = 0
    for values in rows:
        count += 1
        if count > max_rows:
            raise TooManyRows(f"more than {max_rows} rows for a PDF")
        body.append(values)
        if progress is not None and count % progress_every == 0:
            progress(count)
    total_row = totals() if totals is not None else None

    page = landscape(A4 if len(columns) <= 12 else A3)
    margin = 10 * mm
    size = 7 if len(columns) <= 16 else 6
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size + 2, wordWrap="CJK")
    head_style = ParagraphStyle("head", parent=cell_style, textColor=colors.black)
    title_style = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    note_style = ParagraphStyle("note", fontName=font, fontSize=8, leading=10, textColor=colors.grey)
    weights = [c.width for c in columns]
    usable = page[0] - 2 * margin
    widths = [usable * w / sum(weights) for w in weights]

    def cell(value, style=cell_style):
        return Paragraph(escape(display(value)).replace("\n", "<br/>"), style)

    data = [[cell(c.header, head_style) for c in columns]]
    data += [[cell(v) for v in values] for values in body]
    if total_row is not None:
        data.append([cell(v) for v in total_row])
    table = LongTable(data, colWidths=widths, repeatRows=1)
    style = [("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    if total_row is not None:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 1, colors.black))
    table.setStyle(TableStyle(style))

    def number_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawRightString(page[0] - margin, margin / 2, page_label.format(n=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=title, author="certdash", creator="certdash",
                            invariant=True, initialFontName=font)  # not the built-in Helvetica: unembedded
    story = [Paragraph(escape(title), title_style)]
    if subtitle:
        story.append(Paragraph(escape(subtitle), note_style))
    story += [Spacer(1, 4 * mm), table]
    doc.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return count


# --- one call for the three formats ---------------------------------------------------------------

def write_ledger(fmt: str, target, columns: Sequence[ExportColumn], raw_rows: Iterable[Sequence], *,
                 total_label: str, title: str = "", subtitle: str = "", sheet_name: str = "Ledger",
                 page_label: str = "{n}", created: datetime | None = None, max_rows: int | None = None,
                 progress: Callable[[int], None] | None = None, progress_every: int = PROGRESS_EVERY) -> int:
    """Convert raw ledger rows and write them in the format ('xlsx', 'csv', 'pdf'); return the row count.

    `target` is a path or a binary file for xlsx, a binary file for csv and pdf.
    """
    cells = LedgerCells(columns)
    rows = cells.rows(raw_rows)

    def totals():
        return cells.totals_row(total_label)

    if fmt == "xlsx":
        return write_xlsx(target, columns, rows, totals=totals, sheet_name=sheet_name, created=created, title=title,
                          max_rows=max_rows or EXCEL_MAX_ROWS, progress=progress, progress_every=progress_every)
    if fmt == "csv":
        with _binary(target) as out:
            return write_csv(out, columns, rows, progress=progress, progress_every=progress_every)
    if fmt == "pdf":
        with _binary(target) as out:
            return write_pdf(out, columns, rows, totals=totals, title=title, subtitle=subtitle, page_label=page_label,
                             max_rows=max_rows or PDF_MAX_ROWS, progress=progress, progress_every=progress_every)
    raise ValueError(f"unknown export format {fmt!r}")


@contextmanager
def _binary(target) -> Iterator[BinaryIO]:
    """A binary file for the target: the file itself, or the path opened for writing."""
    if isinstance(target, (str, bytes)) or hasattr(target, "__fspath__"):
        with open(target, "wb") as out:
            yield out
    else:
        yield target
