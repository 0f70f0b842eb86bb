"""Scanned documents of an application: checked by content, scoped, changed only while the workflow allows."""
from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from data.applications.scans import (
    MAX_SCANS,
    ScanRefused,
    add_scan,
    delete_scan,
    list_scans,
    replace_scan,
    scan_file,
)
from data.applications.workflow import receipts
from data.core.scope import AccessDenied, NotFound
from data.models import ApplicationScan, Blob, CertificateApplication, Event
from data.reference.catalog import load_reference
from tests.service.test_workflow import actor

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17 + b"IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
INVOICE = "102002"  # 发票, an exit document (the world's declarations are exits)


@pytest.fixture
def s(app, users):
    """A session on the test world with the dictionaries; applications A-0901 and B-0903 are drafts."""
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session)
        for key in ("A-0901", "B-0903"):
            session.get(CertificateApplication, users.application_ids[key]).status = "draft"
        session.commit()
        yield session


def set_status(s, app_id, status):
    s.get(CertificateApplication, app_id).status = status
    s.commit()


def add(s, account, app_id, filename="invoice.pdf", content=PDF, doc_code=INVOICE):
    scan = add_scan(s, actor(s, account), app_id, doc_code, filename, content)
    s.commit()
    return scan


def count(s, model, *where) -> int:
    return s.scalar(select(func.count()).select_from(model).where(*where))


def test_the_enterprise_adds_replaces_and_deletes_a_scan_each_change_audited(s, users):
    app_id = users.application_ids["A-0901"]
    scan = add(s, "ent_a_oper", app_id)
    listed = list_scans(s, actor(s, "ent_a_oper"), app_id)
    assert listed.mode == "edit" and listed.can_add and listed.can_change
    assert [(r.doc_code, r.doc_name_zh, r.filename, r.size, r.media_type) for r in listed.rows] == [
        (INVOICE, "发票", "invoice.pdf", len(PDF), "application/pdf")]
    assert INVOICE in {d.code for d in listed.doc_types} and "101002" not in {d.code for d in listed.doc_types}

    replace_scan(s, actor(s, "ent_a_oper"), scan.id, "invoice-page1.png", PNG)
    s.commit()
    stored = scan_file(s, actor(s, "ent_a_oper"), scan.id)
    assert (stored.filename, stored.media_type, stored.content) == ("invoice-page1.png", "image/png", PNG)
    assert list_scans(s, actor(s, "ent_a_oper"), app_id).rows[0].doc_code == INVOICE  # the type stays

    assert delete_scan(s, actor(s, "ent_a_oper"), scan.id) == "invoice-page1.png"
    s.commit()
    assert list_scans(s, actor(s, "ent_a_oper"), app_id).rows == []
    events = s.scalars(select(Event).where(Event.object_type == "application_scan", Event.object_id == str(scan.id))
                       .order_by(Event.id)).all()
    assert [e.code for e in events] == ["app.scan_added", "app.scan_replaced", "app.scan_deleted"]
    assert all(e.actor_id == users.user_ids["ent_a_oper"] and e.details["application_id"] == app_id for e in events)
    assert events[1].details["before"]["filename"] == "invoice.pdf"
    assert receipts(s, actor(s, "ent_a_oper"), app_id) == []  # a draft's scans are not receipts


def test_the_same_bytes_are_stored_once(s, users):
    app_id = users.application_ids["A-0901"]
    first, second = add(s, "ent_a_oper", app_id), add(s, "ent_a_admin", app_id, "copy.pdf")
    b = add(s, "ent_b_oper", users.application_ids["B-0903"], "theirs.jpg", JPEG)
    assert first.blob_sha256 == second.blob_sha256 != b.blob_sha256
    assert count(s, Blob) == 2


@pytest.mark.parametrize("filename,content,code", [
    ("invoice.pdf", PNG, "extension_mismatch"),  # a PNG pretending to be a PDF
    ("invoice.pdf", "这不是PDF <script>alert(1)</script>".encode(), "bad_type"),  # text pretending to be a PDF
    ("photo.jpg", PDF, "extension_mismatch"),
    ("invoice", PDF, "extension_mismatch"),  # no extension at all
    ("invoice.pdf", b"", "empty"),
    ("invoice.pdf", PDF[:-6] + b" " * (10 * 1024 * 1024) + b"%%EOF\n", "too_large"),
    ("photo.gif", b"GIF89a" + b"\x00" * 32, "bad_type"),  # a real image, not a scan type
    ("invoice.pdf", b"%PDF-1.4 and then nothing", "damaged"),
    ("page.png", b"\x89PNG\r\n\x1a\nnot a png at all", "damaged"),
])
def test_files_that_lie_are_empty_or_too_large_are_refused_and_nothing_is_written(s, users, filename, content,
                                                                                   code):
    with pytest.raises(ScanRefused) as refused:
        add(s, "ent_a_oper", users.application_ids["A-0901"], filename, content)
    s.rollback()
    assert refused.value.code == code
    assert count(s, ApplicationScan) == count(s, Blob) == count(s, Event) == 0


def test_a_replacement_is_checked_like_an_addition(s, users):
    scan = add(s, "ent_a_oper", users.application_ids["A-0901"])
    with pytest.raises(ScanRefused, match="extension_mismatch"):
        replace_scan(s, actor(s, "ent_a_oper"), scan.id, "scan.pdf", JPEG)
    s.rollback()
    assert scan_file(s, actor(s, "ent_a_oper"), scan.id).content == PDF


def test_a_file_of_exactly_10_mb_is_accepted(s, users):
    content = PDF[:-6] + b" " * (10 * 1024 * 1024 - len(PDF)) + b"%%EOF\n"
    assert len(content) == 10 * 1024 * 1024
    assert add(s, "ent_a_oper", users.application_ids["A-0901"], "big.pdf", content).size == len(content)


@pytest.mark.parametrize("doc_code", ["", "999999", "101002", None, "102002' OR 1=1"])
def test_the_document_type_must_be_one_of_the_dictionary_for_the_declaration(s, users, doc_code):
    with pytest.raises(ScanRefused, match="doc_code"):
        add(s, "ent_a_oper", users.application_ids["A-0901"], doc_code=doc_code)  # 101002 is an entry document


def test_other_documents_have_their_dictionary_code(s, users):
    scan = add(s, "ent_a_oper", users.application_ids["A-0901"], doc_code="102999")
    assert list_scans(s, actor(s, "ent_a_oper"), scan.application_id).rows[0].doc_name_zh == "其他"


def test_at_most_20_scans_per_application(s, users):
    app_id = users.application_ids["A-0901"]
    for n in range(MAX_SCANS):
        add(s, "ent_a_oper", app_id, f"page{n}.pdf")
    assert not list_scans(s, actor(s, "ent_a_oper"), app_id).can_add
    with pytest.raises(ScanRefused, match="too_many"):
        add(s, "ent_a_oper", app_id, "one-more.pdf")


def test_file_names_lose_their_path_and_markup_and_keep_their_extension(s, users):
    app_id = users.application_ids["A-0901"]
    assert add(s, "ent_a_oper", app_id, "C:\\fakepath\\..\\报关<script>.PDF").filename == "报关script.pdf"
    long = add(s, "ent_a_oper", app_id, "x" * 400 + ".jpeg", JPEG).filename
    assert len(long) == 255 and long.endswith(".jpeg")


def test_another_enterprise_can_neither_see_nor_change_the_scans(s, users):
    app_id = users.application_ids["A-0901"]
    scan = add(s, "ent_a_oper", app_id)
    b = actor(s, "ent_b_oper")
    for attempt in (lambda: list_scans(s, b, app_id), lambda: scan_file(s, b, scan.id),
                    lambda: add_scan(s, b, app_id, INVOICE, "x.pdf", PDF),
                    lambda: replace_scan(s, b, scan.id, "x.pdf", PDF), lambda: delete_scan(s, b, scan.id)):
        with pytest.raises(NotFound):
            attempt()
        s.rollback()
    assert scan_file(s, actor(s, "ent_a_oper"), scan.id).filename == "invoice.pdf"


def test_officers_of_the_district_see_and_download_but_never_change(s, users):
    app_id = users.application_ids["A-0901"]
    scan = add(s, "ent_a_oper", app_id)
    officer = actor(s, "officer0901")
    with pytest.raises(NotFound):  # a draft is the enterprise's own
        list_scans(s, officer, app_id)
    set_status(s, app_id, "submitted")
    listed = list_scans(s, officer, app_id)
    assert [r.filename for r in listed.rows] == ["invoice.pdf"] and listed.mode == "read" and not listed.doc_types
    assert scan_file(s, officer, scan.id).content == PDF
    for attempt in (lambda: add_scan(s, officer, app_id, INVOICE, "x.pdf", PDF),
                    lambda: replace_scan(s, officer, scan.id, "x.pdf", PDF), lambda: delete_scan(s, officer, scan.id)):
        with pytest.raises(AccessDenied):
            attempt()
        s.rollback()


def test_officers_of_another_district_see_nothing(s, users):
    app_id = users.application_ids["B-0903"]  # 金普 (0903) is not under 大连港湾 (0901)
    scan = add(s, "ent_b_oper", app_id)
    with pytest.raises(NotFound):
        list_scans(s, actor(s, "officer0901"), app_id)
    with pytest.raises(NotFound):
        scan_file(s, actor(s, "officer0901"), scan.id)


def test_users_without_application_permissions_are_refused(s, users):
    scan = add(s, "ent_a_oper", users.application_ids["A-0901"])
    for account in ("manager0900", "overseas_ru"):
        with pytest.raises(AccessDenied):
            scan_file(s, actor(s, account), scan.id)


@pytest.mark.parametrize("status", ["approved", "issued", "revoked", "suspended", "awaiting_confirmation",
                                    "confirmed"])
def test_no_changes_once_the_application_is_beyond_review(s, users, status):
    app_id = users.application_ids["A-0901"]
    scan = add(s, "ent_a_oper", app_id)
    set_status(s, app_id, status)
    assert list_scans(s, actor(s, "ent_a_oper"), app_id).mode == "read"
    ent = actor(s, "ent_a_oper")
    for attempt in (lambda: add_scan(s, ent, app_id, INVOICE, "x.pdf", PDF),
                    lambda: replace_scan(s, ent, scan.id, "x.pdf", PDF), lambda: delete_scan(s, ent, scan.id)):
        with pytest.raises(ScanRefused, match="locked"):
            attempt()
        s.rollback()
    assert scan_file(s, ent, scan.id).content == PDF


@pytest.mark.parametrize("status", ["submitted", "under_review"])
def test_a_submitted_application_takes_scans_as_a_supplementary_declaration(s, users, status):
    app_id = users.application_ids["A-0901"]
    first = add(s, "ent_a_oper", app_id)
    set_status(s, app_id, status)
    assert list_scans(s, actor(s, "ent_a_oper"), app_id).mode == "supplement"
    added = add(s, "ent_a_oper", app_id, "packing-list.jpg", JPEG, doc_code="102004")
    receipt = receipts(s, actor(s, "officer0901"), app_id)[-1]
    assert receipt.code == "app.supplemented" and "packing-list.jpg" in receipt.message
    assert "packing-list.jpg" in receipt.reason and receipts(s, actor(s, "ent_a_oper"), app_id)[-1] == receipt
    assert s.get(CertificateApplication, app_id).status == status
    for scan in (first, added):  # what customs has seen stays as it is
        with pytest.raises(ScanRefused, match="add_only"):
            replace_scan(s, actor(s, "ent_a_oper"), scan.id, "x.pdf", PDF)
        s.rollback()
        with pytest.raises(ScanRefused, match="add_only"):
            delete_scan(s, actor(s, "ent_a_oper"), scan.id)
        s.rollback()


# --- the download route and the page's callback -------------------------------------------------


@pytest.fixture
def a_scan(app, users) -> int:
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session)
        session.get(CertificateApplication, users.application_ids["A-0901"]).status = "draft"
        scan = add(session, "ent_a_oper", users.application_ids["A-0901"], "报检<b>发票</b>.pdf")
        set_status(session, users.application_ids["A-0901"], "submitted")  # customs see it once applied
        return scan.id


@pytest.mark.parametrize("account,status", [
    ("ent_a_oper", 200), ("ent_a_admin", 200), ("officer0901", 200), ("ent_b_oper", 404), ("manager0900", 403),
    ("sysadmin", 403), ("overseas_ru", 403), (None, 401),
])
def test_the_download_route_follows_scope_and_permission(client_as, a_scan, account, status):
    response = client_as(account).get(f"/files/scan/{a_scan}")
    assert response.status_code == status
    if status == 200:
        assert response.data == PDF and response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" not in response.headers["Content-Disposition"]
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_the_download_route_answers_404_for_an_unknown_scan(client_as, a_scan):
    assert client_as("ent_a_oper").get(f"/files/scan/{a_scan + 1000}").status_code == 404


def scan_callback(app, app_id, *, index="new", filename="invoice.pdf", content=PDF, doc_code=INVOICE):
    key = next(k for k in app.callback_map if "appv-scan-panel.children" in k)
    upload = {"type": "appv-scan-upload", "index": index}
    data_url = "data:application/pdf;base64," + base64.b64encode(content).decode()
    return {
        "output": key,
        "outputs": [{"id": "appv-scan-panel", "property": "children"},
                    {"id": "appv-scan-message", "property": "children"}],
        "inputs": [{"id": "appv-state", "property": "data", "value": {"id": app_id, "version": 1}},
                   [{"id": upload, "property": "contents", "value": data_url}], []],
        "state": [[{"id": upload, "property": "filename", "value": filename}],
                  [{"id": {"type": "appv-scan-doc", "index": 0}, "property": "value", "value": doc_code}]],
        "changedPropIds": [json.dumps(upload, sort_keys=True, separators=(",", ":")) + ".contents"],
    }


def callback_text(client, payload) -> str:
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_the_page_adds_a_scan_and_shows_refusals(app, users, client_as, a_scan):
    app_id = users.application_ids["A-0901"]
    client = client_as("ent_a_oper")
    text = callback_text(client, scan_callback(app, app_id, filename="packing.pdf"))
    assert "packing.pdf" in text and "/files/scan/" in text and '"color": "success"' in text
    text = callback_text(client, scan_callback(app, app_id, filename="packing.pdf", content=PNG))
    assert '"color": "danger"' in text
    text = callback_text(client, scan_callback(app, app_id, doc_code=None))
    assert '"color": "danger"' in text
    with app.server.extensions["certdash"].sessions() as session:
        assert count(session, ApplicationScan) == 2  # the fixture's and packing.pdf


def test_the_page_refuses_an_officers_upload_payload(app, users, client_as, a_scan):
    text = callback_text(client_as("officer0901"), scan_callback(app, users.application_ids["A-0901"]))
    assert '"color": "danger"' in text
    text = callback_text(client_as("ent_b_oper"), scan_callback(app, users.application_ids["B-0903"],
                                                                index=a_scan, filename="x.pdf"))
    assert '"color": "danger"' in text  # replacing another enterprise's scan: no such scan
    with app.server.extensions["certdash"].sessions() as session:
        assert count(session, ApplicationScan) == 1
        assert scan_file(session, actor(session, "ent_a_oper"), a_scan).content == PDF


def test_the_page_takes_a_10_mb_scan_and_refuses_a_larger_one_with_a_message(app, users, client_as, a_scan):
    app_id = users.application_ids["A-0901"]
    client = client_as("ent_a_oper")
    ten_mb = PDF[:-6] + b" " * (10 * 1024 * 1024 - len(PDF)) + b"%%EOF\n"
    assert '"color": "success"' in callback_text(client, scan_callback(app, app_id, filename="ten.pdf",
                                                                      content=ten_mb))
    text = callback_text(client, scan_callback(app, app_id, filename="eleven.pdf", content=ten_mb + b" "))
    assert '"color": "danger"' in text and "eleven.pdf" not in text
