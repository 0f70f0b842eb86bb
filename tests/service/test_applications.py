"""Application lists and details: scoped to the actor, filtered, paged, with the next steps offered."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from data.applications.listing import ApplicationFilter, application_detail, list_applications
from data.core.scope import AccessDenied, NotFound
from data.models import CertificateApplication, Declaration
from tests.support.world import actor


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


def test_a_draft_is_the_enterprises_own_until_it_is_applied_for(s, users):
    app_id = users.application_ids["A-0901"]
    s.get(CertificateApplication, app_id).status = "draft"
    s.commit()
    officer, enterprise = actor(s, "officer0901"), actor(s, "ent_a_oper")
    assert app_id not in {r.id for r in list_applications(s, officer, ApplicationFilter()).rows}
    assert app_id not in {r.id for r in list_applications(s, officer, ApplicationFilter(statuses=("draft",))).rows}
    with pytest.raises(NotFound):
        application_detail(s, officer, app_id)
    assert application_detail(s, enterprise, app_id).status == "draft"
    s.get(CertificateApplication, app_id).status = "returned"  # a returned one stays in the officer's sight
    s.commit()
    assert app_id in {r.id for r in list_applications(s, officer, ApplicationFilter()).rows}


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
    assert len(list_applications(s, ent, ApplicationFilter(inspection_no=decl.inspection_no[:6])).rows) == 1
    assert list_applications(s, ent, ApplicationFilter(inspection_no="1%")).rows == []
    assert len(list_applications(s, ent, ApplicationFilter(statuses=("issued",))).rows) == 1
    assert list_applications(s, ent, ApplicationFilter(statuses=("draft",))).rows == []
    assert list_applications(s, ent, ApplicationFilter(inspection_from=date(2026, 3, 1),
                                                       inspection_to=date(2026, 3, 1))).rows.__len__() == 1
    assert list_applications(s, ent, ApplicationFilter(inspection_from=date(2026, 3, 2))).rows == []


def test_pages_know_whether_more_follow(s, users):
    from data.models import CertificateApplication as A

    source = s.get(A, users.application_ids["A-0901"])
    for _ in range(4):  # five applications of enterprise A in all
        s.add(A(declaration_id=source.declaration_id, enterprise_id=source.enterprise_id, district_code="0901",
                cert_type_code="14", format_code="C3-1", status="draft"))
    s.commit()
    ent = actor(s, "ent_a_oper")
    pages = [list_applications(s, ent, ApplicationFilter(), page=p, page_size=2) for p in range(3)]
    assert [len(p.rows) for p in pages] == [2, 2, 1]
    assert [p.has_more for p in pages] == [True, True, False] and pages[2].page_count == 3
    assert len({r.id for p in pages for r in p.rows}) == 5


def test_detail_outside_the_scope_is_not_found(s, users):
    with pytest.raises(NotFound):
        application_detail(s, actor(s, "ent_b_oper"), users.application_ids["A-0901"])
    with pytest.raises(NotFound):
        application_detail(s, actor(s, "officer0901"), users.application_ids["B-0903"])
    detail = application_detail(s, actor(s, "ent_a_oper"), users.application_ids["A-0901"])
    assert detail.status == "issued" and detail.actions == []


def test_the_officer_sees_the_declaration_behind_the_application(s, users):
    app_a = s.get(CertificateApplication, users.application_ids["A-0901"])
    decl = s.get(Declaration, app_a.declaration_id)
    decl.contract_no, decl.bl_no, decl.departure_port = "HT-01", "COSU6188", "DALIAN"
    s.commit()
    facts = application_detail(s, actor(s, "officer0901"), app_a.id).declaration
    assert facts == {"contract_no": "HT-01", "bl_no": "COSU6188", "departure_port": "DALIAN"}


def test_the_detail_names_its_codes_and_keeps_the_certificate_content(s, users):
    from data.applications.listing import GoodsShown, Named
    from data.models import ApplicationGoods, DictEntry

    s.add_all([DictEntry(dictionary="unit", code="035", name_zh="千克", name_en="kilogram"),
               DictEntry(dictionary="transport_mode", code="1", name_zh="水路运输", name_en="Maritime transport")])
    app_a = s.get(CertificateApplication, users.application_ids["A-0901"])
    app_a.fields = {"remarks": "<b>not bold</b>\nsecond line"}
    s.get(Declaration, app_a.declaration_id).transport_mode = "1"
    s.add(ApplicationGoods(application_id=app_a.id, seq=1, hs_code="0303630000", name_zh="冻鳕鱼", name_en="FROZEN COD",
                           quantity=Decimal("1200"), quantity_unit="035", weight=Decimal("1200.5"), weight_unit="035"))
    s.commit()
    detail = application_detail(s, actor(s, "officer0901"), app_a.id)
    assert detail.declaration["transport_mode"] == Named("1", "水路运输", "Maritime transport")
    assert detail.goods == [GoodsShown(1, "0303630000", "冻鳕鱼", "FROZEN COD", "1200", Named("035", "千克", "kilogram"),
                                       "1200.5", Named("035", "千克", "kilogram"))]
    assert detail.fields["remarks"] == "<b>not bold</b>\nsecond line"  # stored and shown as typed text
