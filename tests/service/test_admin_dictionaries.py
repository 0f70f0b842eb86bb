"""Dictionaries administration: codes checked per dictionary, unique, fixed; retired entries leave the
pickers but keep their names; entries in use cannot be deleted; every change audited."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data.admin.common import AdminInvalid, InUse
from data.admin.dictionaries import (
    ADMIN_DICTIONARIES,
    USES,
    UnknownDictionary,
    create_entry,
    delete_entry,
    entry_uses,
    form_choices,
    get_entry,
    list_entries,
    set_entry_active,
    update_entry,
)
from data.core.scope import AccessDenied
from data.declarations.goods import known_codes
from data.models import (
    ApplicationGoods,
    CertificateApplication,
    CertificateFormat,
    CertificateTemplate,
    Declaration,
    DictEntry,
    Event,
    GoodsLine,
)
from data.reference.catalog import load_reference
from data.reference.lookup import search_dictionary
from tests.support.world import actor


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session)
        session.commit()
        yield session


def events(s, object_id):
    return list(s.scalars(select(Event).where(Event.object_type == "dict_entry", Event.object_id == object_id)
                          .order_by(Event.id)))


def test_an_administrator_adds_an_entry_in_the_dictionarys_format(s):
    admin = actor(s, "sysadmin")
    row = create_entry(s, admin, "country", {"code": " zz ", "name_zh": "测试国", "name_en": "Testland",
                                             "alpha_3": "zzz", "numeric": "999", "sort": "5"})
    s.commit()
    assert (row.code, row.extra, row.sort, row.active) == ("ZZ", {"alpha_3": "ZZZ", "numeric": "999"}, 5, True)
    [event] = events(s, "country:ZZ")
    assert event.code == "admin.dictionary.created" and event.actor_id == admin.user_id
    assert event.details == {"before": None, "after": {"name_zh": "测试国", "name_en": "Testland", "sort": 5,
                                                       "active": True, "alpha_3": "ZZZ", "numeric": "999"}}
    assert [r.code for r in search_dictionary(s, admin, "country", "Testland").rows] == ["ZZ"]


@pytest.mark.parametrize("dictionary,code,reason", [
    ("country", "CHN", "code_country"),
    ("country", "C1", "code_country"),
    ("currency", "us", "code_currency"),
    ("unit", "35", "code_unit"),
    ("package_type", "C", "code_package_type"),
    ("transport_mode", "10", "code_transport_mode"),
    ("trade_mode", "011", "code_trade_mode"),
    ("attached_document", "10100A", "code_attached_document"),
    ("hs_code", "030363", "code_hs"),
    ("certificate_type", "1", "code_certificate_type"),
    ("country", "", "required"),
])
def test_a_code_in_the_wrong_format_is_refused_and_nothing_is_written(s, dictionary, code, reason):
    admin = actor(s, "sysadmin")
    before = s.scalar(select(func.count()).select_from(DictEntry))
    with pytest.raises(AdminInvalid) as refused:
        create_entry(s, admin, dictionary, {"code": code, "name_zh": "名", "name_en": "Name", "kind": "weight",
                                            "direction": "exit", "unit1": "035", "category": "exit"})
    assert refused.value.errors == {"code": reason}
    s.rollback()
    assert s.scalar(select(func.count()).select_from(DictEntry)) == before
    assert s.scalar(select(func.count()).select_from(Event).where(Event.object_type == "dict_entry")) == 0


def test_duplicates_are_refused_with_what_to_do(s):
    admin = actor(s, "sysadmin")
    with pytest.raises(AdminInvalid) as taken:
        create_entry(s, admin, "currency", {"code": "usd", "name_zh": "美元", "name_en": "US Dollar"})
    assert taken.value.errors == {"code": "code_taken"}
    set_entry_active(s, admin, "currency", "USD", False)
    with pytest.raises(AdminInvalid) as retired:
        create_entry(s, admin, "currency", {"code": "USD", "name_zh": "美元", "name_en": "US Dollar"})
    assert retired.value.errors == {"code": "code_retired"}
    with pytest.raises(AdminInvalid) as type_taken:
        create_entry(s, admin, "certificate_type", {"code": "14", "name_zh": "兽医", "name_en": "Vet",
                                                    "category": "exit"})
    assert type_taken.value.errors == {"code": "code_taken"}


def test_every_field_is_checked_at_once(s):
    admin = actor(s, "sysadmin")
    with pytest.raises(AdminInvalid) as refused:
        create_entry(s, admin, "hs_code", {"code": "0303630001", "name_zh": "", "name_en": "x" * 257, "sort": "-1",
                                           "unit1": "999", "unit2": "", "cert_types": ["14", "77"]})
    assert refused.value.errors == {"name_zh": "required", "name_en": "too_long", "sort": "sort_number",
                                    "unit1": "choose_unit", "cert_types": "choose_certificate_types"}
    with pytest.raises(AdminInvalid) as unit:
        create_entry(s, admin, "unit", {"code": "998", "name_zh": "箱", "name_en": "box", "kind": "boxes"})
    assert unit.value.errors == {"kind": "choose_one"}


def test_an_edit_keeps_the_code_and_logs_only_what_changed(s):
    admin = actor(s, "sysadmin")
    before = get_entry(s, admin, "hs_code", "0303630000")
    row = update_entry(s, admin, "hs_code", "0303630000", {
        "name_zh": "冻鳕鱼（整条）", "name_en": before.name_en, "sort": "0", "unit1": before.extra["unit1"],
        "unit2": before.extra.get("unit2") or "", "cert_types": ["14", "16"]})
    s.commit()
    assert row.name_zh == "冻鳕鱼（整条）" and row.extra["cert_types"] == ["14", "16"]
    [event] = events(s, "hs_code:0303630000")
    assert event.code == "admin.dictionary.updated"
    assert event.details["before"]["name_zh"] == before.name_zh
    assert event.details["after"] == {"name_zh": "冻鳕鱼（整条）", "cert_types": ["14", "16"]}
    with pytest.raises(AdminInvalid) as fixed:
        update_entry(s, admin, "hs_code", "0303630000", {"code": "0303630001", "name_zh": "x", "name_en": "x",
                                                         "unit1": "035"})
    assert fixed.value.errors == {"code": "code_fixed"}


def test_a_retired_entry_leaves_pickers_and_checks_but_keeps_its_name(s):
    admin, oper = actor(s, "sysadmin"), actor(s, "ent_a_oper")
    set_entry_active(s, admin, "package_type", "CT", False)
    s.commit()
    assert search_dictionary(s, oper, "package_type", "CT").rows == [] or all(
        r.code != "CT" for r in search_dictionary(s, oper, "package_type", "CT").rows)
    assert known_codes(s, {"package_type": {"CT"}})["package_type"] == set()
    assert s.get(DictEntry, ("package_type", "CT")).name_zh  # old records still find the name
    assert [r.code for r in list_entries(s, admin, "package_type", "CT", "retired").rows] == ["CT"]
    assert "CT" not in {r.code for r in list_entries(s, admin, "package_type", "", "active", page_size=200).rows}
    assert [e.code for e in events(s, "package_type:CT")] == ["admin.dictionary.retired"]
    set_entry_active(s, admin, "package_type", "CT", True)
    assert known_codes(s, {"package_type": {"CT"}})["package_type"] == {"CT"}
    set_entry_active(s, admin, "certificate_type", "18", False)
    assert all(r.code != "18" for r in search_dictionary(s, oper, "certificate_type", "").rows)


def test_an_unused_entry_is_deleted_and_the_deletion_logged(s):
    admin = actor(s, "sysadmin")
    create_entry(s, admin, "trade_mode", {"code": "9999", "name_zh": "测试贸易", "name_en": "Test trade"})
    assert entry_uses(s, admin, "trade_mode", "9999") == []
    delete_entry(s, admin, "trade_mode", "9999")
    s.commit()
    assert s.get(DictEntry, ("trade_mode", "9999")) is None
    assert [e.code for e in events(s, "trade_mode:9999")] == ["admin.dictionary.created", "admin.dictionary.deleted"]
    assert events(s, "trade_mode:9999")[-1].details["after"] is None


def _declaration(s, users) -> Declaration:
    return s.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))


def test_entries_in_use_cannot_be_deleted_and_the_refusal_names_where(s, users):
    admin = actor(s, "sysadmin")
    decl = _declaration(s, users)
    decl.dest_country, decl.transport_mode, decl.currency = "KR", "1", "USD"
    s.add(GoodsLine(declaration_id=decl.id, seq=1, hs_code="0303630000", name_zh="冻鳕鱼", quantity_unit="035",
                    package_type="CT", origin_country="CN"))
    app = s.scalar(select(CertificateApplication).where(CertificateApplication.declaration_id == decl.id))
    s.add(ApplicationGoods(application_id=app.id, seq=1, hs_code="0303630000", name_zh="冻鳕鱼", weight_unit="036"))
    s.commit()
    cases = {
        ("country", "KR"): ["declaration.dest_country"],
        ("country", "CN"): ["goods_line.origin_country"],
        ("transport_mode", "1"): ["declaration.transport_mode"],
        ("currency", "USD"): ["declaration.currency"],
        ("hs_code", "0303630000"): ["goods_line.hs_code", "application_goods.hs_code"],
        ("unit", "036"): ["application_goods.weight_unit"],
        ("package_type", "CT"): ["goods_line.package_type"],
        ("certificate_type", "14"): ["certificate_format.cert_type_code", "certificate_application.cert_type_code",
                                     "certificate.cert_type_code", "dict_entry.hs_code"],
    }
    for (dictionary, code), places in cases.items():
        with pytest.raises(InUse) as refused:
            delete_entry(s, admin, dictionary, code)
        assert list(refused.value.places) == places, (dictionary, code)
        assert s.get(DictEntry, (dictionary, code)) is not None or dictionary == "certificate_type"
    # the unit 035 is the first legal unit of HS codes as well as on the goods line
    assert entry_uses(s, admin, "unit", "035") == ["goods_line.quantity_unit", "dict_entry.hs_code"]
    assert s.scalar(select(func.count()).select_from(Event).where(Event.code == "admin.dictionary.deleted")) == 0


def test_codes_held_in_certificate_fields_templates_and_defaults_count_as_uses(s, users):
    admin = actor(s, "sysadmin")
    fmt = s.get(CertificateFormat, "C3-1")
    fmt.fields = [{"key": "npp_country", "label_zh": "致", "label_en": "To", "required": True, "kind": "country"},
                  {"key": "conveyance", "label_zh": "运输工具", "label_en": "Conveyance", "required": True,
                   "kind": "transport_mode"}]
    app = s.get(CertificateApplication, users.application_ids["A-0901"])
    app.fields = {"npp_country": "JP", "conveyance": "4"}
    s.add(CertificateTemplate(enterprise_id=users.enterprise_ids["A"], name="t", format_code="C3-1",
                              fields={"conveyance": "2"},
                              goods=[{"hs_code": "0303640000", "package_type": "BX", "quantity_unit": "007"}]))
    s.commit()
    assert entry_uses(s, admin, "country", "JP") == ["certificate_application.fields"]
    assert entry_uses(s, admin, "transport_mode", "4") == ["certificate_application.fields"]
    assert entry_uses(s, admin, "transport_mode", "2") == ["certificate_template.fields"]
    assert entry_uses(s, admin, "hs_code", "0303640000") == ["certificate_template.goods"]
    assert entry_uses(s, admin, "package_type", "BX") == ["certificate_template.goods"]
    assert entry_uses(s, admin, "transport_mode", "3") == []


def test_every_dictionary_can_be_asked_where_a_code_is_used(s):
    admin = actor(s, "sysadmin")
    for dictionary in ADMIN_DICTIONARIES:
        assert USES[dictionary], dictionary
        assert entry_uses(s, admin, dictionary, "NOPE") == []


def test_only_dictionary_administrators_may_edit(s):
    for account in ("officer0901", "manager0900", "ent_a_admin"):
        who = actor(s, account)
        with pytest.raises(AccessDenied):
            list_entries(s, who, "country")
        with pytest.raises(AccessDenied):
            create_entry(s, who, "country", {"code": "ZY", "name_zh": "x", "name_en": "x"})
        with pytest.raises(AccessDenied):
            delete_entry(s, who, "country", "CN")
    with pytest.raises(UnknownDictionary):
        list_entries(s, actor(s, "sysadmin"), "district")


def test_certificate_types_are_edited_like_entries(s):
    admin = actor(s, "sysadmin")
    row = create_entry(s, admin, "certificate_type", {"code": "41", "name_zh": "测试证书", "name_en": "TEST",
                                                      "category": "packaging", "bilingual": False, "sort": "40"})
    assert row.extra == {"category": "packaging", "bilingual": False}
    assert "41" in {code for code, _zh, _en in form_choices(s, admin)["cert_types"]}
    found = list_entries(s, admin, "certificate_type", "测试")
    assert [r.code for r in found.rows] == ["41"]
    delete_entry(s, admin, "certificate_type", "41")
    with pytest.raises(AdminInvalid) as refused:
        create_entry(s, admin, "certificate_type", {"code": "42", "name_zh": "测" * 65, "name_en": "T"})
    assert refused.value.errors == {"name_zh": "too_long", "category": "required"}


def test_old_records_keep_showing_the_names_of_retired_entries(s, users):
    from data.applications.listing import application_detail

    admin, oper = actor(s, "sysadmin"), actor(s, "ent_a_oper")
    app = s.get(CertificateApplication, users.application_ids["A-0901"])
    app.dest_country = "KR"
    s.add(ApplicationGoods(application_id=app.id, seq=1, hs_code="0303630000", name_zh="冻鳕鱼", quantity_unit="035"))
    _declaration(s, users).trade_mode = "0110"
    s.commit()
    for dictionary, code in (("country", "KR"), ("unit", "035"), ("trade_mode", "0110"), ("certificate_type", "14")):
        set_entry_active(s, admin, dictionary, code, False)
    s.commit()
    detail = application_detail(s, oper, app.id)
    assert detail.dest_country.name_zh == "韩国" and detail.goods[0].unit.name_zh == "千克"
    assert detail.declaration["trade_mode"].name_zh == "一般贸易" and detail.cert_type_zh == "兽医卫生证书"


def test_an_entry_keeps_a_unit_retired_since_but_a_new_choice_must_be_active(s):
    admin = actor(s, "sysadmin")
    hs = get_entry(s, admin, "hs_code", "0303630000")
    set_entry_active(s, admin, "unit", hs.extra["unit1"], False)
    kept = {"name_zh": "冻鳕鱼", "name_en": hs.name_en, "unit1": hs.extra["unit1"], "unit2": "",
            "cert_types": hs.extra.get("cert_types") or []}
    assert update_entry(s, admin, "hs_code", "0303630000", kept).name_zh == "冻鳕鱼"
    other = get_entry(s, admin, "hs_code", "8422110000")  # its first legal unit is 001
    with pytest.raises(AdminInvalid) as refused:
        update_entry(s, admin, "hs_code", "8422110000", {"name_zh": other.name_zh, "name_en": other.name_en,
                                                         "unit1": hs.extra["unit1"]})
    assert refused.value.errors == {"unit1": "choose_unit"}
