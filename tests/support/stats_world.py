"""A statistics world for the tests of the reports and the explorer: the test world plus 160 certificates of
known, varied attributes written through the ORM (`stats_store`), and applications added on demand
(`add_application`). `pytest_plugins = ["tests.support.stats_world"]`; a module names the store `s` with a
fixture of its own, as plugins are global and tests.support.declaration_forms gives an `s` of its own."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from data.models import Certificate, CertificateApplication, CertificateType, Declaration, DictEntry

UTC = timezone.utc
TYPES = ("14", "18")
COUNTRIES = ("JP", "KR", None)
DISTRICTS = ("0900", "0901", "0903", "0200")
FIRST_DAY = date(2026, 1, 20)
TODAY = date(2026, 6, 10)
DECLARED = {"0901": (Decimal("12345.67"), "USD"), "0903": (Decimal("9876543.21"), "JPY")}


@pytest.fixture
def stats_store(app, users):
    """The test world plus 160 certificates of known, varied attributes (written through the ORM)."""
    rng = random.Random(5)
    with app.server.extensions["certdash"].sessions() as session:
        session.add(CertificateType(code="18", name_zh="植物检疫证书", name_en="PHYTOSANITARY CERTIFICATE",
                                    category="exit"))
        session.add_all([DictEntry(dictionary="country", code="JP", name_zh="日本", name_en="Japan"),
                         DictEntry(dictionary="country", code="KR", name_zh="韩国", name_en="Korea, Republic of"),
                         DictEntry(dictionary="currency", code="USD", name_zh="美元", name_en="US Dollar"),
                         DictEntry(dictionary="currency", code="JPY", name_zh="日元", name_en="Yen")])
        session.flush()
        declared = {}  # each district's declaration: its goods' value and currency (0200's declares none)
        for decl in session.scalars(select(Declaration)):
            decl.total_value, decl.currency = DECLARED.get(decl.district_code, (None, None))
            declared[decl.id] = (decl.total_value, decl.currency)
        apps = {a.district_code: a for a in session.scalars(select(CertificateApplication))}
        apps["0900"] = apps["0901"]  # the parent district issues a few itself, on an application of its own house
        for n in range(160):
            district = rng.choice(DISTRICTS)
            issued = FIRST_DAY + timedelta(days=rng.randrange(0, 100))
            app_row = apps[district]
            session.add(Certificate(
                certificate_no=f"S{n:05d}", application_id=app_row.id, enterprise_id=app_row.enterprise_id,
                district_code=district, cert_type_code=rng.choice(TYPES),
                entry_method=rng.choice(["blank", "similar", "template"]), dest_country=rng.choice(COUNTRIES),
                issue_place="大连", issue_date=issued, issued_at=datetime.combine(issued, datetime.min.time(), UTC),
                received_date=issued - timedelta(days=rng.randrange(0, 3)) if rng.random() < 0.9 else None,
                signing_method=rng.choice(["cloud", "paper"]), print_count=rng.choice([0, 0, 1, 2]),
                status=rng.choice(["valid", "valid", "valid", "replaced", "withdrawn"]), verify_token=f"v{n}",
                goods_value=declared[app_row.declaration_id][0], currency=declared[app_row.declaration_id][1]))
        session.commit()
        yield session


def add_application(s, users, district: str, status: str, submitted: datetime | None,
                    approved: datetime | None) -> None:
    key = {"0901": "A", "0903": "B", "0200": "C"}[district]
    decl = s.scalar(select(Declaration).where(Declaration.district_code == district))
    s.add(CertificateApplication(declaration_id=decl.id, enterprise_id=users.enterprise_ids[key],
                                 district_code=district, cert_type_code="14", format_code="C3-1", status=status,
                                 submitted_at=submitted, approved_at=approved))
