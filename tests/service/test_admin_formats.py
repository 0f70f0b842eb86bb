"""Certificate formats administration: fields, languages and the renderer's layout checked on the server;
a field filled in by applications keeps its key and kind; edits drive the application form."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data.admin.common import AdminInvalid, InUse
from data.admin.formats import (
    create_format,
    delete_format,
    get_format,
    search_formats,
    set_format_active,
    update_format,
)
from data.applications.choices import certificate_choices, format_spec
from data.applications.form import ApplicationInput, ApplicationInvalid, save_application
from data.core.scope import AccessDenied
from data.models import AppStatus, CertificateApplication, CertificateFormat, CertificateTemplate, Event
from data.reference.catalog import load_reference
from exports.certificate.pdf import clean_layout, layout_problems
from tests.support.world import actor

FIELDS = [
    {"key": "consignor", "label_zh": "发货人", "label_en": "Consignor", "kind": "multiline", "required": True,
     "order": 1},
    {"key": "destination", "label_zh": "到达国家", "label_en": "Destination", "kind": "country", "required": True,
     "order": 2},
    {"key": "remarks", "label_zh": "备注", "label_en": "Remarks", "kind": "multiline", "required": False, "order": 3},
]


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session)
        session.commit()
        yield session


def values(**changes) -> dict:
    base = {"code": "T9-1", "cert_type_code": "14", "name_zh": "测试格式", "name_en": "Test format",
            "languages": ["zh", "en"], "fields": [dict(f) for f in FIELDS],
            "layout": {"page_size": "A4", "font_size": 10, "margins_mm": {"top": 20, "right": 15, "bottom": 20,
                                                                        "left": 15},
                       "goods_columns": ["seq", "description", "weight"], "qr_code": False,
                       "title_zh": "测试证书", "signatory_en": "Official Veterinarian"}}
    return {**base, **changes}


def test_an_administrator_adds_a_format_with_fields_and_layout(s):
    admin = actor(s, "sysadmin")
    fmt = create_format(s, admin, values(code="t9-1"))
    s.commit()
    assert fmt.code == "T9-1" and fmt.languages == ("zh", "en") and fmt.fixed_keys == frozenset()
    stored = s.get(CertificateFormat, "T9-1")
    assert stored.fields == [{k: v for k, v in f.items() if k != "order"} for f in FIELDS]
    assert layout_problems(stored.layout) == {}
    assert stored.layout["font_size"] == 10.0 and stored.layout["qr_code"] is False
    assert stored.layout["goods_columns"] == ["seq", "description", "weight"]
    assert clean_layout(stored.layout)["margins_mm"] == {"top": 20.0, "right": 15.0, "bottom": 20.0, "left": 15.0}
    assert stored.layout["title_font_size"] == 15.0  # left empty: the renderer's default is stored
    [event] = s.scalars(select(Event).where(Event.object_type == "certificate_format", Event.object_id == "T9-1"))
    assert event.code == "admin.format.created" and event.details["before"] is None
    assert [r.code for r in search_formats(s, admin, "t9").rows] == ["T9-1"]
    assert {r.code for r in search_formats(s, admin, cert_type_code="18").rows} == {"C5-1", "C5-2"}


def test_fields_are_printed_in_the_order_given(s):
    admin = actor(s, "sysadmin")
    fields = [dict(FIELDS[0], order=3), dict(FIELDS[1], order=1), dict(FIELDS[2], order="2")]
    create_format(s, admin, values(fields=fields))
    assert [f["key"] for f in s.get(CertificateFormat, "T9-1").fields] == ["destination", "remarks", "consignor"]


@pytest.mark.parametrize("change,errors", [
    ({"code": "c 1"}, {"code": "format_code_format"}),
    ({"code": "C3-1"}, {"code": "code_taken"}),
    ({"cert_type_code": "77"}, {"cert_type_code": "choose_certificate_type"}),
    ({"languages": []}, {"languages": "choose_languages"}),
    ({"languages": ["zh", "fr"]}, {"languages": "choose_languages"}),
    ({"name_zh": ""}, {"name_zh": "required"}),
    ({"fields": []}, {"fields": "fields_required"}),
    ({"fields": [dict(FIELDS[0]), dict(FIELDS[1], key="consignor")]}, {"fields.2.key": "duplicate_key"}),
    ({"fields": [dict(FIELDS[0], key="Consignor")]}, {"fields.1.key": "field_key_format"}),
    ({"fields": [dict(FIELDS[0], kind="html")]}, {"fields.1.kind": "unknown_kind"}),
    ({"fields": [dict(FIELDS[0], label_en="")]}, {"fields.1.label_en": "required"}),
    ({"fields": [dict(FIELDS[0], order="first")]}, {"fields.1.order": "sort_number"}),
    ({"layout": {"font_size": 30}}, {"layout.font_size": "out_of_range"}),
    ({"layout": {"font_size": "big"}}, {"layout.font_size": "not_a_number"}),
    ({"layout": {"page_size": "A3"}}, {"layout.page_size": "not_a_choice"}),
    ({"layout": {"margins_mm": {"top": 2, "right": 15, "bottom": 20, "left": 15}}},
     {"layout.margins_mm": "out_of_range"}),
    ({"layout": {"goods_columns": []}}, {"layout.goods_columns": "bad_columns"}),
    ({"layout": {"title_en": "x" * 129}}, {"layout.title_en": "too_long"}),
])
def test_a_bad_format_is_refused_and_nothing_is_written(s, change, errors):
    admin = actor(s, "sysadmin")
    count = s.scalar(select(func.count()).select_from(CertificateFormat))
    with pytest.raises(AdminInvalid) as refused:
        create_format(s, admin, values(**change))
    assert refused.value.errors == errors
    s.rollback()
    assert s.scalar(select(func.count()).select_from(CertificateFormat)) == count
    assert s.scalar(select(func.count()).select_from(Event).where(Event.object_type == "certificate_format")) == 0


def _used(s, users, fields: dict) -> CertificateApplication:
    """The world's application of enterprise A, moved to format T9-1 with these values."""
    app = s.get(CertificateApplication, users.application_ids["A-0901"])
    app.format_code, app.fields = "T9-1", fields
    s.flush()
    return app


def test_a_field_filled_in_by_applications_keeps_its_key_and_kind(s, users):
    admin = actor(s, "sysadmin")
    create_format(s, admin, values())
    _used(s, users, {"consignor": "DALIAN HAISHENG", "destination": "KR"})
    s.commit()
    assert get_format(s, admin, "T9-1").fixed_keys == {"consignor", "destination"}
    without = [f for f in FIELDS if f["key"] != "destination"]
    with pytest.raises(AdminInvalid) as removed:
        update_format(s, admin, "T9-1", values(fields=without))
    assert removed.value.errors == {"removed.destination": "field_in_use"}
    retyped = [dict(FIELDS[0], kind="text"), *FIELDS[1:]]
    with pytest.raises(AdminInvalid) as kind:
        update_format(s, admin, "T9-1", values(fields=retyped))
    assert kind.value.errors == {"fields.1.kind": "kind_in_use"}
    with pytest.raises(AdminInvalid) as moved:
        update_format(s, admin, "T9-1", values(cert_type_code="18"))
    assert moved.value.errors == {"cert_type_code": "format_in_use"}
    s.rollback()
    # renamed, made optional and moved: allowed; an unused field may go
    edited = [dict(FIELDS[1], order=1), dict(FIELDS[0], label_en="Exporter", required=False, order=2)]
    update_format(s, admin, "T9-1", values(fields=edited))
    s.commit()
    assert [(f["key"], f["label_en"], f["required"]) for f in s.get(CertificateFormat, "T9-1").fields] == [
        ("destination", "Destination", True), ("consignor", "Exporter", False)]
    event = s.scalars(select(Event).where(Event.code == "admin.format.updated")).one()
    assert set(event.details["after"]) == {"fields"}
    assert [f["key"] for f in event.details["before"]["fields"]] == ["consignor", "destination", "remarks"]


def test_a_field_a_template_holds_is_fixed_too(s, users):
    admin = actor(s, "sysadmin")
    create_format(s, admin, values())
    s.add(CertificateTemplate(enterprise_id=users.enterprise_ids["A"], name="t", format_code="T9-1",
                              fields={"remarks": "N/M"}))
    s.flush()
    assert get_format(s, admin, "T9-1").fixed_keys == {"remarks"}


def test_the_application_form_follows_the_edited_format(s, users):
    admin, oper = actor(s, "sysadmin"), actor(s, "ent_a_oper")
    create_format(s, admin, values())
    app = _used(s, users, {"consignor": "DALIAN HAISHENG"})
    app.status = AppStatus.DRAFT.value
    s.commit()
    fields = [*FIELDS, {"key": "inspector", "label_zh": "检验员", "label_en": "Inspector", "kind": "text",
                        "required": True, "order": 4}]
    update_format(s, admin, "T9-1", values(fields=fields))
    s.commit()
    assert [f["key"] for f in format_spec(s, "T9-1").fields][-1] == "inspector"
    with pytest.raises(ApplicationInvalid) as refused:
        save_application(s, oper, app.id, ApplicationInput({"consignor": "X", "destination": "KR"}),
                         version=app.version, draft=False)
    assert refused.value.errors.get("fields.inspector") == "required"
    s.rollback()
    saved = save_application(s, oper, app.id, ApplicationInput({"consignor": "X", "inspector": "王"}),
                             version=s.get(CertificateApplication, app.id).version, draft=True)
    assert saved.fields == {"consignor": "X", "inspector": "王"}


def test_retired_formats_are_not_offered_and_used_ones_cannot_be_deleted(s, users):
    admin, oper = actor(s, "sysadmin"), actor(s, "ent_a_oper")
    create_format(s, admin, values())
    _used(s, users, {})
    s.commit()
    set_format_active(s, admin, "T9-1", False)
    offered = {f.code for t in certificate_choices(s, oper) for f in t.formats}
    assert "T9-1" not in offered and "C3-1" in offered
    with pytest.raises(InUse) as refused:
        delete_format(s, admin, "T9-1")
    assert refused.value.places == ("certificate_application.format_code",)
    create_format(s, admin, values(code="T9-2"))
    delete_format(s, admin, "T9-2")
    s.commit()
    assert s.get(CertificateFormat, "T9-2") is None
    codes = list(s.scalars(select(Event.code).where(Event.object_type == "certificate_format").order_by(Event.id)))
    assert codes == ["admin.format.created", "admin.format.retired", "admin.format.created", "admin.format.deleted"]


def test_an_edit_based_on_an_old_reading_loses(s):
    admin = actor(s, "sysadmin")
    opened = create_format(s, admin, values())
    assert get_format(s, admin, "T9-1").seen == opened.seen
    update_format(s, admin, "T9-1", values(name_en="Test format, revised"), opened.seen)
    with pytest.raises(AdminInvalid) as stale:
        update_format(s, admin, "T9-1", values(name_zh="另一人的修改"), opened.seen)
    assert stale.value.errors == {"code": "changed_since"}
    assert s.get(CertificateFormat, "T9-1").name_en == "Test format, revised"


def test_only_format_administrators_may_edit(s):
    officer = actor(s, "officer0901")
    with pytest.raises(AccessDenied):
        search_formats(s, officer)
    with pytest.raises(AccessDenied):
        create_format(s, officer, values())
