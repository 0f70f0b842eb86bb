"""Typed settings read from the environment, with an instance folder for the embedded default."""
from __future__ import annotations

import base64
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dashboard.core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
SUPPORTED_LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 20.0


@dataclass(frozen=True)
class HubConnection:
    """Where the ePhyto Hub is and how the node proves who it is (CERTDASH_HUB_*)."""

    url: str
    client_cert: Path
    client_key: Path
    ca: Path
    interval: float = 60.0  # seconds between two rounds of the background worker
    timeout: float = 30.0  # seconds for the connection and for each answer


HUB_FILES = (("CERTDASH_HUB_CERT", "the node's client certificate"), ("CERTDASH_HUB_KEY", "its private key"),
             ("CERTDASH_HUB_CA", "the CA of the hub's certificate"))


def hub_connection(env: dict[str, str]) -> HubConnection | None:
    """The hub settings, all or none: an https address and three readable PEM files; ConfigError otherwise."""
    url = (env.get("CERTDASH_HUB_URL") or "").strip()
    given = [name for name, _ in HUB_FILES if env.get(name)]
    if not url:
        if given:
            raise ConfigError(f"{', '.join(given)} set without CERTDASH_HUB_URL")
        return None
    if not url.lower().startswith("https://"):
        raise ConfigError(f"CERTDASH_HUB_URL={url!r}: the hub is reached over TLS only (https://)")
    paths = []
    for name, what in HUB_FILES:
        value = env.get(name)
        if not value:
            raise ConfigError(f"CERTDASH_HUB_URL is set but {name} ({what}) is not")
        path = Path(value).resolve()
        if not path.is_file() or not os.access(path, os.R_OK):
            raise ConfigError(f"{name}={value!r} ({what}) is not a readable file")
        paths.append(path)
    numbers = []
    for name, default in (("CERTDASH_HUB_INTERVAL", "60"), ("CERTDASH_HUB_TIMEOUT", "30")):
        try:
            number = float(env.get(name) or default)
        except ValueError:
            raise ConfigError(f"{name}={env[name]!r} is not a number of seconds") from None
        if not 0.1 <= number <= 86400:
            raise ConfigError(f"{name}={env[name]!r} is not between 0.1 and 86400 seconds")
        numbers.append(number)
    return HubConnection(url, paths[0], paths[1], paths[2], numbers[0], numbers[1])


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    instance_path: Path
    default_language: str = DEFAULT_LANGUAGE
    session_cookie_secure: bool = False
    sql_echo: bool = False
    smtp: SmtpSettings | None = None  # None: mail goes to the outbox folder in the instance
    mail_from: str = "certdash <no-reply@certdash.local>"
    public_url: str = "http://127.0.0.1:8050"  # base of links in QR codes and e-mails
    public_url_set: bool = False  # CERTDASH_PUBLIC_URL was given (gunicorn refuses to start without it)
    card_agent_url: str = "http://127.0.0.1:47800"  # the IC-card agent on the operator's PC
    data_key: str = ""  # Fernet key for secrets kept in the store (communication-account passwords)
    celery_broker_url: str | None = None  # background jobs on Celery workers; None: diskcache in the instance
    celery_result_url: str | None = None  # Celery result backend; None: the broker
    signing_p12_dir: Path | None = None  # <district_code>.p12 signing keys; None: the demo CA in the instance
    signing_p12_password: str | None = None
    sps_schema_dir: Path | None = None  # a newer SPS schema set laid out as exports/certificate/sps_xsd; None: shipped
    session_cache: bool = False  # keep signed-in sessions in each worker's memory (PostgreSQL only)
    hub: HubConnection | None = None  # the ePhyto Hub node's connection; None: certificates stay in the outbox
    generated: frozenset[str] = frozenset()  # instance files this process created (keys nobody has used yet)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        """Build settings from environment variables, creating the demo secret if none is set."""
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("CERTDASH_INSTANCE", DEFAULT_INSTANCE)).resolve()
        url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'certdash.sqlite3'}"
        validate_database_url(url)
        existed = {name for name in ("secret_key", "data_key") if (instance / name).exists()}
        secret = env.get("SECRET_KEY") or instance_secret(instance)
        data_key = env.get("CERTDASH_DATA_KEY") or instance_secret(instance, "data_key", _fernet_key)
        language = env.get("CERTDASH_LANGUAGE", DEFAULT_LANGUAGE)
        if language not in SUPPORTED_LANGUAGES:
            raise ConfigError(
                f"CERTDASH_LANGUAGE={language!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}"
            )
        smtp = None
        if env.get("SMTP_HOST"):
            try:
                port = int(env.get("SMTP_PORT", "25"))
            except ValueError:
                raise ConfigError(f"SMTP_PORT={env['SMTP_PORT']!r} is not a port number") from None
            smtp = SmtpSettings(env["SMTP_HOST"], port, env.get("SMTP_USER") or None,
                                env.get("SMTP_PASSWORD") or None, _flag(env.get("SMTP_STARTTLS", "0")))
        return cls(
            database_url=url,
            secret_key=secret,
            instance_path=instance,
            default_language=language,
            # cookies are Secure whenever the site is served over https, unless said otherwise
            session_cookie_secure=_flag(env.get("SESSION_COOKIE_SECURE",
                                                "1" if env.get("CERTDASH_PUBLIC_URL", "").startswith("https://")
                                                else "0")),
            sql_echo=_flag(env.get("SQL_ECHO", "0")),
            smtp=smtp,
            mail_from=env.get("MAIL_FROM", cls.mail_from),
            public_url=(env.get("CERTDASH_PUBLIC_URL") or served_url(env)).rstrip("/"),
            public_url_set=bool(env.get("CERTDASH_PUBLIC_URL")),
            card_agent_url=env.get("CERTDASH_CARD_AGENT_URL", cls.card_agent_url).rstrip("/"),
            data_key=data_key,
            celery_broker_url=env.get("CELERY_BROKER_URL") or None,
            celery_result_url=env.get("CELERY_RESULT_BACKEND") or None,
            signing_p12_dir=_signing_folder(env.get("CERTDASH_SIGNING_P12_DIR")),
            signing_p12_password=env.get("CERTDASH_SIGNING_P12_PASSWORD") or None,
            session_cache=_flag(env.get("CERTDASH_SESSION_CACHE", "1")),
            sps_schema_dir=_schema_folder(env.get("CERTDASH_SPS_SCHEMA_DIR")),
            hub=hub_connection(env),
            generated=frozenset(name for name in ("secret_key", "data_key")
                                if name not in existed and (instance / name).exists()),
        )


def _signing_folder(value: str | None) -> Path | None:
    """The folder of the districts' PKCS#12 signing keys, which must be readable when it is named."""
    if not value:
        return None
    folder = Path(value).resolve()
    if not folder.is_dir() or not os.access(folder, os.R_OK | os.X_OK):
        raise ConfigError(f"CERTDASH_SIGNING_P12_DIR={value!r} is not a readable folder")
    return folder


def served_url(env: dict[str, str]) -> str:
    """Where `python app.py` serves (CERTDASH_HOST, CERTDASH_PORT), as a base for links when no public
    address is given: a development server's links then lead to it, wherever it listens."""
    host = env.get("CERTDASH_HOST", "127.0.0.1").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # every interface: name the machine, not an address nobody can open
        host = socket.getfqdn()
    port = env.get("CERTDASH_PORT", "8050").strip() or "8050"
    return f"http://{host}:{port}"


def _schema_folder(value: str | None) -> Path | None:
    """A folder holding an SPS schema set (data/standard/SPSCertificate_17p0.xsd), when one is named."""
    if not value:
        return None
    folder = Path(value).resolve()
    if not (folder / "data" / "standard" / "SPSCertificate_17p0.xsd").is_file():
        raise ConfigError(f"CERTDASH_SPS_SCHEMA_DIR={value!r} holds no data/standard/SPSCertificate_17p0.xsd")
    return folder


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def validate_database_url(url: str) -> None:
    """Reject a DATABASE_URL that is not SQLite or PostgreSQL, in one line."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a valid database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL uses {backend!r}; certdash supports sqlite and postgresql (postgresql+psycopg://...)"
        )
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise ConfigError("DATABASE_URL for PostgreSQL must use the psycopg driver: postgresql+psycopg://...")


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def instance_secret(instance: Path, name: str = "secret_key", make=lambda: secrets.token_urlsafe(48)) -> str:
    """Return a secret generated into the instance folder, creating it (mode 0600) on first use."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
