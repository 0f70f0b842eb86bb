"""Communication account: bound by the enterprise administrator, password encrypted, never shown."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select

from data.accounts.comm import CommAccountError, bind_comm_account, comm_account, comm_password, unbind_comm_account
from data.core.scope import AccessDenied
from data.models import CommAccount, Event
from tests.conftest import TEST_PASSWORD
from tests.support.world import actor, page_text, sign_in


def test_bind_stores_only_ciphertext_and_rebind_replaces(app, users):
    cipher = Fernet(app.server.config["CERTDASH_SETTINGS"].data_key.encode())
    with app.server.extensions["certdash"].sessions() as s:
        admin = actor(s, "ent_a_admin")
        bind_comm_account(s, admin, "eciq_dl_001", "s3cret-Pass", cipher)
        s.commit()
        row = s.get(CommAccount, users.enterprise_ids["A"])
        assert "s3cret" not in row.password_encrypted
        assert comm_password(s, users.enterprise_ids["A"], cipher) == "s3cret-Pass"
        bind_comm_account(s, admin, "eciq_dl_002", "other-Pass", cipher)
        s.commit()
        assert comm_account(s, admin).account == "eciq_dl_002"
        with pytest.raises(InvalidToken):
            Fernet(Fernet.generate_key()).decrypt(row.password_encrypted.encode())  # another key cannot read it
        unbind_comm_account(s, admin)
        s.commit()
        assert comm_account(s, admin) is None
        codes = [e.code for e in s.scalars(select(Event).where(Event.code.startswith("enterprise.")))]
        assert codes == ["enterprise.comm_bound", "enterprise.comm_bound", "enterprise.comm_unbound"]


@pytest.mark.parametrize("account,password,code", [
    ("ab", "x", "comm_account_format"), ("bad account", "x", "comm_account_format"),
    ("eciq_dl_001", "", "comm_password_required"), ("eciq_dl_001", "x" * 65, "comm_password_required"),
])
def test_bad_input_is_refused(app, users, account, password, code):
    cipher = Fernet(app.server.config["CERTDASH_SETTINGS"].data_key.encode())
    with app.server.extensions["certdash"].sessions() as s:
        with pytest.raises(CommAccountError, match=code):
            bind_comm_account(s, actor(s, "ent_a_admin"), account, password, cipher)


def test_operators_and_customs_cannot_bind(app, users):
    cipher = Fernet(app.server.config["CERTDASH_SETTINGS"].data_key.encode())
    with app.server.extensions["certdash"].sessions() as s:
        for account in ("ent_a_oper", "officer0901", "sysadmin"):
            with pytest.raises(AccessDenied):
                bind_comm_account(s, actor(s, account), "eciq_dl_001", "pw", cipher)


def test_the_page_never_shows_the_password(app, users):
    cipher = Fernet(app.server.config["CERTDASH_SETTINGS"].data_key.encode())
    with app.server.extensions["certdash"].sessions() as s:
        bind_comm_account(s, actor(s, "ent_a_admin"), "eciq_dl_001", "s3cret-Pass", cipher)
        s.commit()
    client = app.server.test_client()
    sign_in(client, "ent_a_admin", TEST_PASSWORD)
    text = page_text(client, "/enterprise/comm-account")
    assert "eciq_dl_001" in text and "s3cret" not in text
