"""Declaration forms for the tests: the store with the reference data (`sessions`, `s`), a complete exit or entry
declaration's input, and saving one as a user. Test modules take the fixtures with
`pytest_plugins = ["tests.support.declaration_forms"]`."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from data.declarations.form import DeclarationInput, save_declaration
from data.reference.catalog import load_reference
from tests.support.world import actor

HS = "0303630000"  # frozen cod, from the shipped HS list
NOW = datetime(2026, 5, 4, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def sessions(app, users):
    factory = app.server.extensions["certdash"].sessions
    with factory() as session:
        load_reference(session)
        session.commit()
    return factory


@pytest.fixture
def s(sessions):
    with sessions() as session:
        yield session


def exit_fields(**changes) -> dict:
    fields = {
        "inspection_date": "2026-05-04", "category": "21", "contact_name": "王力", "contact_phone": "0411-8888 1234",
        "consignor_code": "2100600123", "consignor_zh": "大连海盛水产有限公司",
        "consignor_en": "DALIAN HAISHENG AQUATIC CO., LTD.", "consignor_address": "大连市中山区港湾街1号",
        "consignee_en": "KOREA SEAFOOD INC.", "consignee_address": "BUSAN, KOREA",
        "district_code": "0901", "inspection_place_code": "0901", "issue_district_code": "0901",
        "port_authority_code": "0901", "customs_declaration_district": "0900", "trade_mode": "0110",
        "transport_mode": "1", "transport_means": "COSCO STAR", "transport_no": "V.123E", "departure_port": "大连",
        "arrival_port": "BUSAN", "dest_country": "kr", "despatch_date": "20260510", "storage_place": "大连港冷库",
        "marks": "N/M", "required_documents": ["14"],
    }
    fields.update(changes)
    return fields


def goods_row(**changes) -> dict:
    row = {"hs_code": HS, "name_zh": "冻鳕鱼", "name_en": "FROZEN COD", "purpose": "12", "origin_country": "CN",
           "quantity": "1000", "quantity_unit": "035", "weight": "1", "weight_unit": "070", "packages": "100",
           "package_type": "CT", "unit_price": "3.5", "currency": "USD"}
    row.update(changes)
    return row


def exit_input(**field_changes) -> DeclarationInput:
    return DeclarationInput(exit_fields(**field_changes), [goods_row()],
                            [{"number": "CSQU3054383", "spec": "40RF", "count": "1", "lcl": False, "seal_no": "S1"}],
                            [{"doc_code": "102001", "doc_no": "HS-2026-01"}, {"doc_code": "102002"}])


def entry_input(**field_changes) -> DeclarationInput:
    fields = {
        "inspection_date": "2026-05-04", "category": "11", "contact_name": "王力", "contact_phone": "0411-88881234",
        "consignor_en": "NORWAY FISH AS", "consignee_code": "2100600123", "consignee_zh": "大连海盛水产有限公司",
        "consignee_address": "大连市", "district_code": "0901", "issue_district_code": "0901",
        "port_authority_code": "0901", "customs_declaration_district": "0900", "trade_mode": "0110",
        "transport_mode": "1", "transport_means": "MAERSK", "transport_no": "V.9", "bl_no": "MAEU123456",
        "origin_country": "NO", "departure_port": "OSLO", "arrival_port": "大连", "arrival_date": "2026-05-01",
        "storage_place": "大连港冷库", "marks": "N/M",
    }
    fields.update(field_changes)
    return DeclarationInput(fields, [goods_row(origin_country="NO")], [], [{"doc_code": "101001"}])


def save(s, account, data, *, mode="save", decl_id=None, version=None, direction="exit"):
    decl = save_declaration(s, actor(s, account), decl_id, data, version=version, mode=mode, direction=direction,
                            now=NOW)
    s.commit()
    return decl
