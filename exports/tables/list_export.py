"""A list page as a file (参数列表导出 of Liaoning 5.2.1: 本页/全部 as Excel and PDF).

Pure: headers and rows of text in, bytes out; the moment printed in the file is passed in, so the
same call gives the same bytes. The PDF embeds the CJK TrueType font the certificates use.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

import xlsxwriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from exports.fonts import register_font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
MIN_WIDTH, MAX_WIDTH = 8, 60  # Excel column widths, in characters


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def list_xlsx(sheet: str, headers: Sequence[str], rows: Sequence[Sequence[str]], generated_at: datetime) -> bytes:
    """One sheet: a bold header row (frozen, with filters), the rows as text, columns as wide as their content."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": generated_at.replace(tzinfo=None)})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                              "valign": "top"})
    cell = book.add_format({"text_wrap": True, "valign": "top", "num_format": "@"})
    ws = book.add_worksheet(sheet[:31])
    for col, title in enumerate(headers):
        ws.write_string(0, col, title, header)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            ws.write_string(r, col, "" if value is None else str(value), cell)
    for col, title in enumerate(headers):
        longest = max([display_width(title)] + [display_width(str(row[col] or "")) for row in rows])
        ws.set_column(col, col, min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), max(len(headers) - 1, 0))
    book.close()
    return buffer.getvalue()


def list_pdf(title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
             weights: Sequence[float], generated_at: datetime) -> bytes:
    """A landscape A4 table with the header repeated on every page; long texts wrap in their cells."""
    font = register_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=title, invariant=1,
                            initialFontName=font)
    text = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    head = ParagraphStyle("head", parent=text, textColor=colors.black)
    heading = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, spaceAfter=2)
    note = ParagraphStyle("note", fontName=font, fontSize=8.5, leading=11, textColor=colors.grey)
    total = sum(weights) or 1
    widths = [doc.width * w / total for w in weights]
    data = [[Paragraph(escape(h), head) for h in headers]]
    data += [[Paragraph(escape("" if v is None else str(v)).replace("\n", "<br/>"), text) for v in row]
             for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), font),  # the table's own default is the built-in Helvetica (not embedded)
    ]))
    story = [Paragraph(escape(title), heading), Paragraph(escape(subtitle), note), Spacer(1, 4 * mm), table]
    doc.build(story, onFirstPage=_stamp(generated_at, font), onLaterPages=_stamp(generated_at, font))
    return buffer.getvalue()


def _stamp(generated_at: datetime, font: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 6 * mm,
                               f"{generated_at:%Y-%m-%d %H:%M}  ·  {doc.page}")
        canvas.restoreState()

    return draw
