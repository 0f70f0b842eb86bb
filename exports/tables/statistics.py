"""A statistics table as a file: xlsx (formatted) and csv (UTF-8 with BOM, for Excel).

Pure: a title, the columns, the rows and a totals row in; bytes out. Numbers stay numbers (counts as
integers, shares as fractions shown as percentages); the moment printed in the workbook is passed in.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter

from exports.tables.list_export import MAX_WIDTH, MIN_WIDTH, display_width

CSV = "text/csv"
TEXT, COUNT, SHARE = "text", "count", "share"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = COUNT  # TEXT | COUNT (integer) | SHARE (a fraction, shown as a percentage)


def _shown(value, kind: str) -> str:
    """The value as the sheet shows it, for the column widths."""
    if value is None:
        return ""
    if kind == SHARE:
        return f"{value:.1%}"
    if kind == COUNT:
        return f"{value:,}"
    return str(value)


def stats_xlsx(title: str, note: str, columns: Sequence[Column], rows: Sequence[Sequence],
               totals: Sequence, generated_at: datetime) -> bytes:
    """One sheet: title and note, a bold header (frozen), the rows, a bold totals row; widths fit the content."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": title, "created": generated_at.replace(tzinfo=None)})
    heading = book.add_format({"bold": True, "font_size": 14})
    small = book.add_format({"font_color": "#666666", "italic": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                              "valign": "vcenter", "align": "center"})
    body = {TEXT: book.add_format({"border": 1, "num_format": "@"}),
            COUNT: book.add_format({"border": 1, "num_format": "#,##0"}),
            SHARE: book.add_format({"border": 1, "num_format": "0.0%"})}
    total = {TEXT: book.add_format({"border": 1, "bold": True, "top": 2, "num_format": "@"}),
             COUNT: book.add_format({"border": 1, "bold": True, "top": 2, "num_format": "#,##0"}),
             SHARE: book.add_format({"border": 1, "bold": True, "top": 2, "num_format": "0.0%"})}
    ws = book.add_worksheet(title[:31])
    ws.write_string(0, 0, title, heading)
    ws.write_string(1, 0, note, small)
    first = 3
    for col, column in enumerate(columns):
        ws.write_string(first, col, column.title, header)
    for r, row in enumerate([*rows, totals], start=first + 1):
        formats = total if r == first + 1 + len(rows) else body
        for col, (column, value) in enumerate(zip(columns, row)):
            if value is None:
                ws.write_blank(r, col, None, formats[column.kind])
            elif column.kind == TEXT:
                ws.write_string(r, col, str(value), formats[TEXT])
            else:
                ws.write_number(r, col, value, formats[column.kind])
    for col, column in enumerate(columns):
        longest = max([display_width(column.title)] +
                      [display_width(_shown(row[col], column.kind)) for row in [*rows, totals]])
        ws.set_column(col, col, min(MAX_WIDTH, max(MIN_WIDTH, longest + 3)))
    ws.set_row(first, 30)
    ws.freeze_panes(first + 1, 0)
    book.close()
    return buffer.getvalue()


def _csv_cell(value, kind: str):
    if value is None:
        return ""
    if kind == SHARE:
        return f"{value:.4f}"
    if kind == TEXT and str(value)[:1] in ("=", "+", "-", "@"):
        return "'" + str(value)  # a name is never taken for a formula
    return value


def stats_csv(columns: Sequence[Column], rows: Sequence[Sequence], totals: Sequence) -> bytes:
    """Header, rows and totals as CSV in UTF-8 with a BOM (so Excel reads the Chinese); shares as 0.1234."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.title for c in columns])
    for row in [*rows, totals]:
        writer.writerow([_csv_cell(v, c.kind) for c, v in zip(columns, row)])
    return ("\ufeff" + text.getvalue()).encode("utf-8")
