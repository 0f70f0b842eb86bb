"""Issuing certificates: signed PDFs that independent validators accept, one transaction per issue,
paper prints counted, the rules of replacement and withdrawal, batch signing, scoped PDFs."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data.certificates.issuing import (
    Issuer,
    IssueRefused,
    all_issuable,
    certificate_pdf,
    certificate_view,
    issuable_applications,
    issue,
    issue_batch,
    print_certificate,
    replace_certificate,
    withdraw_certificate,
)
from data.certificates.keyring import Keyring
from data.core.scope import AccessDenied, NotFound
from data.models import (
    ApplicationGoods,
    Blob,
    Certificate,
    CertificateApplication,
    CertificateShare,
    Declaration,
    Event,
    NumberSequence,
    StatsCertificate,
    SystemParameter,
    User,
)
from exports.certificate.signing import SigningFailed
from tests.support.world import actor

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
PUBLIC_URL = "https://certdash.example"


@pytest.fixture(scope="session")
def keyring(tmp_path_factory):
    """One demo CA for the whole run (RSA keys take a moment to make)."""
    return Keyring(demo_folder=tmp_path_factory.mktemp("keys") / "signing")


@pytest.fixture
def issuer(keyring):
    return Issuer(keyring, PUBLIC_URL)


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory, keyring):
    """An NSS database trusting the demo root, for poppler's pdfsig."""
    folder = tmp_path_factory.mktemp("nss")
    root = keyring.demo_folder / "root-ca.pem"
    keyring.trust_roots()  # creates the root if no test did yet
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{folder}", "-n", "certdash-demo-root", "-t", "CT,C,C",
                    "-i", str(root)], check=True)
    return folder


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


_SEQ = iter(range(10, 10_000))


def approved_application(s, users, *, enterprise: str = "A", district: str = "0901", cert_type: str = "14") -> int:
    """Add an approved application (declaration, two goods lines) and return its id."""
    n = next(_SEQ)
    decl = Declaration(direction="exit", inspection_no=f"2090000000{n:05d}", enterprise_id=users.enterprise_ids[enterprise],
                       district_code=district, status="sent", consignor_zh="大连海产品有限公司",
                       consignor_en="DALIAN SEAFOOD CO., LTD.", consignee_en="OOO VOSTOK", dest_country="RU",
                       inspection_date=date(2026, 11, 18), total_value=Decimal("48250.50"), currency="USD")
    s.add(decl)
    s.flush()
    app = CertificateApplication(declaration_id=decl.id, enterprise_id=users.enterprise_ids[enterprise],
                                 district_code=district, cert_type_code=cert_type, format_code="C3-1", status="approved",
                                 submitted_at=NOW - timedelta(days=2), approved_at=NOW - timedelta(hours=1),
                                 dest_country="RU")
    s.add(app)
    s.flush()
    s.add_all([ApplicationGoods(application_id=app.id, seq=i, hs_code="0303899090", name_zh=f"冻鱼 {i}",
                                name_en=f"FROZEN FISH {i}", quantity=Decimal("1200"), quantity_unit="035",
                                weight=Decimal("12000.5"), weight_unit="035", packages=600, package_type="CT")
               for i in (1, 2)])
    s.commit()
    return app.id


def version_of(s, app_id: int) -> int:
    application = s.get(CertificateApplication, app_id)
    s.refresh(application)
    return application.version


def issue_one(s, users, issuer, *, paper: bool = False, district: str = "0901") -> Certificate:
    app_id = approved_application(s, users, district=district)
    cert = issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=issuer, paper=paper,
                 now=NOW)
    s.commit()
    return cert


def stored(s, cert: Certificate) -> bytes:
    return s.get(Blob, cert.pdf_sha256).data


# --- validation by pyHanko and pdfsig -----------------------------------------------------------


def pyhanko_accepts(pdf: bytes, keyring: Keyring) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if len(signatures) != 1:
            return False
        status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=keyring.trust_roots()))
    except Exception:  # noqa: BLE001 - a damaged file is a failed validation
        return False
    return bool(status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)


def pdfsig_report(pdf: bytes, nss_db, tmp_path) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss_db}", str(path)], capture_output=True, text=True)
    return done.stdout + done.stderr


def pdfsig_accepts(pdf: bytes, nss_db, tmp_path) -> bool:
    report = pdfsig_report(pdf, nss_db, tmp_path)
    return ("Signature Validation: Signature is Valid." in report and "Certificate is Trusted." in report
            and "Total document signed" in report)


needs_pdfsig = pytest.mark.skipif(not shutil.which("pdfsig") or not shutil.which("certutil"),
                                  reason="poppler-utils and libnss3-tools are installed by `make test`")


@needs_pdfsig
def test_an_issued_certificate_is_signed_by_its_district_and_validates(s, users, issuer, keyring, nss_db, tmp_path):
    cert = issue_one(s, users, issuer)
    pdf = stored(s, cert)
    assert pyhanko_accepts(pdf, keyring)
    report = pdfsig_report(pdf, nss_db, tmp_path)
    assert "Signature is Valid." in report and "Certificate is Trusted." in report, report
    assert "ETSI.CAdES.detached" in report  # PAdES
    assert "Dalian Gangwan Customs (0901)" in report  # the issuing district's own certificate
    assert cert.certificate_no in pdf.decode("latin-1")  # reason names the number
    assert cert.signing_method == "cloud" and cert.signed_at == NOW and cert.issued_by == users.user_ids["officer0901"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", cert.verify_token)


@needs_pdfsig
@pytest.mark.parametrize("where", ["start", "signed-middle", "before-signature", "signature-start",
                                   "signature-middle", "signature-end", "after-signature", "end"])
def test_flipping_a_byte_anywhere_fails_both_validators(s, users, issuer, keyring, nss_db, tmp_path, where):
    pdf = bytearray(stored(s, issue_one(s, users, issuer)))
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    position = {"start": 0, "signed-middle": start // 2, "before-signature": start - 2, "signature-start": start,
                "signature-middle": (start + end) // 2, "signature-end": end - 1, "after-signature": end + 1,
                "end": len(pdf) - 1}[where]
    pdf[position] ^= 0x01
    assert not pyhanko_accepts(bytes(pdf), keyring)
    assert not pdfsig_accepts(bytes(pdf), nss_db, tmp_path)


def test_the_signature_reserves_no_padding_to_hide_changes_in(s, users, issuer):
    pdf = stored(s, issue_one(s, users, issuer))
    contents = re.search(rb"/Contents <([0-9a-fA-F]+)>", pdf).group(1)
    der = bytes.fromhex(contents.decode())
    assert der[0] == 0x30 and 4 + int.from_bytes(der[2:4], "big") == len(der)  # the CMS fills the space


# --- one transaction ----------------------------------------------------------------------------


class BrokenKeyring:
    def sign_pdf(self, *_args, **_kwargs):
        raise SigningFailed("the HSM said no")


def _nothing_issued(s, app_id: int, blobs_before: int, events_before: int) -> None:
    s.rollback()
    application = s.get(CertificateApplication, app_id)
    s.refresh(application)
    assert application.status == "approved"
    assert s.scalar(select(func.count()).select_from(Certificate).where(Certificate.application_id == app_id)) == 0
    assert s.scalar(select(func.count()).select_from(Blob)) == blobs_before
    assert s.scalar(select(func.count()).select_from(Event)) == events_before


@pytest.mark.parametrize("break_what", ["signer", "renderer", "store"])
def test_a_failure_at_any_point_leaves_nothing_half_issued(s, users, issuer, monkeypatch, break_what):
    app_id = approved_application(s, users)
    application = s.get(CertificateApplication, app_id)
    application.certificate_no = None  # the number would be allocated in the same transaction
    s.commit()
    blobs, events = s.scalar(select(func.count()).select_from(Blob)), s.scalar(select(func.count()).select_from(Event))
    sequences = s.scalar(select(func.count()).select_from(NumberSequence))
    used = issuer
    if break_what == "signer":
        used = Issuer(BrokenKeyring(), PUBLIC_URL)
    elif break_what == "renderer":
        monkeypatch.setattr("data.certificates.issuing.render_certificate", lambda *_a, **_k: 1 / 0)
    else:
        def no_store(*_a, **_k):
            raise RuntimeError("disk full")
        monkeypatch.setattr("data.certificates.issuing.store_blob", no_store)
    with pytest.raises((IssueRefused, RuntimeError)) as refused:
        issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=used, now=NOW)
    if break_what == "signer":
        assert refused.value.code == "signing_failed"
    if break_what == "renderer":
        assert refused.value.code == "render_failed"
    _nothing_issued(s, app_id, blobs, events)
    assert s.scalar(select(func.count()).select_from(NumberSequence)) == sequences
    assert s.get(CertificateApplication, app_id).certificate_no is None


def test_issue_writes_the_receipts_and_marks_the_application(s, users, issuer):
    cert = issue_one(s, users, issuer)
    application = s.get(CertificateApplication, cert.application_id)
    assert application.status == "issued" and application.certificate_no == cert.certificate_no
    codes = {(e.code, e.object_type) for e in s.scalars(select(Event).where(
        ((Event.object_type == "certificate") & (Event.object_id == str(cert.id)))
        | ((Event.object_type == "application") & (Event.object_id == str(application.id)))))}
    assert codes == {("cert.issued", "certificate"), ("app.issued", "application")}
    assert cert.issue_date == date(2026, 11, 20) and cert.received_date == date(2026, 11, 18)
    assert cert.issue_place == "大连 DALIAN" and cert.district_code == "0901"
    # the goods' value as declared, counted per currency by the statistics
    assert (cert.goods_value, cert.currency) == (Decimal("48250.50"), "USD")
    assert s.scalar(select(StatsCertificate.value_cents).where(
        StatsCertificate.grouping == 12, StatsCertificate.grain == "d", StatsCertificate.period == cert.issue_date,
        StatsCertificate.district_code == "0901", StatsCertificate.currency == "USD")) == 4825050


def test_issue_refuses_a_stale_version_and_a_second_issue(s, users, issuer):
    app_id = approved_application(s, users)
    officer = actor(s, "officer0901")
    seen = version_of(s, app_id)
    with pytest.raises(IssueRefused, match="stale_version"):
        issue(s, officer, app_id, version=seen - 1, issuer=issuer, now=NOW)
    s.rollback()
    issue(s, officer, app_id, version=seen, issuer=issuer, now=NOW)
    s.commit()
    with pytest.raises(IssueRefused, match="stale_version"):
        issue(s, officer, app_id, version=seen, issuer=issuer, now=NOW)
    s.rollback()
    with pytest.raises(IssueRefused, match="bad_transition"):
        issue(s, officer, app_id, version=version_of(s, app_id), issuer=issuer, now=NOW)


@pytest.mark.parametrize("account,error", [
    ("ent_a_oper", AccessDenied), ("ent_a_admin", AccessDenied), ("manager0900", AccessDenied),
    ("sysadmin", AccessDenied), ("overseas_ru", AccessDenied),
])
def test_only_officers_issue(s, users, issuer, account, error):
    app_id = approved_application(s, users)
    with pytest.raises(error):
        issue(s, actor(s, account), app_id, version=version_of(s, app_id), issuer=issuer, now=NOW)


def test_an_officer_cannot_issue_outside_the_district_subtree(s, users, issuer):
    app_id = approved_application(s, users, enterprise="C", district="0200")
    with pytest.raises(NotFound):
        issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=issuer, now=NOW)


# --- paper ---------------------------------------------------------------------------------------


def test_a_paper_certificate_is_unsigned_and_each_print_is_counted(s, users, issuer):
    cert = issue_one(s, users, issuer, paper=True)
    assert cert.signing_method == "paper" and cert.signed_at is None
    pdf = stored(s, cert)
    assert pdf.startswith(b"%PDF") and b"/ByteRange" not in pdf
    officer = actor(s, "officer0901")
    for expected in (1, 2):
        assert print_certificate(s, officer, cert.certificate_no, issuer=issuer, now=NOW) == pdf
        s.commit()
        s.refresh(cert)
        assert cert.print_count == expected
    printed = s.scalars(select(Event.details).where(Event.code == "cert.printed",
                                                    Event.object_id == str(cert.id))).all()
    assert [d["print_count"] for d in printed] == [1, 2]


def test_prints_are_for_valid_paper_certificates_of_the_officers_district(s, users, issuer):
    cloud = issue_one(s, users, issuer)
    with pytest.raises(IssueRefused, match="not_paper"):
        print_certificate(s, actor(s, "officer0901"), cloud.certificate_no, issuer=issuer)
    s.rollback()
    paper = issue_one(s, users, issuer, paper=True)
    with pytest.raises(AccessDenied):
        print_certificate(s, actor(s, "ent_a_oper"), paper.certificate_no, issuer=issuer)
    withdraw_certificate(s, actor(s, "officer0901"), paper.certificate_no, reason="企业申请撤回", now=NOW)
    s.commit()
    with pytest.raises(IssueRefused, match="not_valid"):
        print_certificate(s, actor(s, "officer0901"), paper.certificate_no, issuer=issuer)


# --- replacement and withdrawal -----------------------------------------------------------------


def test_a_replacement_is_a_new_signed_certificate_naming_the_old_one(s, users, issuer, keyring):
    old = issue_one(s, users, issuer)
    new = replace_certificate(s, actor(s, "officer0901"), old.certificate_no, reason="收货人名称更正",
                              issuer=issuer, now=NOW + timedelta(days=1))
    s.commit()
    s.refresh(old)
    assert old.status == "replaced" and old.status_reason == "收货人名称更正"
    assert old.status_changed_at is not None
    assert new.replaces_id == old.id and new.certificate_no != old.certificate_no and new.status == "valid"
    assert new.application_id == old.application_id and new.signing_method == "cloud"
    assert (new.goods_value, new.currency) == (old.goods_value, old.currency) == (Decimal("48250.50"), "USD")
    assert s.get(CertificateApplication, new.application_id).certificate_no == new.certificate_no
    pdf = stored(s, new)
    assert pyhanko_accepts(pdf, keyring)
    view = certificate_view(s, actor(s, "ent_a_oper"), new.certificate_no, public_url=PUBLIC_URL)
    assert view.replaces.certificate_no == old.certificate_no
    old_view = certificate_view(s, actor(s, "ent_a_oper"), old.certificate_no, public_url=PUBLIC_URL)
    assert [c.certificate_no for c in old_view.replaced_by] == [new.certificate_no]
    assert [h.code for h in old_view.history] == ["cert.issued", "cert.replaced"]
    assert old_view.history[1].reason == "收货人名称更正"


def test_withdrawal_is_final(s, users, issuer):
    cert = issue_one(s, users, issuer)
    officer = actor(s, "officer0901")
    withdraw_certificate(s, officer, cert.certificate_no, reason="货物未出运", now=NOW)
    s.commit()
    assert s.get(Certificate, cert.id).status == "withdrawn"
    for change in (lambda: withdraw_certificate(s, officer, cert.certificate_no, reason="再次撤回", now=NOW),
                   lambda: replace_certificate(s, officer, cert.certificate_no, reason="换发新证", issuer=issuer,
                                               now=NOW)):
        with pytest.raises(IssueRefused, match="not_valid"):
            change()
        s.rollback()


def test_a_replaced_certificate_cannot_be_replaced_again(s, users, issuer):
    cert = issue_one(s, users, issuer)
    officer = actor(s, "officer0901")
    replace_certificate(s, officer, cert.certificate_no, reason="品名更正", issuer=issuer, now=NOW)
    s.commit()
    with pytest.raises(IssueRefused, match="not_valid"):
        replace_certificate(s, officer, cert.certificate_no, reason="再次更正", issuer=issuer, now=NOW)


@pytest.mark.parametrize("reason,code", [(None, "reason_required"), ("   ", "reason_required"),
                                         ("改", "reason_too_short"), ("x" * 1001, "reason_too_long")])
def test_a_change_needs_a_reason(s, users, issuer, reason, code):
    cert = issue_one(s, users, issuer)
    with pytest.raises(IssueRefused, match=code):
        withdraw_certificate(s, actor(s, "officer0901"), cert.certificate_no, reason=reason, now=NOW)
    s.rollback()
    assert s.get(Certificate, cert.id).status == "valid"


def test_changes_only_within_the_configured_days(s, users, issuer):
    cert = issue_one(s, users, issuer)
    officer = actor(s, "officer0901")
    with pytest.raises(IssueRefused, match="too_late"):
        withdraw_certificate(s, officer, cert.certificate_no, reason="货物未出运", now=NOW + timedelta(days=181))
    s.rollback()
    s.add(SystemParameter(key="certificate.change_days", value="400"))
    s.commit()
    withdraw_certificate(s, officer, cert.certificate_no, reason="货物未出运", now=NOW + timedelta(days=181))


# who may replace or withdraw a certificate of district 0901 (enterprise A)
CHANGE_MATRIX = [
    ("officer0901", None),  # the issuing district's officer
    ("manager0900", AccessDenied),  # managers read, they do not sign
    ("manager0903", AccessDenied),
    ("sysadmin", AccessDenied),
    ("ent_a_admin", AccessDenied),  # the enterprise asks; customs changes
    ("ent_a_oper", AccessDenied),
    ("ent_b_oper", AccessDenied),
    ("overseas_ru", AccessDenied),
]


@pytest.mark.parametrize("account,error", CHANGE_MATRIX)
@pytest.mark.parametrize("change", ["replace", "withdraw"])
def test_who_may_replace_or_withdraw(s, users, issuer, account, error, change):
    cert = issue_one(s, users, issuer)
    who = actor(s, account)

    def act():
        if change == "replace":
            return replace_certificate(s, who, cert.certificate_no, reason="收货人更正", issuer=issuer, now=NOW)
        return withdraw_certificate(s, who, cert.certificate_no, reason="货物未出运", now=NOW)

    if error is None:
        act()
        s.commit()
        assert s.get(Certificate, cert.id).status == ("replaced" if change == "replace" else "withdrawn")
    else:
        with pytest.raises(error):
            act()


def test_an_officer_of_another_district_cannot_see_the_certificate_to_change_it(s, users, issuer, monkeypatch):
    cert = issue_one(s, users, issuer)
    cert.district_code = "0903"  # issued by Jinpu: outside officer0901's subtree
    s.commit()
    with pytest.raises(NotFound):
        withdraw_certificate(s, actor(s, "officer0901"), cert.certificate_no, reason="货物未出运", now=NOW)


def test_of_two_officers_changing_at_once_one_wins(app, users, issuer):
    sessions = app.server.extensions["certdash"].sessions
    with sessions() as s:
        number = issue_one(s, users, issuer).certificate_no
    with sessions() as first, sessions() as second:
        officer = actor(first, "officer0901")
        withdraw_certificate(first, officer, number, reason="货物未出运", now=NOW)
        first.commit()
        with pytest.raises(IssueRefused, match="not_valid"):
            replace_certificate(second, officer, number, reason="收货人更正", issuer=issuer, now=NOW)


# --- PDFs by scope ------------------------------------------------------------------------------

PDF_SCOPE = {  # who sees the PDF of a certificate of enterprise A issued in 0901
    "officer0901": True, "manager0900": True, "manager0903": False, "sysadmin": True,
    "ent_a_admin": True, "ent_a_oper": True, "ent_b_oper": False, "overseas_ru": False,
}


@pytest.mark.parametrize("account,sees", PDF_SCOPE.items())
def test_certificate_pdfs_follow_the_scope(s, users, issuer, account, sees):
    cert = issue_one(s, users, issuer)
    who = actor(s, account)
    if sees:
        assert certificate_pdf(s, who, cert.certificate_no, issuer=issuer) == stored(s, cert)
    else:
        with pytest.raises(NotFound):
            certificate_pdf(s, who, cert.certificate_no, issuer=issuer)


def test_overseas_users_get_the_certificates_shared_with_them(s, users, issuer):
    cert = issue_one(s, users, issuer)
    s.add(CertificateShare(certificate_id=cert.id, user_id=users.user_ids["overseas_ru"]))
    s.commit()
    assert certificate_pdf(s, actor(s, "overseas_ru"), cert.certificate_no, issuer=issuer) == stored(s, cert)


def test_a_demo_certificate_is_rendered_and_signed_on_first_request(s, users, issuer, keyring):
    demo = s.scalar(select(Certificate).where(Certificate.certificate_no == "TEST0000"))
    assert demo.pdf_sha256 is None
    before = datetime.now(timezone.utc)
    pdf = certificate_pdf(s, actor(s, "ent_a_oper"), "TEST0000", issuer=issuer)
    s.commit()
    s.refresh(demo)
    assert demo.pdf_sha256 is not None and stored(s, demo) == pdf
    assert demo.signed_at is not None and demo.signed_at.replace(tzinfo=timezone.utc) >= before - timedelta(seconds=1)
    assert pyhanko_accepts(pdf, keyring)
    assert certificate_pdf(s, actor(s, "officer0901"), "TEST0000", issuer=issuer) == pdf  # stored once


# --- batch signing ------------------------------------------------------------------------------


def test_batch_signing_issues_each_in_its_own_transaction(s, users, issuer):
    ids = [approved_application(s, users) for _ in range(3)]
    officer = actor(s, "officer0901")
    listed = issuable_applications(s, officer, 0, 100)
    assert {r.id for r in listed.rows} >= set(ids) and listed.total >= 3
    targets = [(i, version_of(s, i)) for i in ids]
    targets[1] = (ids[1], targets[1][1] + 7)  # a stale version: this one fails, the others are issued
    progress = []
    result = issue_batch(s, officer, targets, issuer=issuer, progress=lambda done, total: progress.append((done, total)))
    assert len(result.issued) == 2 and result.failed == ((ids[1], "stale_version"),)
    assert progress == [(1, 3), (2, 3), (3, 3)]
    s.rollback()  # nothing left to undo: each one was committed on its own
    statuses = [s.get(CertificateApplication, i).status for i in ids]
    assert statuses == ["issued", "approved", "issued"]
    assert all_issuable(s, officer)[0][0] == ids[1] or ids[1] in dict(all_issuable(s, officer))


def test_batch_signing_keeps_what_it_issued_when_one_signature_fails(s, users, issuer, monkeypatch):
    ids = [approved_application(s, users) for _ in range(3)]
    real = issuer.keyring.sign_pdf
    calls = []

    def flaky(pdf, district, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise SigningFailed("token removed")
        return real(pdf, district, **kw)

    monkeypatch.setattr(issuer.keyring, "sign_pdf", flaky)
    result = issue_batch(s, actor(s, "officer0901"), [(i, version_of(s, i)) for i in ids], issuer=issuer)
    assert len(result.issued) == 2 and result.failed == ((ids[1], "signing_failed"),)
    assert s.scalar(select(func.count()).select_from(Certificate).where(Certificate.application_id == ids[1])) == 0


def test_batch_lists_are_for_officers(s, users):
    for account in ("ent_a_oper", "manager0900", "sysadmin"):
        with pytest.raises(AccessDenied):
            issuable_applications(s, actor(s, account))


def test_no_key_for_the_district_refuses_the_issue_and_keeps_it_approved(s, users, tmp_path):
    (tmp_path / "keys").mkdir()
    app_id = approved_application(s, users)
    blobs, events = s.scalar(select(func.count()).select_from(Blob)), s.scalar(select(func.count()).select_from(Event))
    without_keys = Issuer(Keyring(p12_dir=tmp_path / "keys", p12_password="x"), PUBLIC_URL)
    with pytest.raises(IssueRefused, match="no_signing_key"):
        issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=without_keys, now=NOW)
    _nothing_issued(s, app_id, blobs, events)


def test_two_officers_issuing_at_once_one_wins_and_the_other_is_told_the_same_on_both_stores(s, users, issuer):
    import threading

    from data.core.db import make_session_factory

    app_id = approved_application(s, users)
    s.get(CertificateApplication, app_id).certificate_no = "090126140099901"  # numbered when it was approved
    s.commit()
    seen = version_of(s, app_id)
    s.add(User(account="officer0901c", password_hash="-", real_name="三号审核员", role="officer", district_code="0901"))
    s.commit()
    sessions = make_session_factory(s.get_bind())
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def sign(account: str) -> None:
        with sessions() as own:
            who = actor(own, account)
            own.get(CertificateApplication, app_id)  # both have read the application as approved
            barrier.wait()
            try:
                issue(own, who, app_id, version=seen, issuer=issuer, now=NOW)
                own.commit()
                outcomes[account] = "won"
            except IssueRefused as exc:
                own.rollback()
                outcomes[account] = exc.code

    threads = [threading.Thread(target=sign, args=(a,)) for a in ("officer0901", "officer0901c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(outcomes.values()) == ["stale_version", "won"]
    s.expire_all()
    assert s.scalar(select(func.count()).select_from(Certificate).where(Certificate.application_id == app_id)) == 1
