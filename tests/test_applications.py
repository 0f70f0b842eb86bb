"""Application lists and details: scoped to the actor, filtered, paged, with the next steps offered."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from auth.permissions import role_permissions
from data.applications import ApplicationFilter, application_detail, list_applications
from data.models import CertificateApplication, Declaration, User
from data.scope import AccessDenied, NotFound, actor_for


def actor(s, account):
    user = s.scalar(select(User).where(User.account == account))
    return actor_for(s, user, role_permissions(s, user.role))


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


@pytest.mark.parametrize("account,expected", [
    ("ent_a_oper", {"A-0901"}), ("ent_b_oper", {"B-0903"}), ("officer0901", {"A-0901"}),
])
def test_each_sees_only_their_own(s, users, account, expected):
    ids = {r.id for r in list_applications(s, actor(s, account), ApplicationFilter()).rows}
    assert ids == {users.application_ids[k] for k in expected}


def test_roles_without_applications_are_refused(s):
    for account in ("overseas_ru", "manager0900", "sysadmin"):
        with pytest.raises(AccessDenied):
            list_applications(s, actor(s, account), ApplicationFilter())


def test_filters_by_inspection_no_status_and_dates(s, users):
    ent = actor(s, "ent_a_oper")
    app_a = s.get(CertificateApplication, users.application_ids["A-0901"])
    decl = s.get(Declaration, app_a.declaration_id)
    decl.inspection_date = date(2026, 3, 1)
    s.commit()
    assert list_applications(s, ent, ApplicationFilter(inspection_no=decl.inspection_no[:6])).total == 1
    assert list_applications(s, ent, ApplicationFilter(inspection_no="1%")).total == 0
    assert list_applications(s, ent, ApplicationFilter(statuses=("issued",))).total == 1
    assert list_applications(s, ent, ApplicationFilter(statuses=("draft",))).total == 0
    assert list_applications(s, ent, ApplicationFilter(inspection_from=date(2026, 3, 1),
                                                       inspection_to=date(2026, 3, 1))).total == 1
    assert list_applications(s, ent, ApplicationFilter(inspection_from=date(2026, 3, 2))).total == 0


def test_detail_outside_the_scope_is_not_found(s, users):
    with pytest.raises(NotFound):
        application_detail(s, actor(s, "ent_b_oper"), users.application_ids["A-0901"])
    with pytest.raises(NotFound):
        application_detail(s, actor(s, "officer0901"), users.application_ids["B-0903"])
    detail = application_detail(s, actor(s, "ent_a_oper"), users.application_ids["A-0901"])
    assert detail.status == "issued" and detail.actions == []
