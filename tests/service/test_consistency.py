"""An application whose goods weigh other than its declaration says is flagged to the applicant and the officer
(the weights summed in kilograms across units); weights that agree, or cannot be compared, say nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest

from data.applications.consistency import weight_mismatch
from data.applications.listing import application_detail
from data.models import CertificateApplication, GoodsLine
from tests.service.test_issuing import approved_application
from tests.support.world import actor, page_text

pytest_plugins = ["tests.support.declaration_forms"]  # `s`: the app's store with the reference data


def declared(s, app_id: int, *lines: tuple[str, str]) -> CertificateApplication:
    """Give the application's declaration goods lines of these (weight, unit code)."""
    application = s.get(CertificateApplication, app_id)
    for n, (weight, unit) in enumerate(lines, 1):
        s.add(GoodsLine(declaration_id=application.declaration_id, seq=n, hs_code="0303899090", name_zh="冻鱼",
                        weight=Decimal(weight), weight_unit=unit))
    s.commit()
    return application


def test_goods_weighing_other_than_declared_are_flagged_to_both_sides(s, users, client_as):
    application = declared(s, approved_application(s, users), ("38000", "035"))  # the goods: 2 × 12,000.5 kg
    found = weight_mismatch(s, application)
    assert found is not None and (found.application_kg, found.declaration_kg) == (Decimal("24001.0"), Decimal("38000"))
    assert application_detail(s, actor(s, "officer0901"), application.id).weight_mismatch == found
    for account in ("officer0901", "ent_a_oper"):
        text = page_text(client_as(account), "/applications/view", f"?id={application.id}")
        assert "本申请货物重量合计 24,001 千克，而报检单申报 38,000 千克" in text, account


@pytest.mark.parametrize("lines", [
    [("24.001", "070")],  # the same weight in tonnes
    [("24000", "035"), ("1000", "036")],  # kilograms and grams: 24,001 kg
    [("24010", "035")],  # within half a percent
    [("38000", "011")],  # a unit that is not a weight: no comparison
    [],  # no declared goods
])
def test_agreeing_or_uncomparable_weights_say_nothing(s, users, lines):
    application = declared(s, approved_application(s, users), *lines)
    assert weight_mismatch(s, application) is None
