"""The declarations list: Jiucheng 3.4.2 filters, scoped to the actor, paged."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data.core.scope import AccessDenied
from data.declarations.listing import DeclarationFilter, list_declarations
from data.models import Container, Declaration, GoodsLine
from tests.support.world import actor


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        decl = session.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
        decl.status, decl.consignee_zh, decl.consignee_en = "sent", "首尔水产", "SEOUL SEAFOOD CO."
        decl.contract_no, decl.bl_no, decl.dest_country, decl.inspection_date = "HT-2026-08", "COSU6188", "KR", \
            date(2026, 11, 2)
        session.add_all([GoodsLine(declaration_id=decl.id, seq=1, hs_code="0303630000", name_zh="冻鳕鱼",
                                   name_en="FROZEN COD"),
                         Container(declaration_id=decl.id, seq=1, number="TGHU1234567")])
        session.commit()
        yield session


@pytest.mark.parametrize("f,found", [
    (DeclarationFilter(), 1),
    (DeclarationFilter(direction="entry"), 0),
    (DeclarationFilter(statuses=("sent",)), 1),
    (DeclarationFilter(statuses=("draft",)), 0),
    (DeclarationFilter(goods_name="鳕鱼"), 1),
    (DeclarationFilter(goods_name="frozen cod"), 1),
    (DeclarationFilter(goods_name="squid"), 0),
    (DeclarationFilter(consignee="seoul"), 1),
    (DeclarationFilter(contract_no="HT-2026"), 1),
    (DeclarationFilter(bl_no="MAEU"), 0),
    (DeclarationFilter(destination="kr"), 1),
    (DeclarationFilter(container_no="tghu1234567"), 1),
    (DeclarationFilter(container_no="TGHU7654321"), 0),
    (DeclarationFilter(date_from=date(2026, 11, 1), date_to=date(2026, 11, 2)), 1),
    (DeclarationFilter(date_from=date(2026, 11, 3)), 0),
    (DeclarationFilter(consignee="%"), 0),
])
def test_filters(s, f, found):
    assert len(list_declarations(s, actor(s, "ent_a_oper"), f).rows) == found


def test_scope(s, users):
    assert list_declarations(s, actor(s, "ent_b_oper"), DeclarationFilter(goods_name="鳕鱼")).rows == []
    assert len(list_declarations(s, actor(s, "officer0901"), DeclarationFilter(goods_name="鳕鱼")).rows) == 1
    for account in ("overseas_ru", "sysadmin", "manager0900"):
        with pytest.raises(AccessDenied):
            list_declarations(s, actor(s, account), DeclarationFilter())


@pytest.mark.parametrize("status,officer_sees", [("draft", False), ("saved", False), ("sent", True),
                                                 ("receipted", True)])
def test_customs_see_only_what_the_enterprise_has_sent(s, users, status, officer_sees):
    decl = s.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
    decl.status = status
    s.commit()
    f = DeclarationFilter(goods_name="鳕鱼")
    assert len(list_declarations(s, actor(s, "ent_a_oper"), f).rows) == 1
    assert len(list_declarations(s, actor(s, "officer0901"), f).rows) == int(officer_sees)
