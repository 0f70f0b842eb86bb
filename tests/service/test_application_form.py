"""Filling in applications: the four entry methods, checks on every value, all or nothing, templates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data.applications.choices import (
    application_form,
    certificate_choices,
    eligible_declarations,
    form_choices,
    template_form,
    template_rows,
)
from data.applications.form import (
    ApplicationInput,
    ApplicationInvalid,
    apply_application,
    copy_application,
    delete_draft,
    new_application,
    save_application,
)
from data.applications.templates import delete_templates, list_templates, save_as_template, update_template
from data.applications.workflow import WorkflowError
from data.core.scope import AccessDenied, NotFound
from data.models import ApplicationGoods, CertificateApplication, CertificateTemplate, Container, Declaration, Event, GoodsLine
from data.reference.catalog import load_reference
from tests.support.world import actor

HS = "0303630000"  # frozen cod, from the shipped HS list


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session, overwrite=True)  # the world's C3-1 gets its real field list
        decl = session.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
        decl.consignor_en, decl.consignor_address = "DALIAN HAISHENG AQUATIC CO., LTD.", "DALIAN, CHINA"
        decl.consignee_en, decl.dest_country, decl.transport_mode = "KOREA SEAFOOD INC.", "KR", "1"
        decl.despatch_date, decl.departure_port, decl.marks = date(2026, 11, 20), "DALIAN", "HS-2611"
        for sent in session.scalars(select(Declaration)):
            sent.status = "sent"  # an application needs a declaration sent to customs
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


@pytest.mark.parametrize(("format_code", "english"), [("C3-2", True), ("C5-1", True), ("E1-1", False)])
def test_smart_import_writes_each_field_in_the_certificates_language_with_units_and_package_names(
        s, users, format_code, english):
    """Issue 16 item 4: no Chinese address in an English field, quantities and weights filled (kilograms from
    tonnes and kilograms), a Chinese place name in the Latin alphabet."""
    decl = s.get(Declaration, declaration_id(s, users))
    decl.consignor_zh, decl.consignor_address = "大连海晟水产有限公司", "大连市甘井子区海港路 8 号"
    s.commit()
    app = new_application(s, actor(s, "ent_a_oper"), declaration_id=decl.id, format_code=format_code,
                          entry_method="smart_import")
    s.commit()
    f = app.fields
    if english:
        assert f["consignor"] == "DALIAN HAISHENG AQUATIC CO., LTD."  # the Chinese address is left to the applicant
        assert f["description"] == "FROZEN FISH; FROZEN SQUID"
        assert f.get("origin", "DALIAN") == "DALIAN"  # 大连, as English certificates write it
        assert all("\u4e00" > ch or ch > "\u9fff" for value in f.values() for ch in value)
    else:
        assert f["consignor"] == "大连海晟水产有限公司\n大连市甘井子区海港路 8 号" and f["description"] == "冻鱼; 冻鱿鱼"
    amount = f.get("weight") or f.get("quantity") or f.get("quantity_weight")
    assert amount == "2000"
    if "packages" in f:  # the code, which the certificate prints by its name (test_certificate_pdf)
        assert f["packages"] == "200 CT"


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


# --- copy, apply, delete a draft, template editing, the form's choices ---------------------------



def smart_draft(s, users, account="ent_a_oper", format_code="C3-1"):
    app = new_application(s, actor(s, account), declaration_id=declaration_id(s, users), format_code=format_code,
                          entry_method="smart_import")
    s.commit()
    return app


def test_copy_starts_a_draft_with_the_same_values_and_the_next_serial(s, users):
    source = smart_draft(s, users)
    copy = copy_application(s, actor(s, "ent_a_oper"), source.id)
    s.commit()
    assert (copy.id, copy.status, copy.serial, copy.entry_method) == (source.id + 1, "draft", "03", "similar")
    assert copy.fields == source.fields and [g.name_en for g in copy.goods] == ["FROZEN FISH", "FROZEN SQUID"]
    event = s.scalar(select(Event).where(Event.object_id == str(copy.id), Event.code == "app.created"))
    assert event.details == {"entry_method": "similar", "copied_from": source.id}
    with pytest.raises(NotFound):  # another enterprise's application
        copy_application(s, actor(s, "ent_b_oper"), source.id)
    flagged = new_application(s, actor(s, "ent_a_oper"), declaration_id=declaration_id(s, users),
                              format_code="C3-1", entry_method="blank", needs_confirmation=True)
    assert flagged.needs_confirmation and flagged.serial == "04"  # 需确认后拟制 asked for on the first page
    assert copy_application(s, actor(s, "ent_a_oper"), flagged.id).needs_confirmation


def test_only_a_draft_of_the_enterprise_is_deleted_and_the_deletion_is_logged(s, users):
    draft = smart_draft(s, users)
    ent = actor(s, "ent_a_oper")
    with pytest.raises(NotFound):
        delete_draft(s, actor(s, "ent_b_oper"), draft.id, version=draft.version)
    with pytest.raises(WorkflowError, match="stale_version"):
        delete_draft(s, ent, draft.id, version=draft.version + 1)
    issued = s.get(CertificateApplication, users.application_ids["A-0901"])
    with pytest.raises(WorkflowError, match="bad_transition"):
        delete_draft(s, ent, issued.id, version=issued.version)
    draft_id = draft.id
    delete_draft(s, ent, draft_id, version=draft.version)
    s.commit()
    assert s.get(CertificateApplication, draft_id) is None
    assert s.scalar(select(func.count()).select_from(ApplicationGoods)
                    .where(ApplicationGoods.application_id == draft_id)) == 0
    assert s.scalar(select(Event.code).where(Event.object_id == str(draft_id)).order_by(Event.id.desc())) \
        == "app.deleted"
    # the deleted draft's 分证序号 is not handed out again: serials stay unique per declaration
    later = smart_draft(s, users)
    assert later.serial == "03" and draft.serial == "02"


def test_apply_saves_with_every_check_then_submits(s, users):
    ent = actor(s, "ent_a_oper")
    draft = smart_draft(s, users)
    with pytest.raises(ApplicationInvalid) as err:
        apply_application(s, ent, draft.id, ApplicationInput({"remarks": "x"}), version=draft.version)
    assert err.value.errors["fields.consignor"] == "required"
    s.rollback()
    assert s.get(CertificateApplication, draft.id).status == "draft"
    form = application_form(s, ent, draft.id)
    applied = apply_application(s, ent, draft.id, ApplicationInput(form.fields, form.goods, True),
                                version=form.version)
    s.commit()
    assert applied.status == "submitted" and applied.submitted_at is not None and applied.needs_confirmation
    after = application_form(s, ent, draft.id)
    assert not after.editable and not after.deletable
    with pytest.raises(WorkflowError, match="bad_transition"):
        apply_application(s, ent, draft.id, ApplicationInput(form.fields, form.goods), version=after.version)


def test_a_template_is_edited_with_the_checks_of_a_draft(s, users):
    ent = actor(s, "ent_a_oper")
    draft = smart_draft(s, users)
    first = save_as_template(s, ent, draft.id, "韩国冻鱼")
    second = save_as_template(s, ent, draft.id, "日本冻鱼")
    s.commit()
    form = template_form(s, ent, first.id)
    assert form.spec.code == "C3-1" and form.spec.bilingual and form.goods[0]["hs_code"] == HS
    goods = [{**form.goods[0], "quantity": "15"}]
    edited = update_template(s, ent, first.id, " 韩国冻鱼 A ", ApplicationInput({**form.fields, "remarks": "<i>x</i>"},
                                                                               goods, True))
    s.commit()
    assert edited.name == "韩国冻鱼 A" and edited.fields["remarks"] == "<i>x</i>" and edited.needs_confirmation
    assert edited.goods[0]["quantity"] == "15" and len(edited.goods) == 1
    update_template(s, ent, first.id, "韩国冻鱼 A", ApplicationInput({}, []))  # its own name is not "taken"
    with pytest.raises(ApplicationInvalid) as err:
        update_template(s, ent, first.id, "日本冻鱼", ApplicationInput({"weight": "heavy"}, [{"hs_code": "1"}]))
    assert err.value.errors == {"template_name": "template_name_taken"}
    with pytest.raises(ApplicationInvalid) as err:
        update_template(s, ent, first.id, "新名", ApplicationInput({"weight": "heavy"}, [{"hs_code": "1"}]))
    assert err.value.errors == {"fields.weight": "positive_number", "goods.1.hs_code": "hs_format",
                                "goods.1.name_zh": "required"}
    with pytest.raises(NotFound):
        update_template(s, actor(s, "ent_b_oper"), second.id, "x", ApplicationInput())
    with pytest.raises(NotFound):
        template_form(s, actor(s, "ent_b_oper"), second.id)
    s.rollback()  # the emptied goods were never committed
    assert [(r.name, r.format_code, r.goods) for r in template_rows(s, ent)] == [("日本冻鱼", "C3-1", 2),
                                                                               ("韩国冻鱼 A", "C3-1", 1)]
    assert [r.name for r in template_rows(s, ent, "韩国")] == ["韩国冻鱼 A"]
    assert template_rows(s, actor(s, "ent_b_oper")) == []


def test_entry_methods_keep_to_the_chosen_format(s, users):
    ent = actor(s, "ent_a_oper")
    vet = smart_draft(s, users)
    template = save_as_template(s, ent, vet.id, "兽医证模板")
    s.commit()
    with pytest.raises(ApplicationInvalid) as err:
        new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C5-1",
                        entry_method="template", template_id=template.id)
    assert err.value.errors == {"template_id": "template_other_format"}
    inspection_no = s.get(Declaration, vet.declaration_id).inspection_no
    phyto = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C5-1",
                            entry_method="similar", similar_inspection_no=inspection_no)
    assert set(phyto.fields) == {"consignor", "consignee", "description", "packages", "origin", "conveyance",
                                 "marks"}  # the fields the phytosanitary certificate shares with the veterinary one
    again = new_application(s, ent, declaration_id=declaration_id(s, users), format_code="C5-1",
                            entry_method="similar", similar_inspection_no=inspection_no)
    assert len(again.goods) == 2 and set(again.fields) == set(phyto.fields)  # the same format is preferred


def test_only_declarations_sent_to_customs_take_applications(s, users):
    ent = actor(s, "ent_a_oper")
    decl = s.get(Declaration, declaration_id(s, users))
    extra = [Declaration(direction="exit", inspection_no=f"21090000000{n:04d}", enterprise_id=decl.enterprise_id,
                         district_code="0901", status=status, consignee_zh="首尔水产")
             for n, status in enumerate(("receipted", "draft", "saved"))]
    extra.append(Declaration(direction="entry", inspection_no="310900000000001", enterprise_id=decl.enterprise_id,
                             district_code="0901", status="sent"))
    s.add_all(extra)
    s.commit()
    assert [c.inspection_no for c in eligible_declarations(s, ent)] == ["210900000000000", decl.inspection_no]
    assert [c.inspection_no for c in eligible_declarations(s, ent, " 2109")] == ["210900000000000"]
    assert eligible_declarations(s, ent, "2109%") and eligible_declarations(s, ent, "9") == []
    assert eligible_declarations(s, actor(s, "ent_b_oper"), "2109") == []
    for refused in extra[1:]:
        with pytest.raises(ApplicationInvalid) as err:
            new_application(s, ent, declaration_id=refused.id, format_code="C3-1", entry_method="blank")
        assert err.value.errors == {"declaration_id": "declaration_not_sent"}
    with pytest.raises(AccessDenied):
        eligible_declarations(s, actor(s, "officer0901"))


def test_the_form_offers_every_type_with_its_formats_and_the_dictionaries(s, users):
    types = certificate_choices(s, actor(s, "ent_a_oper"))
    assert len(types) == 11 and types[0].code == "14" and [f.code for f in types[0].formats] == ["C3-1", "C3-2"]
    assert all(t.formats for t in types)
    choices = form_choices(s)
    assert next(zh for code, zh, _en in choices["country"] if code == "KR") == "韩国"
    assert {"country", "transport_mode", "unit", "package_type"} == set(choices)
    assert any(code == "035" for code, _zh, _en in choices["unit"])
    with pytest.raises(AccessDenied):
        certificate_choices(s, actor(s, "officer0901"))
    assert s.scalar(select(func.count()).select_from(CertificateTemplate)) == 0


def test_smart_import_fits_long_lists_into_their_fields(s, users):
    decl_id = declaration_id(s, users)
    s.add_all([GoodsLine(declaration_id=decl_id, seq=n, hs_code=HS, name_zh="冻鱼", name_en=f"FROZEN FISH FILLET {n}")
               for n in range(3, 60)]
              + [Container(declaration_id=decl_id, seq=n, number=f"TGHU{n:07d}") for n in range(2, 60)])
    s.commit()
    app = smart_draft(s, users)
    assert len(app.fields["description"]) == 500 and app.fields["description"].endswith("\u2026")
    assert len(app.fields["container_no"]) == 500 and len(app.goods) == 59


def test_a_new_application_form_submitted_twice_makes_one_draft(s, users):
    from sqlalchemy import func, select

    from data.core.creation import new_form_token
    from data.models import CertificateApplication

    ent, token = actor(s, "ent_a_oper"), new_form_token()
    decl = declaration_id(s, users)

    def count() -> int:
        return s.scalar(select(func.count()).select_from(CertificateApplication)
                        .where(CertificateApplication.declaration_id == decl))

    before = count()
    first = new_application(s, ent, declaration_id=decl, format_code="C3-1", entry_method="blank", form_token=token)
    s.commit()
    again = new_application(s, ent, declaration_id=decl, format_code="C3-1", entry_method="blank", form_token=token)
    s.commit()
    assert again.id == first.id and count() == before + 1
    new_application(s, ent, declaration_id=decl, format_code="C3-1", entry_method="blank", form_token=new_form_token())
    s.commit()
    assert count() == before + 2  # another form, another draft
