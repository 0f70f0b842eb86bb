"""Filling in applications: the four entry methods, checks on every value, all or nothing, templates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from auth.permissions import role_permissions
from data.application_form import (
    ApplicationInput,
    ApplicationInvalid,
    delete_templates,
    list_templates,
    new_application,
    save_application,
    save_as_template,
)
from data.models import ApplicationGoods, CertificateApplication, Container, Declaration, GoodsLine, User
from data.reference import load_reference
from data.scope import AccessDenied, NotFound, actor_for
from data.workflow import WorkflowError

HS = "0303630000"  # frozen cod, from the shipped HS list


def actor(s, account):
    user = s.scalar(select(User).where(User.account == account))
    return actor_for(s, user, role_permissions(s, user.role))


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session, overwrite=True)  # the world's C3-1 gets its real field list
        decl = session.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
        decl.consignor_en, decl.consignor_address = "DALIAN HAISHENG AQUATIC CO., LTD.", "DALIAN, CHINA"
        decl.consignee_en, decl.dest_country, decl.transport_mode = "KOREA SEAFOOD INC.", "KR", "1"
        decl.despatch_date, decl.departure_port, decl.marks = date(2026, 11, 20), "DALIAN", "HS-2611"
        session.add_all([
            GoodsLine(declaration_id=decl.id, seq=1, hs_code=HS, name_zh="冻鱼", name_en="FROZEN FISH",
                      quantity=Decimal("1200"), quantity_unit="035", weight=Decimal("1.2"), weight_unit="070",
                      packages=120, package_type="CT", origin_place="大连"),
            GoodsLine(declaration_id=decl.id, seq=2, hs_code=HS, name_zh="冻鱿鱼", name_en="FROZEN SQUID",
                      weight=Decimal("800"), weight_unit="035", packages=80, package_type="CT"),
            Container(declaration_id=decl.id, seq=1, number="TGHU1234567", seal_no="S-99"),
        ])
        session.commit()
        yield session


def declaration_id(s, users):
    return s.scalar(select(Declaration.id).where(Declaration.enterprise_id == users.enterprise_ids["A"]))


def test_smart_import_fills_the_certificate_from_the_declaration(s, users):
    app = new_application(s, actor(s, "ent_a_oper"), declaration_id=declaration_id(s, users), format_code="C3-1",
                          entry_method="smart_import")
    s.commit()
    assert app.status == "draft" and app.cert_type_code == "14" and app.serial == "02"
    f = app.fields
    assert f["weight"] == "2000" and f["packages"] == "200 CT" and f["destination"] == "KR"
    assert f["consignor"].startswith("DALIAN HAISHENG") and f["container_no"] == "TGHU1234567"
    assert f["conveyance"] == "1" and f["despatch_date"] == "2026-11-20"
    assert [g.name_en for g in app.goods] == ["FROZEN FISH", "FROZEN SQUID"]


def test_save_checks_every_value_and_keeps_nothing_when_one_is_wrong(s, users):
    ent = actor(s, "ent_a_oper")
    app = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C3-1",
                          entry_method="smart_import")
    s.commit()
    data = ApplicationInput(dict(app.fields), [
        {"hs_code": HS, "name_zh": "冻鱼", "quantity": "12.5", "quantity_unit": "035", "package_type": "CT"},
        {"hs_code": "12345", "name_zh": "", "quantity": "-1", "quantity_unit": "999", "package_type": "99"},
    ])
    data.fields["destination"] = "XX"
    data.fields["despatch_date"] = "20/11/2026"
    data.fields["nonsense"] = "x"
    with pytest.raises(ApplicationInvalid) as err:
        save_application(s, ent, app.id, data, version=app.version, draft=False)
    assert err.value.errors == {
        "fields.destination": "choose_country", "fields.despatch_date": "date_format",
        "fields.nonsense": "unknown_field", "goods.2.hs_code": "hs_format", "goods.2.name_zh": "required",
        "goods.2.quantity": "non_negative_number", "goods.2.quantity_unit": "choose_unit",
        "goods.2.package_type": "choose_package_type",
    }
    s.rollback()
    assert s.scalar(select(func.count()).select_from(ApplicationGoods)
                    .where(ApplicationGoods.application_id == app.id)) == 2  # the imported goods, untouched


def test_a_draft_skips_required_fields_but_not_formats(s, users):
    ent = actor(s, "ent_a_oper")
    app = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C3-1", entry_method="blank")
    s.commit()
    saved = save_application(s, ent, app.id, ApplicationInput({"remarks": "<b>FRAGILE</b>"}), version=app.version,
                             draft=True)
    s.commit()
    assert saved.fields == {"remarks": "<b>FRAGILE</b>"}  # stored as typed; pages show it as text
    with pytest.raises(ApplicationInvalid) as err:
        save_application(s, ent, app.id, ApplicationInput({"remarks": "x"}), version=saved.version, draft=False)
    assert err.value.errors["fields.consignor"] == "required" and err.value.errors["goods"] == "goods_required"
    with pytest.raises(ApplicationInvalid, match="weight"):
        save_application(s, ent, app.id, ApplicationInput({"weight": "heavy"}), version=saved.version, draft=True)


def test_fifty_goods_lines_are_saved(s, users):
    ent = actor(s, "ent_a_oper")
    app = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C3-1",
                          entry_method="smart_import")
    s.commit()
    goods = [{"hs_code": HS, "name_zh": f"冻鱼{n}", "quantity": str(n), "quantity_unit": "035", "packages": "3",
              "package_type": "CT"} for n in range(1, 51)]
    saved = save_application(s, ent, app.id, ApplicationInput(dict(app.fields), goods), version=app.version,
                             draft=False)
    s.commit()
    assert len(saved.goods) == 50 and saved.goods[49].quantity == 50


def test_similar_and_template_entry_copy_an_earlier_application(s, users):
    ent = actor(s, "ent_a_oper")
    first = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C3-1",
                            entry_method="smart_import")
    s.commit()
    inspection_no = s.get(Declaration, first.declaration_id).inspection_no
    similar = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C3-1",
                              entry_method="similar", similar_inspection_no=inspection_no)
    assert similar.fields == first.fields and len(similar.goods) == 2
    template = save_as_template(s, ent, first.id, "韩国冻鱼")
    s.commit()
    with pytest.raises(ApplicationInvalid, match="template_name_taken"):
        save_as_template(s, ent, first.id, "韩国冻鱼")
    from_template = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C3-1",
                                    entry_method="template", template_id=template.id)
    assert from_template.fields == first.fields
    assert [t.name for t in list_templates(s, ent, "冻鱼")] == ["韩国冻鱼"]
    with pytest.raises(ApplicationInvalid, match="similar_not_found"):
        new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C3-1", entry_method="similar",
                        similar_inspection_no="299999999999999")
    other = actor(s, "ent_b_oper")
    with pytest.raises(ApplicationInvalid, match="template_not_found"):  # another enterprise's template
        new_application(s, other, declaration_id=s.scalar(select(Declaration.id).where(
            Declaration.enterprise_id == users.enterprise_ids["B"])), format_code="C3-1", entry_method="template",
            template_id=template.id)
    assert delete_templates(s, other, [template.id]) == 0
    assert delete_templates(s, ent, [template.id]) == 1


def test_scope_status_and_version(s, users):
    ent_b = actor(s, "ent_b_oper")
    with pytest.raises(NotFound):  # another enterprise's declaration
        new_application(s, ent_b, declaration_id=declaration_id(s, users), format_code="C3-1", entry_method="blank")
    with pytest.raises(AccessDenied):
        new_application(s, actor(s, "officer0901"), declaration_id=declaration_id(s, users), format_code="C3-1",
                        entry_method="blank")
    issued = s.get(CertificateApplication, users.application_ids["A-0901"])
    with pytest.raises(WorkflowError, match="bad_transition"):  # an issued application is no longer edited
        save_application(s, actor(s, "ent_a_oper"), issued.id, ApplicationInput(), version=issued.version, draft=True)
    with pytest.raises(WorkflowError, match="stale_version"):
        save_application(s, actor(s, "ent_a_oper"), issued.id, ApplicationInput(), version=issued.version + 5,
                         draft=True)
