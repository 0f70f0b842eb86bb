"""A simulator of the IPPC ePhyto Hub's DeliveryService, on loopback, over TLS with client certificates.

The real hub is not reachable from here. This one speaks the operations a national node uses, with the
message shapes of the hub's WSDL (data/exchange/ephyto_wsdl/ephyto.wsdl): DeliverEnvelope,
GetEnvelopeTrackingInfo, GetUnderDeliveryEnvelope, GetImportEnvelopeHeaders, PULLSingleImportEnvelope,
AcknowledgeEnvelopeReceipt, AdvancedAcknowledgeEnvelopeReceipt and AcknowledgeFailedEnvelopeReceipt;
anything else is answered with the hub's fault. A node is known by its client certificate, which must be
issued by the simulator's CA; its common name is the node's country.

What the tests steer:
- `importers[country]`: what the importing country does with an envelope ("accept", "warn", "reject");
  its answer shows in the tracking the next time the sender asks;
- `outage(n)`: the next n requests get no answer (the connection is closed), as when the hub is down;
  `faults(n, message)`: the next n requests are answered with a fault; `delay`: seconds before answering;
- `offer(...)`: an envelope from another country, waiting for the node to pull it.

A developer runs one with `python -m tests.support.hub_simulator --dir /tmp/hub` (it prints the settings
to give certdash).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import ipaddress
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lxml import etree

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
TNS = "http://ephyto.ippc.int/"
ENT = "http://ephyto.ippc.int/HUB.Entities"
SPS = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
MAX_BODY = 64 * 1024 * 1024


# --- certificates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HubPki:
    folder: Path
    ca: Path  # the CA of the hub's TLS certificate and of the nodes' client certificates
    server_cert: Path
    server_key: Path
    client_cert: Path  # the node "CN"
    client_key: Path
    stranger_cert: Path  # a client certificate of another CA: the hub refuses it
    stranger_key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ePhyto Hub simulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool = False, server: bool = False):
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                        critical=True)
    elif server:
        builder = (builder.add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    else:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(folder: Path, stem: str, cert, key=None) -> tuple[Path, Path | None]:
    cert_path = folder / f"{stem}.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path = None
    if key is not None:
        key_path = folder / f"{stem}.key"
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        key_path.chmod(0o600)
    return cert_path, key_path


def make_pki(folder: Path, node_country: str = "CN") -> HubPki:
    """A CA, the hub's server certificate (127.0.0.1, localhost), the node's client certificate, a stranger's."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _issue("Hub simulator CA", ca_key, _name("Hub simulator CA"), ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = _issue("hub.localhost", server_key, ca_cert.subject, ca_key, server=True)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = _issue(node_country, client_key, ca_cert.subject, ca_key)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _issue("Someone else's CA", other_key, _name("Someone else's CA"), other_key, ca=True)
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    stranger_cert = _issue(node_country, stranger_key, other_ca.subject, other_key)
    ca_path, _ = _write(folder, "ca", ca_cert)
    server = _write(folder, "server", server_cert, server_key)
    client = _write(folder, "node", client_cert, client_key)
    stranger = _write(folder, "stranger", stranger_cert, stranger_key)
    return HubPki(folder, ca_path, server[0], server[1], client[0], client[1],  # type: ignore[arg-type]
                  stranger[0], stranger[1])  # type: ignore[arg-type]


# --- the hub's state ----------------------------------------------------------------------------


@dataclass
class SimEnvelope:
    number: str
    sender: str
    to: str
    certificate_type: int
    certificate_status: int
    certificate_no: str
    content: str
    tracking: str = "PendingDelivery"
    message: str | None = None
    received_at: float = field(default_factory=time.monotonic)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()


class HubFaultAnswer(Exception):
    pass


class HubState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.envelopes: dict[str, SimEnvelope] = {}
        self.importers: dict[str, str] = {}  # country -> accept | warn | reject (default accept)
        self.inactive: set[str] = set()  # countries the hub does not deliver to
        self.calls: list[tuple[str, str]] = []  # (operation, node)
        self.down = 0
        self.fault_count = 0
        self.fault_message = "The hub is under maintenance"
        self.delay = 0.0

    def calls_of(self, operation: str) -> int:
        with self.lock:
            return sum(1 for op, _node in self.calls if op == operation)

    def sent_by(self, node: str) -> list[SimEnvelope]:
        with self.lock:
            return [e for e in self.envelopes.values() if e.sender == node]

    def offer(self, content: str | bytes, *, sender: str = "KR", to: str = "CN", certificate_type: int = 851,
              certificate_status: int = 70, certificate_no: str = "") -> str:
        """An envelope from `sender` for `to`, waiting to be pulled; its delivery number."""
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        number = str(uuid.uuid4())
        with self.lock:
            self.envelopes[number] = SimEnvelope(number, sender, to, certificate_type, certificate_status,
                                                 certificate_no or number[:12], text)
        return number

    def settle(self, envelope: SimEnvelope) -> None:
        """The importing country takes the envelope (as it would pull it): its answer shows in the tracking."""
        if envelope.tracking != "PendingDelivery":
            return
        behaviour = self.importers.get(envelope.to, "accept")
        if behaviour == "warn":
            envelope.tracking, envelope.message = "DeliveredWithWarnings", "Consignee address incomplete"
        elif behaviour == "reject":
            envelope.tracking, envelope.message = "FailedDelivery", "Certificate type not accepted by the NPPO"
        elif behaviour == "accept":
            envelope.tracking = "Delivered"


# --- SOAP ---------------------------------------------------------------------------------------


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _text(parent, tag: str) -> str:
    for child in parent:
        if etree.QName(child).localname == tag:
            return child.text or ""
    return ""


def _child(parent, tag: str):
    for child in parent:
        if etree.QName(child).localname == tag:
            return child
    return None


def _header_into(parent, e: SimEnvelope, *, content: bool = False) -> None:
    values = [("From", e.sender), ("To", e.to), ("CertificateType", str(e.certificate_type)),
              ("CertificateStatus", str(e.certificate_status)), ("NPPOCertificateNumber", e.certificate_no),
              ("hubDeliveryNumber", e.number), ("HUBTrackingInfo", e.tracking)]
    if e.message:
        values.append(("hubDeliveryErrorMessage", e.message))
    for tag, value in values:
        etree.SubElement(parent, _q(ENT, tag)).text = value
    if content:
        etree.SubElement(parent, _q(ENT, "Content")).text = e.content


def _answer(operation: str):
    root = etree.Element(_q(SOAP, "Envelope"), nsmap={"s": SOAP, "tns": TNS, "ent": ENT})
    body = etree.SubElement(root, _q(SOAP, "Body"))
    return root, etree.SubElement(body, _q(TNS, f"{operation}Response"))


def _fault(message: str) -> bytes:
    root = etree.Element(_q(SOAP, "Envelope"), nsmap={"s": SOAP, "tns": TNS})
    fault = etree.SubElement(etree.SubElement(root, _q(SOAP, "Body")), _q(SOAP, "Fault"))
    etree.SubElement(fault, "faultcode").text = "s:Server"
    etree.SubElement(fault, "faultstring").text = message
    detail = etree.SubElement(etree.SubElement(fault, "detail"), _q(TNS, "HubWebException"))
    etree.SubElement(detail, _q(TNS, "message")).text = message
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _is_sps(content: str) -> bool:
    try:
        root = etree.fromstring(content.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                         huge_tree=True))
    except etree.XMLSyntaxError:
        return False
    return root.tag == _q(SPS, "SPSCertificate")


def handle(state: HubState, node: str, operation: str, request) -> bytes:
    """Answer one operation of `node` (its client certificate's country); HubFaultAnswer for a fault."""
    root, result = _answer(operation)
    with state.lock:
        state.calls.append((operation, node))
        if operation == "DeliverEnvelope":
            env = _child(request, "env")
            if env is None:
                raise HubFaultAnswer("DeliverEnvelope without env")
            if _text(env, "From") != node:
                raise HubFaultAnswer(f"From {_text(env, 'From')!r} is not the country of the calling node ({node})")
            to = _text(env, "To")
            if len(to) != 2 or to in state.inactive:
                raise HubFaultAnswer(f"Destination {to!r} is not an active NPPO on the hub")
            content = _text(env, "Content")
            if not _is_sps(content):
                raise HubFaultAnswer("Content is not an SPS certificate")
            proposed = _text(env, "hubDeliveryNumber")
            known = state.envelopes.get(proposed) if proposed else None
            if known is not None and known.sender == node:  # the same envelope again: the same answer
                envelope = known
            else:
                number = proposed if proposed and proposed not in state.envelopes else str(uuid.uuid4())
                envelope = SimEnvelope(number, node, to, int(_text(env, "CertificateType") or 0),
                                       int(_text(env, "CertificateStatus") or 0), _text(env, "NPPOCertificateNumber"),
                                       content)
                state.envelopes[number] = envelope
            _header_into(etree.SubElement(result, _q(TNS, "DeliverEnvelopeResult")), envelope)
        elif operation == "GetEnvelopeTrackingInfo":
            number = _text(request, "hubTrackingNumber")
            envelope = state.envelopes.get(number)
            target = etree.SubElement(result, _q(TNS, "GetEnvelopeTrackingInfoResult"))
            if envelope is None or envelope.sender != node:
                envelope = SimEnvelope(number, node, "", 0, 0, "", "", tracking="EnvelopeNotExists")
            else:
                state.settle(envelope)
            _header_into(target, envelope)
        elif operation == "GetUnderDeliveryEnvelope":
            target = etree.SubElement(result, _q(TNS, "GetUnderDeliveryEnvelopeResult"))
            for envelope in state.envelopes.values():
                if envelope.sender == node and envelope.tracking == "PendingDelivery":
                    _header_into(etree.SubElement(target, _q(ENT, "EnvelopeHeader")), envelope)
        elif operation == "GetImportEnvelopeHeaders":
            country = _text(request, "countryCode") or node
            if country != node:
                raise HubFaultAnswer(f"node {node} may not read the envelopes of {country}")
            target = etree.SubElement(result, _q(TNS, "GetImportEnvelopeHeadersResult"))
            for envelope in state.envelopes.values():
                if envelope.to == node and envelope.tracking == "PendingDelivery":
                    _header_into(etree.SubElement(target, _q(ENT, "EnvelopeHeader")), envelope)
        elif operation == "PULLSingleImportEnvelope":
            envelope = state.envelopes.get(_text(request, "hubTrackingNumber"))
            if envelope is None or envelope.to != node:
                raise HubFaultAnswer("Envelope not found")
            _header_into(etree.SubElement(result, _q(TNS, "PULLSingleImportEnvelopeResult")), envelope, content=True)
        elif operation in ("AcknowledgeEnvelopeReceipt", "AdvancedAcknowledgeEnvelopeReceipt",
                           "AcknowledgeFailedEnvelopeReceipt"):
            envelope = state.envelopes.get(_text(request, "hubTrackingNumber"))
            if envelope is None or envelope.to != node:
                raise HubFaultAnswer("Envelope not found")
            if operation == "AcknowledgeEnvelopeReceipt":
                envelope.tracking, envelope.message = "Delivered", None
            elif operation == "AdvancedAcknowledgeEnvelopeReceipt":
                envelope.tracking, envelope.message = "DeliveredWithWarnings", _text(request, "warningMessage")
            else:
                envelope.tracking, envelope.message = "FailedDelivery", _text(request, "message")
            if operation != "AcknowledgeEnvelopeReceipt":
                etree.SubElement(result, _q(TNS, "return")).text = "OK"
        else:
            raise HubFaultAnswer(f"operation {operation} is not offered by this simulator")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: "HubSimulator"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 - http.server's name
        state = self.server.state
        with state.lock:
            if state.down > 0:
                state.down -= 1
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            faulting = state.fault_count > 0
            if faulting:
                state.fault_count -= 1
            delay = state.delay
        if delay:
            time.sleep(delay)
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            self._send(400, _fault("a SOAP request with a body is expected"))
            return
        raw = self.rfile.read(length)
        if faulting:
            self._send(500, _fault(state.fault_message))
            return
        peer = self.connection.getpeercert() or {}
        node = next((value for rdn in peer.get("subject", ()) for key, value in rdn if key == "commonName"), "")
        try:
            envelope = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
            body = envelope.find(_q(SOAP, "Body"))
            request = body[0] if body is not None and len(body) else None
            if request is None:
                raise HubFaultAnswer("empty SOAP body")
            self._send(200, handle(state, node, etree.QName(request).localname, request))
        except etree.XMLSyntaxError:
            self._send(400, _fault("the request is not well-formed XML"))
        except HubFaultAnswer as exc:
            self._send(500, _fault(str(exc)))


class HubSimulator(ThreadingHTTPServer):
    """The simulator, serving in a thread from `start()` until `stop()`; `url` is its endpoint."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, pki: HubPki, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.pki = pki
        self.state = HubState()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(pki.server_cert, pki.server_key)
        context.load_verify_locations(pki.ca)
        context.verify_mode = ssl.CERT_REQUIRED  # no client certificate of the hub's CA, no service
        self.context = context
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}/hub/DeliveryService"

    def get_request(self):
        sock, address = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers and body leave at once
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request, client_address):  # a refused handshake or a closed connection: quiet
        pass

    def start(self) -> "HubSimulator":
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    # what the tests steer
    def outage(self, requests: int) -> None:
        with self.state.lock:
            self.state.down = requests

    def faults(self, requests: int, message: str = "The hub is under maintenance") -> None:
        with self.state.lock:
            self.state.fault_count, self.state.fault_message = requests, message

    def offer(self, content: str | bytes, **header) -> str:
        return self.state.offer(content, **header)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve an ePhyto Hub simulator on loopback (TLS, client certificates)")
    parser.add_argument("--dir", type=Path, required=True, help="folder for the certificates it makes")
    parser.add_argument("--port", type=int, default=8443)
    args = parser.parse_args()
    pki = make_pki(args.dir)
    hub = HubSimulator(pki, args.port)
    print(f"CERTDASH_HUB_URL={hub.url}\nCERTDASH_HUB_CERT={pki.client_cert}\nCERTDASH_HUB_KEY={pki.client_key}\n"
          f"CERTDASH_HUB_CA={pki.ca}", flush=True)
    try:
        hub.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
