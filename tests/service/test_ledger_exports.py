"""Ledger exports hold what the preview grid shows: xlsx cell by cell (typed), csv, pdf; big ledgers roll over."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime

import openpyxl
import pytest

from dashboard.core.i18n import translator
from data.ledger.export import ledger_columns, write_export
from data.ledger.query import ALL_KEYS, DEFAULT_COLUMNS, ExportRequest, LedgerQuery, ledger_page
from exports.tables.ledger import (
    ExportColumn,
    LedgerCells,
    TooManyRows,
    display,
    write_csv,
    write_ledger,
    write_xlsx,
)
from layouts.ledger.ledger import grid_rows
from tests.service.test_ledger import add_ledger_records
from tests.support.world import actor

CREATED = datetime(2026, 4, 1, 8, 0)
EXIT = LedgerQuery(direction="exit")
zh = translator("zh")
LEDGER, TOTAL = zh("Enterprise ledger"), zh("Total")  # in Chinese once the pending messages are merged


@pytest.fixture
def s(app, users):
    add_ledger_records(app.server.extensions["certdash"].sessions, users)
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def export(s, fmt: str, keys=ALL_KEYS, account="ent_a_oper", language="zh", **options) -> bytes:
    out = io.BytesIO()
    write_export(s, actor(s, account), ExportRequest(EXIT, tuple(keys), fmt, "台账", language), out, created=CREATED,
                 **options)
    return out.getvalue()


def grid(s, keys=ALL_KEYS, account="ent_a_oper", language="zh") -> tuple[list, list[dict]]:
    """The chosen columns and the rows as the preview grid shows them (it reads every column, shows the chosen)."""
    who = actor(s, account)
    every = {c.key: c for c in ledger_columns(s, who, translator(language), EXIT, ALL_KEYS)}
    return [every[k] for k in keys], grid_rows(list(every.values()), ledger_page(s, who, EXIT, 0, 100))


def test_xlsx_cells_are_the_grids_values_as_real_excel_types(s):
    columns, rows = grid(s)
    book = openpyxl.load_workbook(io.BytesIO(export(s, "xlsx")))
    sheet = book.worksheets[0]
    assert sheet.title == LEDGER
    assert [c.value for c in sheet[1]] == [c.header for c in columns]
    assert "报检号" in [c.value for c in sheet[1]] and "证书编号" in [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(columns))}{len(rows) + 1}"
    assert len(rows) == 5
    for r, shown in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            value = sheet.cell(r, c).value
            expected = shown[column.key]
            if expected == "":
                assert value is None, (r, column.key)
            elif column.kind == "date":
                assert isinstance(value, datetime) and value.date().isoformat() == expected, (r, column.key)
                assert sheet.cell(r, c).number_format == "yyyy-mm-dd"
            elif column.kind == "number":
                assert isinstance(value, float) and f"{value:.2f}" == expected, (r, column.key)
            elif column.kind in ("int", "seq"):
                assert isinstance(value, int) and str(value) == expected, (r, column.key)
            else:
                assert isinstance(value, str) and value == expected, (r, column.key)
    by_key = {column.key: c for c, column in enumerate(columns, start=1)}
    assert sheet.cell(2, by_key["legal_inspection"]).value == "Y"
    assert sheet.cell(2, by_key["cert_type"]).value == "兽医卫生证书"
    assert sheet.cell(3, by_key["cert_status"]).value == translator("zh")("Replaced")
    assert sheet.cell(3, by_key["signing_method"]).value == zh("ECIQ print")
    assert sheet.cell(2, by_key["enterprise"]).value == "企业A"
    assert sheet.column_dimensions["A"].width > 0


def test_xlsx_totals_row_counts_and_sums(s):
    columns, rows = grid(s)
    sheet = openpyxl.load_workbook(io.BytesIO(export(s, "xlsx"))).worksheets[0]
    by_key = {column.key: c for c, column in enumerate(columns, start=1)}
    totals = {key: sheet.cell(len(rows) + 2, c).value for key, c in by_key.items()}
    assert totals["seq"] == TOTAL
    assert totals["inspection_no"] == 3  # declarations
    assert totals["certificate_no"] == 4  # certificates
    assert totals["print_count"] == 6
    # each declaration's value once: 1000.50 + 200.00 USD, 5000.00 JPY
    assert totals["total_value"] == "JPY 5000.00; USD 1200.50"
    assert sheet.cell(len(rows) + 2, 1).font.b
    usd_only = openpyxl.load_workbook(io.BytesIO(export(s, "xlsx", account="ent_b_oper"))).worksheets[0]
    values = [c.value for c in usd_only[3]]
    assert 7.0 in values and "USD" in values


def test_typed_text_that_looks_like_a_formula_stays_text(s):
    columns, rows = grid(s)
    sheet = openpyxl.load_workbook(io.BytesIO(export(s, "xlsx"))).worksheets[0]
    by_key = {column.key: c for c, column in enumerate(columns, start=1)}
    cell = sheet.cell(2, by_key["consignee"])
    assert cell.value == "=1+1 TOKYO FOODS" and cell.data_type == "s" and cell.quotePrefix
    assert sheet.cell(6, by_key["bl_no"]).value == "@BL-2" and sheet.cell(6, by_key["bl_no"]).quotePrefix
    assert not sheet.cell(2, by_key["bl_no"]).quotePrefix
    text = export(s, "csv").decode("utf-8-sig")
    assert "'=1+1 TOKYO FOODS" in text and "'-MINUS CO." in text and "'@BL-2" in text


def test_csv_is_utf8_with_a_bom_and_quotes_what_needs_it(s):
    columns, rows = grid(s)
    data = export(s, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert read[0] == [c.header for c in columns]
    guarded = {c.key for c in columns if c.user_text}
    assert len(read) == len(rows) + 1  # no totals row
    for line, shown in zip(read[1:], rows):
        assert line == [("'" + shown[c.key]) if c.key in guarded and shown[c.key].startswith(("=", "+", "-", "@"))
                        else shown[c.key]
                        for c in columns]
    assert 'CT-1,"A"' in [line[[c.key for c in columns].index("contract_no")] for line in read]
    assert b'"CT-1,""A"""' in data and b'"CT-3\nline two"' in data and b"\r\n" in data


def test_the_english_export_speaks_english(s):
    sheet = openpyxl.load_workbook(io.BytesIO(export(s, "xlsx", language="en"))).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert "Inspection no." in headers and "Certificate no." in headers
    assert sheet.title == "Enterprise ledger"
    assert "VETERINARY (HEALTH) CERTIFICATE" in [c.value for c in sheet[2]]


def test_a_full_sheet_continues_on_a_new_one_with_the_header(s):
    keys = DEFAULT_COLUMNS["exit"]
    columns, rows = grid(s, keys)
    book = openpyxl.load_workbook(io.BytesIO(export(s, "xlsx", keys=keys, max_rows=3)))
    assert [ws.title for ws in book.worksheets] == [LEDGER, f"{LEDGER} (2)", f"{LEDGER} (3)"]
    seen = []
    for ws in book.worksheets:
        assert [c.value for c in ws[1]] == [c.header for c in columns]
        assert ws.freeze_panes == "A2"
        seen += [[c.value for c in line] for line in ws.iter_rows(min_row=2)]
    assert [line[0] for line in seen] == [1, 2, 3, 4, 5, TOTAL]
    assert [line[[c.key for c in columns].index("certificate_no")] for line in seen[:5]] == \
        [r["certificate_no"] or None for r in rows]


def test_excels_own_limit_rolls_over_with_a_lowered_limit():
    columns = [ExportColumn("seq", "序号", "seq"), ExportColumn("x", "X", "text", user_text=True)]
    out = io.BytesIO()
    raw = ((n, "USD", None, f"r{n}") for n in range(10))
    write_ledger("xlsx", out, columns, raw, total_label="合计", sheet_name="台账", max_rows=4, created=CREATED)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert [len(list(ws.iter_rows())) for ws in book.worksheets] == [4, 4, 4, 2]  # 3+3+3+1 rows and the header
    assert book.worksheets[-1]["A2"].value == 10
    with pytest.raises(ValueError):
        write_xlsx(io.BytesIO(), columns, [], max_rows=2)


def test_the_same_rows_give_the_same_bytes(s):
    assert export(s, "xlsx") == export(s, "xlsx")
    assert export(s, "csv") == export(s, "csv")
    assert export(s, "pdf", keys=DEFAULT_COLUMNS["exit"]) == export(s, "pdf", keys=DEFAULT_COLUMNS["exit"])


def test_pdf_embeds_its_cjk_font_and_repeats_the_header_on_every_page(s):
    keys = DEFAULT_COLUMNS["exit"]
    columns = ledger_columns(s, actor(s, "ent_a_oper"), translator("zh"), EXIT, keys)
    raw = [(n // 2, "USD", None, "Y", "企业A", "", f"大连甲公司 {n}", f"2092600000{n:05d}", *(None,) * (len(keys) - 6))
           for n in range(150)]
    out = io.BytesIO()
    assert write_ledger("pdf", out, columns, raw, total_label="合计", title="企业台账：企业A",
                        subtitle="出境报检", page_label="第 {n} 页") == 150
    fonts = _pdf_tool(["pdffonts", "-"], out.getvalue())
    lines = fonts.splitlines()[2:]
    assert lines and all(" yes yes " in line for line in lines), fonts  # embedded, subset
    assert all("WenQuanYi" in line for line in lines), fonts
    text = _pdf_tool(["pdftotext", "-layout", "-", "-"], out.getvalue())
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    assert all("报检号" in page and "证书编号" in page for page in pages)
    assert "大连甲公司 149" in pages[-1] and "合计" in pages[-1]


def _pdf_tool(command: list[str], data: bytes) -> str:
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} (poppler-utils) is not installed")
    path = command.index("-")
    with_file = list(command)
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        with_file[path] = f.name
        return subprocess.run(with_file, capture_output=True, check=True, text=True).stdout


def test_pdf_of_the_ledger_matches_the_grid(s):
    columns, rows = grid(s, DEFAULT_COLUMNS["exit"])
    text = _pdf_tool(["pdftotext", "-", "-"], export(s, "pdf", keys=DEFAULT_COLUMNS["exit"]))
    for row in rows:
        for key in ("inspection_no", "certificate_no", "inspection_date"):
            assert row[key] in text


def test_a_pdf_holds_a_limited_number_of_rows():
    columns = [ExportColumn("x", "X")]
    with pytest.raises(TooManyRows):
        write_ledger("pdf", io.BytesIO(), columns, ((n, "", str(n)) for n in range(4)), total_label="", max_rows=3)


def test_cells_count_declarations_once_however_many_certificates():
    columns = [ExportColumn("inspection_no", "报检号", total="declarations"),
               ExportColumn("certificate_no", "证书", total="count"),
               ExportColumn("total_value", "总值", "number", total="value"),
               ExportColumn("currency", "币种")]
    from decimal import Decimal

    cells = LedgerCells(columns)
    raw = [(1, "USD", "A", "c1", Decimal("10.00"), "USD"), (1, "USD", "A", "c2", Decimal("10.00"), "USD"),
           (2, "USD", "B", None, Decimal("5.50"), "USD")]
    assert len(list(cells.rows(raw))) == 3
    assert cells.totals_row("合计") == [2, 2, Decimal("15.50"), "USD"]
    assert display(date(2026, 1, 2)) == "2026-01-02" and display(Decimal("3")) == "3.00" and display(None) == ""


def test_csv_writer_takes_any_binary_file():
    out = io.BytesIO()
    assert write_csv(out, [ExportColumn("a", "甲")], [["=x"], ["y"]]) == 2
    assert out.getvalue() == "\ufeff甲\r\n=x\r\ny\r\n".encode()  # not typed by users: no guard


def test_the_xlsx_opens_in_libreoffice(s, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed here: the xlsx was checked with openpyxl only")
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(export(s, "xlsx"))
    subprocess.run([soffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    converted = (tmp_path / "ledger.csv").read_text(encoding="utf-8", errors="replace")
    assert "LEDGER0001" in converted and "2026-03-01" in converted
