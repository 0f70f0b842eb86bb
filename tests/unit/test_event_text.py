"""Receipts and history lines say what happened in the page's language, never as an internal code."""
from __future__ import annotations

import re
from pathlib import Path

from dashboard.core.i18n import translator
from layouts.events import EVENT_LABELS, event_text

ROOT = Path(__file__).resolve().parents[2]


def test_a_receipt_is_the_stored_message_in_chinese_and_its_name_in_english():
    zh, en = translator("zh"), translator("en")
    assert event_text(zh, "app.returned", "证书申请被退回：品名不符", "品名不符") == "证书申请被退回：品名不符"
    assert event_text(en, "app.returned", "证书申请被退回：品名不符", "品名不符") == "Application returned: 品名不符"
    assert event_text(en, "decl.sent", "报检单已发送，报检号 209…") == "Declaration sent; waiting for customs"
    assert event_text(en, "something.new", "新的事件") == "新的事件"  # unknown: the message as stored
    sent = event_text(en, "decl.sent", "报检单已发送，报检号 209260000000001", None,
                      {"inspection_no": "209260000000001", "status": "sent"})
    assert sent == "Declaration sent; waiting for customs, inspection no. 209260000000001"  # its numbers kept


def test_every_receipt_code_the_code_writes_has_a_name():
    """Each app./cert./decl./hub./inbound. event written by the data layer is named for the pages."""
    written = set()
    for path in (ROOT / "data").rglob("*.py"):
        written |= set(re.findall(r'"((?:app|cert|decl|hub|inbound)\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    audit_only = {"cert.verify_ok", "cert.verify_failed", "cert.verify_limited", "cert.verify_upload",
                  "app.deleted", "hub.inbound_refused", "cert.sign_confirmed",
                  "cert.sign_refused"}  # the audit log's, not a receipt or a history line
    assert not written - audit_only - set(EVENT_LABELS), sorted(written - audit_only - set(EVENT_LABELS))
