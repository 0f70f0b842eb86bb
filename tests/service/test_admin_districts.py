"""Organisation structure: the district tree, edits, codes, retiring without breaking history, deleting."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from data.admin.districts import (
    create_district,
    delete_district,
    district_references,
    district_tree,
    set_district_active,
    update_district,
)
from data.admin.rules import AdminInvalid, AdminRefused
from data.core.db import transaction
from data.core.scope import AccessDenied
from data.models import CustomsDistrict, Event, User
from data.reference.lookup import search_dictionary
from tests.support.world import actor


@pytest.fixture
def store(app, users):
    return app.server.extensions["certdash"].sessions


def jinzhou(**changes) -> dict:
    return {**dict(code="0904", parent_code="0900", name_zh="锦州海关", name_en="Jinzhou Customs",
                   address="辽宁省锦州市", postcode="121000", sort="5"), **changes}


def events(s, code: str) -> list[Event]:
    return list(s.scalars(select(Event).where(Event.code == code).order_by(Event.id)))


def test_the_tree_puts_subordinate_districts_under_their_direct_one(app, store):
    with store() as s:
        tree = district_tree(s, actor(s, "sysadmin"))
    assert [(d.code, d.depth) for d in tree] == [("0200", 0), ("0900", 0), ("0901", 1), ("0903", 1)]


def test_a_new_district_is_stored_audited_and_offered(app, store):
    with transaction(store) as s:
        create_district(s, actor(s, "sysadmin"), jinzhou())
    with store() as s:
        d = s.get(CustomsDistrict, "0904")
        assert (d.parent_code, d.postcode, d.sort, d.active) == ("0900", "121000", 5, True)
        created = events(s, "admin.district_created")[0]
        assert created.object_type == "district" and created.object_id == "0904"
        assert created.details["before"] is None and created.details["after"]["name_zh"] == "锦州海关"
        found = search_dictionary(s, actor(s, "officer0901"), "district", "0904")
        assert [r.code for r in found.rows] == ["0904"]


@pytest.mark.parametrize("changes,field,reason", [
    ({"code": "0901"}, "code", "district_code_taken"),
    ({"code": "94"}, "code", "district_code_format"),
    ({"code": "09a4"}, "code", "district_code_format"),
    ({"code": ""}, "code", "required"),
    ({"name_zh": ""}, "name_zh", "required"),
    ({"name_zh": "金普海关"}, "name_zh", "district_name_taken"),
    ({"name_en": "x" * 129}, "name_en", "too_long"),
    ({"postcode": "12100"}, "postcode", "postcode_format"),
    ({"postcode": "12100a"}, "postcode", "postcode_format"),
    ({"sort": "-1"}, "sort", "sort_format"),
    ({"parent_code": "9999"}, "parent_code", "unknown_district"),
    ({"parent_code": "0901"}, "parent_code", "district_parent_level"),
])
def test_bad_district_forms_are_refused_and_nothing_is_written(app, store, changes, field, reason):
    with pytest.raises(AdminInvalid) as refused, transaction(store) as s:
        create_district(s, actor(s, "sysadmin"), jinzhou(**changes))
    assert refused.value.errors[field] == reason
    with store() as s:
        assert s.get(CustomsDistrict, "0904") is None and events(s, "admin.district_created") == []


def test_a_retired_parent_takes_no_new_districts(app, store):
    with transaction(store) as s:
        create_district(s, actor(s, "sysadmin"), jinzhou(code="0400", parent_code="", name_zh="沈阳海关",
                                                         name_en="Shenyang Customs"))
        set_district_active(s, actor(s, "sysadmin"), "0400", False)
    with pytest.raises(AdminInvalid) as refused, transaction(store) as s:
        create_district(s, actor(s, "sysadmin"), jinzhou(parent_code="0400"))
    assert refused.value.errors == {"parent_code": "district_retired"}


def test_names_address_and_postcode_are_edited_with_before_and_after(app, store):
    with transaction(store) as s:
        update_district(s, actor(s, "sysadmin"), "0903", dict(
            code="0903", name_zh="金普新区海关", name_en="Jinpu New Area Customs", address="大连市金州区<script>",
            postcode="116100", sort="3"))
    with store() as s:
        d = s.get(CustomsDistrict, "0903")
        assert (d.name_zh, d.address, d.postcode, d.parent_code) == ("金普新区海关", "大连市金州区<script>", "116100", "0900")
        edit = events(s, "admin.district_updated")[0]
        assert edit.details["before"] == {"name_zh": "金普海关", "name_en": "Jinpu Customs", "address": None,
                                          "postcode": None, "sort": 0}
        assert edit.details["after"]["postcode"] == "116100"


def test_refusals_name_what_refers_to_a_district(app):
    from dashboard.core.i18n import translator
    from layouts.admin.texts import refusal

    text = str(refusal(translator("en"), AdminRefused("district_in_use", tables=[
        "sub_district", "app_user", "stats_certificate", "stats_backlog", "new_table"])))
    assert "Retire it instead" in text and "Subordinate districts" in text and "Users" in text
    assert text.count("Statistics roll-ups") == 1 and "new_table" in text


def test_a_code_changes_only_while_nothing_refers_to_it(app, store):
    with transaction(store) as s:
        create_district(s, actor(s, "sysadmin"), jinzhou())
        update_district(s, actor(s, "sysadmin"), "0904", jinzhou(code="0905"))
    with store() as s:
        assert s.get(CustomsDistrict, "0904") is None and s.get(CustomsDistrict, "0905").name_zh == "锦州海关"
        changed = events(s, "admin.district_updated")[0]
        assert changed.details == {"before": {"code": "0904"}, "after": {"code": "0905"}}
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        update_district(s, actor(s, "sysadmin"), "0901", dict(
            code="0902", name_zh="大连港湾海关", name_en="Dalian Gangwan Customs"))
    assert refused.value.code == "district_code_in_use"
    assert {"app_user", "declaration", "certificate_application", "certificate"} <= set(refused.value.values["tables"])
    with store() as s:
        assert s.get(CustomsDistrict, "0901") is not None and s.get(CustomsDistrict, "0902") is None


def test_references_are_found_in_every_table_that_holds_a_district_code(app, store):
    with store() as s:
        assert district_references(s, "0900") == ["sub_district", "app_user"]
        assert "enterprise" in district_references(s, "0903")
        assert {"enterprise", "declaration", "certificate"} <= set(district_references(s, "0200"))


def test_retiring_keeps_history_and_stops_offering_the_district(app, users, store):
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        set_district_active(s, actor(s, "sysadmin"), "0903", False)
    assert (refused.value.code, refused.value.values) == ("district_has_active_users", {"n": 1})
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        set_district_active(s, actor(s, "sysadmin"), "0900", False)
    assert (refused.value.code, refused.value.values) == ("district_has_active_children", {"n": 2})
    with transaction(store) as s:
        s.get(User, users.user_ids["manager0903"]).active = False
        set_district_active(s, actor(s, "sysadmin"), "0903", False)
    with store() as s:
        assert [r.code for r in search_dictionary(s, actor(s, "officer0901"), "district", "09").rows] == \
               ["0900", "0901"]
        tree = {d.code: d for d in district_tree(s, actor(s, "sysadmin"))}
        assert tree["0903"].active is False  # still there, for history and statistics
        retired = events(s, "admin.district_retired")[0]
        assert (retired.details["before"], retired.details["after"]) == ({"active": True}, {"active": False})
    with transaction(store) as s:
        set_district_active(s, actor(s, "sysadmin"), "0903", True)
    with store() as s:
        assert s.get(CustomsDistrict, "0903").active and events(s, "admin.district_reactivated")


def test_a_district_under_a_retired_one_cannot_come_back_alone(app, store):
    with transaction(store) as s:
        admin = actor(s, "sysadmin")
        create_district(s, admin, jinzhou(code="0400", parent_code="", name_zh="沈阳海关", name_en="Shenyang Customs"))
        create_district(s, admin, jinzhou(code="0401", parent_code="0400"))
        set_district_active(s, admin, "0401", False)
        set_district_active(s, admin, "0400", False)
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        set_district_active(s, actor(s, "sysadmin"), "0401", True)
    assert refused.value.code == "district_parent_retired"


def test_only_a_district_never_referred_to_is_deleted(app, store):
    with transaction(store) as s:
        create_district(s, actor(s, "sysadmin"), jinzhou())
        delete_district(s, actor(s, "sysadmin"), "0904")
    with store() as s:
        assert s.get(CustomsDistrict, "0904") is None
        deleted = events(s, "admin.district_deleted")[0]
        assert deleted.details["after"] is None and deleted.details["before"]["code"] == "0904"
    for code in ("0900", "0901", "0200"):
        with pytest.raises(AdminRefused) as refused, transaction(store) as s:
            delete_district(s, actor(s, "sysadmin"), code)
        assert refused.value.code == "district_in_use"
    with store() as s:
        assert s.get(CustomsDistrict, "0901") is not None


def test_districts_need_the_permission(app, store):
    with store() as s:
        with pytest.raises(AccessDenied):
            create_district(s, actor(s, "manager0900"), jinzhou())
        with pytest.raises(AccessDenied):
            district_tree(s, actor(s, "officer0901"))
