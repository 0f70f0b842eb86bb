"""The ePhyto Hub node against the project's hub simulator (TLS, client certificates), on both stores.

Outbound: issuing, replacing and withdrawing queue envelopes in their transaction for the countries the
administrator enabled; the worker delivers them, retries while the hub is down, records refusals, and
follows the tracking to the end; a crash between sending and recording sends nothing twice.
Inbound: envelopes waiting for China are pulled, checked, stored and acknowledged, or acknowledged as
failed with the reason and nothing stored; a duplicate is acknowledged and stored once.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data.certificates.issuing import certificate_view, issue, replace_certificate, withdraw_certificate
from data.exchange.hub_client import HubClient, HubSettings, HubUnavailable
from data.exchange.node import LEASE, deliver_due, pull_inbound, run_cycle, track_pending
from data.exchange.outbox import requeue
from data.models import (
    Blob,
    Certificate,
    CertificateType,
    DictEntry,
    Event,
    HubEnvelope,
    InboundCertificate,
    as_utc,
)
from data.reference.catalog import load_reference
from exports.certificate.sps_schema import sps_findings
from exports.types import Coded
from tests.service.test_inbound_matching import entry
from tests.service.test_issuing import approved_application, issuer, keyring, version_of  # noqa: F401 - fixtures
from tests.support.certificate_samples import foreign
from tests.support.world import actor, page_text

pytest_plugins = ["tests.support.hub_fixtures"]  # pki, hub, node


def hub_world(session) -> None:
    """The reference data, the phytosanitary certificate type, and Russia taking every certificate by the hub."""
    load_reference(session)
    session.merge(CertificateType(code="18", name_zh="植物检疫证书", name_en="PHYTOSANITARY CERTIFICATE",
                                  category="exit", bilingual=True))
    session.merge(DictEntry(dictionary="country", code="RU", name_zh="俄罗斯", name_en="Russia",
                            extra={"hub_exchange": "all"}))
    session.commit()


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        hub_world(session)
        yield session


def set_mode(s, country: str, mode: str) -> None:
    entry = s.get(DictEntry, ("country", country))
    entry.extra = {**entry.extra, "hub_exchange": mode}
    s.commit()


def issued(s, users, issuer, *, cert_type: str = "14", paper: bool = False) -> Certificate:
    app_id = approved_application(s, users, cert_type=cert_type)
    cert = issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=issuer, paper=paper)
    s.commit()
    return cert


def envelopes(s, cert: Certificate | None = None) -> list[HubEnvelope]:
    stmt = select(HubEnvelope).order_by(HubEnvelope.id)
    if cert is not None:
        stmt = stmt.where(HubEnvelope.certificate_id == cert.id)
    return list(s.scalars(stmt.execution_options(populate_existing=True)))


def later(envelope: HubEnvelope, seconds: float = 1):
    return as_utc(envelope.next_attempt_at) + timedelta(seconds=seconds)


# --- outbound -----------------------------------------------------------------------------------


def test_issuing_for_an_enabled_country_queues_the_certificate_and_the_worker_delivers_it(s, users, issuer, hub,
                                                                                          node):
    cert = issued(s, users, issuer)
    [envelope] = envelopes(s, cert)
    assert (envelope.state, envelope.to_country, envelope.type_code, envelope.status_code) == ("queued", "RU", 853, 70)
    document = s.get(Blob, envelope.content_sha256).data
    assert sps_findings(document) == [] and cert.certificate_no.encode() in document

    report = deliver_due(s, node)
    assert report.sent == 1 and report.hub_down is None
    [envelope] = envelopes(s, cert)
    assert envelope.state == "PendingDelivery" and envelope.hub_delivery_number and envelope.attempts == 1
    [at_hub] = hub.state.sent_by("CN")
    assert (at_hub.to, at_hub.certificate_no, at_hub.certificate_status, at_hub.certificate_type) == (
        "RU", cert.certificate_no, 70, 853)
    assert at_hub.content.encode("utf-8") == document  # what was queued is what the hub got

    track_pending(s, node, now=later(envelope))
    [envelope] = envelopes(s, cert)
    assert envelope.state == "Delivered" and envelope.settled_at is not None
    view = certificate_view(s, actor(s, "officer0901"), cert.certificate_no, public_url=issuer.public_url)
    assert [d.state for d in view.deliveries] == ["Delivered"]
    codes = [h.code for h in view.history]
    assert codes[-3:] == ["hub.queued", "hub.sent", "hub.delivered"]
    enterprise_view = certificate_view(s, actor(s, "ent_a_oper"), cert.certificate_no, public_url=issuer.public_url)
    assert enterprise_view.deliveries[0].hub_delivery_number == envelope.hub_delivery_number


def test_only_enabled_countries_matching_types_and_electronic_certificates_go(s, users, issuer):
    set_mode(s, "RU", "")
    assert envelopes(s, issued(s, users, issuer)) == []
    set_mode(s, "RU", "phyto")
    assert envelopes(s, issued(s, users, issuer, cert_type="14")) == []  # veterinary: not on the ePhyto channel
    [phyto] = envelopes(s, issued(s, users, issuer, cert_type="18"))
    assert phyto.type_code == 851
    assert envelopes(s, issued(s, users, issuer, cert_type="18", paper=True)) == []  # paper travels on paper
    set_mode(s, "RU", "all")
    assert len(envelopes(s, issued(s, users, issuer, cert_type="14"))) == 1


def test_a_hub_that_is_down_is_tried_again_later_and_the_envelope_goes_once(s, users, issuer, hub, node):
    cert = issued(s, users, issuer)
    hub.outage(1)
    report = deliver_due(s, node)
    assert report.sent == 0 and report.retried == 1 and report.hub_down
    [envelope] = envelopes(s, cert)
    assert envelope.state == "queued" and envelope.attempts == 1 and "Connection" in envelope.last_error
    assert as_utc(envelope.next_attempt_at) > as_utc(envelope.created_at)
    assert deliver_due(s, node).sent == 0  # not due yet: nothing sent before the wait is over
    report = deliver_due(s, node, now=later(envelope))
    assert report.sent == 1
    [envelope] = envelopes(s, cert)
    assert envelope.state == "PendingDelivery" and envelope.attempts == 2 and envelope.last_error is None
    assert len(hub.state.sent_by("CN")) == 1


def test_a_crash_between_sending_and_recording_sends_nothing_twice(s, users, issuer, hub, node):
    first, second = issued(s, users, issuer), issued(s, users, issuer)
    for cert in (first, second):  # a worker sent both and died before recording either
        [envelope] = envelopes(s, cert)
        content = s.get(Blob, envelope.content_sha256).data.decode("utf-8")
        node.deliver(to_country="RU", from_country="CN", certificate_type=envelope.type_code,
                       certificate_status=envelope.status_code, certificate_no=envelope.certificate_no,
                       content=content, envelope_key=envelope.envelope_key)
        envelope.state, envelope.claimed_at, envelope.attempts = "sending", envelope.created_at, 1
    s.commit()
    hub.state.settle(hub.state.envelopes[envelopes(s, second)[0].envelope_key])  # already delivered meanwhile
    assert deliver_due(s, node).sent == 0  # a claim younger than the lease: its worker may still be at it
    report = deliver_due(s, node, now=as_utc(envelopes(s, second)[0].created_at) + LEASE + timedelta(seconds=1))
    assert report.recovered == 2
    states = {e.certificate_no: (e.state, e.hub_delivery_number) for e in envelopes(s)}
    assert states[first.certificate_no][0] == "PendingDelivery"  # adopted from the hub's envelopes under delivery
    assert states[second.certificate_no][0] == "Delivered"  # sent again under its key: the same envelope, delivered
    assert len(hub.state.sent_by("CN")) == 2
    assert {number for _state, number in states.values()} == set(hub.state.envelopes)


def test_a_refusal_of_the_hub_is_recorded_with_its_message_and_can_be_sent_again(s, users, issuer, hub, node):
    cert = issued(s, users, issuer)
    hub.state.inactive.add("RU")
    report = deliver_due(s, node)
    assert report.refused == 1
    [envelope] = envelopes(s, cert)
    assert envelope.state == "Refused" and "not an active NPPO" in envelope.hub_message
    event = s.scalar(select(Event).where(Event.code == "hub.refused", Event.object_id == str(cert.id)))
    assert "not an active NPPO" in event.message
    hub.state.inactive.clear()
    assert requeue(s, envelope, as_utc(envelope.settled_at))
    s.commit()
    assert deliver_due(s, node).sent == 1
    assert envelopes(s, cert)[0].state == "PendingDelivery"
    assert not requeue(s, envelopes(s, cert)[0], as_utc(envelope.created_at))  # on its way: nothing to do again


@pytest.mark.parametrize(("importer", "state", "message"), [
    ("warn", "DeliveredWithWarnings", "Consignee address incomplete"),
    ("reject", "FailedDelivery", "Certificate type not accepted by the NPPO")])
def test_the_importing_countrys_answer_is_tracked(s, users, issuer, hub, node, importer, state, message):
    cert = issued(s, users, issuer)
    hub.state.importers["RU"] = importer
    deliver_due(s, node)
    [envelope] = envelopes(s, cert)
    track_pending(s, node, now=later(envelope))
    [envelope] = envelopes(s, cert)
    assert (envelope.state, envelope.hub_message) == (state, message)


def test_withdrawing_and_replacing_a_delivered_certificate_tell_the_importing_country(s, users, issuer, hub,
                                                                                      node):
    officer = actor(s, "officer0901")
    gone, old = issued(s, users, issuer), issued(s, users, issuer)
    withdraw_certificate(s, officer, gone.certificate_no, reason="合同取消 contract cancelled", issuer=issuer)
    s.commit()
    assert [e.status_code for e in envelopes(s, gone)] == [70, 40]
    new = replace_certificate(s, officer, old.certificate_no, reason="收货人更正 consignee corrected", issuer=issuer)
    s.commit()
    assert [e.status_code for e in envelopes(s, old)] == [70, 40] and [e.status_code for e in envelopes(s, new)] == [70]
    withdrawal = s.get(Blob, envelopes(s, old)[1].content_sha256).data
    assert sps_findings(withdrawal) == [] and new.certificate_no.encode() in withdrawal  # names its replacement
    assert deliver_due(s, node).sent == 5
    sent = [(e.certificate_no, e.certificate_status) for e in hub.state.sent_by("CN")]
    assert sent.index((old.certificate_no, 40)) < sent.index((new.certificate_no, 70))


def test_a_certificate_never_sent_is_not_withdrawn_through_the_hub(s, users, issuer):
    set_mode(s, "RU", "")
    cert = issued(s, users, issuer)
    set_mode(s, "RU", "all")
    withdraw_certificate(s, actor(s, "officer0901"), cert.certificate_no, reason="合同取消 contract cancelled",
                         issuer=issuer)
    s.commit()
    assert envelopes(s, cert) == []


def test_the_hub_refuses_a_node_without_a_certificate_of_its_ca(pki, hub):
    stranger = HubClient(HubSettings(hub.url, pki.stranger_cert, pki.stranger_key, pki.ca, timeout=5))
    with pytest.raises(HubUnavailable, match="SSL"):
        stranger.import_headers("CN")
    wrong_ca = HubClient(HubSettings(hub.url, pki.client_cert, pki.client_key, pki.client_cert, timeout=5))
    with pytest.raises(HubUnavailable, match="SSL"):  # the node checks the hub's certificate too
        wrong_ca.import_headers("CN")
    assert hub.state.calls == []


def test_the_node_refuses_settings_that_are_not_tls(pki):
    with pytest.raises(ValueError, match="https"):
        HubClient(HubSettings("http://127.0.0.1:1/hub", pki.client_cert, pki.client_key, pki.ca))


# --- inbound ------------------------------------------------------------------------------------

KOREA = Coded("KR", "韩国", "Korea")


def inbound_count(s) -> int:
    return s.scalar(select(func.count()).select_from(InboundCertificate))


def test_a_certificate_offered_to_china_is_pulled_stored_acknowledged_and_matched(s, users, hub, node):
    declaration = entry(s, cert_no="KR2026-000555", origin_country="KR")
    number = hub.offer(foreign("KR2026-000555"), sender="KR", certificate_no="KR2026-000555", certificate_type=853)
    report = pull_inbound(s, node)
    assert (report.pulled, report.stored, report.rejected) == (1, 1, 0)
    row = s.scalar(select(InboundCertificate).where(InboundCertificate.certificate_no == "KR2026-000555"))
    assert row.source == "hub" and row.envelope_id == number and row.declaration_id == declaration.id
    assert hub.state.envelopes[number].tracking == "Delivered"  # acknowledged


def test_a_broken_envelope_is_acknowledged_as_failed_with_the_reason_and_nothing_is_stored(s, users, hub, node):
    before = inbound_count(s)
    to_japan = hub.offer(foreign("KR2026-000600", to=Coded("JP", "日本", "Japan")), certificate_no="KR2026-000600")
    garbage = hub.offer("<SPSCertificate><unclosed></SPSCertificate>", certificate_no="KR2026-000601")
    laughs = hub.offer('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                       '<l>&b;</l>', certificate_no="KR2026-000602")
    mislabelled = hub.offer(foreign("KR2026-000603"), certificate_no="KR2026-999999")
    report = pull_inbound(s, node)
    assert (report.pulled, report.stored, report.rejected) == (4, 0, 4)
    assert inbound_count(s) == before
    answers = {n: (hub.state.envelopes[n].tracking, hub.state.envelopes[n].message)
               for n in (to_japan, garbage, laughs, mislabelled)}
    assert all(tracking == "FailedDelivery" for tracking, _ in answers.values())
    assert "not to China" in answers[to_japan][1]
    assert "well-formed" in answers[garbage][1] or "line" in answers[garbage][1]
    assert "DTD" in answers[laughs][1] or "entit" in answers[laughs][1]
    assert "KR2026-999999" in answers[mislabelled][1]
    refused = s.scalars(select(Event).where(Event.code == "hub.inbound_refused")).all()
    assert {e.object_id for e in refused} == set(answers)


def test_a_duplicate_and_a_lost_acknowledgement_store_the_certificate_once(s, users, hub, node):
    before = inbound_count(s)
    first = hub.offer(foreign("KR2026-000700"), certificate_no="KR2026-000700")
    hub.state.fault_count = 0
    # the store commits, then the hub goes down before the acknowledgement: the envelope is offered again
    original = node.acknowledge

    def lost(number):
        hub.outage(1)
        original(number)

    node.acknowledge = lost
    try:
        report = pull_inbound(s, node)
    finally:
        del node.acknowledge
    assert report.stored == 1 and report.hub_down and hub.state.envelopes[first].tracking == "PendingDelivery"
    again = hub.offer(foreign("KR2026-000700"), certificate_no="KR2026-000700")  # the sender sent it twice too
    report = pull_inbound(s, node)
    assert (report.stored, report.duplicates) == (0, 2)
    assert inbound_count(s) == before + 1
    assert {hub.state.envelopes[n].tracking for n in (first, again)} == {"Delivered"}


def test_one_pull_carrying_a_certificate_twice_and_its_withdrawal_stores_it_once_and_withdraws_it(s, users, hub,
                                                                                                   node):
    """The group's lookups are asked before the group is received: what it stores itself is seen by its later
    envelopes (the same certificate again, then withdrawn), and a listed number is still matched."""
    before = inbound_count(s)
    declaration = entry(s, cert_no="KR2026-000910", origin_country="KR")
    numbers = [hub.offer(foreign("KR2026-000900"), certificate_no="KR2026-000900"),
               hub.offer(foreign("KR2026-000900"), certificate_no="KR2026-000900"),
               hub.offer(foreign("KR2026-000900", status="withdrawn", status_reason="contract cancelled"),
                         certificate_no="KR2026-000900"),
               hub.offer(foreign("KR2026-000910"), certificate_no="KR2026-000910")]
    report = pull_inbound(s, node)
    assert (report.pulled, report.stored, report.duplicates, report.rejected) == (4, 3, 1, 0)
    assert inbound_count(s) == before + 2
    rows = {r.certificate_no: r for r in s.scalars(select(InboundCertificate).where(
        InboundCertificate.certificate_no.in_(["KR2026-000900", "KR2026-000910"])))}
    assert rows["KR2026-000900"].status_code == "40" and rows["KR2026-000900"].envelope_id == numbers[0]
    assert rows["KR2026-000910"].declaration_id == declaration.id
    assert {hub.state.envelopes[n].tracking for n in numbers} == {"Delivered"}


def test_one_round_sends_follows_and_receives(s, users, issuer, hub, node):
    cert = issued(s, users, issuer)
    hub.offer(foreign("KR2026-000800"), certificate_no="KR2026-000800")
    report = run_cycle(s, node)
    assert (report.sent, report.stored) == (1, 1)
    assert envelopes(s, cert)[0].state == "PendingDelivery"


@pytest.mark.parametrize(("account", "sees"), [("officer0901", True), ("ent_a_oper", True), ("ent_b_oper", False)])
def test_the_certificate_page_shows_where_the_envelope_stands(s, users, issuer, hub, node, client_as, account, sees):
    cert = issued(s, users, issuer)
    hub.state.importers["RU"] = "warn"
    deliver_due(s, node)
    [envelope] = envelopes(s, cert)
    track_pending(s, node, now=later(envelope))
    text = page_text(client_as(account), "/certificates/view", f"?no={cert.certificate_no}")
    assert ('"certv-deliveries"' in text) == sees
    if sees:
        assert "已投递（有警告）" in text and "俄罗斯" in text and envelope.hub_delivery_number in text
        assert "Consignee address incomplete" in text
