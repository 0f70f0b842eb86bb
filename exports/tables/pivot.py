"""An explorer pivot as xlsx: written by pandas through XlsxWriter, numbers as numbers, subtotal rows bold,
the grand total bold with a rule above it, the header and the row labels frozen.

Pure: the title, a note, the header, rows of (level, labels, values) and the measure's kind in; bytes out.
A row's level is the number of its labels that are its own: fewer than the row dimensions makes it a
subtotal, 0 the grand total (the convention of data/statistics/explorer.py)."""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from exports.tables.list_export import MAX_WIDTH, MIN_WIDTH, display_width

NUMBER_FORMATS = {"count": "#,##0", "share": "0.0%", "hours": "#,##0.0", "money": "#,##0.00",
                  "change": "+0.0%;-0.0%;0.0%"}


@dataclass(frozen=True)
class PivotLine:
    level: int
    labels: tuple[str, ...]  # one per row dimension ("" beyond a subtotal's level)
    values: tuple[float | None, ...]


def pivot_xlsx(title: str, note: str, label_headers: Sequence[str], value_headers: Sequence[str],
               lines: Sequence[PivotLine], kind: str, generated_at: datetime,
               value_kinds: Sequence[str] | None = None) -> bytes:
    """One sheet: title and note, then the pivot (label columns, then one column per value header)."""
    kinds = list(value_kinds) if value_kinds is not None else [kind] * len(value_headers)
    frame = pd.DataFrame([[*line.labels, *line.values] for line in lines],
                         columns=[*label_headers, *value_headers]) if lines else pd.DataFrame(
        columns=[*label_headers, *value_headers])
    first = 3  # the header's row
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": {
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        sheet = title[:31] or "Sheet1"
        frame.to_excel(writer, sheet_name=sheet, startrow=first, index=False, header=False)
        book, ws = writer.book, writer.sheets[sheet]
        book.set_properties({"title": title, "created": generated_at.replace(tzinfo=None)})
        heading = book.add_format({"bold": True, "font_size": 14})
        small = book.add_format({"font_color": "#666666", "italic": True})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                  "valign": "vcenter", "align": "center"})
        ws.write_string(0, 0, title, heading)
        ws.write_string(1, 0, note, small)
        for col, text in enumerate([*label_headers, *value_headers]):
            ws.write_string(first - 1, col, str(text), header)
        formats: dict[tuple[str, str], object] = {}

        def fmt(style: str, column_kind: str):
            key = (style, column_kind)
            if key not in formats:
                spec: dict = {"border": 1}
                if column_kind != "text":
                    spec["num_format"] = NUMBER_FORMATS[column_kind]
                if style != "cell":
                    spec["bold"] = True
                if style == "total":
                    spec["top"] = 2
                    spec["bg_color"] = "#F2F2F2"
                formats[key] = book.add_format(spec)
            return formats[key]

        depth = len(label_headers)
        for r, line in enumerate(lines, start=first):
            style = "total" if line.level == 0 else "cell" if line.level >= depth else "subtotal"
            for col, text in enumerate(line.labels):
                ws.write_string(r, col, text, fmt(style, "text"))
            for col, (value, column_kind) in enumerate(zip(line.values, kinds), start=depth):
                if value is None or value != value:  # nothing to show (a share of no certificates)
                    ws.write_blank(r, col, None, fmt(style, column_kind))
                else:
                    ws.write_number(r, col, float(value), fmt(style, column_kind))
        for col, text in enumerate([*label_headers, *value_headers]):
            cells = [display_width(str(text))]
            if col < depth:
                cells += [display_width(line.labels[col]) for line in lines]
            ws.set_column(col, col, min(MAX_WIDTH, max(MIN_WIDTH, max(cells) + 3)))
        ws.set_row(first - 1, 30)
        ws.freeze_panes(first, depth)
    return buffer.getvalue()
