"""The goods lines (货物信息) and containers (集装箱信息) of a declaration, checked row by row.

One set of rules for every way rows arrive: the declaration form's tables and the Excel imports.
Rows are untrusted strings; the result is typed values ready for `GoodsLine` / `Container` and the
errors keyed `goods.<n>.<column>` / `containers.<n>.<column>` (n counts the rows given, from 1)
with a reason code. A draft (暂存) skips only the "required" checks. Every dictionary code of all
rows is checked with one query.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, StringConstraints
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from data.core.forms import Form, Upper, checked_by, limit, matching, problem, validated, whole_number
from data.core.forms import one_of as one_of_choices
from data.core.prepared import Statements, one_of, parameter_names
from data.models import Container, DictEntry, GoodsLine

MAX_GOODS = 999
MAX_CONTAINERS = 999
MAX_NUMBER = Decimal("1e14")  # Numeric(18, 4): 14 digits before the point

GOODS_COLUMNS = (
    "hs_code", "ciq_code", "name_zh", "name_en", "spec", "model", "brand", "purpose", "origin_country",
    "origin_place", "quantity", "quantity_unit", "weight", "weight_unit", "packages", "package_type",
    "unit_price", "value", "currency", "production_unit", "production_unit_reg_no", "production_date", "batch_no",
)
# Starred in Jiucheng 3.4.3's goods section; the value may be computed from quantity × unit price.
GOODS_REQUIRED = ("hs_code", "name_zh", "purpose", "origin_country", "quantity", "quantity_unit", "weight",
                  "weight_unit", "packages", "package_type", "value", "currency")
GOODS_DECIMALS = {"quantity": 4, "weight": 4, "unit_price": 4, "value": 2}
GOODS_CODES = {"hs_code": "hs_code", "origin_country": "country", "quantity_unit": "unit", "weight_unit": "unit",
               "package_type": "package_type", "currency": "currency"}  # column -> dictionary
CODE_REASONS = {"hs_code": "hs_unknown", "origin_country": "choose_country", "quantity_unit": "choose_unit",
                "weight_unit": "choose_unit", "package_type": "choose_package_type", "currency": "choose_currency"}

# 用途 (CIQ purpose codes of the declaration standard).
PURPOSES = {
    "11": "种用或繁殖", "12": "食用", "13": "奶用", "14": "观赏或演艺", "15": "伴侣动物", "16": "实验",
    "17": "药用", "18": "饲用", "19": "介质土", "20": "食品包装材料", "21": "食品加工设备", "22": "食品添加剂",
    "23": "食品容器", "24": "食品洗涤剂", "25": "食品消毒剂", "26": "仅工业用途", "27": "化妆品", "28": "化妆品原料",
    "29": "肥料", "30": "保健品", "31": "治理污染", "32": "科研", "33": "展览展示", "99": "其他",
}
PURPOSES_EN = {
    "11": "Breeding or propagation", "12": "Human consumption", "13": "Dairy", "14": "Ornamental or performance",
    "15": "Companion animal", "16": "Laboratory use", "17": "Medicinal", "18": "Feed", "19": "Growing medium",
    "20": "Food packaging material", "21": "Food processing equipment", "22": "Food additive",
    "23": "Food container", "24": "Food detergent", "25": "Food disinfectant", "26": "Industrial use only",
    "27": "Cosmetics", "28": "Cosmetic raw material", "29": "Fertiliser", "30": "Health food",
    "31": "Pollution control", "32": "Scientific research", "33": "Exhibition", "99": "Other",
}

# Kilograms per weight unit of the unit dictionary (units.csv, kind "weight").
KG_PER_UNIT = {
    "035": Decimal(1), "036": Decimal("0.001"), "047": Decimal(100), "070": Decimal(1000),
    "071": Decimal("1016.0469088"), "072": Decimal("907.18474"), "073": Decimal("60.478982"),
    "074": Decimal("0.60478982"), "075": Decimal("0.5"), "076": Decimal("0.45359237"), "077": Decimal(50),
    "078": Decimal("50.80234544"), "079": Decimal("45.359237"), "080": Decimal("0.05"), "081": Decimal(50),
    "083": Decimal("0.028349523125"), "084": Decimal("0.0002"),
}

CONTAINER_COLUMNS = ("number", "spec", "count", "lcl", "seal_no")
CONTAINER_SPECS = ("20GP", "40GP", "40HC", "45HC", "20RF", "40RF", "40RH", "20OT", "40OT", "20FR", "40FR", "20TK",
                   "40TK", "20HT", "40HT")

HS_RE = re.compile(r"^\d{10}$")
CIQ_RE = re.compile(r"^\d{3}$")
CONTAINER_RE = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on", "是", "t"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "off", "否", "f", "none"})


def known_codes(s: Session, wanted: dict[str, set[str]]) -> dict[str, set[str]]:
    """Return which of the wanted codes exist, active, in each dictionary (one indexed query).

    Asked afresh in each transaction, not cached: a form names a handful of codes, and the lookup
    by primary key costs less than reading a version to keep a cache of every worker in step.
    """
    found: dict[str, set[str]] = {name: set() for name in wanted}
    asked = sorted((name, sorted(codes)) for name, codes in wanted.items() if codes)
    if not asked:
        return found
    params: dict[str, object] = {}
    shape = []
    for i, (name, codes) in enumerate(asked):
        size = _bucket(len(codes))  # few statement shapes: the list is padded by repeating its last code
        params[f"dictionary__{i}"] = name
        params.update(zip(parameter_names(f"code_{i}", size), codes + codes[-1:] * (size - len(codes))))
        shape.append(size)
    for name, code in _CODES.rows(s, tuple(shape), params):
        found[name].add(code)
    return found


def _bucket(count: int) -> int:
    size = 1
    while size < count:
        size *= 2
    return size


def _codes_statement(*sizes: int):
    return select(DictEntry.dictionary, DictEntry.code).where(DictEntry.active.is_(True), or_(*(
        (DictEntry.dictionary == bindparam(f"dictionary__{i}", type_=DictEntry.dictionary.type))
        & one_of(DictEntry.code, f"code_{i}", size) for i, size in enumerate(sizes))))


_CODES = Statements(_codes_statement)


def parse_decimal(value: str) -> Decimal | None:
    """Read a number typed by a person ("1,234.5"); None when it is not a finite number."""
    try:
        number = Decimal(value.replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def parse_date(value: str) -> date | None:
    """Read 2017-09-20 or 20170920 (Jiucheng's 8-digit shortcut); None when it is neither."""
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _length(model, column: str) -> int | None:
    return getattr(model.__table__.columns[column].type, "length", None)


def _texts(row: Mapping, columns: Iterable[str]) -> dict[str, str]:
    """The row's values as stripped strings; anything missing or None is ''."""
    if not isinstance(row, Mapping):
        row = {}
    out = {}
    for c in columns:
        raw = row.get(c)
        out[c] = "" if raw is None else (raw if isinstance(raw, str) else str(raw)).strip()
    return out


def _number(text: str, decimals: int) -> tuple[Decimal | None, str | None]:
    number = parse_decimal(text)
    if number is None or number < 0 or number >= MAX_NUMBER:
        return None, "non_negative_number"
    if number != number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):
        return None, f"max_{decimals}_decimals"
    return number, None


# --- goods lines -------------------------------------------------------------------------------


def goods_codes_wanted(rows: list[dict]) -> dict[str, set[str]]:
    """Collect, per dictionary, the codes the rows name, for `known_codes`."""
    wanted: dict[str, set[str]] = {name: set() for name in set(GOODS_CODES.values())}
    for row in rows[:MAX_GOODS + 1]:
        value = _texts(row, GOODS_CODES)
        for column, dictionary in GOODS_CODES.items():
            if value[column]:
                wanted[dictionary].add(value[column].upper() if column in ("origin_country", "currency")
                                       else value[column])
    return wanted


def _cell(value: Any) -> str:
    """A cell as text: stripped; numbers typed into a sheet as their digits; anything missing ''."""
    return "" if value is None else (value if isinstance(value, str) else str(value)).strip()


Cell = Annotated[str, BeforeValidator(_cell)]


def decimal_cell(decimals: int) -> BeforeValidator:
    """A non-negative number below 10^14 with at most `decimals` places; empty reads as None."""
    def read(value: Any) -> Decimal | None:
        text = _cell(value)
        if not text:
            return None
        number, reason = _number(text, decimals)
        if reason:
            raise problem(reason)
        return number
    return BeforeValidator(read)


def _packages(value: Any) -> int | None:
    text = _cell(value)
    if not text:
        return None
    if not (text.isdecimal() and text.isascii()) or int(text) > 10**9:
        raise problem("whole_number")
    return int(text)


def _day(value: Any) -> date | None:
    text = _cell(value)
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        raise problem("date_format")
    return day


def _column(column: str) -> StringConstraints:
    """At most what the goods_line column holds."""
    return limit(_length(GoodsLine, column) or 4000)


class GoodsLineForm(Form):
    """One goods line (货物信息) as typed; the context says whether it is a draft (暂存: nothing required).
    Its dictionary codes are checked against the store beside it, for all lines at once."""

    model_config = ConfigDict(extra="ignore")

    hs_code: Annotated[Cell, matching(HS_RE, "hs_format")] = ""
    ciq_code: Annotated[Cell, Upper, matching(CIQ_RE, "ciq_format")] = ""
    name_zh: Annotated[Cell, _column("name_zh")] = ""
    name_en: Annotated[Cell, _column("name_en")] = ""
    spec: Annotated[Cell, _column("spec")] = ""
    model: Annotated[Cell, _column("model")] = ""
    brand: Annotated[Cell, _column("brand")] = ""
    purpose: Annotated[Cell, one_of_choices(tuple(PURPOSES), "choose_purpose")] = ""
    origin_country: Annotated[Cell, Upper] = ""
    origin_place: Annotated[Cell, _column("origin_place")] = ""
    quantity: Annotated[Decimal | None, decimal_cell(GOODS_DECIMALS["quantity"])] = None
    quantity_unit: Cell = ""
    weight: Annotated[Decimal | None, decimal_cell(GOODS_DECIMALS["weight"])] = None
    weight_unit: Cell = ""
    packages: Annotated[int | None, BeforeValidator(_packages)] = None
    package_type: Cell = ""
    unit_price: Annotated[Decimal | None, decimal_cell(GOODS_DECIMALS["unit_price"])] = None
    value: Annotated[Decimal | None, decimal_cell(GOODS_DECIMALS["value"])] = None
    currency: Annotated[Cell, Upper] = ""
    production_unit: Annotated[Cell, _column("production_unit")] = ""
    production_unit_reg_no: Annotated[Cell, _column("production_unit_reg_no")] = ""
    production_date: Annotated[date | None, BeforeValidator(_day)] = None
    batch_no: Annotated[Cell, _column("batch_no")] = ""

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        """The value, when left empty, is quantity × unit price (it must fit its column); a complete line
        (not a draft) needs every starred cell."""
        problems: dict[str, str] = {}
        quantity, price = (None if c in found else parse_decimal(_cell(values.get(c))) for c in ("quantity", "unit_price"))
        computed = not _cell(values.get("value")) and quantity is not None and price is not None
        if quantity is not None and price is not None and computed and "value" not in found \
                and _line_value(quantity, price) >= MAX_NUMBER:
            problems["value"] = "non_negative_number"
        if not context.get("draft"):
            for column in GOODS_REQUIRED:
                if not _cell(values.get(column)) and column not in found and not (column == "value" and computed):
                    problems[column] = "required"
        return problems

    def line(self) -> dict[str, Any]:
        """The line as stored: empty optional cells None, the value computed when left empty."""
        line: dict[str, Any] = {c: getattr(self, c) or (None if c not in ("hs_code", "name_zh") else "")
                                for c in GOODS_COLUMNS}  # NOT NULL text columns: ''
        for c in ("quantity", "weight", "unit_price", "value", "packages"):
            line[c] = getattr(self, c)  # 0 is a number, not empty
        if line["value"] is None and self.quantity is not None and self.unit_price is not None:
            line["value"] = _line_value(self.quantity, self.unit_price)
        return line


def _line_value(quantity: Decimal, price: Decimal) -> Decimal:
    return (quantity * price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def clean_goods_lines(s: Session, rows: list[dict[str, str]], *, draft: bool) -> tuple[list[dict], dict[str, str]]:
    """Check goods rows; return the typed lines (blank rows left out) and the errors found."""
    rows = list(rows or [])
    filled = [(n, row) for n, row in enumerate(rows, start=1) if any(_texts(row, GOODS_COLUMNS).values())]
    if len(filled) > MAX_GOODS:
        return [], {"goods": "too_many_goods"}
    codes = known_codes(s, goods_codes_wanted([row for _, row in filled]))
    errors: dict[str, str] = {}
    cleaned: list[dict] = []
    for n, row in filled:
        values = row if isinstance(row, Mapping) else {}
        form, found = validated(GoodsLineForm, values, {"draft": draft})
        for column, dictionary in GOODS_CODES.items():
            code = _cell(values.get(column))
            code = code.upper() if column in ("origin_country", "currency") else code
            if code and column not in found and (
                    code not in codes[dictionary] or (column == "weight_unit" and code not in KG_PER_UNIT)):
                found[column] = CODE_REASONS[column]
        errors.update({f"goods.{n}.{column}": found[column] for column in GOODS_COLUMNS if column in found})
        cleaned.append(form.line() if form is not None and not found else {})
    return cleaned, errors


# --- containers --------------------------------------------------------------------------------

_LETTER_VALUES = {}
_v = 10
for _letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    if _v % 11 == 0:
        _v += 1
    _LETTER_VALUES[_letter] = _v
    _v += 1


def iso6346_check_digit(first10: str) -> int:
    """The check digit of an ISO 6346 container number from its owner code, category and serial."""
    total = sum((_LETTER_VALUES[ch] if ch.isalpha() else int(ch)) << i for i, ch in enumerate(first10))
    return total % 11 % 10


def container_number_problem(number: str) -> str | None:
    """Why an (uppercased) container number is not a valid ISO 6346 number, or None."""
    if not CONTAINER_RE.match(number):
        return "container_no_format"
    if iso6346_check_digit(number[:10]) != int(number[10]):
        return "container_check_digit"
    return None


def _container_number(value: Any) -> str:
    return re.sub(r"\s+", "", _cell(value)).upper()


def _flag(raw) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = "" if raw is None else str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _lcl(value: Any) -> bool:
    lcl = _flag(value)
    if lcl is None:
        raise problem("yes_or_no")
    return lcl


class ContainerForm(Form):
    """One container (集装箱信息): an ISO 6346 number (required unless a draft, given as the context),
    its size and type, how many, whether less than a container load, the seal."""

    model_config = ConfigDict(extra="ignore")

    number: Annotated[str, BeforeValidator(_container_number), checked_by(container_number_problem)] = ""
    spec: Annotated[Cell, Upper, one_of_choices(CONTAINER_SPECS, "choose_container_spec")] = ""
    count: Annotated[int, whole_number(9999, "at_least_one", low=1)] = 1
    lcl: Annotated[bool, BeforeValidator(_lcl)] = False
    seal_no: Annotated[Cell, limit(_length(Container, "seal_no") or 4000)] = ""

    @classmethod
    def across(cls, values, found, context) -> dict[str, str]:
        if not context.get("draft") and "number" not in found and not _container_number(values.get("number")):
            return {"number": "required"}
        return {}


def clean_containers(rows: list[dict], *, draft: bool) -> tuple[list[dict], dict[str, str]]:
    """Check container rows; return the typed containers (blank rows left out) and the errors found."""
    rows = list(rows or [])
    filled = [(n, row) for n, row in enumerate(rows, start=1)
              if any(v for k, v in _texts(row, CONTAINER_COLUMNS).items() if k != "lcl")]
    if len(filled) > MAX_CONTAINERS:
        return [], {"containers": "too_many_containers"}
    errors: dict[str, str] = {}
    cleaned: list[dict] = []
    seen: set[str] = set()
    for n, row in filled:
        values = row if isinstance(row, Mapping) else {}
        form, found = validated(ContainerForm, values, {"draft": draft})
        number = _container_number(values.get("number"))
        if number and "number" not in found and number in seen:
            found["number"] = "duplicate_container"
        seen.add(number)
        errors.update({f"containers.{n}.{column}": found[column] for column in CONTAINER_COLUMNS if column in found})
        if form is not None:
            cleaned.append({"number": form.number, "spec": form.spec or None, "count": form.count, "lcl": form.lcl,
                            "seal_no": form.seal_no or None})
    return cleaned, errors


# --- totals (货物总值信息) ------------------------------------------------------------------------


def totals(goods: Iterable[Mapping]) -> dict:
    """Total value per currency, total weight in kg and total packages of goods lines.

    Takes cleaned lines or raw form rows alike: values that cannot be read are left out, and lines
    whose weight unit has no kilogram equivalent are counted in `weight_unconverted`.
    """
    values: dict[str, Decimal] = {}
    weight = Decimal(0)
    packages = 0
    unconverted = 0
    lines = 0
    for line in goods:
        if not isinstance(line, Mapping):
            continue
        lines += 1
        text = _texts(line, ("value", "quantity", "unit_price", "weight", "weight_unit", "packages", "currency"))
        value = parse_decimal(text["value"]) if text["value"] else None
        if value is None and text["quantity"] and text["unit_price"]:
            quantity, price = parse_decimal(text["quantity"]), parse_decimal(text["unit_price"])
            if quantity is not None and price is not None:
                value = (quantity * price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if value is not None and value >= 0:
            currency = text["currency"].upper()
            values[currency] = values.get(currency, Decimal(0)) + value
        amount = parse_decimal(text["weight"]) if text["weight"] else None
        if amount is not None and amount >= 0:
            if text["weight_unit"] in KG_PER_UNIT:
                weight += amount * KG_PER_UNIT[text["weight_unit"]]
            else:
                unconverted += 1
        if text["packages"].isdigit():
            packages += int(text["packages"])
    return {"value": dict(sorted(values.items())), "weight_kg": weight.quantize(Decimal("0.001")),
            "packages": packages, "lines": lines, "weight_unconverted": unconverted}
