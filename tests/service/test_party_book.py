"""The consignor/consignee book: scoped to the enterprise, checked on save, remembered from declarations."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data.core.scope import AccessDenied, NotFound
from data.declarations.party_book import (
    PartyInvalid,
    delete_parties,
    get_party,
    list_parties,
    remember_party,
    save_party,
    search_parties,
)
from data.models import PartyBookEntry
from tests.support.world import actor

CREDIT = "91210200MA0QC4RW05"  # a valid unified social credit code (GB 32100 check characters hold)


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def count(s, enterprise_id):
    return s.scalar(select(func.count()).select_from(PartyBookEntry)
                    .where(PartyBookEntry.enterprise_id == enterprise_id))


def test_the_credit_code_used_here_is_valid():
    from data.reference.codes import credit_code_problem

    assert credit_code_problem(CREDIT) is None


def test_an_operator_adds_edits_and_finds_entries(s, users):
    ent = actor(s, "ent_a_oper")
    first = save_party(s, ent, None, {"code": " 2101000001 ", "name_zh": "大连海盛水产", "name_en": "Dalian Haisheng",
                                      "address": "大连市", "contact": "0411-8888"})
    save_party(s, ent, None, {"name_en": "KOREA SEAFOOD INC.", "address": "BUSAN"})
    s.commit()
    assert first.enterprise_id == users.enterprise_ids["A"] and first.code == "2101000001"
    assert [e.name_en for e in search_parties(s, ent, "korea")] == ["KOREA SEAFOOD INC."]
    assert [e.id for e in search_parties(s, ent, "2101")] == [first.id]
    assert [e.id for e in search_parties(s, ent, "海盛")] == [first.id]
    save_party(s, ent, first.id, {"code": CREDIT.lower(), "name_zh": "大连海盛水产有限公司"})
    s.commit()
    edited = get_party(s, ent, first.id)
    assert edited.code == CREDIT and edited.name_en is None  # the form sends every column: blank clears
    assert [e.id for e in search_parties(s, ent, "")][0] == first.id  # newest-updated first


def test_search_treats_like_wildcards_as_text(s, users):
    ent = actor(s, "ent_a_oper")
    save_party(s, ent, None, {"name_zh": "百分之百公司"})
    save_party(s, ent, None, {"name_en": "100% Trading_Co"})
    s.commit()
    assert [e.name_en for e in search_parties(s, ent, "%")] == ["100% Trading_Co"]
    assert [e.name_en for e in search_parties(s, ent, "_")] == ["100% Trading_Co"]
    assert search_parties(s, ent, "100%T") == []


def test_another_enterprise_never_sees_reaches_or_deletes_the_entries(s, users):
    mine = save_party(s, actor(s, "ent_a_oper"), None, {"code": "A1", "name_zh": "甲方收货人"})
    s.commit()
    other = actor(s, "ent_b_oper")
    assert search_parties(s, other, "") == [] and list_parties(s, other, "", 0, 10).rows == []
    with pytest.raises(NotFound):
        get_party(s, other, mine.id)
    with pytest.raises(NotFound):
        save_party(s, other, mine.id, {"name_zh": "改名"})
    assert delete_parties(s, other, [mine.id]) == 0
    s.commit()
    assert get_party(s, actor(s, "ent_a_admin"), mine.id).name_zh == "甲方收货人"  # the same enterprise's admin


@pytest.mark.parametrize("account", ["officer0901", "manager0900", "sysadmin", "overseas_ru"])
def test_only_declaring_enterprise_users_use_the_book(s, users, account):
    with pytest.raises(AccessDenied):
        search_parties(s, actor(s, account), "")
    with pytest.raises(AccessDenied):
        save_party(s, actor(s, account), None, {"name_zh": "x"})


@pytest.mark.parametrize("values,errors", [
    ({"code": "ABC", "address": "大连"}, {"name_zh": "party_name_required"}),
    ({"code": "AB-12", "name_zh": "甲"}, {"code": "party_code_format"}),
    ({"code": "9" * 19, "name_zh": "甲"}, {"code": "too_long"}),
    ({"code": CREDIT[:-1] + "6", "name_zh": "甲"}, {"code": "credit_check"}),
    ({"name_zh": "甲" * 129, "name_en": "E" * 257, "address": "A" * 257, "contact": "C" * 65},
     {"name_zh": "too_long", "name_en": "too_long", "address": "too_long", "contact": "too_long"}),
    ({"name_zh": "甲", "notes": "x"}, {"notes": "unknown_field"}),
])
def test_a_bad_entry_is_refused_with_every_reason_and_nothing_is_stored(s, users, values, errors):
    with pytest.raises(PartyInvalid) as caught:
        save_party(s, actor(s, "ent_a_oper"), None, values)
    assert caught.value.errors == errors
    s.rollback()
    assert count(s, users.enterprise_ids["A"]) == 0


def test_a_code_is_unique_inside_the_enterprise_only(s, users):
    save_party(s, actor(s, "ent_a_oper"), None, {"code": "X100", "name_zh": "甲"})
    second = save_party(s, actor(s, "ent_a_oper"), None, {"code": "X200", "name_zh": "乙"})
    with pytest.raises(PartyInvalid) as caught:
        save_party(s, actor(s, "ent_a_oper"), second.id, {"code": "x100", "name_zh": "乙"})
    assert caught.value.errors == {"code": "party_code_taken"}
    save_party(s, actor(s, "ent_b_oper"), None, {"code": "X100", "name_zh": "丙"})  # another enterprise may


def test_text_is_stored_as_typed_not_interpreted(s, users):
    entry = save_party(s, actor(s, "ent_a_oper"), None, {"name_en": "<script>alert(1)</script>"})
    assert entry.name_en == "<script>alert(1)</script>"


def test_pages_are_newest_first_and_know_whether_more_follow(s, users):
    ent = actor(s, "ent_a_oper")
    for n in range(5):
        save_party(s, ent, None, {"code": f"P{n}", "name_zh": f"收货人{n}"})
    s.commit()
    first, last = list_parties(s, ent, "", 0, 2), list_parties(s, ent, "", 2, 2)
    assert [e.code for e in first.rows] == ["P4", "P3"] and first.has_more
    assert [e.code for e in last.rows] == ["P0"] and not last.has_more
    assert [e.code for e in list_parties(s, ent, "收货人1", 0, 25).rows] == ["P1"]


def test_delete_removes_only_the_enterprises_checked_entries(s, users):
    a, b = actor(s, "ent_a_oper"), actor(s, "ent_b_oper")
    keep = save_party(s, a, None, {"name_zh": "留下"})
    gone = [save_party(s, a, None, {"name_zh": f"删{n}"}).id for n in range(2)]
    theirs = save_party(s, b, None, {"name_zh": "乙方"})
    s.commit()
    assert delete_parties(s, a, [*gone, theirs.id, 99999]) == 2
    s.commit()
    assert [e.id for e in search_parties(s, a, "")] == [keep.id]
    assert [e.id for e in search_parties(s, b, "")] == [theirs.id]
    assert delete_parties(s, a, []) == 0


def test_remember_party_upserts_by_code_then_by_chinese_name(s, users):
    ent_a = users.enterprise_ids["A"]
    remember_party(s, ent_a, code="", name_zh="韩国海产", name_en="KOREA SEAFOOD", address="SEOUL")
    s.commit()
    remember_party(s, ent_a, code="kr0001", name_zh="韩国海产", name_en="", address="  ")  # gains the code
    s.commit()
    entry = s.scalar(select(PartyBookEntry).where(PartyBookEntry.enterprise_id == ent_a))
    assert (entry.code, entry.name_en, entry.address) == ("KR0001", "KOREA SEAFOOD", "SEOUL")  # blanks keep values
    remember_party(s, ent_a, code="KR0001", name_zh="韩国海产株式会社", name_en=None, address="BUSAN")
    s.commit()
    assert count(s, ent_a) == 1
    s.refresh(entry)
    assert (entry.name_zh, entry.address) == ("韩国海产株式会社", "BUSAN")
    remember_party(s, ent_a, code="KR0002", name_zh="韩国海产株式会社", name_en=None, address=None)
    remember_party(s, ent_a, code=None, name_zh=None, name_en=None, address="nowhere")  # nothing to remember
    s.commit()
    assert count(s, ent_a) == 2  # another code is another party, even under the same name
    assert count(s, users.enterprise_ids["B"]) == 0


def test_remember_party_never_raises_and_leaves_out_a_code_the_book_refuses(s, users):
    ent_a = users.enterprise_ids["A"]
    remember_party(s, ent_a, code="NOT-A-CODE", name_zh="甲" * 200, name_en="E" * 300, address="A" * 300)
    remember_party(s, ent_a, code=None, name_zh=None, name_en="ONLY ENGLISH", address=None)
    remember_party(s, ent_a, code=None, name_zh=None, name_en="ONLY ENGLISH", address="LONDON")
    s.commit()
    rows = s.scalars(select(PartyBookEntry).where(PartyBookEntry.enterprise_id == ent_a)
                     .order_by(PartyBookEntry.id)).all()
    assert [(r.code, len(r.name_zh or ""), r.name_en[:5]) for r in rows] == [(None, 128, "EEEEE"), (None, 0, "ONLY ")]
    assert rows[1].address == "LONDON"
