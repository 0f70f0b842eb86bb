"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

The request id comes from the client's `X-Request-Id` when it is a short safe token (a proxy in
front of the app sets one) and is made up otherwise (dashboard.web.request_log). It lives in a
context variable, so every record logged while the request runs, in any module, carries it. A
background job runs in another process (a fork of the web worker, or a Celery worker): its ticket
carries the id of the request that asked for it, and dashboard.jobs sets it again there, so a job's
lines are found with the click that started it.

`configure_logging` is called by the entry points (app.py, the gunicorn settings, the Celery
worker), never by `create_app`: a test or a host application keeps its own logging.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Iterator

from dashboard.core.errors import ConfigError

REQUEST_ID: ContextVar[str | None] = ContextVar("certdash_request_id", default=None)
JOB: ContextVar[str | None] = ContextVar("certdash_job", default=None)
LOG_FORMATS = ("json", "text")
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# the attributes every LogRecord has; anything else was passed with `extra=` and is written as a field
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def new_request_id() -> str:
    return os.urandom(16).hex()  # 32 hex digits, as a uuid4 in hex, without building one


def accepted_request_id(value: str | None) -> str | None:
    """The client's request id when it is safe to log and to send back as a header, else None."""
    if value and REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return None


@contextmanager
def request_context(request_id: str | None, job: str | None = None) -> Iterator[None]:
    """Mark every record logged inside the block with the request id (and the job's purpose)."""
    rid_token = REQUEST_ID.set(request_id)
    job_token = JOB.set(job)
    try:
        yield
    finally:
        JOB.reset(job_token)
        REQUEST_ID.reset(rid_token)


class RequestContext(logging.Filter):
    """Copy the request id and the job into each record (a filter on the handler, so that records
    of third-party loggers get them too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        if getattr(record, "job", None) is None:
            record.job = JOB.get()
        return True


class JsonLines(logging.Formatter):
    """A record as one line of JSON: time (UTC, ms), level, logger, message, request id, the
    fields given with `extra=`, and the traceback as a string field when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = vars(record)
        for key in sorted(fields.keys() - _STANDARD):  # what was given with `extra=`, in a stable order
            value = fields[key]
            if value is not None and not key.startswith("_"):
                entry[key] = value
        entry["pid"] = record.process
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainText(logging.Formatter):
    """For a person at a terminal: time, level, logger, request id, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(rid)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.rid = getattr(record, "request_id", None) or "-"
        return super().format(record)


def log_settings(env: dict[str, str] | None = None) -> tuple[str, int]:
    """The log format and level the environment asks for (CERTDASH_LOG_FORMAT, CERTDASH_LOG_LEVEL)."""
    env = dict(os.environ if env is None else env)
    fmt = env.get("CERTDASH_LOG_FORMAT", "json").strip().lower()
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"CERTDASH_LOG_FORMAT={fmt!r} is not one of {', '.join(LOG_FORMATS)}")
    name = env.get("CERTDASH_LOG_LEVEL", "INFO").strip().upper()
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        raise ConfigError(f"CERTDASH_LOG_LEVEL={name!r} is not a logging level (DEBUG, INFO, WARNING, ERROR)")
    return fmt, level


class LogHandler(logging.StreamHandler):
    """The app's one handler on the root logger (standard error unless told otherwise)."""

    def __init__(self, stream: Any = None, fmt: str = "json") -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self.setFormatter(JsonLines() if fmt == "json" else PlainText())
        self.addFilter(RequestContext())


def gunicorn_log_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its own messages through the app's handler; its access log
    silenced, since the app writes one record per request with the request id and the user."""
    fmt, level = log_settings(env)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"certdash": {"()": LogHandler, "fmt": fmt}},
        "loggers": {
            "gunicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
        "root": {"handlers": ["certdash"], "level": logging.getLevelName(level)},
    }


def configure_logging(env: dict[str, str] | None = None, stream: Any = None) -> logging.Handler:
    """Send every log record to standard error in the chosen format, once per process.

    The development server's own access lines are dropped (the app writes one per request, with
    its id), and so are alembic's notes on every store check; a second call replaces the handler instead of adding another."""
    fmt, level = log_settings(env)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, LogHandler)]:
        root.removeHandler(old)
    handler = LogHandler(stream, fmt)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # "Context impl ..." on every store check
    return handler
