"""The application workflow: only the listed transitions, scoped, versioned, receipted, numbered."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from data.applications.workflow import TRANSITIONS, WorkflowError, allowed_actions, receipts, transition
from data.core.db import make_session_factory, transaction
from data.core.scope import NotFound
from data.models import Certificate, CertificateApplication, Event, User
from tests.support.world import actor

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def s(app, users):
    """A session on the test world; application A-0901 is reset to a draft of enterprise A."""
    with app.server.extensions["certdash"].sessions() as session:
        application = session.get(CertificateApplication, users.application_ids["A-0901"])
        application.status = "draft"
        session.commit()
        yield session


def step(s, account, app_id, action, reason=None):
    application = s.get(CertificateApplication, app_id)
    s.refresh(application)
    result = transition(s, actor(s, account), app_id, action, version=application.version, reason=reason, now=NOW)
    s.commit()
    return result


def test_the_full_path_to_approval_with_confirmation(s, users):
    app_id = users.application_ids["A-0901"]
    s.get(CertificateApplication, app_id).needs_confirmation = True
    s.commit()
    step(s, "ent_a_oper", app_id, "submit")
    step(s, "officer0901", app_id, "open")
    with pytest.raises(WorkflowError, match="bad_transition"):  # confirmation comes first
        step(s, "officer0901", app_id, "approve")
    s.rollback()
    step(s, "officer0901", app_id, "suspend", "等待实验室结果")
    step(s, "officer0901", app_id, "resume")
    step(s, "officer0901", app_id, "request_confirmation")
    step(s, "ent_a_oper", app_id, "confirm")
    approved = step(s, "officer0901", app_id, "approve")
    assert approved.status == "approved" and approved.certificate_no.startswith("09012614")
    assert approved.approved_at is not None and approved.reviewer_id == users.user_ids["officer0901"]
    codes = [r.code for r in receipts(s, actor(s, "ent_a_oper"), app_id)]
    assert codes == ["app.submitted", "app.review_started", "app.suspended", "app.resumed",
                     "app.confirmation_requested", "app.confirmed", "app.approved"]
    assert receipts(s, actor(s, "ent_a_oper"), app_id)[2].reason == "等待实验室结果"


def test_return_needs_a_reason_and_allows_a_resubmission(s, users):
    app_id = users.application_ids["A-0901"]
    step(s, "ent_a_oper", app_id, "submit")
    step(s, "officer0901", app_id, "open")
    with pytest.raises(WorkflowError, match="reason_required"):
        step(s, "officer0901", app_id, "return", "  ")
    s.rollback()
    step(s, "officer0901", app_id, "return", "品名与报检单不符")
    assert s.get(CertificateApplication, app_id).review_comment == "品名与报检单不符"
    assert step(s, "ent_a_oper", app_id, "submit").status == "submitted"


@pytest.mark.parametrize("status,action", [
    ("draft", "approve"), ("draft", "open"), ("submitted", "approve"), ("approved", "return"),
    ("issued", "revoke"), ("revoked", "submit"), ("returned", "approve"), ("confirmed", "confirm"),
])
def test_no_step_outside_the_workflow(s, users, status, action):
    app_id = users.application_ids["A-0901"]
    s.get(CertificateApplication, app_id).status = status
    s.commit()
    account = "officer0901" if TRANSITIONS[action].permission == "application.review" else "ent_a_oper"
    # customs never see a draft: for them it is as if it did not exist
    refusal = (NotFound, None) if status == "draft" and account == "officer0901" else (WorkflowError, "bad_transition")
    with pytest.raises(refusal[0], match=refusal[1]):
        step(s, account, app_id, action, "原因")


def test_roles_and_scopes(s, users):
    app_id = users.application_ids["A-0901"]
    from data.core.scope import AccessDenied

    with pytest.raises(AccessDenied):  # an enterprise may not review
        step(s, "ent_a_oper", app_id, "open")
    s.rollback()
    for outsider in ("ent_b_oper", "manager0903"):  # another enterprise, another district
        with pytest.raises((NotFound, AccessDenied)):
            step(s, outsider, app_id, "submit" if outsider.startswith("ent") else "open")
        s.rollback()
    with pytest.raises(WorkflowError, match="bad_transition"):
        transition(s, actor(s, "ent_a_oper"), app_id, "publish", version=1)


def test_a_stale_version_loses(s, users):
    app_id = users.application_ids["A-0901"]
    seen = s.get(CertificateApplication, app_id).version
    step(s, "ent_a_oper", app_id, "submit")
    with pytest.raises(WorkflowError, match="stale_version"):
        transition(s, actor(s, "ent_a_oper"), app_id, "revoke", version=seen)


def test_two_officers_approving_at_once_exactly_one_wins(app, users, s):
    app_id = users.application_ids["A-0901"]
    step(s, "ent_a_oper", app_id, "submit")
    step(s, "officer0901", app_id, "open")
    version = s.get(CertificateApplication, app_id).version
    with transaction(app.server.extensions["certdash"].sessions) as setup:
        setup.add(User(account="officer0901b", password_hash="-", real_name="二号审核员", role="officer",
                       district_code="0901"))
    sessions = make_session_factory(s.get_bind())
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def approve(account):
        with sessions() as own:
            who = actor(own, account)
            own.get(CertificateApplication, app_id)  # both have read the same version
            barrier.wait()
            try:
                transition(own, who, app_id, "approve", version=version, now=NOW)
                own.commit()
                outcomes[account] = "won"
            except WorkflowError as exc:
                own.rollback()
                outcomes[account] = exc.code

    threads = [threading.Thread(target=approve, args=(a,)) for a in ("officer0901", "officer0901b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes.values()) == ["stale_version", "won"]
    s.expire_all()
    assert s.scalar(select(Event.id).where(Event.code == "app.approved")) is not None
    assert len(list(s.scalars(select(Event.id).where(Event.code == "app.approved")))) == 1


def test_numbers_continue_after_existing_certificates_and_never_repeat(s, users):
    # the world holds certificate TEST0000...; give the district a number in this prefix to continue from
    existing = s.scalar(select(Certificate).where(Certificate.district_code == "0901"))
    existing.certificate_no = "09012614" + "0000041"
    s.commit()
    numbers = []
    for key in ("A-0901",):
        app_id = users.application_ids[key]
        step(s, "ent_a_oper", app_id, "submit")
        step(s, "officer0901", app_id, "open")
        numbers.append(step(s, "officer0901", app_id, "approve").certificate_no)
    assert numbers == ["090126140000042"]


def test_actions_offered_follow_role_and_status(s, users):
    app_id = users.application_ids["A-0901"]
    application = s.get(CertificateApplication, app_id)
    assert allowed_actions(actor(s, "ent_a_oper"), application) == ["submit"]
    assert allowed_actions(actor(s, "officer0901"), application) == []
    step(s, "ent_a_oper", app_id, "submit")
    assert allowed_actions(actor(s, "ent_a_oper"), application) == ["revoke", "supplement"]
    assert allowed_actions(actor(s, "officer0901"), application) == ["open"]


def test_the_declaration_follows_what_customs_does_with_its_applications(app, users):
    """已发送 becomes 已回执 when customs takes an application up; each customs step is a receipt of the
    declaration too (Jiucheng 3.4: 查看回执)."""
    from data.declarations.form import declaration_receipts
    from data.models import Declaration

    with app.server.extensions["certdash"].sessions() as s:
        application = s.scalar(select(CertificateApplication).where(CertificateApplication.district_code == "0901"))
        application.status = "submitted"
        declaration = s.get(Declaration, application.declaration_id)
        declaration.status = "sent"
        s.commit()
        officer = actor(s, "officer0901")
        transition(s, officer, application.id, "open", version=application.version)
        s.commit()
        s.refresh(declaration)
        assert declaration.status == "receipted"
        transition(s, officer, application.id, "return", version=application.version, reason="品名与报检单不符")
        s.commit()
        receipts = declaration_receipts(s, actor(s, "ent_a_oper"), declaration.id)
        assert [r.code for r in receipts][-2:] == ["decl.receipted", "decl.application_step"]
        assert "海关已接收报检" in receipts[-2].message and "品名与报检单不符" in receipts[-1].message
