"""Public verification: status and signature of a certificate by number and token, the same "not found"
for a wrong number or token, rate limits per address with events, the uploaded-PDF check; page and API."""
from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from data.certificates.content import normalised_code, verification_code
from data.certificates.issuing import Issuer, issue, replace_certificate, stored_pdf, withdraw_certificate
from data.certificates.verification import (
    NOT_FOUND,
    OK,
    RATE_LIMITED,
    check_uploaded_pdf,
    verify_certificate,
)
from data.core.rate_limit import Limit, hit, window_start
from data.models import Certificate, Event, RateLimitHit, SystemParameter
from tests.service.test_certificate_pdf import pages_text
from tests.service.test_issuing import approved_application, version_of
from tests.support.world import actor, page_text

CLIENT = "198.51.100.7"


@pytest.fixture
def issuer(app):
    """The app's own issuer (its instance's demo CA), so that the routes trust what the tests issue."""
    return Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"])


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def issue_one(s, users, issuer, *, paper: bool = False) -> Certificate:
    app_id = approved_application(s, users)
    cert = issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=issuer, paper=paper)
    s.commit()
    return cert


def run(s, issuer, number, token, client=CLIENT, channel="api"):
    outcome = verify_certificate(s, number, token, client=client, channel=channel,
                                 trust_roots=issuer.keyring.trust_roots(),
                                 pdf_source=lambda s_, c: stored_pdf(s_, c, issuer))
    s.commit()
    return outcome


def events(s, code: str) -> list[Event]:
    return list(s.scalars(select(Event).where(Event.code == code).order_by(Event.id)))


# --- the service --------------------------------------------------------------------------------


def test_a_valid_certificate_shows_its_facts_and_an_intact_trusted_signature(s, users, issuer):
    cert = issue_one(s, users, issuer)
    outcome = run(s, issuer, cert.certificate_no, cert.verify_token)
    assert outcome.result == OK
    c = outcome.certificate
    assert (c.certificate_no, c.status, c.replaced_by, c.status_changed_at) == (cert.certificate_no, "valid", None,
                                                                                  None)
    assert (c.authority_zh, c.authority_en) == ("大连港湾海关", "Dalian Gangwan Customs")
    assert (c.consignor_zh, c.consignee_en) == ("大连海产品有限公司", "OOO VOSTOK")
    assert [(g.seq, g.description_en, g.weight, g.packages) for g in c.goods] == [
        (1, "FROZEN FISH 1", "12000.5", 600), (2, "FROZEN FISH 2", "12000.5", 600)]
    assert c.signature.ok and c.signature.trusted and c.signature.whole_file
    assert c.pdf_sha256 == cert.pdf_sha256
    assert c.dest_country.code == "RU"


def test_replaced_and_withdrawn_certificates_say_so(s, users, issuer):
    old = issue_one(s, users, issuer)
    officer = actor(s, "officer0901")
    new = replace_certificate(s, officer, old.certificate_no, reason="品名更正 name corrected", issuer=issuer)
    s.commit()
    replaced = run(s, issuer, old.certificate_no, old.verify_token).certificate
    assert (replaced.status, replaced.replaced_by) == ("replaced", new.certificate_no)
    assert replaced.status_changed_at is not None
    successor = run(s, issuer, new.certificate_no, new.verify_token).certificate
    assert (successor.status, successor.replaces) == ("valid", old.certificate_no)
    withdraw_certificate(s, officer, new.certificate_no, reason="合同取消 contract cancelled")
    s.commit()
    withdrawn = run(s, issuer, new.certificate_no, new.verify_token).certificate
    assert withdrawn.status == "withdrawn" and withdrawn.status_changed_at is not None
    assert (replaced.status_reason, withdrawn.status_reason) == ("品名更正 name corrected", "合同取消 contract cancelled")
    assert successor.status_reason is None


def test_a_wrong_number_and_a_wrong_token_are_the_same_not_found(s, users, issuer):
    cert = issue_one(s, users, issuer)
    last = cert.verify_token[-1]
    wrong_token = run(s, issuer, cert.certificate_no, cert.verify_token[:-1] + ("x" if last != "x" else "y"))
    wrong_number = run(s, issuer, "090126149999999", cert.verify_token)
    assert wrong_token == wrong_number == run(s, issuer, "", "") == run(s, issuer, cert.certificate_no, "")
    assert wrong_token.result == NOT_FOUND and wrong_token.certificate is None
    failed = events(s, "cert.verify_failed")
    assert len(failed) == 4 and all(e.object_id is None and e.actor_id is None for e in failed)
    assert failed[0].details["certificate_no"] == cert.certificate_no and failed[0].details["client"] == CLIENT
    assert all(cert.verify_token not in json.dumps(e.details) + e.message for e in failed)
    run(s, issuer, cert.certificate_no, cert.verify_token)
    ok = events(s, "cert.verify_ok")
    assert len(ok) == 1 and ok[0].object_id == str(cert.id) and cert.verify_token not in json.dumps(ok[0].details)


def test_attempts_are_limited_per_address_by_system_parameter(s, users, issuer):
    cert = issue_one(s, users, issuer)
    s.add(SystemParameter(key="verify.per_minute", value="3"))
    s.commit()
    for _ in range(3):
        assert run(s, issuer, cert.certificate_no, "wrong").result == NOT_FOUND
    refused = run(s, issuer, cert.certificate_no, cert.verify_token)
    assert refused.result == RATE_LIMITED and 0 < refused.retry_after <= 61 and refused.certificate is None
    assert run(s, issuer, cert.certificate_no, cert.verify_token).result == RATE_LIMITED  # refusals count too
    assert len(events(s, "cert.verify_limited")) == 1  # the first refusal of the window is logged, once
    assert run(s, issuer, cert.certificate_no, cert.verify_token, client="203.0.113.9").result == OK


def test_the_hourly_limit_and_the_counters_of_the_rate_limit_table(s):
    limits = (Limit(30, 60), Limit(300, 3600))
    start = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)
    decisions = [hit(s, "verify:a", limits, start + timedelta(seconds=11 * n)) for n in range(302)]
    assert all(d.allowed for d in decisions[:300])  # at most six a minute: never the minute's limit
    assert not decisions[300].allowed and decisions[300].first_refusal and not decisions[301].first_refusal
    assert decisions[300].retry_after == 3600 - 3300 + 1  # until the oldest counted hits leave the hour
    assert window_start(start + timedelta(seconds=3599), 3600) == start
    later = start + timedelta(hours=3)
    assert hit(s, "verify:a", limits, later).allowed
    rows = s.scalars(select(RateLimitHit.key).where(RateLimitHit.key.like("verify:a/%"))).all()
    assert sorted(rows) == ["verify:a/3600", "verify:a/60"]  # ended windows are cleared as the key counts again
    s.commit()


def test_the_window_slides_so_a_burst_across_a_minute_boundary_is_counted_whole(s):
    limits = (Limit(3, 60),)
    start = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)
    burst = [hit(s, "verify:b", limits, start + timedelta(seconds=59, milliseconds=100 * n)) for n in range(3)]
    assert all(d.allowed for d in burst)
    after_the_boundary = hit(s, "verify:b", limits, start + timedelta(seconds=61))  # a fixed window would allow it
    assert not after_the_boundary.allowed and 0 < after_the_boundary.retry_after <= 60
    assert hit(s, "verify:b", limits, start + timedelta(seconds=125)).allowed  # the burst has left the window
    s.commit()


def test_a_paper_certificate_has_no_signature_to_check(s, users, issuer):
    cert = issue_one(s, users, issuer, paper=True)
    c = run(s, issuer, cert.certificate_no, cert.verify_token).certificate
    assert c.signing_method == "paper" and c.signature is None and c.pdf_sha256 is None


def test_a_demo_certificate_without_a_pdf_is_signed_on_first_verification(s, users, issuer):
    cert = s.scalar(select(Certificate).where(Certificate.certificate_no == "TEST0000"))
    assert cert.pdf_sha256 is None
    c = run(s, issuer, "TEST0000", "tok0").certificate
    assert c.signature.ok and c.pdf_sha256 == s.get(Certificate, cert.id).pdf_sha256


# --- the uploaded PDF ---------------------------------------------------------------------------


def upload(s, issuer, content: bytes, expected_no=None, filename="certificate.pdf"):
    outcome = check_uploaded_pdf(s, filename, content, client=CLIENT, trust_roots=issuer.keyring.trust_roots(),
                                 expected_no=expected_no)
    s.commit()
    return outcome


def flip_signed_byte(pdf: bytes) -> bytes:
    """Change one byte of the page content, inside the range the signature covers."""
    at = pdf.index(b"stream") + 20
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]


def test_the_issued_pdf_is_recognised_byte_for_byte_and_one_flipped_byte_is_not(s, users, issuer):
    cert = issue_one(s, users, issuer)
    pdf = stored_pdf(s, cert, issuer)
    original = upload(s, issuer, pdf, cert.certificate_no)
    assert original.result == OK and original.issued and original.issued_status == "valid"
    assert original.signature.ok and original.claimed_no == cert.certificate_no
    assert upload(s, issuer, pdf).issued  # without the page's number: the number the file names
    changed = upload(s, issuer, flip_signed_byte(pdf), cert.certificate_no)
    assert changed.result == OK and not changed.issued and changed.issued_status is None
    assert changed.signature.signed and not changed.signature.intact and not changed.signature.ok
    logged = events(s, "cert.verify_upload")
    assert [e.details["issued"] for e in logged] == [True, True, False]


def test_another_certificates_pdf_is_not_this_one(s, users, issuer):
    first, second = issue_one(s, users, issuer), issue_one(s, users, issuer)
    outcome = upload(s, issuer, stored_pdf(s, second, issuer), first.certificate_no)
    assert not outcome.issued and outcome.claimed_no == second.certificate_no and outcome.signature.ok


@pytest.mark.parametrize("content,code", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "bad_type"),
    (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "too_large"),
])
def test_uploads_that_are_not_a_certificate_pdf_are_refused(s, users, issuer, content, code):
    assert upload(s, issuer, content).result == code


def test_a_damaged_or_unsigned_pdf_is_reported_as_such(s, users, issuer):
    damaged = upload(s, issuer, b"%PDF-1.7\nnot really a pdf")
    assert damaged.result == OK and not damaged.issued and not damaged.signature.readable
    from exports.certificate.pdf import render_certificate
    from tests.support.certificate_samples import sample_content

    unsigned = upload(s, issuer, render_certificate(sample_content("C3-1"), draft=False))
    assert unsigned.signature.readable and not unsigned.signature.signed and not unsigned.issued


# --- the page and the API -----------------------------------------------------------------------


def test_the_api_answers_valid_and_the_same_not_found_for_either_mistake(app, users, s, issuer, client_as):
    cert = issue_one(s, users, issuer)
    client = client_as(None)
    ok = client.get(f"/api/v1/verify/{cert.certificate_no}?t={cert.verify_token}")
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    body = ok.get_json()
    assert body["result"] == "ok" and body["certificate"]["status"] == "valid"
    assert body["certificate"]["signature"]["ok"] is True and body["certificate"]["pdf_sha256"] == cert.pdf_sha256
    assert cert.verify_token not in ok.get_data(as_text=True)
    wrong_token = client.get(f"/api/v1/verify/{cert.certificate_no}?t=nope")
    wrong_number = client.get(f"/api/v1/verify/090126149999999?t={cert.verify_token}")
    assert wrong_token.status_code == wrong_number.status_code == 404
    assert wrong_token.data == wrong_number.data

    def headers(response) -> dict:  # each answer has its own request id; nothing else may tell them apart
        return {k: v for k, v in response.headers.items() if k != "X-Request-Id"}

    assert headers(wrong_token) == headers(wrong_number)
    assert wrong_token.headers["X-Request-Id"] != wrong_number.headers["X-Request-Id"]


def test_the_api_says_429_when_the_address_made_too_many_attempts(app, users, s, issuer, client_as):
    cert = issue_one(s, users, issuer)
    s.add(SystemParameter(key="verify.per_minute", value="2"))
    s.commit()
    client = client_as(None)
    for _ in range(2):
        client.get(f"/api/v1/verify/{cert.certificate_no}?t=nope")
    refused = client.get(f"/api/v1/verify/{cert.certificate_no}?t={cert.verify_token}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["result"] == "rate_limited" and "等待" in refused.get_json()["message"]


def test_the_page_is_public_and_shows_the_status_in_the_visitors_language(app, users, s, issuer, client_as):
    cert = issue_one(s, users, issuer)
    client = client_as(None)
    shell = client.get(f"/verify/{cert.certificate_no}?t={cert.verify_token}")
    assert shell.status_code == 200 and shell.headers["Referrer-Policy"] == "same-origin"
    other = client.get("/verify/090126149999999?t=x").data  # the same shell for any number: only its URL and
    # Dash's per-response id differ

    def shell_of(data: bytes, asked: str) -> bytes:
        return re.sub(rb'"end_id":"[^"]*"', b"", data.replace(asked.encode(), b""))

    asked = f"{cert.certificate_no}?t={cert.verify_token}"
    assert shell_of(shell.data, asked) == shell_of(other, "090126149999999?t=x")
    text = page_text(client, f"/verify/{cert.certificate_no}", f"?t={cert.verify_token}")
    assert '"ver-status"' in text and "有效" in text and cert.certificate_no in text
    client.get("/lang/ru")
    text = page_text(client, f"/verify/{cert.certificate_no}", f"?t={cert.verify_token}")
    assert "有效" not in text and "Dalian Gangwan Customs" in text


def test_the_page_shows_the_same_not_found_for_a_wrong_number_or_token(app, users, s, issuer, client_as):
    cert = issue_one(s, users, issuer)
    client = client_as(None)
    wrong_token = page_text(client, f"/verify/{cert.certificate_no}", "?t=nope")
    wrong_number = page_text(client, "/verify/090126149999999", f"?t={cert.verify_token}")
    assert '"ver-not-found"' in wrong_token and wrong_token == wrong_number
    assert cert.certificate_no not in wrong_token


def test_signed_in_users_can_verify_too(app, users, s, issuer, client_as):
    cert = issue_one(s, users, issuer)
    text = page_text(client_as("ent_b_oper"), f"/verify/{cert.certificate_no}", f"?t={cert.verify_token}")
    assert '"ver-status"' in text


def upload_payload(contents: str, context: dict) -> dict:
    return {
        "output": "ver-upload-result.children",
        "outputs": {"id": "ver-upload-result", "property": "children"},
        "inputs": [{"id": "ver-upload", "property": "contents", "value": contents}],
        "state": [{"id": "ver-upload", "property": "filename", "value": "cert.pdf"},
                  {"id": "ver-context", "property": "data", "value": context}],
        "changedPropIds": ["ver-upload.contents"],
    }


def test_anyone_can_check_a_pdf_on_the_page(app, users, s, issuer, client_as):
    cert = issue_one(s, users, issuer)
    pdf = stored_pdf(s, cert, issuer)
    client = client_as(None)
    context = {"certificate_no": cert.certificate_no}
    good = client.post("/_dash-update-component", json=upload_payload(
        "data:application/pdf;base64," + base64.b64encode(pdf).decode(), context))
    assert good.status_code == 200
    text = json.dumps(good.get_json(), ensure_ascii=False)
    assert "ver-upload-verdict" in text and "success" in text and cert.certificate_no in text
    bad = client.post("/_dash-update-component", json=upload_payload(
        "data:application/pdf;base64," + base64.b64encode(flip_signed_byte(pdf)).decode(), context))
    text = json.dumps(bad.get_json(), ensure_ascii=False)
    assert "ver-upload-verdict" in text and "danger" in text
    junk = client.post("/_dash-update-component", json=upload_payload("data:image/png;base64,!!!", context))
    assert "ver-upload-problem" in json.dumps(junk.get_json())
    assert s.scalar(select(func.count()).select_from(Event).where(Event.code == "cert.verify_upload")) == 2


# --- verification by number and code (a paper certificate) ------------------------------------------


def test_the_short_code_is_derived_from_the_token_and_typed_forgivingly():
    code = verification_code("tok0")
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    assert code == verification_code("tok0") != verification_code("tok1")
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalised_code(typed) == code
    assert normalised_code("ABCD-EFG") is None and normalised_code("ABCD-EFGU") is None  # short; U is not a digit
    assert normalised_code("x" * 32) is None  # a token is not a code


def test_a_number_and_its_code_verify_and_a_wrong_code_is_the_same_not_found(s, users, issuer):
    cert = issue_one(s, users, issuer)
    code = verification_code(cert.verify_token)
    found = run(s, issuer, f" {cert.certificate_no[:6]} {cert.certificate_no[6:]} ", code.lower(), channel="page")
    assert found.result == OK and found.certificate.certificate_no == cert.certificate_no
    other = verification_code(cert.verify_token + "x")
    assert run(s, issuer, cert.certificate_no, other).result == NOT_FOUND
    assert run(s, issuer, "090126149999999", code).result == NOT_FOUND
    assert run(s, issuer, cert.certificate_no, "").result == NOT_FOUND  # the number alone verifies nothing
    assert all(code not in json.dumps(e.details) for e in events(s, "cert.verify_failed"))


def test_the_pdf_prints_the_code_beside_the_qr_code(s, users, issuer, tmp_path):
    cert = issue_one(s, users, issuer)
    text = "".join(pages_text(stored_pdf(s, cert, issuer), tmp_path))
    assert verification_code(cert.verify_token) in text


def typed_payload(number, code) -> dict:
    return {
        "output": "..ver-result.children...ver-context.data..",
        "outputs": [{"id": "ver-result", "property": "children"}, {"id": "ver-context", "property": "data"}],
        "inputs": [{"id": "ver-typed-submit", "property": "n_clicks", "value": 1},
                   {"id": "ver-typed-code", "property": "n_submit", "value": 0}],
        "state": [{"id": "ver-typed-number", "property": "value", "value": number},
                  {"id": "ver-typed-code", "property": "value", "value": code}],
        "changedPropIds": ["ver-typed-submit.n_clicks"],
    }


def test_the_page_verifies_a_typed_number_and_code(app, users, s, issuer, client_as):
    cert = issue_one(s, users, issuer)
    client = client_as(None)
    text = page_text(client, f"/verify/{cert.certificate_no}")  # the number without the QR code's token
    assert '"ver-typed-code"' in text and f'"value": "{cert.certificate_no}"' in text and '"ver-status"' not in text
    answer = client.post("/_dash-update-component", json=typed_payload(cert.certificate_no,
                                                                        verification_code(cert.verify_token)))
    body = json.dumps(answer.get_json(), ensure_ascii=False)
    assert answer.status_code == 200 and '"ver-status"' in body and "有效" in body
    assert answer.get_json()["response"]["ver-context"]["data"] == {"certificate_no": cert.certificate_no}
    wrong = client.post("/_dash-update-component", json=typed_payload(cert.certificate_no, "AAAA-AAAA"))
    assert '"ver-not-found"' in wrong.get_data(as_text=True) and cert.certificate_no not in wrong.get_data(as_text=True)
    empty = client.post("/_dash-update-component", json=typed_payload(cert.certificate_no, "  "))
    assert '"ver-incomplete"' in empty.get_data(as_text=True)
    api = client.get(f"/api/v1/verify/{cert.certificate_no}?code={verification_code(cert.verify_token)}")
    assert api.status_code == 200 and api.get_json()["result"] == OK
