"""The overseas portal's certificates: status and replacement, one opened by number only when shared,
type and country names in every portal language."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from dashboard.core.i18n import translator
from data.accounts.overseas import shared_certificate, shared_certificates
from data.core.scope import AccessDenied, NotFound
from data.models import Certificate, CertificateShare
from data.reference.catalog import CERTIFICATE_TYPES
from data.reference.certificate_names import PORTAL_TYPE_NAMES, certificate_type_name
from layouts.certificates.overseas import certificate_detail, results_table
from tests.support.world import actor


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def _replace(s, users, old_no: str) -> Certificate:
    """Mark `old_no` replaced by a new certificate of the same application (as data.certificates.issuing does)."""
    old = s.scalar(select(Certificate).where(Certificate.certificate_no == old_no))
    old.status, old.status_changed_at = "replaced", datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)
    new = Certificate(certificate_no=f"{old_no}R", application_id=old.application_id, enterprise_id=old.enterprise_id,
                      district_code=old.district_code, cert_type_code="14", entry_method="blank", issue_place="大连",
                      issue_date=date(2026, 1, 5), issued_at=datetime(2026, 1, 5, tzinfo=timezone.utc),
                      signing_method="cloud", verify_token="tokR", replaces_id=old.id)
    s.add(new)
    s.flush()
    return new


def share(s, users, number: str, account: str = "overseas_ru") -> None:
    cert = s.scalar(select(Certificate).where(Certificate.certificate_no == number))
    s.add(CertificateShare(certificate_id=cert.id, user_id=users.user_ids[account]))


def test_shared_certificates_carry_their_replacement(s, users):
    new = _replace(s, users, "TEST0000")
    share(s, users, "TEST0000")
    share(s, users, new.certificate_no)
    s.commit()
    viewer = actor(s, "overseas_ru")
    rows = {r.certificate_no: r for r in shared_certificates(s, viewer)}
    assert (rows["TEST0000"].status, rows["TEST0000"].replaced_by) == ("replaced", "TEST0000R")
    assert rows["TEST0000"].status_changed_at == datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)
    assert (rows["TEST0000R"].status, rows["TEST0000R"].replaces_no) == ("valid", "TEST0000")
    assert shared_certificate(s, viewer, "TEST0000").cert_type_code == "14"


def test_one_certificate_opens_only_when_shared_with_the_user(s, users):
    share(s, users, "TEST0000")
    s.commit()
    viewer = actor(s, "overseas_ru")
    assert shared_certificate(s, viewer, "TEST0000").certificate_no == "TEST0000"
    for number in ("TEST0001", "TEST000", "NOPE"):  # another enterprise's; a part of a number; unknown
        with pytest.raises(NotFound):
            shared_certificate(s, viewer, number)
    with pytest.raises(AccessDenied):
        shared_certificate(s, actor(s, "ent_a_admin"), "TEST0000")


def test_a_guessed_number_in_the_open_callback_shows_nothing(app, users, s, client_as):
    share(s, users, "TEST0000")
    s.commit()
    client = client_as("overseas_ru")

    def open_(number: str) -> str:
        trigger = {"no": number, "type": "ovs-open"}
        key = next(k for k in app.callback_map if k.startswith("ovs-detail.children@"))  # allow_duplicate's key
        payload = {"output": key, "outputs": {"id": "ovs-detail", "property": "children"},
                   "inputs": [[{"id": trigger, "property": "n_clicks", "value": 1}]], "state": [],
                   "changedPropIds": [json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 200
        return json.dumps(response.get_json(), ensure_ascii=False)

    assert "/files/certificate/TEST0000.pdf" in open_("TEST0000")
    assert "/files/certificate/" not in open_("TEST0001")  # not shared: nothing opens


def test_every_shipped_type_has_a_name_in_every_portal_language():
    for spec in CERTIFICATE_TYPES:
        for lang in ("ru", "ja", "ko", "vi"):
            name = certificate_type_name(spec.code, spec.name_zh, spec.name_en, lang)
            assert name and name not in (spec.name_zh, spec.name_en), (spec.code, lang)
    assert set(PORTAL_TYPE_NAMES) == {t.code for t in CERTIFICATE_TYPES}
    assert certificate_type_name("77", "新类型", "NEW TYPE", "ko") == "NEW TYPE"  # unknown here: English
    assert certificate_type_name("14", "兽医卫生证书", "VET", "zh") == "兽医卫生证书"


@pytest.mark.parametrize("lang,type_name,country", [
    ("ru", "Ветеринарный (санитарный) сертификат", "Россия"),
    ("ja", "獣医衛生証明書", "ロシア"),
    ("ko", "수의위생증명서", "러시아"),
    ("vi", "Giấy chứng nhận thú y (vệ sinh)", "Nga"),
    ("en", "VETERINARY (HEALTH) CERTIFICATE", "Russia"),
    ("zh", "兽医卫生证书", "俄罗斯"),
])
def test_the_portal_names_types_and_countries_in_the_users_language(s, users, lang, type_name, country):
    cert = s.scalar(select(Certificate).where(Certificate.certificate_no == "TEST0000"))
    cert.dest_country = "RU"
    share(s, users, "TEST0000")
    s.commit()
    rows = shared_certificates(s, actor(s, "overseas_ru"))
    text = json.dumps(results_table(translator(lang), rows, "").to_plotly_json(), ensure_ascii=False, default=str)
    assert type_name in text and country in text
    detail = json.dumps(certificate_detail(translator(lang), rows[0]).to_plotly_json(), ensure_ascii=False,
                        default=str)
    assert type_name in detail and "/api/v1/certificates/TEST0000/sps.xml" in detail
