"""Roles and permissions: the tree, grants that the access checks enforce at once, guard rails, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from data.accounts.roles import role_permissions
from data.admin.roles import (
    RoleForm,
    assign_users,
    create_role,
    delete_role,
    move_role_users,
    permission_area,
    permission_tree,
    role_tree,
    role_users,
    set_role_permissions,
    update_role,
)
from data.admin.rules import AdminInvalid, AdminRefused
from data.core.db import transaction
from data.core.scope import AccessDenied, NotFound, row_scope
from data.models import Event, Notification, RoleDef, RolePermission, User
from tests.support.world import actor
from tests.web.test_access import REF_CALLBACK


@pytest.fixture
def store(app, users):
    return app.server.extensions["certdash"].sessions


def senior(**changes) -> RoleForm:
    return RoleForm(**{**dict(code="senior_officer", name_zh="高级审核人员", name_en="Senior officer",
                              parent_code="officer"), **changes})


def events(s, code: str) -> list[Event]:
    return list(s.scalars(select(Event).where(Event.code == code).order_by(Event.id)))


def test_the_tree_lists_children_under_their_parents_with_kinds_users_and_grants(app, store):
    with transaction(store) as s:
        create_role(s, actor(s, "sysadmin"), senior())
    with store() as s:
        tree = role_tree(s, actor(s, "sysadmin"))
    assert [(n.code, n.depth) for n in tree] == [
        ("admin", 0), ("enterprise_admin", 0), ("enterprise", 1), ("manager", 0), ("officer", 1),
        ("senior_officer", 2), ("overseas", 0), ("overseas_authority", 1)]
    node = {n.code: n for n in tree}
    assert node["overseas_authority"].kind == "overseas" and node["overseas_authority"].builtin
    assert node["overseas_authority"].permissions == frozenset({"overseas.portal", "overseas.country"})
    assert node["senior_officer"].kind == "officer" and not node["senior_officer"].builtin
    assert node["manager"].users == 2 and "stats.view" in node["manager"].permissions
    assert node["senior_officer"].permissions == frozenset()


def test_the_permission_tree_groups_every_permission_once(app):
    from auth.permissions import PERMISSION_CODES

    areas = permission_tree()
    codes = [p.code for _area, perms in areas for p in perms]
    assert sorted(codes) == sorted(PERMISSION_CODES)
    assert permission_area("admin.users") == "administration" and permission_area("stats.anything") == "statistics"
    assert permission_area("application.review") == "customs" and permission_area("ledger.export") == "enterprise"


def test_a_new_role_is_audited_and_its_code_and_names_checked(app, store):
    with transaction(store) as s:
        create_role(s, actor(s, "sysadmin"), senior(code="Senior_Officer"))
    with store() as s:
        assert s.get(RoleDef, "senior_officer").parent_code == "officer"
        created = events(s, "admin.role_created")[0]
        assert created.object_id == "senior_officer" and created.details["before"] is None
        assert created.details["after"]["name_zh"] == "高级审核人员"
    for form, field, reason in [
        (senior(), "code", "role_code_taken"),
        (senior(code="admin"), "code", "role_code_taken"),
        (senior(code="x"), "code", "role_code_format"),
        (senior(code="bad code!"), "code", "role_code_format"),
        (senior(code="other", parent_code=""), "parent_code", "role_parent_needed"),
        (senior(code="other", parent_code="ghost"), "parent_code", "unknown_role"),
        (senior(code="other", name_zh=""), "name_zh", "required"),
        (senior(code="other"), "name_zh", "role_name_taken"),
    ]:
        with pytest.raises(AdminInvalid) as refused, transaction(store) as s:
            create_role(s, actor(s, "sysadmin"), form)
        assert refused.value.errors[field] == reason, form
    with store() as s:
        assert len(events(s, "admin.role_created")) == 1


def test_rename_and_move_with_their_guard_rails(app, users, store):
    with transaction(store) as s:
        admin = actor(s, "sysadmin")
        create_role(s, admin, senior())
        create_role(s, admin, RoleForm(code="chief_officer", name_zh="审核组长", name_en="Chief officer",
                                       parent_code="senior_officer"))
        update_role(s, admin, "manager", RoleForm(name_zh="关区领导", name_en="District head", parent_code=""))
    with store() as s:
        renamed = events(s, "admin.role_updated")[0]
        assert renamed.details == {"before": {"name_en": "District manager", "name_zh": "关区管理人员"},
                                   "after": {"name_en": "District head", "name_zh": "关区领导"}}
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        update_role(s, actor(s, "sysadmin"), "officer", RoleForm(name_zh="海关审核人员", name_en="Customs officer",
                                                                parent_code="admin"))
    assert refused.value.code == "builtin_role_fixed"
    with pytest.raises(AdminInvalid) as invalid, transaction(store) as s:
        update_role(s, actor(s, "sysadmin"), "senior_officer", senior(parent_code="chief_officer"))
    assert invalid.value.errors == {"parent_code": "role_parent_cycle"}
    # moving to another kind is fine while nobody holds the roles, refused once someone does
    with transaction(store) as s:
        update_role(s, actor(s, "sysadmin"), "senior_officer", senior(parent_code="enterprise"))
        update_role(s, actor(s, "sysadmin"), "senior_officer", senior(parent_code="officer"))
        assign_users(s, actor(s, "sysadmin"), "chief_officer", [users.user_ids["officer0901"]])
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        update_role(s, actor(s, "sysadmin"), "senior_officer", senior(parent_code="enterprise"))
    assert (refused.value.code, refused.value.values) == ("role_kind_change_with_users", {"n": 1})
    with transaction(store) as s:  # within the same kind it moves
        update_role(s, actor(s, "sysadmin"), "senior_officer", senior(parent_code="manager"))


def test_delete_refuses_builtin_held_parent_and_addressed_roles(app, users, store):
    with transaction(store) as s:
        admin = actor(s, "sysadmin")
        create_role(s, admin, senior())
        create_role(s, admin, RoleForm(code="chief_officer", name_zh="审核组长", name_en="Chief officer",
                                       parent_code="senior_officer"))
        assign_users(s, admin, "chief_officer", [users.user_ids["officer0901"]])
    cases = [("officer", "builtin_role", {}), ("senior_officer", "role_has_children", {"n": 1}),
             ("chief_officer", "role_has_users", {"n": 1})]
    for code, reason, values in cases:
        with pytest.raises(AdminRefused) as refused, transaction(store) as s:
            delete_role(s, actor(s, "sysadmin"), code)
        assert (refused.value.code, refused.value.values) == (reason, values)
    # offered way out: move the users to another role of the same kind, then delete
    with transaction(store) as s:
        assert move_role_users(s, actor(s, "sysadmin"), "chief_officer", "officer") == 1
        set_role_permissions(s, actor(s, "sysadmin"), "chief_officer", ["application.review"])
        delete_role(s, actor(s, "sysadmin"), "chief_officer")
    with transaction(store) as s:
        s.add(Notification(title_zh="通知", title_en="Notice", roles=["senior_officer"]))
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        delete_role(s, actor(s, "sysadmin"), "senior_officer")
    assert refused.value.code == "role_in_notifications"
    with store() as s:
        assert s.get(RoleDef, "chief_officer") is None
        assert s.scalars(select(RolePermission).where(RolePermission.role_code == "chief_officer")).all() == []
        deleted = events(s, "admin.role_deleted")[0]
        assert deleted.details["after"] is None and deleted.details["before"]["permissions"] == ["application.review"]
        assert s.get(User, users.user_ids["officer0901"]).role == "officer"


def test_permissions_are_replaced_audited_and_unknown_ones_refused(app, store):
    with transaction(store) as s:
        set_role_permissions(s, actor(s, "sysadmin"), "manager", ["home.view", "stats.view", "admin.audit"])
    with store() as s:
        assert role_permissions(s, "manager") == {"home.view", "stats.view", "admin.audit"}
        event = events(s, "admin.role_permissions")[0]
        assert event.details == {"before": {"permissions": ["home.view", "reference.view", "stats.view"]},
                                 "after": {"permissions": ["admin.audit", "home.view", "stats.view"]}}
    for bad in (["home.view", "root.everything"], ["home.view", 7]):
        with pytest.raises(AdminRefused) as refused, transaction(store) as s:
            set_role_permissions(s, actor(s, "sysadmin"), "manager", bad)
        assert refused.value.code == "unknown_permission"
    with pytest.raises(NotFound), transaction(store) as s:
        set_role_permissions(s, actor(s, "sysadmin"), "ghost", [])
    with store() as s:
        assert role_permissions(s, "manager") == {"home.view", "stats.view", "admin.audit"}


def test_nobody_can_take_role_administration_from_the_last_administrators(app, users, store):
    admin_grants = sorted(set(role_permissions_of(store, "admin")) - {"admin.roles"})
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        set_role_permissions(s, actor(s, "sysadmin"), "admin", admin_grants)
    assert refused.value.code == "last_administrator"
    assert "admin.roles" in role_permissions_of(store, "admin")
    with transaction(store) as s:  # once another role's active user holds it, the admin role may lose it
        set_role_permissions(s, actor(s, "sysadmin"), "manager", ["home.view", "admin.roles"])
        set_role_permissions(s, actor(s, "sysadmin"), "admin", admin_grants)


def role_permissions_of(store, code: str) -> frozenset[str]:
    with store() as s:
        return role_permissions(s, code)


def test_assigning_users_checks_that_their_organisation_fits_the_role(app, users, store):
    with transaction(store) as s:
        create_role(s, actor(s, "sysadmin"), senior())
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        assign_users(s, actor(s, "sysadmin"), "senior_officer", [users.user_ids["officer0901"],
                                                                 users.user_ids["ent_a_oper"]])
    assert refused.value.code == "user_does_not_fit_role"
    assert refused.value.values == {"account": "ent_a_oper", "reason": "customs_need_district"}
    with pytest.raises(AdminRefused) as refused, transaction(store) as s:
        assign_users(s, actor(s, "sysadmin"), "manager", [users.user_ids["sysadmin"]])
    assert refused.value.code == "own_role"
    with transaction(store) as s:
        assert assign_users(s, actor(s, "sysadmin"), "senior_officer", [users.user_ids["officer0901"]]) == 1
    with store() as s:
        assert [u.account for u in role_users(s, actor(s, "sysadmin"), "senior_officer")] == ["officer0901"]
        moved = events(s, "admin.user_updated")[0]
        assert moved.object_id == str(users.user_ids["officer0901"])
        assert moved.details == {"before": {"role": "officer"}, "after": {"role": "senior_officer"}}


def test_a_user_of_a_new_role_works_in_the_scope_of_its_kind(app, users, store):
    from data.models import CertificateApplication

    with transaction(store) as s:
        create_role(s, actor(s, "sysadmin"), senior())
        set_role_permissions(s, actor(s, "sysadmin"), "senior_officer", ["home.view", "application.review"])
        assign_users(s, actor(s, "sysadmin"), "senior_officer", [users.user_ids["officer0901"]])
    with store() as s:
        officer = actor(s, "officer0901")
        assert officer.role == "senior_officer" and officer.kind == "officer" and officer.is_customs
        seen = s.scalars(select(CertificateApplication.id).where(row_scope(officer, CertificateApplication))).all()
        assert seen == [users.application_ids["A-0901"]]


def test_roles_need_the_permission(app, store):
    with store() as s:
        for call in (lambda a: role_tree(s, a), lambda a: create_role(s, a, senior()),
                     lambda a: set_role_permissions(s, a, "manager", [])):
            with pytest.raises(AccessDenied):
                call(actor(s, "manager0900"))


# --- the permission assignment is what the access checks enforce, at the next request ------------


@pytest.mark.parametrize("path,permission,role,account", [
    ("/reference", "reference.view", "overseas", "overseas_ru"),
    ("/admin/audit", "admin.audit", "officer", "officer0901"),
])
def test_granting_and_revoking_a_permission_changes_what_a_signed_in_user_reaches(
        app, users, store, client_as, path, permission, role, account):
    client = client_as(account)  # one session, kept open through the changes
    callback = REF_CALLBACK if path == "/reference" else AUDIT_CALLBACK
    assert client.get(path).status_code == 403
    assert client.post("/_dash-update-component", json=callback).status_code == 403
    with store() as s:
        granted = sorted(role_permissions(s, role))
    with transaction(store) as s:
        set_role_permissions(s, actor(s, "sysadmin"), role, granted + [permission])
    assert client.get(path).status_code == 200
    assert client.post("/_dash-update-component", json=callback).status_code == 200
    with transaction(store) as s:
        set_role_permissions(s, actor(s, "sysadmin"), role, granted)
    assert client.get(path).status_code == 403
    assert client.post("/_dash-update-component", json=callback).status_code == 403


AUDIT_CALLBACK = {
    "output": "..audit-table.rowData...audit-pager.max_value...audit-total.children...audit-pager.active_page..",
    "outputs": [{"id": "audit-table", "property": "rowData"}, {"id": "audit-pager", "property": "max_value"},
                {"id": "audit-total", "property": "children"}, {"id": "audit-pager", "property": "active_page"}],
    "inputs": [{"id": "audit-account", "property": "value", "value": ""},
               {"id": "audit-group", "property": "value", "value": ""},
               {"id": "audit-object-type", "property": "value", "value": ""},
               {"id": "audit-object", "property": "value", "value": ""},
               {"id": "audit-dates", "property": "start_date", "value": None},
               {"id": "audit-dates", "property": "end_date", "value": None},
               {"id": "audit-pager", "property": "active_page", "value": 1}],
    "changedPropIds": ["audit-account.value"],
    "state": [],
}
