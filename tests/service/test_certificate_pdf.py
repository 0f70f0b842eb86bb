"""Certificate PDFs: every format renders with its one embedded CJK font, long goods lists flow onto
further pages with their header, drafts carry the watermark, the QR code carries the verification
address, page images match the stored references; the content model from the store, and the
application preview route with its scope."""
from __future__ import annotations

import io
import os
import re
import subprocess
from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from data.applications.form import new_application
from data.applications.workflow import transition
from data.certificates.content import certificate_content, content_for_application, verification_url
from data.core.db import transaction
from data.core.scope import AccessDenied, NotFound
from data.models import Certificate, CertificateApplication, Container, Declaration, GoodsLine
from data.reference.catalog import load_reference
from exports.certificate.pdf import (
    LAYOUT_PARAMETERS,
    VerificationQr,
    clean_layout,
    layout_problems,
    render_certificate,
)
from tests.support.certificate_samples import FORMAT_CODES, NUMBER, VERIFY_URL, sample_content
from tests.support.world import actor

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_images"
UPDATE_REFERENCES = os.environ.get("CERTDASH_UPDATE_REFERENCE_IMAGES") == "1"
# A page image may differ this much from its reference (mean absolute difference of 0-255 grey values,
# and the share of pixels off by more than a quarter of the scale): room for another poppler build's
# antialiasing and for a few changed digits, not for a box more or less, another font size or the
# draft watermark (see test_the_image_comparison_notices_a_changed_layout).
MAX_MEAN_DIFFERENCE = 0.25
MAX_CHANGED_SHARE = 0.001


def pdf_tool(name: str, *args: str, pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run([name, *args, str(path)], check=True, capture_output=True, text=True).stdout


def pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, as pdftotext extracts it (pages split at form feeds)."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return out.split("\f")[:-1]


def fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of every font pdffonts lists."""
    lines = pdf_tool("pdffonts", pdf=pdf, tmp_path=tmp_path).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def page_image(pdf: bytes, tmp_path: Path, page: int = 1) -> Image.Image:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(path), str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as image:
        return image.convert("L")


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """(mean absolute difference, share of pixels off by more than 64) of two grey images of one size."""
    diff = ImageChops.difference(a, b)
    histogram = diff.histogram()
    return ImageStat.Stat(diff).mean[0], sum(histogram[65:]) / (a.width * a.height)


# --- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", FORMAT_CODES)
def test_every_format_renders_with_only_its_embedded_cjk_font(code, tmp_path):
    content = sample_content(code)
    pdf = render_certificate(content, draft=False)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    found = fonts(pdf, tmp_path)
    assert found and all(embedded == "yes" for _name, embedded in found), found  # no built-in font, ever
    assert all(name.endswith("WenQuanYiMicroHei-0") for name, _e in found), found
    text = pages_text(pdf, tmp_path)
    assert len(text) == 1  # three goods lines fit on the page
    page = re.sub(r"\s+", " ", text[0])
    languages, layout = content.format.languages, content.format.layout
    if "zh" in languages:
        assert layout["title_zh"] in page and "签证日期" in page
    if "en" in languages:
        assert layout["title_en"] in page and "Date of Issue" in page and "Page 1 of 1" in page
    else:
        assert "Date of Issue" not in page and re.search(r"第 ?1 ?页 ?共 ?1 ?页", page)
    assert NUMBER in page
    assert ("FROZEN COD FILLETS LOT 3" if "en" in languages else "冷冻鳕鱼片 第3批") in page  # goods in its languages
    assert "DRAFT" not in page and "草稿" not in page


def test_the_same_content_gives_the_same_bytes_dated_by_the_content(tmp_path):
    content = sample_content("C5-1")
    first, second = render_certificate(content, draft=False), render_certificate(content, draft=False)
    assert first == second
    info = pdf_tool("pdfinfo", pdf=first, tmp_path=tmp_path)
    assert re.search(r"CreationDate:\s+Mon Mar\s+9 08:00:00 2026", info), info
    later = render_certificate(replace(content, moment=datetime(2026, 3, 10, tzinfo=timezone.utc)), draft=False)
    assert later != first


def test_a_long_goods_list_flows_onto_further_pages_with_its_header(tmp_path):
    pdf = render_certificate(sample_content("C3-1", goods_lines=120), draft=False)
    pages = pages_text(pdf, tmp_path)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page and f"第 {n} 页 共 {len(pages)} 页" in page
        assert NUMBER in page  # the certificate number on every page
        if n < len(pages):
            assert "HS Code" in page and "Description of Goods" in page  # the goods header repeats
    whole = "\n".join(pages)
    lots = [int(x) for x in re.findall(r"FROZEN COD FILLETS LOT (\d+)", whole)]
    assert lots == list(range(1, 121))  # every line once, in order, nothing lost at page breaks
    assert "Place of Issue" in pages[-1] and "Place of Issue" not in pages[0]  # the signature block ends it


def test_the_watermark_is_on_every_page_of_a_draft_only(tmp_path):
    content = sample_content("C3-1", goods_lines=60, issued=False)
    draft_pdf, final_pdf = render_certificate(content, draft=True), render_certificate(content, draft=False)
    draft, final = pages_text(draft_pdf, tmp_path), pages_text(final_pdf, tmp_path)
    assert len(draft) == len(final) >= 2
    # the diagonal words are drawn (text extraction skips diagonal text: the same words are also there
    # as invisible upright text, for extraction, search and screen readers)
    assert all("草稿 / DRAFT" in page for page in draft)
    assert not any("草稿" in page or "DRAFT" in page for page in final)
    for n in range(1, len(draft) + 1):
        grey = difference(page_image(draft_pdf, tmp_path, n), page_image(final_pdf, tmp_path, n))[0]
        assert grey > MAX_MEAN_DIFFERENCE, (n, grey)  # visibly marked, page after page


def test_the_qr_code_carries_the_verification_address(tmp_path):
    pdf = render_certificate(sample_content("C3-1"), draft=False)
    assert f"/URI ({VERIFY_URL})".encode() in pdf  # a link over the code, to the same address
    assert qr_matrix_as_drawn(VERIFY_URL, tmp_path) == qr_matrix_encoded(VERIFY_URL)
    # no QR code without a certificate (drafts), nor when the format's layout turns it off
    assert b"/URI" not in render_certificate(sample_content("C3-1", issued=False), draft=True)
    layout = {**sample_content("C3-1").format.layout, "qr_code": False}
    assert b"/URI" not in render_certificate(sample_content("C3-1", layout=layout), draft=False)


def qr_matrix_encoded(url: str) -> list[list[bool]]:
    """The modules reportlab's encoder computes for the URL (with the renderer's mask pattern)."""
    qr = VerificationQr(url, 100)
    assert qr.value == url and qr.qr.dataList[0].data == url.encode()  # what the code encodes
    qr.drawOn(Canvas(io.BytesIO()), 0, 0)
    return [list(map(bool, row)) for row in qr.qr.modules]


def qr_matrix_as_drawn(url: str, tmp_path: Path) -> list[list[bool]]:
    """The modules read back from the drawn page: a QR code 10 pt a module, rasterised at 72 dpi."""
    count = len(qr_matrix_encoded(url))
    side = (count + 2) * 10  # one module of border on each side
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(side, side))
    VerificationQr(url, side).drawOn(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    (tmp_path / "qr.pdf").write_bytes(out.getvalue())
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", "-singlefile", str(tmp_path / "qr.pdf"),
                    str(tmp_path / "qr")], check=True)
    with Image.open(tmp_path / "qr.png") as image:
        pixels = image.convert("L").load()
        return [[pixels[10 + 10 * c + 5, 10 + 10 * r + 5] < 128 for c in range(count)] for r in range(count)]


def test_the_officer_is_named_in_the_latin_alphabet_too_on_a_bilingual_certificate(tmp_path):
    content = sample_content("C3-1")  # bilingual; the officer is 王海
    assert "王海 WANG Hai" in pages_text(render_certificate(content, draft=False), tmp_path)[0]


def test_values_are_printed_as_typed_markup_included_and_long_ones_wrap(tmp_path):
    content = sample_content("C3-1")
    short = "<b>N/M</b> & <i>"
    long = "<script>alert(1)</script> " + "DALIAN HAISHENG AQUATIC PRODUCTS IMPORT AND EXPORT CO., LTD. " * 4
    fields = tuple(replace(f, value=short) if f.key == "marks" else replace(f, value=long) if f.key == "consignee"
                   else f for f in content.fields)
    pdf = render_certificate(replace(content, fields=fields, field_index={f.key: f for f in fields}), draft=False)
    page = pages_text(pdf, tmp_path)[0]
    assert short in page and "<script>alert(1)</script>" in page
    assert page.count("EXPORT CO., LTD.") == 4  # wrapped over several lines of its box, nothing cut


# --- layout parameters --------------------------------------------------------------------------


def test_layout_parameters_describe_every_value_the_renderer_reads():
    keys = [p.key for p in LAYOUT_PARAMETERS]
    assert len(keys) == len(set(keys))
    assert {"page_size", "margins_mm", "title_zh", "title_en", "title_font_size", "font_size", "goods_columns",
            "qr_code", "official_stamp", "attestation_zh", "attestation_en"} <= set(keys)
    for p in LAYOUT_PARAMETERS:
        assert p.caption_zh and p.caption_en
        assert layout_problems({p.key: p.default}) == {}, p.key  # every default is itself valid
    assert set(clean_layout({})) == set(keys)
    shipped = sample_content("C3-1").format.layout  # what load_reference stores is valid as it is
    assert layout_problems(shipped) == {}


def test_bad_layout_values_fall_back_to_their_defaults_and_are_named():
    bad = {"page_size": "A0", "margins_mm": {"top": 1, "right": 15, "bottom": 20, "left": 15}, "font_size": "9",
           "title_font_size": 99, "qr_code": "yes", "goods_columns": ["seq", "colour"], "title_en": "x" * 500,
           "whatever": 1}
    assert layout_problems(bad) == {
        "page_size": "not_a_choice", "margins_mm": "out_of_range", "font_size": "not_a_number",
        "title_font_size": "out_of_range", "qr_code": "not_a_flag", "goods_columns": "bad_columns",
        "title_en": "too_long", "whatever": "unknown_parameter"}
    clean = clean_layout(bad)
    assert clean["page_size"] == "A4" and clean["font_size"] == 9.0 and clean["qr_code"] is True
    assert clean["margins_mm"] == {"top": 20, "right": 15, "bottom": 20, "left": 15}
    assert layout_problems(["not", "a", "dict"]) == {"layout": "not_an_object"}
    assert clean_layout(None) == clean_layout({})


def test_layout_values_change_the_page(tmp_path):
    layout = {"page_size": "Letter", "margins_mm": {"top": 12, "right": 12, "bottom": 12, "left": 12},
              "title_zh": "兽医证书（测试）", "title_en": "VETERINARY CERTIFICATE (TEST)", "font_size": 8,
              "goods_columns": ["seq", "description", "value"], "official_stamp": False,
              "attestation_en": "Attested for the test.", "attestation_zh": "测试证明。"}
    pdf = render_certificate(sample_content("C3-1", layout=layout), draft=False)
    info = pdf_tool("pdfinfo", pdf=pdf, tmp_path=tmp_path)
    assert "612 x 792 pts (letter)" in info
    page = pages_text(pdf, tmp_path)[0]
    assert "VETERINARY CERTIFICATE (TEST)" in page and "Attested for the test." in page and "测试证明" in page
    assert "12000 USD" in page and "HS Code" not in page and "Official Stamp" not in page
    # garbage in the stored layout still renders, with the defaults
    broken = {"page_size": 3, "margins_mm": "wide", "font_size": None, "goods_columns": "all", "qr_code": 0}
    assert render_certificate(sample_content("C3-1", layout=broken), draft=False).startswith(b"%PDF-")


# --- page images --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", FORMAT_CODES)
def test_page_images_match_the_references(code, tmp_path):
    """Page 1 of each format at 50 dpi in grey, against tests/reference_images/<code>.png.

    Regenerate with CERTDASH_UPDATE_REFERENCE_IMAGES=1 (and look at them before committing)."""
    image = page_image(render_certificate(sample_content(code), draft=False), tmp_path)
    reference = REFERENCE_DIR / f"{code}.png"
    if UPDATE_REFERENCES:
        REFERENCE_DIR.mkdir(exist_ok=True)
        image.save(reference, optimize=True)
    assert reference.exists(), f"no reference image {reference.name}: run with CERTDASH_UPDATE_REFERENCE_IMAGES=1"
    with Image.open(reference) as stored:
        stored = stored.convert("L")
        assert stored.size == image.size
        mean, changed = difference(stored, image)
    assert mean <= MAX_MEAN_DIFFERENCE and changed <= MAX_CHANGED_SHARE, (code, mean, changed)


def test_the_image_comparison_notices_a_changed_layout(tmp_path):
    content = sample_content("C3-1")
    image = page_image(render_certificate(content, draft=False), tmp_path)
    larger = replace(content, format=replace(content.format, layout={**content.format.layout, "font_size": 9.5}))
    for other in (larger, replace(content, fields=content.fields[:-1])):
        mean, changed = difference(image, page_image(render_certificate(other, draft=False), tmp_path))
        assert mean > MAX_MEAN_DIFFERENCE and changed > MAX_CHANGED_SHARE, (mean, changed)
    mean, _changed = difference(image, page_image(render_certificate(content, draft=True), tmp_path))
    assert mean > MAX_MEAN_DIFFERENCE


# --- content from the store ---------------------------------------------------------------------

HS = "0303630000"


@pytest.fixture
def s(app, users):
    """The world with the shipped formats and a declaration of enterprise A with goods and a container."""
    with app.server.extensions["certdash"].sessions() as session:
        load_reference(session, overwrite=True)
        decl = session.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
        decl.consignor_zh, decl.consignor_en = "大连海晟水产有限公司", "DALIAN HAISHENG AQUATIC CO., LTD."
        decl.consignor_address, decl.consignee_en = "DALIAN, CHINA", "KOREA SEAFOOD INC."
        decl.dest_country, decl.transport_mode, decl.trade_mode, decl.currency = "KR", "1", "0110", "USD"
        decl.marks, decl.transport_means = "HS-2611", "COSCO STAR"
        session.add_all([
            GoodsLine(declaration_id=decl.id, seq=1, hs_code=HS, name_zh="冻鱼", name_en="FROZEN FISH",
                      quantity=Decimal("1200"), quantity_unit="035", weight=Decimal("1.2"), weight_unit="070",
                      packages=120, package_type="CT", origin_place="大连", origin_country="CN",
                      value=Decimal("1000.50"), currency="USD"),
            Container(declaration_id=decl.id, seq=1, number="TGHU1234567", spec="40HC", seal_no="S-99"),
        ])
        session.commit()
        yield session


def new_draft(s, users) -> CertificateApplication:
    decl_id = s.scalar(select(Declaration.id).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
    app = new_application(s, actor(s, "ent_a_oper"), declaration_id=decl_id, format_code="C3-1",
                          entry_method="smart_import")
    s.commit()
    return app


def test_content_of_a_draft_names_its_codes_and_has_no_number(s, users):
    app = new_draft(s, users)
    c = certificate_content(s, actor(s, "ent_a_oper"), application_id=app.id, public_url="https://c.example")
    assert c.status == "draft" and c.is_draft and c.certificate_no is None and c.verify_url is None
    assert c.cert_type.code == "14" and c.format.code == "C3-1" and c.format.bilingual
    assert c.authority.district_code == "0901" and c.authority.parent_zh == "大连海关"
    assert c.consignor.name_en == "DALIAN HAISHENG AQUATIC CO., LTD." and c.export_country.code == "CN"
    assert c.dest_country.code == "KR" and c.transport.mode.code == "1" and c.declaration.trade_mode.code == "0110"
    assert [f.key for f in c.fields][:3] == ["consignor", "consignee", "description"]
    assert c.field_value("destination").coded.name_zh == "韩国"
    assert c.field_value("conveyance").coded.code == "1"
    assert c.field_value("packages").coded.code == "CT"  # "120 CT": its package type named
    assert (c.field_value("packages").coded.name_zh, c.field_value("packages").coded.name_en) == ("纸箱", "Carton")
    (g,) = c.goods
    assert (g.quantity, g.quantity_unit.rec20, g.weight, g.weight_unit.rec20) == ("1200", "KGM", "1.2", "TNE")
    assert g.package_type.name_en and g.value == "1000.5" and g.currency.code == "USD"
    assert g.origin_country.code == "CN"
    assert c.containers[0].number == "TGHU1234567" and c.seals == ("S-99",) and c.marks == "HS-2611"
    assert c.signatory.title_en == "Official Veterinarian" and c.signatory.method is None
    pdf = render_certificate(c, draft=c.is_draft)
    assert b"/URI" not in pdf and pdf.startswith(b"%PDF-")


def test_content_follows_approval_and_the_issued_certificate(s, users, tmp_path):
    app = new_draft(s, users)
    for account, action in (("ent_a_oper", "submit"), ("officer0901", "open"), ("officer0901", "approve")):
        transition(s, actor(s, account), app.id, action, version=app.version)
        s.commit()
    c = certificate_content(s, actor(s, "officer0901"), application_id=app.id)
    assert c.status == "approved" and not c.is_draft and c.certificate_no == app.certificate_no
    assert c.issue_date == app.approved_at.date() and c.verify_url is None

    now = datetime(2026, 3, 9, 8, tzinfo=timezone.utc)
    cert = Certificate(certificate_no=app.certificate_no, application_id=app.id, enterprise_id=app.enterprise_id,
                       district_code="0901", cert_type_code="14", entry_method="smart_import",
                       issue_place="大连 DALIAN", issue_date=now.date(), issued_at=now, signing_method="cloud",
                       verify_token="tok-123", issued_by=users.user_ids["officer0901"])
    s.add(cert)
    s.commit()
    c = certificate_content(s, actor(s, "ent_a_oper"), application_id=app.id, public_url="https://c.example/")
    assert c.status == "issued" and c.authority.issue_place == "大连 DALIAN" and c.issue_date == now.date()
    assert c.verify_url == f"https://c.example/verify/{cert.certificate_no}?t=tok-123"
    assert c.signatory.method == "cloud" and c.signatory.officer_name == "officer0901" and c.moment == now
    by_number = certificate_content(s, actor(s, "officer0901"), certificate_no=cert.certificate_no,
                                    public_url="https://c.example")
    assert by_number == c

    replacement = Certificate(certificate_no=cert.certificate_no + "R", application_id=app.id,
                              enterprise_id=app.enterprise_id, district_code="0901", cert_type_code="14",
                              entry_method="smart_import", issue_place="大连", issue_date=now.date(), issued_at=now,
                              signing_method="cloud", verify_token="tok-456", replaces_id=cert.id)
    cert.status, cert.status_reason = "replaced", "品名有误"
    s.add(replacement)
    s.commit()
    old = content_for_application(s, app, cert, public_url="https://c.example")
    assert old.status == "replaced" and old.status_reason == "品名有误"
    new = content_for_application(s, app, replacement, verify_url="https://v.example/x")
    assert new.replaces_no == cert.certificate_no and new.verify_url == "https://v.example/x"
    assert "This certificate replaces certificate No." in "".join(
        pages_text(render_certificate(new, draft=False), tmp_path))


def test_content_is_scoped_like_the_application(s, users):
    app = new_draft(s, users)
    with pytest.raises(NotFound):
        certificate_content(s, actor(s, "ent_b_oper"), application_id=app.id)
    with pytest.raises(NotFound):  # customs never see an unsent draft
        certificate_content(s, actor(s, "officer0901"), application_id=app.id)
    with pytest.raises(NotFound):
        certificate_content(s, actor(s, "ent_b_oper"), certificate_no="TEST0000")  # enterprise A's
    with pytest.raises(NotFound):
        certificate_content(s, actor(s, "officer0901"), certificate_no="TEST0001")  # district 0903's
    with pytest.raises(AccessDenied):
        certificate_content(s, actor(s, "overseas_ru"), certificate_no="TEST0000")
    assert certificate_content(s, actor(s, "officer0901"), certificate_no="TEST0000").status == "issued"
    with pytest.raises(ValueError):
        certificate_content(s, actor(s, "ent_a_oper"))


def test_verification_url_quotes_its_parts():
    assert verification_url("https://c.example/", "09/01", "a b") == "https://c.example/verify/09%2F01?t=a%20b"


# --- the preview route ------------------------------------------------------------------------------


def preview(client, app_id: int):
    return client.get(f"/files/application/{app_id}/preview.pdf")


def test_the_enterprise_previews_its_draft_inline_with_the_watermark(s, users, client_as, tmp_path):
    app = new_draft(s, users)
    response = preview(client_as("ent_a_oper"), app.id)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert f"preview-application-{app.id}.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    text = "".join(pages_text(response.data, tmp_path))
    assert "草稿" in text and "DRAFT" in text and "FROZEN FISH" in text


def test_preview_scope(s, users, client_as, tmp_path):
    app = new_draft(s, users)
    assert preview(client_as("ent_b_oper"), app.id).status_code == 404  # another enterprise's
    assert preview(client_as("officer0901"), app.id).status_code == 404  # a draft customs has not been sent
    assert preview(client_as(None), app.id).status_code == 401  # anonymous: sign in first
    assert preview(client_as("overseas_ru"), app.id).status_code == 403
    assert preview(client_as("sysadmin"), app.id).status_code == 403
    assert preview(client_as("ent_a_oper"), 999999).status_code == 404
    # an officer previews an application of the district once sent; no watermark once approved
    for account, action in (("ent_a_oper", "submit"), ("officer0901", "open")):
        transition(s, actor(s, account), app.id, action, version=s.get(CertificateApplication, app.id).version)
        s.commit()
    under_review = preview(client_as("officer0901"), app.id)
    assert under_review.status_code == 200 and "DRAFT" in "".join(pages_text(under_review.data, tmp_path))
    assert preview(client_as("manager0903"), app.id).status_code == 403  # no application permission
    transition(s, actor(s, "officer0901"), app.id, "approve", version=s.get(CertificateApplication, app.id).version)
    s.commit()
    approved = preview(client_as("ent_a_oper"), app.id)
    text = "".join(pages_text(approved.data, tmp_path))
    assert approved.status_code == 200 and "DRAFT" not in text and "草稿" not in text
    assert s.get(CertificateApplication, app.id).certificate_no in text
    b_app = users.application_ids["B-0903"]
    assert preview(client_as("officer0901"), b_app).status_code == 404  # another district's


def test_an_issued_world_certificate_previews_with_its_qr_link(users, client_as, app):
    with transaction(app.server.extensions["certdash"].sessions) as session:
        load_reference(session, overwrite=True)
    response = preview(client_as("ent_a_oper"), users.application_ids["A-0901"])
    assert response.status_code == 200
    assert b"/verify/TEST0000?t=tok0" in response.data  # the world's certificate, its verification link
