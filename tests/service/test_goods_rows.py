"""Goods lines and containers of a declaration: one set of checks for the form and the Excel imports."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from data.declarations.goods import (
    GOODS_COLUMNS,
    MAX_GOODS,
    clean_containers,
    clean_goods_lines,
    container_number_problem,
    iso6346_check_digit,
    totals,
)
from data.models import GoodsLine
from data.reference.catalog import load_reference

HS = "0303630000"  # frozen cod, from the shipped HS list


@pytest.fixture
def s(db_session):
    load_reference(db_session)
    db_session.commit()
    return db_session


def good_line(**changes) -> dict[str, str]:
    row = {"hs_code": HS, "name_zh": "冻鳕鱼", "name_en": "FROZEN COD", "purpose": "12", "origin_country": "cn",
           "quantity": "1,200", "quantity_unit": "035", "weight": "1.2", "weight_unit": "070", "packages": "120",
           "package_type": "CT", "unit_price": "2.345", "currency": "usd", "production_date": "20260920"}
    row.update(changes)
    return row


def test_goods_columns_are_goods_line_columns():
    assert set(GOODS_COLUMNS) <= set(GoodsLine.__table__.columns.keys())


def test_a_good_line_is_typed_and_its_value_computed(s):
    lines, errors = clean_goods_lines(s, [good_line()], draft=False)
    assert errors == {}
    line = lines[0]
    assert line["quantity"] == Decimal("1200") and line["packages"] == 120
    assert line["value"] == Decimal("2814.00")  # 1200 × 2.345
    assert line["origin_country"] == "CN" and line["currency"] == "USD"
    assert line["production_date"] == date(2026, 9, 20)
    assert line["spec"] is None and set(line) == set(GOODS_COLUMNS)


def test_a_given_value_is_kept(s):
    lines, errors = clean_goods_lines(s, [good_line(value="100.5")], draft=False)
    assert errors == {} and lines[0]["value"] == Decimal("100.5")


def test_every_wrong_cell_gets_its_reason(s):
    bad = good_line(hs_code="12345", ciq_code="1x", quantity="-1", quantity_unit="999", weight="1.23456",
                    weight_unit="001", packages="2.5", package_type="Q9", currency="ABC", origin_country="QQ",
                    production_date="2026-02-30", purpose="eat", name_en="x" * 257, unit_price="abc")
    lines, errors = clean_goods_lines(s, [good_line(), bad, good_line(hs_code="9999999999")], draft=False)
    assert {k: v for k, v in errors.items() if k.startswith("goods.2.")} == {
        "goods.2.hs_code": "hs_format", "goods.2.ciq_code": "ciq_format", "goods.2.quantity": "non_negative_number",
        "goods.2.quantity_unit": "choose_unit", "goods.2.weight": "max_4_decimals",
        "goods.2.weight_unit": "choose_unit",  # a quantity unit is not a weight unit
        "goods.2.packages": "whole_number", "goods.2.package_type": "choose_package_type",
        "goods.2.currency": "choose_currency", "goods.2.origin_country": "choose_country",
        "goods.2.production_date": "date_format", "goods.2.purpose": "choose_purpose",
        "goods.2.name_en": "too_long", "goods.2.unit_price": "non_negative_number",
        "goods.2.value": "required",
    }
    assert errors["goods.3.hs_code"] == "hs_unknown"
    assert not any(k.startswith("goods.1.") for k in errors)


def test_required_cells_are_checked_only_when_not_a_draft(s):
    row = {"name_en": "FROZEN COD"}
    _, errors = clean_goods_lines(s, [row], draft=False)
    assert errors["goods.1.hs_code"] == "required" and errors["goods.1.name_zh"] == "required"
    assert errors["goods.1.currency"] == "required"
    lines, errors = clean_goods_lines(s, [row], draft=True)
    assert errors == {} and lines[0]["hs_code"] == "" and lines[0]["name_en"] == "FROZEN COD"
    _, errors = clean_goods_lines(s, [{"hs_code": "12"}], draft=True)
    assert errors == {"goods.1.hs_code": "hs_format"}  # a draft still checks formats


def test_blank_rows_are_left_out_and_errors_keep_the_row_number(s):
    lines, errors = clean_goods_lines(s, [{}, {"hs_code": " ", "name_zh": None}, good_line(hs_code="1")],
                                      draft=True)
    assert len(lines) == 1 and errors == {"goods.3.hs_code": "hs_format"}


def test_all_codes_of_all_rows_are_checked_with_one_query(s, engine):
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        clean_goods_lines(s, [good_line() for _ in range(50)], draft=False)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([st for st in statements if "dict_entry" in st]) == 1


def test_too_many_lines_are_refused(s):
    _, errors = clean_goods_lines(s, [good_line()] * (MAX_GOODS + 1), draft=True)
    assert errors == {"goods": "too_many_goods"}


def test_html_is_kept_as_text(s):
    lines, errors = clean_goods_lines(s, [good_line(name_zh="<script>alert(1)</script>")], draft=False)
    assert errors == {} and lines[0]["name_zh"] == "<script>alert(1)</script>"


def test_iso6346_check_digit():
    assert iso6346_check_digit("CSQU305438") == 3
    assert container_number_problem("CSQU3054383") is None
    assert container_number_problem("CSQU3054384") == "container_check_digit"
    assert container_number_problem("CSQ3054383") == "container_no_format"
    assert container_number_problem("CSQX3054383") == "container_no_format"


def test_containers_are_checked():
    rows = [
        {"number": "csqu 3054383", "spec": "40hc", "count": "2", "lcl": "是", "seal_no": "S-1"},
        {"number": "CSQU3054383", "spec": "99XX", "count": "0", "lcl": "maybe", "seal_no": "x" * 33},
        {"number": "CSQU3054384"},
        {"number": "", "spec": "20GP", "lcl": False},
    ]
    cleaned, errors = clean_containers(rows, draft=False)
    assert cleaned[0] == {"number": "CSQU3054383", "spec": "40HC", "count": 2, "lcl": True, "seal_no": "S-1"}
    assert errors == {
        "containers.2.number": "duplicate_container", "containers.2.spec": "choose_container_spec",
        "containers.2.count": "at_least_one", "containers.2.lcl": "yes_or_no", "containers.2.seal_no": "too_long",
        "containers.3.number": "container_check_digit", "containers.4.number": "required",
    }
    cleaned, errors = clean_containers([{"number": "", "spec": "20GP", "lcl": True}, {"lcl": True}], draft=True)
    assert errors == {} and len(cleaned) == 1 and cleaned[0]["count"] == 1


def test_totals_per_currency_in_kilograms_and_packages():
    result = totals([
        {"value": Decimal("100.50"), "currency": "USD", "weight": Decimal("1.2"), "weight_unit": "070",
         "packages": 10},
        {"quantity": "3", "unit_price": "2.5", "currency": "usd", "weight": "500", "weight_unit": "036",
         "packages": "5"},
        {"value": "7", "currency": "EUR", "weight": "3", "weight_unit": "001", "packages": "x"},
    ])
    assert result["value"] == {"EUR": Decimal("7"), "USD": Decimal("108.00")}
    assert result["weight_kg"] == Decimal("1200.500") and result["packages"] == 15
    assert result["lines"] == 3 and result["weight_unconverted"] == 1
