"""Certificates and applications for the certificate query tests, on top of the test world.

Deterministic and varied on purpose: ties on issue dates and declaration times, empty review times
and received dates, a replaced certificate and its replacement under one application, drafts,
applications in every queue, two districts of the 0900 subtree and one outside it (0200).
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from data.core.db import transaction
from data.models import (
    Certificate,
    CertificateApplication,
    CertificateFormat,
    CertificateType,
    CustomsDistrict,
    Declaration,
    DictEntry,
    User,
)

CURRENCIES = ("USD", "JPY", None)  # the goods' currency of each certificate, by its number
DISTRICTS = ("0901", "0903", "0900", "0200")
STATUSES = ("issued",) * 6 + ("submitted", "under_review", "returned", "suspended", "approved", "revoked", "draft",
                             "confirmed", "awaiting_confirmation")
UNITS = ("大连瑞丰粮食加工有限公司", "金普 100% 食品_A", "金普 1000 食品 A", "鞍山九股河食品", None)
COUNTRIES = ("JP", "KR", "RU", None)
DAYS = (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 5))
SUBMITTED = tuple(datetime(2026, 2, 27, 16, 0, tzinfo=timezone.utc) + timedelta(hours=7 * k) for k in range(6))
APPLICATIONS = 90


def fill(sessions, seed: int = 6, applications: int = APPLICATIONS) -> None:
    """Add the query's rows to a store holding the test world (tests/support/world.py)."""
    rnd = random.Random(seed)
    with transaction(sessions) as s:
        s.add(CertificateType(code="18", name_zh="植物检疫证书", name_en="PHYTOSANITARY CERTIFICATE", category="exit"))
        s.flush()
        s.add(CertificateFormat(code="C5-1", cert_type_code="18", name_zh="植物检疫证书", name_en="Phytosanitary"))
        for code, zh, en in (("JP", "日本", "Japan"), ("KR", "韩国", "Korea, Republic of"), ("RU", "俄罗斯", "Russia")):
            if s.get(DictEntry, ("country", code)) is None:
                s.add(DictEntry(dictionary="country", code=code, name_zh=zh, name_en=en))
        officer = s.scalar(select(User.id).where(User.account == "officer0901"))
        ents = {d: e for e, d in s.execute(select(Declaration.enterprise_id, Declaration.district_code))}
        ents["0900"] = ents["0901"]
        known = {c for c in s.scalars(select(CustomsDistrict.code))}
        assert set(DISTRICTS) <= known
        number = 0
        declaration = None
        for n in range(applications):
            district = DISTRICTS[rnd.randrange(4)]
            if declaration is None or declaration.district_code != district or rnd.random() < 0.6:
                declaration = Declaration(direction="exit", inspection_no=f"2210000{n:08d}", status="sent",
                                          enterprise_id=ents[district], district_code=district)
                s.add(declaration)
                s.flush()
            status = STATUSES[rnd.randrange(len(STATUSES))]
            cert_type, fmt = ("14", "C3-1") if rnd.random() < 0.5 else ("18", "C5-1")
            submitted = None if status == "draft" else SUBMITTED[rnd.randrange(len(SUBMITTED))]
            reviewed = (None if status in ("draft", "submitted") or rnd.random() < 0.1
                        else submitted + timedelta(hours=rnd.randrange(1, 60)))
            app = CertificateApplication(
                declaration_id=declaration.id, enterprise_id=declaration.enterprise_id, district_code=district,
                cert_type_code=cert_type, format_code=fmt, serial=f"{rnd.randrange(1, 4):02d}",
                entry_method=("blank", "similar", "template", "smart_import")[rnd.randrange(4)], status=status,
                dest_country=COUNTRIES[rnd.randrange(4)], production_unit=UNITS[rnd.randrange(len(UNITS))],
                submitted_at=submitted, reviewed_at=reviewed, reviewer_id=officer if reviewed else None,
                certificate_no=f"{district}2618{n:07d}" if status == "approved" else None)
            s.add(app)
            s.flush()
            if status != "issued":
                continue
            replaced = rnd.random() < 0.2
            for k in range(2 if replaced else 1):
                number += 1
                day = DAYS[rnd.randrange(len(DAYS))] + timedelta(days=k)
                s.add(Certificate(
                    certificate_no=f"{district}26{cert_type:0>2}{number:07d}", serial=app.serial, application_id=app.id,
                    enterprise_id=app.enterprise_id, district_code=district, cert_type_code=cert_type,
                    entry_method=app.entry_method, dest_country=app.dest_country, issue_place="大连", issue_date=day,
                    issued_at=datetime.combine(day, datetime.min.time(), timezone.utc),
                    received_date=None if rnd.random() < 0.2 else day - timedelta(days=rnd.randrange(3)),
                    signing_method="cloud" if rnd.random() < 0.6 else "paper",
                    status=("replaced" if replaced and k == 0 else "withdrawn" if rnd.random() < 0.1 else "valid"),
                    verify_token=f"q{number}", currency=CURRENCIES[number % 3],
                    goods_value=Decimal(number * 101) / 100 if CURRENCIES[number % 3] else None))
