"""Accounts of importing countries' competent authorities (the China e-Cert model): an administrator creates them
per country; they see every certificate destined to their country (not only shared ones), with its status and
signature check, in their language; every view is audited. An ordinary overseas user still sees shares only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from auth.permissions import AUTHORITY_ROLE
from data.accounts.overseas import portal_signature, shared_certificate, shared_certificates
from data.admin.users import UserForm, create_user
from data.certificates.issuing import Issuer, issue
from data.core.scope import NotFound
from data.models import CertificateApplication, Event
from tests.conftest import TEST_PASSWORD
from tests.service.test_issuing import approved_application, version_of
from tests.service.test_overseas import s  # noqa: F401 - the store with Russia and Japan in the dictionary
from tests.support.world import actor, page_text, sign_in


def issued_to(s, users, app, country: str) -> str:
    app_id = approved_application(s, users)
    application = s.get(CertificateApplication, app_id)
    application.dest_country = country
    s.commit()
    issuer = Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"])
    number = issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=issuer).certificate_no
    s.commit()
    return number


def authority(s, account: str = "rsn_official", country: str = "RU"):
    create_user(s, actor(s, "sysadmin"), UserForm(
        account=account, real_name="Olga Smirnova", role=AUTHORITY_ROLE, country=country, language="ru",
        organisation="Rosselkhoznadzor", email=f"{account}@example.ru", password=TEST_PASSWORD,
        password_confirm=TEST_PASSWORD), base_url="https://certdash.example")
    s.commit()
    return actor(s, account)


def test_an_authority_sees_every_certificate_for_its_country_and_no_other(s, users, app):
    to_russia, to_japan = issued_to(s, users, app, "RU"), issued_to(s, users, app, "JP")
    official = authority(s)
    assert official.is_overseas and official.country == "RU"
    numbers = [c.certificate_no for c in shared_certificates(s, official)]
    assert to_russia in numbers and to_japan not in numbers
    assert shared_certificate(s, official, to_russia).status == "valid"
    with pytest.raises(NotFound):
        shared_certificate(s, official, to_japan)
    report = portal_signature(s, official, to_russia,
                              Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"]).keyring.trust_roots())
    assert report is not None and report.intact and report.valid and report.trusted
    assert shared_certificates(s, actor(s, "overseas_ru")) == []  # an ordinary overseas user: shares only


def test_every_view_of_an_authority_is_audited(s, users, app):
    number = issued_to(s, users, app, "RU")
    official = authority(s)
    shared_certificate(s, official, number)
    s.commit()
    client = app.server.test_client()
    sign_in(client, "rsn_official", TEST_PASSWORD)
    assert client.get(f"/files/certificate/{number}.pdf").status_code == 200
    assert client.get(f"/api/v1/certificates/{number}/sps.xml").status_code == 200
    views = s.scalars(select(Event).where(Event.code == "portal.viewed", Event.actor_id == official.user_id)
                      .execution_options(populate_existing=True)).all()
    assert sorted(e.details["what"] for e in views) == ["file", "file", "page"]
    assert {e.details["certificate_no"] for e in views} == {number} and all(e.details["country"] == "RU" for e in views)
    other = issued_to(s, users, app, "JP")
    assert client.get(f"/files/certificate/{other}.pdf").status_code == 404


def test_the_portal_speaks_to_an_authority_in_its_language(s, users, app):
    number = issued_to(s, users, app, "RU")
    authority(s)
    client = app.server.test_client()
    sign_in(client, "rsn_official", TEST_PASSWORD)
    text = page_text(client, "/overseas")
    assert "Сертификаты, направленные в вашу страну" in text and number in text
