"""User administration: search, create, edit, reset, lock, deactivate, timeline; refusals write nothing."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from data.admin.roles import RoleForm, create_role, set_role_permissions
from data.admin.rules import AdminInvalid, AdminRefused
from data.admin.users import (
    UserFilter,
    UserForm,
    create_user,
    lock_user,
    search_users,
    send_password_reset,
    set_user_active,
    unlock_user,
    update_user,
    user_detail,
    user_timeline,
)
from data.core.db import transaction
from data.core.scope import AccessDenied, NotFound
from data.models import CustomsDistrict, DictEntry, Enterprise, Event, OutgoingMail, PasswordResetToken, User
from tests.conftest import TEST_PASSWORD
from tests.support.world import actor, sign_in

BASE = "http://certdash.test"
NEW_PASSWORD = "Fresh-pass-77"


@pytest.fixture
def store(app, users):
    return app.server.extensions["certdash"].sessions


def officer_form(**changes) -> UserForm:
    values = dict(account="officer_new", real_name="李明", role="officer", district_code="0903",
                  email="li.ming@customs.test", language="zh", password=NEW_PASSWORD, password_confirm=NEW_PASSWORD)
    return UserForm(**{**values, **changes})


def change_events(s, code: str) -> list[Event]:
    return list(s.scalars(select(Event).where(Event.code == code).order_by(Event.id)))


def count_users(s) -> int:
    return s.scalar(select(func.count()).select_from(User))


def signs_in(app, account: str, password: str = NEW_PASSWORD) -> bool:
    response = sign_in(app.server.test_client(), account, password)
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def test_an_administrator_creates_a_customs_user_who_can_sign_in(app, store):
    with transaction(store) as s:
        user = create_user(s, actor(s, "sysadmin"), officer_form(account="Officer_New"), base_url=BASE)
        new_id = user.id
    assert signs_in(app, "officer_new")
    with store() as s:
        stored = s.get(User, new_id)
        assert (stored.account, stored.role, stored.district_code, stored.enterprise_id) == \
               ("officer_new", "officer", "0903", None)
        event = change_events(s, "admin.user_created")[-1]
        assert event.object_type == "user" and event.object_id == str(new_id)
        assert event.details["before"] is None
        assert event.details["after"]["account"] == "officer_new" and event.details["after"]["role"] == "officer"
        assert "password_hash" not in event.details["after"]


def test_a_user_created_without_a_password_is_mailed_a_link(app, store):
    with transaction(store) as s:
        create_user(s, actor(s, "sysadmin"), officer_form(password="", password_confirm=""), base_url=BASE)
    with store() as s:
        mail = s.scalars(select(OutgoingMail).where(OutgoingMail.to_address == "li.ming@customs.test")).one()
        assert f"{BASE}/password/reset?token=" in mail.body
        assert s.scalar(select(func.count()).select_from(PasswordResetToken)) == 1


@pytest.mark.parametrize("changes,field,reason", [
    ({"account": "sysadmin"}, "account", "account_taken"),
    ({"account": "SYSADMIN"}, "account", "account_taken"),
    ({"account": "ab"}, "account", "account_format"),
    ({"real_name": ""}, "real_name", "required"),
    ({"role": "nosuchrole"}, "role", "unknown_role"),
    ({"district_code": ""}, "district_code", "customs_need_district"),
    ({"district_code": "9999"}, "district_code", "unknown_district"),
    ({"enterprise_id": "A"}, "enterprise_id", "customs_no_enterprise"),
    ({"role": "enterprise", "district_code": ""}, "enterprise_id", "enterprise_needed"),
    ({"role": "enterprise"}, "district_code", "enterprise_no_district"),
    ({"role": "admin"}, "district_code", "admin_no_organisation"),
    ({"role": "overseas", "district_code": "", "enterprise_id": "A"}, "country", "choose_country"),
    ({"language": "fr"}, "language", "choose_language"),
    ({"email": "not-an-address"}, "email", "email_format"),
    ({"phone": "call me"}, "phone", "phone_format"),
    ({"password": "short1"}, "password", "password_short"),
    ({"password_confirm": "Other-pass-77"}, "password_confirm", "password_mismatch"),
    ({"password": "", "password_confirm": "", "email": ""}, "email", "email_for_link"),
])
def test_bad_or_inconsistent_forms_are_refused_and_nothing_is_written(app, users, store, changes, field, reason):
    if changes.get("enterprise_id") == "A":
        changes = {**changes, "enterprise_id": users.enterprise_ids["A"]}
    with store() as s:
        before = count_users(s)
    with pytest.raises(AdminInvalid) as refused, transaction(store) as s:
        create_user(s, actor(s, "sysadmin"), officer_form(**changes), base_url=BASE)
    assert refused.value.errors[field] == reason
    with store() as s:
        assert count_users(s) == before
        assert change_events(s, "admin.user_created") == []


def test_retired_districts_and_unapproved_enterprises_are_not_offered_for_new_users(app, users, store):
    with transaction(store) as s:
        s.get(CustomsDistrict, "0903").active = False
        pending = Enterprise(name_zh="待审企业", status="pending")
        s.add(pending)
        s.flush()
        pending_id = pending.id
    with pytest.raises(AdminInvalid) as refused, transaction(store) as s:
        create_user(s, actor(s, "sysadmin"), officer_form(), base_url=BASE)
    assert refused.value.errors == {"district_code": "district_retired"}
    with pytest.raises(AdminInvalid) as refused, transaction(store) as s:
        create_user(s, actor(s, "sysadmin"), officer_form(role="enterprise", district_code="",
                                                            enterprise_id=pending_id), base_url=BASE)
    assert refused.value.errors == {"enterprise_id": "enterprise_not_approved"}
    # a user already in the retired district can still be edited without moving
    with transaction(store) as s:
        manager = s.scalar(select(User).where(User.account == "manager0903"))
        update_user(s, actor(s, "sysadmin"), manager.id, UserForm(
            real_name="新名字", role="manager", district_code="0903", language="zh"))


def test_an_overseas_user_needs_an_enterprise_organisation_and_country(app, users, store):
    with transaction(store) as s:
        s.add(DictEntry(dictionary="country", code="RU", name_zh="俄罗斯", name_en="Russia"))
    form = UserForm(account="ru_buyer", real_name="Ivan", role="overseas", enterprise_id=users.enterprise_ids["A"],
                    organisation="", country="RU", language="ru", password=NEW_PASSWORD,
                    password_confirm=NEW_PASSWORD)
    with pytest.raises(AdminInvalid) as refused, transaction(store) as s:
        create_user(s, actor(s, "sysadmin"), form, base_url=BASE)
    assert refused.value.errors == {"organisation": "required"}
    with transaction(store) as s:
        user = create_user(s, actor(s, "sysadmin"), UserForm(**{**form.__dict__, "organisation": "Rosselkhoznadzor"}),
                           base_url=BASE)
        assert (user.country, user.language, user.organisation) == ("RU", "ru", "Rosselkhoznadzor")


def test_search_by_name_status_organisation_role_and_creation_time(app, users, store):
    with transaction(store) as s:
        admin = actor(s, "sysadmin")
        lock_user(s, admin, users.user_ids["ent_b_oper"], 24)
        set_user_active(s, admin, users.user_ids["officer0901"], False)
        s.get(User, users.user_ids["overseas_ru"]).created_at = datetime(2025, 3, 1, tzinfo=timezone.utc)
    with store() as s:
        admin = actor(s, "sysadmin")

        def accounts(**f) -> list[str]:
            return [r.account for r in search_users(s, admin, UserFilter(**f), page_size=50).rows]

        assert accounts(text="ENT_A") == ["ent_a_admin", "ent_a_oper"]
        assert accounts(status="locked") == ["ent_b_oper"]
        assert accounts(status="deactivated") == ["officer0901"]
        assert "ent_b_oper" not in accounts(status="active") and "sysadmin" in accounts(status="active")
        assert accounts(district_code="0900") == ["manager0900", "manager0903", "officer0901"]  # the subtree
        assert accounts(district_code="0903") == ["manager0903"]
        assert accounts(enterprise_id=users.enterprise_ids["A"]) == ["ent_a_admin", "ent_a_oper", "overseas_ru"]
        assert accounts(role="manager") == ["manager0900", "manager0903"]
        assert accounts(created_to=date(2025, 12, 31)) == ["overseas_ru"]
        assert "overseas_ru" not in accounts(created_from=date(2026, 1, 1))
        page = search_users(s, admin, UserFilter(), page=1, page_size=3)
        assert page.total == 8 and len(page.rows) == 3 and page.page_count == 3
        row = search_users(s, admin, UserFilter(text="officer0901")).rows[0]
        assert (row.status, row.district_zh, row.role_zh) == ("deactivated", "大连港湾海关", "海关审核人员")


def test_lock_ends_sessions_and_refuses_sign_in_until_unlocked(app, users, store, client_as):
    client = client_as("ent_a_oper")
    assert client.get("/declarations").status_code == 200
    with transaction(store) as s:
        lock_user(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"], 1)
    assert client.get("/declarations").status_code == 302  # the open session ended
    assert not signs_in(app, "ent_a_oper", TEST_PASSWORD)
    with transaction(store) as s:
        unlock_user(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"])
    assert signs_in(app, "ent_a_oper", TEST_PASSWORD)
    with store() as s:
        locked, unlocked = change_events(s, "admin.user_locked")[0], change_events(s, "admin.user_unlocked")[0]
        assert locked.details["before"] == {"locked_until": None} and locked.details["after"]["locked_until"]
        assert unlocked.details["after"] == {"locked_until": None}


def test_lock_time_must_be_one_of_the_choices(app, users, store):
    with pytest.raises(AdminInvalid), transaction(store) as s:
        lock_user(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"], 5)


def test_deactivation_ends_sessions_and_reactivation_lets_in_again(app, users, store, client_as):
    client = client_as("officer0901")
    with transaction(store) as s:
        set_user_active(s, actor(s, "sysadmin"), users.user_ids["officer0901"], False)
    assert client.get("/applications").status_code == 302
    assert not signs_in(app, "officer0901", TEST_PASSWORD)
    with transaction(store) as s:
        set_user_active(s, actor(s, "sysadmin"), users.user_ids["officer0901"], True)
    assert signs_in(app, "officer0901", TEST_PASSWORD)
    with store() as s:
        off = change_events(s, "admin.user_deactivated")[0]
        assert (off.details["before"], off.details["after"]) == ({"active": True}, {"active": False})


def test_administrators_cannot_lock_or_deactivate_themselves(app, users, store):
    for action in (lambda s, a: lock_user(s, a, users.user_ids["sysadmin"], 1),
                   lambda s, a: set_user_active(s, a, users.user_ids["sysadmin"], False)):
        with pytest.raises(AdminRefused) as refused, transaction(store) as s:
            action(s, actor(s, "sysadmin"))
        assert refused.value.code == "not_yourself"
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        update_user(s, actor(s, "sysadmin"), users.user_ids["sysadmin"],
                    UserForm(real_name="x", role="manager", district_code="0900", language="zh"))
    assert refused.value.code == "own_role"


def test_the_last_active_administrator_cannot_be_removed(app, users, store):
    """A user administrator without admin.roles may not lock out the only one who can grant roles."""
    with transaction(store) as s:
        admin = actor(s, "sysadmin")
        create_role(s, admin, RoleForm(code="user_admin", name_zh="用户管理员", name_en="User administrator",
                                       parent_code="admin"))
        set_role_permissions(s, admin, "user_admin", ["admin.users"])
        helper = create_user(s, admin, UserForm(account="helper01", real_name="助手", role="user_admin", language="zh",
                                                password=NEW_PASSWORD, password_confirm=NEW_PASSWORD), base_url=BASE)
        helper_account = helper.account
    for action in (lambda s, a: set_user_active(s, a, users.user_ids["sysadmin"], False),
                   lambda s, a: lock_user(s, a, users.user_ids["sysadmin"], 24)):
        with pytest.raises(AdminRefused) as refused, transaction(store) as s:
            action(s, actor(s, helper_account))
        assert refused.value.code == "last_administrator"
    with store() as s:
        assert s.get(User, users.user_ids["sysadmin"]).active is True
        assert s.get(User, users.user_ids["sysadmin"]).locked_until is None
    with transaction(store) as s:  # with a second administrator, the first may go
        admin = actor(s, "sysadmin")
        create_user(s, admin, UserForm(account="admin02", real_name="第二管理员", role="admin", language="zh",
                                       password=NEW_PASSWORD, password_confirm=NEW_PASSWORD), base_url=BASE)
    with transaction(store) as s:
        set_user_active(s, actor(s, "admin02"), users.user_ids["sysadmin"], False)


def test_edit_keeps_only_changed_values_in_the_audit_and_a_new_password_ends_sessions(app, users, store, client_as):
    client = client_as("ent_a_oper")
    with transaction(store) as s:
        detail = user_detail(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"])
        form = UserForm(**{**detail.form.__dict__, "real_name": "<b>新名</b>", "email": "oper@a.test",
                           "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
        update_user(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"], form)
    assert client.get("/declarations").status_code == 302
    assert signs_in(app, "ent_a_oper")
    with store() as s:
        event = change_events(s, "admin.user_updated")[0]
        assert event.details["before"] == {"real_name": "ent_a_oper", "email": None, "password": None}
        assert event.details["after"] == {"real_name": "<b>新名</b>", "email": "oper@a.test", "password": "changed"}


def test_a_new_role_of_the_same_kind_applies_at_the_next_request(app, users, store, client_as):
    """Role and organisation are read on every request: no new sign-in needed."""
    client = client_as("manager0903")
    assert client.get("/admin/audit").status_code == 403
    with transaction(store) as s:
        update_user(s, actor(s, "sysadmin"), users.user_ids["manager0903"],
                    UserForm(real_name="m", role="admin", language="zh"))
    assert client.get("/admin/audit").status_code == 200


def test_reset_link_needs_an_address_and_is_throttled(app, users, store):
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        send_password_reset(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"], base_url=BASE)
    assert refused.value.code == "no_email"
    with transaction(store) as s:
        s.get(User, users.user_ids["ent_a_oper"]).email = "oper@a.test"
    for n in range(3):
        with transaction(store) as s:
            send_password_reset(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"], base_url=BASE,
                                now=datetime.now(timezone.utc) + timedelta(seconds=n))
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        send_password_reset(s, actor(s, "sysadmin"), users.user_ids["ent_a_oper"], base_url=BASE)
    assert refused.value.code == "reset_throttled"
    with store() as s:
        assert s.scalar(select(func.count()).select_from(OutgoingMail)) == 3
        assert len(change_events(s, "admin.user_reset_sent")) == 3


def test_timeline_shows_what_the_user_did_and_what_was_done_to_them(app, users, store):
    sign_in(app.server.test_client(), "ent_b_oper", TEST_PASSWORD)
    with transaction(store) as s:
        lock_user(s, actor(s, "sysadmin"), users.user_ids["ent_b_oper"], 1)
    with store() as s:
        entries = user_timeline(s, actor(s, "sysadmin"), users.user_ids["ent_b_oper"])
    assert [(e.code, e.by_user) for e in entries] == [("admin.user_locked", False), ("auth.login", True)]
    assert entries[0].actor_account == "sysadmin"


def test_user_administration_needs_the_permission_and_keeps_to_the_scope(app, users, store):
    with store() as s:
        with pytest.raises(AccessDenied):
            search_users(s, actor(s, "manager0900"), UserFilter())
    with transaction(store) as s:  # a district manager given user administration sees their subtree only
        set_role_permissions(s, actor(s, "sysadmin"), "manager",
                             ["home.view", "reference.view", "stats.view", "admin.users"])
    with transaction(store) as s:
        manager = actor(s, "manager0903")
        assert [r.account for r in search_users(s, manager, UserFilter()).rows] == ["manager0903"]
        with pytest.raises(NotFound):
            lock_user(s, manager, users.user_ids["sysadmin"], 1)
        with pytest.raises(AdminInvalid) as refused:
            create_user(s, manager, officer_form(district_code="0901"), base_url=BASE)
        assert refused.value.errors == {"role": "outside_your_scope"}


def test_two_administrators_removing_each_other_at_once_leave_one(app, users, store, store_url):
    """The second change waits for the first (administrators' rows are locked first), then is refused."""
    import threading

    if not store_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time: the race cannot happen there")
    with transaction(store) as s:
        create_user(s, actor(s, "sysadmin"), UserForm(account="admin02", real_name="第二管理员", role="admin",
                                                      language="zh", password=NEW_PASSWORD,
                                                      password_confirm=NEW_PASSWORD), base_url=BASE)
        second_id = s.scalar(select(User.id).where(User.account == "admin02"))
    first = store()
    first_actor = actor(first, "admin02")
    set_user_active(first, first_actor, users.user_ids["sysadmin"], False)  # not committed yet
    outcome: list = []

    def second():
        try:
            with transaction(store) as s:
                set_user_active(s, actor(s, "sysadmin"), second_id, False)
            outcome.append("done")
        except AdminRefused as exc:
            outcome.append(exc.code)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(1.0)
    assert thread.is_alive()  # waiting for the first change's locks
    first.commit()
    first.close()
    thread.join(10)
    assert outcome == ["last_administrator"]
    with store() as s:
        assert s.get(User, second_id).active is True
