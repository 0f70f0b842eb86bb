"""Journeys in the browser: certificate applications of all 11 types by the four entry methods; a field error
shown and fixed; copy and delete a draft; templates saved, used, edited and deleted in bulk.

The pages are used in English (the journeys check the messages' English text).
"""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from data.core.db import transaction
from data.models import CertificateApplication, CertificateTemplate, Container, Declaration, GoodsLine
from data.reference.catalog import CERTIFICATE_FORMATS, CERTIFICATE_TYPES, load_reference
from tests.conftest import TEST_PASSWORD
from tests.support import browser

HS = "0303630000"  # frozen cod, from the shipped HS list
INSPECTION_NO = "209000000000000"  # ent_a's declaration in the test world
FIRST_FORMAT = {t.code: next(f for f in CERTIFICATE_FORMATS if f.cert_type_code == t.code) for t in CERTIFICATE_TYPES}
VALUES = {"text": "TEST VALUE", "multiline": "FIRST LINE\nSECOND LINE", "date": "2026-12-01", "country": "KR",
          "transport_mode": "1", "weight": "150.5", "packages": "10 CT"}
# three browser sessions; each applies for three or four types, one by each entry method, in this order
GROUPS = [
    (("14", "smart_import"), ("18", "blank"), ("15", "similar"), ("19", "template")),
    (("16", "smart_import"), ("21", "blank"), ("99", "similar"), ("32", "template")),
    (("11", "smart_import"), ("31", "blank"), ("17", "similar")),
]


def form_app(sqlite_template, tmp_path, templates=()):
    """The test world with the shipped reference data, ent_a's declaration sent with goods and a container,
    and ent_a templates complete for the given formats."""
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        load_reference(s, overwrite=True)
        decl = s.query(Declaration).filter_by(inspection_no=INSPECTION_NO).one()
        decl.status, decl.consignor_en, decl.consignor_address = "sent", "DALIAN HAISHENG CO., LTD.", "DALIAN"
        decl.consignee_en, decl.dest_country, decl.transport_mode = "KOREA SEAFOOD INC.", "KR", "1"
        decl.despatch_date, decl.departure_port, decl.marks = date(2026, 11, 20), "DALIAN", "HS-2611"
        s.add_all([
            GoodsLine(declaration_id=decl.id, seq=1, hs_code=HS, name_zh="冻鱼", name_en="FROZEN FISH",
                      quantity=Decimal("1200"), quantity_unit="035", weight=Decimal("1200"), weight_unit="035",
                      packages=120, package_type="CT", origin_place="大连"),
            Container(declaration_id=decl.id, seq=1, number="TGHU1234567", seal_no="S-99"),
        ])
        for code in templates:
            fmt = next(f for f in CERTIFICATE_FORMATS if f.code == code)
            s.add(CertificateTemplate(enterprise_id=decl.enterprise_id, name=f"Template {code}", format_code=code,
                                      fields={f.key: VALUES[f.kind] for f in fmt.fields if f.required},
                                      goods=[{"hs_code": HS, "name_zh": "冻鱼", "quantity": "5"}]))
    return app


def start(dash_duo, app) -> None:
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/lang/en")
    dash_duo.wait_for_contains_text("#shell-menu", "Cert. templates")


def field(dash_duo, key: str, kind: str = "text"):
    return browser.by_dict_id(dash_duo, key=key, type="appf-date" if kind == "date" else "appf-field")


def fill(dash_duo, key: str, kind: str, value: str) -> None:
    element = field(dash_duo, key, kind)
    if kind in ("country", "transport_mode"):
        Select(element).select_by_value(value)
        return
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(value)
    if kind == "date":
        element.send_keys(Keys.ENTER)


def fill_required(dash_duo, format_code: str) -> list[str]:
    """Fill every required field of the format left empty by the entry method; return their keys."""
    fmt = next(f for f in CERTIFICATE_FORMATS if f.code == format_code)
    filled = []
    for f in fmt.fields:
        if f.required and not field(dash_duo, f.key, f.kind).get_attribute("value"):
            fill(dash_duo, f.key, f.kind, VALUES[f.kind])
            filled.append(f.key)
    return filled


def cell(dash_duo, row: int, column: str, grid: str = "appf-goods"):
    return dash_duo.find_element(f"#{grid} .ag-center-cols-container .ag-row[row-index='{row}'] "
                                 f".ag-cell[col-id='{column}']")


def type_in_cell(dash_duo, row: int, column: str, value: str, grid: str = "appf-goods") -> None:
    """Double-click a goods cell and type; the grid may still be redrawing a row just added, so try again."""
    selector = f"#{grid} .ag-center-cols-container .ag-row[row-index='{row}'] .ag-cell[col-id='{column}']"
    for _attempt in range(5):
        target = dash_duo.find_element(selector)
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", target)
        ActionChains(dash_duo.driver).double_click(target).perform()
        editors = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{selector} input")
        if editors:
            editors[0].send_keys(Keys.CONTROL, "a")
            editors[0].send_keys(value, Keys.ENTER)
            break
        time.sleep(0.3)
    dash_duo.wait_for_text_to_equal(selector, value)


def goods_count(dash_duo, grid: str = "appf-goods") -> int:
    return len(dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{grid} .ag-center-cols-container .ag-row"))


def new_application(dash_duo, type_code: str, method: str, *, similar: str = "", template: str = "") -> None:
    """Open the new-application page, choose the declaration, the type, its first format and the entry method."""
    dash_duo.driver.get(dash_duo.server_url + "/applications/new")
    dash_duo.wait_for_element("#appn-create")
    Select(dash_duo.find_element("#appn-type")).select_by_value(type_code)
    format_code = FIRST_FORMAT[type_code].code
    dash_duo.wait_for_element(f"#appn-format option[value='{format_code}']")
    Select(dash_duo.find_element("#appn-format")).select_by_value(format_code)
    browser.click(dash_duo, dash_duo.find_element(f"#appn-method input[value='{method}']"))
    if method == "similar":
        dash_duo.wait_for_element("#appn-similar").send_keys(similar)
    if method == "template":
        dash_duo.wait_for_element(f"#appn-template option[value='{template}']")
        Select(dash_duo.find_element("#appn-template")).select_by_value(template)
    assert dash_duo.find_element("#appn-declaration").get_attribute("value")
    browser.click(dash_duo, dash_duo.find_element("#appn-create"))
    dash_duo.wait_for_element("#appf-save")


def current_id(dash_duo) -> int:
    return int(dash_duo.driver.current_url.rsplit("id=", 1)[1])


def save_draft(dash_duo) -> None:
    browser.click(dash_duo, dash_duo.find_element("#appf-save"))
    dash_duo.wait_for_contains_text("#appf-message", "Saved as a draft.")


@pytest.mark.parametrize("group", GROUPS, ids=["-".join(code for code, _m in g) for g in GROUPS])
def test_apply_for_each_certificate_type_by_each_entry_method(dash_duo, sqlite_template, tmp_path, group):
    templates = {code: FIRST_FORMAT[code].code for code, method in group if method == "template"}
    app = form_app(sqlite_template, tmp_path, templates.values())
    with transaction(app.server.extensions["certdash"].sessions) as s:
        template_ids = {t.format_code: str(t.id) for t in s.query(CertificateTemplate)}
    start(dash_duo, app)
    applied = []
    for type_code, method in group:
        format_code = FIRST_FORMAT[type_code].code
        new_application(dash_duo, type_code, method, similar=INSPECTION_NO,
                        template=template_ids.get(format_code, ""))
        dash_duo.wait_for_contains_text("#appf-save", "Save draft")
        filled = fill_required(dash_duo, format_code)
        if method in ("smart_import", "template"):
            assert goods_count(dash_duo) == 1
        if method == "blank":
            assert filled and goods_count(dash_duo) == 0
            browser.click(dash_duo, dash_duo.find_element("#appf-goods-add"))
            dash_duo.wait_for_element("#appf-goods .ag-center-cols-container .ag-row[row-index='0']")
            type_in_cell(dash_duo, 0, "hs_code", HS)
            type_in_cell(dash_duo, 0, "name_zh", "冻鱼")
        save_draft(dash_duo)
        browser.click(dash_duo, dash_duo.find_element("#appf-apply"))
        dash_duo.wait_for_contains_text("#appv-content", "Submitted")
        applied.append((int(dash_duo.driver.current_url.rsplit("id=", 1)[1]), format_code, method))
    with transaction(app.server.extensions["certdash"].sessions) as s:
        rows = [(a.id, a.format_code, a.entry_method) for a in s.query(CertificateApplication)
                .filter(CertificateApplication.status == "submitted").order_by(CertificateApplication.id)]
    assert rows == applied
    assert dash_duo.get_logs() == []


def accept_confirmation(dash_duo) -> None:
    WebDriverWait(dash_duo.driver, 10).until(expected_conditions.alert_is_present())
    dash_duo.driver.switch_to.alert.accept()


def declaration_choices(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(  # read at once: the options are being replaced
        "return Array.from(document.querySelectorAll('#appn-declaration option'), o => o.value).filter(v => v)")


def error_of(dash_duo, key: str) -> str:
    return browser.by_dict_id(dash_duo, key=key, type="appf-error").text


def test_errors_are_shown_next_to_the_fields_nothing_typed_is_lost_then_copy_and_delete(dash_duo, sqlite_template,
                                                                                          tmp_path):
    app = form_app(sqlite_template, tmp_path)
    with transaction(app.server.extensions["certdash"].sessions) as s:  # a country code since withdrawn
        s.add(CertificateTemplate(enterprise_id=1, name="Old", format_code="C3-1", fields={"destination": "XX"}))
    start(dash_duo, app)
    dash_duo.driver.get(dash_duo.server_url + "/applications")
    dash_duo.wait_for_element("#apps-new").click()
    dash_duo.wait_for_element("#appn-create")
    dash_duo.find_element("#appn-decl-search").send_keys("999", Keys.ENTER)  # no such declaration
    until(lambda: declaration_choices(dash_duo) == [], timeout=10)
    browser.click(dash_duo, dash_duo.find_element("#appn-method input[value='similar']"))
    dash_duo.wait_for_element("#appn-similar").send_keys("299999999999999")
    browser.click(dash_duo, dash_duo.find_element("#appn-create"))
    dash_duo.wait_for_text_to_equal(f"[id='{browser.dict_id(name='declaration_id', type='appn-error')}']",
                                    "Choose the declaration the certificate is for.")
    search = dash_duo.find_element("#appn-decl-search")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys("2090", Keys.ENTER)
    until(lambda: len(declaration_choices(dash_duo)) == 1, timeout=10)
    browser.click(dash_duo, dash_duo.find_element("#appn-create"))
    dash_duo.wait_for_text_to_equal(f"[id='{browser.dict_id(name='similar_inspection_no', type='appn-error')}']",
                                    "Your enterprise has no application for this inspection no.")
    browser.click(dash_duo, dash_duo.find_element("#appn-method input[value='template']"))  # copies a bad code
    browser.click(dash_duo, dash_duo.find_element("#appn-create"))
    dash_duo.wait_for_contains_text("#appn-message",
                                    "Country and Place of Destination: Choose a country or region from the list.")
    browser.click(dash_duo, dash_duo.find_element("#appn-method input[value='smart_import']"))
    browser.click(dash_duo, dash_duo.find_element("#appn-create"))  # the first type and format
    dash_duo.wait_for_element("#appf-save")
    app_id = current_id(dash_duo)
    fill(dash_duo, "weight", "weight", "heavy")
    fill(dash_duo, "remarks", "multiline", "<script>alert(1)</script>")
    type_in_cell(dash_duo, 0, "hs_code", "12345")
    browser.click(dash_duo, dash_duo.find_element("#appf-save"))
    dash_duo.wait_for_contains_text("#appf-message", "Nothing was saved")
    assert error_of(dash_duo, "weight") == "Enter a number greater than zero."
    assert error_of(dash_duo, "consignor") == ""
    dash_duo.wait_for_text_to_equal("#appf-goods-errors", "Line 1, HS code: An HS code has 10 digits.")
    assert "goods-cell-error" in cell(dash_duo, 0, "hs_code").get_attribute("class")
    assert field(dash_duo, "weight").get_attribute("value") == "heavy"  # what was typed stays
    assert cell(dash_duo, 0, "hs_code").text == "12345"

    fill(dash_duo, "weight", "weight", "150")
    type_in_cell(dash_duo, 0, "hs_code", HS)
    browser.click(dash_duo, dash_duo.find_element("#appf-goods-add"))  # a line added, then deleted
    until(lambda: goods_count(dash_duo) == 2, timeout=10)
    browser.click(dash_duo, dash_duo.find_element(
        "#appf-goods .ag-center-cols-container .ag-row[row-index='1'] .ag-selection-checkbox input"))
    browser.click(dash_duo, dash_duo.find_element("#appf-goods-delete"))
    until(lambda: goods_count(dash_duo) == 1, timeout=10)
    browser.click(dash_duo, dash_duo.find_element("#appf-confirm"))
    save_draft(dash_duo)
    assert error_of(dash_duo, "weight") == "" and dash_duo.find_element("#appf-goods-errors").text == ""
    with transaction(app.server.extensions["certdash"].sessions) as s:
        saved = s.get(CertificateApplication, app_id)
        assert saved.fields["weight"] == "150" and saved.needs_confirmation
        assert saved.fields["remarks"] == "<script>alert(1)</script>"
        saved.fields = {**saved.fields, "marks": "CHANGED ELSEWHERE"}  # another window saves meanwhile
    fill(dash_duo, "weight", "weight", "160")
    browser.click(dash_duo, dash_duo.find_element("#appf-save"))
    dash_duo.wait_for_contains_text("#appf-message", "changed elsewhere")
    assert field(dash_duo, "weight").get_attribute("value") == "160"

    dash_duo.driver.get(f"{dash_duo.server_url}/applications/view?id={app_id}")  # the view page leads back
    dash_duo.wait_for_element("#appv-edit").click()
    dash_duo.wait_for_element("#appf-copy")
    assert field(dash_duo, "marks").get_attribute("value") == "CHANGED ELSEWHERE"
    assert field(dash_duo, "remarks").get_attribute("value") == "<script>alert(1)</script>"  # shown as text
    browser.click(dash_duo, dash_duo.find_element("#appf-copy"))
    until(lambda: current_id(dash_duo) != app_id, timeout=10)
    copy_id = current_id(dash_duo)
    dash_duo.wait_for_contains_text("#appf-save", "Save draft")
    assert field(dash_duo, "weight").get_attribute("value") == "150"
    browser.click(dash_duo, dash_duo.find_element("#appf-delete button"))
    accept_confirmation(dash_duo)
    until(lambda: dash_duo.driver.current_url.endswith("/applications"), timeout=10)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        assert s.get(CertificateApplication, copy_id) is None and s.get(CertificateApplication, app_id) is not None
        issued = s.query(CertificateApplication).filter_by(status="issued", enterprise_id=1).one().id
    dash_duo.driver.get(f"{dash_duo.server_url}/applications/edit?id={issued}")  # shown, not editable
    dash_duo.wait_for_contains_text("#_pages_content", "cannot be edited here")
    assert not dash_duo.find_element("#appf-save").is_displayed()
    assert field(dash_duo, "consignor").get_attribute("disabled")
    assert dash_duo.get_logs() == []


def test_save_as_template_use_it_edit_it_and_delete_templates_in_bulk(dash_duo, sqlite_template, tmp_path):
    app = form_app(sqlite_template, tmp_path, templates=("C5-1",))
    start(dash_duo, app)
    new_application(dash_duo, "14", "smart_import")
    fill(dash_duo, "remarks", "multiline", "KEEP REFRIGERATED")
    for name, expected in (("Template C5-1", "Another template already has this name."), ("韩国冻鱼", None)):
        browser.click(dash_duo, dash_duo.find_element("#appf-template-open"))
        name_input = dash_duo.wait_for_element("#appf-template-name")
        name_input.send_keys(Keys.CONTROL, "a")
        name_input.send_keys(name)
        browser.click(dash_duo, dash_duo.find_element("#appf-template-save"))
        if expected:
            dash_duo.wait_for_text_to_equal("#appf-template-error", expected)
            browser.click(dash_duo, dash_duo.find_element("#appf-template-cancel"))
    dash_duo.wait_for_contains_text("#appf-message", "kept as the template \u201c韩国冻鱼\u201d")

    dash_duo.driver.get(dash_duo.server_url + "/applications/templates")
    dash_duo.wait_for_contains_text("#tmpl-list", "韩国冻鱼")
    search = dash_duo.find_element("#tmpl-search")
    search.send_keys("韩国", Keys.ENTER)
    until(lambda: "Template C5-1" not in dash_duo.find_element("#tmpl-list").text, timeout=10)
    browser.click(dash_duo, dash_duo.driver.find_element(By.LINK_TEXT, "Edit"))
    name = dash_duo.wait_for_element("#tmpl-name")
    name.send_keys(" A")
    type_in_cell(dash_duo, 0, "name_zh", "冻鳕鱼", grid="tmpl-goods")
    browser.click(dash_duo, dash_duo.find_element("#tmpl-save"))
    dash_duo.wait_for_contains_text("#tmpl-message", "Template saved.")
    browser.click(dash_duo, dash_duo.driver.find_element(By.LINK_TEXT, "Use for a new application"))

    dash_duo.wait_for_element("#appn-create")
    assert dash_duo.find_element("#appn-format").get_attribute("value") == "C3-1"
    assert dash_duo.find_element("#appn-method input[value='template']").is_selected()
    assert Select(dash_duo.find_element("#appn-template")).first_selected_option.text == "韩国冻鱼 A"
    browser.click(dash_duo, dash_duo.find_element("#appn-create"))
    dash_duo.wait_for_element("#appf-save")
    assert field(dash_duo, "remarks").get_attribute("value") == "KEEP REFRIGERATED"
    assert cell(dash_duo, 0, "name_zh").text == "冻鳕鱼"
    apply_new = current_id(dash_duo)
    browser.click(dash_duo, dash_duo.find_element("#appf-apply"))
    dash_duo.wait_for_contains_text("#appv-content", "Submitted")

    dash_duo.driver.get(dash_duo.server_url + "/applications/templates")
    dash_duo.wait_for_contains_text("#tmpl-list", "Template C5-1")
    browser.click(dash_duo, dash_duo.find_element("#tmpl-delete button"))
    accept_confirmation(dash_duo)
    dash_duo.wait_for_contains_text("#tmpl-message", "Tick the templates to delete first.")
    for tick in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#tmpl-list input[type=checkbox]"):
        browser.click(dash_duo, tick)
    browser.click(dash_duo, dash_duo.find_element("#tmpl-delete button"))
    accept_confirmation(dash_duo)
    dash_duo.wait_for_contains_text("#tmpl-message", "Deleted 2 templates.")
    dash_duo.wait_for_contains_text("#tmpl-list", "No templates.")
    with transaction(app.server.extensions["certdash"].sessions) as s:
        assert s.query(CertificateTemplate).count() == 0
        assert s.get(CertificateApplication, apply_new).entry_method == "template"
    assert dash_duo.get_logs() == []
