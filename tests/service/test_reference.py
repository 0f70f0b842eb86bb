"""Reference data: the shipped code lists are well-formed, consistent and load idempotently."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from data.core.scope import district_subtree
from data.models import CertificateFormat, CertificateType, CustomsDistrict, DictEntry
from data.reference.catalog import (
    DICTIONARIES,
    FIELD_KINDS,
    dictionary,
    load_reference,
)

DALIAN_SUBTREE = {"0901", "0903", "0908", "0911", "0915", "0917", "0930", "0950", "0960", "0980"}


@pytest.fixture
def loaded(db_session):
    """Return a session on a store holding the shipped reference data."""
    load_reference(db_session)
    db_session.commit()
    return db_session


def _names(s, name: str) -> dict[str, DictEntry]:
    return {e.code: e for e in dictionary(s, name)}


def test_first_load_inserts_every_table_and_dictionary(db_session):
    counts = load_reference(db_session)
    assert set(counts) == {"customs_district", "certificate_type", "certificate_format", *DICTIONARIES}
    assert all(n > 0 for n in counts.values()), counts
    assert counts["certificate_type"] == 11


def test_district_codes_are_four_digits_and_parents_exist(loaded):
    districts = {d.code: d for d in loaded.scalars(select(CustomsDistrict))}
    assert all(re.fullmatch(r"\d{4}", code) for code in districts)
    assert all(d.parent_code in districts for d in districts.values() if d.parent_code)
    assert all(d.name_zh.endswith("海关") and d.name_en.endswith("Customs") for d in districts.values())
    directly_under = {c for c, d in districts.items() if d.parent_code is None}
    assert len(directly_under) == 42
    assert {"0100", "0900", "2200", "4200", "5300", "9700"} <= directly_under


def test_dalian_subtree_is_exactly_its_ten_subordinate_houses(loaded):
    children = set(loaded.scalars(select(CustomsDistrict.code).where(CustomsDistrict.parent_code == "0900")))
    assert children == DALIAN_SUBTREE
    assert district_subtree(loaded, "0900") == {"0900"} | DALIAN_SUBTREE


def test_subtree_follows_any_depth_and_is_empty_for_unknown_codes(loaded):
    loaded.add(CustomsDistrict(code="0999", parent_code="0901", name_zh="测试办事处", name_en="Test Office"))
    loaded.flush()
    assert "0999" in district_subtree(loaded, "0900")
    assert district_subtree(loaded, "0901") == {"0901", "0999"}
    assert district_subtree(loaded, "0903") == {"0903"}
    assert district_subtree(loaded, "1234") == frozenset()


def test_countries_have_chinese_names(loaded):
    countries = _names(loaded, "country")
    assert len(countries) >= 240
    assert all(e.name_zh and e.name_en for e in countries.values())
    assert countries["JP"].name_zh == "日本"
    assert countries["KR"].name_zh == "韩国"
    assert countries["RU"].name_zh in {"俄罗斯联邦", "俄罗斯"}
    assert countries["US"].name_zh == "美国"
    assert countries["AZ"].name_zh == "阿塞拜疆"
    assert countries["CN"].extra == {"alpha_3": "CHN", "numeric": "156"}
    for code in ("JP", "KR", "RU", "US", "AZ"):
        assert not countries[code].name_zh.isascii()


def test_currencies_come_from_iso_4217_with_chinese_names(loaded):
    currencies = _names(loaded, "currency")
    assert len(currencies) >= 150
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in currencies)
    assert currencies["CNY"].extra == {"numeric": "156"}
    assert currencies["USD"].name_zh == "美元"
    assert currencies["EUR"].name_zh == "欧元"


def test_units_are_three_digit_customs_codes_with_a_kind(loaded):
    units = _names(loaded, "unit")
    assert all(re.fullmatch(r"\d{3}", code) for code in units)
    assert all(e.extra["kind"] in {"weight", "quantity", "length", "area", "volume", "other"} for e in units.values())
    assert (units["035"].name_zh, units["035"].extra["rec20"]) == ("千克", "KGM")
    assert (units["070"].name_zh, units["070"].extra["rec20"]) == ("吨", "TNE")
    assert units["007"].name_zh == "个"


def test_every_package_type_is_a_two_character_code(loaded):
    package_types = _names(loaded, "package_type")
    assert len(package_types) >= 40
    assert all(re.fullmatch(r"[0-9A-Z]{2}", code) for code in package_types)
    assert {"BG", "BX", "CT", "CS", "PK", "PX", "DR", "BA", "NE", "VL", "VR", "VY"} <= set(package_types)


def test_transport_modes_are_rec_19(loaded):
    modes = _names(loaded, "transport_mode")
    assert set(modes) == {str(n) for n in range(10)}
    assert modes["1"].name_zh == "水路运输"
    assert modes["4"].name_zh == "航空运输"


def test_trade_modes_and_attached_documents_have_customs_codes(loaded):
    trade_modes = _names(loaded, "trade_mode")
    assert all(re.fullmatch(r"\d{4}", code) for code in trade_modes)
    assert trade_modes["0110"].name_zh == "一般贸易"
    documents = _names(loaded, "attached_document")
    assert all(re.fullmatch(r"10[12]\d{3}", code) for code in documents)
    assert documents["101005"].name_zh == "提单/运单"
    assert {e.extra["direction"] for e in documents.values()} == {"entry", "exit"}


def test_hs_codes_are_ten_digits_with_known_units_and_certificate_types(loaded):
    hs_codes = _names(loaded, "hs_code")
    units = set(_names(loaded, "unit"))
    cert_types = set(loaded.scalars(select(CertificateType.code)))
    assert 150 <= len(hs_codes) <= 300
    for code, entry in hs_codes.items():
        assert re.fullmatch(r"\d{10}", code), code
        assert entry.name_zh and entry.name_en, code
        assert entry.extra["unit1"] in units, code
        assert entry.extra["unit2"] is None or entry.extra["unit2"] in units, code
        assert entry.extra["cert_types"] and set(entry.extra["cert_types"]) <= cert_types, code


def test_eleven_certificate_types_in_menu_order_each_with_a_format(loaded):
    types = list(loaded.scalars(select(CertificateType).order_by(CertificateType.sort)))
    assert [t.code for t in types] == ["14", "18", "16", "15", "11", "19", "99", "21", "17", "31", "32"]
    assert {t.code for t in types if not t.bilingual} == {"21", "31", "32"}
    assert {t.code for t in types if t.category == "packaging"} == {"31", "32"}
    with_formats = set(loaded.scalars(select(CertificateFormat.cert_type_code)))
    assert with_formats == {t.code for t in types}


def test_format_fields_have_unique_keys_and_both_labels(loaded):
    for fmt in loaded.scalars(select(CertificateFormat)):
        keys = [f["key"] for f in fmt.fields]
        assert keys and len(keys) == len(set(keys)), fmt.code
        for field in fmt.fields:
            assert field["label_zh"] and field["label_en"], (fmt.code, field["key"])
            assert field["kind"] in FIELD_KINDS, (fmt.code, field["key"])
            assert isinstance(field["required"], bool)
        assert fmt.layout["page_size"] == "A4"
        assert fmt.layout["title_zh"] and fmt.layout["title_en"]


def test_veterinary_format_follows_the_liaoning_manual(loaded):
    fmt = loaded.get(CertificateFormat, "C3-1")
    assert [f["key"] for f in fmt.fields] == [
        "consignor", "consignee", "description", "weight", "origin", "marks", "packages", "container_no",
        "seal_no", "establishment", "despatch_place", "destination", "conveyance", "despatch_date", "content",
        "remarks",
    ]
    assert fmt.layout["signatory_zh"] == "官方兽医"
    assert loaded.get(CertificateFormat, "C5-1").cert_type_code == "18"
    assert loaded.get(CertificateFormat, "C99-1").cert_type_code == "99"


def test_second_load_inserts_nothing(loaded):
    before = loaded.scalar(select(func.count()).select_from(DictEntry))
    counts = load_reference(loaded)
    assert set(counts.values()) == {0}
    assert loaded.scalar(select(func.count()).select_from(DictEntry)) == before


def test_edits_survive_a_reload_and_overwrite_restores_shipped_values(loaded):
    loaded.get(DictEntry, ("country", "JP")).name_zh = "日本国"
    loaded.get(CustomsDistrict, "0901").name_en = "Dalian Harbour Customs"
    loaded.get(CertificateFormat, "C3-1").name_zh = "兽医证书（旧版）"
    loaded.commit()

    load_reference(loaded)
    loaded.commit()
    assert loaded.get(DictEntry, ("country", "JP")).name_zh == "日本国"
    assert loaded.get(CustomsDistrict, "0901").name_en == "Dalian Harbour Customs"
    assert loaded.get(CertificateFormat, "C3-1").name_zh == "兽医证书（旧版）"

    counts = load_reference(loaded, overwrite=True)
    loaded.commit()
    assert set(counts.values()) == {0}
    assert loaded.get(DictEntry, ("country", "JP")).name_zh == "日本"
    assert loaded.get(CustomsDistrict, "0901").name_en == "Dalian Gangwan Customs"
    assert loaded.get(CertificateFormat, "C3-1").name_zh == "兽医(卫生)证书"


def test_deleted_rows_come_back_and_inactive_ones_stay_hidden(loaded):
    loaded.delete(loaded.get(DictEntry, ("trade_mode", "0110")))
    loaded.get(DictEntry, ("trade_mode", "0214")).active = False
    loaded.commit()

    assert load_reference(loaded, overwrite=True)["trade_mode"] == 1
    loaded.commit()
    codes = {e.code for e in dictionary(loaded, "trade_mode")}
    assert "0110" in codes and "0214" not in codes
    assert "0214" in {e.code for e in dictionary(loaded, "trade_mode", active_only=False)}


def test_dictionary_orders_by_sort_then_code(loaded):
    loaded.get(DictEntry, ("transport_mode", "9")).sort = -1
    loaded.flush()
    assert [e.code for e in dictionary(loaded, "transport_mode")] == ["9", "0", "1", "2", "3", "4", "5", "6", "7", "8"]
