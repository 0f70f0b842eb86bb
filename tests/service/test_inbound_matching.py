"""Inbound certificates and entry declarations: linked by the certificate number a declaration lists (whichever
came first), otherwise proposed to the officers of the declaration's districts by B/L, containers and consignee,
linked by hand with an audit record; declarations still waiting for their certificate are listed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from data.core.scope import AccessDenied, NotFound
from data.exchange.inbound import receive_sps
from data.exchange.inbound_matching import link_inbound, proposals, waiting_declarations
from data.models import DeclarationDocument, Event, InboundCertificate, User
from exports.types import Coded
from tests.support.certificate_samples import foreign
from tests.support.declaration_forms import NOW, entry_input, save
from tests.support.world import actor

pytest_plugins = ["tests.support.declaration_forms"]  # `s`: the app's store with the reference data
NORWAY = Coded("NO", "挪威", "Norway")
NUMBER = "NO2026-000777"


def norwegian(number: str = NUMBER, **changes) -> bytes:
    return foreign(number, export_country=NORWAY, **changes)


@pytest.fixture(autouse=True)
def officer0903(s, users):
    """An officer of the other district of the world (it has a manager there only)."""
    s.add(User(account="officer0903", password_hash="-", real_name="officer0903", role="officer",
               district_code="0903", language="zh"))
    s.commit()


def entry(s, *, cert_no: str | None = None, mode: str = "send", **fields):
    documents = [{"doc_code": "101006", "doc_no": cert_no}] if cert_no else [{"doc_code": "101001"}]
    data = entry_input(**fields)
    data = type(data)(data.fields, data.goods, data.containers, documents)
    return save(s, "ent_a_oper", data, mode=mode, direction="entry")


def test_a_certificate_received_after_the_declaration_is_linked_by_its_number(s, users):
    declaration = entry(s, cert_no="no 2026 000777")  # typed with spaces and lower case
    received = receive_sps(s, norwegian(), source="hub", now=NOW)
    s.commit()
    assert received.certificate.declaration_id == declaration.id


def test_a_declaration_sent_after_the_certificate_takes_it(s, users):
    received = receive_sps(s, norwegian(), source="hub", now=NOW)
    s.commit()
    assert received.certificate.declaration_id is None
    saved = entry(s, cert_no=NUMBER, mode="save")  # saved, not sent: not yet
    s.refresh(received.certificate)
    assert received.certificate.declaration_id is None
    sent = entry(s, cert_no=NUMBER)
    s.refresh(received.certificate)
    assert received.certificate.declaration_id == sent.id != saved.id


def test_two_declarations_listing_the_same_number_are_left_for_an_officer(s, users):
    entry(s, cert_no=NUMBER)
    entry(s, cert_no=NUMBER)
    received = receive_sps(s, norwegian(), source="hub", now=NOW)
    s.commit()
    assert received.certificate.declaration_id is None


def test_a_certificate_of_another_kind_or_country_is_not_linked_by_the_number(s, users):
    entry(s, cert_no=NUMBER, origin_country="NO")
    other_country = receive_sps(s, foreign(NUMBER), source="hub", now=NOW)  # Korea's certificate, same number
    s.commit()
    assert other_country.certificate.declaration_id is None


def test_an_unlinked_certificate_is_proposed_to_the_officers_of_the_declarations_district(s, users):
    likely = entry(s, bl_no="MAEU-999", consignee_en="HAISHENG")
    entry(s, bl_no="OTHER")
    received = receive_sps(s, norwegian(), source="hub", now=NOW)
    received.certificate.bl_numbers = ["maeu 999"]
    received.certificate.consignee = "haisheng"
    s.commit()
    found = proposals(s, actor(s, "officer0901"), received.certificate)
    assert [p.declaration_id for p in found] == [likely.id]
    assert set(found[0].reasons) == {"bill_of_lading", "consignee", "origin_country"} and found[0].score == 5
    assert proposals(s, actor(s, "officer0903"), received.certificate) == []  # another district's officer


def test_an_officer_links_and_unlinks_by_hand_with_an_audit_record(s, users):
    declaration = entry(s)
    received = receive_sps(s, norwegian(), source="hub", now=NOW)
    s.commit()
    officer, elsewhere = actor(s, "officer0901"), actor(s, "officer0903")
    with pytest.raises(NotFound):  # a declaration outside the officer's districts is not there for them
        link_inbound(s, elsewhere, received.certificate.id, declaration.id)
    link_inbound(s, officer, received.certificate.id, declaration.id)
    s.commit()
    assert s.get(InboundCertificate, received.certificate.id).declaration_id == declaration.id
    event = s.scalar(select(Event).where(Event.code == "inbound.linked"))
    assert event.actor_id == users.user_ids["officer0901"]
    with pytest.raises(AccessDenied, match="outside your districts"):  # nor can they undo another district's link
        link_inbound(s, elsewhere, received.certificate.id, None)
    s.rollback()
    link_inbound(s, officer, received.certificate.id, None)
    s.commit()
    assert s.get(InboundCertificate, received.certificate.id).declaration_id is None


def test_declarations_waiting_for_their_certificate_are_listed_until_it_comes(s, users):
    waiting = entry(s, cert_no=NUMBER)
    entry(s)  # lists no certificate
    officer = actor(s, "officer0901")
    assert [(d, n) for d, _no, n in waiting_declarations(s, officer)] == [(waiting.id, NUMBER)]
    assert waiting_declarations(s, actor(s, "officer0903")) == []
    receive_sps(s, norwegian(), source="hub", now=NOW)
    s.commit()
    assert waiting_declarations(s, officer) == []
    assert s.scalar(select(DeclarationDocument.doc_no).where(DeclarationDocument.declaration_id == waiting.id)) == NUMBER
