"""Declaration defaults (默认信息设置): per enterprise, checked against the dictionaries, saved all or nothing."""
from __future__ import annotations

import pytest

from data.core.scope import AccessDenied
from data.declarations.defaults import (
    DEFAULT_FIELDS,
    DefaultsInvalid,
    choices,
    declaration_defaults,
    registration_no,
    save_defaults,
    section_values,
)
from data.models import CustomsDistrict, Declaration, Enterprise, EnterpriseSetting, GoodsLine
from data.reference.catalog import load_reference
from tests.support.world import actor

COMMON = {"contact_name": "王经理", "contact_phone": "+86 (411) 8888-0000", "transport_mode": "1",
          "trade_mode": "0110", "currency": "usd", "package_type": "CT", "purpose": "12",
          "storage_place": "大连港 3 号库"}
EXIT = {"production_unit_reg_no": "2100/02001", "production_unit": "大连海盛水产有限公司", "departure_port": "大连",
        "category": "21", "district_code": "0901", "inspection_place_code": "0903", "port_authority_code": "0900",
        "origin_place": "辽宁大连", "issue_district_code": "0901", "dest_country": "kr"}


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session, overwrite=True)
        session.commit()
        yield session


def test_every_default_names_a_declaration_or_goods_column():
    for section, fields in DEFAULT_FIELDS.items():
        for f in fields:
            model = GoodsLine if f.goods else Declaration
            column = model.__table__.columns[f.key]
            assert column.type.length == f.limit, (section, f.key)


def test_common_and_direction_values_make_the_declarations_defaults(s, users):
    ent = actor(s, "ent_a_oper")
    assert declaration_defaults(s, ent, "exit") == {}
    save_defaults(s, ent, "common", COMMON)
    save_defaults(s, ent, "exit", EXIT)
    save_defaults(s, ent, "entry", {"arrival_port": "大连", "category": "13", "origin_country": "JP"})
    s.commit()
    exit_defaults = declaration_defaults(s, actor(s, "ent_a_admin"), "exit")  # the whole enterprise shares them
    assert exit_defaults == {**COMMON, "currency": "USD", **EXIT, "dest_country": "KR"}
    entry_defaults = declaration_defaults(s, ent, "entry")
    assert entry_defaults["origin_country"] == "JP" and entry_defaults["trade_mode"] == "0110"
    assert "dest_country" not in entry_defaults and "production_unit" not in entry_defaults
    stored = s.get(EnterpriseSetting, (users.enterprise_ids["A"], "defaults.exit"))
    assert stored.value["category"] == "21"


def test_saving_a_section_replaces_it_and_blank_values_are_dropped(s, users):
    ent = actor(s, "ent_a_oper")
    save_defaults(s, ent, "common", COMMON)
    save_defaults(s, ent, "common", {"contact_name": "李四", "currency": "  "})
    s.commit()
    assert section_values(s, ent, "common") == {"contact_name": "李四"}


def test_enterprises_keep_their_own_defaults(s, users):
    save_defaults(s, actor(s, "ent_a_oper"), "exit", EXIT)
    s.commit()
    other = actor(s, "ent_b_oper")
    assert declaration_defaults(s, other, "exit") == {} and section_values(s, other, "exit") == {}
    save_defaults(s, other, "exit", {"dest_country": "JP"})
    s.commit()
    assert declaration_defaults(s, actor(s, "ent_a_oper"), "exit")["dest_country"] == "KR"


def test_a_bad_section_names_every_wrong_field_and_keeps_what_was_stored(s, users):
    ent = actor(s, "ent_a_oper")
    save_defaults(s, ent, "exit", EXIT)
    s.commit()
    bad = {**EXIT, "category": "11", "district_code": "9999", "dest_country": "XX", "departure_port": "港" * 65,
           "origin_place": "<b>大连</b>", "unknown": "x"}
    with pytest.raises(DefaultsInvalid) as caught:
        save_defaults(s, ent, "exit", bad)
    assert caught.value.errors == {"category": "choose_category", "district_code": "choose_district",
                                   "dest_country": "choose_country", "departure_port": "too_long",
                                   "unknown": "unknown_field"}
    s.rollback()
    assert section_values(s, ent, "exit") == {**EXIT, "dest_country": "KR"}


@pytest.mark.parametrize("values,errors", [
    ({"contact_phone": "call me"}, {"contact_phone": "phone_format"}),
    ({"transport_mode": "Z"}, {"transport_mode": "choose_transport_mode"}),
    ({"trade_mode": "9999"}, {"trade_mode": "choose_trade_mode"}),
    ({"currency": "XYZ1"}, {"currency": "choose_currency"}),
    ({"package_type": "QQ"}, {"package_type": "choose_package_type"}),
    ({"contact_name": "名" * 65, "purpose": "食用"}, {"contact_name": "too_long", "purpose": "choose_purpose"}),
])
def test_common_values_are_checked_against_the_dictionaries(s, users, values, errors):
    with pytest.raises(DefaultsInvalid) as caught:
        save_defaults(s, actor(s, "ent_a_oper"), "common", values)
    assert caught.value.errors == errors


def test_an_inactive_district_is_not_offered_nor_accepted(s, users):
    s.get(CustomsDistrict, "0903").active = False
    s.commit()
    ent = actor(s, "ent_a_oper")
    assert "0903" not in {code for code, _zh, _en in choices(s, ent)["district"]}
    with pytest.raises(DefaultsInvalid) as caught:
        save_defaults(s, ent, "entry", {"inspection_place_code": "0903"})
    assert caught.value.errors == {"inspection_place_code": "choose_district"}


def test_unknown_sections_and_directions_are_refused(s, users):
    ent = actor(s, "ent_a_oper")
    for call in (lambda: save_defaults(s, ent, "packaging", {}), lambda: section_values(s, ent, "x"),
                 lambda: declaration_defaults(s, ent, "transit")):
        with pytest.raises(DefaultsInvalid):
            call()


@pytest.mark.parametrize("account", ["officer0901", "manager0900", "sysadmin", "overseas_ru"])
def test_only_declaring_enterprise_users_set_defaults(s, users, account):
    with pytest.raises(AccessDenied):
        save_defaults(s, actor(s, account), "common", {"contact_name": "x"})
    with pytest.raises(AccessDenied):
        declaration_defaults(s, actor(s, account), "exit")


def test_the_registration_no_is_the_enterprises_own_and_the_choices_come_from_the_store(s, users):
    s.get(Enterprise, users.enterprise_ids["A"]).registration_no = "2100000001"
    s.commit()
    ent = actor(s, "ent_a_oper")
    assert registration_no(s, ent) == "2100000001" and registration_no(s, actor(s, "ent_b_oper")) == ""
    offered = choices(s, ent)
    assert ("CT", "纸箱", "Carton") in offered["package_type"]
    assert {"KR", "USD", "0110", "1", "0901"} <= {code for entries in offered.values() for code, _z, _e in entries}
