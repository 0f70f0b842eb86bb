"""The whole declaration from one workbook (全单导入, Jiucheng 3.4.5): the 基本信息 label/value block,
then the goods and container tables, checked and saved all or nothing like the other imports."""
from __future__ import annotations

import re
from dataclasses import (
    dataclass,
)
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.core.scope import (
    Actor,
)
from data.declarations.defaults import (
    INSPECTION_CATEGORIES,
)
from data.declarations.form import (
    DIRECTIONS,
    FIELD_SPECS,
    PERMISSION,
    new_declaration,
)
from data.declarations.imports import (
    MAX_CONTAINER_ROWS,
    MAX_GOODS_ROWS,
    CodeBook,
    ImportProblem,
    ImportRefused,
    ImportResult,
    Row,
    cell_text,
    cell_value,
    date_text,
    filled_rows,
    goods_headers,
    has_goods_header,
    header_key,
    is_container_header,
    read_container_table,
    read_goods_table,
    read_rows,
    refusal,
    save_imported,
    sorted_problems,
    stored_mapping,
    with_defaults,
)
from data.models import (
    CertificateType,
    CustomsDistrict,
    DictEntry,
)
from exports.tables.import_layout import (
    DECLARATION_LABELS,
    SECTION_TITLES,
)

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
            value = cell_value(cells, index + 1)
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
    goods_at = next((i for i, row in enumerate(rows) if has_goods_header(row, goods_headers_)), None)
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
        raise refusal("unknown_direction")
    form = new_declaration(s, actor, direction)
    rows = read_rows(content, max_rows=MAX_DECLARATION_ROWS)
    problems: list[ImportProblem] = []
    cell_problems: list[ImportProblem] = []
    headers = goods_headers(stored_mapping(s, actor.own_enterprise(PERMISSION)))
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
            form.data.documents = list(text) if isinstance(text, (list, tuple)) else [text]
        else:
            form.data.fields[name] = text
    goods = read_goods_table(s, goods_header, goods_rows, headers, problems, cell_problems) if goods_header \
        else None
    containers = read_container_table(container_header, container_rows, problems) if container_header else None
    if problems:
        raise ImportRefused(sorted_problems(problems))
    form.data.goods = with_defaults(goods.texts, form.goods_defaults) if goods else []
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

    decl = save_imported(s, actor, form, now, problems_of, cell_problems)
    ignored_all = (*ignored, *(goods.ignored if goods else ()), *(containers.ignored if containers else ()))
    return ImportResult(decl.id, decl.entry_no or "", filled_rows(form.data.goods), decl.version, ignored_all)


def _default_label(name: str, direction: str) -> str:
    """The label the template gives a field (for problems with a value the sheet did not give)."""
    return next((label for label, field_, directions in DECLARATION_LABELS
                 if field_ == name and direction in directions), name)
