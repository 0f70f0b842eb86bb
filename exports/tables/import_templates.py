"""The Excel templates of the declaration imports (Jiucheng 3.4.5 数据导入): goods, containers and the
whole declaration of each direction. Pure: the same call gives the same bytes."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from exports.tables.import_layout import (
    CONTAINER_HEADERS,
    CONTAINER_TEMPLATE_COLUMNS,
    DECLARATION_LABELS,
    DEFAULT_GOODS_HEADERS,
    GOODS_TEMPLATE_COLUMNS,
    OTHER_INFO_FROM,
    SECTION_TITLES,
)

# A workbook's creation time is written into it: a fixed one keeps the bytes reproducible.
FIXED_TIME = datetime(2026, 1, 1)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
TEXT = "@"  # the cell format that keeps leading zeros of codes

GOODS_EXAMPLE = {
    "hs_code": "0303630000", "name_zh": "冻鳕鱼", "name_en": "FROZEN COD", "spec": "1kg/袋", "origin_place": "大连",
    "origin_country": "中国", "weight": 1200, "weight_unit": "千克", "quantity": 1200, "quantity_unit": "千克",
    "packages": 120, "package_type": "纸箱", "currency": "美元", "unit_price": 2.345, "purpose": "食用",
}
CODE_COLUMNS = ("hs_code",)
CONTAINER_EXAMPLE = {"number": "CSQU3054383", "spec": "40HC"}
DECLARATION_EXAMPLES = {
    "exit": {"报检日期": date(2026, 1, 15), "报检类别": "出境一般报检", "联系人": "张三", "联系电话": "0411-82345678",
             "收货人英文": "KOREA SEAFOOD INC.", "收货人地址": "BUSAN, KOREA", "合同号": "HT-2026-001",
             "运输方式": "水路运输", "贸易方式": "一般贸易", "(出境)输往国家": "KR", "(出境)离境口岸": "大连",
             "(出境)到达口岸": "釜山", "(出境)发货日期": date(2026, 1, 20), "标记号码": "N/M", "随附单据": "合同，发票"},
    "entry": {"报检日期": date(2026, 1, 15), "报检类别": "入境一般报检", "联系人": "张三", "联系电话": "0411-82345678",
              "发货人英文": "NORDIC FISH AS", "发货人地址": "ALESUND, NORWAY", "合同号": "HT-2026-002",
              "运输方式": "水路运输", "贸易方式": "一般贸易", "(入境)启运国家": "NO", "(入境)启运口岸": "奥勒松",
              "(入境)入境口岸": "大连", "(入境)提/运单号": "COSU6123456780", "(入境)到货日期": date(2026, 2, 10),
              "标记号码": "N/M", "随附单据": "合同，发票"},
}
LABEL_PAIRS_PER_ROW = 4


def _save(workbook: Workbook) -> bytes:
    """The workbook's bytes, with fixed times inside (document properties, zip entries)."""
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not Workbook.save: that stamps the time of saving
    fixed = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6]),
                            source.read(entry.filename), compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def _width(text: str) -> float:
    """A column width that fits the text (CJK characters take two places)."""
    return max(8.0, sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 2.0)


def _table(ws: Worksheet, top: int, columns: Sequence[str], headers: dict[str, str], example: dict) -> None:
    """A header row and one example row at `top`, columns from A."""
    for index, name in enumerate(columns, start=1):
        header = ws.cell(top, index, headers[name])
        header.font, header.fill = HEADER_FONT, HEADER_FILL
        value = example.get(name)
        cell = ws.cell(top + 1, index, value)
        if name in CODE_COLUMNS or isinstance(value, str):
            cell.number_format = TEXT
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0,
                                                 _width(headers[name]), _width(str(value or "")))


def _one_table(title: str, columns: Sequence[str], headers: dict[str, str], example: dict) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = title
    _table(ws, 1, columns, headers, example)
    ws.freeze_panes = "A2"
    return _save(workbook)


def goods_template() -> bytes:
    """货物导入模板: Jiucheng's columns (without the HS standard quantities we keep no field for) and 用途."""
    return _one_table("货物", GOODS_TEMPLATE_COLUMNS, DEFAULT_GOODS_HEADERS, GOODS_EXAMPLE)


def containers_template() -> bytes:
    """集装箱导入模板: 集装箱号, 规格."""
    return _one_table("集装箱", CONTAINER_TEMPLATE_COLUMNS, CONTAINER_HEADERS, CONTAINER_EXAMPLE)


def _title(ws: Worksheet, row: int, text: str) -> None:
    cell = ws.cell(row, 1, text)
    cell.font = Font(bold=True, size=12)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2 * LABEL_PAIRS_PER_ROW)


def declaration_template(direction: str) -> bytes:
    """全单导入模板: the 基本信息 block as label/value pairs, then the goods table and the container table."""
    labels = [label for label, name, directions in DECLARATION_LABELS if name is not None and direction in directions]
    examples = DECLARATION_EXAMPLES[direction]
    workbook = Workbook()
    ws = workbook.active
    ws.title = "出境报检" if direction == "exit" else "入境报检"
    row = 1
    _title(ws, row, SECTION_TITLES[0])
    split = labels.index(OTHER_INFO_FROM)
    for part, title in ((labels[:split], None), (labels[split:], SECTION_TITLES[1])):
        if title:
            row += 1
            _title(ws, row, title)
        for start in range(0, len(part), LABEL_PAIRS_PER_ROW):
            row += 1
            for offset, label in enumerate(part[start:start + LABEL_PAIRS_PER_ROW]):
                cell = ws.cell(row, 1 + 2 * offset, label)
                cell.font, cell.fill = HEADER_FONT, LABEL_FILL
                value = ws.cell(row, 2 + 2 * offset, examples.get(label))
                value.number_format = "yyyy-mm-dd" if isinstance(examples.get(label), date) else TEXT
                value.alignment = Alignment(wrap_text=True)
    for column in range(1, 2 * LABEL_PAIRS_PER_ROW + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16 if column % 2 else 24
    row += 2
    _title(ws, row, SECTION_TITLES[2])
    _table(ws, row + 1, GOODS_TEMPLATE_COLUMNS, DEFAULT_GOODS_HEADERS, GOODS_EXAMPLE)
    row += 4
    _title(ws, row, SECTION_TITLES[3])
    _table(ws, row + 1, CONTAINER_TEMPLATE_COLUMNS, CONTAINER_HEADERS, CONTAINER_EXAMPLE)
    return _save(workbook)


TEMPLATES: dict[str, tuple[str, Callable[[], bytes]]] = {  # name -> (file name to save as, maker)
    "goods": ("货物导入模板.xlsx", goods_template),
    "containers": ("集装箱导入模板.xlsx", containers_template),
    "declaration_exit": ("出境全单导入模板.xlsx", lambda: declaration_template("exit")),
    "declaration_entry": ("入境全单导入模板.xlsx", lambda: declaration_template("entry")),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
