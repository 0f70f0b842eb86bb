"""Issuing is a legal act: the signer confirms with their password; wrong passwords are counted (five in a
quarter of an hour and signing waits) and every confirmation and refusal is audited."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from data.accounts.signin import SIGNER_TRIES, confirm_signer
from data.models import Event, User
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


def test_the_signer_confirms_with_their_password_and_guessing_waits(app, users):
    with app.server.extensions["certdash"].sessions() as s:
        officer = s.scalar(select(User).where(User.account == "officer0901"))
        what = {"application_id": 7, "action": "issue"}
        assert confirm_signer(s, officer.id, TEST_PASSWORD, what=what, now=NOW) is None
        for n in range(SIGNER_TRIES):
            assert confirm_signer(s, officer.id, f"guess-{n}", what=what, now=NOW) == "password_wrong"
        # the right password no longer helps until the window has passed
        assert confirm_signer(s, officer.id, TEST_PASSWORD, what=what, now=NOW) == "too_many_attempts"
        assert confirm_signer(s, officer.id, TEST_PASSWORD, what=what, now=NOW + timedelta(minutes=16)) is None
        s.commit()
        codes = list(s.scalars(select(Event.code).where(Event.actor_id == officer.id,
                                                       Event.code.like("cert.sign_%")).order_by(Event.id)))
        assert codes == ["cert.sign_confirmed"] + ["cert.sign_refused"] * (SIGNER_TRIES + 1) + ["cert.sign_confirmed"]
        assert confirm_signer(s, 999_999, TEST_PASSWORD, what=what, now=NOW) == "password_wrong"
