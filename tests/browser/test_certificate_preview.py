"""Journey in the browser: the enterprise opens its draft application, finds Preview on the application
page and on the form, and the browser receives the watermarked certificate PDF inline (to read and print)."""
from __future__ import annotations

from urllib.parse import quote

from data.core.db import transaction
from data.models import CertificateApplication
from data.reference.catalog import load_reference
from tests.conftest import TEST_PASSWORD
from tests.support import browser

FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: "same-origin"}).then(async r => {
    const bytes = new Uint8Array(await r.arrayBuffer());
    done([r.status, r.headers.get("content-type"), r.headers.get("content-disposition"),
          String.fromCharCode(...bytes.slice(0, 5))]);
}).catch(e => done(["error", String(e)]));
"""


def fetched(dash_duo, href: str) -> list:
    """What the browser gets from `href` with the page's session: status, type, disposition, first bytes."""
    return dash_duo.driver.execute_async_script(FETCH, href)


def test_preview_from_the_application_page_and_the_form(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        load_reference(s, overwrite=True)  # the world's format gets its real fields
        application = s.query(CertificateApplication).filter_by(district_code="0901").one()
        application.status = "draft"
        app_id = application.id
    dash_duo.start_server(app)

    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=" + quote(f"/applications/view?id={app_id}"))
    link = dash_duo.wait_for_element("#appv-preview")
    assert link.text == "Preview" and link.get_attribute("target") == "_blank"
    href = link.get_attribute("href")
    assert href == f"{dash_duo.server_url}/files/application/{app_id}/preview.pdf"
    status, media_type, disposition, start = fetched(dash_duo, href)
    assert (status, media_type, start) == (200, "application/pdf", "%PDF-")
    assert disposition.startswith("inline;")  # shown in the browser's viewer, which prints it

    dash_duo.driver.get(f"{dash_duo.server_url}/applications/edit?id={app_id}")
    form_link = dash_duo.wait_for_element("#appf-preview")
    assert form_link.get_attribute("href") == href and form_link.get_attribute("target") == "_blank"
    assert dash_duo.get_logs() == []

    browser.sign_in_fresh(dash_duo, "ent_b_oper", TEST_PASSWORD)  # another enterprise: not found
    assert fetched(dash_duo, href)[0] == 404
