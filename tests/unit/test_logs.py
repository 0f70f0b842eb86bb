"""Structured logs: one JSON object per line, the request id in every record, the settings checked."""
from __future__ import annotations

import io
import json
import logging

import pytest

from dashboard.core.errors import ConfigError
from dashboard.core.logs import (
    REQUEST_ID,
    LogHandler,
    accepted_request_id,
    configure_logging,
    gunicorn_log_config,
    log_settings,
    request_context,
)


@pytest.fixture
def lines():
    """A logger writing through the app's handler into a buffer; returns the parsed lines."""
    stream = io.StringIO()
    logger = logging.getLogger("certdash.test.logs")
    handler = LogHandler(stream, "json")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    def parsed() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    parsed.logger = logger
    yield parsed
    logger.removeHandler(handler)


def test_a_record_is_one_line_of_json_with_its_fields(lines):
    lines.logger.info("saved %s lines", 3, extra={"user": 7, "path": "/declarations", "nothing": None})
    [entry] = lines()
    assert entry["message"] == "saved 3 lines" and entry["level"] == "info"
    assert entry["logger"] == "certdash.test.logs" and entry["user"] == 7 and entry["path"] == "/declarations"
    assert entry["ts"].endswith("+00:00") and "T" in entry["ts"]
    assert "nothing" not in entry and "request_id" not in entry  # no request, no id; empty fields left out
    assert isinstance(entry["pid"], int)


def test_chinese_text_is_kept_readable_and_a_traceback_stays_on_one_line(lines):
    try:
        raise ValueError("第二行\n出错")
    except ValueError:
        lines.logger.exception("导出失败")
    [entry] = lines()  # one line: the newlines of the message and the traceback are escaped
    assert entry["message"] == "导出失败" and entry["exc_type"] == "ValueError"
    assert "Traceback" in entry["exc"] and "第二行\n出错" in entry["exc"]


def test_every_record_in_a_request_carries_its_id(lines):
    with request_context("req-0001-abcd"):
        lines.logger.info("inside")
        with request_context("job-0002-abcd", job="ledger.export"):
            lines.logger.info("in a job")
        lines.logger.warning("inside again")
    lines.logger.info("outside")
    entries = lines()
    assert [e.get("request_id") for e in entries] == ["req-0001-abcd", "job-0002-abcd", "req-0001-abcd", None]
    assert entries[1]["job"] == "ledger.export" and "job" not in entries[0]
    assert REQUEST_ID.get() is None


@pytest.mark.parametrize("value, kept", [
    ("0f8e2c1d-4b7a-4c3e-9d2f-1a2b3c4d5e6f", True),
    ("req-0001.edge:7", True),
    ("short", False),  # fewer than 8 characters
    ("x" * 65, False),
    ("a b c d e f g h", False),
    ("abc\r\nSet-Cookie: x=1", False),  # no header injection through the echo
    ("<script>alert(1)</script>", False),
    ("", False),
    (None, False),
])
def test_a_clients_request_id_is_taken_only_when_it_is_a_safe_token(value, kept):
    assert accepted_request_id(value) == (value if kept else None)


def test_the_format_and_level_come_from_the_environment():
    assert log_settings({}) == ("json", logging.INFO)
    assert log_settings({"CERTDASH_LOG_FORMAT": "TEXT", "CERTDASH_LOG_LEVEL": "debug"}) == ("text", logging.DEBUG)
    with pytest.raises(ConfigError, match="CERTDASH_LOG_FORMAT"):
        log_settings({"CERTDASH_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="CERTDASH_LOG_LEVEL"):
        log_settings({"CERTDASH_LOG_LEVEL": "LOUD"})


def test_configuring_twice_keeps_one_handler_and_quiets_the_development_servers_access_lines():
    root = logging.getLogger()
    before = list(root.handlers), root.level, logging.getLogger("werkzeug").level
    try:
        first = configure_logging({}, io.StringIO())
        stream = io.StringIO()
        second = configure_logging({"CERTDASH_LOG_FORMAT": "text"}, stream)
        ours = [h for h in root.handlers if isinstance(h, LogHandler)]
        assert ours == [second] and first not in root.handlers
        assert logging.getLogger("werkzeug").getEffectiveLevel() == logging.WARNING
        with request_context("req-text-0001"):
            logging.getLogger("certdash.test.text").warning("plain")
        assert "WARNING certdash.test.text [req-text-0001] plain" in stream.getvalue()
    finally:
        for handler in [h for h in root.handlers if isinstance(h, LogHandler)]:
            root.removeHandler(handler)
        root.handlers[:] = before[0]
        root.setLevel(before[1])
        logging.getLogger("werkzeug").setLevel(before[2])


def test_gunicorn_logs_through_the_same_handler_and_leaves_the_access_lines_to_the_app():
    config = gunicorn_log_config({"CERTDASH_LOG_LEVEL": "WARNING"})
    assert config["root"] == {"handlers": ["certdash"], "level": "WARNING"}
    assert config["handlers"]["certdash"]["()"] is LogHandler
    assert config["loggers"]["gunicorn.access"]["propagate"] is False
    assert config["loggers"]["gunicorn.error"] == {"handlers": [], "level": "INFO", "propagate": True}
