"""Journeys in the browser: certificate applications of all 11 types by the four entry methods; a field error
shown and fixed; copy and delete a draft; templates saved, used, edited and deleted in bulk.

The pages are used in English (the journeys check the messages' English text).
"""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from data.db import transaction
from data.models import CertificateApplication, CertificateTemplate, Container, Declaration, GoodsLine
from data.reference import CERTIFICATE_FORMATS, CERTIFICATE_TYPES, load_reference
from tests import browser
from tests.conftest import TEST_PASSWORD

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
    dash_duo.wait_for_contains_text("#shell-menu", "Certificate templates")


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
