"""A small, hand-made world for access tests: districts, enterprises, users, records in each scope."""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select

from auth.passwords import hash_password
from data.accounts.roles import role_permissions, seed_roles
from data.core.db import transaction
from data.core.scope import actor_for
from data.models import (
    Certificate,
    CertificateApplication,
    CertificateFormat,
    CertificateType,
    CustomsDistrict,
    Declaration,
    Enterprise,
    User,
)

ACCOUNTS = {
    "sysadmin": ("admin", None, None),
    "manager0900": ("manager", None, "0900"),
    "manager0903": ("manager", None, "0903"),
    "officer0901": ("officer", None, "0901"),
    "ent_a_admin": ("enterprise_admin", "A", None),
    "ent_a_oper": ("enterprise", "A", None),
    "ent_b_oper": ("enterprise", "B", None),
    "overseas_ru": ("overseas", "A", None),
}


@dataclass(frozen=True)
class World:
    enterprise_ids: dict[str, int]
    user_ids: dict[str, int]
    application_ids: dict[str, int]  # "A-0901", "B-0903", "C-0200" -> id


@functools.cache
def _hash(password: str) -> str:
    return hash_password(password)  # Argon2 is slow on purpose: hash once per test run


def build_world(sessions, password: str) -> World:
    pw = _hash(password)
    with transaction(sessions) as s:
        seed_roles(s)
        s.add_all([
            CustomsDistrict(code="0900", name_zh="大连海关", name_en="Dalian Customs"),
            CustomsDistrict(code="0200", name_zh="天津海关", name_en="Tianjin Customs"),
        ])
        s.flush()
        s.add_all([
            CustomsDistrict(code="0901", parent_code="0900", name_zh="大连港湾海关", name_en="Dalian Gangwan Customs"),
            CustomsDistrict(code="0903", parent_code="0900", name_zh="金普海关", name_en="Jinpu Customs"),
        ])
        s.add(CertificateType(code="14", name_zh="兽医卫生证书", name_en="VETERINARY (HEALTH) CERTIFICATE",
                              category="exit"))
        s.flush()
        s.add(CertificateFormat(code="C3-1", cert_type_code="14", name_zh="兽医(卫生)证书", name_en="Veterinary"))
        ents = {}
        for key, district in (("A", "0901"), ("B", "0903"), ("C", "0200")):
            e = Enterprise(name_zh=f"企业{key}", name_en=f"Enterprise {key}", status="approved",
                           district_code=district)
            s.add(e)
            s.flush()
            ents[key] = e.id
        user_ids = {}
        for account, (role, ent, district) in ACCOUNTS.items():
            u = User(account=account, password_hash=pw, real_name=account, role=role,
                     enterprise_id=ents[ent] if ent else None, district_code=district,
                     language="en" if role == "overseas" else "zh")
            s.add(u)
            s.flush()
            user_ids[account] = u.id
        apps = {}
        for n, (key, district) in enumerate((("A", "0901"), ("B", "0903"), ("C", "0200"))):
            d = Declaration(direction="exit", inspection_no=f"2090000000000{n:02d}", enterprise_id=ents[key],
                            district_code=district, status="sent")
            s.add(d)
            s.flush()
            a = CertificateApplication(declaration_id=d.id, enterprise_id=ents[key], district_code=district,
                                       cert_type_code="14", format_code="C3-1", status="issued")
            s.add(a)
            s.flush()
            apps[f"{key}-{district}"] = a.id
            s.add(Certificate(certificate_no=f"TEST{n:04d}", application_id=a.id, enterprise_id=ents[key],
                              district_code=district, cert_type_code="14", entry_method="blank", issue_place="大连",
                              issue_date=date(2026, 1, 2), issued_at=datetime(2026, 1, 2, tzinfo=timezone.utc),
                              signing_method="cloud", verify_token=f"tok{n}"))
    return World(ents, user_ids, apps)


def render_page(client, path: str, search: str = "") -> dict:
    """Ask Dash's page router for a page's layout, as the browser does; return the JSON response."""
    payload = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def page_text(client, path: str, search: str = "") -> str:
    """Return a page's layout as readable JSON text (Dash escapes non-ASCII)."""
    return json.dumps(render_page(client, path, search), ensure_ascii=False)


def csrf_from(client) -> str:
    match = re.search(r'"value":\s*"([^"]+)",\s*"type":\s*"hidden",\s*"name":\s*"csrf"', page_text(client, "/login"))
    assert match, "no csrf token on the sign-in page"
    return match.group(1)


def sign_in(client, account: str, password: str, next_path: str = "/"):
    return client.post("/auth/login", data={"account": account, "password": password,
                                            "csrf": csrf_from(client), "next": next_path})


def actor(s, account: str):
    """The Actor of a world account, as the app builds it at sign-in."""
    user = s.scalar(select(User).where(User.account == account))
    return actor_for(s, user, role_permissions(s, user.role))
