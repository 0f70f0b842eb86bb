"""Journeys in the browser: goods imported from Excel into an open declaration (a refused file first),
the goods-import mapping, and a whole declaration imported from the list."""
from __future__ import annotations

from urllib.parse import quote

from openpyxl import Workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from data.core.db import transaction
from data.models import Declaration, GoodsLine, User
from data.reference.catalog import load_reference
from exports.tables.import_templates import declaration_template
from tests.conftest import TEST_PASSWORD
from tests.support import browser

HS = "0303630000"  # frozen cod, from the shipped HS list


def workbook(path, rows: list[list]) -> str:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def start(dash_duo, sqlite_template, tmp_path, path: str):
    """Serve the test world with the dictionaries; sign in as ent_a_oper, in English, and open `path`.

    Returns the store's sessions and the id of the enterprise's declaration (`{id}` in the path)."""
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    sessions = app.server.extensions["certdash"].sessions
    with transaction(sessions) as s:
        load_reference(s)
        enterprise_id = s.scalar(select(User.enterprise_id).where(User.account == "ent_a_oper"))
        declaration = s.scalar(select(Declaration).where(Declaration.enterprise_id == enterprise_id))
        declaration.status = "draft"  # the world's declarations are sent; imports go into one still being written
        declaration_id = declaration.id
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    # the import messages are new: read them by their English ids until the catalog has them
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=" + quote(path.format(id=declaration_id)))
    return sessions, declaration_id


def upload(dash_duo, upload_id: str, file: str) -> None:
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{upload_id} input[type=file]").send_keys(file)


def problem_rows(dash_duo, result_id: str) -> list[str]:
    return [row.text for row in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{result_id} tbody tr")]


def goods_names(sessions, declaration_id: int) -> list[str]:
    with transaction(sessions) as s:
        return list(s.scalars(select(GoodsLine.name_zh).where(GoodsLine.declaration_id == declaration_id)
                              .order_by(GoodsLine.seq)))


def test_goods_imported_into_the_open_declaration_after_a_refused_file(dash_duo, sqlite_template, tmp_path):
    sessions, declaration_id = start(dash_duo, sqlite_template, tmp_path, "/declarations/edit?id={id}")
    dash_duo.wait_for_element("#declf-import-upload")
    header = ["HS编码", "货物中文名", "重量", "数量", "数量单位"]
    bad = workbook(tmp_path / "bad.xlsx", [header, [HS, "冻鳕鱼", "1200千克", 1200, "千克"],
                                            ["12345", "冻鱿鱼", "800 spoonfuls", 800, "千克"]])
    upload(dash_duo, "declf-import-upload", bad)
    dash_duo.wait_for_contains_text("#declf-import-result", "Nothing was imported")
    assert problem_rows(dash_duo, "declf-import-result") == [
        "3 HS编码 An HS code has 10 digits.", "3 重量 Unknown unit: write a unit of the list, such as 千克, kg or 035."]
    assert goods_names(sessions, declaration_id) == []

    # corrected and saved under the same name: choosing it again uploads it again, and the old error goes
    good = workbook(tmp_path / "bad.xlsx", [header, [HS, "冻鳕鱼", "1200千克", 1200, "千克"],
                                             [HS, "冻鱿鱼", "800 kg", 800, "035"]])
    upload(dash_duo, "declf-import-upload", good)
    dash_duo.wait_for_contains_text("#declf-import-result", "Imported 2 goods lines.")
    assert "Nothing was imported" not in dash_duo.find_element("#declf-import-result").text
    dash_duo.wait_for_contains_text("#declf-goods-grid", "冻鱿鱼")  # the form shows the stored goods
    assert goods_names(sessions, declaration_id) == ["冻鳕鱼", "冻鱿鱼"]

    browser.click(dash_duo, dash_duo.find_element("#declf-import-kind input[value='containers']"))
    containers = workbook(tmp_path / "containers.xlsx", [["CSQU3054383"], ["MRKU4795824"]])
    upload(dash_duo, "declf-import-upload", containers)
    dash_duo.wait_for_contains_text("#declf-import-result", "Imported 2 containers.")
    dash_duo.wait_for_contains_text("#declf-container-grid", "MRKU4795824")
    assert dash_duo.get_logs() == []


def test_a_mapped_header_is_read_from_then_on(dash_duo, sqlite_template, tmp_path):
    sessions, declaration_id = start(dash_duo, sqlite_template, tmp_path, "/enterprise/goods-import")
    hs = browser.by_dict_id(dash_duo, name="hs_code", type="gimap-field")
    hs.send_keys("商品编码")
    browser.by_dict_id(dash_duo, name="name_en", type="gimap-field").send_keys("货物中文名")  # taken by name_zh
    browser.click(dash_duo, dash_duo.find_element("#gimap-save"))
    dash_duo.wait_for_contains_text("#gimap-message", "Nothing was saved")
    error = browser.by_dict_id(dash_duo, name="name_en", type="gimap-error")
    assert error.text == "This column name is used twice."
    browser.by_dict_id(dash_duo, name="name_en", type="gimap-field").send_keys(Keys.CONTROL, "a", Keys.DELETE)
    browser.click(dash_duo, dash_duo.find_element("#gimap-save"))
    dash_duo.wait_for_contains_text("#gimap-message", "The goods import mapping was saved.")

    dash_duo.driver.get(dash_duo.server_url + f"/declarations/edit?id={declaration_id}")
    mapped = workbook(tmp_path / "mapped.xlsx", [["商品编码", "货物中文名", "重量"], [HS, "冻鳕鱼", "23.235千克"]])
    upload(dash_duo, "declf-import-upload", mapped)
    dash_duo.wait_for_contains_text("#declf-import-result", "Imported 1 goods lines.")
    assert goods_names(sessions, declaration_id) == ["冻鳕鱼"]
    assert dash_duo.get_logs() == []


def test_a_whole_declaration_imported_from_the_list_opens_as_a_draft(dash_duo, sqlite_template, tmp_path):
    start(dash_duo, sqlite_template, tmp_path, "/declarations")
    template = tmp_path / "whole.xlsx"
    template.write_bytes(declaration_template("exit"))
    upload(dash_duo, "decl-import-upload", str(template))
    dash_duo.wait_for_contains_text("#decl-import-result", "A temporarily saved declaration was created")
    browser.click(dash_duo, dash_duo.find_element("#decl-import-result .import-open"))
    dash_duo.wait_for_element("#declf-import-upload")
    dash_duo.wait_for_contains_text("#declf-goods-grid", "冻鳕鱼")
    assert dash_duo.get_logs() == []
