"""Overseas users: kept by their enterprise's administrator, scoped to it; the portal shows shares only."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from data.accounts.overseas import (
    OverseasUserForm,
    OverseasUserInvalid,
    create_overseas_user,
    delete_overseas_user,
    list_overseas_users,
    set_overseas_active,
    share_certificate,
    shared_certificates,
    update_overseas_user,
)
from data.accounts.signin import LoginOutcome, authenticate
from data.core.scope import AccessDenied, NotFound
from data.models import Certificate, CustomsDistrict, DictEntry, User
from tests.conftest import TEST_PASSWORD
from tests.support.world import actor, sign_in

FORM = OverseasUserForm(account="rsn_moscow", real_name="Ivan Petrov", organisation="Rosselkhoznadzor",
                        country="RU", language="ru", email="ivan@example.ru", password="Moscow2026x",
                        password_confirm="Moscow2026x")


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        session.add_all([DictEntry(dictionary="country", code=c, name_zh=zh, name_en=en)
                         for c, zh, en in (("RU", "俄罗斯", "Russia"), ("JP", "日本", "Japan"))])
        session.commit()
        yield session


def test_create_edit_disable_delete(s):
    admin = actor(s, "ent_a_admin")
    user = create_overseas_user(s, admin, FORM)
    s.commit()
    assert user.role == "overseas" and user.enterprise_id == admin.enterprise_id and user.language == "ru"
    assert authenticate(s, "RSN_MOSCOW", "Moscow2026x").outcome is LoginOutcome.OK
    update_overseas_user(s, admin, user.id, OverseasUserForm(**{**FORM.__dict__, "organisation": "RSHN",
                                                                 "password": "", "password_confirm": ""}))
    s.commit()
    assert user.organisation == "RSHN" and authenticate(s, "rsn_moscow", "Moscow2026x").outcome is LoginOutcome.OK
    set_overseas_active(s, admin, user.id, False)
    s.commit()
    assert authenticate(s, "rsn_moscow", "Moscow2026x").outcome is LoginOutcome.INACTIVE
    set_overseas_active(s, admin, user.id, True)
    delete_overseas_user(s, admin, user.id)
    s.commit()
    assert authenticate(s, "rsn_moscow", "Moscow2026x").outcome is LoginOutcome.INACTIVE
    assert [r.account for r in list_overseas_users(s, admin)] == ["overseas_ru"]
    with pytest.raises(OverseasUserInvalid) as err:  # a deleted user's name stays taken
        create_overseas_user(s, admin, FORM)
    assert err.value.errors == {"account": "account_taken"}


@pytest.mark.parametrize("change,field,code", [
    ({"account": "x"}, "account", "account_format"),
    ({"real_name": ""}, "real_name", "required"),
    ({"country": "XX"}, "country", "choose_country"),
    ({"language": "fr"}, "language", "choose_language"),
    ({"email": "nope"}, "email", "email_format"),
    ({"password": "short", "password_confirm": "short"}, "password", "password_short"),
    ({"password_confirm": "Moscow2026y"}, "password_confirm", "password_mismatch"),
])
def test_bad_input_is_named(s, change, field, code):
    with pytest.raises(OverseasUserInvalid) as err:
        create_overseas_user(s, actor(s, "ent_a_admin"), OverseasUserForm(**{**FORM.__dict__, **change}))
    assert err.value.errors[field] == code


def test_another_enterprise_cannot_touch_them(s, users):
    user = create_overseas_user(s, actor(s, "ent_a_admin"), FORM)
    s.commit()
    other = actor(s, "ent_a_oper")  # same enterprise, but not its administrator
    with pytest.raises(AccessDenied):
        set_overseas_active(s, other, user.id, False)
    s.add(User(account="ent_b_admin", password_hash="-", real_name="B", role="enterprise_admin",
               enterprise_id=users.enterprise_ids["B"]))
    s.commit()
    for call in (lambda a: set_overseas_active(s, a, user.id, False), lambda a: delete_overseas_user(s, a, user.id),
                 lambda a: update_overseas_user(s, a, user.id, FORM)):
        with pytest.raises(NotFound):
            call(actor(s, "ent_b_admin"))
    assert list_overseas_users(s, actor(s, "ent_b_admin")) == []


def test_portal_lists_only_shared_certificates(s, users):
    admin = actor(s, "ent_a_admin")
    ivan = create_overseas_user(s, admin, FORM)
    s.commit()
    cert_a = s.scalar(select(Certificate).where(Certificate.enterprise_id == users.enterprise_ids["A"]))
    cert_b = s.scalar(select(Certificate).where(Certificate.enterprise_id == users.enterprise_ids["B"]))
    with pytest.raises(NotFound):  # not the enterprise's own certificate
        share_certificate(s, admin, cert_b.id, ivan.id)
    share_certificate(s, admin, cert_a.id, ivan.id)
    s.commit()
    ivan_actor = actor(s, "rsn_moscow")
    assert [c.certificate_no for c in shared_certificates(s, ivan_actor)] == [cert_a.certificate_no]
    assert shared_certificates(s, ivan_actor, cert_b.certificate_no) == []
    assert shared_certificates(s, actor(s, "overseas_ru")) == []
    with pytest.raises(AccessDenied):
        shared_certificates(s, admin)
    assert s.get(CustomsDistrict, cert_a.district_code) is not None


def test_overseas_users_land_on_the_portal_in_their_language(app, users):
    client = app.server.test_client()
    sign_in(client, "overseas_ru", TEST_PASSWORD)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/overseas"
    assert client.get("/overseas").status_code == 200


def test_a_guessed_user_id_in_a_callback_payload_changes_nothing(app, users):
    """Another enterprise's administrator posts a toggle for A's overseas user: refused as not found."""
    from auth.passwords import hash_password

    with app.server.extensions["certdash"].sessions() as s:
        s.add(User(account="ent_b_admin", password_hash=hash_password(TEST_PASSWORD), real_name="B",
                   role="enterprise_admin", enterprise_id=users.enterprise_ids["B"]))
        s.commit()
    victim = users.user_ids["overseas_ru"]
    client = app.server.test_client()
    sign_in(client, "ent_b_admin", TEST_PASSWORD)
    key = next(k for k in app.callback_map if k.startswith("..ovu-message.children"))
    payload = {
        "output": key,
        "outputs": [{"id": "ovu-message", "property": "children"}, {"id": "ovu-table", "property": "children"},
                    [], [], {"id": "ovu-editing", "property": "data"}, {"id": "ovu-form-title", "property": "children"},
                    {"id": {"type": "ovu-field", "name": "account"}, "property": "disabled"}],
        "inputs": [{"id": "ovu-save", "property": "n_clicks", "value": None},
                   [{"id": {"type": "ovu-toggle", "index": victim}, "property": "n_clicks", "value": 1}],
                   []],
        "state": [[], {"id": "ovu-editing", "property": "data", "value": None}],
        "changedPropIds": [json.dumps({"index": victim, "type": "ovu-toggle"}, separators=(",", ":")) + ".n_clicks"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    assert "已不存在" in json.dumps(response.get_json(), ensure_ascii=False)
    with app.server.extensions["certdash"].sessions() as s:
        assert s.get(User, victim).active is True
