"""The Flask commands: migrate, check, load reference data, deliver mail; clear one-line failures."""
from __future__ import annotations

from sqlalchemy import func, select

from data.models import CustomsDistrict, DictEntry, OutgoingMail, RoleDef


def run(app, *args):
    return app.server.test_cli_runner().invoke(args=list(args))


def test_reference_load_is_idempotent(app):
    first = run(app, "reference", "load")
    assert first.exit_code == 0 and "customs_district=52" in first.output and "role=7" in first.output
    second = run(app, "reference", "load")
    assert second.exit_code == 0 and "customs_district=0" in second.output
    with app.server.extensions["certdash"].sessions() as s:
        assert s.scalar(select(func.count()).select_from(CustomsDistrict)) == 52
        assert s.scalar(select(func.count()).select_from(RoleDef)) == 7  # six built-in, one under overseas
        assert s.scalar(select(func.count()).select_from(DictEntry).where(DictEntry.dictionary == "hs_code")) > 100


def test_db_check_on_a_ready_store(app):
    result = run(app, "db", "check")
    assert result.exit_code == 0 and "store ready" in result.output


def test_mail_send_writes_the_outbox_folder(app, settings):
    with app.server.extensions["certdash"].sessions() as s:
        s.add(OutgoingMail(to_address="a@example.com", subject="测试 / Test", body="正文"))
        s.commit()
    result = run(app, "mail", "send")
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    assert len(list((settings.instance_path / "outbox").glob("*.eml"))) == 1
