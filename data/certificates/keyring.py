"""The signing keys of a deployment: production PKCS#12 files per district, or a generated demo CA.

- production: `<district_code>.p12` in CERTDASH_SIGNING_P12_DIR (password CERTDASH_SIGNING_P12_PASSWORD);
  a district without its own file signs with the key of the nearest district above it. An unreadable
  file is a ConfigError.
- demo (no folder configured): a small CA generated on first need into `<instance>/signing/`, one
  RSA 2048 certificate per issuing district, keys written mode 0600 and reused; a lock file keeps
  two processes from creating them at once.

Loaded signers are kept per process (key material only, never user data).
"""
from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from dashboard.core.errors import ConfigError
from exports.certificate.signing import DistrictSigner, SigningDistrict, asn1_cert, district_signer, self_signed

DEMO_ROOT_NAME = "certdash Demo Root CA"
DEMO_FOLDER = "signing"
ROOT_FILES = ("root-ca.pem", "root-ca.key")
ROOT_YEARS = 20
DISTRICT_YEARS = 5
RENEW_BEFORE = timedelta(days=30)  # a demo district certificate this close to its end is made anew


class Keyring:
    """The signing identities of one deployment, loaded on first use and kept for the process."""

    def __init__(self, *, demo_folder: Path | None = None, p12_dir: Path | None = None,
                 p12_password: str | None = None):
        if (demo_folder is None) == (p12_dir is None):
            raise ValueError("give exactly one of demo_folder and p12_dir")
        self.demo_folder = demo_folder
        self.p12_dir = p12_dir
        self._password = p12_password.encode() if p12_password else None
        self._signers: dict[str, DistrictSigner] = {}
        self._roots: list[x509.Certificate] | None = None
        self._lock = threading.Lock()

    @property
    def is_demo(self) -> bool:
        return self.demo_folder is not None

    def signer_for(self, district: SigningDistrict) -> DistrictSigner:
        """Return (loading or creating once) the signing identity of the issuing district."""
        with self._lock:
            found = self._signers.get(district.code)
            if found is None:
                found = self._demo_signer(district) if self.is_demo else self._p12_signer(district)
                self._signers[district.code] = found
            return found

    def sign_pdf(self, pdf: bytes, district: SigningDistrict, *, reason: str, location: str,
                 signer_name: str) -> bytes:
        """Return the PDF with a PAdES signature of the district's key appended (one incremental update)."""
        return self.signer_for(district).sign(pdf, reason=reason, location=location, signer_name=signer_name)

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        """The root certificates a verifier should trust for this deployment's signatures."""
        with self._lock:
            if self._roots is None:
                self._roots = [self._demo_root()[1]] if self.is_demo else self._p12_roots()
            return [asn1_cert(c) for c in self._roots]

    # demo: a CA of our own in the instance folder

    def _folder(self) -> Path:
        if self.demo_folder is None:
            raise ValueError("a keyring of PKCS#12 files has no demo folder")
        return self.demo_folder

    def _p12_folder(self) -> Path:
        if self.p12_dir is None:
            raise ValueError("a demo keyring has no PKCS#12 folder")
        return self.p12_dir

    def _demo_root(self) -> tuple[Any, x509.Certificate]:
        folder = self._folder()
        with _folder_lock(folder):
            cert_path, key_path = folder / ROOT_FILES[0], folder / ROOT_FILES[1]
            if cert_path.exists() and key_path.exists():
                return _read_key(key_path), _read_cert(cert_path)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                              x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certdash Demo"),
                              x509.NameAttribute(NameOID.COMMON_NAME, DEMO_ROOT_NAME)])
            now = datetime.now(timezone.utc)
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(x509.random_serial_number())
                    .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365 * ROOT_YEARS))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                    .add_extension(_key_usage(ca=True), critical=True)
                    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                    .sign(key, hashes.SHA256()))
            _write_key(key_path, key)
            _write_cert(cert_path, cert)
            return key, cert

    def _demo_signer(self, district: SigningDistrict) -> DistrictSigner:
        root_key, root = self._demo_root()
        folder = self._folder()
        code = district.code
        with _folder_lock(folder):
            cert_path, key_path = folder / f"district-{code}.pem", folder / f"district-{code}.key"
            if cert_path.exists() and key_path.exists():
                cert = _read_cert(cert_path)
                if (cert.issuer == root.subject
                        and cert.not_valid_after_utc - RENEW_BEFORE > datetime.now(timezone.utc)):
                    return district_signer(code, _read_key(key_path), cert, [root])
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            now = datetime.now(timezone.utc)
            subject = x509.Name([
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certdash Demo"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, district.name_zh or code),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{district.name_en or district.name_zh} ({code})"[:64]),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, code),
            ])
            cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(root.subject)
                    .public_key(key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now - timedelta(days=1))
                    .not_valid_after(min(now + timedelta(days=365 * DISTRICT_YEARS), root.not_valid_after_utc))
                    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                    .add_extension(_key_usage(ca=False), critical=True)
                    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                                   critical=False)
                    .sign(root_key, hashes.SHA256()))
            _write_key(key_path, key)
            _write_cert(cert_path, cert)
            return district_signer(code, key, cert, [root])

    # production: PKCS#12 files named by district code

    def _p12_signer(self, district: SigningDistrict) -> DistrictSigner:
        for code in district.lineage:
            path = self._p12_folder() / f"{code}.p12"
            if path.exists():
                key, cert, chain = self._read_p12(path)
                return district_signer(code, key, cert, chain)
        raise ConfigError(f"no signing key for district {district.code} (nor for "
                          f"{', '.join(district.parents) or 'a parent district'}): expected "
                          f"{self._p12_folder() / (district.code + '.p12')} (CERTDASH_SIGNING_P12_DIR)")

    def _read_p12(self, path: Path):
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), self._password)
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(f"cannot read the signing key {path}: wrong CERTDASH_SIGNING_P12_PASSWORD or a "
                              f"damaged file ({exc.__class__.__name__})") from None
        if key is None or cert is None:
            raise ConfigError(f"the signing key file {path} holds no private key and certificate")
        if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            raise ConfigError(f"the signing key in {path} is neither RSA nor EC")
        return key, cert, list(chain or [])

    def _p12_roots(self) -> list[x509.Certificate]:
        roots: dict[bytes, x509.Certificate] = {}
        for path in sorted(self._p12_folder().glob("*.p12")):
            _key, cert, chain = self._read_p12(path)
            for c in (cert, *chain):
                if self_signed(c):
                    roots[c.fingerprint(hashes.SHA256())] = c
        return list(roots.values())


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the key folder: two processes never create the same key twice."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(folder / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)


def _write_key(path: Path, key) -> None:
    _write_atomically(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()), 0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    _write_atomically(path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _read_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _read_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


# --- one keyring per deployment and process --------------------------------------------------------

_KEYRINGS: dict[tuple, Keyring] = {}  # loaded key material only; forked job processes inherit it
_KEYRINGS_LOCK = threading.Lock()


def keyring_for(settings) -> Keyring:
    """Return the process's keyring for these settings (PKCS#12 folder if configured, else the demo CA)."""
    p12_dir = getattr(settings, "signing_p12_dir", None)
    password = getattr(settings, "signing_p12_password", None)
    key: tuple[str, str, str | None]
    if p12_dir is not None:
        key = ("p12", str(p12_dir), password)
    else:
        key = ("demo", str(Path(settings.instance_path) / DEMO_FOLDER), None)
    with _KEYRINGS_LOCK:
        ring = _KEYRINGS.get(key)
        if ring is None:
            ring = (Keyring(p12_dir=Path(key[1]), p12_password=key[2]) if key[0] == "p12"
                    else Keyring(demo_folder=Path(key[1])))
            _KEYRINGS[key] = ring
        return ring
