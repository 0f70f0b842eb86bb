"""The Chinese catalog covers every message the code asks for; formatting follows the language."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from dashboard.core.i18n import TRANSLATIONS_DIR, translator

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["auth", "callbacks", "dashboard", "data", "layouts", "exports"]


def code_message_ids() -> set[str]:
    ids = set()
    for folder in SOURCE_DIRS:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"t": None, "N_": None}
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_message_in_the_code_has_a_chinese_translation():
    with (TRANSLATIONS_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(code_message_ids() - set(translated))
    assert not missing, f"run `make messages` and translate: {missing}"


def test_chinese_is_the_default_and_english_is_the_source():
    assert translator(None)("Sign in") == "登录"
    assert translator("zh")("Welcome, {name}", name="王") == "欢迎您，王"
    assert translator("en")("Welcome, {name}", name="Wang") == "Welcome, Wang"
    assert translator("xx").lang == "zh"
    assert translator("zh")("") == ""  # not the catalog header


def test_numbers_and_names_follow_the_language():
    assert translator("en").number(1234567) == "1,234,567"
    for lang in ("zh", "en", "ru", "ja", "ko", "vi"):  # whole numbers take a short cut where the locale allows
        for n in (0, 7, -1234, 1234567, 10 ** 12):
            assert translator(lang).number(n) == format_decimal(n, locale=translator(lang).locale), (lang, n)
    assert translator("ru").number(1234567) != "1,234,567" and translator("en").amount(1234.5) == "1,234.50"
    assert translator("zh").pick("大连海关", "Dalian Customs") == "大连海关"
    assert translator("en").pick("大连海关", "Dalian Customs") == "Dalian Customs"
    assert translator("en").pick("大连海关", None) == "大连海关"


# what an overseas user sees: the sign-in page, the frame, the portal, the account and error pages
PORTAL_SOURCES = ["layouts/accounts/login.py", "layouts/shell.py", "layouts/certificates/overseas.py", "layouts/errors.py",
                  "layouts/accounts/password.py", "layouts/certificates/verify.py"]


def portal_message_ids() -> set[str]:
    from babel.messages.extract import extract_from_file

    from auth.guard import PUBLIC, SIGNED_IN
    from auth.permissions import DEFAULT_GRANTS
    from dashboard.web.pages import page_specs
    from data.core.labels import CERT_STATUS_LABELS
    from layouts.common import ROLE_LABELS

    ids = set(CERT_STATUS_LABELS.values()) | {ROLE_LABELS["overseas"]}
    for source in PORTAL_SOURCES:
        ids |= {m for _l, m, _c, _x in extract_from_file("python", ROOT / source, keywords={"t": None, "N_": None})}
    overseas = DEFAULT_GRANTS["overseas"] | {PUBLIC, SIGNED_IN}
    ids |= {p.title for p in page_specs() if p.permission in overseas}
    return ids


@pytest.mark.parametrize("language", ["ru", "ja", "ko", "vi"])
def test_the_overseas_portal_speaks_the_destination_markets_languages(language):
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(portal_message_ids() - translated)
    assert not missing, f"{language}: translate {missing}"
    assert translator(language)("Sign in") != "Sign in"


def test_moments_are_shown_in_china_standard_time():
    from datetime import datetime, timezone

    assert translator("zh").datetime(datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)) == "2026年9月1日 09:00:00"
    assert translator("en").datetime(datetime(2026, 9, 1, 17, 30)) == "2 Sept 2026, 01:30:00"


@pytest.mark.parametrize("lang", ["zh", "en", "ru"])
def test_a_placeholder_name_is_no_name_in_any_language(lang):
    from dashboard.core.i18n import translator

    t = translator(lang)
    assert t.pick("***", "HAISHENG TRADING") == "HAISHENG TRADING"
    assert t.pick("＊＊＊", "") == "" and t.pick(" - ", None) == ""
    assert t.pick("海盛贸易", "***") == "海盛贸易"
    assert t.pick("海盛贸易", "HAISHENG") == ("海盛贸易" if lang == "zh" else "HAISHENG")


def test_the_verification_page_shows_the_same_consignee_in_chinese_and_english():
    import dataclasses
    from datetime import date

    from dashboard.core.i18n import translator
    from data.certificates.verification import PublicCertificate
    from layouts.certificates.verify import certificate_card
    from tests.support.dash_calls import component_text

    fields = {f.name: None for f in dataclasses.fields(PublicCertificate)}
    fields.update(certificate_no="090126140000001", cert_type_code="14", type_name_zh="兽医卫生证书",
                  type_name_en="VETERINARY CERTIFICATE", authority_zh="大连港湾海关", authority_en="Dalian Gangwan Customs",
                  issue_place="大连", issue_date=date(2026, 3, 9), consignor_zh="大连海盛", consignor_en="DALIAN HAISHENG",
                  consignee_zh="***", consignee_en="SEOUL FOODS", status="valid", goods=(), replaces=None,
                  replaced_by=None)
    card = PublicCertificate(**fields)
    for lang in ("zh", "en"):
        text = component_text(card_json(certificate_card(translator(lang), card)))
        assert "SEOUL FOODS" in text and "***" not in text


def card_json(component):
    import json

    import plotly

    return json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder))


def test_a_value_ending_a_sentence_gets_no_second_full_stop():
    from datetime import date

    from dashboard.core.i18n import translator

    ru = translator("ru")
    day = ru.date(date(2026, 10, 20))
    assert day.endswith(".")  # "20 окт. 2026 г."
    said = ru("Withdrawn on {date}.", date=day)
    assert said == f"Отозван {day}" and not said.endswith("..")
    assert translator("en")("Withdrawn on {date}.", date="20 Oct 2026") == "Withdrawn on 20 Oct 2026."


def test_a_changed_file_is_told_as_changed_and_not_as_an_untrusted_signer():
    from dashboard.core.i18n import translator
    from exports.certificate.signature_check import SignatureReport
    from layouts.certificates.verify import signature_lines
    from tests.support.dash_calls import component_text

    t = translator("en")
    changed = SignatureReport(readable=True, signed=True, intact=False, valid=False, trusted=False, whole_file=True)
    text = component_text(card_json(signature_lines(t, changed)))
    assert "the file was changed after it was signed" in text and "trusted" not in text
    foreign = SignatureReport(readable=True, signed=True, intact=True, valid=True, trusted=False, whole_file=True)
    assert "not issued by a trusted authority" in component_text(card_json(signature_lines(t, foreign)))


def test_the_certificate_page_names_the_issuing_authority_once_and_the_officer_as_the_officer():
    import dataclasses
    from datetime import date, datetime, timezone

    from dashboard.core.i18n import translator
    from data.certificates.issuing import CertificateView
    from layouts.certificates.view import certificate_facts

    values = {f.name: None for f in dataclasses.fields(CertificateView)}
    values.update(certificate_no="090126140000001", serial="01", status="valid", cert_type_zh="兽医卫生证书",
                  cert_type_en="VETERINARY", district_code="0901", district_zh="大连港湾海关",
                  district_en="Dalian Gangwan Customs", issue_place="大连", issue_date=date(2026, 3, 9),
                  issued_at=datetime(2026, 3, 9, tzinfo=timezone.utc), signing_method="cloud", print_count=0,
                  received_date=date(2026, 3, 8), application_id=7, inspection_no="209000000000001",
                  consignor="大连海盛", consignee="SEOUL FOODS", verify_url="https://c.example/verify",
                  issued_by="王海", replaced_by=(), history=())
    labels = dict(certificate_facts(translator("zh"), CertificateView(**values)))
    assert labels["签发机构"] == "[0901] 大连港湾海关" and labels["签发人"] == "王海"
    assert [label for label, _value in certificate_facts(translator("zh"), CertificateView(**values))].count("签发机构") == 1


def test_the_ledger_starts_on_exit_declarations_and_asks_for_the_file_format():
    from dashboard.core.i18n import translator
    from layouts.ledger import ids
    from layouts.ledger.ledger import ledger_page
    from tests.support.dash_calls import component_text

    page = card_json(ledger_page(translator("zh"), enterprises=None, enterprise_name="企业A", cert_types=[],
                                 templates=[]))

    def find(node, component_id):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == component_id:
                return node
            return next((f for v in node.get("props", {}).values() if (f := find(v, component_id))), None)
        if isinstance(node, list):
            return next((f for v in node if (f := find(v, component_id))), None)
        return None

    assert find(page, ids.LEDGER_DIRECTION)["props"]["value"] == "exit"
    text = component_text(page)
    assert "文件格式" in text and "证单格式" not in text
