"""The audit log says what happened in words: every event the code records has a name (issue 16 item 12)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.core.i18n import translator
from layouts.admin.audit import AUDIT_LABELS, audit_rows, details_text, event_name
from layouts.events import EVENT_LABELS

ROOT = Path(__file__).resolve().parents[2]
RECORDED = (  # how the code records an event, each with its code as a literal
    re.compile(r'record_change\(\s*s,\s*\w+,\s*"([a-z_]+\.[a-z_.]+)"'),
    re.compile(r'\bcode="([a-z_]+\.[a-z_.]+)"'),
    re.compile(r'delete_recorded\([^"]*"([a-z_]+\.[a-z_.]+)"'),
    re.compile(r'"([a-z_]+\.[a-z_.]+)" if \w+ else "[a-z_.]+"'),
    re.compile(r'if \w+ else "([a-z_]+\.[a-z_.]+)"'),
    re.compile(r'\b_log\(s, "([a-z_]+\.[a-z_.]+)"'),
)


def recorded_codes() -> set[str]:
    codes = set()
    for folder in ("data", "auth", "callbacks", "dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for pattern in RECORDED:
                codes |= set(pattern.findall(text))
            if "admin.ledger_template.{code}" in text:
                codes |= {f"admin.ledger_template.{c}" for c in re.findall(r'_audit\(s, actor, "(\w+)"', text)}
            if "auth.login_refused_{outcome.value}" in text:
                codes |= {"auth.login_refused_locked", "auth.login_refused_inactive"}
    return codes


def test_the_scan_finds_the_events_it_should():
    codes = recorded_codes()
    assert {"admin.user_created", "auth.login_failed", "admin.format.deleted", "admin.ledger_template.renamed",
            "cert.verify_ok", "app.created", "hub.inbound_refused"} <= codes
    assert len(codes) > 60


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_recorded_event_has_a_name_in_the_page_language(lang):
    t = translator(lang)
    unnamed = sorted(code for code in recorded_codes() if event_name(t, code) == code)
    assert unnamed == []
    assert event_name(t, "admin.format.deleted") == ("证单格式已删除" if lang == "zh" else "Certificate format deleted")


def test_receipt_events_keep_their_receipt_names():
    assert all(AUDIT_LABELS[code] == label for code, label in EVENT_LABELS.items())


def test_details_are_named_not_shown_as_json():
    t = translator("en")
    assert details_text(t, {"account": "sysadmin", "addr": "127.0.0.1", "empty": None}) == \
        "Account: sysadmin; Address: 127.0.0.1"
    assert "{" not in details_text(t, {"reason": "wrong password", "what": ["a", "b"]})
    assert details_text(translator("zh"), {"reason": "密码错误"}) == "原因: 密码错误"


def test_what_a_signer_confirmed_is_said_in_words():
    from data.certificates.issuing import batch_act, issue_act, replace_act

    en, zh = translator("en"), translator("zh")
    assert details_text(en, {"what": issue_act(7, 3, False), "card_no": "CD90"}) == \
        "IC card: CD90; What: issue application 7 (version 3), Cloud signature"
    assert details_text(zh, {"what": issue_act(7, 3, True)}) == "内容: 签发申请 7（第 3 版），纸质（ECIQ 打印）"
    assert details_text(en, {"what": batch_act([[1, 2], [3, 4]], False)}) == \
        "What: issue the 2 applications selected, Cloud signature"
    assert details_text(en, {"what": batch_act(None, True)}) == "What: issue every approved application, Paper (ECIQ print)"
    assert details_text(en, {"what": replace_act("0901261400001", False)}) == \
        "What: replace certificate 0901261400001 by a new one, Cloud signature"


def test_a_row_of_the_log_in_english_names_the_event_and_keeps_the_code_for_the_detail():
    from datetime import datetime, timezone

    from data.core.audit import EventRow
    from data.core.paging import Page

    row = EventRow(1, datetime(2026, 12, 1, tzinfo=timezone.utc), "ent_a_oper", "app.submitted", "application", "7",
                   "证书申请已提交，等待海关受理", {"inspection_no": "209000000000001"})
    [shown] = audit_rows(translator("en"), Page([row], 0, 50, 1))
    assert shown["event"] == "Application submitted; waiting for customs" and shown["code"] == "app.submitted"
    assert "证书" not in shown["message"] and "209000000000001" in shown["message"]
