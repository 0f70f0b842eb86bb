"""The node's SOAP client of the ePhyto Hub's DeliveryService (zeep, from the hub's published WSDL).

The hub is reached over TLS with the node's client certificate, as the real hub requires; the
settings name the address, the certificate and key, and the CA that signed the hub's certificate.
Every call either returns the hub's answer or raises one of two errors:

- `HubUnavailable`: the answer never came (no connection, TLS refused, time-out, an HTTP error
  without a SOAP fault, an answer that is not SOAP): worth trying again later;
- `HubFault`: the hub answered with a fault (its HubWebException) and its message: a refusal.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport

WSDL = Path(__file__).with_name("ephyto_wsdl") / "ephyto.wsdl"
BINDING = "{http://ephyto.ippc.int/}DeliveryServiceSoapBinding"


class HubUnavailable(Exception):
    """The hub could not be reached or gave no usable answer."""


class HubFault(Exception):
    """The hub answered with a fault; str() is its message."""


@dataclass(frozen=True)
class HubSettings:
    url: str  # the DeliveryService endpoint, https://...
    client_cert: Path  # PEM: the node's certificate
    client_key: Path  # PEM: its private key (unencrypted, readable by the worker only)
    ca: Path  # PEM: the CA that issued the hub's TLS certificate
    timeout: float = 30.0  # seconds for the connection and for each answer


@dataclass(frozen=True)
class Header:
    """An envelope header as the hub gives it (From, To, type, status, number, and the hub's fields)."""

    from_country: str
    to_country: str
    certificate_type: int
    certificate_status: int
    certificate_no: str
    delivery_number: str | None = None
    tracking: str | None = None
    error_message: str | None = None


def _header(value: Any) -> Header:
    return Header(value.From or "", value.To or "", int(value.CertificateType or 0), int(value.CertificateStatus or 0),
                  value.NPPOCertificateNumber or "", value.hubDeliveryNumber, value.HUBTrackingInfo,
                  value.hubDeliveryErrorMessage)


def _headers(answer: Any) -> list[Header]:
    """An ArrayOfEnvelopeHeader, which zeep hands back as the list itself or as an object holding it."""
    if answer is not None and not isinstance(answer, list):
        answer = answer.EnvelopeHeader
    return [_header(h) for h in answer or () if h is not None]


_WSDL_LOCK = threading.Lock()


class HubClient:
    """One node's connection to the hub; thread-safe for sequential use by one worker."""

    def __init__(self, settings: HubSettings):
        if not settings.url.lower().startswith("https://"):
            raise ValueError("the hub is reached over TLS only: its address must start with https://")
        for path in (settings.client_cert, settings.client_key, settings.ca):
            if not Path(path).is_file():
                raise ValueError(f"hub setting names a file that does not exist: {path}")
        self.settings = settings
        session = requests.Session()
        session.cert = (str(settings.client_cert), str(settings.client_key))
        session.verify = str(settings.ca)
        # only the configured CA: requests would let REQUESTS_CA_BUNDLE in the environment replace it;
        # a proxy named in the environment (HTTPS_PROXY, NO_PROXY) is still used
        session.trust_env = False
        session.proxies.update(requests.utils.get_environ_proxies(settings.url))
        self._session = session
        transport = Transport(session=session, timeout=settings.timeout, operation_timeout=settings.timeout)
        with _WSDL_LOCK:  # zeep's WSDL loading is not safe to run twice at once
            client = zeep.Client(str(WSDL), transport=transport,
                                 settings=zeep.Settings(xml_huge_tree=True, strict=False))
        self._client = client
        self._service = client.create_service(BINDING, settings.url)

    def close(self) -> None:
        self._session.close()

    def _call(self, operation: str, **arguments: Any) -> Any:
        try:
            return getattr(self._service, operation)(**arguments)
        except zeep.exceptions.Fault as exc:
            raise HubFault(str(exc.message or "the hub refused the request")) from exc
        except requests.exceptions.RequestException as exc:
            raise HubUnavailable(f"{exc.__class__.__name__}: {exc}"[:500]) from exc
        except zeep.exceptions.TransportError as exc:
            raise HubUnavailable(f"HTTP {exc.status_code} from the hub") from exc
        except (zeep.exceptions.Error, ValueError) as exc:  # an answer zeep cannot read
            raise HubUnavailable(f"unreadable answer from the hub: {exc}"[:500]) from exc

    # --- sending ------------------------------------------------------------------------------

    def deliver(self, *, to_country: str, from_country: str, certificate_type: int, certificate_status: int,
                certificate_no: str, content: str, envelope_key: str) -> Header:
        """Hand one envelope to the hub; its header back, with the hub's delivery number.

        `envelope_key` goes in the header's hubDeliveryNumber as the number the node proposes: a hub
        that honours it (the project's simulator does) treats a resend after a crash as the same envelope.
        """
        answer = self._call("DeliverEnvelope", env={
            "From": from_country, "To": to_country, "CertificateType": certificate_type,
            "CertificateStatus": certificate_status, "NPPOCertificateNumber": certificate_no,
            "hubDeliveryNumber": envelope_key, "Content": content})
        if answer is None or not answer.hubDeliveryNumber:
            raise HubUnavailable("the hub accepted the envelope but gave no delivery number")
        return _header(answer)

    def tracking(self, delivery_number: str) -> Header:
        answer = self._call("GetEnvelopeTrackingInfo", hubTrackingNumber=delivery_number)
        if answer is None:
            raise HubUnavailable("the hub gave no tracking information")
        return _header(answer)

    def under_delivery(self) -> list[Header]:
        """The node's envelopes the hub holds and has not delivered yet."""
        return _headers(self._call("GetUnderDeliveryEnvelope"))

    # --- receiving ----------------------------------------------------------------------------

    def import_headers(self, country: str) -> list[Header]:
        """Headers of the envelopes waiting for `country` (the node's own)."""
        return _headers(self._call("GetImportEnvelopeHeaders", countryCode=country))

    def pull(self, delivery_number: str) -> tuple[Header, str]:
        """One waiting envelope: its header and its content (the SPS XML, as text)."""
        answer = self._call("PULLSingleImportEnvelope", hubTrackingNumber=delivery_number)
        if answer is None:
            raise HubFault(f"the hub has no envelope {delivery_number}")
        return _header(answer), answer.Content or ""

    def acknowledge(self, delivery_number: str) -> None:
        self._call("AcknowledgeEnvelopeReceipt", hubTrackingNumber=delivery_number)

    def acknowledge_with_warning(self, delivery_number: str, warning: str) -> None:
        self._call("AdvancedAcknowledgeEnvelopeReceipt", hubTrackingNumber=delivery_number,
                   warningMessage=warning[:4000])

    def acknowledge_failed(self, delivery_number: str, message: str) -> None:
        self._call("AcknowledgeFailedEnvelopeReceipt", hubTrackingNumber=delivery_number, message=message[:4000])
