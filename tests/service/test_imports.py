"""Excel imports into declarations: templates, mapped headers, units in cells, all or nothing, scope."""
from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from data.core.scope import AccessDenied, NotFound
from data.declarations.form import FIELD_SPECS
from data.declarations.goods import GOODS_COLUMNS
from data.declarations.import_declaration import import_declaration
from data.declarations.imports import (
    MAX_GOODS_ROWS,
    MAX_IMPORT_BYTES,
    ImportProblem,
    ImportRefused,
    MappingInvalid,
    goods_import_mapping,
    import_containers,
    import_goods,
    save_goods_import_mapping,
)
from data.models import Container, Declaration, GoodsLine
from data.reference.catalog import load_reference
from exports.tables.import_layout import DECLARATION_LABELS, DEFAULT_GOODS_HEADERS
from exports.tables.import_templates import TEMPLATES, containers_template, declaration_template, goods_template
from tests.support.world import actor

HS = "0303630000"  # frozen cod, from the shipped HS list
GOODS_HEADER = ["HS编码", "货物中文名", "货物英文名", "重量", "重量单位", "数量", "数量单位"]


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session, overwrite=True)
        decl = session.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
        session.add_all([
            GoodsLine(declaration_id=decl.id, seq=1, hs_code=HS, name_zh="冻鱼", weight=Decimal("5"),
                      weight_unit="070"),
            Container(declaration_id=decl.id, seq=1, number="CSQU3054383", spec="40HC"),
        ])
        decl.status = "draft"  # the world's declarations are sent; imports go into one still being written
        session.commit()
        yield session


@pytest.fixture
def decl(s, users) -> Declaration:
    return s.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))


def goods_of(s, decl_id) -> list[GoodsLine]:
    s.expire_all()
    return list(s.scalars(select(GoodsLine).where(GoodsLine.declaration_id == decl_id).order_by(GoodsLine.seq)))


def containers_of(s, decl_id) -> list[str]:
    s.expire_all()
    return list(s.scalars(select(Container.number).where(Container.declaration_id == decl_id)
                          .order_by(Container.seq)))


def refused(call) -> list[ImportProblem]:
    with pytest.raises(ImportRefused) as info:
        call()
    return info.value.problems


def test_goods_template_imports_back_with_names_resolved_to_codes(s, decl):
    version = decl.version
    result = import_goods(s, actor(s, "ent_a_oper"), decl.id, goods_template(), mode="replace")
    s.commit()
    assert result.imported == 1 and result.version == version + 1
    [line] = goods_of(s, decl.id)
    assert (line.hs_code, line.name_zh, line.origin_country, line.origin_place) == (HS, "冻鳕鱼", "CN", "大连")
    assert (line.weight, line.weight_unit, line.quantity_unit) == (Decimal("1200"), "035", "035")
    assert (line.packages, line.package_type, line.currency, line.purpose) == (120, "CT", "USD", "12")
    assert line.unit_price == Decimal("2.345") and line.value == Decimal("2814.00")  # quantity × unit price
    assert s.get(Declaration, decl.id).total_value == Decimal("2814.00")


def test_every_template_is_an_xlsx_with_a_chinese_header():
    for name, (filename, make) in TEMPLATES.items():
        content = make()
        assert content == make(), name  # pure: the same bytes every time
        assert filename.endswith(".xlsx") and zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml")
    sheet = load_workbook(io.BytesIO(goods_template())).active
    assert [c.value for c in sheet[1]][:4] == ["HS编码", "货物中文名", "货物英文名", "规格"]
    assert sheet["A2"].value == HS and sheet.column_dimensions["B"].width > 8
    assert [c.value for c in load_workbook(io.BytesIO(containers_template())).active[1]] == ["集装箱号", "规格"]
    block = load_workbook(io.BytesIO(declaration_template("exit"))).active
    assert block["A1"].value == "基本信息" and block["A2"].value == "报检日期"


def test_a_mapped_header_and_a_value_with_its_unit(s, decl):
    ent = actor(s, "ent_a_oper")
    save_goods_import_mapping(s, ent, {"hs_code": "商品编码", "currency": "货币", "name_en": ""})
    assert goods_import_mapping(s, ent) == {"hs_code": "商品编码", "currency": "货币"}
    content = xlsx([["商品编码", "重量", "货物中文名", "货物英文名", "规格", "数量", "货币", "备注"],
                    [HS, "23.235千克", "中文名称", "test", "guige", "1个", "usd", "ignored"],
                    [HS, "12.5 kg", "中文名称二", "", "", "3 PCS", "人民币元", ""]])
    result = import_goods(s, ent, decl.id, content, mode="append")
    s.commit()
    assert result.imported == 2 and result.ignored_columns == ("备注",)
    old, first, second = goods_of(s, decl.id)
    assert old.name_zh == "冻鱼" and first.seq == 2 and second.seq == 3
    assert (first.weight, first.weight_unit, first.quantity, first.quantity_unit) == (
        Decimal("23.235"), "035", Decimal("1"), "007")
    assert (first.currency, first.spec, second.currency) == ("USD", "guige", "CNY")
    assert (second.weight, second.weight_unit, second.quantity_unit) == (Decimal("12.5"), "035", "007")


def test_a_title_above_the_header_is_passed_over(s, decl):
    content = xlsx([["出口冻鱼货物清单"], [], GOODS_HEADER, [HS, "冻鱼", "", "1.5吨", "", "", ""]])
    assert import_goods(s, actor(s, "ent_a_oper"), decl.id, content, mode="replace").imported == 1
    s.commit()
    [line] = goods_of(s, decl.id)
    assert (line.weight, line.weight_unit) == (Decimal("1.5"), "070")


def test_an_unknown_unit_in_a_cell_is_an_error_on_that_cell(s, decl):
    content = xlsx([GOODS_HEADER, [HS, "鱼", "", "23.5 spoonfuls", "", "", ""], [HS, "鱼", "", "3千克", "吨", "", ""]])
    problems = refused(lambda: import_goods(s, actor(s, "ent_a_oper"), decl.id, content))
    assert problems == [ImportProblem(2, "重量", "unknown_unit"), ImportProblem(3, "重量单位", "unit_conflict")]
    assert len(goods_of(s, decl.id)) == 1


def test_bad_rows_are_all_reported_and_nothing_is_imported(s, decl):
    content = xlsx([GOODS_HEADER,
                    [HS, "冻鱼一", "", 10, "千克", 1, "个"],
                    ["12345", "冻鱼二", "", 10, "千克", 1, "个"],
                    [int(HS), "冻鱼三", "", 10, "千克", 1, "个"],  # a number: its leading zero comes back
                    [HS, "冻鱼四", "", "ten", "千克", 1, "xx"]])
    problems = refused(lambda: import_goods(s, actor(s, "ent_a_oper"), decl.id, content, mode="replace"))
    assert problems == [ImportProblem(3, "HS编码", "hs_format"), ImportProblem(5, "数量单位", "choose_unit"),
                        ImportProblem(5, "重量", "non_negative_number")]
    s.rollback()
    assert [line.name_zh for line in goods_of(s, decl.id)] == ["冻鱼"]


def test_a_saved_declaration_needs_complete_goods_lines(s, decl):
    decl.status = "saved"
    s.commit()
    content = xlsx([GOODS_HEADER, [HS, "冻鱼一", "", 10, "千克", 1, "千克"]])
    problems = refused(lambda: import_goods(s, actor(s, "ent_a_oper"), decl.id, content))
    assert ImportProblem(2, "用途", "required") in problems and ImportProblem(2, "包装件数", "required") in problems


@pytest.mark.parametrize("content,code", [
    (b"", "file_empty"),
    (b"HS,name\n0303630000,fish\n", "not_xlsx"),  # a text file named .xlsx
    (b"%PDF-1.4 not a workbook", "not_xlsx"),
    (b"x" * (MAX_IMPORT_BYTES + 1), "file_too_large"),
])
def test_files_that_are_not_workbooks_are_refused(s, decl, content, code):
    assert refused(lambda: import_goods(s, actor(s, "ent_a_oper"), decl.id, content)) == [ImportProblem(None, "", code)]


def test_a_zip_that_is_not_a_workbook_and_an_empty_sheet_are_refused(s, decl):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    ent = actor(s, "ent_a_oper")
    assert refused(lambda: import_goods(s, ent, decl.id, buffer.getvalue()))[0].code == "not_xlsx"
    assert refused(lambda: import_goods(s, ent, decl.id, xlsx([])))[0].code == "sheet_empty"
    assert refused(lambda: import_goods(s, ent, decl.id, xlsx([["名称", "备注"], ["x", "y"]])))[0].code == "no_header"
    assert refused(lambda: import_goods(s, ent, decl.id, xlsx([GOODS_HEADER]))) == [ImportProblem(1, "", "no_rows")]
    assert refused(lambda: import_goods(s, ent, decl.id, xlsx([["货物中文名"], ["鱼"]]))) == [
        ImportProblem(1, "HS编码", "column_missing")]


def test_too_many_rows_are_refused(s, decl):
    content = xlsx([GOODS_HEADER] + [[HS, f"鱼{n}"] for n in range(MAX_GOODS_ROWS + 1)])
    assert refused(lambda: import_goods(s, actor(s, "ent_a_oper"), decl.id, content)) == [
        ImportProblem(MAX_GOODS_ROWS + 2, "", "too_many_rows")]


def test_containers_append_refuses_a_number_already_there_and_replace_starts_over(s, decl):
    ent = actor(s, "ent_a_oper")
    content = xlsx([["集装箱号", "规格"], ["MRKU4795824", "20GP"], ["csqu3054383", "40HC"]])
    assert refused(lambda: import_containers(s, ent, decl.id, content, mode="append")) == [
        ImportProblem(3, "集装箱号", "duplicate_container")]
    s.rollback()
    headerless = xlsx([["MRKU4795824"], ["NYKU8527234"]])  # Jiucheng 3.4.4: numbers down column A
    assert import_containers(s, ent, decl.id, headerless, mode="append").imported == 2
    s.commit()
    assert containers_of(s, decl.id) == ["CSQU3054383", "MRKU4795824", "NYKU8527234"]
    assert import_containers(s, ent, decl.id, content, mode="replace").imported == 2
    s.commit()
    assert containers_of(s, decl.id) == ["MRKU4795824", "CSQU3054383"]
    bad = xlsx([["集装箱号", "规格"], ["MRKU4795825", "99XX"]])
    assert refused(lambda: import_containers(s, ent, decl.id, bad, mode="replace")) == [
        ImportProblem(2, "规格", "choose_container_spec"), ImportProblem(2, "集装箱号", "container_check_digit")]


@pytest.mark.parametrize("direction", ["exit", "entry"])
def test_a_whole_declaration_becomes_a_new_draft(s, users, direction):
    ent = actor(s, "ent_a_oper")
    before = s.scalar(select(func.count()).select_from(Declaration))
    result = import_declaration(s, ent, declaration_template(direction), direction=direction)
    s.commit()
    new = s.get(Declaration, result.declaration_id)
    assert s.scalar(select(func.count()).select_from(Declaration)) == before + 1
    assert (new.enterprise_id, new.direction, new.status) == (users.enterprise_ids["A"], direction, "draft")
    assert new.inspection_date == date(2026, 1, 15) and new.trade_mode == "0110" and new.transport_mode == "1"
    assert new.category == ("21" if direction == "exit" else "11") and new.district_code == "0901"
    if direction == "exit":
        assert (new.dest_country, new.despatch_date) == ("KR", date(2026, 1, 20))
        assert new.consignee_en == "KOREA SEAFOOD INC."
        assert [d.doc_code for d in new.documents] == ["102001", "102002"]
    else:
        assert (new.origin_country, new.arrival_date, new.bl_no) == ("NO", date(2026, 2, 10), "COSU6123456780")
        assert [d.doc_code for d in new.documents] == ["101001", "101002"]
    assert [g.hs_code for g in new.goods] == [HS] and [c.number for c in new.containers] == ["CSQU3054383"]
    assert result.imported == 1


def test_a_jiucheng_layout_with_labels_this_store_does_not_keep(s):
    content = xlsx([
        ["(入境)口岸机构"],
        ["基本信息"],
        ["报检日期", date(2026, 3, 1), "报检类别", "入境一般报检", "用户标识", "U1", None, "报检号", ""],
        ["报检地", "大连港湾海关", "(入境)原箱装载标识: 1是0不是", "1", "(入境)到货日期", "2026/3/9"],
        ["(出境)输往国家", "", "(入境)启运国家", "挪威"],
        ["HS编码", "货物中文名", "标准重量", "数量", "数量单位"],
        [HS, "冻鳕鱼", 12, "12 箱", ""],
    ])
    result = import_declaration(s, actor(s, "ent_a_oper"), content, direction="entry")
    s.commit()
    new = s.get(Declaration, result.declaration_id)
    assert (new.inspection_date, new.category, new.district_code) == (date(2026, 3, 1), "11", "0901")
    assert (new.arrival_date, new.origin_country) == (date(2026, 3, 9), "NO")
    assert [(g.quantity, g.quantity_unit) for g in new.goods] == [(Decimal("12"), "120")]
    assert result.ignored_columns == ("用户标识", "(入境)原箱装载标识: 1是0不是", "标准重量")


def test_a_whole_declaration_with_wrong_cells_names_them_and_creates_nothing(s):
    ent = actor(s, "ent_a_oper")
    content = xlsx([
        ["基本信息"],
        ["报检日期", "2026-13-45", "报检类别", "21", "(入境)启运国家", "NO"],
        ["联系电话", "call me", "(出境)输往国家", "Atlantis", "用户标识", "x"],
        ["货物信息"],
        GOODS_HEADER,
        [HS, "冻鱼", "", 10, "千克", 1, "个"],
        ["12", "冻鱼", "", 10, "千克", 1, "个"],
        ["集装箱信息"],
        ["集装箱号", "规格"],
        ["CSQU3054384", "40HC"],
    ])
    before = s.scalar(select(func.count()).select_from(Declaration))
    problems = refused(lambda: import_declaration(s, ent, content, direction="exit"))
    assert ImportProblem(2, "(入境)启运国家", "wrong_direction") in problems
    assert ImportProblem(7, "HS编码", "hs_format") in problems  # the checks of the other cells still ran
    s.rollback()
    wrong = xlsx([["报检日期", "2026-13-45", "报检类别", "21"],
                  ["联系电话", "call me", "(出境)输往国家", "XX"],
                  GOODS_HEADER, ["12", "冻鱼", "", 10, "千克", 1, "个"],
                  ["集装箱号"], ["CSQU3054384"]])
    problems = refused(lambda: import_declaration(s, ent, wrong, direction="exit"))
    assert problems == [ImportProblem(1, "报检日期", "date_format"), ImportProblem(2, "(出境)输往国家", "choose_country"),
                        ImportProblem(2, "联系电话", "phone_format"), ImportProblem(4, "HS编码", "hs_format"),
                        ImportProblem(6, "集装箱号", "container_check_digit")]
    s.rollback()
    assert s.scalar(select(func.count()).select_from(Declaration)) == before


def test_another_enterprises_declaration_is_not_found(s, decl):
    with pytest.raises(NotFound):
        import_goods(s, actor(s, "ent_b_oper"), decl.id, goods_template())
    with pytest.raises(NotFound):
        import_containers(s, actor(s, "ent_b_oper"), decl.id, containers_template())
    with pytest.raises(AccessDenied):
        import_goods(s, actor(s, "officer0901"), decl.id, goods_template())


def test_a_sent_declaration_is_refused(s, decl):
    decl.status = "sent"
    s.commit()
    assert refused(lambda: import_goods(s, actor(s, "ent_a_oper"), decl.id, goods_template())) == [
        ImportProblem(None, "", "not_editable")]
    assert [line.name_zh for line in goods_of(s, decl.id)] == ["冻鱼"]


def test_a_stale_version_is_refused(s, decl):
    assert refused(lambda: import_goods(s, actor(s, "ent_a_oper"), decl.id, goods_template(),
                                        version=decl.version - 1))[0].code == "stale_version"


def test_every_goods_column_has_a_default_header():
    assert set(DEFAULT_GOODS_HEADERS) == set(GOODS_COLUMNS)
    assert {name for _label, name, _d in DECLARATION_LABELS} - {None, "documents"} <= set(FIELD_SPECS)


def test_the_mapping_is_checked(s):
    ent = actor(s, "ent_a_oper")
    with pytest.raises(MappingInvalid) as info:
        save_goods_import_mapping(s, ent, {"nonsense": "x", "name_en": "y" * 65, "spec": "货物中文名",
                                           "brand": "标准重量", "model": "Model", "batch_no": " model "})
    assert info.value.errors == {"nonsense": "unknown_column", "name_en": "too_long", "spec": "header_used_twice",
                                 "brand": "header_used_twice", "model": "header_used_twice",
                                 "batch_no": "header_used_twice"}
    assert goods_import_mapping(s, ent) == {}
    with pytest.raises(AccessDenied):
        goods_import_mapping(s, actor(s, "officer0901"))
