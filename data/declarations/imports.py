"""Excel imports into declarations (Jiucheng 3.3.3 and 3.4.5): goods, containers, a whole declaration.

All or nothing: every problem of a file is collected as (sheet row, column header, reason code) and
raised together in `ImportRefused`; nothing is written then. A file is accepted only if its bytes
are an .xlsx workbook (a zip holding xl/workbook.xml), whatever its name says. Cell values are
turned into the texts a person would type; codes may also be given by their Chinese or English
names ("千克", "USD", "美元", "纸箱") and are resolved against the dictionaries before the shared
checks of `data.declarations.goods` see them.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.declarations.form import (
    DIRECTIONS,
    FIELD_SPECS,
    PERMISSION,
    DeclarationForm,
    DeclarationInvalid,
    DeclarationRefused,
    check_declaration,
    new_declaration,
    open_declaration,
    save_declaration,
)
from data.declarations.defaults import INSPECTION_CATEGORIES
from data.declarations.goods import GOODS_COLUMNS, PURPOSES
from data.models import CertificateType, CustomsDistrict, Declaration, DeclStatus, DictEntry, EnterpriseSetting
from data.core.scope import Actor

MODES = ("append", "replace")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # a small zip may inflate to gigabytes: refuse before parsing
MAX_COLUMNS = 64
MAX_GOODS_ROWS = 999
MAX_CONTAINER_ROWS = 200
MAPPING_SETTING = "goods_import_mapping"
MAX_HEADER_LENGTH = 64


# --- results and problems ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One reason an import is refused: where (sheet row, column header) and why (reason code).

    `row` is None and `column` empty for the file as a whole; `column` is empty for a whole row.
    """

    row: int | None
    column: str
    code: str


class ImportRefused(ValueError):
    """The file or some of its rows are wrong; nothing was imported."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("; ".join(f"{p.row or '-'}/{p.column or '-'}: {p.code}" for p in problems))
        self.problems = problems


def _refuse(code: str, row: int | None = None, column: str = "") -> ImportRefused:
    return ImportRefused([ImportProblem(row, column, code)])


@dataclass(frozen=True)
class ImportResult:
    declaration_id: int
    entry_no: str  # the declaration's 录入序号
    imported: int  # rows written
    version: int  # the declaration's version after the import
    ignored_columns: tuple[str, ...] = ()  # headers of the file that were not imported


# --- reading a workbook ------------------------------------------------------------------------

Row = tuple[int, tuple]  # (sheet row number from 1, cell values)


def read_rows(content: bytes, *, max_rows: int) -> list[Row]:
    """Return the non-empty rows of the first sheet of an .xlsx file, or raise ImportRefused.

    Rows are numbered as in the sheet; empty rows are left out; at most `max_rows` non-empty rows.
    """
    if not content:
        raise _refuse("file_empty")
    if len(content) > MAX_IMPORT_BYTES:
        raise _refuse("file_too_large")
    buffer = io.BytesIO(content)
    if not zipfile.is_zipfile(buffer):
        raise _refuse("not_xlsx")
    try:
        with zipfile.ZipFile(buffer) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _refuse("not_xlsx") from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise _refuse("not_xlsx")
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise _refuse("file_too_large")
    rows: list[Row] = []
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key, value errors) for a broken workbook
        raise _refuse("file_unreadable") from None
    try:
        if not workbook.worksheets:
            raise _refuse("sheet_empty")
        for number, values in enumerate(workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                        start=1):
            if not any(cell_text(v) for v in values):
                continue
            if len(rows) >= max_rows:
                raise _refuse("too_many_rows", number)
            rows.append((number, tuple(values)))
    except ImportRefused:
        raise
    except Exception:  # a sheet's XML broken past its first rows
        raise _refuse("file_unreadable") from None
    finally:
        workbook.close()
    if not rows:
        raise _refuse("sheet_empty")
    return rows


def cell_text(value) -> str:
    """The text a person would have typed for a cell value (numbers without a needless .0, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        number = Decimal(repr(value))
        return f"{number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize():f}"
    return str(value).strip()


def header_key(text: str) -> str:
    """How a header is compared: spaces collapsed, case ignored, a required mark and a colon dropped."""
    return " ".join(text.replace("*", " ").replace("＊", " ").split()).rstrip(":：").strip().casefold()


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def date_text(text: str) -> str:
    """Write 2017/9/20, 2017.9.20 or 2017年9月20日 as 2017-09-20; anything else is left for the checks."""
    match = _DATE_RE.match(text)
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else text


# --- codes by name -------------------------------------------------------------------------------

# Unit symbols people write that are neither a code nor a name of the unit dictionary.
UNIT_SYMBOLS = {"kg": "035", "kgs": "035", "公斤": "035", "g": "036", "t": "070", "mt": "070", "m": "030",
                "km": "147", "m2": "032", "㎡": "032", "m3": "033", "l": "095", "ml": "096", "lb": "076",
                "lbs": "076", "oz": "083", "pc": "007", "pcs": "007", "set": "006", "sets": "006"}


class CodeBook:
    """Codes of the dictionaries an import names, found by code, Chinese name or English name."""

    def __init__(self, s: Session, dictionaries: tuple[str, ...]):
        self._codes: dict[str, dict[str, str]] = {name: {} for name in dictionaries}
        entries = s.execute(select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en,
                                   DictEntry.extra)
                            .where(DictEntry.dictionary.in_(dictionaries), DictEntry.active.is_(True))
                            .order_by(DictEntry.dictionary, DictEntry.sort, DictEntry.code)).all()
        # a code always wins over a name; among equal names the first entry in dictionary order
        for dictionary, code, _zh, _en, extra in entries:
            book = self._codes[dictionary]
            book.setdefault(header_key(code), code)
            for alias in ("alpha_3", "rec20"):
                if (extra or {}).get(alias):
                    book.setdefault(header_key(extra[alias]), code)
        for dictionary, code, zh, en, _extra in entries:
            book = self._codes[dictionary]
            for name in (zh, en):
                if name:
                    book.setdefault(header_key(name), code)
        if "unit" in self._codes:
            for symbol, code in UNIT_SYMBOLS.items():
                self._codes["unit"].setdefault(symbol, code)

    def code(self, dictionary: str, text: str) -> str | None:
        """The code a cell names, or None when it names nothing in the dictionary."""
        key = header_key(text)
        found = self._codes[dictionary].get(key)
        if found is None and dictionary == "unit" and key.isdigit() and len(key) < 3:
            found = self._codes[dictionary].get(key.zfill(3))  # 35 typed as a number for 035
        return found

    def resolve(self, dictionary: str, text: str) -> str:
        """The code a cell names, or the text itself for the checks to refuse."""
        return self.code(dictionary, text) or text if text else ""


# --- goods ---------------------------------------------------------------------------------------

# Each importable GoodsLine column and the header the Jiucheng default template gives it.
DEFAULT_GOODS_HEADERS: dict[str, str] = {
    "hs_code": "HS编码", "name_zh": "货物中文名", "name_en": "货物英文名", "spec": "规格", "origin_place": "原产地",
    "origin_country": "原产国", "weight": "重量", "weight_unit": "重量单位", "quantity": "数量",
    "quantity_unit": "数量单位", "packages": "包装件数", "package_type": "包装种类", "currency": "币种",
    "unit_price": "单价",
    # not in Jiucheng's template, importable by these headers or a mapping
    "purpose": "用途", "value": "货物总值", "ciq_code": "CIQ代码", "model": "型号", "brand": "品牌",
    "production_unit": "生产单位名称", "production_unit_reg_no": "生产单位注册号", "production_date": "生产日期",
    "batch_no": "生产批号",
}
# Jiucheng's goods template, in its order, without its HS standard quantity columns (we keep none)
# and with 用途, which a saved declaration's goods line needs.
GOODS_TEMPLATE_COLUMNS = ("hs_code", "name_zh", "name_en", "spec", "origin_place", "origin_country", "weight",
                          "weight_unit", "quantity", "quantity_unit", "packages", "package_type", "currency",
                          "unit_price", "purpose")
# Jiucheng's HS standard quantity (标准重量/标准数量): our goods lines have no column for them.
DROPPED_GOODS_HEADERS = ("标准重量", "标准重量单位", "标准数量", "标准数量单位")
REQUIRED_GOODS_HEADERS = ("hs_code", "name_zh")  # a goods line has no meaning without them
GOODS_DICTIONARIES = {"origin_country": "country", "currency": "currency", "package_type": "package_type",
                      "weight_unit": "unit", "quantity_unit": "unit"}
AMOUNT_UNITS = {"weight": "weight_unit", "quantity": "quantity_unit"}  # "23.235千克" -> value and unit
_AMOUNT_RE = re.compile(r"^([+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))\s*(.*)$")
_PURPOSE_BY_NAME = {name: code for code, name in PURPOSES.items()}


class MappingInvalid(ValueError):
    """The goods-import mapping has errors: column -> reason code."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _stored_mapping(s: Session, enterprise_id: int) -> dict[str, str]:
    row = s.get(EnterpriseSetting, (enterprise_id, MAPPING_SETTING))
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    return {k: v for k, v in value.items() if k in DEFAULT_GOODS_HEADERS and isinstance(v, str) and v.strip()}


def goods_import_mapping(s: Session, actor: Actor) -> dict[str, str]:
    """货物导入自定义: the enterprise's own header text per goods column (columns it did not map are absent)."""
    return _stored_mapping(s, actor.own_enterprise(PERMISSION))


def goods_headers(mapping: dict[str, str]) -> dict[str, str]:
    """The header each goods column is read from: the enterprise's own, else the default."""
    return {column: (mapping.get(column) or "").strip() or default
            for column, default in DEFAULT_GOODS_HEADERS.items()}


def save_goods_import_mapping(s: Session, actor: Actor, mapping: dict[str, str],
                              now: datetime | None = None) -> dict[str, str]:
    """Store the mapping (blank entries fall back to the default header); return what was stored."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for column, raw in (mapping if isinstance(mapping, dict) else {}).items():
        if column not in DEFAULT_GOODS_HEADERS:
            errors[str(column)[:32]] = "unknown_column"
            continue
        text = " ".join(raw.split()) if isinstance(raw, str) else ""
        if len(text) > MAX_HEADER_LENGTH:
            errors[column] = "too_long"
        elif text and not header_key(text):
            errors[column] = "header_blank"
        elif text and text != DEFAULT_GOODS_HEADERS[column]:
            cleaned[column] = text
    users: dict[str, list[str]] = {}
    for column, header in goods_headers(cleaned).items():
        users.setdefault(header_key(header), []).append(column)
    for dropped in DROPPED_GOODS_HEADERS:
        users.setdefault(header_key(dropped), []).append("")
    for columns in users.values():
        if len(columns) > 1:
            for column in columns:
                if column in cleaned:  # a default header is never the one in the way
                    errors.setdefault(column, "header_used_twice")
    if errors:
        raise MappingInvalid(errors)
    row = s.get(EnterpriseSetting, (enterprise_id, MAPPING_SETTING))
    if row is None:
        row = EnterpriseSetting(enterprise_id=enterprise_id, name=MAPPING_SETTING)
        s.add(row)
    row.value = cleaned
    row.updated_at = now or datetime.now(timezone.utc)
    s.flush()
    return cleaned


@dataclass
class Table:
    """A table read from a sheet: which cell of a row holds which field, its data rows, their texts."""

    columns: dict[str, int]  # field -> index of its cell in a row
    headers: dict[str, str]  # field -> the header text as the file writes it, else the expected one
    rows: list[Row]
    ignored: tuple[str, ...]  # headers the file has that are not imported
    texts: list[dict] = field(default_factory=list)  # per data row: field -> text for the checks
    sources: dict[int, dict[str, str]] = field(default_factory=dict)  # row n -> field -> header it came from
    flagged: set[tuple[int, str]] = field(default_factory=set)  # (row n, field) already reported while reading

    def problems(self, errors: dict[str, str], prefix: str, offset: int = 0) -> list[ImportProblem]:
        """Turn `<prefix>.<n>.<field>` reasons (n counting `offset` stored rows first) into sheet problems."""
        found = []
        for key, code in errors.items():
            parts = key.split(".")
            if len(parts) != 3 or parts[0] != prefix or not parts[1].isdigit():
                continue
            n, column = int(parts[1]) - offset, parts[2]
            if not 1 <= n <= len(self.rows):
                found.append(ImportProblem(None, "", code))  # a row stored before, checked again with these
                continue
            if (n, column) in self.flagged:
                continue
            header = self.sources.get(n, {}).get(column) or self.headers.get(column, column)
            found.append(ImportProblem(self.rows[n - 1][0], header, code))
        return found


def _table(header_row: Row, data_rows: list[Row], expected: dict[str, str], problems: list[ImportProblem],
           aliases: dict[str, str] | None = None) -> Table:
    """Match a header row's cells against the expected headers (field -> header text, plus aliases)."""
    by_key = {header_key(text): name for name, text in expected.items()}
    by_key.update({header_key(text): name for text, name in (aliases or {}).items()})
    columns: dict[str, int] = {}
    headers: dict[str, str] = dict(expected)
    ignored: list[str] = []
    number, cells = header_row
    for index, value in enumerate(cells):
        text = cell_text(value)
        if not text:
            continue
        name = by_key.get(header_key(text))
        if name is None:
            ignored.append(text)
        elif name in columns:
            problems.append(ImportProblem(number, text, "header_used_twice"))
        else:
            columns[name], headers[name] = index, text
    return Table(columns, headers, data_rows, tuple(ignored))


def _cell(row: tuple, index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _goods_texts(table: Table, book: CodeBook, problems: list[ImportProblem]) -> None:
    """Fill the table's texts: codes named by their names resolved, "23.235千克" split into value and unit.

    A unit that cannot be read is added to `problems` (the checks then leave that value and unit alone)."""
    for n, (number, cells) in enumerate(table.rows, start=1):
        row: dict[str, str] = {}
        for name, index in table.columns.items():
            value = _cell(cells, index)
            text = cell_text(value)
            if name == "hs_code" and isinstance(value, (int, float)) and len(text) == 9 and text.isdigit():
                text = "0" + text  # a chapter 01-09 code typed as a number lost its leading zero
            elif name == "production_date":
                text = date_text(text)
            elif name == "purpose":
                text = _PURPOSE_BY_NAME.get(text, text)
            elif name in GOODS_DICTIONARIES:
                text = book.resolve(GOODS_DICTIONARIES[name], text)
            row[name] = text
        for amount, unit_name in AMOUNT_UNITS.items():
            match = _AMOUNT_RE.match(row.get(amount, ""))
            if not (match and match[2]):
                continue
            row[amount] = match[1]
            unit = book.code("unit", match[2])
            if unit is None or (row.get(unit_name) and row[unit_name] != unit):
                problems.append(ImportProblem(number, table.headers[amount if unit is None else unit_name],
                                              "unknown_unit" if unit is None else "unit_conflict"))
                table.flagged |= {(n, amount), (n, unit_name)}
            else:
                row[unit_name] = unit
                table.sources.setdefault(n, {})[unit_name] = table.headers[amount]
        table.texts.append(row)


def read_goods_table(s: Session, header_row: Row, data_rows: list[Row], headers: dict[str, str],
                     problems: list[ImportProblem], cell_problems: list[ImportProblem]) -> Table:
    """Read a goods table under its header row: problems of its shape go to `problems` (the rows are not
    read then), problems of single cells to `cell_problems`."""
    table = _table(header_row, data_rows, headers, problems)
    if not table.columns:
        problems.append(ImportProblem(header_row[0], "", "no_header"))
        return table
    shape = len(problems)
    for column in REQUIRED_GOODS_HEADERS:
        if column not in table.columns:
            problems.append(ImportProblem(header_row[0], headers[column], "column_missing"))
    if len(data_rows) > MAX_GOODS_ROWS:
        problems.append(ImportProblem(data_rows[MAX_GOODS_ROWS][0], "", "too_many_rows"))
    if len(problems) == shape:
        _goods_texts(table, CodeBook(s, tuple(sorted(set(GOODS_DICTIONARIES.values())))), cell_problems)
    return table


# --- containers ----------------------------------------------------------------------------------

CONTAINER_HEADERS = {"number": "集装箱号", "spec": "规格", "count": "数量", "lcl": "拼箱标识", "seal_no": "封识号"}
CONTAINER_TEMPLATE_COLUMNS = ("number", "spec")  # Jiucheng's container template
_CONTAINER_ALIASES = {"集装箱号码": "number", "箱号": "number", "Container No.": "number", "Container No": "number",
                      "集装箱规格": "spec", "铅封号": "seal_no"}
_CONTAINER_NO_RE = re.compile(r"^[A-Za-z]{4}\s*\d{7}$")


def is_container_header(row: Row) -> bool:
    keys = {header_key(cell_text(v)) for v in row[1]}
    return bool(keys & {header_key(CONTAINER_HEADERS["number"]), *(header_key(a) for a, f in
                                                                   _CONTAINER_ALIASES.items() if f == "number")})


def read_container_table(header_row: Row, data_rows: list[Row], problems: list[ImportProblem]) -> Table:
    """Read a container table: with a header row, or (Jiucheng 3.4.4) bare numbers down column A."""
    header_problems: list[ImportProblem] = []
    table = _table(header_row, data_rows, CONTAINER_HEADERS, header_problems, _CONTAINER_ALIASES)
    if "number" not in table.columns and _CONTAINER_NO_RE.match(cell_text(_cell(header_row[1], 0))):
        table = Table({"number": 0}, dict(CONTAINER_HEADERS), [header_row, *data_rows], ())
    else:
        problems.extend(header_problems)
        if "number" not in table.columns:
            problems.append(ImportProblem(header_row[0], CONTAINER_HEADERS["number"], "column_missing"))
    if len(table.rows) > MAX_CONTAINER_ROWS:
        problems.append(ImportProblem(table.rows[MAX_CONTAINER_ROWS][0], "", "too_many_rows"))
    table.texts = [{name: cell_text(_cell(cells, index)) for name, index in table.columns.items()}
                   for _number, cells in table.rows]
    return table


# --- writing into a stored declaration -----------------------------------------------------------


def _editable(s: Session, actor: Actor, declaration_id: int, version: int | None) -> DeclarationForm:
    """The form of a declaration of the actor's enterprise that may still change (暂存 or 保存)."""
    form = open_declaration(s, actor, declaration_id)
    if form.read_only:
        raise _refuse("not_editable")
    if version is not None and form.version != version:
        raise _refuse("stale_version")
    return form


def _save(s: Session, actor: Actor, form: DeclarationForm, now: datetime | None,
          problems_of: Callable[[dict[str, str]], list[ImportProblem]],
          cell_problems: list[ImportProblem]) -> Declaration:
    """Save the form with the imported rows: every check of the form, one transaction, version + 1.

    Cells already refused while reading are reported together with what the checks find in the others."""
    mode = "draft" if form.status == DeclStatus.DRAFT.value else "save"
    if cell_problems:
        try:
            check_declaration(s, form.direction, form.data, draft=mode == "draft")
        except DeclarationInvalid as exc:
            cell_problems = cell_problems + problems_of(exc.errors)
        raise ImportRefused(_sorted(cell_problems))
    try:
        return save_declaration(s, actor, form.id, form.data, version=form.version, mode=mode,
                                direction=form.direction, now=now)
    except DeclarationInvalid as exc:
        raise ImportRefused(_sorted(problems_of(exc.errors))) from None
    except DeclarationRefused as exc:
        raise _refuse("stale_version" if exc.code == "stale_version" else "not_editable") from None


def _sorted(problems: list[ImportProblem]) -> list[ImportProblem]:
    return sorted(problems, key=lambda p: (p.row or 0, p.column))


def _other(errors: dict[str, str], *prefixes: str) -> list[ImportProblem]:
    """Reasons not about rows of the given tables: the declaration as a whole."""
    return [ImportProblem(None, "", code) for key, code in errors.items()
            if not any(key.startswith(p + ".") for p in prefixes)]


def _mode(mode: str) -> bool:
    """Whether the import replaces the rows (else it appends)."""
    if mode not in MODES:
        raise _refuse("unknown_mode")
    return mode == "replace"


def _filled(texts: list[dict]) -> int:
    return sum(1 for row in texts if any(v for k, v in row.items() if k != "lcl"))


HEADER_SEARCH_ROWS = 10  # a title or a note may stand above the header row


def _header_at(rows: list[Row], is_header: Callable[[Row], bool]) -> int:
    """Index of the header row: the first of the top rows that is one, else the first row."""
    return next((i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if is_header(row)), 0)


def _has_goods_header(row: Row, headers: dict[str, str]) -> bool:
    """Whether the row names the goods columns a line cannot do without (HS code, Chinese name)."""
    return {header_key(headers[c]) for c in REQUIRED_GOODS_HEADERS} <= {header_key(cell_text(v)) for v in row[1]}


def _import_table(s: Session, actor: Actor, declaration_id: int, content: bytes, *, kind: str, mode: str,
                  version: int | None, now: datetime | None) -> ImportResult:
    """Read one table of goods or containers and save it into the declaration, after or instead of its own."""
    form = _editable(s, actor, declaration_id, version)
    replace = _mode(mode)
    rows = read_rows(content, max_rows=(MAX_GOODS_ROWS if kind == "goods" else MAX_CONTAINER_ROWS)
                     + HEADER_SEARCH_ROWS)
    problems: list[ImportProblem] = []
    cell_problems: list[ImportProblem] = []
    if kind == "goods":
        headers = goods_headers(_stored_mapping(s, actor.own_enterprise(PERMISSION)))
        at = _header_at(rows, lambda row: _has_goods_header(row, headers))
        table = read_goods_table(s, rows[at], rows[at + 1:], headers, problems, cell_problems)
    else:
        at = _header_at(rows, is_container_header)
        table = read_container_table(rows[at], rows[at + 1:], problems)
    if not problems and not table.rows:
        problems.append(ImportProblem(rows[at][0], "", "no_rows"))
    if problems:
        raise ImportRefused(_sorted(problems))
    imported = _with_defaults(table.texts, form.goods_defaults) if kind == "goods" else table.texts
    # the stored rows go first: a container number repeating a stored one is reported on the imported row
    stored = [] if replace else getattr(form.data, kind)
    setattr(form.data, kind, [*stored, *imported])
    decl = _save(s, actor, form, now, lambda errors: table.problems(errors, kind, len(stored))
                 + _other(errors, kind), cell_problems)
    return ImportResult(decl.id, decl.entry_no or "", _filled(table.texts), decl.version, table.ignored)


def import_goods(s: Session, actor: Actor, declaration_id: int, content: bytes, *, mode: str = "append",
                 version: int | None = None, now: datetime | None = None) -> ImportResult:
    """货物导入: add the goods of an Excel file to a declaration, or replace its goods with them."""
    return _import_table(s, actor, declaration_id, content, kind="goods", mode=mode, version=version, now=now)


def import_containers(s: Session, actor: Actor, declaration_id: int, content: bytes, *, mode: str = "append",
                      version: int | None = None, now: datetime | None = None) -> ImportResult:
    """集装箱导入: add container numbers to a declaration (none may repeat one it has), or replace them."""
    return _import_table(s, actor, declaration_id, content, kind="containers", mode=mode, version=version, now=now)


# --- the whole declaration (全单导入) --------------------------------------------------------------

_BOTH, _EXIT, _ENTRY = ("exit", "entry"), ("exit",), ("entry",)
# Jiucheng's 全单导入 layout: label/value pairs in the 基本信息 block, in its order. The field is the
# Declaration column (or "documents" for 随附单据); None where our declaration keeps no such field.
DECLARATION_LABELS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("报检日期", "inspection_date", _BOTH), ("报检类别", "category", _BOTH), ("用户标识", None, _BOTH),
    ("报检号", None, _BOTH),  # handed out when the declaration is sent
    ("报检登记号", None, _BOTH), ("单位名称", None, _BOTH),  # the acting enterprise's own
    ("报检员编码", "declarant_code", _BOTH), ("报检员名称", "declarant_name", _BOTH), ("联系人", "contact_name", _BOTH),
    ("联系电话", "contact_phone", _BOTH),
    ("收货人代码", "consignee_code", _BOTH), ("收货人中文", "consignee_zh", _BOTH), ("收货人英文", "consignee_en", _BOTH),
    ("收货人地址", "consignee_address", _BOTH),
    ("发货人代码", "consignor_code", _BOTH), ("发货人中文", "consignor_zh", _BOTH), ("发货人英文", "consignor_en", _BOTH),
    ("发货人地址", "consignor_address", _BOTH),
    ("报检地", "district_code", _BOTH), ("领证地", "issue_district_code", _BOTH),
    ("(出境)口岸机构", "port_authority_code", _EXIT), ("(出境)施检地", "inspection_place_code", _EXIT),
    ("合同号", "contract_no", _BOTH), ("运输方式", "transport_mode", _BOTH), ("运输工具", "transport_means", _BOTH),
    ("号码", "transport_no", _BOTH),
    ("贸易方式", "trade_mode", _BOTH), ("(出境)输往国家", "dest_country", _EXIT),
    ("(出境)离境口岸", "departure_port", _EXIT), ("(出境)到达口岸", "arrival_port", _EXIT),
    ("(出境)存放地点", "storage_place", _EXIT), ("(出境)发货日期", "despatch_date", _EXIT),
    ("(入境)口岸机构", "port_authority_code", _ENTRY), ("(出境)提/运单号", "bl_no", _EXIT),
    ("(入境)提货单号", None, _ENTRY), ("(入境)提/运单号", "bl_no", _ENTRY), ("(入境)分运单号", None, _ENTRY),
    ("(入境)原箱装载标识", None, _ENTRY),
    ("(入境)启运口岸", "departure_port", _ENTRY), ("(入境)启运国家", "origin_country", _ENTRY),
    ("(入境)贸易国别", None, _ENTRY), ("(入境)经停口岸", None, _ENTRY),
    ("(入境)入境口岸", "arrival_port", _ENTRY), ("(入境)存放地点", "storage_place", _ENTRY),
    ("(入境)目的地", None, _ENTRY), ("(入境)目的机构", None, _ENTRY),
    ("(入境)启运日期", None, _ENTRY), ("(入境)到货日期", "arrival_date", _ENTRY), ("(入境)卸单日期", None, _ENTRY),
    ("(入境)索赔截止日期", None, _ENTRY),
    ("报关海关", "customs_declaration_district", _BOTH), ("海关注册号", None, _BOTH),
    ("关联报检号", "related_inspection_no", _BOTH), ("关联理由", "related_reason", _BOTH),
    ("标记号码", "marks", _BOTH), ("特种业务标示", None, _BOTH), ("特殊通关模式", None, _BOTH),
    ("所需单据", "required_documents", _BOTH), ("特殊要求", "special_requirements", _BOTH),
    ("随附单据", "documents", _BOTH),
)
# Jiucheng's block starts its second part here (基本信息【其他】)
OTHER_INFO_FROM = "报检地"
SECTION_TITLES = ("基本信息", "基本信息【其他】", "货物信息", "集装箱信息")
_DIRECTION_RE = re.compile(r"^[(（](出境|入境)[)）]\s*")
_DIRECTION_WORDS = {"出境": "exit", "入境": "entry"}
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
MAX_DECLARATION_ROWS = 40 + 2 + MAX_GOODS_ROWS + 2 + MAX_CONTAINER_ROWS


def _label_parts(text: str) -> tuple[str | None, str]:
    """The direction a label names, if any, and the label without it (nor a note after a colon)."""
    text = re.split(r"[:：]", text, maxsplit=1)[0]
    match = _DIRECTION_RE.match(text.strip())
    if match:
        return _DIRECTION_WORDS[match[1]], header_key(text.strip()[match.end():])
    return None, header_key(text)


_LABELS: dict[str, list[tuple[str | None, tuple[str, ...], str]]] = {}
for _label, _field, _directions in DECLARATION_LABELS:
    _LABELS.setdefault(_label_parts(_label)[1], []).append((_field, _directions, _label))


@dataclass(frozen=True)
class LabelledValue:
    row: int
    label: str
    value: object


def _block_values(rows: list[Row], direction: str, problems: list[ImportProblem]) -> tuple[dict, list[str]]:
    """The 基本信息 block: field -> the labelled value found for it; and labels read but not kept."""
    found: dict[str, LabelledValue] = {}
    ignored: list[str] = []
    for number, cells in rows:
        index = 0
        while index < len(cells):
            text = cell_text(cells[index])
            named, key = _label_parts(text) if text else (None, "")
            choices = _LABELS.get(key, [])
            if not choices:
                index += 1
                continue
            value = _cell(cells, index + 1)
            index += 2
            matching = [c for c in choices if direction in c[1] and (named is None or named == direction)]
            if not matching:
                if cell_text(value):
                    problems.append(ImportProblem(number, text, "wrong_direction"))
                continue
            name = matching[0][0]
            if name is not None and name != "documents" and direction not in FIELD_SPECS[name].directions:
                name = None  # a label of the template the form of this direction has no field for
            if name is None:
                if cell_text(value):
                    ignored.append(text)
            elif name in found:
                if cell_text(value) or cell_text(found[name].value):
                    problems.append(ImportProblem(number, text, "label_used_twice"))
            else:
                found[name] = LabelledValue(number, text, value)
    return found, ignored


class _Names:
    """Codes of districts, certificate types, attached documents and categories, by code or name."""

    def __init__(self, s: Session, direction: str):
        self.book = CodeBook(s, ("country", "trade_mode", "transport_mode"))
        self.districts = self._index(s.execute(select(CustomsDistrict.code, CustomsDistrict.name_zh,
                                                      CustomsDistrict.name_en)
                                               .where(CustomsDistrict.active.is_(True))
                                               .order_by(CustomsDistrict.code)))
        self.cert_types = self._index(s.execute(select(CertificateType.code, CertificateType.name_zh,
                                                       CertificateType.name_en)
                                                .where(CertificateType.active.is_(True))
                                                .order_by(CertificateType.sort, CertificateType.code)))
        self.documents = self._index(
            (code, zh, en) for code, zh, en, extra in s.execute(
                select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en, DictEntry.extra)
                .where(DictEntry.dictionary == "attached_document", DictEntry.active.is_(True))
                .order_by(DictEntry.sort, DictEntry.code))
            if (extra or {}).get("direction", direction) == direction)
        self.categories = self._index(
            row for row in INSPECTION_CATEGORIES.get(direction, ()))

    @staticmethod
    def _index(rows) -> dict[str, str]:
        rows = list(rows)
        index: dict[str, str] = {}
        for code, *_names in rows:
            index.setdefault(header_key(code), code)
        for code, *names in rows:
            for name in names:
                if name:
                    index.setdefault(header_key(name), code)
        return index

    def code(self, index: dict[str, str], text: str, width: int = 0) -> str:
        key = header_key(text)
        if width and key.isdigit() and len(key) < width:
            key = key.zfill(width)  # a code typed as a number lost its leading zeros
        return index.get(key, text)


def _field_text(name: str, value: object, names: _Names) -> object:
    """The text the form would hold for a labelled value, with codes named by their names resolved."""
    text = cell_text(value)
    if not text:
        return [] if name in ("required_documents", "documents") else ""
    kind = FIELD_SPECS[name].kind if name in FIELD_SPECS else name
    if kind == "date":
        return date_text(text)
    if kind == "district":
        return names.code(names.districts, text, 4)
    if kind == "category":
        return names.code(names.categories, text)
    if kind == "trade_mode":
        return names.book.code("trade_mode", text.zfill(4) if text.isdigit() else text) or text
    if kind in ("country", "transport_mode"):
        return names.book.resolve(kind, text)
    if kind == "certificate_types":
        return [names.code(names.cert_types, part) for part in _LIST_SEPARATORS.split(text) if part]
    if name == "documents":
        return [{"doc_code": names.code(names.documents, part), "doc_no": ""}
                for part in _LIST_SEPARATORS.split(text) if part]
    return text


def _split_sheet(rows: list[Row], goods_headers_: dict[str, str]) -> tuple[list[Row], Row | None, list[Row],
                                                                            Row | None, list[Row]]:
    """Split the sheet into the 基本信息 block, the goods table and the container table."""
    goods_at = next((i for i, row in enumerate(rows) if _has_goods_header(row, goods_headers_)), None)
    containers_at = next((i for i, row in enumerate(rows) if i != goods_at and is_container_header(row)), None)
    titles = {header_key(t) for t in SECTION_TITLES}

    def body(start: int | None, *ends: int | None) -> list[Row]:
        if start is None:
            return []
        stop = min([e for e in ends if e is not None and e > start] or [len(rows)])
        return [row for row in rows[start + 1:stop]
                if {header_key(cell_text(v)) for v in row[1] if cell_text(v)} - titles]

    starts = [i for i in (goods_at, containers_at) if i is not None]
    block = rows[:min(starts)] if starts else rows
    return (block, rows[goods_at] if goods_at is not None else None, body(goods_at, containers_at),
            rows[containers_at] if containers_at is not None else None, body(containers_at, goods_at))


def import_declaration(s: Session, actor: Actor, content: bytes, *, direction: str,
                       now: datetime | None = None) -> ImportResult:
    """全单导入: a new draft declaration of the actor's enterprise from the 基本信息 block, goods and containers.

    The draft starts as a new form does (the enterprise's defaults); every filled cell replaces its default.
    """
    if direction not in DIRECTIONS:
        raise _refuse("unknown_direction")
    form = new_declaration(s, actor, direction)
    rows = read_rows(content, max_rows=MAX_DECLARATION_ROWS)
    problems: list[ImportProblem] = []
    cell_problems: list[ImportProblem] = []
    headers = goods_headers(_stored_mapping(s, actor.own_enterprise(PERMISSION)))
    block, goods_header, goods_rows, container_header, container_rows = _split_sheet(rows, headers)
    found, ignored = _block_values(block, direction, cell_problems)
    if not found and goods_header is None and container_header is None:
        problems.append(ImportProblem(rows[0][0], "", "no_header"))
    names = _Names(s, direction)
    for name, labelled in found.items():
        text = _field_text(name, labelled.value, names)
        if not text:
            continue
        if name == "documents":
            form.data.documents = text
        else:
            form.data.fields[name] = text
    goods = read_goods_table(s, goods_header, goods_rows, headers, problems, cell_problems) if goods_header \
        else None
    containers = read_container_table(container_header, container_rows, problems) if container_header else None
    if problems:
        raise ImportRefused(_sorted(problems))
    form.data.goods = _with_defaults(goods.texts, form.goods_defaults) if goods else []
    form.data.containers = containers.texts if containers else []

    def problems_of(errors: dict[str, str]) -> list[ImportProblem]:
        listed = (goods.problems(errors, "goods") if goods else []) + \
            (containers.problems(errors, "containers") if containers else [])
        for key, code in errors.items():
            name = key.split(".", 1)[0]
            if name in ("goods", "containers"):
                if "." not in key:
                    listed.append(ImportProblem(None, "", code))
                continue
            labelled = found.get(name)
            listed.append(ImportProblem(labelled.row, labelled.label, code) if labelled
                          else ImportProblem(None, _default_label(name, direction), code))
        return listed

    decl = _save(s, actor, form, now, problems_of, cell_problems)
    ignored_all = (*ignored, *(goods.ignored if goods else ()), *(containers.ignored if containers else ()))
    return ImportResult(decl.id, decl.entry_no or "", _filled(form.data.goods), decl.version, ignored_all)


def _with_defaults(rows: list[dict], defaults: dict[str, str]) -> list[dict]:
    """Imported goods lines start, as new lines on the form do, with the enterprise's goods defaults."""
    start = {k: v for k, v in defaults.items() if k in GOODS_COLUMNS}
    return [{**start, **{k: v for k, v in row.items() if v}} if any(row.values()) else row for row in rows]


def _default_label(name: str, direction: str) -> str:
    """The label the template gives a field (for problems with a value the sheet did not give)."""
    return next((label for label, field_, directions in DECLARATION_LABELS
                 if field_ == name and direction in directions), name)
