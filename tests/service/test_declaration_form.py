"""The declaration form service: scoped, checked per direction, all or nothing, versioned, sent with a number."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from data.core.scope import AccessDenied, NotFound
from data.declarations.defaults import save_defaults
from data.declarations.form import (
    DeclarationInput,
    DeclarationInvalid,
    DeclarationRefused,
    copy_declaration,
    copy_form,
    declaration_receipts,
    delete_declaration,
    new_declaration,
    open_declaration,
    save_declaration,
)
from data.models import (
    Container,
    Declaration,
    DeclarationDocument,
    Enterprise,
    Event,
    GoodsLine,
    PartyBookEntry,
)
from tests.support.declaration_forms import HS, NOW, entry_input, exit_input, goods_row, save
from tests.support.world import actor

pytest_plugins = ["tests.support.declaration_forms"]  # `sessions` and `s`: the app's store with the reference data


def test_save_keeps_every_part_of_the_declaration(s, users):
    decl = save(s, "ent_a_oper", exit_input())
    assert decl.status == "saved" and decl.entry_no.startswith("WE260504") and decl.inspection_no is None
    assert decl.dest_country == "KR" and decl.despatch_date.isoformat() == "2026-05-10"
    assert decl.total_value == 3500 and decl.currency == "USD" and decl.required_documents == ["14"]
    form = open_declaration(s, actor(s, "ent_a_oper"), decl.id)
    assert form.data.goods[0]["value"] == "3500" and form.data.containers[0]["number"] == "CSQU3054383"
    assert [d["doc_code"] for d in form.data.documents] == ["102001", "102002"]
    assert form.data.documents[0]["doc_no"] == "HS-2026-01" and not form.read_only


def test_entry_declaration_needs_its_own_fields(s, users):
    decl = save(s, "ent_a_oper", entry_input(), direction="entry")
    assert decl.status == "saved" and decl.origin_country == "NO"
    with pytest.raises(DeclarationInvalid) as caught:
        save(s, "ent_a_oper", entry_input(bl_no="", consignee_code="", arrival_date=""), direction="entry")
    assert {k: caught.value.errors[k] for k in ("bl_no", "consignee_code", "arrival_date")} == {
        "bl_no": "required", "consignee_code": "required", "arrival_date": "required"}
    with pytest.raises(DeclarationInvalid) as caught:  # an exit field on an entry form
        save(s, "ent_a_oper", entry_input(dest_country="KR"), direction="entry")
    assert caught.value.errors == {"dest_country": "unknown_field"}
    with pytest.raises(DeclarationInvalid) as caught:  # an exit document and an exit category on an entry form
        data = entry_input(category="21")
        data.documents = [{"doc_code": "102001"}]
        save(s, "ent_a_oper", data, direction="entry")
    assert caught.value.errors == {"category": "choose_category", "documents.1.doc_code": "choose_document"}


def test_save_names_every_missing_or_wrong_field_and_a_draft_skips_only_required(s, users):
    data = exit_input(consignor_zh="", transport_mode="X", despatch_date="2026-02-30", dest_country="XX",
                      contact_phone="call me", district_code="9999", related_inspection_no="123")
    data.goods.append({"hs_code": "12"})
    data.documents = []
    with pytest.raises(DeclarationInvalid) as caught:
        save(s, "ent_a_oper", data)
    errors = caught.value.errors
    assert errors["consignor_zh"] == "required" and errors["transport_mode"] == "choose_transport_mode"
    assert errors["despatch_date"] == "date_format" and errors["dest_country"] == "choose_country"
    assert errors["contact_phone"] == "phone_format" and errors["district_code"] == "choose_district"
    assert errors["related_inspection_no"] == "inspection_no_format" and errors["goods.2.hs_code"] == "hs_format"
    assert errors["goods.2.name_zh"] == "required" and errors["documents"] == "documents_required"
    with pytest.raises(DeclarationInvalid) as caught:
        save(s, "ent_a_oper", data, mode="draft")
    assert "consignor_zh" not in caught.value.errors and "documents" not in caught.value.errors
    assert caught.value.errors["goods.2.hs_code"] == "hs_format"
    assert s.scalar(select(func.count()).select_from(Declaration)) == 3  # the world's only

    draft = save(s, "ent_a_oper", DeclarationInput({"consignor_zh": "半成品"}), mode="draft")
    assert draft.status == "draft" and draft.district_code == "0901"  # the enterprise's district
    with pytest.raises(DeclarationInvalid) as caught:
        save(s, "ent_a_oper", DeclarationInput({}), mode="save")
    assert caught.value.errors["goods"] == "goods_required" and caught.value.errors["category"] == "required"


def test_a_failed_save_changes_nothing(s, users):
    decl = save(s, "ent_a_oper", exit_input())
    bad = exit_input(consignor_zh="新名字")
    bad.goods = [goods_row(name_zh="新货物"), goods_row(weight_unit="001")]
    bad.containers = []
    with pytest.raises(DeclarationInvalid):
        save(s, "ent_a_oper", bad, decl_id=decl.id, version=decl.version)
    s.rollback()
    s.expire_all()
    again = s.get(Declaration, decl.id)
    assert again.consignor_zh == "大连海盛水产有限公司" and again.version == decl.version
    assert [g.name_zh for g in again.goods] == ["冻鳕鱼"] and len(again.containers) == 1


def test_html_is_kept_as_text(s, users):
    decl = save(s, "ent_a_oper", exit_input(consignor_zh="<script>alert(1)</script>",
                                            marks="<b>N/M</b>"))
    form = open_declaration(s, actor(s, "ent_a_oper"), decl.id)
    assert form.data.fields["consignor_zh"] == "<script>alert(1)</script>" and form.data.fields["marks"] == "<b>N/M</b>"


def test_another_enterprise_cannot_open_save_copy_or_delete(s, users):
    decl = save(s, "ent_a_oper", exit_input())
    b = actor(s, "ent_b_oper")
    for call in (lambda: open_declaration(s, b, decl.id), lambda: copy_form(s, b, decl.id),
                 lambda: delete_declaration(s, b, decl.id), lambda: declaration_receipts(s, b, decl.id),
                 lambda: save_declaration(s, b, decl.id, exit_input(), version=decl.version, mode="draft")):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(AccessDenied):
        open_declaration(s, actor(s, "officer0901"), decl.id)
    with pytest.raises(NotFound):
        open_declaration(s, actor(s, "ent_a_oper"), 10**9)


def test_two_tabs_saving_one_wins_the_other_is_told(s, users):
    decl = save(s, "ent_a_oper", exit_input(), mode="draft")
    seen = decl.version
    save(s, "ent_a_oper", exit_input(consignor_en="FIRST TAB"), decl_id=decl.id, version=seen)
    with pytest.raises(DeclarationRefused) as caught:
        save(s, "ent_a_oper", exit_input(consignor_en="SECOND TAB"), decl_id=decl.id, version=seen)
    assert caught.value.code == "stale_version"
    s.rollback()
    assert s.get(Declaration, decl.id).consignor_en == "FIRST TAB"


def test_concurrent_saves_at_the_same_version_exactly_one_wins(sessions, users):
    with sessions() as s:
        decl = save(s, "ent_a_oper", exit_input(), mode="draft")
        decl_id, version = decl.id, decl.version
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def tab(name: str) -> None:
        with sessions() as s:
            a = actor(s, "ent_a_oper")
            try:
                barrier.wait()
                save_declaration(s, a, decl_id, exit_input(consignor_en=name), version=version, mode="save",
                                 now=NOW)
                s.commit()
                outcomes.append("won")
            except DeclarationRefused as exc:
                s.rollback()
                outcomes.append(exc.code)
            except Exception as exc:  # noqa: BLE001 - SQLite's single writer may refuse outright
                s.rollback()
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=tab, args=(n,)) for n in ("TAB ONE", "TAB TWO")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("won") == 1, outcomes
    with sessions() as s:
        assert s.get(Declaration, decl_id).version == version + 1


def test_send_allocates_unique_inspection_numbers_and_a_receipt(s, users):
    numbers = []
    for _ in range(3):
        decl = save(s, "ent_a_oper", exit_input(), mode="send")
        assert decl.status == "sent" and decl.sent_at is not None
        numbers.append(decl.inspection_no)
    entry = save(s, "ent_a_oper", entry_input(), mode="send", direction="entry")
    assert numbers == ["209260000000001", "209260000000002", "209260000000003"]
    assert entry.inspection_no == "109260000000001"
    receipts = declaration_receipts(s, actor(s, "ent_a_oper"), decl.id)
    assert [r.code for r in receipts] == ["decl.sent"] and "209260000000003" in receipts[0].message
    event = s.scalar(select(Event).where(Event.code == "decl.sent", Event.object_id == str(decl.id)))
    assert event.enterprise_id == users.enterprise_ids["A"]


def test_numbers_continue_after_those_already_in_the_store(s, users):
    s.add(Declaration(direction="exit", inspection_no="209260000000041", enterprise_id=users.enterprise_ids["A"],
                      district_code="0901"))
    s.commit()
    assert save(s, "ent_a_oper", exit_input(), mode="send").inspection_no == "209260000000042"


def test_a_sent_declaration_is_read_only(s, users):
    decl = save(s, "ent_a_oper", exit_input(), mode="send")
    assert open_declaration(s, actor(s, "ent_a_oper"), decl.id).read_only
    for mode in ("draft", "save", "send"):
        with pytest.raises(DeclarationRefused) as caught:
            save(s, "ent_a_oper", exit_input(), decl_id=decl.id, version=decl.version, mode=mode)
        assert caught.value.code == "read_only"
    with pytest.raises(DeclarationRefused) as caught:
        delete_declaration(s, actor(s, "ent_a_oper"), decl.id)
    assert caught.value.code == "not_deletable"


def test_copy_is_a_new_draft_with_the_same_content_and_no_numbers(s, users):
    source = save(s, "ent_a_oper", exit_input(), mode="send")
    copy = copy_declaration(s, actor(s, "ent_a_oper"), source.id, now=NOW)
    s.commit()
    assert copy.id != source.id and copy.status == "draft" and copy.inspection_no is None
    assert copy.entry_no and copy.entry_no != source.entry_no and copy.sent_at is None
    assert copy.consignor_zh == source.consignor_zh and [g.hs_code for g in copy.goods] == [HS]
    assert [c.number for c in copy.containers] == ["CSQU3054383"] and len(copy.documents) == 2


def test_delete_removes_a_draft_with_its_lines(s, users):
    decl = save(s, "ent_a_oper", exit_input(), mode="draft")
    delete_declaration(s, actor(s, "ent_a_oper"), decl.id)
    s.commit()
    assert s.get(Declaration, decl.id) is None
    for model in (GoodsLine, Container, DeclarationDocument):
        assert s.scalar(select(func.count()).select_from(model).where(model.declaration_id == decl.id)) == 0


def test_a_declaration_with_applications_is_not_deleted(s, users):
    decl = s.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
    decl.status = "saved"  # deletable by status, but certificate applications were made against it
    s.commit()
    decl_id = decl.id
    with pytest.raises(DeclarationRefused) as caught:
        delete_declaration(s, actor(s, "ent_a_oper"), decl_id)
    assert caught.value.code == "has_applications"


def test_a_new_declaration_starts_with_the_enterprise_defaults(s, users):
    a = actor(s, "ent_a_oper")
    s.get(Enterprise, users.enterprise_ids["A"]).name_en = "ENTERPRISE A LTD."
    save_defaults(s, a, "common", {"contact_name": "李默认", "currency": "USD", "purpose": "12"})
    save_defaults(s, a, "exit", {"dest_country": "KR", "district_code": "0903"})
    s.commit()
    form = new_declaration(s, a, "exit")
    assert form.id is None and form.status == "draft" and not form.read_only
    f = form.data.fields
    assert f["contact_name"] == "李默认" and f["dest_country"] == "KR" and f["district_code"] == "0903"
    assert f["consignor_en"] == "ENTERPRISE A LTD." and f["marks"] == "N/M" and f["inspection_date"]
    assert form.goods_defaults == {"currency": "USD", "purpose": "12"}
    assert "origin_country" not in f and "origin_country" in new_declaration(s, a, "entry").data.fields


def test_saving_remembers_the_parties(s, users):
    save(s, "ent_a_oper", exit_input())
    names = set(s.scalars(select(PartyBookEntry.name_en).where(
        PartyBookEntry.enterprise_id == users.enterprise_ids["A"])))
    assert {"DALIAN HAISHENG AQUATIC CO., LTD.", "KOREA SEAFOOD INC."} <= names


def _count_declarations(s) -> int:
    return s.scalar(select(func.count()).select_from(Declaration))


def test_a_new_form_saved_twice_makes_one_declaration(sessions, users):
    from data.core.creation import RepeatedSubmission, new_form_token

    token = new_form_token()
    with sessions() as s:
        before = _count_declarations(s)
        first = save_declaration(s, actor(s, "ent_a_oper"), None, exit_input(), version=None, mode="draft",
                                 direction="exit", form_token=token)
        s.commit()
        again = save_declaration(s, actor(s, "ent_a_oper"), None, exit_input(), version=None, mode="draft",
                                 direction="exit", form_token=token)  # a double click, or the second tab
        s.commit()
        assert again.id == first.id and _count_declarations(s) == before + 1
        other = save_declaration(s, actor(s, "ent_a_oper"), None, exit_input(), version=None, mode="draft",
                                 direction="exit", form_token=new_form_token())  # another new form
        s.commit()
        assert other.id != first.id and _count_declarations(s) == before + 2
    with sessions() as s:  # a token taken by another enterprise's form neither opens its declaration nor makes one
        with pytest.raises(RepeatedSubmission):
            save_declaration(s, actor(s, "ent_b_oper"), None, exit_input(), version=None, mode="draft",
                             direction="exit", form_token=token)
        s.rollback()
        assert _count_declarations(s) == before + 2


def test_two_submissions_of_one_new_form_at_once_make_one_declaration(sessions, users):
    from data.core.creation import RepeatedSubmission, new_form_token

    token = new_form_token()
    with sessions() as s:
        before = _count_declarations(s)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def click() -> None:
        with sessions() as s:
            a = actor(s, "ent_a_oper")
            try:
                barrier.wait()
                save_declaration(s, a, None, exit_input(), version=None, mode="draft", direction="exit",
                                 form_token=token, now=NOW)
                s.commit()
                outcomes.append("saved")
            except RepeatedSubmission:
                s.rollback()
                outcomes.append("repeated")
            except Exception as exc:  # noqa: BLE001 - SQLite's single writer may refuse the second outright
                s.rollback()
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("saved") >= 1, outcomes
    with sessions() as s:
        assert _count_declarations(s) == before + 1, outcomes  # never two


def test_a_new_form_is_not_yet_a_draft_and_a_saved_one_shows_its_status(s, users):
    import json

    import plotly

    from dashboard.core.i18n import translator
    from data.declarations.form import form_choices
    from layouts.declarations import ids
    from layouts.declarations.form import declaration_form_page

    def badge(form) -> str:
        page = json.loads(json.dumps(declaration_form_page(translator("zh"), form, form_choices(
            s, actor(s, "ent_a_oper"), form.direction)), cls=plotly.utils.PlotlyJSONEncoder))
        found = []

        def walk(node):
            if isinstance(node, dict):
                if node.get("props", {}).get("id") == ids.DECLF_STATUS_BADGE:
                    found.append(node["props"]["children"])
                for value in node.get("props", {}).values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(page)
        return found[0]

    assert badge(new_declaration(s, actor(s, "ent_a_oper"), "exit")) == "尚未保存"
    draft = save(s, "ent_a_oper", exit_input(), mode="draft")
    assert badge(open_declaration(s, actor(s, "ent_a_oper"), draft.id)) == "暂存"
