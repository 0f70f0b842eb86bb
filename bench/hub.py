"""Benchmark the ePhyto Hub node against the project's hub simulator (loopback, TLS, client certificates).

    python -m bench.hub [--certificates 1000] [--store FILE | --database-url URL]

The store is filled by the demo generator (a temporary SQLite file unless told otherwise). The
destinations of `--certificates` valid cloud-signed certificates are enabled for the hub, and each
certificate is queued through the real path (`data.exchange.outbox.queue_change`: its SPS XML with
an embedded PDF, the blob, the envelope, the receipt). The embedded PDF is one real signed
certificate PDF for all of them (rendering and signing a thousand PDFs is the issuing bench's subject,
not this one's); every other part of the XML is each certificate's own.

Outbound: the delivery worker (`data.exchange.node.deliver_due`: claim and commit, read the content,
the SOAP call, record with its receipt and commit, per envelope) against the bare SOAP calls for the
same envelopes (`HubClient.deliver` with the contents already in memory, nothing stored).

Inbound: `--certificates` foreign SPS certificates (the XML alone, as ePhyto certificates travel: an
attached PDF would add its signature check, which has no bare counterpart here) are offered to the simulator
and pulled once (the pull's own SOAP time is printed, not compared). Then the node's receiving path
(`data.exchange.node.pull_inbound` with those envelopes: schema and business checks, the store with
its blobs and matching, a commit per envelope, the acknowledgement to the hub) against the bare
work: the schema validation of each document (`sps_findings`), a bare insert of its row and bytes
into a plain table of the same columns, committed per document, and the same acknowledgement call
(without it the figure would measure the SOAP round trip, which both sides must make, not the node).

The bare sides run before and after the service side, and their mean is the baseline; inbound, the
three alternate in rounds of ROUND envelopes. The last line
is `ratio=<x>`: the worse of outbound service/bare and inbound service/bare.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, Column, DateTime, Integer, LargeBinary, MetaData, String, Table, insert, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from bench.applications import prepare_store
from data.certificates.issuing import Issuer, stored_pdf
from data.certificates.keyring import Keyring
from data.core.db import make_session_factory
from data.exchange.hub_client import Header, HubClient, HubSettings
from data.exchange.node import BATCH, deliver_due, pull_inbound
from data.exchange.outbox import HUB_SETTING, queue_change
from data.models import ApplicationGoods, Blob, Certificate, CertStatus, DictEntry, HubEnvelope, SigningMethod, utcnow
from exports.certificate.sps_read import read_sps
from exports.certificate.sps_schema import sps_findings
from tests.support.certificate_samples import foreign
from tests.support.hub_simulator import HubSimulator, HubState, make_pki

PUBLIC_URL = "https://certdash.example"
ROUND = 100  # inbound envelopes per round of bare, service, bare


@dataclass
class Prefetched:
    """The envelopes pulled once, handed to the node again without the network; acknowledgements go to the hub."""

    hub: HubClient
    envelopes: dict[str, tuple[Header, str]]

    def import_headers(self, country: str) -> list[Header]:
        return [header for header, _content in self.envelopes.values()]

    def pull(self, delivery_number: str) -> tuple[Header, str]:
        return self.envelopes[delivery_number]

    def acknowledge(self, delivery_number: str) -> None:
        self.hub.acknowledge(delivery_number)

    def acknowledge_failed(self, delivery_number: str, message: str) -> None:
        self.hub.acknowledge_failed(delivery_number, message)

    def deliver(self, **kwargs) -> Header:  # not used by pull_inbound
        raise NotImplementedError

    def tracking(self, delivery_number: str) -> Header:
        raise NotImplementedError

    def under_delivery(self) -> list[Header]:
        return []


def queue(s: Session, issuer: Issuer, count: int) -> list[int]:
    """Queue `count` valid cloud certificates with goods; return the envelope ids."""
    with_goods = select(ApplicationGoods.application_id).distinct()
    certs = s.scalars(select(Certificate).where(
        Certificate.status == CertStatus.VALID.value, Certificate.signing_method == SigningMethod.CLOUD.value,
        Certificate.dest_country.is_not(None), Certificate.application_id.in_(with_goods))
        .order_by(Certificate.id).limit(count)).all()
    if len(certs) < count:
        sys.exit(f"the store holds only {len(certs)} valid cloud certificates with goods; fill a bigger one")
    for country in {c.dest_country for c in certs}:
        entry = s.get(DictEntry, ("country", country))
        if entry is not None:
            entry.extra = {**(entry.extra or {}), HUB_SETTING: "all"}
    pdf = stored_pdf(s, certs[0], issuer)
    now = utcnow()
    ids = []
    for cert in certs:
        envelope = queue_change(s, cert, pdf, public_url=issuer.public_url, now=now)
        if envelope is None:
            sys.exit(f"certificate {cert.certificate_no} was not queued (destination {cert.dest_country} unknown?)")
        ids.append(envelope.id)
    s.commit()
    return ids


def bare_deliver(hub: HubClient, contents: list[tuple[HubEnvelope, str]]) -> float:
    started = time.perf_counter()
    for envelope, content in contents:
        hub.deliver(to_country=envelope.to_country, from_country="CN", certificate_type=envelope.type_code,
                    certificate_status=envelope.status_code, certificate_no=envelope.certificate_no, content=content,
                    envelope_key=str(uuid.uuid4()))
    return time.perf_counter() - started


def outbound(engine: Engine, simulator: HubSimulator, hub: HubClient, issuer: Issuer, count: int) -> float:
    sessions = make_session_factory(engine)
    with sessions() as s:
        ids = queue(s, issuer, count)
        contents = [(e, s.get_one(Blob, e.content_sha256).data.decode("utf-8"))
                    for e in s.scalars(select(HubEnvelope).where(HubEnvelope.id.in_(ids)))]
        s.expunge_all()
    bare_deliver(hub, contents[:20])  # warm-up: TLS session, zeep's serialisers
    simulator.state = HubState()
    before = bare_deliver(hub, contents)
    simulator.state = HubState()
    with sessions() as s:
        started = time.perf_counter()
        done = 0
        while done < count:
            report = deliver_due(s, hub, limit=min(BATCH, count - done))
            if report.hub_down or report.sent == 0:
                sys.exit(f"delivery stopped: {report.summary()}")
            done += report.sent
        service = time.perf_counter() - started
    simulator.state = HubState()
    after = bare_deliver(hub, contents)
    bare = (before + after) / 2
    print(f"outbound: {count} envelopes of {sum(len(c) for _e, c in contents) // count // 1024} KiB on average")
    print(f"  delivery worker  {service * 1000 / count:7.2f} ms per envelope")
    print(f"  bare SOAP calls  {bare * 1000 / count:7.2f} ms per envelope (before {before * 1000 / count:.2f}, "
          f"after {after * 1000 / count:.2f})")
    return service / bare


SCRATCH = MetaData()
BARE_INBOUND = Table(
    "bench_bare_inbound", SCRATCH, Column("id", Integer, primary_key=True), Column("exporting_country", String(2)),
    Column("certificate_no", String(64)), Column("type_code", String(8)), Column("status_code", String(4)),
    Column("issued_at", DateTime(timezone=True)), Column("consignor", String(256)), Column("consignee", String(256)),
    Column("bl_numbers", JSON), Column("containers", JSON), Column("goods", JSON), Column("document", LargeBinary),
    Column("pdf", LargeBinary), Column("envelope_id", String(64)), Column("received_at", DateTime(timezone=True)))


def bare_inbound(engine: Engine, hub: HubClient, documents: list[tuple[str, bytes, dict]]) -> float:
    SCRATCH.drop_all(engine, checkfirst=True)
    SCRATCH.create_all(engine)
    started = time.perf_counter()
    with engine.connect() as conn:
        for number, document, row in documents:
            if sps_findings(document):
                sys.exit(f"bench document {number} is not schema-valid")
            conn.execute(insert(BARE_INBOUND), {**row, "document": document, "envelope_id": number,
                                                "received_at": utcnow()})
            conn.commit()
            hub.acknowledge(number)
    elapsed = time.perf_counter() - started
    SCRATCH.drop_all(engine)
    return elapsed


def inbound(engine: Engine, simulator: HubSimulator, hub: HubClient, count: int) -> float:
    simulator.state = HubState()
    for n in range(count):
        number = f"KR2026-{n:06d}"
        simulator.offer(foreign(number), sender="KR", certificate_no=number, certificate_type=853)
    started = time.perf_counter()
    pulled = {h.delivery_number or "": hub.pull(h.delivery_number or "") for h in hub.import_headers("CN")}
    pulling = time.perf_counter() - started
    documents = []
    for number, (_header, content) in pulled.items():
        document = content.encode("utf-8")
        facts = read_sps(document)
        documents.append((number, document, {
            "exporting_country": facts.exporting_country, "certificate_no": facts.certificate_no,
            "type_code": facts.type_code, "status_code": facts.status_code, "issued_at": facts.issued_at,
            "consignor": facts.consignor[:256], "consignee": facts.consignee[:256],
            "bl_numbers": list(facts.bl_numbers), "containers": list(facts.containers),
            "goods": [{"seq": g.seq, "description": g.description, "hs_code": g.hs_code} for g in facts.goods],
            "pdf": facts.pdf}))
    bare_inbound(engine, hub, documents[:20])  # warm-up: the schema set is compiled once per process
    sessions = make_session_factory(engine)
    before = after = service = 0.0
    for first in range(0, count, ROUND):  # interleaved, so that a slow minute of the machine hits both sides
        chunk = documents[first:first + ROUND]
        gc.collect()
        before += bare_inbound(engine, hub, chunk)
        offered = Prefetched(hub, {number: pulled[number] for number, _d, _r in chunk})
        gc.collect()
        with sessions() as s:
            started = time.perf_counter()
            report = pull_inbound(s, offered, limit=len(chunk))
            service += time.perf_counter() - started
        if report.stored != len(chunk):
            sys.exit(f"inbound stopped: {report.summary()} {report.notes[:3]}")
        gc.collect()
        after += bare_inbound(engine, hub, chunk)
    bare = (before + after) / 2
    print(f"inbound: {count} envelopes of {sum(len(d) for _n, d, _r in documents) // count // 1024} KiB on average; "
          f"pulling them took {pulling * 1000 / count:.2f} ms each")
    print(f"  validate+store+acknowledge {service * 1000 / count:7.2f} ms per envelope")
    print(f"  bare validation+insert+ack {bare * 1000 / count:7.2f} ms per envelope (before {before * 1000 / count:.2f}, "
          f"after {after * 1000 / count:.2f})")
    return service / bare


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--store", help="SQLite file to fill once and use again")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (or one this bench filled)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as tmp:
        url = args.database_url or f"sqlite:///{Path(args.store).resolve() if args.store else Path(tmp) / 'hub.sqlite3'}"
        if make_url(url).get_backend_name() == "postgresql" and not args.database_url:
            sys.exit("give an empty PostgreSQL database with --database-url")
        engine = prepare_store(url, max(3000, 3 * args.certificates))
        issuer = Issuer(Keyring(demo_folder=Path(tmp) / "instance" / "signing"), PUBLIC_URL)
        pki = make_pki(Path(tmp) / "hub")
        simulator = HubSimulator(pki).start()
        hub = HubClient(HubSettings(simulator.url, pki.client_cert, pki.client_key, pki.ca, timeout=30))
        try:
            out_ratio = outbound(engine, simulator, hub, issuer, args.certificates)
            in_ratio = inbound(engine, simulator, hub, args.certificates)
        finally:
            hub.close()
            simulator.stop()
            engine.dispose()
    print(f"outbound ratio {out_ratio:.2f}, inbound ratio {in_ratio:.2f}")
    print(f"ratio={max(out_ratio, in_ratio):.2f}")


if __name__ == "__main__":
    main()
