"""Journey in the browser: an enterprise fills an exit declaration, is told what is missing, fixes it,
saves and sends it, and finds its inspection no. in the list."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from data.accounts.roles import role_permissions
from data.core.db import transaction
from data.core.scope import actor_for
from data.declarations.defaults import save_defaults
from data.declarations.form import inspection_prefix
from data.models import Declaration, Enterprise, PartyBookEntry, User
from data.reference.catalog import load_reference
from tests.conftest import TEST_PASSWORD
from tests.support import browser

CREDIT = "91210200MA0QC4RW05"
HS = "0303630000"


def css(**parts) -> str:
    return f"[id='{browser.dict_id(**parts)}']"


def field(dash_duo, name):
    return browser.by_dict_id(dash_duo, name=name, type="declf-field")


def goods_field(dash_duo, name):
    return browser.by_dict_id(dash_duo, name=name, type="declf-goods-field")


def choose(dash_duo, selector: str, typed: str, starts_with: str) -> None:
    """Open a searchable dropdown, type, and pick the option whose text starts with `starts_with`."""
    browser.click(dash_duo, dash_duo.find_element(selector))
    dash_duo.wait_for_element(".dash-dropdown-search").send_keys(typed)
    xpath = f"//*[contains(@class, 'dash-dropdown-option')][starts-with(normalize-space(.), '{starts_with}')]"
    WebDriverWait(dash_duo.driver, 10).until(expected_conditions.element_to_be_clickable((By.XPATH, xpath))).click()


def wait_value(dash_duo, element, value: str | None) -> None:
    """Wait until an input shows `value` (or anything, when None)."""
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _d: element.get_attribute("value") == value if value is not None else element.get_attribute("value"))


def type_in_cell(dash_duo, grid: str, column: str, text: str) -> None:
    cell = f"#{grid} .ag-center-cols-container [col-id='{column}']"
    dash_duo.driver.execute_script(  # what a click on the cell does (singleClickEdit), without aiming at it
        "dash_ag_grid.getApi(arguments[0]).startEditingCell({rowIndex: 0, colKey: arguments[1]});", grid, column)
    dash_duo.wait_for_element(f"{cell} input").send_keys(text, Keys.ENTER)
    dash_duo.wait_for_contains_text(cell, text)


def prepare(app) -> None:
    with transaction(app.server.extensions["certdash"].sessions) as s:
        load_reference(s)
        user = s.query(User).filter_by(account="ent_a_oper").one()
        ent = s.get(Enterprise, user.enterprise_id)
        ent.credit_code, ent.name_en, ent.address_zh = CREDIT, "DALIAN HAISHENG AQUATIC CO., LTD.", "大连市中山区港湾街1号"
        actor = actor_for(s, user, role_permissions(s, user.role))
        save_defaults(s, actor, "common", {"contact_name": "王力", "contact_phone": "0411-88881234",
                                           "transport_mode": "1", "trade_mode": "0110", "currency": "USD",
                                           "package_type": "CT", "purpose": "12", "storage_place": "大连港冷库"})
        save_defaults(s, actor, "exit", {"category": "21", "district_code": "0901", "inspection_place_code": "0901",
                                         "port_authority_code": "0901", "issue_district_code": "0901",
                                         "dest_country": "KR", "departure_port": "大连"})
        s.add(PartyBookEntry(enterprise_id=ent.id, name_zh="韩国海产", name_en="KOREA SEAFOOD INC.",
                             address="BUSAN, KOREA"))


def test_declare_an_exit_shipment_fix_what_is_missing_and_send(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    prepare(app)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=/declarations")  # new messages: English ids
    browser.click(dash_duo, dash_duo.wait_for_element("#decl-new-exit"))
    dash_duo.wait_for_contains_text("h3", "Exit goods declaration")
    assert field(dash_duo, "contact_name").get_attribute("value") == "王力"  # the enterprise's defaults

    # the consignee from the party book; the consignor is the enterprise itself
    choose(dash_duo, css(role="consignee", type="declf-party"), "KOREA", "韩国海产")
    party_address = browser.by_dict_id(dash_duo, name="address", role="consignee", type="declf-party-field")
    wait_value(dash_duo, party_address, "BUSAN, KOREA")
    for name, text in (("transport_means", "COSCO STAR"), ("transport_no", "V.123E"), ("arrival_port", "BUSAN"),
                       ("despatch_date", "20260510")):
        field(dash_duo, name).send_keys(text)

    # a container, a goods line found by its HS code, an attached document
    browser.click(dash_duo, dash_duo.find_element("#declf-container-add"))
    dash_duo.wait_for_element("#declf-container-grid .ag-center-cols-container [col-id='number']")
    type_in_cell(dash_duo, "declf-container-grid", "number", "csqu3054383")
    choose(dash_duo, css(name="hs_code", type="declf-goods-field"), "030363", HS)
    wait_value(dash_duo, goods_field(dash_duo, "name_zh"), None)  # filled from the HS list
    goods_field(dash_duo, "quantity").send_keys("1000")
    goods_field(dash_duo, "weight").send_keys("1")
    choose(dash_duo, css(name="weight_unit", type="declf-goods-field"), "070", "070")
    choose(dash_duo, css(name="origin_country", type="declf-goods-field"), "CN", "CN ")
    goods_field(dash_duo, "packages").send_keys("100")
    goods_field(dash_duo, "unit_price").send_keys("3.5")
    browser.click(dash_duo, dash_duo.find_element("#declf-goods-add"))
    dash_duo.wait_for_contains_text("#declf-goods-grid", HS)
    dash_duo.wait_for_contains_text("#declf-goods-totals", "1,000 kg")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, code="102001", type="declf-doc"))
    browser.by_dict_id(dash_duo, code="102001", type="declf-doc-no").send_keys("HS-2026-01")

    # saving without the customs declaration district: told where, nothing lost
    browser.click(dash_duo, browser.by_dict_id(dash_duo, action="save", type="declf-action"))
    dash_duo.wait_for_contains_text("#declf-summary", "Customs declaration district")
    dash_duo.wait_for_contains_text(css(name="customs_declaration_district", type="declf-error"), "required")
    assert field(dash_duo, "transport_means").get_attribute("value") == "COSCO STAR"
    dash_duo.wait_for_contains_text("#declf-goods-grid", HS)

    choose(dash_duo, css(name="customs_declaration_district", type="declf-field"), "0900", "0900")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, action="send", type="declf-action"))
    prefix = inspection_prefix("exit", "0901", datetime.now(timezone.utc))
    dash_duo.wait_for_contains_text("#declf-message", f"Inspection no.: {prefix}")
    number = re.search(r"Inspection no\.: (\d+)", dash_duo.find_element("#declf-message").text).group(1)
    assert len(number) == 15 and number.startswith(prefix)
    dash_duo.wait_for_contains_text("#declf-goods-grid", "冻鳕鱼")  # reloaded from the store
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, css(action="save", type="declf-action"))  # read-only

    browser.click(dash_duo, dash_duo.find_element("#declf-receipts"))
    dash_duo.wait_for_contains_text("#declf-receipts-body", number)

    dash_duo.driver.get(dash_duo.server_url + "/declarations")
    dash_duo.wait_for_contains_text("#decl-table", number)
    assert dash_duo.get_logs() == []
    with transaction(app.server.extensions["certdash"].sessions) as s:
        decl = s.query(Declaration).filter_by(inspection_no=number).one()
        assert decl.status == "sent" and decl.consignee_en == "KOREA SEAFOOD INC."
        assert [(g.hs_code, g.value, g.quantity_unit) for g in decl.goods] == [(HS, 3500, "035")]
        assert [c.number for c in decl.containers] == ["CSQU3054383"]
        assert [(d.doc_code, d.doc_no) for d in decl.documents] == [("102001", "HS-2026-01")]


def test_change_a_goods_line_save_temporarily_copy_and_delete(dash_duo, sqlite_template, tmp_path):
    from data.declarations.form import DeclarationInput, save_declaration

    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    prepare(app)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        user = s.query(User).filter_by(account="ent_a_oper").one()
        actor = actor_for(s, user, role_permissions(s, user.role))
        decl = save_declaration(s, actor, None, DeclarationInput(
            {"consignor_zh": "大连海盛", "transport_means": "<script>alert(1)</script>"},
            [{"hs_code": HS, "name_zh": "冻鳕鱼", "quantity": "10", "quantity_unit": "035"},
             {"hs_code": HS, "name_zh": "冻鱿鱼", "quantity": "20", "quantity_unit": "035"}]),
            version=None, mode="draft", direction="exit")
        entry_no = decl.entry_no
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=/declarations")
    dash_duo.wait_for_contains_text("#decl-table", entry_no)
    browser.click(dash_duo, dash_duo.driver.find_element(By.LINK_TEXT, entry_no))
    dash_duo.wait_for_contains_text("h3", "Exit goods declaration")
    assert field(dash_duo, "transport_means").get_attribute("value") == "<script>alert(1)</script>"  # as text

    # pick the second line: it comes back into the entry row; change it and delete the first
    dash_duo.wait_for_contains_text("#declf-goods-grid", "冻鱿鱼")
    dash_duo.driver.execute_script("dash_ag_grid.getApi('declf-goods-grid').getRowNode('2').setSelected(true);")
    wait_value(dash_duo, goods_field(dash_duo, "name_zh"), "冻鱿鱼")
    goods_field(dash_duo, "quantity").send_keys(Keys.CONTROL, "a")
    goods_field(dash_duo, "quantity").send_keys("25")
    browser.click(dash_duo, dash_duo.find_element("#declf-goods-update"))
    dash_duo.wait_for_contains_text("#declf-goods-grid", "25")
    dash_duo.driver.execute_script("dash_ag_grid.getApi('declf-goods-grid').getRowNode('1').setSelected(true);")
    wait_value(dash_duo, goods_field(dash_duo, "name_zh"), "冻鳕鱼")
    browser.click(dash_duo, dash_duo.find_element("#declf-goods-delete"))
    dash_duo.wait_for_contains_text("#declf-goods-totals", "1 lines")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, action="draft", type="declf-action"))
    dash_duo.wait_for_contains_text("#declf-message", "Temporarily saved.")
    with transaction(app.server.extensions["certdash"].sessions) as s:
        stored = s.query(Declaration).filter_by(entry_no=entry_no).one()
        assert [(g.name_zh, g.quantity) for g in stored.goods] == [("冻鱿鱼", 25)]
        source_id = stored.id

    # copy: a new form with the same content, kept once saved
    browser.click(dash_duo, dash_duo.find_element("#declf-copy"))
    dash_duo.wait_for_contains_text("#declf-message", "A copy of")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, action="draft", type="declf-action"))
    dash_duo.wait_for_contains_text("#declf-message", "Temporarily saved.")
    assert f"id={source_id}&" not in dash_duo.driver.current_url

    # delete the copy, after confirming
    browser.click(dash_duo, dash_duo.find_element("#declf-delete button"))
    WebDriverWait(dash_duo.driver, 5).until(expected_conditions.alert_is_present()).accept()
    dash_duo.wait_for_element("#decl-table")
    with transaction(app.server.extensions["certdash"].sessions) as s:
        assert s.query(Declaration).filter(Declaration.consignor_zh == "大连海盛").count() == 1
    assert dash_duo.get_logs() == []
