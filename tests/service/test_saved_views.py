"""Saved explorer views: own and shared ones of the district, replaced by a second save of one name, never
another district's, forged ids NotFound; a view whose district is gone reopens with that named."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from data.core.scope import AccessDenied, NotFound
from data.models import CustomsDistrict, SavedView, User
from data.statistics.explorer import explore
from data.statistics.explorer_view import View, read_view
from data.statistics.saved_views import ViewInvalid, delete_view, list_views, open_view, save_view
from tests.support.world import actor

VIEW = View(measure="cloud_share", rows=("dest", "cert_type"), district="0901", compare="year").params()


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def second_manager(s, district: str = "0900") -> None:
    model = s.scalar(select(User).where(User.account == "manager0900"))
    s.add(User(account="manager0900b", password_hash=model.password_hash, real_name="王经理", role="manager",
               district_code=district))
    s.flush()


def test_a_view_is_saved_reopened_and_shared_with_the_districts_managers_only(s):
    second_manager(s)
    owner, colleague, other = actor(s, "manager0900"), actor(s, "manager0900b"), actor(s, "manager0903")
    private, new = save_view(s, owner, "  Dalian  destinations ", VIEW, shared=False)
    assert new and private.name == "Dalian destinations" and private.mine
    assert read_view(open_view(s, owner, private.id).params) == (read_view(VIEW)[0], {})
    with pytest.raises(NotFound):
        open_view(s, colleague, private.id)
    shared, new = save_view(s, owner, "Dalian destinations", VIEW, shared=True)  # the same name: replaced
    assert not new and shared.id == private.id
    assert s.scalar(select(func.count()).select_from(SavedView)) == 1
    seen = list_views(s, colleague)
    assert [(r.id, r.mine, r.owner) for r in seen] == [(shared.id, False, "manager0900")]
    assert open_view(s, colleague, shared.id).params == shared.params
    for outsider in (other, actor(s, "sysadmin")):
        assert list_views(s, outsider) == []
        with pytest.raises(NotFound):
            open_view(s, outsider, shared.id)
    with pytest.raises(NotFound):  # only the owner deletes
        delete_view(s, colleague, shared.id)
    assert delete_view(s, owner, str(shared.id)) == "Dalian destinations"
    assert list_views(s, colleague) == []


@pytest.mark.parametrize("forged", [None, "", "1 OR 1=1", -1, 10**12, ["1"], {"id": 1}, True, "９"])
def test_forged_ids_are_not_found(s, forged):
    save_view(s, actor(s, "manager0900"), "mine", VIEW, shared=True)
    with pytest.raises(NotFound):
        open_view(s, actor(s, "manager0900"), forged)
    with pytest.raises(NotFound):
        delete_view(s, actor(s, "manager0900"), forged)


@pytest.mark.parametrize("name, reason", [("", "empty"), ("   ", "empty"), (None, "empty"), (["x"], "empty"),
                                          ("名" * 65, "too_long")])
def test_a_name_is_needed_and_short(s, name, reason):
    with pytest.raises(ViewInvalid) as caught:
        save_view(s, actor(s, "manager0900"), name, VIEW, shared=False)
    assert caught.value.errors == {"name": reason}
    assert s.scalar(select(func.count()).select_from(SavedView)) == 0


def test_forged_parameters_are_stored_as_read(s):
    row, _ = save_view(s, actor(s, "manager0900"), "odd", {"measure": "bogus", "rows": "district,<script>",
                                                            "district": {"x": 1}, "grain": "quarter"}, shared=False)
    assert row.params == {"rows": "district", "grain": "quarter"}


def test_only_statistics_users_save_views(s):
    with pytest.raises(AccessDenied):
        save_view(s, actor(s, "ent_a_oper"), "x", VIEW, shared=False)
    with pytest.raises(AccessDenied):
        list_views(s, actor(s, "ent_a_oper"))


def test_a_view_of_a_retired_district_reopens(s):
    row, _ = save_view(s, actor(s, "manager0900"), "retired", {**VIEW, "district": "0903"}, shared=False)
    s.execute(CustomsDistrict.__table__.update().where(CustomsDistrict.code == "0903").values(parent_code=None))
    s.flush()
    view, problems = read_view(open_view(s, actor(s, "manager0900"), row.id).params)
    assert view.district == "0903" and problems == {}
    result = explore(s, actor(s, "manager0900"), view, date(2026, 6, 1))  # the page says so; nothing is read
    assert not result.found and result.cells.empty
