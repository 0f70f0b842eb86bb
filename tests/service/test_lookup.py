"""Reference lookup: paged search by code prefix or name, for roles with the permission."""
from __future__ import annotations

import pytest

from data.core.scope import AccessDenied, Actor
from data.reference.catalog import load_reference
from data.reference.lookup import MAX_PAGE_SIZE, UnknownDictionary, search_dictionary


def actor(permissions=frozenset({"reference.view"})) -> Actor:
    return Actor(1, "someone", "someone", "enterprise", "zh", 1, None, frozenset(), frozenset(permissions))


@pytest.fixture
def loaded(db_session):
    load_reference(db_session)
    db_session.commit()
    return db_session


def test_search_by_code_prefix_and_by_name(loaded):
    by_code = search_dictionary(loaded, actor(), "hs_code", "0303")
    assert by_code.total > 0 and all(r.code.startswith("0303") for r in by_code.rows)
    by_name = search_dictionary(loaded, actor(), "country", "日本")
    assert [r.code for r in by_name.rows] == ["JP"]
    by_english = search_dictionary(loaded, actor(), "country", "japan")
    assert [r.code for r in by_english.rows] == ["JP"]


def test_paging_covers_every_entry_once(loaded):
    first = search_dictionary(loaded, actor(), "country", "", page=0, page_size=100)
    codes = [r.code for p in range(first.page_count)
             for r in search_dictionary(loaded, actor(), "country", "", page=p, page_size=100).rows]
    assert len(codes) == first.total == len(set(codes)) >= 240
    assert search_dictionary(loaded, actor(), "country", "", page_size=10_000).page_size == MAX_PAGE_SIZE


def test_like_wildcards_in_the_search_are_literal(loaded):
    assert search_dictionary(loaded, actor(), "country", "%").total == 0
    assert search_dictionary(loaded, actor(), "country", "_").total == 0


def test_districts_and_certificate_types_are_searchable(loaded):
    dalian = search_dictionary(loaded, actor(), "district", "09", page_size=50)
    assert {"0900", "0901", "0980"} <= {r.code for r in dalian.rows}
    assert {r.parent for r in dalian.rows if r.code == "0901"} == {"0900"}
    assert search_dictionary(loaded, actor(), "certificate_type", "兽医").rows[0].code == "14"


def test_unknown_dictionary_and_missing_permission_are_refused(loaded):
    with pytest.raises(UnknownDictionary):
        search_dictionary(loaded, actor(), "app_user", "")
    with pytest.raises(AccessDenied):
        search_dictionary(loaded, actor(frozenset()), "country", "")
