"""Excel imports into declarations (Jiucheng 3.3.3 and 3.4.5): goods, containers, a whole declaration.

All or nothing: every problem of a file is collected as (sheet row, column header, reason code) and
raised together in `ImportRefused`; nothing is written then. A file is accepted only if its bytes
are an .xlsx workbook (a zip holding xl/workbook.xml), whatever its name says. Cell values are
turned into the texts a person would type; codes may also be given by their Chinese or English
names ("千克", "USD", "美元", "纸箱") and are resolved against the dictionaries before the shared
checks of `data.declarations.goods` see them.
"""
from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Annotated, Any

from openpyxl import load_workbook
from pydantic import BeforeValidator, create_model
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.core.forms import Form, Invalid, checked_by, limit, validated
from data.core.scope import Actor
from data.declarations.form import (
    PERMISSION,
    DeclarationForm,
    DeclarationInvalid,
    DeclarationRefused,
    check_declaration,
    open_declaration,
    save_declaration,
)
from data.declarations.goods import GOODS_COLUMNS, PURPOSES
from data.models import Declaration, DeclStatus, DictEntry, EnterpriseSetting
from exports.tables.import_layout import (
    CONTAINER_HEADERS,
    DEFAULT_GOODS_HEADERS,
)

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


def refusal(code: str, row: int | None = None, column: str = "") -> ImportRefused:
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
        raise refusal("file_empty")
    if len(content) > MAX_IMPORT_BYTES:
        raise refusal("file_too_large")
    buffer = io.BytesIO(content)
    if not zipfile.is_zipfile(buffer):
        raise refusal("not_xlsx")
    try:
        with zipfile.ZipFile(buffer) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise refusal("not_xlsx") from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise refusal("not_xlsx")
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise refusal("file_too_large")
    rows: list[Row] = []
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key, value errors) for a broken workbook
        raise refusal("file_unreadable") from None
    try:
        if not workbook.worksheets:
            raise refusal("sheet_empty")
        for number, values in enumerate(workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                        start=1):
            if not any(cell_text(v) for v in values):
                continue
            if len(rows) >= max_rows:
                raise refusal("too_many_rows", number)
            rows.append((number, tuple(values)))
    except ImportRefused:
        raise
    except Exception:  # a sheet's XML broken past its first rows
        raise refusal("file_unreadable") from None
    finally:
        workbook.close()
    if not rows:
        raise refusal("sheet_empty")
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

# Jiucheng's HS standard quantity (标准重量/标准数量): our goods lines have no column for them.
DROPPED_GOODS_HEADERS = ("标准重量", "标准重量单位", "标准数量", "标准数量单位")
REQUIRED_GOODS_HEADERS = ("hs_code", "name_zh")  # a goods line has no meaning without them
GOODS_DICTIONARIES = {"origin_country": "country", "currency": "currency", "package_type": "package_type",
                      "weight_unit": "unit", "quantity_unit": "unit"}
AMOUNT_UNITS = {"weight": "weight_unit", "quantity": "quantity_unit"}  # "23.235千克" -> value and unit
_AMOUNT_RE = re.compile(r"^([+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))\s*(.*)$")
_PURPOSE_BY_NAME = {name: code for code, name in PURPOSES.items()}


class MappingInvalid(Invalid):
    """The goods-import mapping has errors: column -> reason code."""


def _header_text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""  # spaces collapsed, as headers compare


def _blank_header(text: str) -> str | None:
    return None if header_key(text) else "header_blank"  # only a required mark or a colon


Header = Annotated[str, BeforeValidator(_header_text), limit(MAX_HEADER_LENGTH), checked_by(_blank_header)]


def stored_mapping(s: Session, enterprise_id: int) -> dict[str, str]:
    row = s.get(EnterpriseSetting, (enterprise_id, MAPPING_SETTING))
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    return {k: v for k, v in value.items() if k in DEFAULT_GOODS_HEADERS and isinstance(v, str) and v.strip()}


def goods_import_mapping(s: Session, actor: Actor) -> dict[str, str]:
    """货物导入自定义: the enterprise's own header text per goods column (columns it did not map are absent)."""
    return stored_mapping(s, actor.own_enterprise(PERMISSION))


def goods_headers(mapping: dict[str, str]) -> dict[str, str]:
    """The header each goods column is read from: the enterprise's own, else the default."""
    return {column: (mapping.get(column) or "").strip() or default
            for column, default in DEFAULT_GOODS_HEADERS.items()}


@functools.cache
def mapping_form() -> type[Form]:
    """The goods-import mapping (货物导入自定义): a header of at most 64 characters per goods column."""
    columns: dict[str, Any] = {column: (Header, "") for column in DEFAULT_GOODS_HEADERS}
    return create_model("GoodsImportMapping", __base__=Form, **columns)


def save_goods_import_mapping(s: Session, actor: Actor, mapping: dict[str, str],
                              now: datetime | None = None) -> dict[str, str]:
    """Store the mapping (blank entries fall back to the default header); return what was stored."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    form, found = validated(mapping_form(), mapping if isinstance(mapping, dict) else {})
    errors = {str(column)[:32]: "unknown_column" if reason == "unknown_field" else reason
              for column, reason in found.items()}
    given = mapping if isinstance(mapping, dict) else {}
    texts = form.model_dump() if form else {c: _header_text(given.get(c)) for c in DEFAULT_GOODS_HEADERS if c not in found}
    cleaned = {column: text for column, text in texts.items() if text and text != DEFAULT_GOODS_HEADERS[column]}
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


def cell_value(row: tuple, index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _goods_texts(table: Table, book: CodeBook, problems: list[ImportProblem]) -> None:
    """Fill the table's texts: codes named by their names resolved, "23.235千克" split into value and unit.

    A unit that cannot be read is added to `problems` (the checks then leave that value and unit alone)."""
    for n, (number, cells) in enumerate(table.rows, start=1):
        row: dict[str, str] = {}
        for name, index in table.columns.items():
            value = cell_value(cells, index)
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
    if "number" not in table.columns and _CONTAINER_NO_RE.match(cell_text(cell_value(header_row[1], 0))):
        table = Table({"number": 0}, dict(CONTAINER_HEADERS), [header_row, *data_rows], ())
    else:
        problems.extend(header_problems)
        if "number" not in table.columns:
            problems.append(ImportProblem(header_row[0], CONTAINER_HEADERS["number"], "column_missing"))
    if len(table.rows) > MAX_CONTAINER_ROWS:
        problems.append(ImportProblem(table.rows[MAX_CONTAINER_ROWS][0], "", "too_many_rows"))
    table.texts = [{name: cell_text(cell_value(cells, index)) for name, index in table.columns.items()}
                   for _number, cells in table.rows]
    return table


# --- writing into a stored declaration -----------------------------------------------------------


def _editable(s: Session, actor: Actor, declaration_id: int, version: int | None) -> DeclarationForm:
    """The form of a declaration of the actor's enterprise that may still change (暂存 or 保存)."""
    form = open_declaration(s, actor, declaration_id)
    if form.read_only:
        raise refusal("not_editable")
    if version is not None and form.version != version:
        raise refusal("stale_version")
    return form


def save_imported(s: Session, actor: Actor, form: DeclarationForm, now: datetime | None,
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
        raise ImportRefused(sorted_problems(cell_problems))
    try:
        return save_declaration(s, actor, form.id, form.data, version=form.version, mode=mode,
                                direction=form.direction, now=now)
    except DeclarationInvalid as exc:
        raise ImportRefused(sorted_problems(problems_of(exc.errors))) from None
    except DeclarationRefused as exc:
        raise refusal("stale_version" if exc.code == "stale_version" else "not_editable") from None


def sorted_problems(problems: list[ImportProblem]) -> list[ImportProblem]:
    return sorted(problems, key=lambda p: (p.row or 0, p.column))


def _other(errors: dict[str, str], *prefixes: str) -> list[ImportProblem]:
    """Reasons not about rows of the given tables: the declaration as a whole."""
    return [ImportProblem(None, "", code) for key, code in errors.items()
            if not any(key.startswith(p + ".") for p in prefixes)]


def _mode(mode: str) -> bool:
    """Whether the import replaces the rows (else it appends)."""
    if mode not in MODES:
        raise refusal("unknown_mode")
    return mode == "replace"


def filled_rows(texts: list[dict]) -> int:
    return sum(1 for row in texts if any(v for k, v in row.items() if k != "lcl"))


HEADER_SEARCH_ROWS = 10  # a title or a note may stand above the header row


def _header_at(rows: list[Row], is_header: Callable[[Row], bool]) -> int:
    """Index of the header row: the first of the top rows that is one, else the first row."""
    return next((i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if is_header(row)), 0)


def has_goods_header(row: Row, headers: dict[str, str]) -> bool:
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
        headers = goods_headers(stored_mapping(s, actor.own_enterprise(PERMISSION)))
        at = _header_at(rows, lambda row: has_goods_header(row, headers))
        table = read_goods_table(s, rows[at], rows[at + 1:], headers, problems, cell_problems)
    else:
        at = _header_at(rows, is_container_header)
        table = read_container_table(rows[at], rows[at + 1:], problems)
    if not problems and not table.rows:
        problems.append(ImportProblem(rows[at][0], "", "no_rows"))
    if problems:
        raise ImportRefused(sorted_problems(problems))
    imported = with_defaults(table.texts, form.goods_defaults) if kind == "goods" else table.texts
    # the stored rows go first: a container number repeating a stored one is reported on the imported row
    stored = [] if replace else getattr(form.data, kind)
    setattr(form.data, kind, [*stored, *imported])
    decl = save_imported(s, actor, form, now, lambda errors: table.problems(errors, kind, len(stored))
                 + _other(errors, kind), cell_problems)
    return ImportResult(decl.id, decl.entry_no or "", filled_rows(table.texts), decl.version, table.ignored)


def import_goods(s: Session, actor: Actor, declaration_id: int, content: bytes, *, mode: str = "append",
                 version: int | None = None, now: datetime | None = None) -> ImportResult:
    """货物导入: add the goods of an Excel file to a declaration, or replace its goods with them."""
    return _import_table(s, actor, declaration_id, content, kind="goods", mode=mode, version=version, now=now)


def import_containers(s: Session, actor: Actor, declaration_id: int, content: bytes, *, mode: str = "append",
                      version: int | None = None, now: datetime | None = None) -> ImportResult:
    """集装箱导入: add container numbers to a declaration (none may repeat one it has), or replace them."""
    return _import_table(s, actor, declaration_id, content, kind="containers", mode=mode, version=version, now=now)


def with_defaults(rows: list[dict], defaults: dict[str, str]) -> list[dict]:
    """Imported goods lines start, as new lines on the form do, with the enterprise's goods defaults."""
    start = {k: v for k, v in defaults.items() if k in GOODS_COLUMNS}
    return [{**start, **{k: v for k, v in row.items() if v}} if any(row.values()) else row for row in rows]
